#!/bin/sh
# operator.sh - a decision waits in the holder's inbox until an operator approves or denies it.
set -eu
K=$1 S=$2 D=$3
rm -rf opj oppki && mkdir opj
"$K" pki init --structure "$S" --out oppki >/dev/null
# the nodes run until the decisions are answered (stopped below), 40 s at most
pids=""
for n in c hq; do timeout 50 "$K" node --structure "$S" --as $n --journal opj --domain "$D" --secure oppki --for 40 --quiet & pids="$pids $!"; done
sleep 1.5
"$K" send --as c --journal opj --wait 30 request --decision order-x --assets USA >/dev/null
"$K" send --as c --journal opj --wait 30 request --decision order-x --assets USA >/dev/null
# hq has one cell: the first request waits for its operator, the second behind it
wait_inbox() {
  i=0; while ! "$K" inbox --as hq --journal opj | grep -q 'decide order-x for USA, requested by c'; do
    i=$((i + 1)); [ $i -lt 50 ] || { echo "no request in the inbox"; exit 1; }; sleep 0.1
  done
}
wait_inbox
sleep 1
test "$("$K" inbox --as hq --journal opj | wc -l)" -eq 1
test "$(sqlite3 opj/hq.db "select count(*) from event where what in ('done','infeasible')")" -eq 0
k1=$("$K" inbox --as hq --journal opj | awk 'NR==1{print $1}')
"$K" decide --as hq --journal opj --wait 30 --key "$k1" approve >/dev/null
sleep 0.3
wait_inbox
k2=$("$K" inbox --as hq --journal opj | awk 'NR==1{print $1}')
test "$k1" != "$k2"
"$K" decide --as hq --journal opj --wait 30 --key "$k2" deny --text "not now" >/dev/null
# a key nothing waits under: refused, and decide says so (exit 1, the reason on stderr)
st=0; "$K" decide --as hq --journal opj --wait 30 --key 999999 approve >/dev/null 2>operr.txt || st=$?
test "$st" -eq 1
grep -q 'hq refused command [0-9]*: decide: nothing waits under key 999999' operr.txt
# the denial's end reaches the journal before the nodes stop
i=0; while [ "$(sqlite3 opj/hq.db "select count(*) from event where what='infeasible'")" -lt 1 ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "no end for the denied request"; exit 1; }; sleep 0.1
done
kill -TERM $pids
wait
"$K" inbox --as hq --journal opj | grep -q 'nothing waits at hq'
test "$(sqlite3 opj/hq.db "select count(*) from event where what='done'")" -eq 1
test "$(sqlite3 opj/hq.db "select count(*) from event where what='infeasible' and text='not now'")" -eq 1
test "$(sqlite3 opj/hq.db "select count(*) from pending where state='approved'")" -eq 1
test "$(sqlite3 opj/hq.db "select count(*) from pending where state='denied'")" -eq 1
# a decide for a key nobody waits under is refused, not crashed on
"$K" journal opj/hq.db --what refused | grep -q 'nothing waits under key 999999'
echo ok
