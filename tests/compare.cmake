# compare.cmake - tests for paired comparisons, steps.csv, the waterfall.
kz_unit(test_paired)
# The CLI side (tests/cli/sim.sh): paired tables, --baseline, steps.csv, identical chains.
kz_cli(sim sim_paired_identical sim_paired_table sim_baseline sim_steps_csv compare_baseline
  compare_validation_default)
set_tests_properties(cli_compare_baseline cli_compare_validation_default PROPERTIES TIMEOUT 300)
