# pki.cmake - PKI and DDS Security tests: the library against OpenSSL and a real Cyclone DDS on
# loopback (test_pki, which re-runs itself as reader processes), and the CLI contract.
kz_live_unit(test_pki 120)

# kizuna pki init and its usage (tests/cli/pki.sh).
kz_cli(pki pki_init pki_usage)

# Issue 13 (TAK clients): kizuna pki client's certificates, pki_client_identity's admissions and
# refusals, node certificates' names, and a client certificate refused as a DDS identity
# (DDS domain 60).
kz_live_unit(test_pki_client 60)

# kizuna export (tests/cli/export.sh): a structure's map in GeoJSON and KML, and the tracks a
# node holds after a short live run (DDS domain 61).
kz_cli(export export_structure export_tracks:61 export_usage)
set_tests_properties(cli_export_tracks PROPERTIES TIMEOUT 120)

# kizuna pki client and pki init --san (tests/cli/pki_client.sh).
kz_cli(pki_client pki_client_files pki_client_refusals pki_init_san)

# fuzz_pki_client's logic (a DER certificate through pki_client_identity, text through
# kz_pki_san_check) over its corpus and findings, with any compiler. fuzz/CMakeLists.txt does not
# build the libFuzzer target yet; by hand: build kizuna_live with CC=clang -DKZ_FUZZ=ON
# -DKZ_SANITIZE=ON, link fuzz/fuzz_pki_client.c with -fsanitize=fuzzer (docs/tak.md).
add_executable(fuzz_pki_client_replay ${PROJECT_SOURCE_DIR}/fuzz/fuzz_pki_client.c live/replay.c)
target_include_directories(fuzz_pki_client_replay PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(fuzz_pki_client_replay PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(fuzz_pki_client_replay PRIVATE kizuna_live)
kz_warnings(fuzz_pki_client_replay)
add_test(NAME fuzz_pki_client_regressions COMMAND sh -c
  "$<TARGET_FILE:fuzz_pki_client_replay> ${PROJECT_SOURCE_DIR}/fuzz/corpus/pki_client/*")
set_tests_properties(fuzz_pki_client_regressions PROPERTIES TIMEOUT 60)
