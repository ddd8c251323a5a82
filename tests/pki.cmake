# pki.cmake - PKI and DDS Security tests: the library against OpenSSL and a real Cyclone DDS on
# loopback (test_pki, which re-runs itself as reader processes), and the CLI contract.
kz_live_unit(test_pki 120)
target_link_libraries(test_pki PRIVATE kz_test_pki)

# kizuna pki init and its usage (tests/cli/pki.sh).
kz_cli(pki pki_init pki_usage)

# Issue 13 (TAK clients): kizuna pki client's certificates, pki_client_identity's admissions and
# refusals, node certificates' names, and a client certificate refused as a DDS identity
# (DDS domain 60).
kz_live_unit(test_pki_client 60)
target_link_libraries(test_pki_client PRIVATE kz_test_pki)

# kizuna export (tests/cli/export.sh): a structure's map in GeoJSON and KML, and the tracks a
# node holds after a short live run (DDS domain 61).
kz_cli(export export_structure export_tracks:61 export_usage)
set_tests_properties(cli_export_tracks PROPERTIES TIMEOUT 120)

# kizuna pki client and pki init --san (tests/cli/pki_client.sh).
kz_cli(pki_client pki_client_files pki_client_refusals pki_init_san)

# fuzz_pki_client's logic (a DER certificate through pki_client_identity, text through
# kz_pki_san_check) over its corpus and findings, with any compiler (fuzz/run.sh: libFuzzer).
kz_fuzz_replay(pki_client kizuna_live 60)
