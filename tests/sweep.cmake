# sweep.cmake - tests of issue 12 (sweep).
