#!/bin/sh
# sweep.sh - kizuna sweep over tests/data/sim/sweep.yaml (one assumption dominates): the
# tornado names it, --only, --set, usage errors, --out; and with MPI (KZ_MPIEXEC set by
# tests/sweep.cmake) the same bytes for mpirun -n 1, 2, 3 and a failing rank that fails all.
. "$(dirname "$0")/lib.sh"

ST=$SIMD/sweep.yaml
SC=$SIMD/sweep-scenario.yaml
SMALL="--samples 8 --runs 40 --threads 2"

# json_get EXPR: a Python expression over the JSON document of $T/out (as `d`), printed.
json_get() { "$PY" -c "import json,sys; d=json.load(open('$T/out')); print($1)"; }

case_sweep_tornado_dominant() {
  kz sweep --structure "$ST" --scenario "$SC" $SMALL
  expect_rc 0 "a sweep"
  expect_in "$T/out" "sweep / engage: radar track to the shooter's order"
  expect_re "$T/out" '^  p50 .* sampling 95% \[.*\] +assumptions 5-95% \[.*\]$'
  # the first factor under "moves the p50 most" is the decision's median
  first=$(awk '/moves the p50 most/ {getline; print $1; exit}' "$T/out")
  [ "$first" = node.hq.processing.decide.median ] || { cat "$T/out" >&2; fail "tornado first: '$first'"; }
  expect_in "$T/out" "blind to"
  expect_re "$T/out" '^[0-9]+ qualitative assumptions'
  # the JSON says the same, and its first effect's swing is the largest
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --json
  expect_rc 0 "a sweep --json"
  [ "$(json_get "d['structures'][0]['threads'][0]['effects'][0]['factor']")" = \
    node.hq.processing.decide.median ] || fail "JSON tornado"
  [ "$(json_get "all(e['swing_p50_s'] <= d['structures'][0]['threads'][0]['effects'][0]['swing_p50_s'] for e in d['structures'][0]['threads'][0]['effects'])")" = True ] ||
    fail "the first effect's swing is not the largest"
}

case_sweep_only() {
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --only 'node.hq.processing.order.*' --json
  expect_rc 0 "--only"
  [ "$(json_get "[e['factor'] for e in d['structures'][0]['threads'][0]['effects']]")" = \
    "['node.hq.processing.order.median']" ] || { cat "$T/out" >&2; fail "--only kept other factors"; }
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --only 'node.hq.*.decide.*,network.*'
  expect_rc 0 "two globs"
  expect_in "$T/out" "sweep: 2 assumptions swept"
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --only 'node.hq.processing.decide.medain'
  expect_rc 1 "a glob that matches nothing"
  expect_in "$T/err" "no factor matches 'node.hq.processing.decide.medain'; did you mean 'node.hq.processing.decide.median'?"
  [ ! -s "$T/out" ] || fail "output after an error"
}

case_sweep_only_refused() {
  # a good glob does not save one that matches nothing (blanks trimmed): exit 1, named, with
  # the nearest factor, before any work
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --only 'node.hq.*, node.hq.processing.ordr.median '
  expect_rc 1 "a glob in the list that matches nothing"
  expect_in "$T/err" "kizuna sweep: sweep: no factor matches 'node.hq.processing.ordr.median'; did you mean 'node.hq.processing.order.median'?"
  [ ! -s "$T/out" ] || fail "output after an error"
  # only commas and blanks: no pattern at all
  for only in ',' ' , ,'; do
    kz sweep --structure "$ST" --scenario "$SC" $SMALL --only "$only"
    expect_rc 1 "--only '$only'"
    expect_in "$T/err" "kizuna sweep: sweep: only: no pattern given"
    [ ! -s "$T/out" ] || fail "output after --only '$only'"
  done
}

case_sweep_usage() {
  kz sweep --structure "$ST" --scenario "$SC" --method lhx
  usage_error sweep
  expect_in "$T/err" "did you mean 'lhs'?"
  kz sweep --structure "$ST" --scenario "$SC" --samples 0
  usage_error sweep
  kz sweep --structure "$ST"
  usage_error sweep
  kz sweep --help
  expect_rc 0 "--help"
  expect_in "$T/out" "--method M"
}

case_sweep_set_moves_nominal() {
  kz sweep --structure "$ST" --scenario "$SC" --method oat --runs 40 --json
  expect_rc 0 "nominal"
  base=$(json_get "d['structures'][0]['threads'][0]['p50_s']")
  kz sweep --structure "$ST" --scenario "$SC" --method oat --runs 40 --json \
    --set node.hq.processing.decide.median=30m
  expect_rc 0 "--set"
  set=$(json_get "d['structures'][0]['threads'][0]['p50_s']")
  [ "$(json_get "d['overrides']")" = "['node.hq.processing.decide.median=30m']" ] ||
    fail "the override is not in the JSON"
  # the decision's median 10m -> 30m: the nominal p50 moves up by well over 10 minutes
  "$PY" -c "import sys; sys.exit(0 if $set > $base + 600 else 1)" ||
    fail "--set did not move the nominal p50 ($base -> $set)"
  kz sweep --structure "$ST" --scenario "$SC" --set node.hq.processing.decide.medain=30m
  expect_rc 1 "a bad --set path"
  expect_in "$T/err" "node.hq.processing.decide.median"
}

case_sweep_out() {
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --out "$T/o" --json
  expect_rc 0 "--out"
  for f in sweep.json tornado.csv settings.csv intervals.csv report.html; do
    [ -s "$T/o/$f" ] || fail "no $f"
  done
  cmp -s "$T/out" "$T/o/sweep.json" || fail "--json and sweep.json differ"
  # a --out that cannot be made fails before any work
  : >"$T/file"
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --out "$T/file/x"
  expect_rc 1 "an unusable --out"
  [ ! -s "$T/out" ] || fail "output after an --out error"
}

case_sweep_finds_names() {
  # shipped names, even beside a directory of the same name (an earlier --out nk-salvo)
  mkdir nk-salvo
  kz sweep --scenario nk-salvo --structure jfhq --method oat --runs 2 --only 'node.jjoc.*'
  expect_rc 0 "shipped names"
  expect_re "$T/out" '^jfhq: [1-9][0-9]* assumptions swept$'
  # no --structure: every shipped structure the scenario fits, in ORDER
  kz sweep --scenario nk-salvo --method oat --runs 2 --only 'network.jtags-hub.*'
  expect_rc 0 "default structures"
  [ "$(grep -c ' assumptions swept$' "$T/out")" -ge 2 ] || { cat "$T/out" >&2; fail "one structure only"; }
}

# ---- MPI (tests/sweep.cmake registers these only when built with it) -----------------------

mpi() {
  [ -n "${KZ_MPIEXEC:-}" ] || fail "KZ_MPIEXEC not set"
  n=$1
  shift
  # Under LeakSanitizer (the ASan suite): what MPI_Init allocates and MPI_Finalize keeps is
  # OpenMPI's (every such report's stack, unwound in full, is in these libraries), not
  # kizuna's; the fast unwinder loses those frames, so the suppressions need the slow one.
  supp=$T/lsan-mpi.supp
  cat "$SRC/tests/lsan.supp" >"$supp"
  printf 'leak:%s\n' libmpi.so libopen-pal.so libopen-rte.so libevent libpmix mca_ >>"$supp"
  rc=0
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader \
    LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$supp" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0" \
    timeout 120 "$KZ_MPIEXEC" --oversubscribe -n "$n" "$K" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

case_sweep_mpi_same_bytes() {
  kz sweep --structure "$ST" --scenario "$SC" $SMALL --json --out "$T/alone"
  expect_rc 0 "one process"
  cp "$T/out" "$T/alone.json"
  cmp -s "$T/alone.json" "$T/alone/sweep.json" || fail "--json and sweep.json differ"
  for n in 1 2 3; do
    mpi "$n" sweep --structure "$ST" --scenario "$SC" --samples 8 --runs 40 --threads 1 \
      --json --out "$T/mpi$n"
    expect_rc 0 "mpirun -n $n"
    cmp -s "$T/alone.json" "$T/out" || { diff "$T/alone.json" "$T/out" | head >&2; fail "-n $n: stdout differs"; }
    cmp -s "$T/alone.json" "$T/mpi$n/sweep.json" || fail "-n $n: sweep.json differs"
    cmp -s "$T/alone/tornado.csv" "$T/mpi$n/tornado.csv" || fail "-n $n: tornado.csv differs"
    cmp -s "$T/alone/settings.csv" "$T/mpi$n/settings.csv" || fail "-n $n: settings.csv differs"
  done
}

case_sweep_mpi_fail_rank() {
  KIZUNA_SWEEP_FAIL_RANK=1 mpi 2 sweep --structure "$ST" --scenario "$SC" $SMALL --out "$T/o"
  [ "$rc" -ne 0 ] || fail "a failing rank, and exit 0"
  expect_in "$T/err" "kizuna sweep: rank 1: failure injected for a test (KIZUNA_SWEEP_FAIL_RANK=1)"
  [ ! -e "$T/o/sweep.json" ] && [ ! -e "$T/o/report.html" ] || fail "a report was written"
  [ -z "$(ls -A "$T/o")" ] || fail "files left in --out: $(ls -A "$T/o")"
  [ ! -s "$T/out" ] || fail "a table was printed"
  # rank 0 failing is said the same way
  KIZUNA_SWEEP_FAIL_RANK=0 mpi 3 sweep --structure "$ST" --scenario "$SC" $SMALL
  [ "$rc" -ne 0 ] || fail "rank 0 failing, and exit 0"
  expect_in "$T/err" "kizuna sweep: rank 0: failure injected"
}

case_sweep_nompi_refuses() {
  rc=0
  OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 "$K" sweep --structure "$ST" --scenario "$SC" \
    >"$T/out" 2>"$T/err" || rc=$?
  expect_rc 3 "several ranks, no MPI"
  expect_in "$T/err" "built without MPI"
}

run_case "$@"
