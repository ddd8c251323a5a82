#!/bin/sh
# show.sh - kizuna show (text and --json, per phase), kizuna draw (SVG, PNG) and kizuna check
# (exit codes and the FILE:LINE:COL format).
. "$(dirname "$0")/lib.sh"

EX=$D/example.yaml

case_show_phase() {
  kz show "$EX" --phase peacetime
  expect_rc 0 show
  expect_in "$T/out" 'OPCON -> jsdf-sdf'
  expect_not_in "$T/out" 'maritime-security-operation'
  kz show "$EX" --phase gray-zone
  expect_in "$T/out" 'maritime-security-operation: held by defmin'
}

case_show_bad_phase_exit2() {
  kz show "$EX" --phase wartime
  usage_error show
  expect_in "$T/err" 'peacetime, gray-zone, armed-attack'
}

# show --json: the document of docs/json.md, restricted to the phase like the text.
case_show_json() {
  kz show "$EX" --json
  expect_rc 0 "show --json"
  cp "$T/out" all.json
  kz show "$EX" --json --phase peacetime
  expect_rc 0 "show --json --phase"
  "$PY" - all.json "$T/out" <<'PYEOF' || fail "the show document"
import json, sys
a = json.load(open(sys.argv[1]))
p = json.load(open(sys.argv[2]))
assert a["name"] == "example" and a["phase"] is None and p["phase"] == "peacetime"
for k in ("name", "title", "file", "phase", "nations", "phases", "nodes", "relations",
          "authorities", "networks"):
    assert k in a, k
assert [ph["id"] for ph in a["phases"]] == ["peacetime", "gray-zone", "armed-attack"]
ids = {n["id"] for n in a["nodes"]}
assert "jsdf-sdf" in ids
assert any(r["type"] == "OPCON" and r["to"] == "jsdf-sdf" for r in p["relations"])
mso = [x for x in a["authorities"] if x["decision"] == "maritime-security-operation"]
assert mso and mso[0]["holder"] == "defmin" and "peacetime" not in mso[0]["phases"]
assert not [x for x in p["authorities"] if x["decision"] == "maritime-security-operation"]
for r in a["relations"]:
    assert r["from"] in ids and r["to"] in ids
for n in a["networks"]:
    assert set(n["members"]) <= ids and n["ceiling"] in ("U", "C", "S", "TS")
PYEOF
}

case_draw_svg() {
  kz draw "$EX" -o ex.svg
  expect_rc 0 draw
  expect_in ex.svg 'cluster_JPN'
  expect_in ex.svg '>Legend<'
  expect_in ex.svg '>Networks<'
  expect_in ex.svg 'JSDF Joint Operations Command'
}

case_draw_png() {
  kz draw "$EX" --out ex.png
  expect_rc 0 draw
  head -c 8 ex.png | od -An -c | grep -q 'P   N   G' || fail "ex.png is not a PNG"
}

case_check_clean_exit0() {
  kz check -q "$EX"
  expect_rc 0 check
  [ ! -s "$T/out" ] || fail "check printed diagnostics for a clean file"
}

case_check_error_exit1() {
  kz check -q "$D/check/K020-command-cycle.yaml"
  expect_rc 1 "check of a file with errors"
}

case_check_format() {
  kz check -q "$D/check/K022-national-command.yaml"
  expect_in "$T/out" "K022-national-command.yaml:20:25: error: [K022] 'fleet' (JPN) is placed under TACON"
}

case_check_missing_and_dir() {
  kz check -q /nonexistent.yaml "$D"
  [ "$(grep -c K001 "$T/out" "$T/err" | awk -F: '{s += $NF} END {print s}')" -eq 2 ] ||
    fail "not one K001 for each unreadable argument"
}

# Inputs the fuzzer once tripped on: each must give a clean error (exit 1), quickly.
case_fuzz_regressions() {
  for f in "$D"/fuzz/*; do
    timeout 10 "$K" check -q "$f" >/dev/null 2>&1
    r=$?
    [ "$r" -eq 1 ] || fail "$f: exit $r"
  done
}

run_case "$@"
