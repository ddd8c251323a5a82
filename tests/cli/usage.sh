#!/bin/sh
# usage.sh - the command line's one dialect: exit 2 and one wording for every usage error,
# "did you mean" for commands, options and values, --help for every command.
. "$(dirname "$0")/lib.sh"

case_usage_no_args() {
  kz
  expect_rc 2 "no command"
  expect_in "$T/err" "usage: kizuna COMMAND"
}

case_usage_exit2() {
  kz check; expect_rc 2 "check without files"
  kz frobnicate; usage_error ""
  kz draw x.yaml -o out.gif; usage_error draw
  expect_in "$T/err" "'out.gif' must end in .svg or .png"
}

case_unknown_command_suggests() {
  kz smi --structure x
  usage_error ""
  expect_in "$T/err" "kizuna: unknown command 'smi'; did you mean 'sim'?"
  kz chek x.yaml
  usage_error ""
  expect_in "$T/err" "did you mean 'check'?"
  kz xyzzy
  usage_error ""
  expect_not_in "$T/err" "did you mean"
}

case_unknown_option_suggests() {
  kz sim --structure "$SIMD/line.yaml" --scenario "$SIMD/flash.yaml" --run 5
  usage_error sim
  expect_in "$T/err" "kizuna sim: unknown option '--run'; did you mean '--runs'? (kizuna sim --help)"
  kz trace --structure a --scenario b --seeed 3
  usage_error trace
  expect_in "$T/err" "did you mean '--seed'?"
  kz show "$D/example.yaml" --jsno
  usage_error show
  expect_in "$T/err" "did you mean '--json'?"
  kz compare --tread 2
  usage_error compare
  expect_in "$T/err" "did you mean '--threads'?"
}

case_unknown_value_suggests() {
  kz show "$D/example.yaml" --phase armed-atack
  usage_error show
  expect_in "$T/err" "unknown value 'armed-atack' for --phase; did you mean 'armed-attack'?"
  expect_in "$T/err" "peacetime, gray-zone, armed-attack"
  kz draw "$D/example.yaml" -o x.svg --phase gray-zon
  usage_error draw
  expect_in "$T/err" "did you mean 'gray-zone'?"
  [ ! -e x.svg ] || fail "drew in spite of the bad phase"
}

# The same wording for each kind of usage error, on each command this file covers.
case_usage_one_wording() {
  kz sim --scenario x.yaml; usage_error sim
  expect_in "$T/err" "missing --structure"
  kz sim --structure a --scenario b --runs 0; usage_error sim
  expect_in "$T/err" "bad value '0' for --runs: expected a whole number from 1 to 100000000"
  kz sim --structure a --scenario b --threads many; usage_error sim
  expect_in "$T/err" "bad value 'many' for --threads: expected a whole number from 1 to 256"
  kz sim --structure a --scenario b --seed; usage_error sim
  expect_in "$T/err" "option '--seed' needs a value"
  kz sim --structure a --scenario b --json=yes; usage_error sim
  expect_in "$T/err" "option '--json' takes no value"
  kz trace --structure a --scenario b --run -1; usage_error trace
  expect_in "$T/err" "bad value '-1' for --run: expected a whole number from 0 to 100000000"
  kz compare --runs=x; usage_error compare
  kz compare extra; usage_error compare
  expect_in "$T/err" "unexpected argument 'extra'"
  kz show; usage_error show
  expect_in "$T/err" "missing FILE"
  kz show a.yaml b.yaml; usage_error show
  kz draw "$D/example.yaml"; usage_error draw
  expect_in "$T/err" "missing -o"
  kz --vresion; usage_error ""
  expect_in "$T/err" "did you mean '--version'?"
}

# Every command kizuna --help lists speaks the same dialect: an unknown option is a usage
# error in the one wording, and --help prints the command's usage and exits 0.
case_every_command_one_wording() {
  "$K" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1} on && /^$/{exit}' >cmds.txt
  [ "$(wc -l <cmds.txt)" -ge 14 ] || { cat cmds.txt >&2; fail "kizuna --help lists too few commands"; }
  while read -r c; do
    kz "$c" --bogus-opt
    usage_error "$c"
    expect_in "$T/err" "unknown option '--bogus-opt'"
    kz "$c" --help
    expect_rc 0 "$c --help"
    expect_in "$T/out" "usage: kizuna $c"
  done <cmds.txt
}

case_help_each() {
  kz --help; expect_rc 0 "--help"; expect_in "$T/out" check
  for c in check show draw sim trace compare; do
    kz "$c" --help
    expect_rc 0 "$c --help"
    expect_in "$T/out" "usage: kizuna $c"
  done
  kz check --help; expect_in "$T/out" Knnn
  kz show --help; expect_in "$T/out" phase
  kz draw --help; expect_in "$T/out" Graphviz
  kz sim --help; expect_in "$T/out" --threads
  # sim --help points at the repository's JSON schema, not at a file outside it
  expect_in "$T/out" docs/json.md
  expect_not_in "$T/out" design.md
  kz compare --help; expect_in "$T/out" docs/json.md
  kz help trace; expect_rc 0 "help trace"; expect_in "$T/out" "usage: kizuna trace"
  kz help smi; usage_error ""; expect_in "$T/err" "did you mean 'sim'?"
}

run_case "$@"
