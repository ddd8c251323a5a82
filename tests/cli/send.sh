#!/bin/sh
# send.sh - kizuna send --file: an error in the file located at FILE:LINE:COL, and a command
# longer than the journal takes whole refused before it is queued.
set -eu
. "$(dirname "$0")/lib.sh"

LINE=$SIMD/line.yaml

# The node runs once (1 s, its own DDS domain) so that its journal exists; send then checks the
# file against the structure and points at the unknown node.
case_send_file_error_located() {
  need_domain
  printf '{cmd: share, kind: track, to: [nowhere], track: T1}\n' >bad.yaml
  kz pki init --structure "$LINE" --out sjpki
  expect_rc 0 "pki init"
  kz_within 20 node --structure "$LINE" --as a --journal sj --domain "$DOM" --secure sjpki --for 1 \
    --quiet
  expect_rc 0 "node a for 1 s"
  kz send --as a --journal sj --file bad.yaml
  expect_rc 1 "send --file naming a node not in the structure"
  expect_re "$T/err" 'bad.yaml:1:32: error: \[K040\] node .nowhere. is not in structure'
}

# A command from flags without what its kind needs is a usage error naming the flag (before,
# a request without --decision named a decision from outside the structure's table, and a
# phase without --phase ended as "out of memory"); nothing is queued.
case_send_needs_flags() {
  need_domain
  kz pki init --structure "$LINE" --out snpki
  expect_rc 0 "pki init"
  kz_within 20 node --structure "$LINE" --as hq --journal snj --domain "$DOM" --secure snpki \
    --for 1 --quiet
  expect_rc 0 "node hq for 1 s"
  kz send --as hq --journal snj request
  expect_rc 2 "send request without --decision"
  expect_in "$T/err" 'request needs --decision'
  kz send --as hq --journal snj phase
  expect_rc 2 "send phase without --phase"
  expect_in "$T/err" 'phase needs --phase'
  kz send --as hq --journal snj track --track T1
  expect_rc 2 "send track without --to"
  expect_in "$T/err" 'track needs --to'
  n=$(sqlite3 -readonly snj/hq.db "select count(*) from command")
  [ "$n" -eq 0 ] || fail "$n commands queued; expected none"
}

# More than JR_CMD_MAX (65536 bytes): refused (exit 1, K003) and nothing queued, no journal made.
case_send_too_long() {
  awk 'BEGIN { printf "{cmd: share, kind: alert, to: [b], text: \""
               for (i = 0; i < 70000; i++) printf "x"
               print "\"}" }' >long.yaml
  kz send --as a --journal stl --structure "$LINE" --file long.yaml
  expect_rc 1 "send --file with a 70 kB command"
  expect_re "$T/err" 'K003. a command file is at most 65536 bytes'
  [ ! -e stl ] || fail "send made the journal directory stl for a command it refused"
}

run_case "$@"
