#!/usr/bin/env bash
# cot.sh - the CoT gateway under load (issue 13 item 7): TLS TAK clients against one node's
# gateway, N = 1, 50, 200 receivers besides the senders; events/s ingested and delivered,
# send -> receive latency p50/p99, the node's CPU and memory per client. Not a test: it prints
# figures. See bench/RESULTS.md, "CoT gateway".
#
#   bash bench/cot.sh                    # ~2 min plus the build
#   KZ_COT_RATE=5000 bash bench/cot.sh   # another offered rate for the N = 1, 50, 200 runs
#
# The node runs as deployed: --secure (a PKI made for the run), --cot on loopback, --auto,
# with its bilateral partner running (bench/cot.yaml), so the clients' reports go out over DDS
# as they would. kz_bench_cot (bench/cot_load.c) runs the clients in one process: 4 senders
# writing PLIs (10 uids each) at the offered rate in all, N receivers; every client reads
# (TAK clients get the others' SA), so an event is due to N + 3 clients. The generator, the
# node and its partner share this machine's cores.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3

B=${KZ_COT_BUILD:-build-cot-bench}
RATE=${KZ_COT_RATE:-20000}  # offered events/s, all senders together
SECS=${KZ_COT_SECS:-10}     # seconds of sending per run
LOW_RATE=1000               # the latency run at N = 200
STRUCT=bench/cot.yaml
DOM=58                      # a DDS domain of our own (the gateway's tests use 50)
TMP=$(mktemp -d /tmp/kz-cot.XXXXXX)

PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$p" 2>/dev/null
    done
    [ -n "${KZ_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
}
trap cleanup EXIT

echo "== build (Release) into $B"
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$TMP/cmake.log" 2>&1 &&
    cmake --build "$B" --target kizuna-cli kz_bench_cot >>"$TMP/cmake.log" 2>&1 ||
    { tail -20 "$TMP/cmake.log"; exit 3; }
KZ=$B/kizuna
LOAD=$B/bench/kz_bench_cot

echo "== machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(uname -r)"
echo "== $(git log -1 --format='commit %h %cd' --date=iso 2>/dev/null)"

"$KZ" pki init --structure "$STRUCT" --out "$TMP/pki" >/dev/null || exit 3
for c in rx tx; do
    "$KZ" pki client --structure "$STRUCT" --pki "$TMP/pki" --node hq-a --name $c \
        --out "$TMP/c" >/dev/null || exit 3
done

"$KZ" node --structure "$STRUCT" --as hq-b --journal "$TMP/j" --secure "$TMP/pki" --auto \
    --domain $DOM --quiet >"$TMP/hq-b.log" 2>&1 &
PIDS+=($!)
"$KZ" node --structure "$STRUCT" --as hq-a --journal "$TMP/j" --secure "$TMP/pki" --auto \
    --domain $DOM --cot 127.0.0.1:0 --cot-max-clients 1024 >"$TMP/hq-a.log" 2>&1 &
NODE=$!
PIDS+=($NODE)
PORT=
for _ in $(seq 100); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) (TLS.*/\1/p' "$TMP/hq-a.log")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "the node did not listen"; cat "$TMP/hq-a.log"; exit 3; }
sleep 2 # DDS Security handshakes with the partner

TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# run N RATE: one run of the generator, its figures and the node's CPU and memory.
run() {
    local n=$1 rate=$2 c0 c1 t0 t1 r0 r1 out
    r0=$(rss_kb $NODE)
    c0=$(cpu_ticks $NODE)
    t0=$(date +%s.%N)
    "$LOAD" --port "$PORT" --ca "$TMP/c/ca.pem" --tx "$TMP/c/tx.pem,$TMP/c/tx.key" \
        --rx "$TMP/c/rx.pem,$TMP/c/rx.key" --receivers "$n" --senders 4 --rate "$rate" \
        --seconds "$SECS" >"$TMP/load.out" 2>&1 &
    local lp=$!
    sleep $((SECS / 2 + 1))
    r1=$(rss_kb $NODE)
    wait $lp
    t1=$(date +%s.%N)
    c1=$(cpu_ticks $NODE)
    out=$(cat "$TMP/load.out")
    echo "   $out"
    awk -v o="$out" -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v tck="$TCK" \
        -v r0="$r0" -v r1="$r1" -v n="$n" 'BEGIN {
        split(o, kv, " "); for (i in kv) { split(kv[i], p, "="); f[p[1]] = p[2] }
        cpu = (c1 - c0) / tck; wall = t1 - t0; clients = f["clients"]
        sent = f["sent"] > 0 ? f["sent"] : 1; dl = f["delivered"] > 0 ? f["delivered"] : 1
        printf "   N=%-4d offered %6d/s  ingested %7.0f/s  delivered %9.0f/s (%.1f %% of due)", \
               n, f["offered_per_s"], f["sent_per_s"], f["delivered_per_s"], 100 * f["delivered_share"]
        printf "  latency p50 %.1f ms p99 %.1f ms\n", f["lat_p50_ms"], f["lat_p99_ms"]
        printf "          node CPU %.0f %% of a core (%.1f us per ingested event, %.2f us per", \
               100 * cpu / wall, 1e6 * cpu / sent, 1e6 * cpu / dl
        printf " delivery); generator CPU %.0f %%; node RSS %d -> %d KB (%.1f KB per client)\n", \
               100 * f["gen_cpu_s"] / wall, r0, r1, (r1 - r0) / clients }'
}

echo "== $SECS s per run, $RATE events/s offered by 4 senders (10 uids each), N receivers"
for n in 1 50 200; do
    run $n "$RATE"
done
echo "== latency at a load the gateway keeps up with: N=200, $LOW_RATE events/s"
run 200 $LOW_RATE
echo "== the node's journal: $(grep -c ': connected ' "$TMP/hq-a.log") connections," \
    "$(grep -c 'refused' "$TMP/hq-a.log") refusals"
