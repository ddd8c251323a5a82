# cot_gw.cmake - tests of issue 13 (cot_gw).
