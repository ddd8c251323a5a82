#!/bin/sh
# scenario.sh - `kizuna check` on scenarios: alone, against structures, the seeded K041 cases.
# usage: scenario.sh KIZUNA SOURCE_DIR CASE   (run in a directory of its own)
set -eu
K=$1 SRC=$2 CASE=$3
unset KIZUNA_DATA || true   # shipped names resolve from the build, not the caller's data
DS=$SRC/data/structures SC=$SRC/data/scenarios SEED=$SRC/tests/data/check/scenario
E="sh $SRC/tests/check/expect.sh"
line() { printf '%s\n' "$@" > want.txt; }

case $CASE in
alone)
  # every shipped scenario checks clean on its own, and is not read as a structure
  $E 0 - "$K" check "$SC"/*.yaml
  grep -q '^kizuna check: 5 scenarios checked on their own; --structure F checks their ids' expect-err.txt
  grep -q '^kizuna check: 5 files, 0 errors, 0 warnings$' expect-err.txt
  if grep -q K00 expect-err.txt; then exit 1; fi ;;
fits)
  # nk-salvo runs on the five Japan structures (data/scenarios/README.md); names or paths
  $E 0 - "$K" check -q --structure legacy --structure jjoc-2025 --structure "$DS/jfhq.yaml" \
      --structure jfhq-4star --structure=cjtf "$SC/nk-salvo.yaml"
  # a structure file and a scenario in one run: each checked as what it is
  $E 0 - "$K" check --structure "$DS/jfhq.yaml" "$DS/jfhq.yaml" "$SC/counterstrike.yaml"
  grep -q "^kizuna check: 2 files against $DS/jfhq.yaml, 0 errors, 0 warnings\$" expect-err.txt ;;
unknown-ids)
  # ids the structure lacks: K040 at each place, in the structure checks' format
  rc=0; "$K" check -q --structure "$SRC/tests/data/sim/line.yaml" "$SC/nk-salvo.yaml" > out.txt || rc=$?
  [ $rc -eq 1 ]
  head -1 out.txt | grep -qx "$SC/nk-salvo.yaml:53:15: error: \[K040\] node 'jtags-misawa' is not in structure 'line'"
  if grep -Ev "^$SC/nk-salvo.yaml:[0-9]+:[0-9]+: error: \[K040\] (node|nation|decision|phase|network) '[^']+' is not in structure 'line'\$" out.txt; then exit 1; fi
  # one line per place: two structures that both lack an id do not repeat a finding
  rc=0; "$K" check -q --structure "$SRC/tests/data/sim/line.yaml" \
      --structure "$SRC/tests/data/sim/line.yaml" "$SC/nk-salvo.yaml" > out2.txt || rc=$?
  [ $rc -eq 1 ]
  cmp out.txt out2.txt ;;
decide-misspelt)
  # The seeded mistake K041 used to blame on the correct order line (108:9, `- id: engage`):
  # the decide step misspells its decision at line 105.
  f=$SEED/K041-decide-misspelt.yaml
  line "$f:105:17: error: [K040] decision 'bmd-destruction-ordr' is not in structure 'jfhq'"
  $E 1 want.txt "$K" check -q --structure jfhq "$f"
  # alone, the order cannot be told from its decide step: both lines are named
  line "$f:110:16: error: [K041] order 'bmd-destruction-order' has no 'by' and no earlier decide step for that decision; the thread's earlier decide steps take 'bmd-destruction-ordr' (line 105)"
  $E 1 want.txt "$K" check -q "$f"
  # kizuna sim reports the same place
  rc=0; "$K" sim --structure "$DS/jfhq.yaml" --scenario "$f" --runs 10 > /dev/null 2> sim-err.txt || rc=$?
  [ $rc -eq 1 ]
  grep -qx "$f:105:17: error: \[K040\] decision 'bmd-destruction-ordr' is not in structure 'jfhq'" sim-err.txt
  if grep -q "\[K041\]" sim-err.txt; then exit 1; fi ;;
order-misspelt)
  f=$SEED/K041-order-misspelt.yaml
  line "$f:110:16: error: [K040] decision 'bmd-destruction-ordr' is not in structure 'jfhq'"
  $E 1 want.txt "$K" check -q --structure jfhq "$f"
  line "$f:110:16: error: [K041] order 'bmd-destruction-ordr' has no 'by' and no earlier decide step for that decision; the thread's earlier decide steps take 'bmd-destruction-order' (line 105)"
  $E 1 want.txt "$K" check -q "$f" ;;
no-decider)
  # the decide step is gone: K041 at the order's decision (not at the step's first line)
  f=$SEED/K041-no-decider.yaml
  line "$f:138:16: error: [K041] order 'us-bmd-engage' has no 'by' and no earlier decide step for that decision"
  $E 1 want.txt "$K" check -q --structure jfhq "$f"
  $E 1 want.txt "$K" check -q "$f" ;;
broken-structure)
  # a structure that does not load: its error, and the scenario still checked on its own
  f=$SEED/K041-no-decider.yaml
  printf '%s\n' "/nonexistent/s.yaml:0:0: error: [K001] cannot open: No such file or directory" \
      "$f:138:16: error: [K041] order 'us-bmd-engage' has no 'by' and no earlier decide step for that decision" > want.txt
  $E 1 want.txt "$K" check --structure /nonexistent/s.yaml "$f"
  grep -qx "kizuna check: 1 file against /nonexistent/s.yaml, 2 errors, 0 warnings" expect-err.txt ;;
order-before-decide)
  f=$SEED/K041-order-before-decide.yaml
  line "$f:138:16: error: [K041] order 'us-bmd-engage' has no 'by' and no earlier decide step for that decision; the decide step that takes it (line 141) comes after it"
  $E 1 want.txt "$K" check -q --structure jfhq "$f"
  $E 1 want.txt "$K" check -q "$f" ;;
duplicate-step)
  f=$SEED/K010-duplicate-step.yaml
  line "$f:73:9: error: [K010] duplicate step id 'rok-acquire' in thread 'trilateral-track'"
  $E 1 want.txt "$K" check -q "$f"
  $E 1 want.txt "$K" check -q --structure jfhq "$f" ;;
json)
  # check --json: the check document of docs/json.md, the same findings as the text
  f=$SEED/K041-decide-misspelt.yaml
  rc=0; "$K" check -q --json --structure jfhq "$f" "$DS/jfhq.yaml" > doc.json || rc=$?
  [ $rc -eq 1 ]
  python3 - "$f" "$DS/jfhq.yaml" <<'PY'
import json, sys
d = json.load(open("doc.json"))
assert list(d) == ["files", "errors", "warnings"], list(d)
assert d["errors"] == 1 and d["warnings"] == 0, d
f0, f1 = d["files"]
assert list(f0) == ["file", "errors", "warnings", "diagnostics"], list(f0)
assert f0["file"] == sys.argv[1] and f0["errors"] == 1 and f1["file"] == sys.argv[2], d
assert f0["diagnostics"] == [{"file": sys.argv[1], "line": 105, "col": 17, "severity": "error",
    "code": "K040", "message": "decision 'bmd-destruction-ordr' is not in structure 'jfhq'"}], f0
assert f1["errors"] == 0 and f1["diagnostics"] == [], f1
PY
  # two structures lacking the same ids: each finding once, counts as the text summary's
  rc=0; "$K" check --json --structure "$SRC/tests/data/sim/line.yaml" \
      --structure "$SRC/tests/data/sim/line.yaml" "$SC/nk-salvo.yaml" > doc.json 2> err.txt || rc=$?
  [ $rc -eq 1 ]
  n=$(python3 -c "import json; d=json.load(open('doc.json')); f=d['files'][0]; assert f['errors']==len(f['diagnostics'])==d['errors']; print(d['errors'])")
  grep -q "line.yaml, $n errors, 0 warnings" err.txt
  # warnings: left out of the list with --no-warnings, still counted
  "$K" check -q --json "$SRC/tests/data/check/K030-no-source.yaml" > w.json || true
  "$K" check -q --json --no-warnings "$SRC/tests/data/check/K030-no-source.yaml" > nw.json || true
  python3 -c "
import json
w, nw = json.load(open('w.json')), json.load(open('nw.json'))
assert w['warnings'] > 0 and w['warnings'] == nw['warnings'], (w, nw)
assert any(g['severity'] == 'warning' for g in w['files'][0]['diagnostics'])
assert not any(g['severity'] == 'warning' for g in nw['files'][0]['diagnostics'])" ;;
usage)
  $E 2 - "$K" check --structure
  grep -q "option '--structure' needs a value" expect-err.txt
  $E 2 - "$K" check --structure jfhq
  grep -qx 'kizuna check: missing FILE (kizuna check --help)' expect-err.txt
  $E 2 - "$K" check --structure no-such-structure "$SC/nk-salvo.yaml"
  grep -q "^kizuna check: no structure file 'no-such-structure', and 'structures/no-such-structure.yaml' is in none of " expect-err.txt
  $E 2 - "$K" check --structure jfhg "$SC/nk-salvo.yaml"
  grep -q "did you mean 'jfhq'? (kizuna check --help)\$" expect-err.txt
  $E 2 - "$K" check --frobnicate "$SC/nk-salvo.yaml"
  grep -qx "kizuna check: unknown option '--frobnicate' (kizuna check --help)" expect-err.txt
  $E 2 - "$K" check --structure "$SC/hawaii-cut.yaml" "$SC/nk-salvo.yaml"
  grep -qx "kizuna check: '$SC/hawaii-cut.yaml' is a scenario; --structure takes a structure file (kizuna check --help)" expect-err.txt
  "$K" check --help | grep -q -- '--structure F' ;;
*)
  echo "unknown case $CASE"; exit 2 ;;
esac
