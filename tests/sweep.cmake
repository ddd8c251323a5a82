# sweep.cmake - tests of issue 12 (sweep): the statistics, the sweep's items and fold, the CLI,
# and the same bytes under mpirun -n 1, 2, 3 when built with MPI.

# LHS strata, the ranges' maps, ranks with ties, least squares, PRCC, order statistics, the
# eval's chunking and thread invariance, the fold (tests/unit/test_sweep.c).
kz_unit(test_sweep)
