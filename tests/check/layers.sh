#!/bin/sh
# layers.sh - nothing includes upward: util < model < core < engine < scenario < sim | live <
# report < cli. A file in src/L may include headers of src/L and of the layers below it only
# (sim and live are side by side: neither includes the other).
# Usage: layers.sh SRCDIR
set -eu
SRC=$1
rank() {
    case $1 in
    util) echo 0 ;; model) echo 1 ;; core) echo 2 ;; engine) echo 3 ;; scenario) echo 4 ;;
    sim | live) echo 5 ;; report) echo 6 ;; cli) echo 7 ;; *) echo 99 ;;
    esac
}
bad=0
for dir in "$SRC"/*/; do
    layer=$(basename "$dir")
    me=$(rank "$layer")
    [ "$me" -ne 99 ] || { echo "layers.sh: $layer is not a known layer" >&2; bad=1; continue; }
    for f in "$dir"*.c "$dir"*.h; do
        [ -f "$f" ] || continue
        # includes of the form "layer/file.h"
        for inc in $(sed -n 's/^#include "\([a-z]*\)\/[^"]*".*/\1/p' "$f"); do
            [ "$inc" = kizuna ] && continue
            [ "$(rank "$inc")" -ne 99 ] || continue # another library's (dds/dds.h)
            them=$(rank "$inc")
            if [ "$them" -gt "$me" ] || { [ "$them" -eq "$me" ] && [ "$inc" != "$layer" ]; }; then
                echo "$f includes $inc/ (layer $inc is not below $layer)" >&2
                bad=1
            fi
        done
    done
done
[ "$bad" -eq 0 ] && echo "layers: no upward include"
exit "$bad"
