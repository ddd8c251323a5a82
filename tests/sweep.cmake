# sweep.cmake - tests of issue 12 (sweep): the statistics, the sweep's items and fold, the CLI,
# and the same bytes under mpirun -n 1, 2, 3 when built with MPI.

# LHS strata, the ranges' maps, ranks with ties, least squares, PRCC, order statistics, the
# eval's chunking and thread invariance, the fold (tests/unit/test_sweep.c).
kz_unit(test_sweep)

# kizuna sweep's contract (tests/cli/sweep.sh): the tornado names the dominant assumption of
# tests/data/sim/sweep.yaml, --only and what it refuses, usage errors, --set moves the
# nominal, --out.
kz_cli(sweep sweep_tornado_dominant sweep_only sweep_only_refused sweep_usage
       sweep_set_moves_nominal sweep_out sweep_finds_names)

if(KZ_MPI)
  # mpirun --oversubscribe -n 1, 2, 3: the same bytes as one process; a failing rank fails
  # every rank and leaves no report.
  foreach(case sweep_mpi_same_bytes sweep_mpi_fail_rank)
    add_test(NAME cli_${case} COMMAND sh ${PROJECT_SOURCE_DIR}/tests/cli/sweep.sh
             $<TARGET_FILE:kizuna-cli> ${PROJECT_SOURCE_DIR} ${case})
    set_tests_properties(cli_${case} PROPERTIES TIMEOUT 300
                         ENVIRONMENT "KZ_MPIEXEC=${MPIEXEC_EXECUTABLE}")
  endforeach()
else()
  # Built without MPI, a process that mpirun started as one of several refuses to run.
  kz_cli(sweep sweep_nompi_refuses)
endif()
