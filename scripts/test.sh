#!/usr/bin/env bash
# test.sh - set up, build with warnings as errors, run the whole test suite; then again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

cmake -S . -B build-test -G Ninja -DKZ_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-test -j "$jobs"
(cd build-test && ctest --output-on-failure -j "$jobs")

# The same suite under AddressSanitizer (leaks included) and UndefinedBehaviorSanitizer.
cmake -S . -B build-asan -G Ninja -DKZ_WERROR=ON -DKZ_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j "$jobs"
supp="$PWD/tests/lsan.supp"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$supp" ctest --output-on-failure -j "$jobs")
