# ranges.cmake - tests of issue 12 (ranges): the parser and the check (test_range), kizuna check
# on malformed and inconsistent ranges in structures and scenarios, and the shipped data clean.
kz_unit(test_range)
