#!/usr/bin/env bash
# load.sh - one track updated 100,000 times drains fully (the newest replaces what is not yet
# acknowledged), and 100,000 distinct tracks leave the sender's memory within a bound.
# usage: load.sh KIZUNA KZ_ROGUE TESTS_DATA_DIR DDS_DOMAIN
set -eu
KZ=$1 ROGUE=$2 DATA=$3 DOM=$4
. "$(dirname "$0")/lib.sh"
S=$DATA/sim/line.yaml
make_pki "$S"
N=100000
# The bound on the sender's resident memory after N distinct tracks, all acknowledged (MiB):
# measured 27 MiB on the development machine (bench/RESULTS.md); it was 619 MiB before
# the topics were made keyless and streams waited for receipts.
RSS_MAX=64
rss() { awk '/^VmRSS/ {print int($2 / 1024)}' "/proc/$(pid_of "$1")/status"; }
unacked="SELECT count(*) FROM outbox WHERE acked_ns IS NULL AND superseded_by IS NULL"

for n in a b; do start "$n" "$S" 380; done
for n in a b; do until_ok 30 "$n started" started "$n"; done

say "a: $N updates of track ONE to b, as fast as it goes"
send --as a track --to b --track ONE --repeat "$N" --update
until_ok 300 "a to send all $N" eq a "SELECT count(*) FROM outbox" "$N"
until_ok 120 "a to have nothing unacknowledged" eq a "$unacked" 0
last=$(q a "SELECT max(id) FROM outbox")
is b "SELECT count(*) FROM work WHERE id=$last" 1 "b: the newest update taken"
is a "SELECT count(*) FROM outbox WHERE id=$last AND acked_ns IS NOT NULL" 1 \
    "a: the newest update acknowledged"
say "one track: $(q a "SELECT count(*) FROM outbox WHERE superseded_by IS NOT NULL") of $N superseded \
before they were acknowledged; b took $(q b "SELECT count(*) FROM work WHERE id IS NOT NULL")"

say "a: $N distinct tracks to b"
base=$(rss a)
send --as a track --to b --track D --repeat "$N"
until_ok 300 "a to send all $N" eq a "SELECT count(*) FROM outbox" $((2 * N))
until_ok 120 "a to have nothing unacknowledged" eq a "$unacked" 0
sleep 2
r=$(rss a)
say "a: resident memory ${base} MiB before, ${r} MiB after $N distinct tracks (bound $RSS_MAX)"
# Under the sanitizers resident memory is mostly theirs (shadow, quarantine): no bound there.
[ -n "${KZ_SANITIZED:-}" ] || [ "$r" -le "$RSS_MAX" ] ||
    fail "a: ${r} MiB resident after $N distinct tracks, above $RSS_MAX"
is b "SELECT count(*) FROM work WHERE id IS NOT NULL AND sample IS NOT NULL AND kind=0" \
    "$(q b "SELECT count(*) FROM work WHERE kind=0")" "b: tracks kept"

for n in a b; do stop "$n"; done
say "ok"
