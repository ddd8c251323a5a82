# cot_gw.cmake - tests of issue 13 (cot_gw): the CoT gateway in the node against OpenSSL clients
# on loopback (tests/live/cot_gw_test.c; two nodes over DDS domain 50), and the TAK client they
# and the benchmark use (tests/live/cot_client.c).
add_library(kz_cot_client STATIC live/cot_client.c)
target_include_directories(kz_cot_client PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/live
  ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(kz_cot_client PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(kz_cot_client PUBLIC kizuna_live OpenSSL::SSL)
kz_warnings(kz_cot_client)

add_executable(cot_gw_test live/cot_gw_test.c)
target_include_directories(cot_gw_test PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(cot_gw_test PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(cot_gw_test PRIVATE kz_cot_client PkgConfig::CMOCKA)
kz_warnings(cot_gw_test)
add_test(NAME cot_gw COMMAND cot_gw_test)
set_tests_properties(cot_gw PROPERTIES TIMEOUT 180 LABELS live)
if(KZ_SANITIZE)
  set_tests_properties(cot_gw PROPERTIES ENVIRONMENT KZ_SANITIZED=1)
endif()

# A track's category and affiliation in commands and on the wire (tests/live/cot_gw_unit.c).
add_executable(cot_gw_unit live/cot_gw_unit.c)
target_include_directories(cot_gw_unit PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(cot_gw_unit PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(cot_gw_unit PRIVATE kizuna_live PkgConfig::CMOCKA)
kz_warnings(cot_gw_unit)
add_test(NAME cot_gw_unit COMMAND cot_gw_unit)
set_tests_properties(cot_gw_unit PROPERTIES TIMEOUT 60)

# The gateway's input path in-process, no sockets, no DDS (fuzz/fuzz_gateway.c) over its seeds.
kz_fuzz_replay(gateway kizuna_live 120)
