# ranges.cmake - tests of issue 12 (ranges).
