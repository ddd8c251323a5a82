# check.cmake - kizuna check on scenarios against a structure, and the installed tree.

# kz_data_path: $KIZUNA_DATA first and alone, then the binary's prefix, the install, the source.
add_executable(test_datadir check/test_datadir.c)
target_compile_definitions(test_datadir PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(test_datadir PRIVATE kizuna PkgConfig::CMOCKA)
kz_warnings(test_datadir)
add_test(NAME test_datadir COMMAND test_datadir)
set_tests_properties(test_datadir PROPERTIES TIMEOUT 30)

# kizuna check [--structure F] SCENARIO...: one test per case of tests/check/scenario.sh, each in
# a directory of its own (parallel ctest). The seeded scenarios are tests/data/check/scenario/.
foreach(case alone fits unknown-ids decide-misspelt order-misspelt no-decider order-before-decide
             duplicate-step broken-structure json usage)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/check-${case})
  file(MAKE_DIRECTORY ${dir})
  add_test(NAME check_scenario_${case}
    COMMAND sh ${PROJECT_SOURCE_DIR}/tests/check/scenario.sh $<TARGET_FILE:kizuna-cli>
            ${PROJECT_SOURCE_DIR} ${case}
    WORKING_DIRECTORY ${dir})
  set_tests_properties(check_scenario_${case} PROPERTIES TIMEOUT 60)
endforeach()

# cmake --install into a temporary prefix; the installed kizuna, run from another directory,
# finds its data next to itself (and after the tree is moved), or in $KIZUNA_DATA.
add_test(NAME check_install_tree
  COMMAND sh ${PROJECT_SOURCE_DIR}/tests/check/install.sh ${CMAKE_COMMAND} ${CMAKE_BINARY_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/check-install)
set_tests_properties(check_install_tree PROPERTIES TIMEOUT 120)

# The README, the docs and the benchmarks point at docs/architecture.md, not at a design file
# outside the repository.
add_test(NAME check_no_outside_design_file
  COMMAND sh -c "! grep -rn 'design\\.md' README.md docs bench"
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
