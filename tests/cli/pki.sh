#!/bin/sh
# pki.sh - kizuna pki init: the CAs, the governance and one identity per headquarters, never
# replacing a CA; and its usage.
set -eu
. "$(dirname "$0")/lib.sh"

EX=$D/example.yaml

case_pki_init() {
  kz pki init --structure "$EX" --out pkiout
  expect_rc 0 "pki init"
  expect_in "$T/out" '6 node identities'
  [ -f pkiout/jjoc/permissions.p7s ] || fail "no pkiout/jjoc/permissions.p7s"
  [ -f pkiout/identity_ca.pem ] || fail "no pkiout/identity_ca.pem"
  kz pki init --structure "$EX" --out pkiout
  expect_rc 3 "pki init into a directory that has a CA"
  expect_in "$T/err" 'refusing to replace a CA'
}

case_pki_usage() {
  kz pki init --structure "$EX"
  expect_rc 2 "pki init without --out"
  kz pki
  expect_rc 2 "pki without a subcommand"
  kz pki frobnicate
  expect_rc 2 "an unknown pki subcommand"
  kz pki --help
  expect_in "$T/out" --out
  kz pki init --help
  expect_in "$T/out" --structure
  kz pki init --structure /nonexistent.yaml --out pkibad
  expect_rc 1 "pki init for a structure that does not exist"
}

run_case "$@"
