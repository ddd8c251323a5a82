#!/bin/sh
# sim.sh - kizuna sim, trace and compare: the table, the JSON (docs/json.md), the report
# directory, seeds and threads, and errors located in the scenario.
. "$(dirname "$0")/lib.sh"

NK=$DATA/scenarios/nk-salvo.yaml

case_sim_json_contract() {
  kz sim --structure "$DATA/structures/jjoc-2025.yaml" --structure "$DATA/structures/legacy.yaml" \
    --scenario "$NK" --runs 200 --seed 3 --json
  expect_rc 0 "sim --json"
  "$PY" - "$T/out" <<'PYEOF' || fail "the sim document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["scenario"] == "nk-salvo" and d["runs"] == 200 and d["seed"] == 3, d
assert d["events"] > 0 and d["wall_s"] > 0
assert [s["name"] for s in d["structures"]] == ["jjoc-2025", "legacy"]
t = d["structures"][0]["threads"][0]
assert all(k in t for k in ("name", "p50_s", "p90_s", "p99_s", "mean_s", "deadline_met", "completed"))
n = d["structures"][0]["nodes"][0]
assert all(k in n for k in ("id", "utilisation", "mean_wait_s"))
assert 0 <= t["deadline_met"] <= 1
PYEOF
}

case_sim_table() {
  kz sim --structure "$SIMD/line.yaml" --scenario "$SIMD/flash.yaml"
  expect_rc 0 sim
  expect_re "$T/out" '^line +msg +15\.0s'
}

case_sim_legal_wait() {
  kz sim --structure "$SIMD/line.yaml" --scenario "$SIMD/legal-wait.yaml"
  expect_rc 0 sim
  expect_re "$T/out" '^line +strike .* hq \(legal, 30m00s/run\)'
}

case_sim_same_seed_any_threads() {
  S=$DATA/structures/jfhq.yaml C=$DATA/scenarios/counterstrike.yaml
  "$K" sim --structure "$S" --scenario "$C" --runs 300 --threads 1 >t1.txt || fail "1 thread"
  "$K" sim --structure "$S" --scenario "$C" --runs 300 --threads 2 >t2.txt || fail "2 threads"
  cmp -s t1.txt t2.txt || fail "the tables differ between 1 and 2 threads"
}

case_sim_out_dir() {
  kz sim --structure "$SIMD/line.yaml" --scenario "$SIMD/infeasible.yaml" --runs 20 --out simout
  expect_rc 0 "sim --out"
  [ "$(wc -l <simout/runs.csv)" -eq 61 ] || fail "runs.csv has not 61 lines"
  expect_in simout/report.html '<svg'
  expect_in simout/report.html 'no-command'
  "$PY" -c "import json; json.load(open('simout/results.json'))" || fail "results.json is not JSON"
  # missing parents are made too
  kz sim --structure "$SIMD/line.yaml" --scenario "$SIMD/flash.yaml" --runs 5 --out new/deep/dir
  expect_rc 0 "sim --out with missing parents"
  [ -s new/deep/dir/results.json ] || fail "no new/deep/dir/results.json"
}

# --out is made and checked before the simulation starts: an impossible directory fails at
# once (10^8 replications would take far longer than the timeout), exit 1, saying why.
case_sim_out_fails_fast() {
  timeout 5 "$K" sim --structure "$DATA/structures/jfhq.yaml" --scenario "$NK" --runs 100000000 \
    --out /proc/x/kizuna >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -ne 124 ] || fail "sim --out /proc/x ran the simulation first (timed out)"
  expect_rc 1 "an unusable --out"
  expect_in "$T/err" "kizuna sim: cannot create directory '/proc/x/kizuna'"
  : >plain-file
  timeout 5 "$K" sim --structure "$DATA/structures/jfhq.yaml" --scenario "$NK" --runs 100000000 \
    --out plain-file >"$T/out" 2>"$T/err"
  rc=$?
  expect_rc 1 "--out naming a file"
  expect_in "$T/err" "not a directory"
  timeout 5 "$K" compare --data "$DATA" --runs 100000000 --out /proc/x/kizuna >"$T/out" 2>"$T/err"
  rc=$?
  [ "$rc" -ne 124 ] || fail "compare --out /proc/x ran the simulations first (timed out)"
  expect_rc 1 "compare with an unusable --out"
  expect_in "$T/err" "kizuna compare: cannot create directory '/proc/x/kizuna'"
}

case_sim_unknown_id_located() {
  kz sim --structure "$SIMD/line.yaml" --scenario "$NK"
  expect_rc 1 "a scenario naming nodes the structure lacks"
  expect_re "$T/err" "nk-salvo.yaml:[0-9]+:[0-9]+: error: \[K040\] node .* is not in structure .line."
}

case_trace_explains_waits() {
  kz trace --structure "$SIMD/line.yaml" --scenario "$SIMD/routine.yaml"
  expect_rc 0 trace
  expect_in "$T/out" 'after waiting 55.0s in queue'
  expect_in "$T/out" 'thread msg'
}

case_compare() {
  kz compare --data "$DATA" --runs 50 --out cmp
  expect_rc 0 compare
  expect_in "$T/out" 'scenario nk-salvo'
  expect_in "$T/out" 'scenario hawaii-cut'
  expect_in cmp/report.html '<svg'
  "$PY" -c "import json; d=json.load(open('cmp/results.json')); assert len(d['scenarios'])==5" ||
    fail "cmp/results.json has not 5 scenarios"
  # the structures in the order of data/structures/ORDER (oldest first), in every scenario
  "$PY" - cmp/results.json "$DATA/structures/ORDER" <<'PYEOF' || fail "not in ORDER's order"
import json, sys
order = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
for d in json.load(open(sys.argv[1]))["scenarios"]:
    names = [s["name"] for s in d["structures"]]
    assert names == sorted(names, key=order.index), (d["scenario"], names)
    assert d["scenario"] != "nk-salvo" or names[0] == "legacy", names
PYEOF
}

# compare --json prints {"scenarios": [...]}, each the document sim --json prints: the same
# keys at every level, and the same figures for the same structure, scenario, runs and seed.
case_compare_json_same_shape() {
  kz compare --data "$DATA" --runs 30 --threads 1 --out cmpj --json
  expect_rc 0 "compare --json"
  cp "$T/out" compare.json
  expect_not_in compare.json "scenario nk-salvo:" # no tables with --json
  kz sim --structure "$DATA/structures/legacy.yaml" --structure "$DATA/structures/jjoc-2025.yaml" \
    --scenario "$NK" --runs 30 --threads 1 --json
  expect_rc 0 "sim --json"
  cp "$T/out" sim.json
  "$PY" - compare.json sim.json <<'PYEOF' || fail "compare and sim documents differ in shape"
import json, sys
c = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
assert list(c) == ["scenarios"] and len(c["scenarios"]) == 5, list(c)
nk = [d for d in c["scenarios"] if d["scenario"] == "nk-salvo"][0]

def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return "value"

for d in c["scenarios"]:
    assert list(d) == list(s), (list(d), list(s))
    for st in d["structures"]:
        assert shape(st) == shape(s["structures"][0]), st["name"]
by = {st["name"]: st for st in nk["structures"]}
for st in s["structures"]:
    a, b = dict(by[st["name"]]), dict(st)
    a.pop("wall_s"); b.pop("wall_s")
    assert a == b, st["name"]
PYEOF
}

# Without --data, compare run from a folder with no data/ finds the shipped data (the source
# tree's for a binary in its build directory), and $KIZUNA_DATA overrides it.
case_compare_finds_data() {
  KIZUNA_DATA= kz compare --runs 5 --threads 1 --json --out o1
  expect_rc 0 "compare from a folder without data/"
  "$PY" -c "import json,sys; assert len(json.load(open(sys.argv[1]))['scenarios'])==5" "$T/out" ||
    fail "not the 5 shipped scenarios"
  mkdir -p mine/structures mine/scenarios
  cp "$SIMD/line.yaml" mine/structures/ && cp "$SIMD/flash.yaml" mine/scenarios/
  KIZUNA_DATA=$T/mine kz compare --runs 5 --threads 1 --json --out o2
  expect_rc 0 "compare with KIZUNA_DATA"
  "$PY" - "$T/out" <<'PYEOF' || fail "KIZUNA_DATA not used"
import json, sys
d = json.load(open(sys.argv[1]))["scenarios"]
assert [s["name"] for s in d[0]["structures"]] == ["line"] and len(d) == 1, d
PYEOF
  KIZUNA_DATA=$T/nowhere kz compare --runs 5 --out o3
  expect_rc 1 "compare with a KIZUNA_DATA that does not exist"
  expect_in "$T/err" "KIZUNA_DATA=$T/nowhere"
}

case_sim_usage() {
  kz sim --scenario x.yaml; usage_error sim
  kz sim --structure a --scenario b --runs 0; usage_error sim
  kz sim --help; expect_rc 0 "sim --help"; expect_in "$T/out" --threads
}

run_case "$@"
