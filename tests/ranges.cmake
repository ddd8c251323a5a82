# ranges.cmake - tests of issue 12 (ranges): the parser and the check (test_range), kizuna check
# on malformed and inconsistent ranges in structures and scenarios, and the shipped data clean.
kz_unit(test_range)

# kizuna check on ranges: one test per case of tests/check/ranges.sh, each in its own directory.
foreach(case shipped-clean structure-located scenario-located sim-refuses)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/ranges-${case})
  file(MAKE_DIRECTORY ${dir})
  add_test(NAME ranges_${case}
    COMMAND sh ${PROJECT_SOURCE_DIR}/tests/check/ranges.sh $<TARGET_FILE:kizuna-cli>
            ${PROJECT_SOURCE_DIR} ${case}
    WORKING_DIRECTORY ${dir})
  set_tests_properties(ranges_${case} PROPERTIES TIMEOUT 120)
endforeach()
