# levers.cmake - tests of issue 12 (levers).
kz_unit(test_levers)
target_link_libraries(test_levers PRIVATE kz_test_support)
# The CLI side (tests/cli/levers.sh): --set on sim and compare, recorded everywhere, bad input.
kz_cli(levers levers_sim_set_moves_p50 levers_sim_set_direction levers_sim_out_records
  levers_sim_two_structures levers_bad_path levers_bad_value levers_compare_set levers_help)
# The levers fuzz target's logic over its seeds (fuzz/corpus/levers), with any compiler.
add_executable(fuzz_levers_replay ${PROJECT_SOURCE_DIR}/fuzz/fuzz_levers.c live/replay.c)
target_include_directories(fuzz_levers_replay PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(fuzz_levers_replay PRIVATE KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(fuzz_levers_replay PRIVATE kizuna)
kz_warnings(fuzz_levers_replay)
add_test(NAME fuzz_levers_regressions COMMAND sh -c
  "$<TARGET_FILE:fuzz_levers_replay> ${PROJECT_SOURCE_DIR}/fuzz/corpus/levers/*")
set_tests_properties(fuzz_levers_regressions PROPERTIES TIMEOUT 60)
