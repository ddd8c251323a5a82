# engine11.cmake - tests for the engine and director semantics of issue 11.
kz_unit(test_semantics)
target_link_libraries(test_semantics PRIVATE kz_test_support)
# Option hygiene over the shipped structures (a node shared by several is alike in each).
kz_unit(test_hygiene)
target_link_libraries(test_hygiene PRIVATE kz_test_support)
