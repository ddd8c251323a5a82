# compare.cmake - tests for paired comparisons, steps.csv, the waterfall.
