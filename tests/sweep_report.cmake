# sweep_report.cmake - tests of issue 12 (sweep_report).
kz_unit(test_sweep_report)
