#!/usr/bin/env bash
# sweep.sh - kizuna sweep's figures: replications/s on 1 rank x 2 threads and 2 ranks x 1 thread,
# rank start-up and the gather; the reference study's time here and projected on 64 cores; peak
# memory in the number of settings. Printed figures, never a timed test.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 3

PY=/usr/bin/python3
B=${KZ_BENCH_BUILD:-build-bench}
KZ=$B/kizuna
GATHER=$B/bench/kz_bench_gather
# Part a's pair; part b's five structures (those every shipped scenario fits, as compare picks).
A_STRUCT=data/structures/jjoc-2025.yaml
A_SCEN=data/scenarios/nk-salvo.yaml
STRUCTS="legacy jjoc-2025 jfhq jfhq-4star cjtf"
SCENS="nk-salvo counterstrike senkaku-grayzone taiwan-korea hawaii-cut"
FRAC_RUNS=${KZ_SWEEP_FRAC_RUNS:-50} # part b's measured fraction: replications per setting
BUDGET=${KZ_SWEEP_BUDGET:-600}      # run the whole reference study when predicted under this (s)
# mpirun as root (the dev VM): OpenMPI's own pair of variables, not a flag per call.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN=(mpirun --oversubscribe)
TMP=$(mktemp -d /tmp/kz-sweep-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

die() { echo "sweep.sh: $*" >&2; exit 3; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
row() { printf '  %-58s %18s   %s\n' "$1" "$2" "${3:-}"; }
now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# timed OUT CMD...: runs CMD with stdout to OUT.json and stderr to OUT.err; prints the wall
# seconds (the whole process: start-up, loading, planning, the items, the fold, the output).
timed() {
    local out=$1 t0 t1
    shift
    t0=$(now)
    "$@" >"$TMP/$out.json" 2>"$TMP/$out.err" || { echo "sweep.sh: failed: $*" >&2; cat "$TMP/$out.err" >&2; return 1; }
    t1=$(now)
    calc %.4f "$t1 - $t0"
}
# items OUT: items over the structures of a sweep document, and its runs per setting.
items() {
    "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sum(s["items"] for s in d["structures"]), d["runs"], max(len(s["factors"]) for s in d["structures"]))' "$TMP/$1.json"
}
# best of: the median wall of N runs of CMD (OUT.json kept from the last).
walls() {
    local n=$1 out=$2 w ws=()
    shift 2
    for _ in $(seq "$n"); do
        w=$(timed "$out" "$@") || return 1
        ws+=("$w")
    done
    median "${ws[@]}"
}

echo "== kizuna sweep benchmark ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), nproc $(nproc)"
echo "mpi:     $(mpirun --version 2>/dev/null | head -n 1 || echo 'no mpirun')"
echo "load:    $(load) (1/5/15 min) at start"
echo "building Release into $B/ (kizuna, kz_bench_gather) ..."
cmake -S . -B "$B" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >"$TMP/cmake.log" 2>&1 ||
    { cat "$TMP/cmake.log"; die "cmake failed"; }
ninja -C "$B" kizuna-cli >"$TMP/ninja.log" 2>&1 || { tail -n 20 "$TMP/ninja.log"; die "building kizuna failed"; }
have_mpi=1
ninja -C "$B" kz_bench_gather >"$TMP/ninja-g.log" 2>&1 || have_mpi=0
command -v mpirun >/dev/null || have_mpi=0
[ $have_mpi = 1 ] || echo "note: no MPI build (libopenmpi-dev) or no mpirun: the MPI rows are skipped"
echo

# ---- a. replications/s, ranks and threads -------------------------------------------------
A_SAMPLES=20 A_RUNS=1000
A=(sweep --structure "$A_STRUCT" --scenario "$A_SCEN" --samples $A_SAMPLES --runs $A_RUNS --json)
MIN=(sweep --structure "$A_STRUCT" --scenario "$A_SCEN" --samples 1 --runs 1 --method lhs --json)
echo "a. kizuna sweep --structure $A_STRUCT --scenario $A_SCEN --samples $A_SAMPLES --runs $A_RUNS (both methods)"
s_plain=$(walls 5 min0 "$KZ" "${MIN[@]}") || die "kizuna sweep failed"
row "start-up, one process (--samples 1 --runs 1 --method lhs; median of 5)" "$s_plain s"
declare -A s_mpi
if [ $have_mpi = 1 ]; then
    for k in 1 2 3; do
        s_mpi[$k]=$(walls 5 "min$k" "${MPIRUN[@]}" -n $k "$KZ" "${MIN[@]}") || die "mpirun -n $k failed"
        row "start-up, mpirun -n $k (median of 5)" "${s_mpi[$k]} s" \
            "rank start-up $(calc %.3f "${s_mpi[$k]} - $s_plain") s over one process"
    done
fi
w11=$(walls 3 a11 "$KZ" "${A[@]}" --threads 1) || die "sweep failed"
read -r a_items a_runs a_nf <<<"$(items a11)"
a_reps=$((a_items * a_runs))
row "items (1 nominal + 2 x $a_nf factors + $A_SAMPLES settings) x runs" "$a_items x $a_runs"
w12=$(walls 3 a12 "$KZ" "${A[@]}" --threads 2) || die "sweep failed"
r11=$(calc %.0f "$a_reps / ($w11 - $s_plain)")
r12=$(calc %.0f "$a_reps / ($w12 - $s_plain)")
row "1 rank x 1 thread: wall s (median of 3)" "$w11" "$(calc %.0f "$a_reps / $w11") reps/s; net of start-up $r11"
row "1 rank x 2 threads: wall s (median of 3)" "$w12" "$(calc %.0f "$a_reps / $w12") reps/s; net of start-up $r12"
row "scaling 1 -> 2 threads (net)" "$(calc '%.2f x' "$r12 / $r11")"
if [ $have_mpi = 1 ]; then
    w21=$(walls 3 a21 "${MPIRUN[@]}" -n 2 "$KZ" "${A[@]}" --threads 1) || die "mpirun sweep failed"
    r21=$(calc %.0f "$a_reps / ($w21 - ${s_mpi[2]})")
    row "2 ranks x 1 thread: wall s (median of 3)" "$w21" "$(calc %.0f "$a_reps / $w21") reps/s; net of start-up $r21"
    row "MPI overhead: wall 2 ranks x 1 / 1 rank x 2 threads" "$(calc '%.3f x' "$w21 / $w12")" \
        "net of each one's start-up: $(calc '%.3f x' "$r12 / $r21")"
    same=yes
    cmp -s "$TMP/a11.json" "$TMP/a12.json" && cmp -s "$TMP/a12.json" "$TMP/a21.json" || same=NO
    row "the three documents byte-identical" "$same"
fi
echo

# ---- b. the reference study -----------------------------------------------------------------
echo "b. reference study: 5 structures ($STRUCTS) x 5 scenarios x 200 settings x 1,000 replications"
echo "   (every pair fits; one kizuna sweep per scenario over the five structures, both methods)"
SARGS=()
for s in $STRUCTS; do SARGS+=(--structure "$s"); done
declare -A t1 cs items_of
tot_items=0 fixed=0 work1=0 oat_reps=0
for c in $SCENS; do
    # The whole sweep at one replication per setting: what does not grow with --runs (start-up,
    # loading, planning, the fold with its PRCC over the 200 settings, the output).
    t1[$c]=$(timed "b1-$c" "$KZ" sweep "${SARGS[@]}" --scenario "$c" --samples 200 --runs 1 --threads 1 --json) || die "sweep $c failed"
    read -r it _ _ <<<"$(items "b1-$c")"
    items_of[$c]=$it
    # The cost of a replication: the one-at-a-time items alone (most of the items, and no PRCC
    # to fold) at --runs 1 and at --runs FRAC_RUNS; the difference is replications only.
    o1=$(timed "o1-$c" "$KZ" sweep "${SARGS[@]}" --scenario "$c" --method oat --runs 1 --threads 1 --json) || die "sweep $c failed"
    of=$(timed "of-$c" "$KZ" sweep "${SARGS[@]}" --scenario "$c" --method oat --runs "$FRAC_RUNS" --threads 1 --json) || die "sweep $c failed"
    read -r io _ _ <<<"$(items "o1-$c")"
    oat_reps=$((oat_reps + io * FRAC_RUNS))
    cs[$c]=$(calc %.9f "($of - $o1) / ($io * ($FRAC_RUNS - 1))")
    tot_items=$((tot_items + it))
    fixed=$(calc %.4f "$fixed + ${t1[$c]}")
    work1=$(calc %.4f "$work1 + $it * 999 * ${cs[$c]}")
    row "$c: items; s at --runs 1; oat items, s at --runs 1 / $FRAC_RUNS" "$it" \
        "${t1[$c]}; $io, $o1 / $of: $(calc %.1f "${cs[$c]} * 1e6") us/replication (1 core)"
done
tot_reps=$((tot_items * 1000))
row "replications in the study (items x 1,000)" "$tot_reps" \
    "measured: $(calc %.1f "$oat_reps / $tot_reps * 100")% of them (the oat items at --runs $FRAC_RUNS)"
row "fixed part (the five sweeps at --runs 1), s" "$fixed" "start-up, load, plan, fold (PRCC), output"
row "per replication, 1 core (the study's mix), us" "$(calc %.2f "$work1 / ($tot_items * 999) * 1e6")" \
    "$(calc %.0f "$tot_items * 999 / $work1") reps/s per rank"
pred1=$(calc %.1f "$fixed + $work1")
scal=$(calc %.4f "$r12 / $r11")
pred2=$(calc %.1f "$fixed + $work1 / $scal")
row "predicted, 1 rank x 1 thread, s" "$pred1"
row "predicted, 1 rank x 2 threads (part a's scaling $(calc %.2f "$scal")x), s" "$pred2"
if [ "${KZ_SWEEP_FULL:-}" = 1 ] || awk "BEGIN { exit !($pred2 <= $BUDGET) }"; then
    full=0
    for c in $SCENS; do
        w=$(timed "bfull-$c" "$KZ" sweep "${SARGS[@]}" --scenario "$c" --samples 200 --runs 1000 --threads 2 --json) || die "sweep $c failed"
        full=$(calc %.2f "$full + $w")
        row "$c, --runs 1000, 1 rank x 2 threads, s" "$w"
    done
    row "THE REFERENCE STUDY HERE, measured (2 cores), s" "$full" "predicted $pred2 ($(calc '%+.1f%%' "($pred2 / $full - 1) * 100"))"
else
    row "THE REFERENCE STUDY HERE, extrapolated (2 cores), s" "$pred2" \
        "over ${BUDGET} s: not run (KZ_SWEEP_FULL=1 runs it)"
fi

# 64 cores, one rank each: per scenario the fixed part (serial: rank 0 folds), each structure's
# items in contiguous blocks (the slowest rank has ceil(items / 64)), one gather per structure.
if [ $have_mpi = 1 ]; then
    declare -A g
    for k in 2 3; do
        "${MPIRUN[@]}" -n $k "$GATHER" data/structures/jjoc-2025.yaml "$A_SCEN" 200 200 >"$TMP/g$k" 2>&1 ||
            { cat "$TMP/g$k"; die "kz_bench_gather failed"; }
        g[$k]=$(awk -F': ' '$1 == "gather s median" { print $2 }' "$TMP/g$k")
        row "gather of one structure (jjoc-2025 x nk-salvo, $(awk -F': ' '$1 == "bytes" { print $2 }' "$TMP/g$k") B), $k ranks, s" "${g[$k]}" "median of 200"
    done
    g64=$(calc %.6f "${g[3]} + 61 * ((${g[3]} - ${g[2]}) > 0 ? ${g[3]} - ${g[2]} : 0)")
    # mpirun -n 64's start-up beyond one process's (which the fixed part holds already): the
    # measured -n 3 and the mean cost of a rank from -n 1 to -n 3, for 61 more ranks.
    # (awk reads a bare '>' in printf's arguments as a redirection: the test is in parentheses.)
    slope=$(calc %.4f "((${s_mpi[3]} - ${s_mpi[1]}) / 2 > 0 ? (${s_mpi[3]} - ${s_mpi[1]}) / 2 : 0)")
    su64=$(calc %.3f "${s_mpi[3]} - $s_plain + 61 * $slope")
    # Each structure's items in 64 contiguous blocks: the slowest rank has ceil(items / 64) of
    # them, at its scenario's cost per replication (1 core, from the fraction above).
    work=0 blk=0
    for c in $SCENS; do
        b=$("$PY" -c 'import json, sys
print(sum(-(-s["items"] // 64) for s in json.load(open(sys.argv[1]))["structures"]))' "$TMP/b1-$c.json")
        blk=$((blk + b))
        work=$(calc %.4f "$work + $b * 1000 * ${cs[$c]}")
    done
    proj=$(calc %.1f "5 * $su64 + $fixed + $work + 25 * $g64")
    row "  rank start-up at 64 beyond one process, s" "$su64" \
        "-n 3's + 61 x $(calc %.3f "$slope") s (mean per rank, -n 1 -> 3); 5 sweeps"
    row "  gather at 64 ranks (linear from 2 -> 3), s" "$g64" "per structure; 25 gathers"
    row "  the slowest rank's items over the 25 pairs; their time, s" "$blk of $tot_items" \
        "$(calc %.1f "$work") s at each scenario's cost per replication"
    row "PROJECTED ON 64 CORES (1 rank each), s" "$proj" \
        "$(calc '%.1f x' "$pred1 / $proj") over 1 core; fixed part $(calc %.0f "$fixed / $proj * 100")% of it"
fi
echo

# ---- c. memory in the number of settings ------------------------------------------------------
echo "c. peak RSS: kizuna sweep --structure $A_STRUCT --scenario $A_SCEN --method lhs --runs 100 --threads 2"
rss=()
for n in 50 200 800; do
    /usr/bin/time -f %M -o "$TMP/rss$n" "$KZ" sweep --structure "$A_STRUCT" --scenario "$A_SCEN" \
        --method lhs --samples $n --runs 100 --threads 2 --json >"$TMP/m$n.json" 2>"$TMP/m$n.err" ||
        { cat "$TMP/m$n.err"; die "sweep --samples $n failed"; }
    r=$(tail -n 1 "$TMP/rss$n")
    rss+=("$r")
    row "--samples $n: peak RSS" "$r KB"
done
row "largest / smallest (800 vs 50 settings)" "$(calc '%.3f x' "${rss[2]} / ${rss[0]}")" \
    "+$(calc %.0f "${rss[2]} - ${rss[0]}") KB"
echo "load:    $(load) (1/5/15 min) at end"
