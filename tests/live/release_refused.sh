#!/usr/bin/env bash
# release_refused.sh - a USA-only track on a network with a JPN member: refused at both ends.
# usage: release_refused.sh KIZUNA KZ_ROGUE TESTS_DATA_DIR DDS_DOMAIN
set -eu
KZ=$1 ROGUE=$2 DATA=$3 DOM=$4
. "$(dirname "$0")/lib.sh"
S=$DATA/live/bilateral.yaml
make_pki "$S"

out=$("$KZ" check -q "$S") || fail "kizuna check $S: $out"
[ -z "$out" ] || fail "kizuna check $S: $out"

# bilat: us1 (USA) and jp1 (JPN).
for n in us1 jp1; do start "$n" "$S" 90; done
for n in us1 jp1; do until_ok 30 "$n started" started "$n"; done

# (a) The sender's gate: us1 does not send it at all, and kizuna send says so (exit 1).
say "us1: a USA-only track to jp1"
st=0
out=$(timeout 40 "$KZ" send --journal "$J" --wait 30 --as us1 track --to jp1 --track US-ONLY \
    --releasable USA 2>&1) || st=$?
[ "$st" -eq 1 ] || fail "send of a refused track: exit $st, not 1 ($out)"
case $out in
*"us1 refused command 1: "*"release gate"*) ;;
*) fail "send of a refused track does not give the reason: $out" ;;
esac
is us1 "SELECT verdict FROM command WHERE seq = 1" refused "us1: the command's verdict"
until_ok 20 "us1 to refuse it" eq us1 \
    "SELECT count(*) FROM event WHERE what='refused' AND text LIKE '%release gate%'" 1
until_ok 10 "us1 to end it infeasible" eq us1 \
    "SELECT count(*) FROM event WHERE what='infeasible' AND text LIKE '%release gate%'" 1
# The control, after it: the path works, so the first one's absence at jp1 is real.
say "us1: a USA,JPN track to jp1 (the control)"
send --as us1 track --to jp1 --track SHARED --releasable USA,JPN
until_ok 30 "jp1 to deliver the control" eq jp1 "SELECT count(*) FROM event WHERE what='done'" 1
until_ok 20 "us1's control to be acknowledged" eq us1 \
    "SELECT count(*) FROM outbox WHERE acked_ns IS NOT NULL" 1
sleep 1
is us1 "SELECT count(*) FROM outbox" 1 "us1: samples sent (the control only)"
is us1 "SELECT count(*) FROM event WHERE what='sent'" 1 "us1: sent events"
is jp1 "SELECT count(*) FROM work WHERE id IS NOT NULL" 1 "jp1: samples taken (the control only)"
is jp1 "SELECT count(*) FROM event WHERE what='received'" 1 "jp1: received events"

# (b) The receiver's gate: a member holding us1's own key writes the same track, gates
# skipped. jp1 refuses it, keeps nothing and does not acknowledge it.
ID=$(((0 << 48) | (0xfff00 << 16) | 1)) # us1 is node 0; a root no node reaches
say "rogue holding us1's key: a USA-only track to jp1, id $ID"
timeout 40 "$ROGUE" "$S" "$DOM" track us1 jp1 bilat --releasable USA --id "$ID" --for 4 \
    --as us1 --secure "$PKI" >"$T/rogue.log" 2>&1 && fail "rogue: jp1 acknowledged a refused track"
until_ok 20 "jp1 to refuse the rogue track" eq jp1 \
    "SELECT count(DISTINCT id) FROM event WHERE what='refused' AND id=$ID
        AND text LIKE '%not releasable to JPN%'" 1
sleep 1
is jp1 "SELECT count(*) FROM work WHERE id=$ID" 0 "jp1: rogue sample kept"
is jp1 "SELECT count(*) FROM event WHERE what='received' AND id=$ID" 0 "jp1: rogue taken in"
is jp1 "SELECT count(*) FROM event WHERE what='done'" 1 "jp1: delivered (the control only)"
audit_clean || fail "audit: $(audit_line)"

for n in us1 jp1; do stop "$n"; done
say "ok: refused at both ends; jp1: $(q jp1 "SELECT text FROM event WHERE what='refused' LIMIT 1")"
