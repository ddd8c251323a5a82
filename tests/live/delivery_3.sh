#!/usr/bin/env bash
# delivery_3.sh - four nodes on a line: tracks, an alert and a report over 1-3 hops, each once.
# usage: delivery_3.sh KIZUNA KZ_ROGUE TESTS_DATA_DIR DDS_DOMAIN
set -eu
KZ=$1 ROGUE=$2 DATA=$3 DOM=$4
. "$(dirname "$0")/lib.sh"
S=$DATA/sim/line.yaml
make_pki "$S"
N=300
ids="SELECT count(*) FROM work WHERE id IS NOT NULL"

# a -net-ab- b -net-bc- c -local- hq: the tracks and the alert cross b, the report b and c.
for n in a b c hq; do start "$n" "$S" 90; done
for n in a b c hq; do until_ok 30 "$n started" started "$n"; done
say "nodes up; $N tracks a -> c, an alert a -> c, a report a -> hq"
send --as a track --to c --track T --repeat "$N" --rate 300
send --as a alert --to c --text "alert over two hops"
send --as a report --to hq --text "report over three hops"

until_ok 60 "c to take $N tracks, the alert and the report" eq c "$ids" $((N + 2))
until_ok 30 "hq to take the report" eq hq "$ids" 1
until_ok 30 "the audit to find nothing missing, doubled or unacknowledged" audit_clean
say "$(audit_line)"
sleep 1 # anything late or doubled would show now
audit_clean || fail "audit: $(audit_line)"

# The receiver: exactly N distinct tracks and one alert taken, all delivered (done).
is c "SELECT count(DISTINCT id), count(*) FROM work WHERE kind=0" "$N|$N" "c: tracks taken"
is c "SELECT count(*) FROM work WHERE kind=1" 1 "c: alerts taken"
is c "SELECT count(*) FROM event WHERE what='received'" $((N + 2)) "c: received events"
is c "SELECT count(*) FROM event WHERE what='done'" $((N + 1)) "c: delivered (done)"
is c "SELECT count(*) FROM event WHERE what='refused'" 0 "c: refusals"
is c "SELECT count(*) FROM work WHERE handled=0" 0 "c: work left open"
is hq "SELECT count(*) FROM work WHERE kind=5" 1 "hq: reports taken"
is hq "SELECT count(*) FROM event WHERE what='done'" 1 "hq: report delivered"

# The relays: b took every sample a sent and sent each on to c; c sent the report on to hq.
# hop X Y: ids in X's outbox or Y's work but not both | X's outbox size | X's unacknowledged.
hop() {
    q "$1" "ATTACH '$J/$2.db' AS y;
        SELECT (SELECT count(*) FROM outbox WHERE id NOT IN
                  (SELECT id FROM y.work WHERE id IS NOT NULL))
             + (SELECT count(*) FROM y.work WHERE id IS NOT NULL AND id NOT IN
                  (SELECT id FROM outbox)),
               (SELECT count(*) FROM outbox),
               (SELECT count(*) FROM outbox WHERE acked_ns IS NULL)"
}
[ "$(hop a b)" = "0|$((N + 2))|0" ] || fail "a -> b: $(hop a b) (differences|sent|unacked)"
[ "$(hop b c)" = "0|$((N + 2))|0" ] || fail "b -> c: $(hop b c) (differences|sent|unacked)"
[ "$(hop c hq)" = "0|1|0" ] || fail "c -> hq: $(hop c hq) (differences|sent|unacked)"
is b "SELECT count(*) FROM event WHERE what='received'" $((N + 2)) "b: received events"
is b "SELECT count(*) FROM event WHERE what='sent'" $((N + 2)) "b: sent events"
is b "SELECT count(DISTINCT to_node) FROM outbox" 1 "b: receivers (c only)"

for n in a b c hq; do stop "$n"; done
say "ok: $N tracks, an alert and a report, each once, over 1-3 hops"
