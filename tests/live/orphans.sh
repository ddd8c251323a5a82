#!/bin/sh
# orphans.sh - an exercise director killed outright (kill -9, or a sanitizer stopping it) takes its
# node processes with it: left running they would hold the DDS domain and the journals.
# Usage: orphans.sh KIZUNA DATA DOMAIN
set -eu
KZ=$1 DATA=$2 DOM=$3
. "$(dirname "$0")/lib.sh"
"$KZ" exercise --structure "$DATA/sim/line.yaml" --scenario "$DATA/live/director.yaml" \
    --speed 1 --domain "$DOM" --journal "$J" --quiet > "$T/ex.out" 2>&1 &
ex=$!
PIDS="$ex"
n=0
for _ in $(seq 100); do # until the nodes run (at most 20 s)
    n=$(pgrep -f -- "--journal $J" | grep -vx "$ex" | wc -l) || true
    [ "$n" -ge 8 ] && break
    sleep 0.2
done
[ "$n" -ge 8 ] || fail "only $n node processes started"
kill -KILL "$ex"
left=0
for _ in $(seq 50); do # they stop within 10 s
    left=$(pgrep -f -- "--journal $J" | wc -l) || true
    [ "$left" -eq 0 ] && break
    sleep 0.2
done
if [ "$left" -ne 0 ]; then
    pkill -KILL -f -- "--journal $J" || true
    fail "$left node processes outlived their director"
fi
echo "orphans: the nodes stopped with their director"
