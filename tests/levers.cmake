# levers.cmake - tests of issue 12 (levers).
kz_unit(test_levers)
target_link_libraries(test_levers PRIVATE kz_test_support)
# The CLI side (tests/cli/levers.sh): --set on sim and compare, recorded everywhere, bad input.
kz_cli(levers levers_sim_set_moves_p50 levers_sim_set_direction levers_sim_out_records
  levers_sim_two_structures levers_bad_path levers_bad_value levers_compare_set levers_help)
# The levers fuzz target's logic over its seeds (fuzz/corpus/levers), with any compiler.
kz_fuzz_replay(levers kizuna 60)
