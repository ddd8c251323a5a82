#!/usr/bin/env bash
# run.sh - build the libFuzzer targets with clang and run one of them for a bounded time.
# usage: fuzz/run.sh [SECONDS] [structure|scenario|wire|node|command|validation|levers]
#        fuzz/run.sh [SECONDS] cot|takproto   (the CoT codec, issue 13)
# (default 60 structure).
# Crashes land in fuzz/findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
target=${2:-structure}
CC=clang cmake -S . -B build-fuzz -G Ninja -DKZ_FUZZ=ON -DKZ_SANITIZE=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz --target fuzz_structure fuzz_scenario fuzz_wire fuzz_node fuzz_command \
  fuzz_validation fuzz_levers >/dev/null
mkdir -p fuzz/findings build-fuzz/corpus build-fuzz/corpus-scenario build-fuzz/corpus-wire \
  build-fuzz/corpus-node build-fuzz/corpus-command build-fuzz/corpus-validation \
  build-fuzz/corpus-levers
if [ "$target" = cot ] || [ "$target" = takproto ]; then
  # cot: a settings byte and a byte stream (fuzz/fuzz_cot.c): the CoT scanner in random chunks,
  # the parser, the writer and back, protobuf after an accepted t-x-takp-q. takproto: a settings
  # byte and TAK protocol v1 bytes (fuzz/fuzz_takproto.c): 0xBF frames or one payload.
  cmake --build build-fuzz --target "fuzz_$target" >/dev/null
  mkdir -p "build-fuzz/corpus-$target"
  exec "build-fuzz/fuzz/fuzz_$target" "build-fuzz/corpus-$target" "fuzz/corpus/$target" \
    -max_total_time="$secs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="fuzz/findings/$target-" -print_final_stats=1
fi
if [ "$target" = wire ]; then
  # A kz_Msg (288 bytes) and three bytes: structure, phase, flags (fuzz/fuzz_wire.c).
  exec build-fuzz/fuzz/fuzz_wire build-fuzz/corpus-wire fuzz/corpus/wire \
    -max_total_time="$secs" -max_len=291 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/findings/wire- -print_final_stats=1
fi
if [ "$target" = command ]; then
  # An operator's command as text (fuzz/fuzz_command.c): the parser, the encoder, the round trip.
  exec build-fuzz/fuzz/fuzz_command build-fuzz/corpus-command fuzz/corpus/command \
    -dict=fuzz/yaml.dict -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/findings/command- -print_final_stats=1
fi
if [ "$target" = node ]; then
  # Two bytes (flags, network) and a kz_Msg or kz_Ack (fuzz/fuzz_node.c): the node's whole
  # receive path, with the flags sealing samples with valid keys.
  exec build-fuzz/fuzz/fuzz_node build-fuzz/corpus-node fuzz/corpus/node \
    -max_total_time="$secs" -max_len=700 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/findings/node- -print_final_stats=1
fi
if [ "$target" = validation ]; then
  # A validation file (fuzz/fuzz_validation.c): the loader; cases naming only shipped data run.
  exec build-fuzz/fuzz/fuzz_validation build-fuzz/corpus-validation fuzz/corpus/validation \
    -dict=fuzz/yaml.dict -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/findings/validation- -print_final_stats=1
fi
if [ "$target" = levers ]; then
  # Lines of lever assignments, factor settings and resets over tests/data/sim/levers.yaml
  # (fuzz/fuzz_levers.c): a refusal changes nothing, what succeeds stays valid.
  exec build-fuzz/fuzz/fuzz_levers build-fuzz/corpus-levers fuzz/corpus/levers \
    -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/findings/levers- -print_final_stats=1
fi
if [ "$target" = scenario ]; then
  exec build-fuzz/fuzz/fuzz_scenario build-fuzz/corpus-scenario data/scenarios tests/data/sim \
    -dict=fuzz/yaml.dict -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz/findings/scenario- -print_final_stats=1
fi
# New inputs go to a scratch corpus; the committed seeds stay read-only.
# Seeds: the committed corpus, the shipped structures, the rule files and past findings.
exec build-fuzz/fuzz/fuzz_structure build-fuzz/corpus fuzz/corpus/structure data/structures \
  tests/data/check tests/data/fuzz \
  -dict=fuzz/yaml.dict -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix=fuzz/findings/ -print_final_stats=1
