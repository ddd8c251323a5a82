#!/bin/sh
# node.sh - kizuna node on line.yaml: secure by default (--secure DIR, or --insecure, which a
# network above UNCLASSIFIED refuses without --force), and a relayed stream delivered whole
# between nodes running DDS Security. Each case that runs nodes has its own DDS domain ($DOM).
set -eu
. "$(dirname "$0")/lib.sh"

LINE=$SIMD/line.yaml

# show_logs: the nodes' logs ($T/NODE.log), for a failure message.
show_logs() {
  for f in "$T"/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f" >&2
    cat "$f" >&2
  done
}

# Without --secure DIR a node runs only with --insecure: a usage error otherwise, naming both.
# (It stops before joining DDS; cli_node_insecure_classified has the same domain.)
case_node_secure_required() {
  need_domain
  kz_within 20 node --structure "$LINE" --as a --journal nsj --domain "$DOM" --for 1 --quiet
  expect_rc 2 "a node with neither --secure nor --insecure"
  expect_in "$T/err" '--secure'
  expect_in "$T/err" '--insecure'
}

# --insecure on a network above UNCLASSIFIED (line.yaml's net-ab is SECRET) is refused, naming
# the network, unless --force is given too.
case_node_insecure_classified() {
  need_domain
  kz_within 20 node --structure "$LINE" --as a --journal nij --domain "$DOM" --insecure --for 1 \
    --quiet
  cat "$T/err"
  expect_rc 1 "node --insecure on a SECRET network"
  expect_in "$T/err" 'net-ab'
  kz_within 20 node --structure "$LINE" --as a --journal nij --domain "$DOM" --insecure --force \
    --for 1 --quiet
  expect_rc 0 "node --insecure --force"
}

# --phase names one of the structure's phases: "all" (which show and draw take) and a misspelt
# one are usage errors that say so, the misspelt one with a suggestion. (Both stop before DDS.)
case_node_bad_phase() {
  kz node --structure "$LINE" --as a --journal npj --insecure --force --phase all --for 1 --quiet
  expect_rc 2 "node --phase all"
  expect_in "$T/err" "unknown value 'all' for --phase"
  expect_not_in "$T/err" 'one of: peacetime, armed-attack, all'
  kz node --structure "$LINE" --as a --journal npj --insecure --force --phase peacetme --for 1 \
    --quiet
  expect_rc 2 "node --phase peacetme"
  expect_in "$T/err" "did you mean 'peacetime'"
}

# Nodes with DDS Security (kizuna pki init): a stream relayed a -> b -> c arrives whole, encrypted.
case_secure_delivery() {
  need_domain
  kz pki init --structure "$LINE" --out secpki
  expect_rc 0 "pki init"
  for n in a b c; do
    timeout 40 "$K" node --structure "$LINE" --as "$n" --journal secj --domain "$DOM" \
      --secure secpki --for 10 --quiet >"$T/$n.log" 2>&1 &
  done
  sleep 3
  # its status is not the point (a loaded node may outlast send's wait): c's count below is
  kz send --as a --journal secj track --to c --track S --repeat 20
  echo "send: exit $rc" >"$T/send.log"
  cat "$T/out" "$T/err" >>"$T/send.log"
  wait
  got=$(sqlite3 secj/c.db "select count(distinct id) from work where id is not null") ||
    { show_logs; fail "sqlite3 could not count the tracks in secj/c.db"; }
  [ "$got" -eq 20 ] || { show_logs; fail "c holds $got distinct tracks, expected 20"; }
  kz journal secj --audit
  [ "$rc" -eq 0 ] || { cat "$T/out" >&2; show_logs; }
  expect_rc 0 "journal secj --audit"
}

run_case "$@"
