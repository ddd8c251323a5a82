#!/usr/bin/env bash
# operator_truth.sh - what kizuna tells an operator is true: send and decide wait for the node's
# verdict (refused: exit 1 with the reason; not taken: exit 4), filter values and --as are
# checked with a suggestion, every event carries its own scenario time, and watch and journal
# show a track's id, position and marking and an alert's text.
# usage: operator_truth.sh KIZUNA KZ_ROGUE TESTS_DATA_DIR DDS_DOMAIN
set -eu
KZ=$1 ROGUE=$2 DATA=$3 DOM=$4
. "$(dirname "$0")/lib.sh"
S=$DATA/live/bilateral.yaml
make_pki "$S"

# run EXPECTED_STATUS OUTFILE ARGS...: kizuna ARGS, stdout and stderr to OUTFILE, its status
# must be EXPECTED_STATUS.
run() {
    want=$1 out=$2
    shift 2
    st=0
    timeout 30 "$KZ" "$@" >"$out" 2>&1 || st=$?
    [ "$st" -eq "$want" ] || fail "kizuna $*: exit $st, not $want: $(cat "$out")"
}
# has FILE TEXT: FILE holds TEXT (fixed string).
has() { grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"; }

# us1 commands us2 and us3; us3 commands no one.
for n in us1 us2 us3; do start "$n" "$S" 60; done
for n in us1 us2 us3; do until_ok 30 "$n started" started "$n"; done
sleep 2 # so that a received track's scenario time is well after the last event before it

say "accepted: a track us1 -> us2, an alert us1 -> us2"
run 0 "$T/s1" send --journal "$J" --wait 20 --as us1 track --to us2 --track T9 --lat 35.5 --lon 139.25 \
    --alt 9000 --releasable USA
has "$T/s1" "us1 accepted command 1"
run 0 "$T/s2" send --journal "$J" --wait 20 --as us1 alert --to us2 --text "launch detected"
has "$T/s2" "us1 accepted command 2"

say "refused: an order from us3, which has no command over us2; a key nothing waits under"
run 1 "$T/s3" send --journal "$J" --wait 20 --as us3 order --decision order-x --to us2
has "$T/s3" "us3 refused command 1: no chain of command"
run 1 "$T/s4" decide --journal "$J" --wait 20 --as us1 --key 424242 approve
has "$T/s4" "us1 refused command 3: decide: nothing waits under key 424242"
run 1 "$T/s4j" decide --journal "$J" --wait 20 --as us1 --key 424243 deny --json
has "$T/s4j" '"verdict": "refused"'
is us3 "SELECT verdict FROM command WHERE seq = 1" refused "us3: the order's verdict"

say "--no-wait: queued, and said to be only that"
run 0 "$T/s5" send --journal "$J" --as us1 alert --to us2 --text "no wait" --no-wait
has "$T/s5" "queued command 5 at us1 (not yet taken by the node)"

say "unknown values and nodes: usage errors that name the closest"
run 2 "$T/u1" watch --journal "$J" --as us2 --what recieved --for 1
has "$T/u1" "unknown value 'recieved' for --what; did you mean 'received'?"
run 2 "$T/u2" journal "$J" --node us2 --what refsed
has "$T/u2" "did you mean 'refused'?"
run 2 "$T/u3" journal "$J" --kind trak
has "$T/u3" "did you mean 'track'?"
run 2 "$T/u4" send --journal "$J" --wait 20 --as us22 alert --to us2 --text x
has "$T/u4" "no node 'us22'"
has "$T/u4" "did you mean 'us2'?"
run 2 "$T/u5" inbox --journal "$J" --as usone
run 2 "$T/u7" journal "$J/us33.db"
has "$T/u7" "no node 'us33' in the journals of $J; did you mean 'us3'?"
run 2 "$T/u6" send --journal "$J" --wait 20 --as us1 alert --to us02 --text x
has "$T/u6" "unknown node 'us02' for --to; did you mean 'us2'?"

until_ok 20 "us2 to receive the track and the alerts" eq us2 \
    "SELECT count(*) FROM event WHERE what='received'" 3

say "every event carries its own scenario time (speed 1: its wall time since the start)"
# the received track's scenario time against its wall time, both since us2's start
is us2 "SELECT count(*) FROM event e, event s WHERE s.what='started' AND e.what='received'
    AND abs((e.t_ns - s.t_ns) / 1e9 - (e.t_sim_us - s.t_sim_us) / 1e6) < 0.3
    AND e.t_sim_us - s.t_sim_us > 1500000" 3 "us2: received events stamped with their own time"

say "journal and watch show the track, the text and the marking"
run 0 "$T/j1" journal "$J" --what received
has "$T/j1" "received   track T9 at 35.5000, 139.2500, 9000 m (S//REL TO USA)"
has "$T/j1" "received   alert \"launch detected\" (S//REL TO USA, JPN)"
# events() FILE: the event lines of kizuna journal's output (they start with the wall time)
events() { grep -E '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z ' "$1" || true; }
[ "$(events "$T/j1" | wc -l)" -eq 3 ] || fail "journal --what received: $(cat "$T/j1")"
events "$T/j1" | grep -qv ' received ' && fail "journal --what received shows others: $(cat "$T/j1")"
run 0 "$T/j2" journal "$J" --what refused
has "$T/j2" "no chain of command"
has "$T/j2" "nothing waits under key 424242"
events "$T/j2" | grep -qv ' refused ' && fail "journal --what refused shows others: $(cat "$T/j2")"
run 0 "$T/w1" watch --journal "$J" --as us2 --from-start --for 0.5 --kind track
has "$T/w1" "track T9 at 35.5000, 139.2500, 9000 m (S//REL TO USA)"
run 0 "$T/w2" watch --journal "$J" --as us2 --from-start --for 0.5 --what received --json
has "$T/w2" '"track":{"id":"T9","lat":35.5,"lon":139.25,"alt_m":9000}'
has "$T/w2" '"message_text":"launch detected"'
run 0 "$T/j3" journal "$J" --json --kind alert
has "$T/j3" '"journal": "'"$J"'",'
has "$T/j3" '"marking": "S//REL TO USA, JPN",'
has "$T/j3" '"message_text": "launch detected"'
run 0 "$T/j4" journal "$J" --audit --json
has "$T/j4" '"clean": true'
run 0 "$T/i1" inbox --journal "$J" --as us1 --json
has "$T/i1" '"waiting": []'

for n in us1 us2 us3; do stop "$n"; done
is us2 "SELECT count(*) FROM event e, event s WHERE s.what='started' AND e.what='stopped'
    AND abs((e.t_ns - s.t_ns) / 1e9 - (e.t_sim_us - s.t_sim_us) / 1e6) < 0.3" 1 \
    "us2: the stopped event stamped with its own time"

say "node not running: the wait runs out, exit 4, and the command stays queued"
run 4 "$T/t1" send --journal "$J" --as us1 --wait 1 alert --to us2 --text late
has "$T/t1" "node us1 has not taken it within 1 s: is it running?"
is us1 "SELECT count(*) FROM command WHERE taken = 0" 1 "us1: the late command queued"
say "ok"
