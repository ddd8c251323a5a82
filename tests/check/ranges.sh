#!/bin/sh
# ranges.sh - `kizuna check` on ranges (issue 12): the shipped data has no K031, K037 or K038
# (every variant, every scenario against every structure); unreadable (K037) and inconsistent
# (K038) ranges are reported at FILE:LINE:COL in structures and scenarios; sim refuses them.
# usage: ranges.sh KIZUNA SOURCE_DIR CASE   (run in a directory of its own)
set -eu
K=$1 SRC=$2 CASE=$3
unset KIZUNA_DATA || true
DS=$SRC/data/structures SC=$SRC/data/scenarios CK=$SRC/tests/data/check R=$SRC/tests/data/ranges
E="sh $SRC/tests/check/expect.sh"
line() { printf '%s\n' "$@" > want.txt; }

case $CASE in
shipped-clean)
  # every structure and each of its variants, and every scenario against every structure
  # (pairs that do not fit give K040 - not this test's business - but no range finding)
  files=""
  n=0
  for f in "$DS"/*.yaml; do
    files="$files $f"
    vs=$("$K" show "$f" --json 2>/dev/null | python3 -c 'import json,sys; print(" ".join(v["id"] for v in json.load(sys.stdin)["variants"]))' || true)
    for v in $vs; do files="$files $f@$v"; n=$((n + 1)); done
  done
  # the structures and their variants: nothing at all to say
  # shellcheck disable=SC2086
  $E 0 - "$K" check -q $files
  # the scenarios, each against every structure (K040 for the pairs that do not fit)
  structs=$(for f in "$DS"/*.yaml; do printf -- '--structure %s ' "$f"; done)
  # shellcheck disable=SC2086
  "$K" check -q $structs "$SC"/*.yaml > all.txt 2>&1 || true
  grep -q '\[K040\]' all.txt || { echo "FAIL: the scenarios were not bound (no K040 for cfc-korea)"; exit 1; }
  if grep -E '\[K03[178]\]' all.txt; then
    echo "FAIL: the shipped data has range findings ($(grep -cE '\[K03[178]\]' all.txt))"; exit 1
  fi
  [ "$n" -ge 5 ] || { echo "FAIL: only $n variants found"; exit 1; }
  echo "ok: no K031/K037/K038 in the shipped data ($n variants)" ;;
structure-located)
  f=$CK/K037-unreadable-range.yaml
  rc=0; "$K" check -q "$f" > out.txt || rc=$?
  [ $rc -eq 1 ] || { echo "FAIL: exit $rc"; exit 1; }
  grep -qx "$f:7:86: error: \[K037\] unreadable range: expected a value after 'statutory' (a clause is \[FIELD\] LOW-HIGH, LOW to HIGH, +-D, \[A, B, ...\] or A or B, or 'alternatives: TEXT')" out.txt
  grep -qx "$f:21:84: error: \[K037\] unreadable range: '5x' is not a number or a duration (e.g. 3, 0.5, 90s, 15m, 1h30m, 2d)" out.txt
  [ "$(grep -c '\[K037\]' out.txt)" -eq 5 ] || { cat out.txt; echo "FAIL: expected 5 K037"; exit 1; }
  f=$CK/K038-inconsistent-range.yaml
  rc=0; "$K" check -q "$f" > out.txt || rc=$?
  [ $rc -eq 1 ]
  grep -qx "$f:22:90: error: \[K038\] range of a lognormal distribution: the median's high end 2m is above the max's low end 1m (a sweep could set a median above the max)" out.txt
  grep -qx "$f:20:34: error: \[K038\] range of a node: cells 4-8 does not contain its cells, 2" out.txt
  [ "$(grep -c '\[K038\]' out.txt)" -eq 10 ] || { cat out.txt; echo "FAIL: expected 10 K038"; exit 1; }
  # --json carries the same places
  rc=0; "$K" check --json "$f" > out.json || rc=$?
  [ $rc -eq 1 ]
  python3 - out.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
places = sorted((g["line"], g["col"]) for f in d["files"] for g in f["diagnostics"] if g["code"] == "K038")
assert (22, 90) in places and (20, 34) in places and len(places) == 10, places
PY
  ;;
scenario-located)
  f=$R/bad-scenario.yaml
  line "$f:9:68: error: [K038] range of a background item: the range 2/h-6/h does not contain its rate, 1/h" \
       "$f:15:13: error: [K038] range of a thread: copies 2-8 does not contain its copies, 1" \
       "$f:15:25: error: [K038] range of a thread: spacing takes durations (e.g. 30s-2m), not plain numbers" \
       "$f:16:79: error: [K037] unreadable range: expected ';' and another clause, or the end of the range (a remark goes in parentheses; free text is 'alternatives: TEXT')" \
       "$f:17:91: error: [K038] range of a uniform distribution: min 6m-8m does not contain its min, 5m" \
       "$f:19:90: error: [K038] range of a triangular distribution: 'p90' is not one of its fields (median, min, mode, max) or 'alternatives:'"
  $E 1 want.txt "$K" check -q "$f"
  # bound to a structure: the same lines (the scenario does not load)
  $E 1 want.txt "$K" check -q --structure "$SRC/tests/data/sim/line.yaml" "$f" ;;
sim-refuses)
  # kizuna sim reads ranges as it loads: an unreadable one stops it at its place
  rc=0; "$K" sim --structure "$SRC/tests/data/sim/line.yaml" --scenario "$R/bad-scenario.yaml" \
      --runs 10 > /dev/null 2> err.txt || rc=$?
  [ $rc -eq 1 ] || { cat err.txt; echo "FAIL: exit $rc, expected 1"; exit 1; }
  grep -q "^$R/bad-scenario.yaml:16:79: error: \[K037\]" err.txt
  rc=0; "$K" sim --structure "$CK/K037-unreadable-range.yaml" --scenario "$SC/nk-salvo.yaml" \
      --runs 10 > /dev/null 2> err.txt || rc=$?
  [ $rc -eq 1 ]
  grep -q "^$CK/K037-unreadable-range.yaml:7:86: error: \[K037\]" err.txt ;;
*)
  echo "unknown case $CASE"; exit 2 ;;
esac
