# validate.cmake - tests for kizuna validate and the validation cases.

# The format, its errors at FILE:LINE:COL, quantiles and bands, the scenario overrides, runs.
kz_unit(test_validate)

# kizuna validate's contract (tests/cli/validate.sh): exit codes, the table, --json, usage.
kz_cli(validate validate_pass validate_fail_exit1 validate_invalid_located validate_not_run
       validate_json validate_usage validate_default_files validate_step_rows)

# The shipped cases (data/validation/*.yaml) on the shipped data give the recorded verdicts
# (tests/data/validation/shipped-verdicts.txt): a case that turns, either way, fails this test
# until the record says so. `kizuna validate` itself exits 1 while any case fails.
add_test(NAME validate_shipped COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/check/verdicts.sh ${KZ}
         ${CMAKE_CURRENT_SOURCE_DIR}/data/validation/shipped-verdicts.txt)
set_tests_properties(validate_shipped PROPERTIES TIMEOUT 300
                     ENVIRONMENT "KIZUNA_DATA=${PROJECT_SOURCE_DIR}/data")

# The validation fuzz target's logic over its seeds (fuzz/corpus/validation), with any compiler.
kz_fuzz_replay(validation kizuna 60)
