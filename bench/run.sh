#!/usr/bin/env bash
# run.sh - one command: builds a Release tree in build-bench/ and prints kizuna's benchmark figure table.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3

# Debian's interpreter, not whatever python3 is first on PATH: python3-simpy is installed only for it.
PY=/usr/bin/python3
B=build-bench
MM1=$B/bench/kz_bench_mm1
KZ=$B/kizuna
STRUCT=data/structures/jjoc-2025.yaml
SCEN=data/scenarios/nk-salvo.yaml
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

die() { echo "run.sh: $*" >&2; exit 3; }
# field FILE LABEL: the value after "LABEL: " (first word only).
field() { awk -v k="$2" -F': ' '$1 == k { split($2, a, " "); print a[1]; exit }' "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { printf '%s\n' "$@" | sort -g | head -n 1; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { awk "BEGIN { print (($1) ? \"PASS\" : \"FAIL\") }"; }
row() { printf '  %-46s %18s   %-16s %s\n' "$1" "$2" "${3:-}" "${4:-}"; }

# ---- machine -------------------------------------------------------------------
echo "== kizuna benchmark ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), nproc $(nproc)"
echo "gcc:     $(gcc --version | head -n 1)"
echo "python:  $($PY --version 2>&1) ($PY)"
echo "SimPy:   $($PY -c 'import SimPy; print(SimPy.__version__)' 2>/dev/null || echo 'not installed (python3-simpy)')"

# ---- build ---------------------------------------------------------------------
echo "building Release into $B/ ..."
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$TMP/cmake.log" 2>&1 ||
    { cat "$TMP/cmake.log"; die "cmake failed"; }
# The benchmark first: a broken half-written engine must not stop parts a-c.
ninja -C "$B" kz_bench_mm1 >"$TMP/ninja.log" 2>&1 || { cat "$TMP/ninja.log"; die "building kz_bench_mm1 failed"; }
full_build=ok
ninja -C "$B" >"$TMP/ninja-all.log" 2>&1 || full_build=failed
[ "$full_build" = ok ] || { echo "note: full build failed (part d will be skipped):"; tail -n 15 "$TMP/ninja-all.log"; }
echo

# ---- a. kernel M/M/1, 1 thread, 1M objects, pinned ----------------------------
echo "a. kernel M/M/1 (lambda 0.9, mu 1), 1 thread pinned to CPU 0, 1,000,000 objects, 5 runs"
walls=() checkfail=0
for i in 1 2 3 4 5; do
    taskset -c 0 "$MM1" --objects 1000000 --check >"$TMP/a$i" 2>&1 || checkfail=1
    walls+=("$(field "$TMP/a$i" 'wall seconds')")
done
a_ev=$(field "$TMP/a1" 'dispatched events')
a_w=$(field "$TMP/a1" 'W')
a_wall=$(median "${walls[@]}")
a_best=$(minimum "${walls[@]}")
a_evs=$(calc %.0f "$a_ev / $a_wall")
a_objs=$(calc %.0f "1000000 / $a_wall")
row "wall s (median / best of 5)" "$(calc '%.4f / %.4f' "$a_wall, $a_best")"
row "dispatched events (2 per object)" "$a_ev"
row "dispatched events/s per core (median)" "$(calc '%.2f M' "$a_evs / 1e6")" ">= 25 M" "$(verdict "$a_evs >= 25e6")"
row "  at best run" "$(calc '%.2f M' "$a_ev / $a_best / 1e6")"
row "ns per dispatched event (median)" "$(calc %.1f "$a_wall * 1e9 / $a_ev")" "<= 40" "$(verdict "$a_wall * 1e9 / $a_ev <= 40")"
row "objects/s (median)" "$(calc '%.2f M' "$a_objs / 1e6")" ">= 12.5 M" "$(verdict "$a_objs >= 12.5e6")"
row "mean sojourn W (theory 10)" "$a_w" "|W-10| <= 0.5" "$([ $checkfail = 0 ] && echo PASS || echo FAIL)"
echo

# ---- b. SimPy, same model ------------------------------------------------------
echo "b. SimPy M/M/1 via Store (same model), pinned to CPU 0, 200,000 objects, 3 runs"
b_ok=1 walls=()
for i in 1 2 3; do
    if ! taskset -c 0 "$PY" bench/mm1_simpy.py --objects 200000 >"$TMP/b$i" 2>&1; then
        b_ok=0
        cat "$TMP/b$i"
        break
    fi
    walls+=("$(field "$TMP/b$i" 'wall seconds')")
done
if [ $b_ok = 1 ]; then
    b_obj=$(field "$TMP/b1" 'objects')
    b_ev=$(field "$TMP/b1" 'SimPy-counted events')
    b_wall=$(median "${walls[@]}")
    b_objs=$(calc %.0f "$b_obj / $b_wall")
    b_evs=$(calc %.0f "$b_ev / $b_wall")
    row "wall s (median of 3)" "$(calc %.3f "$b_wall")"
    row "SimPy-counted events ($(calc %.2f "$b_ev / $b_obj") per object)" "$b_ev"
    row "objects/s" "$(calc '%.3f M' "$b_objs / 1e6")"
    row "SimPy-counted events/s" "$(calc '%.3f M' "$b_evs / 1e6")"
    row "mean sojourn W (theory 10; sd ~0.4 at 200k)" "$(field "$TMP/b1" 'W')"
    row "RATIO ours/SimPy, objects/s (engine-neutral)" "$(calc '%.1f x' "$a_objs / $b_objs")" ">= 30 x" "$(verdict "$a_objs / $b_objs >= 30")"
    row "ratio ours dispatched / SimPy-counted ev/s" "$(calc '%.1f x' "$a_evs / $b_evs")"
else
    echo "  SimPy run failed: skipped"
fi
echo

# ---- c. kernel M/M/1 replications, 1 vs 2 threads ------------------------------
echo "c. kernel M/M/1, 2000 replications x 5,000 objects, 1 thread (CPU 0) vs 2 threads, 3 runs each"
declare -A c_rps
for t in 1 2; do
    cpus=0
    [ $t = 2 ] && cpus=0,1
    walls=()
    for i in 1 2 3; do
        taskset -c $cpus "$MM1" --objects 5000 --reps 2000 --threads $t >"$TMP/c$t$i" 2>&1 || { cat "$TMP/c$t$i"; die "kz_bench_mm1 failed"; }
        walls+=("$(field "$TMP/c$t$i" 'wall seconds')")
    done
    w=$(median "${walls[@]}")
    c_rps[$t]=$(calc %.1f "2000 / $w")
    ev=$(field "$TMP/c${t}1" 'dispatched events')
    row "$t thread$([ $t = 2 ] && echo s): reps/s (median)" "${c_rps[$t]}" \
        "$([ $t = 1 ] && echo '>= 2500' || echo '>= 4750')" \
        "$(verdict "${c_rps[$t]} >= $([ $t = 1 ] && echo 2500 || echo 4750)")"
    row "$t thread$([ $t = 2 ] && echo s): dispatched events/s" "$(calc '%.2f M' "$ev / $w / 1e6")"
done
row "W over all replications (empty start, so < 10)" "$(field "$TMP/c11" 'W') / $(field "$TMP/c21" 'W')" "equal 1T/2T" \
    "$([ "$(field "$TMP/c11" 'W')" = "$(field "$TMP/c21" 'W')" ] && echo PASS || echo FAIL)"
row "scaling 1 -> 2 threads" "$(calc '%.2f x' "${c_rps[2]} / ${c_rps[1]}")" ">= 1.8 x" "$(verdict "${c_rps[2]} / ${c_rps[1]} >= 1.8")"
echo

# ---- d. nk-salvo on the engine -------------------------------------------------
echo "d. nk-salvo: kizuna sim --structure $STRUCT --scenario $SCEN --json"
skip=""
if [ "$full_build" != ok ] || [ ! -x "$KZ" ]; then
    skip="the kizuna binary did not build"
elif ! "$KZ" sim --help >/dev/null 2>&1; then
    skip="$KZ has no 'sim' subcommand yet"
elif [ ! -f "$SCEN" ] || [ ! -f "$STRUCT" ]; then
    skip="$SCEN or $STRUCT is missing"
fi

# sim RUNS THREADS TAG: runs the simulator under /usr/bin/time; prints "wall_s events peak_kb".
sim() {
    /usr/bin/time -f %M -o "$TMP/$3.rss" "$KZ" sim --structure "$STRUCT" --scenario "$SCEN" \
        --runs "$1" --threads "$2" --json >"$TMP/$3.json" 2>"$TMP/$3.err" ||
        { echo "run.sh: kizuna sim --runs $1 --threads $2 failed:" >&2; cat "$TMP/$3.err" >&2; return 1; }
    "$PY" - "$TMP/$3.json" "$(tail -n 1 "$TMP/$3.rss")" "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if d["runs"] != int(sys.argv[3]):
    sys.exit("run.sh: kizuna sim reports runs=%s, asked for %s" % (d["runs"], sys.argv[3]))
print(d["wall_s"], d["events"], sys.argv[2])
EOF
}

if [ -n "$skip" ]; then
    echo "  SKIPPED: $skip."
else
    declare -A d_wall d_ev d_rss
    d_fail=0
    for t in 1 2; do
        walls=()
        for i in 1 2 3; do
            out=$(sim 10000 $t "d$t$i") || { d_fail=1; break 2; }
            read -r w ev rss <<<"$out"
            walls+=("$w")
            d_ev[$t]=$ev d_rss[$t]=$rss
            # Three runs only when they are short, to stay within the time budget.
            [ "$(verdict "$w > 5")" = PASS ] && break
        done
        d_wall[$t]=$(median "${walls[@]}")
    done
    if [ $d_fail = 0 ]; then
        for t in 1 2; do
            s=$([ $t = 2 ] && echo s)
            row "$t thread$s: wall s for 10,000 replications" "$(calc %.3f "${d_wall[$t]}")" \
                "$([ $t = 2 ] && echo '< 1 s')" "$([ $t = 2 ] && verdict "${d_wall[$t]} < 1")"
            row "$t thread$s: replications/s" "$(calc %.0f "10000 / ${d_wall[$t]}")"
            row "$t thread$s: dispatched events/s ($(calc %.0f "${d_ev[$t]} / 10000")/rep)" \
                "$(calc '%.2f M' "${d_ev[$t]} / ${d_wall[$t]} / 1e6")" \
                "$([ $t = 1 ] && echo '>= 10 M/core')" "$([ $t = 1 ] && verdict "${d_ev[$t]} / ${d_wall[$t]} >= 10e6")"
            row "$t thread$s: peak RSS" "${d_rss[$t]} KB"
        done
        row "events equal 1T/2T (thread-independent)" "${d_ev[1]} / ${d_ev[2]}" "equal" \
            "$([ "${d_ev[1]}" = "${d_ev[2]}" ] && echo PASS || echo FAIL)"
        row "scaling 1 -> 2 threads" "$(calc '%.2f x' "${d_wall[1]} / ${d_wall[2]}")" ">= 1.8 x" \
            "$(verdict "${d_wall[1]} / ${d_wall[2]} >= 1.8")"

        # Memory flatness: peak RSS must not grow with the number of replications.
        predicted=$(calc %.1f "${d_wall[2]} * 10")
        rss=()
        for n in 1000 10000 100000; do
            if [ $n = 10000 ]; then # measured above
                rss+=("${d_rss[2]}")
                row "peak RSS, --runs 10000, 2 threads (above)" "${d_rss[2]} KB"
                continue
            fi
            if [ $n = 100000 ] && [ "$(verdict "$predicted > 30")" = PASS ] && [ -z "${KZ_BENCH_FULL:-}" ]; then
                row "peak RSS, --runs 100000, 2 threads" "skipped" "" "(~${predicted} s; KZ_BENCH_FULL=1 runs it)"
                continue
            fi
            out=$(sim $n 2 "m$n") || { d_fail=1; break; }
            read -r w _ r <<<"$out"
            rss+=("$r")
            row "peak RSS, --runs $n, 2 threads ($(calc %.2f "$w") s)" "$r KB"
        done
        if [ $d_fail = 0 ] && [ ${#rss[@]} -ge 2 ]; then
            lo=${rss[0]} hi=${rss[${#rss[@]}-1]}
            # Flat: the largest run needs at most 10 % + 1 MB more than the smallest.
            row "memory flatness (largest / smallest RSS)" "$(calc '%.3f x' "$hi / $lo")" "<= 1.1x + 1 MB" \
                "$(verdict "$hi <= $lo * 1.1 + 1024")"
        fi
    fi
    [ $d_fail = 0 ] || echo "  part d stopped: kizuna sim failed (see above)."
fi
echo

# ---- e. per-step output on nk-salvo ---------------------------------------------
# The simulator keeping one row per replication x thread x copy x step (what steps.csv is
# written from) against the same run without: the median of 3 alternating runs each.
echo "e. nk-salvo per-step output: kz_sim_run with keep_steps off vs on, 10,000 replications, 2 threads"
STEPS=$B/bench/kz_bench_steps
if [ -x "$STEPS" ] && "$STEPS" "$STRUCT" "$SCEN" 10000 2 3 >"$TMP/e" 2>&1; then
    row "step rows kept" "$(field "$TMP/e" 'step rows')"
    row "wall s off / on (median of 3)" "$(field "$TMP/e" 'wall seconds off') / $(field "$TMP/e" 'wall seconds on')"
    row "cost of per-step output (on / off)" "$(field "$TMP/e" 'ratio on/off') x" "<= 2 x" \
        "$(verdict "$(field "$TMP/e" 'ratio on/off') <= 2")"
else
    echo "  SKIPPED: kz_bench_steps did not build or failed: $(head -n 3 "$TMP/e" 2>/dev/null)"
fi
