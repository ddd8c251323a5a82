#!/bin/sh
# director.sh - the scenario director's rules hold the same live as simulated: a decide parked at
# the legal gate until the phase change (a legal wait at the requester, in the result), and a
# thread that stops at its second step with the simulator's reason and step.
# Usage: director.sh KIZUNA DATA DOMAIN
set -eu
KZ=$1 DATA=$2 DOM=$3
. "$(dirname "$0")/lib.sh"
S=$DATA/sim/line.yaml C=$DATA/live/director.yaml

"$KZ" sim --structure "$S" --scenario "$C" --runs 20 --json > "$T/sim.json"
timeout 100 "$KZ" exercise --structure "$S" --scenario "$C" --speed 10 --domain "$DOM" \
    --journal "$J" --json > "$T/ex.json" 2> "$T/ex.err" || fail "exercise failed: $(cat "$T/ex.err")"

python3 - "$T/sim.json" "$T/ex.json" <<'PY' || fail "live and simulated results disagree"
import json, sys
sim = {t["name"]: t for t in json.load(open(sys.argv[1]))["structures"][0]["threads"]}
live = {t["name"]: t for t in json.load(open(sys.argv[2]))["threads"]}
ok = True
def check(cond, what):
    global ok
    if not cond:
        print("mismatch:", what, file=sys.stderr)
        ok = False
s = live["strike"]
# parked 20 s of scenario time at hq, then decided at once (zero processing in line.yaml)
check(19.5 <= s["legal_s"] <= 21.0, "strike legal_s %r" % s["legal_s"])
check(s["legal_node"] == "hq", "strike legal_node %r" % s["legal_node"])
check(s["took_s"] is not None and 19.5 <= s["took_s"] <= 22.0, "strike took_s %r" % s["took_s"])
check(sim["strike"]["wait_kind"] == "legal", "sim wait kind %r" % sim["strike"]["wait_kind"])
b = live["blocked"]
check(b["took_s"] is None and b["stopped_step"] == 1, "blocked stopped at %r" % b["stopped_step"])
check(b["why"] == sim["blocked"]["infeasible_why"],
      "reason live %r, simulated %r" % (b["why"], sim["blocked"]["infeasible_why"]))
sys.exit(0 if ok else 1)
PY
# The director played the scenario once: at hq, one share (blocked's first step), one request
# (strike, after the phase change) and one phase change, each queued once.
for want in '"cmd":"share"' '"cmd":"request"' '"cmd":"phase"'; do
    n=$(sqlite3 -readonly "$J/hq.db" \
        "select count(*) from command where who = 'exercise director' and body like '%$want%'")
    [ "$n" -eq 1 ] || fail "hq's journal holds $n commands with $want, expected 1"
done
echo "director: legal wait and stopped step live as simulated"
