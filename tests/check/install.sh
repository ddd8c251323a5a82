#!/bin/sh
# install.sh - `cmake --install` gives a self-contained tree: kizuna run from elsewhere finds its data.
# usage: install.sh CMAKE BUILD_DIR WORK_DIR
set -eu
CMAKE=$1 BUILD=$2 WORK=$3
rm -rf "$WORK" && mkdir -p "$WORK/elsewhere"
P=$WORK/prefix
"$CMAKE" --install "$BUILD" --prefix "$P" > "$WORK/install.log"
for f in bin/kizuna share/kizuna/structures/jfhq.yaml share/kizuna/structures/ORDER \
         share/kizuna/scenarios/nk-salvo.yaml share/kizuna/dds/loopback.xml \
         share/kizuna/dds/multi-host.xml share/doc/kizuna/README.md \
         share/doc/kizuna/docs/architecture.md share/doc/kizuna/docs/scenario.md; do
  [ -e "$P/$f" ] || { echo "not installed: $f"; exit 1; }
done
cd "$WORK/elsewhere"
unset KIZUNA_DATA || true
"$P/bin/kizuna" check "$P/share/kizuna/structures/jfhq.yaml"
# a shipped structure by name: found under the binary's prefix, not in the source tree
"$P/bin/kizuna" check --structure jfhq "$P/share/kizuna/scenarios/nk-salvo.yaml" 2> err.txt
grep -q "against $P/share/kizuna/structures/jfhq.yaml, 0 errors" err.txt
# compare, from a folder without data/, runs the installed structures on the installed
# scenarios: one scenario taken out of the installed tree (the source tree still has it) is
# not run
rm "$P/share/kizuna/scenarios/taiwan-korea.yaml"
"$P/bin/kizuna" compare --runs 20 --threads 1 --out cmp > compare.txt
grep -q '^scenario nk-salvo: ' compare.txt && grep -q '^jfhq ' compare.txt
if grep -q '^scenario taiwan-korea' compare.txt; then echo "compare read the source tree"; exit 1; fi
test "$(grep -c '^scenario ' compare.txt)" -eq 4 && test -s cmp/report.html
# the tree still works once moved (the data is found next to the binary)
mv "$P" "$WORK/moved"
"$WORK/moved/bin/kizuna" check --structure jfhq-4star "$WORK/moved/share/kizuna/scenarios/nk-salvo.yaml" 2> err.txt
grep -q "against $WORK/moved/share/kizuna/structures/jfhq-4star.yaml, 0 errors" err.txt
# $KIZUNA_DATA overrides, and is the only place looked in
mkdir -p mine/structures && cp "$WORK/moved/share/kizuna/structures/cjtf.yaml" mine/structures/only.yaml
KIZUNA_DATA=$PWD/mine "$WORK/moved/bin/kizuna" check --structure only "$WORK/moved/share/kizuna/scenarios/nk-salvo.yaml" 2> err.txt
grep -q "against $PWD/mine/structures/only.yaml, 0 errors" err.txt
rc=0; KIZUNA_DATA=$PWD/mine "$WORK/moved/bin/kizuna" check --structure jfhq "$WORK/moved/share/kizuna/scenarios/nk-salvo.yaml" 2> err.txt || rc=$?
[ $rc -eq 2 ] && grep -q "no structure file 'jfhq', and 'structures/jfhq.yaml' is not in KIZUNA_DATA=$PWD/mine" err.txt
