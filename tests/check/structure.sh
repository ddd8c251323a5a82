#!/bin/sh
# structure.sh - a shipped structure passes kizuna check with no errors and no warnings: exit 0
# and nothing on stdout.
# usage: structure.sh KIZUNA STRUCTURE_FILE
set -eu
K=$1 F=$2
rc=0
out=$("$K" check -q "$F") || rc=$?
[ "$rc" -eq 0 ] || { printf '%s\n' "$out"; echo "FAIL: kizuna check -q $F: exit $rc, expected 0"; exit 1; }
[ -z "$out" ] || { printf '%s\n' "$out"; echo "FAIL: kizuna check -q $F printed diagnostics"; exit 1; }
echo "ok $F"
