# levers.cmake - tests of issue 12 (levers).
kz_unit(test_levers)
target_link_libraries(test_levers PRIVATE kz_test_support)
