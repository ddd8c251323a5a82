#!/bin/sh
# sizes.sh - the house limits: no file in src/ over 800 lines, no function over 120 lines (a
# function is counted from its opening brace in column 0 to its closing brace in column 0).
# Usage: sizes.sh SRCDIR
set -eu
SRC=$1
bad=0
for f in $(find "$SRC" -name '*.[ch]' | sort); do
    n=$(wc -l < "$f")
    if [ "$n" -gt 800 ]; then
        echo "$f: $n lines (at most 800)" >&2
        bad=1
    fi
done
long=$(find "$SRC" -name '*.c' | sort | xargs awk '
    FNR == 1 { start = 0 }
    /^\{$/ { start = FNR; next }
    /^\}/ && start { if (FNR - start > 120) printf "%s:%d: a function of %d lines (at most 120)\n", FILENAME, start, FNR - start; start = 0 }')
if [ -n "$long" ]; then
    echo "$long" >&2
    bad=1
fi
[ "$bad" -eq 0 ] && echo "sizes: every file and function within the limits"
exit "$bad"
