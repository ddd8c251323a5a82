#!/bin/sh
# exercise.sh - kizuna exercise on a small structure (line.yaml, the flash scenario): live beside
# simulated, the journals audited clean; the PKI it makes per run (JOURNAL/pki) or is given
# (--secure PKI, checked before any node starts); --insecure; the usage; the --json document.
# Each case that runs nodes has its own DDS domain ($DOM, from CMake).
set -eu
. "$(dirname "$0")/lib.sh"

LINE=$SIMD/line.yaml
FLASH=$SIMD/flash.yaml
DELIVERED='1 received, 0 missing, 0 duplicated, 0 unacknowledged'

# The exercise's table: the thread's live time beside the simulator's, every sample delivered
# once and acknowledged; the nodes ran secure with the PKI it made for the run (exj/pki).
case_exercise_flash() {
  need_domain
  kz_within 100 exercise --structure "$LINE" --scenario "$FLASH" --speed 10 --runs 50 \
    --domain "$DOM" --journal exj --quiet
  cat "$T/out"
  expect_rc 0 exercise
  expect_re "$T/out" '^msg +1[5-9]\.[0-9]s +1m00s +yes +15\.0s'
  expect_in "$T/out" "$DELIVERED"
  [ -f exj/pki/identity_ca.pem ] || fail "no exj/pki/identity_ca.pem: the exercise made no PKI"
  [ -f exj/pki/x/permissions.p7s ] || fail "no exj/pki/x/permissions.p7s: node x has no permissions"
  kz journal exj --audit
  cat "$T/out"
  expect_rc 0 "journal exj --audit"
}

# A second run in the same journal directory makes a new PKI (kz_pki_init never replaces a CA);
# --secure PKI runs the nodes with a PKI made beforehand, and one for another structure is
# refused before any node starts.
case_exercise_pki() {
  need_domain
  kz_within 100 exercise --structure "$LINE" --scenario "$FLASH" --speed 10 --runs 20 \
    --domain "$DOM" --journal exp --quiet
  expect_rc 0 "the first exercise in exp"
  [ -f exp/pki/identity_ca.pem ] || fail "no exp/pki/identity_ca.pem after the first run"
  ca1=$(cksum <exp/pki/identity_ca.pem)
  kz_within 100 exercise --structure "$LINE" --scenario "$FLASH" --speed 10 --runs 20 \
    --domain "$DOM" --journal exp --quiet
  expect_rc 0 "the second exercise in exp"
  [ -f exp/pki/identity_ca.pem ] || fail "no exp/pki/identity_ca.pem after the second run"
  ca2=$(cksum <exp/pki/identity_ca.pem)
  [ "$ca1" != "$ca2" ] || fail "the second run kept the first run's identity CA ($ca1)"
  expect_in "$T/out" "$DELIVERED"
  kz pki init --structure "$LINE" --out exppki
  expect_rc 0 "pki init for line.yaml"
  kz_within 100 exercise --structure "$LINE" --scenario "$FLASH" --speed 10 --runs 20 \
    --domain "$DOM" --journal exp --secure exppki --quiet
  expect_rc 0 "an exercise with --secure exppki"
  expect_in "$T/out" "$DELIVERED"
  kz journal exp --audit
  [ "$rc" -eq 0 ] || cat "$T/out"
  expect_rc 0 "journal exp --audit"
  rm -rf exppki
  kz pki init --structure "$D/example.yaml" --out exppki
  expect_rc 0 "pki init for example.yaml"
  kz_within 20 exercise --structure "$LINE" --scenario "$FLASH" --domain "$DOM" --journal exp \
    --secure exppki --quiet
  expect_rc 1 "an exercise with another structure's PKI"
  expect_in "$T/err" 'exppki does not serve this structure'
}

# --insecure (lab only): the nodes run --insecure --force, the CLI warns on stderr, no PKI is made.
case_exercise_insecure() {
  need_domain
  kz_within 100 exercise --structure "$LINE" --scenario "$FLASH" --speed 10 --runs 20 \
    --domain "$DOM" --journal exi --insecure --quiet
  cat "$T/out" "$T/err"
  expect_rc 0 "exercise --insecure"
  expect_in "$T/err" 'WARNING: --insecure'
  expect_in "$T/err" 'Lab use only'
  expect_in "$T/out" "$DELIVERED"
  [ ! -e exi/pki ] || fail "exercise --insecure made a PKI (exi/pki)"
}

case_exercise_usage() {
  kz exercise --structure "$LINE" --scenario "$FLASH" --secure p --insecure
  expect_rc 2 "--secure with --insecure"
  expect_in "$T/err" 'exclude each other'
  kz exercise --help
  expect_rc 0 "exercise --help"
  expect_in "$T/out" '--insecure'
  expect_in "$T/out" '--secure PKI'
  expect_in "$T/out" 'DIR/pki'
}

# --json: the exercise document of docs/json.md (one thread, its live time, the simulator's
# figures, where the live time falls among them, the audit), progress on stderr.
case_exercise_json() {
  need_domain
  kz_within 100 exercise --structure "$LINE" --scenario "$FLASH" --speed 10 --runs 50 \
    --domain "$DOM" --journal exjs --json
  cat "$T/out"
  expect_rc 0 "exercise --json"
  expect_in "$T/out" '"scenario": "flash"'
  expect_in "$T/out" '"name": "msg"'
  expect_re "$T/out" '"took_s": 1[5-9]'
  expect_re "$T/out" '"percentile": (0|1|0\.[0-9]+)'
  expect_re "$T/out" '"p50_s": 1[45]'
  expect_in "$T/out" '"clean": true'
  expect_in "$T/err" 'exercise flash'
}

run_case "$@"
