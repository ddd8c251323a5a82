# cot.cmake - tests of issue 13 (cot): the CoT codec (src/live/cot*.c, takproto.c), no sockets.

# A cmocka test of the codec (tests/unit/NAME.c) against the live library, its ctest of the same
# name; it may include the protoc-c output (takproto.pb-c.h) to build foreign messages.
function(kz_cot_unit name)
  add_executable(${name} unit/${name}.c)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/src ${KZ_PROTO_OUT})
  target_compile_definitions(${name} PRIVATE _POSIX_C_SOURCE=200809L
    KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE kizuna_live PkgConfig::CMOCKA)
  kz_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 60)
endfunction()

# Split, merged, oversized and junk streams; every refusal; round trips; the mapping tables.
kz_cot_unit(test_cot)
# Varints and frames, event -> protobuf -> event, xmlDetail, refusals, takp, protobuf streams.
kz_cot_unit(test_takproto)

# The fuzz targets' logic over their seeds (fuzz/corpus/cot, takproto), with any compiler.
foreach(t cot takproto)
  add_executable(fuzz_${t}_replay ${PROJECT_SOURCE_DIR}/fuzz/fuzz_${t}.c live/replay.c)
  target_include_directories(fuzz_${t}_replay PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_definitions(fuzz_${t}_replay PRIVATE _POSIX_C_SOURCE=200809L)
  target_link_libraries(fuzz_${t}_replay PRIVATE kizuna_live)
  kz_warnings(fuzz_${t}_replay)
  add_test(NAME fuzz_${t}_regressions COMMAND sh -c
    "$<TARGET_FILE:fuzz_${t}_replay> ${PROJECT_SOURCE_DIR}/fuzz/corpus/${t}/*")
  set_tests_properties(fuzz_${t}_regressions PROPERTIES TIMEOUT 60)
endforeach()
