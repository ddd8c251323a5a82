# model11.cmake - tests for the structure format of issue 11: profiles, standing authorities, automatic relay, PERT.
# (The C-level tests are in test_model, test_checks and test_dist; these run the CLI on the same
# files: every variant of the clean file checks clean, FILE@VARIANT reaches show --json, and a
# shipped structure's variant is found by name in the data directory.)
set(KZ11_FILE ${PROJECT_SOURCE_DIR}/tests/data/check/K000-issue11.yaml)

add_test(NAME model11_check_variants COMMAND sh -c "
  set -u
  for v in '' @bmd-jjoc @bmd-adc; do
    out=$(\"$1\" check -q \"$2$v\") || { echo \"FAIL: check $2$v: exit $?\"; echo \"$out\"; exit 1; }
    [ -z \"$out\" ] || { echo \"FAIL: check $2$v printed: $out\"; exit 1; }
  done
  out=$(\"$1\" check \"$2@bmd-jcoc\"); rc=$?
  [ $rc -eq 1 ] || { echo \"FAIL: an undeclared variant: exit $rc, expected 1\"; exit 1; }
  printf '%s\\n' \"$out\" | grep -q \"K000-issue11.yaml:7:3: error: \\[K036\\] no variant 'bmd-jcoc' to select (did you mean 'bmd-jjoc'?)\" ||
    { echo \"FAIL: no K036 line: $out\"; exit 1; }
  echo ok" sh $<TARGET_FILE:kizuna-cli> ${KZ11_FILE})

add_test(NAME model11_show_variant COMMAND sh -c "
  set -u
  \"$1\" show \"$2@bmd-jjoc\" --json > show11.json || { echo 'FAIL: show --json'; exit 1; }
  for want in '\"name\": \"t11@bmd-jjoc\"' '\"variant\": \"bmd-jjoc\"' '\"relay\": \"automatic\"' \
              '\"approve\": \"concurrent\"' '\"gateway\": \"lognormal(median 1s, p90 3s, max 10s)\"' \
              '\"precedence\": \"flash\"' '\"order\": \"lognormal(median 20s, p90 1m, max 3m)\"'; do
    grep -qF \"$want\" show11.json || { echo \"FAIL: show --json lacks $want\"; cat show11.json; exit 1; }
  done
  \"$1\" show \"$2\" > show11.txt || { echo 'FAIL: show'; exit 1; }
  for want in 'variant: none (declared: bmd-jjoc bmd-adc)' 'held by adc for JPN assets - standing' \
              'in force in advance: Destruction order, SDF Law art. 82-3' \
              'approvals first (all at once): cabinet, pm' 'relay 5s' \
              'automatic relay (gateway lognormal(median 1s, p90 3s, max 10s))'; do
    grep -qF \"$want\" show11.txt || { echo \"FAIL: show lacks $want\"; cat show11.txt; exit 1; }
  done
  echo ok" sh $<TARGET_FILE:kizuna-cli> ${KZ11_FILE})

# kizuna check --structure NAME@VARIANT: the shipped-structure name resolved in $KIZUNA_DATA
# (kz_data_path finds the file, the variant rides along); a scenario is checked against it.
add_test(NAME model11_data_variant COMMAND sh -c "
  set -u
  rm -rf data11 && mkdir -p data11/structures data11/scenarios && cp \"$2\" data11/structures/t11.yaml
  out=$(KIZUNA_DATA=$PWD/data11 \"$1\" check --structure t11@bmd-adc \"$3\" 2>&1)
  printf '%s' \"$out\" | grep -qF \"against $PWD/data11/structures/t11.yaml@bmd-adc\" &&
  printf '%s' \"$out\" | grep -qF \"is not in structure 't11@bmd-adc'\" &&
  ! printf '%s' \"$out\" | grep -q 't11.yaml:' || { echo \"FAIL: --structure t11@bmd-adc: $out\"; exit 1; }
  out=$(KIZUNA_DATA=$PWD/data11 \"$1\" check --structure t11@nope \"$3\" 2>&1)
  printf '%s' \"$out\" | grep -qF \"data11/structures/t11.yaml:7:3: error: [K036] no variant 'nope'\" ||
    { echo \"FAIL: --structure t11@nope: $out\"; exit 1; }
  echo ok" sh $<TARGET_FILE:kizuna-cli> ${KZ11_FILE}
  ${PROJECT_SOURCE_DIR}/tests/data/check/scenario/K010-duplicate-step.yaml)

# Every variant of every shipped structure passes check with no errors and no warnings, as the
# structure without a selection does (structure_*_clean): a variant is a structure of its own.
add_test(NAME model11_shipped_variants COMMAND sh -c "
  set -u
  n=0
  for f in \"$2\"/data/structures/*.yaml; do
    vs=$(\"$1\" show \"$f\" --json | python3 -c 'import json,sys; print(\" \".join(v[\"id\"] for v in json.load(sys.stdin)[\"variants\"]))') ||
      { echo \"FAIL: show --json $f\"; exit 1; }
    for v in $vs; do
      out=$(\"$1\" check -q \"$f@$v\") || { echo \"FAIL: check $f@$v\"; echo \"$out\"; exit 1; }
      [ -z \"$out\" ] || { echo \"FAIL: check $f@$v printed: $out\"; exit 1; }
      n=$((n + 1))
    done
  done
  echo \"ok: $n variants\"" sh $<TARGET_FILE:kizuna-cli> ${PROJECT_SOURCE_DIR})

set_tests_properties(model11_check_variants model11_show_variant model11_data_variant
                     PROPERTIES TIMEOUT 60)
# a dozen kizuna runs: on a loaded machine (the full suite, -j8) they take tens of seconds
set_tests_properties(model11_shipped_variants PROPERTIES TIMEOUT 240)
