# seams.cmake - tests that use the seams: the director and the engine against a fake clock and a
# recording transport (tests/support: shared loaders, the fake clock, the recording transport).
add_library(kz_test_support STATIC support/support.c)
target_include_directories(kz_test_support PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/support
  ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(kz_test_support PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(kz_test_support PUBLIC kizuna PkgConfig::CMOCKA)
kz_warnings(kz_test_support)

target_link_libraries(test_sim PRIVATE kz_test_support)
foreach(t test_director test_engine)
  kz_unit(${t})
  target_link_libraries(${t} PRIVATE kz_test_support)
endforeach()

# The node-command encoder against the parser (round trip).
kz_live_unit(test_command 60)
target_link_libraries(test_command PRIVATE kz_test_support)

# The director live: the same rules as the simulator's (legal wait, stopped step, reason).
add_test(NAME live_director COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/live/director.sh
  $<TARGET_FILE:kizuna-cli> ${PROJECT_SOURCE_DIR}/tests/data 89)
set_tests_properties(live_director PROPERTIES TIMEOUT 120 LABELS live)

# Nothing includes upward (util < model < core < engine < scenario < sim | live < report < cli).
add_test(NAME layers_no_upward_include COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/check/layers.sh
  ${PROJECT_SOURCE_DIR}/src)

# The house limits: files at most 800 lines, functions at most 120.
add_test(NAME sizes_within_limits COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/check/sizes.sh
  ${PROJECT_SOURCE_DIR}/src)

# A director killed outright takes its nodes with it.
add_test(NAME live_no_orphans COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/live/orphans.sh
  $<TARGET_FILE:kizuna-cli> ${PROJECT_SOURCE_DIR}/tests/data 86)
set_tests_properties(live_no_orphans PROPERTIES TIMEOUT 60 LABELS live)

# The command fuzz target's logic over its seeds, with any compiler.
kz_fuzz_replay(command kizuna_live 60)
