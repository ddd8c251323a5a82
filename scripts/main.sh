#!/usr/bin/env bash
# main.sh - set up, build, and run kizuna's main job: check every shipped structure and draw it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build >/dev/null
mkdir -p out
echo "== kizuna check data/structures/*.yaml"
build/kizuna check data/structures/*.yaml
for f in data/structures/*.yaml; do
  n=$(basename "$f" .yaml)
  build/kizuna draw "$f" -o "out/$n.svg"
  build/kizuna show "$f" > "out/$n.txt"
done
echo "== drawn: $(ls out/*.svg | tr '\n' ' ')"
echo "== chains of command in out/*.txt; e.g. build/kizuna show data/structures/jfhq.yaml --phase armed-attack"
