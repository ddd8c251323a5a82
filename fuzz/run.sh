#!/usr/bin/env bash
# run.sh - build one libFuzzer target with clang and run it for a bounded time.
# usage: fuzz/run.sh [SECONDS] [TARGET]   (default 60 structure)
# TARGET: structure scenario wire node command validation levers cot takproto pki_client gateway
# New inputs go to a scratch corpus (build-fuzz/corpus-TARGET); the committed seeds stay
# read-only. Crashes land in fuzz/findings/TARGET-*.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
target=${2:-structure}
yaml=-dict=fuzz/yaml.dict
# Per target: the longest input worth trying, a dictionary, and the seeds beyond
# fuzz/corpus/TARGET.
case "$target" in
  structure) # A structure file: the loader and every check. Seeds: the shipped structures, the
    # rule files and past findings.
    len=65536 dict=$yaml seeds="data/structures tests/data/check tests/data/fuzz" ;;
  scenario) # A scenario over tests/data/sim/line.yaml: the loader and its checks.
    len=65536 dict=$yaml seeds="data/scenarios tests/data/sim" ;;
  validation) # A validation file: the loader; cases naming only shipped data run.
    len=65536 dict=$yaml seeds="" ;;
  levers) # Lines of lever assignments, factor settings and resets over levers.yaml: a
    # refusal changes nothing, what succeeds stays valid.
    len=4096 dict="" seeds="" ;;
  command) # An operator's command as text: the parser, the encoder, the round trip.
    len=4096 dict=$yaml seeds="" ;;
  wire) # A kz_Msg (448 bytes) and three bytes: structure, phase, flags.
    len=451 dict="" seeds="" ;;
  node) # Two bytes (flags, network) and a kz_Msg or kz_Ack: the node's whole receive path,
    # the flags sealing samples with valid keys.
    len=700 dict="" seeds="" ;;
  cot) # A settings byte and a byte stream: the CoT scanner in random chunks, the parser, the
    # writer and back, protobuf after an accepted t-x-takp-q.
    len=16384 dict="" seeds="" ;;
  takproto) # A settings byte and TAK protocol v1 bytes: 0xBF frames or one payload.
    len=16384 dict="" seeds="" ;;
  pki_client) # A DER certificate through pki_client_identity, the text through
    # kz_pki_san_check.
    len=8192 dict="" seeds="" ;;
  gateway) # A settings byte and what a TAK client sends: the gateway's receive path into the node.
    len=16384 dict="" seeds="" ;;
  *) echo "fuzz/run.sh: unknown target '$target'" >&2; exit 2 ;;
esac
CC=clang cmake -S . -B build-fuzz -G Ninja -DKZ_FUZZ=ON -DKZ_SANITIZE=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target "fuzz_$target" >/dev/null
mkdir -p fuzz/findings "build-fuzz/corpus-$target"
# shellcheck disable=SC2086 # $seeds and $dict are word lists
exec "build-fuzz/fuzz/fuzz_$target" "build-fuzz/corpus-$target" "fuzz/corpus/$target" $seeds \
  $dict -max_total_time="$secs" -max_len="$len" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="fuzz/findings/$target-" -print_final_stats=1
