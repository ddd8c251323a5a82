# sweep_report.cmake - tests of issue 12 (sweep_report).
