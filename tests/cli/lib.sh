# lib.sh - helpers for the CLI contract tests: run a command, then assert on its exit status
# and output. Sourced by the tests/cli/*.sh scripts; each script runs one named case.
#
# usage in a script:  . "$(dirname "$0")/lib.sh"; ...case functions...; run_case "$@"
# ctest runs:         sh tests/cli/sim.sh KIZUNA SOURCE_DIR CASE [DDS_DOMAIN]
# (a case that runs nodes gets its own DDS domain, $DOM: kz_cli(SCRIPT CASE:DOMAIN) in CMake)
# The helpers work with and without set -e.

set -u
K=$1 SRC=$2 CASE=$3
DOM=${4:-}
D=$SRC/tests/data
SIMD=$D/sim
DATA=$SRC/data
PY=${PYTHON:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/kz-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT

fail() { echo "FAIL [$CASE]: $*" >&2; exit 1; }

# kz ARGS...: runs kizuna; its stdout in $T/out, stderr in $T/err, status in $rc.
kz() { rc=0; "$K" "$@" >"$T/out" 2>"$T/err" || rc=$?; }
# kz_within SECONDS ARGS...: kz, killed after SECONDS (timeout(1): $rc is then 124).
kz_within() {
  secs=$1
  shift
  rc=0
  timeout "$secs" "$K" "$@" >"$T/out" 2>"$T/err" || rc=$?
}
# need_domain: a case that runs nodes calls it first: it must have its own DDS domain, $DOM.
need_domain() { [ -n "$DOM" ] || fail "no DDS domain: register the case as CASE:DOMAIN"; }

expect_rc() { [ "$rc" -eq "$1" ] || { cat "$T/err" >&2; fail "exit $rc, expected $1 ($2)"; }; }
# expect_in FILE TEXT: FILE ($T/out or $T/err) contains TEXT (fixed string).
expect_in() { grep -qF -- "$2" "$1" || { cat "$1" >&2; fail "'$2' not in $(basename "$1")"; }; }
expect_not_in() { ! grep -qF -- "$2" "$1" || fail "'$2' in $(basename "$1")"; }
# expect_re FILE ERE: some line of FILE matches the extended regular expression.
expect_re() { grep -Eq -- "$2" "$1" || { cat "$1" >&2; fail "no line of $(basename "$1") matches /$2/"; }; }

# usage_error CMD: the last command failed with the one usage wording, on one line:
# "kizuna CMD: MESSAGE (kizuna CMD --help)", exit 2, nothing on stdout.
usage_error() {
  expect_rc 2 "a usage error"
  [ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err" >&2; fail "usage error not on one line"; }
  if [ -n "$1" ]; then p="kizuna $1"; else p="kizuna"; fi
  expect_re "$T/err" "^$p: .+ \($p --help\)\$"
  [ ! -s "$T/out" ] || fail "a usage error printed on stdout"
}

run_case() {
  command -v "case_$CASE" >/dev/null 2>&1 || fail "no such case"
  cd "$T" || fail "no temporary directory"
  "case_$CASE"
  echo "ok $CASE"
}
