#!/bin/sh
# journal.sh - kizuna journal --repair: it reports and changes nothing unless the loss is
# accepted (--yes), then the journal is sound; a file that is not a kizuna journal is refused
# and left as it was.
set -eu
. "$(dirname "$0")/lib.sh"

case_journal_repair() {
  mkdir -m 700 rj
  : >rj/a.db
  echo notes >rj/b.db
  kz journal rj --repair a </dev/null
  expect_rc 1 "repair of an empty journal without --yes"
  expect_in "$T/out" 'is empty (0 bytes)'
  expect_in "$T/out" '--yes'
  [ ! -s rj/a.db ] || fail "repair without --yes changed rj/a.db"
  kz journal rj --repair a --yes
  expect_rc 0 "repair --yes"
  expect_in "$T/out" 'the node can start'
  kz journal rj --repair a
  expect_in "$T/out" sound
  kz journal rj --repair b
  expect_rc 1 "repair of a file that is not a journal"
  expect_in "$T/err" 'refusing to touch it'
  [ "$(cat rj/b.db)" = notes ] || fail "repair changed rj/b.db: $(cat rj/b.db)"
}

run_case "$@"
