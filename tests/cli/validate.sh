#!/bin/sh
# validate.sh - kizuna validate: the table, pass/FAIL and exit codes, errors located in the
# validation file, --json (docs/json.md, "validate"), usage, the shipped files by default.
. "$(dirname "$0")/lib.sh"

V=$D/validation

case_validate_pass() {
  kz validate "$V/pass.yaml" --runs 20
  expect_rc 0 "every case passes"
  expect_re "$T/out" '^whole-thread +2020-01-31 +20\.0s +20\.0s +20\.0s +20\.0s +p50 in \[18\.0s, 22\.0s\] +pass$'
  expect_re "$T/out" '^report-only .*\(calibration\)$'
  expect_in "$T/out" "warn: start -> tell, over ../sim/line.yaml (chain.yaml); 20 runs, 100.0% ended"
}

case_validate_fail_exit1() {
  kz validate "$V/fail.yaml"
  expect_rc 1 "a case fails"
  expect_re "$T/out" '^too-fast +2021-03-04 +<= 5\.0s .* p90 in \[0\.0s, 6\.0s\] +FAIL$'
  expect_in "$T/out" "1 case: 0 pass, 1 FAIL, 0 not run"
}

case_validate_invalid_located() {
  kz validate "$V/bad.yaml"
  expect_rc 1 "an invalid file"
  expect_in "$T/err" "bad.yaml:16:5: error: [K005] unknown key 'tolerence' in a case (did you mean 'tolerance'?)"
  expect_in "$T/err" "bad.yaml:6:11: error: [K012] date '2021-13-01' must be YYYY-MM-DD"
  expect_in "$T/err" "bad.yaml:7:16: error: [K012] source 'seeds/001.txt' must be a public address"
  # a missing file says so; the other files still run
  kz validate "$V/nonexistent.yaml" "$V/fail.yaml"
  expect_rc 1 "a missing file"
  expect_in "$T/err" "nonexistent.yaml"
  expect_in "$T/out" "too-fast"
}

case_validate_not_run() {
  kz validate "$V/notrun.yaml"
  expect_rc 1 "a case that cannot run"
  expect_in "$T/err" "notrun.yaml:11:13: error: [K040] case 'misspelt': scenario 'chain' has no thread 'wran' (did you mean 'warn'?)"
  expect_re "$T/out" '^misspelt .* NOT RUN$'
}

case_validate_json() {
  kz validate "$V/fail.yaml" "$V/pass.yaml" --json --runs 10 --seed 3
  [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "exit $rc"
  "$PY" - "$T/out" <<'PYEOF' || fail "the validate document"
import json, sys
d = json.load(open(sys.argv[1]))
assert [f["file"].split("/")[-1] for f in d["files"]] == ["fail.yaml", "pass.yaml"], d
assert d["cases"] == 3 and d["passed"] + d["failed"] + d["not_run"] == 3
assert d["failed"] >= 1 and d["passed"] >= 1
c = d["files"][0]["cases"][0]
for k in ("id", "title", "date", "file", "line", "col", "calibration", "structure",
          "structure_path", "scenario", "scenario_path", "thread", "from", "to", "observed",
          "notes", "sources", "figure", "quantity", "tolerance", "model_s", "p10_s", "p50_s",
          "p90_s", "ended", "runs", "seed", "pass", "error"):
    assert k in c, k
assert c["id"] == "too-fast" and c["pass"] is False and c["quantity"] == "p90"
assert c["figure"] == {"bound": "upper", "lo_s": 0, "hi_s": 5}, c["figure"]
assert c["tolerance"] == {"lo_s": 0, "hi_s": 6}, c["tolerance"]
assert c["runs"] == 10 and c["seed"] == 3 and abs(c["p50_s"] - 20) < 0.1
assert c["sources"] == ["https://example.org/observed"] and c["error"] is None
w = d["files"][1]["cases"][0]
assert w["id"] == "whole-thread" and w["pass"] is True and w["calibration"] is False
assert d["files"][1]["cases"][1]["calibration"] is True
PYEOF
}

case_validate_usage() {
  kz validate --rnus 5
  usage_error validate
  expect_in "$T/err" "did you mean '--runs'"
  kz validate --runs 0
  usage_error validate
  kz validate --help
  expect_rc 0 "--help"
  expect_in "$T/out" "usage: kizuna validate"
}

# Without FILE: every DATA/validation/*.yaml ($KIZUNA_DATA names DATA).
case_validate_default_files() {
  mkdir -p data/validation data/structures data/scenarios
  cp "$D/sim/line.yaml" data/structures/line.yaml
  cp "$V/chain.yaml" data/scenarios/chain.yaml
  sed -e 's|structure: ../sim/line.yaml|structure: line|' -e 's|scenario: chain.yaml|scenario: chain|' \
    "$V/fail.yaml" >data/validation/one.yaml
  KIZUNA_DATA=$PWD/data kz validate
  expect_rc 1 "the one case fails"
  expect_in "$T/out" "validation $PWD/data/validation/one.yaml"
  expect_in "$T/out" "over line (chain)"
  rm data/validation/one.yaml
  KIZUNA_DATA=$PWD/data kz validate
  expect_rc 1 "no validation file"
  expect_in "$T/err" "no validation file in"
}

# A segment between two steps of a two-copy thread, from the step rows.
case_validate_step_rows() {
  kz validate "$V/pass.yaml"
  expect_rc 0 "both cases pass"
  expect_re "$T/out" '^report-only +2020-02-01 +9\.0s-11\.0s +10\.0s +10\.0s +10\.0s .* pass \(calibration\)$'
  expect_in "$T/out" "warn: detect -> tell, over ../sim/line.yaml (chain.yaml); 10 runs, 100.0% ended"
}

run_case "$@"
