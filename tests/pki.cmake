# pki.cmake - PKI and DDS Security tests: the library against OpenSSL and a real Cyclone DDS on
# loopback (test_pki, which re-runs itself as reader processes), and the CLI contract.
add_executable(test_pki live/test_pki.c)
target_include_directories(test_pki PRIVATE ${PROJECT_SOURCE_DIR}/src)
target_compile_definitions(test_pki PRIVATE _POSIX_C_SOURCE=200809L
  KZ_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(test_pki PRIVATE kizuna_live PkgConfig::CMOCKA)
kz_warnings(test_pki)
add_test(NAME test_pki COMMAND test_pki)
set_tests_properties(test_pki PROPERTIES TIMEOUT 120)

# kizuna pki init and its usage (tests/cli/pki.sh).
kz_cli(pki pki_init pki_usage)
