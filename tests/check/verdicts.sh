#!/bin/sh
# verdicts.sh KIZUNA EXPECTED - kizuna validate on the shipped cases gives exactly the verdicts
# recorded in EXPECTED ("CASE pass|fail" per line): a change to the model or the data that
# turns a case either way must say so by updating the record (docs/validation.md).
set -u
KZ=$1 EXPECTED=$2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$KZ" validate --json >"$out"
rc=$?
[ $rc -le 1 ] || { echo "kizuna validate failed to run (exit $rc)"; exit 1; }
python3 - "$out" "$EXPECTED" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
got = {}
for f in doc["files"]:
    if not f.get("valid", False):
        sys.exit("invalid validation file: %s" % f.get("file"))
    for c in f["cases"]:
        if c.get("error"):
            sys.exit("case %s did not run: %s" % (c["id"], c["error"]))
        got[c["id"]] = "pass" if c["pass"] else "fail"
want = {}
for line in open(sys.argv[2]):
    line = line.split("#", 1)[0].split()
    if line:
        want[line[0]] = line[1]
bad = 0
for k in sorted(set(got) | set(want)):
    if got.get(k) != want.get(k):
        print("%s: validate says %s, the record says %s" % (k, got.get(k, "nothing"), want.get(k, "nothing")))
        bad += 1
print("%d cases, %d as recorded" % (len(got), len(got) - bad))
sys.exit(1 if bad else 0)
PY
