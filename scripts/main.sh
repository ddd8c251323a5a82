#!/usr/bin/env bash
# main.sh - set up, build, and run kizuna's main job: every shipped structure on every shipped
# crisis scenario (kizuna compare), one report in out/compare/report.html; then one scenario
# played live over DDS, a node process per headquarters (kizuna exercise), beside the simulator.
# The exercise's nodes run secure (DDS Security, signed and MAC'd messages) with a PKI it makes
# for the run in out/exercise/pki.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build >/dev/null
echo "== kizuna check data/structures/*.yaml"
build/kizuna check data/structures/*.yaml
mkdir -p out
for f in data/structures/*.yaml; do
  build/kizuna draw "$f" -o "out/$(basename "$f" .yaml).svg"
done
echo "== kizuna compare --out out/compare"
build/kizuna compare --out out/compare
echo "== kizuna exercise --structure data/structures/jjoc-2025.yaml --scenario data/scenarios/nk-salvo.yaml --speed 60"
build/kizuna exercise --structure data/structures/jjoc-2025.yaml \
  --scenario data/scenarios/nk-salvo.yaml --speed 60 --journal out/exercise --quiet
echo "== open out/compare/report.html; org charts in out/*.svg; exercise journals: build/kizuna journal out/exercise (its PKI: out/exercise/pki)"
