# tak.cmake - tests of issue 13 (tak).
