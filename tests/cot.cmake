# cot.cmake - tests of issue 13 (cot).
