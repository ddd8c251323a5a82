# cot.cmake - tests of issue 13 (cot): the CoT codec (src/live/cot*.c, takproto.c), no sockets.

# A cmocka test of the codec (tests/unit/NAME.c) against the live library, its ctest of the same
# name; it may include the protoc-c output (takproto.pb-c.h) to build foreign messages.
function(kz_cot_unit name)
  kz_test_exe(${name} unit/${name}.c kizuna_live 60)
  target_include_directories(${name} PRIVATE ${KZ_PROTO_OUT})
endfunction()

# Split, merged, oversized and junk streams; every refusal; round trips; the mapping tables.
kz_cot_unit(test_cot)
# Varints and frames, event -> protobuf -> event, xmlDetail, refusals, takp, protobuf streams.
kz_cot_unit(test_takproto)

# The fuzz targets' logic over their seeds (fuzz/corpus/cot, takproto), with any compiler.
kz_fuzz_replay(cot kizuna_live 60)
kz_fuzz_replay(takproto kizuna_live 60)
