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

add_test(NAME cli_pki_init COMMAND sh -c "rm -rf pkiout && ${KZ} pki init --structure ${D}/example.yaml --out pkiout > pki-out.txt && grep -q '6 node identities' pki-out.txt && test -f pkiout/jjoc/permissions.p7s && test -f pkiout/identity_ca.pem && ${KZ} pki init --structure ${D}/example.yaml --out pkiout 2>pki-err.txt; test $? -eq 3 && grep -q 'refusing to replace a CA' pki-err.txt")
add_test(NAME cli_pki_usage COMMAND sh -c "${KZ} pki init --structure ${D}/example.yaml; test $? -eq 2 && ${KZ} pki; test $? -eq 2 && ${KZ} pki frobnicate; test $? -eq 2 && ${KZ} pki --help | grep -q -- --out && ${KZ} pki init --help | grep -q -- --structure && ${KZ} pki init --structure /nonexistent.yaml --out pkibad; test $? -eq 1")
