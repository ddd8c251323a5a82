# live.cmake - the live network on loopback: node processes over Cyclone DDS, each test with its
# own DDS domain (21..24) and temporary directory, so they run in parallel; and the wire decoder.

# The decoder and the receiver's gates on crafted samples (no DDS).
add_executable(test_wire live/test_wire.c)
target_include_directories(test_wire PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(test_wire PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(test_wire PRIVATE kizuna_live PkgConfig::CMOCKA)
kz_warnings(test_wire)
add_test(NAME test_wire COMMAND test_wire)
set_tests_properties(test_wire PROPERTIES TIMEOUT 60)

# The wire fuzz target's logic over its seeds and past findings, with any compiler.
add_executable(fuzz_wire_replay ${PROJECT_SOURCE_DIR}/fuzz/fuzz_wire.c live/replay.c)
target_include_directories(fuzz_wire_replay PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(fuzz_wire_replay PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(fuzz_wire_replay PRIVATE kizuna_live)
kz_warnings(fuzz_wire_replay)
add_test(NAME fuzz_wire_regressions COMMAND sh -c
  "$<TARGET_FILE:fuzz_wire_replay> ${PROJECT_SOURCE_DIR}/fuzz/corpus/wire/*")
set_tests_properties(fuzz_wire_regressions PROPERTIES TIMEOUT 60)

# A participant that writes crafted samples, bypassing the sender's gates.
add_executable(kz_rogue live/rogue.c)
target_include_directories(kz_rogue PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(kz_rogue PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(kz_rogue PRIVATE kizuna_live)
kz_warnings(kz_rogue)

# Node processes on loopback: tests/live/NAME.sh KIZUNA KZ_ROGUE TESTS_DATA DOMAIN, each bounded
# by --for on its nodes and timeouts on its waits (about 3 s each, kill_restart 10 s).
set(KZ_LIVE_ARGS $<TARGET_FILE:kizuna-cli> $<TARGET_FILE:kz_rogue> ${PROJECT_SOURCE_DIR}/tests/data)
foreach(t delivery_3:21 release_refused:22 order_unauthorised:23 kill_restart:24)
  string(REPLACE ":" ";" t ${t})
  list(GET t 0 name)
  list(GET t 1 domain)
  add_test(NAME live_${name} COMMAND bash ${PROJECT_SOURCE_DIR}/tests/live/${name}.sh
    ${KZ_LIVE_ARGS} ${domain})
  set_tests_properties(live_${name} PROPERTIES TIMEOUT 120 LABELS live)
endforeach()
