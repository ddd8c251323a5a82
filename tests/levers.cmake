# levers.cmake - tests of issue 12 (levers).
