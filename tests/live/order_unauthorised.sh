#!/usr/bin/env bash
# order_unauthorised.sh - an order from a node without command over its receiver is refused there.
# usage: order_unauthorised.sh KIZUNA KZ_ROGUE TESTS_DATA_DIR DDS_DOMAIN
set -eu
KZ=$1 ROGUE=$2 DATA=$3 DOM=$4
. "$(dirname "$0")/lib.sh"
S=$DATA/live/bilateral.yaml
make_pki "$S"
executed="SELECT count(*) FROM event WHERE what='executed'"

# us-net: us1 has OPCON over us2 and us3; us3 has no command over us2.
for n in us1 us2 us3; do start "$n" "$S" 90; done
for n in us1 us2 us3; do until_ok 30 "$n started" started "$n"; done

# A rogue order as us3 (node 2): the receiver's authority check refuses it.
ID=$(((2 << 48) | (0xfff00 << 16) | 1))
say "rogue as us3: order order-x to us2, id $ID"
timeout 40 "$ROGUE" "$S" "$DOM" order us3 us2 us-net --decision order-x --id "$ID" --for 30 \
    >"$T/rogue.log" 2>&1 || fail "rogue: us2 did not acknowledge ($(cat "$T/rogue.log"))"
until_ok 20 "us2 to refuse the order" eq us2 \
    "SELECT count(*) FROM event WHERE what='refused' AND id=$ID
        AND text LIKE '%order from us3, which has no command over us2%'" 1
is us2 "SELECT count(*), sum(handled) FROM work WHERE id=$ID" "1|1" "us2: rogue order journaled"

# The commander's order through kizuna send: executed at us2.
say "us1: order order-x to us2"
send --as us1 order --decision order-x --to us2
until_ok 30 "us2 to execute us1's order" eq us2 "$executed" 1
until_ok 10 "us2 to report it done" eq us2 "SELECT count(*) FROM event WHERE what='done'" 1
is us2 "SELECT count(*) FROM event WHERE what='received' AND kind=4 AND peer=0" 1 \
    "us2: orders received from us1"

# The same crafted order as us1 (node 0) is executed: what the rogue writes is well formed, so
# the first refusal was for authority alone.
ID1=$(((0 << 48) | (0xfff00 << 16) | 2))
say "rogue as us1: order order-x to us2, id $ID1"
timeout 40 "$ROGUE" "$S" "$DOM" order us1 us2 us-net --decision order-x --id "$ID1" --for 30 \
    >>"$T/rogue.log" 2>&1 || fail "rogue: us2 did not acknowledge ($(cat "$T/rogue.log"))"
until_ok 20 "us2 to execute the crafted order from us1" eq us2 "$executed" 2
sleep 1
is us2 "SELECT count(*) FROM event WHERE what='refused'" 1 "us2: refusals"
is us2 "$executed" 2 "us2: orders executed"
is us2 "SELECT count(*) FROM event WHERE what='received' AND id=$ID" 0 "us2: rogue order taken in"
is us3 "SELECT count(*) FROM work WHERE id IS NOT NULL" 0 "us3: samples taken"
audit_is " 0 missing, 0 duplicated, 2 received but sent by no journal here, 0 unacknowledged" ||
    fail "audit: $(audit_line)"

for n in us1 us2 us3; do stop "$n"; done
say "ok: $(q us2 "SELECT text FROM event WHERE what='refused'")"
