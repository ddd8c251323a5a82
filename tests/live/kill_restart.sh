#!/usr/bin/env bash
# kill_restart.sh - SIGKILL the relay, then the sender, mid-stream: all restart, each track once.
# usage: kill_restart.sh KIZUNA KZ_ROGUE TESTS_DATA_DIR DDS_DOMAIN
set -eu
KZ=$1 ROGUE=$2 DATA=$3 DOM=$4
. "$(dirname "$0")/lib.sh"
S=$DATA/sim/line.yaml
make_pki "$S"
N=3000
made="SELECT count(*) FROM work WHERE gen IS NOT NULL"
ids="SELECT count(*) FROM work WHERE id IS NOT NULL"

for n in a b c; do start "$n" "$S" 100; done
for n in a b c; do until_ok 30 "$n started" started "$n"; done
say "$N tracks a -> b -> c at 300/s"
send --as a track --to c --track K --repeat "$N" --rate 300

until_ok 30 "b to relay 600" ge b "SELECT count(*) FROM outbox" 600
crash b
say "b killed (SIGKILL) after relaying $(q b "SELECT count(*) FROM outbox")"
sleep 1
start b "$S" 90
until_ok 30 "b started again" started b 2

until_ok 30 "a to have made 1800" ge a "$made" 1800
crash a
before=$(q a "$made")
say "a killed (SIGKILL) after making $before"
sleep 0.5
start a "$S" 90
until_ok 30 "a started again" started a 2

until_ok 60 "c to take $N" ge c "$ids" "$N"
until_ok 30 "the audit to find nothing missing, doubled or unacknowledged" audit_clean
say "$(audit_line)"
sleep 1.5 # re-sends of anything unacknowledged would land now
audit_clean || fail "audit: $(audit_line)"

# The stream resumed where the journal says it was, and made each rank once.
is a "SELECT count(*), count(DISTINCT gen), min(gen), max(gen) FROM work WHERE gen IS NOT NULL" \
    "$N|$N|0|$((N - 1))" "a: stream ranks"
resumed=$(q a "SELECT CAST(text AS INTEGER) FROM event WHERE what='stream'
                 AND text LIKE '% of $N %' ORDER BY seq DESC LIMIT 1")
# (a slow machine can let the stream finish before the crash: then there is nothing to resume)
[ "$before" -ge "$N" ] || [ "$resumed" -ge "$before" ] ||
    fail "a: the stream resumed at $resumed, had made $before"
is a "SELECT count(*) FROM event WHERE what='stream' AND text LIKE '%all $N sent'" 1 "a: stream end"
# Exactly N at every hop.
is a "SELECT count(*) FROM outbox" "$N" "a: samples sent"
is b "$ids" "$N" "b: samples taken"
is b "SELECT count(*) FROM outbox" "$N" "b: samples sent"
is c "$ids" "$N" "c: samples taken"
is c "SELECT count(DISTINCT id) FROM work WHERE kind=0" "$N" "c: distinct tracks"
is c "SELECT count(*) FROM event WHERE what='done'" "$N" "c: delivered (done)"
for n in a b c; do is "$n" "SELECT count(*) FROM work WHERE handled=0" 0 "$n: work left open"; done
is a "SELECT count(*) FROM event WHERE what='started'" 2 "a: starts"
is b "SELECT count(*) FROM event WHERE what='started'" 2 "b: starts"

for n in a b c; do stop "$n"; done
say "ok: $N tracks, each once at c, across a relay crash and a sender crash (resumed at $resumed)"
