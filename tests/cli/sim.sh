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
  [ -s simout/steps.csv ] || fail "no simout/steps.csv"
  expect_in "$T/out" "simout/steps.csv"
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

# The same structure twice: every thread an identical chain, exactly zero, nothing ranked.
case_sim_paired_identical() {
  kz sim --structure "$DATA/structures/jfhq.yaml" --structure "$DATA/structures/jfhq.yaml" \
    --scenario "$NK" --runs 100 --json
  expect_rc 0 "sim of one structure twice"
  "$PY" - "$T/out" <<'PYEOF' || fail "identical structures do not pair to zero"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["baseline"] == "jfhq", d["baseline"]
nt = len(d["structures"][0]["threads"])
assert len(d["paired"]) == nt, len(d["paired"])
for p in d["paired"]:
    assert p["n"] == 100 and p["identical"], p
    assert p["diff_mean_s"] == 0 and p["diff_lo_s"] == 0 and p["diff_hi_s"] == 0, p
    assert p["diff_p50_s"] == 0 and p["met_diff"] == 0 and p["favours"] is None, p
    assert not p["time_significant"] and not p["met_significant"], p
assert all(r["identical_chain"] and r["best"] is None for r in d["ranking"]), d["ranking"]
PYEOF
  kz sim --structure "$DATA/structures/jfhq.yaml" --structure "$DATA/structures/jfhq.yaml" \
    --scenario "$NK" --runs 100
  expect_rc 0 "the table"
  expect_re "$T/out" '^launch-warning +identical chain, not ranked$'
  expect_not_in "$T/out" "significantly ahead of every other"
}

# The report fixtures: mini, and mini-slow (the same with a decision three times slower).
MINI=$D/report/mini-structure.yaml MINIS=$D/report/mini-scenario.yaml
mini_slow() {
  sed 's/^name: mini$/name: mini-slow/; s/decide: {dist: lognormal, median: 2m, p90: 6m}/decide: {dist: lognormal, median: 6m, p90: 20m}/' \
    "$MINI" >mini-slow.yaml
  grep -q 'median: 6m' mini-slow.yaml || fail "mini-slow.yaml not made"
}

# Several structures: the paired table against the first, its columns, and "best" only with a
# significant difference against every other (the JSON agrees with the table).
case_sim_paired_table() {
  mini_slow
  kz sim --structure "$MINI" --structure mini-slow.yaml --scenario "$MINIS" --runs 200
  expect_rc 0 "sim over two structures"
  expect_in "$T/out" "paired against mini over the same 200 replications"
  expect_re "$T/out" '^thread +structure +time diff mean \[95% CI\] +p50 diff'
  expect_re "$T/out" '^intercept +mini-slow +\+[0-9].*\] \* '
  expect_re "$T/out" '^ +best: mini \(significantly ahead of every other structure\)$'
  expect_re "$T/out" '^mini +intercept .* 100\.0% +\*  '
  expect_re "$T/out" 'critical path at$'
  kz sim --structure "$MINI" --structure mini-slow.yaml --scenario "$MINIS" --runs 200 --json
  expect_rc 0 "the same as JSON"
  "$PY" - "$T/out" <<'PYEOF' || fail "paired JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["baseline"] == "mini"
assert {p["structure"] for p in d["paired"]} == {"mini-slow"}
for p in d["paired"]:
    assert p["n"] == 200 and p["cap_s"] == 7200, p
    if p["diff_lo_s"] is not None:
        assert p["diff_lo_s"] <= p["diff_mean_s"] <= p["diff_hi_s"], p
    assert -1 <= p["met_diff_lo"] <= p["met_diff_hi"] <= 1, p
    assert p["time_significant"] == (p["diff_lo_s"] > 0 or p["diff_hi_s"] < 0), p
for r in d["ranking"]:
    p = [x for x in d["paired"] if x["thread"] == r["thread"]][0]
    want = {"mini-slow": "structure", "mini": "baseline", None: None}[r["best"]]
    assert p["favours"] == want, (r, p)
assert d["ranking"][0] == {"thread": "intercept", "ranked": True, "best": "mini",
                           "identical_chain": False}, d["ranking"][0]
t = d["structures"][0]["threads"][0]
assert all(k in t for k in ("cp_node", "cp_node_s", "cp_cause", "cause_s", "steps"))
PYEOF
}

# --baseline NAME picks the structure the others are compared with; an unknown one is a usage
# error with a suggestion.
case_sim_baseline() {
  mini_slow
  kz sim --structure "$MINI" --structure mini-slow.yaml --scenario "$MINIS" --runs 50 \
    --baseline mini-slow
  expect_rc 0 "sim --baseline"
  expect_in "$T/out" "paired against mini-slow over the same 50 replications"
  expect_re "$T/out" '^intercept +mini +-[0-9]'
  kz sim --structure "$MINI" --structure mini-slow.yaml --scenario "$MINIS" --runs 50 \
    --baseline mini-slwo
  usage_error sim
  expect_in "$T/err" "did you mean 'mini-slow'?"
}

# steps.csv: its header (a column per cause), one row per run x thread x copy x step, the CSV
# quoting of runs.csv, and the cause columns adding up to the step's time.
case_sim_steps_csv() {
  kz sim --structure "$DATA/structures/jfhq.yaml" --scenario "$NK" --runs 20 --out st
  expect_rc 0 "sim --out"
  "$PY" - st/steps.csv <<'PYEOF' || fail "steps.csv"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head = rows[0]
causes = ["processing", "queue", "off-hours", "review", "link", "legal", "propagation",
          "delegation", "external"]
assert head == ["scenario", "structure", "run", "thread", "copy", "step", "step_id", "kind",
                "start_s", "end_s"] + [c + "_s" for c in causes] + ["cp_node", "cp_cause"], head
body = rows[1:]
if body:  # the records are there: check them
    assert {r[0] for r in body} == {"nk-salvo"} and {r[1] for r in body} == {"jfhq"}
    assert {int(r[2]) for r in body} == set(range(20))
    for r in body:
        assert r[7] in ("share", "report", "decide", "order", "delay"), r
        if r[8] and r[9]:
            span = float(r[9]) - float(r[8])
            parts = sum(float(x) for x in r[10:19] if x)
            assert abs(span - parts) <= 1e-3 + 1e-6 * span, (r, span, parts)
        assert r[20] == "" or r[20] in causes, r
PYEOF
}

# compare --baseline: each scenario compared with that structure where it fits; --validation
# adds the validation strip to the report.
case_compare_baseline() {
  kz compare --data "$DATA" --runs 20 --threads 1 --out cb --baseline jfhq --json \
    --validation "$DATA/validation/launch-warning.yaml"
  expect_rc 0 "compare --baseline"
  expect_in cb/report.html '<section class="validation" id="validation">'
  [ "$(grep -c 'id="validation"' cb/report.html)" -eq 1 ] || fail "the strip's id twice"
  expect_in cb/report.html 'class="validation"'
  expect_in cb/report.html 'Paired differences against <code>jfhq</code>' 
  "$PY" - "$T/out" <<'PYEOF' || fail "compare's baseline"
import json, sys
for d in json.load(open(sys.argv[1]))["scenarios"]:
    names = [s["name"] for s in d["structures"]]
    assert d["baseline"] == ("jfhq" if "jfhq" in names else names[0]), (d["scenario"], d["baseline"])
    assert all(p["structure"] != d["baseline"] for p in d["paired"])
    assert len(d["ranking"]) == len(d["structures"][0]["threads"])
PYEOF
  [ "$(wc -l <cb/runs.csv)" -eq 1 ] || fail "runs.csv has rows without --csv"
  [ "$(wc -l <cb/steps.csv)" -eq 1 ] || fail "steps.csv has rows without --csv"
  kz compare --data "$DATA" --runs 5 --out cb --baseline nope
  usage_error compare
  kz compare --data "$DATA" --runs 5 --out cb --validation nowhere.yaml
  expect_rc 1 "compare --validation with a missing file"
}

# compare without --validation shows the strip of DATA/validation's cases; --no-validation none.
case_compare_validation_default() {
  kz compare --data "$DATA" --runs 20 --threads 1 --out cv
  expect_rc 0 "compare"
  [ "$(grep -c 'id="validation"' cv/report.html)" -eq 1 ] || fail "no validation strip by default"
  expect_in cv/report.html 'hwasong12-2017-08-29'
  kz compare --data "$DATA" --runs 20 --threads 1 --out cn --no-validation
  expect_rc 0 "compare --no-validation"
  [ "$(grep -c 'id="validation"' cn/report.html)" -eq 0 ] || fail "a strip with --no-validation"
}

case_sim_usage() {
  kz sim --scenario x.yaml; usage_error sim
  kz sim --structure a --scenario b --runs 0; usage_error sim
  kz sim --help; expect_rc 0 "sim --help"; expect_in "$T/out" --threads
}

run_case "$@"
