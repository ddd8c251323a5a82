#!/usr/bin/env bash
# live.sh - one command: raw Cyclone DDS (ddsperf) against two live kizuna nodes on this
# machine, for track-sized samples: throughput and one-way latency, with the targets
# (>= 40 % of raw DDS throughput, p99 < 1 ms). Not a test: it prints figures. See
# bench/README.md, "Live network".
#
#   bash bench/live.sh                  # ~55 s plus the build
#   KZ_LIVE_N=20000 bash bench/live.sh  # a shorter throughput stream
#   KZ_LIVE_INSECURE=1 bash bench/live.sh  # nodes --insecure --force: the cost of security
#
# The nodes run as they do by default: --secure with a PKI made for the run (kizuna pki
# init), so DDS Security and per-message signatures and MACs are in the figures.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3

B=build-bench
KZ=$B/kizuna
LIVE=$B/bench/kz_bench_live
STRUCT=bench/data/live-pair.yaml
INSECURE=${KZ_LIVE_INSECURE:-} # non-empty: the nodes run --insecure --force (lab comparison)
THR_N=${KZ_LIVE_N:-100000} # tracks in the unpaced stream
LAT_RATE=1000 LAT_S=10     # the paced stream: tracks/s, seconds
WARMUP_S=1                 # latency: tracks sent in the first second are not counted
DDS_S=10                   # ddsperf: seconds of publishing / pinging
SIZE=256                   # ddsperf KS payload, bytes (a kizuna track: 165 B of XCDR1)
TMP=$(mktemp -d /tmp/kz-live.XXXXXX)
# Five DDS domains of our own (ddsperf x3, kizuna x2), away from 0 and the tests' ids, and below
# 101 so their ports stay under Linux's ephemeral range (another socket may hold one above it).
DOM=95
# The nodes' default configuration (dx_loopback_config in src/live/dds.c), for both.
export CYCLONEDDS_URI='<CycloneDDS><Domain Id="any"><General><Interfaces><NetworkInterface name="lo" multicast="true"/></Interfaces></General></Domain></CycloneDDS>'

PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "live.sh: $*" >&2; exit 3; }
# run CMD...: runs it in the background and waits, so that INT/TERM reach the trap at once
# (bash runs traps only between foreground commands); returns its exit status.
run() { "$@" & PIDS+=($!); wait $!; }
field() { awk -v k="$2" -F': ' '$1 == k { print $2; exit }' "$1"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { awk "BEGIN { print (($1) ? \"PASS\" : \"FAIL\") }"; }
row() { printf '  %-44s %14s %14s   %-12s %s\n' "$1" "${2:-}" "${3:-}" "${4:-}" "${5:-}"; }
t_now() { date +%s.%N; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
busy() { awk '$1 == "cpu" { print $2 + $3 + $4; exit }' /proc/stat; } # user+nice+system ticks, all CPUs
steal() { awk '$1 == "cpu" { print $9; exit }' /proc/stat; }          # taken by the hypervisor
HZ=$(getconf CLK_TCK)

# ---- machine -----------------------------------------------------------------------
echo "== kizuna live benchmark ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ', src/ modified'))"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), nproc $(nproc)"
echo "command: ${KZ_LIVE_N:+KZ_LIVE_N=$KZ_LIVE_N }${INSECURE:+KZ_LIVE_INSECURE=$INSECURE }bash bench/live.sh"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at start"
echo "dds:     Cyclone DDS $(dpkg-query -W -f '${Version}' libddsc0debian 2>/dev/null || echo '?'), SQLite $(dpkg-query -W -f '${Version}' libsqlite3-0 2>/dev/null || echo '?'), loopback, multicast forced, domains $DOM-$((DOM + 4))"
if [ -n "$INSECURE" ]; then
    echo "nodes:   --insecure --force (nothing authenticated: a lab comparison only)"
else
    echo "nodes:   --secure (DDS Security, messages signed and MAC'd; a PKI made for the run)"
fi
command -v ddsperf >/dev/null || die "ddsperf not found (apt-get install cyclonedds-tools)"

# ---- build -------------------------------------------------------------------------
echo "building Release into $B/ (kizuna, kz_bench_live) ..."
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$TMP/cmake.log" 2>&1 || { cat "$TMP/cmake.log"; die "cmake failed"; }
ninja -C "$B" kizuna kz_bench_live >"$TMP/ninja.log" 2>&1 || { tail -n 30 "$TMP/ninja.log"; die "build failed"; }
"$KZ" check -q "$STRUCT" || die "$STRUCT does not pass kizuna check"
if [ -n "$INSECURE" ]; then
    SEC=(--insecure --force)
else
    "$KZ" pki init --structure "$STRUCT" --out "$TMP/pki" >/dev/null || die "kizuna pki init failed"
    SEC=(--secure "$TMP/pki")
fi
echo

# ---- 1. raw DDS: ddsperf -------------------------------------------------------------
# throughput: the subscriber prints one line a second, "... rate X kS/s ..."; the first
# (discovery, ramp-up) and the last (publisher leaving) are dropped, the median is kept.
echo "1. raw Cyclone DDS: ddsperf, topic KS (keyed, sequence of octets), size $SIZE, reliable, keep-last 1"
d_s0=$(steal) d_t0=$(t_now)
timeout $((DDS_S + 8)) ddsperf -i "$DOM" -D $((DDS_S + 3)) sub >"$TMP/sub.log" 2>&1 &
sub=$!
PIDS+=($sub)
sleep 1
run timeout $((DDS_S + 5)) ddsperf -i "$DOM" -D "$DDS_S" pub size "$SIZE" >"$TMP/pub.log" 2>&1 ||
    echo "  note: ddsperf pub exited $?"
wait $sub # the builtin wait returns at once on INT/TERM
read -r d_thr d_lost d_n < <(awk '
    / rate / { for (i = 1; i < NF; i++) { if ($i == "delta") d = $(i + 1); if ($i == "rate") r = $(i + 1); if ($i == "total") l = $(i + 3) }
               if (d > 0) v[n++] = r }
    END { m = 0; for (i = 1; i < n - 1; i++) w[m++] = v[i]
          for (i = 0; i < m; i++) for (j = i + 1; j < m; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
          printf "%s %d %d\n", (m ? w[int((m - 1) / 2)] : 0), l, m }' "$TMP/sub.log")
[ "$d_n" -gt 0 ] || { cat "$TMP/sub.log"; die "ddsperf sub printed no rates"; }
d_thr=$(calc %.0f "$d_thr * 1000")

# latency: ping prints one line a second with mean, min, 50%, 90%, 99%, max of RTT/2
# (ddsperf.c: update_roundtrip(..., (tnow - ts) / 2, ...)); first line dropped, medians kept.
pingpong() { # DOMAIN SECONDS PING-ARGS... -> "p50 p90 p99 max count" (us)
    local dom=$1 s=$2
    shift 2
    timeout $((s + 8)) ddsperf -i "$dom" -D $((s + 2)) pong >"$TMP/pong$dom.log" 2>&1 &
    local pong=$!
    PIDS+=($pong)
    sleep 1
    run timeout $((s + 5)) ddsperf -i "$dom" -D "$s" ping "$@" >"$TMP/ping$dom.log" 2>&1
    kill -TERM $pong 2>/dev/null
    wait $pong 2>/dev/null
    awk '
        / cnt / { for (i = 1; i < NF; i++) { if ($i == "50%") a[n] = $(i + 1) + 0; if ($i == "90%") b[n] = $(i + 1) + 0
                                             if ($i == "99%") c[n] = $(i + 1) + 0; if ($i == "max") x = $(i + 1) + 0; if ($i == "cnt") k = $(i + 1) }
                  if (n > 0) { if (x > mx) mx = x; cnt += k } n++ }
        function med(v,   m, i, j, t, w) { m = 0; for (i = 1; i < n; i++) w[m++] = v[i]
            for (i = 0; i < m; i++) for (j = i + 1; j < m; j++) if (w[j] < w[i]) { t = w[i]; w[i] = w[j]; w[j] = t }
            return m ? w[int((m - 1) / 2)] : 0 }
        END { printf "%s %s %s %s %d\n", med(a), med(b), med(c), mx, cnt }' "$TMP/ping$dom.log"
}
pingpong $((DOM + 1)) "$DDS_S" 1kHz size "$SIZE" >"$TMP/pp1" # not $(...): PIDS must see the pong
read -r p_50 p_90 p_99 p_max p_n <"$TMP/pp1"
[ "$p_n" -gt 0 ] || { cat "$TMP/ping$((DOM + 1)).log"; die "ddsperf ping printed no latencies"; }
pingpong $((DOM + 2)) 5 size "$SIZE" >"$TMP/pp2"
read -r q_50 q_90 q_99 q_max q_n <"$TMP/pp2"

d_steal=$(calc %.2f "($(steal) - $d_s0) / $HZ / ($(t_now) - $d_t0)")
row "" "raw DDS" "" "" ""
row "throughput, samples/s (median of ${d_n} s)" "$d_thr" "" "lost $d_lost"
row "latency RTT/2, ping 1 kHz: p50 / p99 us" "$p_50 / $p_99" "" "max $p_max" "($p_n pings)"
row "latency RTT/2, back-to-back: p50 / p99 us" "$q_50 / $q_99" "" "max $q_max" "($q_n pings)"
row "steal (hypervisor) during part 1, cores" "$d_steal" "" "" "$(verdict "$d_steal < 0.25" | sed 's/PASS/(quiet)/; s/FAIL/BUSY: rerun/')"
echo

# ---- 2. kizuna: two nodes ------------------------------------------------------------
# run_pair TAG DOMAIN N RATE TIMEOUT: fresh journals in $TMP/TAG, nodes alpha (sender) and
# bravo (receiver); a probe track first (both directions matched, tables created), then a
# stream of N tracks "TAG-0".."TAG-(N-1)" from alpha to bravo, RATE per second (0: no limit).
# Writes $TMP/TAG.stats (kz_bench_live) and $TMP/TAG.cpu: wall s of the stream window and
# CPU s of each node in it, peak RSS KB of each, journal bytes of each after stopping, and
# the CPU s the rest of the machine used in the window (other engineers' jobs: a busy run).
run_pair() {
    local tag=$1 dom=$2 n=$3 rate=$4 tmo=$5 dir=$TMP/$1
    mkdir -p "$dir"
    local node pa pb
    for node in alpha bravo; do
        "$KZ" node --structure "$STRUCT" --as $node --journal "$dir" --auto --speed 1 --domain "$dom" \
            "${SEC[@]}" --for $((tmo + 30)) --quiet >"$dir/$node.log" 2>&1 &
        PIDS+=($!)
        [ $node = alpha ] && pa=$! || pb=$!
    done
    for _ in $(seq 50); do [ -f "$dir/alpha.db" ] && [ -f "$dir/bravo.db" ] && break; sleep 0.1; done
    sleep 0.3
    "$KZ" send --as alpha --journal "$dir" track --to bravo --track probe >/dev/null ||
        { cat "$dir"/*.log; return 1; }
    run "$LIVE" wait "$dir/bravo.db" "$dir/alpha.db" 1 15 || { cat "$dir"/*.log; return 1; }
    local ra rb t0 t1 u0 u1 s0 s1
    ra=$(ticks $pa) rb=$(ticks $pb) t0=$(t_now) u0=$(busy) s0=$(steal)
    local args=(track --to bravo --track "$tag" --repeat "$n")
    [ "$rate" != 0 ] && args+=(--rate "$rate")
    "$KZ" send --as alpha --journal "$dir" "${args[@]}" >/dev/null || return 1
    run "$LIVE" wait "$dir/bravo.db" "$dir/alpha.db" $((n + 1)) "$tmo" || echo "  note: the $tag stream did not complete"
    t1=$(t_now) u1=$(busy) s1=$(steal)
    local ca cb ma mb
    ca=$(ticks $pa) cb=$(ticks $pb)
    ma=$(awk '/VmHWM/ { print $2 }' /proc/$pa/status 2>/dev/null) mb=$(awk '/VmHWM/ { print $2 }' /proc/$pb/status 2>/dev/null)
    kill -TERM $pa $pb 2>/dev/null
    wait $pa $pb 2>/dev/null
    grep -v '^$' "$dir"/alpha.log "$dir"/bravo.log | sed 's/^/  node: /'
    "$LIVE" stats "$dir/bravo.db" "$dir/alpha.db" "$tag-" "$WARMUP_S" >"$TMP/$tag.stats" || return 1
    echo "$(calc %.3f "$t1 - $t0") $(calc %.3f "($ca - $ra) / $HZ") $(calc %.3f "($cb - $rb) / $HZ") ${ma:-0} ${mb:-0}" \
        "$(cat "$dir"/alpha.db* | wc -c) $(cat "$dir"/bravo.db* | wc -c)" \
        "$(calc %.3f "($u1 - $u0 - ($ca - $ra) - ($cb - $rb)) / $HZ") $(calc %.3f "($s1 - $s0) / $HZ")" >"$TMP/$tag.cpu"
}

echo "2. kizuna: nodes alpha -> bravo ($STRUCT), --auto --speed 1 ${SEC[0]}, journal + release gate at both ends"
echo "   a. unpaced stream: kizuna send --as alpha track --to bravo --track thr --repeat $THR_N"
run_pair thr $((DOM + 3)) "$THR_N" 0 90 || die "the throughput run failed"
read -r w_thr c_a c_b m_a m_b j_a j_b o_thr s_thr <"$TMP/thr.cpu"
S=$TMP/thr.stats
k_thr=$(field "$S" 'receive rate per s')
row "tracks received / sent" "$(field "$S" received) / $(field "$S" 'outbox rows')" "" "" "(+1 probe)"
row "throughput at receiver, tracks/s (first-last)" "$k_thr"
row "rate the sender wrote them, tracks/s" "$(field "$S" 'send rate per s')"
row "ack completion at sender, s (all $THR_N)" "$(field "$S" 'ack completion s')" "" "" "$(field "$S" 'acked rate per s')/s"
row "ack round trip p50 / p99, ms" "$(field "$S" 'ack round trip p50 ms') / $(field "$S" 'ack round trip p99 ms')"
row "re-sends by the sender (samples re-sent)" "$(field "$S" 're-sends') ($(field "$S" 'samples re-sent'))"
row "CPU s sender / receiver in ${w_thr} s" "$c_a / $c_b" "" "$(calc '%.0f%% / %.0f%%' "$c_a / $w_thr * 100, $c_b / $w_thr * 100")" "of one core"
row "CPU us per track sender / receiver" "$(calc '%.1f / %.1f' "$c_a / $THR_N * 1e6, $c_b / $THR_N * 1e6")"
row "CPU of other processes / steal, in the window" "$(calc '%.2f / %.2f' "($o_thr > 0 ? $o_thr : 0) / $w_thr, $s_thr / $w_thr")" "" "cores" "$(verdict "$o_thr / $w_thr < 0.2 && $s_thr / $w_thr < 0.25" | sed 's/PASS/(quiet)/; s/FAIL/BUSY: rerun/')"
row "peak RSS sender / receiver, KB" "$m_a / $m_b"
row "journal bytes per track sender / receiver" "$(calc '%.0f / %.0f' "$j_a / $THR_N, $j_b / $THR_N")"
sed -n 's/^\(receiver\|sender\) stopped: /  \1 node: /p' "$S"

LAT_N=$((LAT_RATE * LAT_S))
echo "   b. paced stream: kizuna send --as alpha track --to bravo --track lat --repeat $LAT_N --rate $LAT_RATE"
run_pair lat $((DOM + 4)) "$LAT_N" "$LAT_RATE" $((LAT_S + 30)) || die "the latency run failed"
read -r w_lat lc_a lc_b _ _ _ _ o_lat s_lat <"$TMP/lat.cpu"
L=$TMP/lat.stats
k_50=$(field "$L" 'latency p50 us') k_99=$(field "$L" 'latency p99 us')
row "tracks received / sent" "$(field "$L" received) / $(field "$L" 'outbox rows')"
row "one-way latency p50 / p90, us" "$k_50 / $(field "$L" 'latency p90 us')" "" "" "($(field "$L" 'latency samples') after ${WARMUP_S} s)"
row "one-way latency p99 / p99.9 / max, us" "$k_99 / $(field "$L" 'latency p99.9 us') / $(field "$L" 'latency max us')"
row "re-sends by the sender (samples re-sent)" "$(field "$L" 're-sends') ($(field "$L" 'samples re-sent'))"
row "CPU sender / receiver at $LAT_RATE tracks/s" "$(calc '%.0f%% / %.0f%%' "$lc_a / $w_lat * 100, $lc_b / $w_lat * 100")" "" "" "of one core"
row "CPU of other processes / steal, in the window" "$(calc '%.2f / %.2f' "($o_lat > 0 ? $o_lat : 0) / $w_lat, $s_lat / $w_lat")" "" "cores" "$(verdict "$o_lat / $w_lat < 0.2 && $s_lat / $w_lat < 0.25" | sed 's/PASS/(quiet)/; s/FAIL/BUSY: rerun/')"
sed -n 's/^\(receiver\|sender\) stopped: /  \1 node: /p' "$L"
echo

# ---- 3. the table -------------------------------------------------------------------
echo "3. raw DDS vs kizuna (track-sized samples, loopback, this machine)"
row "" "raw DDS" "kizuna" "target" ""
row "throughput, tracks (samples)/s" "$d_thr" "$k_thr"
row "kizuna / raw DDS throughput" "" "$(calc '%.1f %%' "$k_thr / $d_thr * 100")" ">= 40 %" "$(verdict "$k_thr / $d_thr >= 0.40")"
row "latency p50, us (raw: RTT/2 at 1 kHz)" "$p_50" "$k_50"
row "latency p99, us (raw: RTT/2 at 1 kHz)" "$p_99" "$k_99" "< 1000" "$(verdict "$k_99 < 1000")"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) at end"
