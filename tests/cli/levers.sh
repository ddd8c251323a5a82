#!/bin/sh
# levers.sh - `--set PATH=VALUE` on kizuna sim and compare (docs/levers.md): the value reaches
# the run, every override is recorded (table, JSON, report.html), a bad path or value is exit 1
# naming the place. Over tests/data/sim/levers.yaml, whose chain's p50 is mostly hq's decide
# median (1 minute as written).
. "$(dirname "$0")/lib.sh"

S=$SIMD/levers.yaml
C=$SIMD/levers-scenario.yaml
SET=node.hq.processing.decide.median=5m

# p50 of the chain in the sim document $1.
p50() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['structures'][0]['threads'][0]['p50_s'])" "$1"; }

case_levers_sim_set_moves_p50() {
  kz sim --structure "$S" --scenario "$C" --runs 500 --json
  expect_rc 0 "sim without --set"
  cp "$T/out" base.json
  kz sim --structure "$S" --scenario "$C" --runs 500 --json --set "$SET" --set thread.chain.spacing=1m
  expect_rc 0 "sim --set"
  cp "$T/out" set.json
  "$PY" - base.json set.json <<'PYEOF' || fail "the overrides or the p50"
import json, sys
b, s = (json.load(open(f)) for f in sys.argv[1:3])
assert b["overrides"] == [], b["overrides"]
assert s["overrides"] == ["node.hq.processing.decide.median=5m", "thread.chain.spacing=1m"], s["overrides"]
pb, ps = b["structures"][0]["threads"][0]["p50_s"], s["structures"][0]["threads"][0]["p50_s"]
# a median 4 minutes longer in the middle of the chain: most of it shows in the p50
assert ps > pb + 120, (pb, ps)
# the rest of the document is the same shape, the keys in the same order
assert list(b) == list(s)
PYEOF
  # the table says it in its header line; without --set it does not
  kz sim --structure "$S" --scenario "$C" --runs 200 --set "$SET"
  expect_rc 0 "sim --set, the table"
  expect_re "$T/out" "^200 runs, seed 5; what if: $SET\$"
  kz sim --structure "$S" --scenario "$C" --runs 200
  expect_not_in "$T/out" "what if"
}

# A lower value moves the other way; the same value as written changes nothing at all.
case_levers_sim_set_direction() {
  kz sim --structure "$S" --scenario "$C" --runs 500 --json
  cp "$T/out" base.json
  kz sim --structure "$S" --scenario "$C" --runs 500 --json --set node.hq.processing.decide.median=10s
  expect_rc 0 "sim --set lower"
  cp "$T/out" low.json
  kz sim --structure "$S" --scenario "$C" --runs 500 --json --set node.hq.processing.decide.median=1m
  expect_rc 0 "sim --set as written"
  cp "$T/out" same.json
  [ "$(p50 low.json)" != "" ] || fail "no p50"
  "$PY" - base.json low.json same.json <<'PYEOF' || fail "direction or identity"
import json, sys
b, l, s = (json.load(open(f)) for f in sys.argv[1:4])
th = lambda d: d["structures"][0]["threads"][0]
assert th(l)["p50_s"] < th(b)["p50_s"] - 30, (th(b)["p50_s"], th(l)["p50_s"])
assert th(s) == th(b), "the value as written gave other figures"
PYEOF
}

case_levers_sim_out_records() {
  kz sim --structure "$S" --scenario "$C" --runs 50 --set "$SET" --out o
  expect_rc 0 "sim --set --out"
  expect_in o/report.html "What if:"
  expect_in o/report.html "<code>node.hq.processing.decide.median</code> = 5m"
  "$PY" -c "import json; d=json.load(open('o/results.json')); assert d['overrides']==['$SET'], d['overrides']" ||
    fail "results.json lacks the override"
}

# Two structures: a structure path applies to each that has it, a scenario path once.
case_levers_sim_two_structures() {
  kz sim --structure "$S" --structure "$S" --scenario "$C" --runs 300 --json --set "$SET" \
    --set thread.chain.copies=2
  expect_rc 0 "sim --set over two structures"
  "$PY" - "$T/out" <<'PYEOF' || fail "both structures moved"
import json, sys
d = json.load(open(sys.argv[1]))
a, b = (st["threads"][0] for st in d["structures"])
assert a["p50_s"] == b["p50_s"] and a["p50_s"] > 300, (a["p50_s"], b["p50_s"])
PYEOF
}

case_levers_bad_path() {
  kz sim --structure "$S" --scenario "$C" --runs 50 --set node.hq.processing.decid.median=2m
  expect_rc 1 "a bad path"
  expect_in "$T/err" "kizuna sim: --set: no lever 'node.hq.processing.decid.median' (did you mean 'node.hq.processing.decide.median'?)"
  [ ! -s "$T/out" ] || fail "a bad path printed a table"
  # a scenario path is suggested from the scenario
  kz sim --structure "$S" --scenario "$C" --runs 50 --set thread.chian.copies=2
  expect_rc 1 "a bad thread path"
  expect_in "$T/err" "(did you mean 'thread.chain.copies'?)"
}

case_levers_bad_value() {
  kz sim --structure "$S" --scenario "$C" --runs 50 --set node.hq.processing.decide.median=5
  expect_rc 1 "a value without a unit"
  expect_in "$T/err" "kizuna sim: --set: node.hq.processing.decide.median: '5' is not a duration"
  kz sim --structure "$S" --scenario "$C" --runs 50 --set node.hq.processing.decide.p90=10s
  expect_rc 1 "a p90 below the median"
  expect_in "$T/err" "node.hq.processing.decide.p90=10s: lognormal p90 must be above the median"
  kz sim --structure "$S" --scenario "$C" --runs 50 --set thread.chain.copies=100
  expect_rc 1 "too many copies"
  expect_in "$T/err" "thread.chain.copies: 100 is out of range: 1 to 64"
  kz sim --structure "$S" --scenario "$C" --runs 50 --set node.hq.cells
  expect_rc 1 "no value"
  expect_in "$T/err" "expected PATH=VALUE"
}

# compare over a small data directory: the override in every scenario's document and table.
case_levers_compare_set() {
  mkdir -p d/structures d/scenarios
  cp "$S" d/structures/levers.yaml
  cp "$C" d/scenarios/levers-scenario.yaml
  cp "$SIMD/flash.yaml" d/scenarios/flash.yaml # fits no structure here: skipped
  kz compare --data d --runs 300 --no-validation --out cmp --json --set "$SET"
  expect_rc 0 "compare --set"
  cp "$T/out" set.json
  kz compare --data d --runs 300 --no-validation --out cmp0 --json
  expect_rc 0 "compare"
  cp "$T/out" base.json
  "$PY" - base.json set.json cmp/results.json <<'PYEOF' || fail "compare's documents"
import json, sys
b, s, r = (json.load(open(f)) for f in sys.argv[1:4])
assert list(s) == ["scenarios"] and len(s["scenarios"]) == 1, list(s)
d = s["scenarios"][0]
assert d["overrides"] == ["node.hq.processing.decide.median=5m"] and b["scenarios"][0]["overrides"] == []
assert d["structures"][0]["threads"][0]["p50_s"] > b["scenarios"][0]["structures"][0]["threads"][0]["p50_s"] + 120
assert r["overrides"] == d["overrides"]
PYEOF
  expect_in cmp/report.html "What if:"
  kz compare --data d --runs 50 --no-validation --out cmp1 --set "$SET"
  expect_rc 0 "compare --set, tables"
  expect_in "$T/out" "; what if: $SET"
  kz compare --data d --runs 50 --no-validation --out cmp2 --set network.nett.latency.overhead.median=1s
  expect_rc 1 "compare, a bad path"
  expect_in "$T/err" "kizuna compare: --set: no lever 'network.nett.latency.overhead.median' (did you mean 'network.net.latency.overhead.median'?)"
}

case_levers_help() {
  kz sim --help
  expect_rc 0 "sim --help"
  expect_in "$T/out" "--set PATH=VALUE"
  kz compare --help
  expect_rc 0 "compare --help"
  expect_in "$T/out" "--set PATH=VALUE"
}

run_case "$@"
