#!/usr/bin/env bash
# order_unauthorised.sh - a member holding us3's certificate and key (a raw DDS participant)
# orders us2 as itself and as its commander us1, and sends out-of-range fields: 0 executed,
# each refusal journaled, no node crashed; the commander's own order is executed.
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

# (a) As itself: us3 has no command over us2 (signed and MAC'd with us3's real key).
ID=$(((2 << 48) | (0xfff00 << 16) | 1))
say "rogue holding us3's key: 20 orders order-x to us2 as us3"
timeout 40 "$ROGUE" "$S" "$DOM" order us3 us2 us-net --decision order-x --id "$ID" --count 20 \
    --for 4 --as us3 --secure "$PKI" >"$T/rogue.log" 2>&1 && fail "rogue: refused orders acknowledged"
until_ok 20 "us2 to refuse them" eq us2 \
    "SELECT count(DISTINCT id) FROM event WHERE what='refused'
        AND text LIKE '%order from us3, which has no command over us2%'" 20

# (b) As its commander: from us1, sealed with us3's key.
ID2=$(((0 << 48) | (0xfff00 << 16) | 100))
say "rogue holding us3's key: 100 orders order-x to us2 claiming to be us1"
timeout 40 "$ROGUE" "$S" "$DOM" order us1 us2 us-net --decision order-x --id "$ID2" --count 100 \
    --for 4 --as us3 --secure "$PKI" >>"$T/rogue.log" 2>&1 && fail "rogue: forged orders acknowledged"
until_ok 20 "us2 to refuse the forged orders" eq us2 \
    "SELECT count(DISTINCT id) FROM event WHERE what='refused'
        AND text LIKE '%hop MAC does not match sender us1%'" 100

# (c) The field that crashed nodes (an out-of-range network index), and others.
for f in 999 -1 32767; do
    timeout 20 "$ROGUE" "$S" "$DOM" order us3 us2 us-net --decision order-x \
        --id $((ID + 100 + ${f#-})) --net-field "$f" --for 3 --as us3 --secure "$PKI" \
        >>"$T/rogue.log" 2>&1 && fail "rogue: a sample naming network $f acknowledged"
done
until_ok 20 "us2 to refuse the bad network fields" eq us2 \
    "SELECT count(DISTINCT id) FROM event WHERE what='refused' AND text LIKE '%network%'" 3
kill -0 "$(pid_of us2)" 2>/dev/null || fail "us2 died"
is us2 "$executed" 0 "us2: orders executed after the attacks"
is us2 "SELECT count(*) FROM work WHERE id IS NOT NULL" 0 "us2: attack samples kept"

# The commander's order through kizuna send: executed at us2.
say "us1: order order-x to us2"
send --as us1 order --decision order-x --to us2
until_ok 30 "us2 to execute us1's order" eq us2 "$executed" 1
until_ok 10 "us2 to report it done" eq us2 "SELECT count(*) FROM event WHERE what='done'" 1

# The control: the same crafted order sealed with us1's own key is executed, so the refusals
# above were for authentication and authority alone.
ID1=$(((0 << 48) | (0xfff00 << 16) | 2))
say "rogue holding us1's key: order order-x to us2 as us1"
timeout 40 "$ROGUE" "$S" "$DOM" order us1 us2 us-net --decision order-x --id "$ID1" --for 30 \
    --as us1 --secure "$PKI" >>"$T/rogue.log" 2>&1 ||
    fail "rogue: us2 did not acknowledge the sealed order ($(cat "$T/rogue.log"))"
until_ok 20 "us2 to execute the crafted order from us1" eq us2 "$executed" 2
is us3 "SELECT count(*) FROM work WHERE id IS NOT NULL" 0 "us3: samples taken"

for n in us1 us2 us3; do stop "$n"; done
say "ok: $(q us2 "SELECT text FROM event WHERE what='refused' LIMIT 1")"
