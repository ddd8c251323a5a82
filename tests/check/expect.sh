#!/bin/sh
# expect.sh - runs a kizuna command and checks its exit status and its whole stdout.
# usage: expect.sh STATUS EXPECTED_STDOUT_FILE|- COMMAND...   ("-": stdout must be empty)
# The command's stderr is kept in expect-err.txt (in the working directory) for a later grep.
set -u
want=$1 expected=$2
shift 2
"$@" > expect-out.txt 2> expect-err.txt
rc=$?
fail() { echo "FAIL: $*"; echo "--- command: $*"; echo "--- stdout:"; cat expect-out.txt; echo "--- stderr:"; cat expect-err.txt; exit 1; }
[ "$rc" -eq "$want" ] || fail "exit status $rc, expected $want"
if [ "$expected" = - ]; then
  [ ! -s expect-out.txt ] || fail "stdout should be empty"
else
  diff -u "$expected" expect-out.txt || fail "stdout differs from $expected"
fi
exit 0
