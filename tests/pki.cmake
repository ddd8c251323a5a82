# pki.cmake - PKI and DDS Security tests: the library against OpenSSL and a real Cyclone DDS on
# loopback (test_pki, which re-runs itself as reader processes), and the CLI contract.
kz_live_unit(test_pki 120)

# kizuna pki init and its usage (tests/cli/pki.sh).
kz_cli(pki pki_init pki_usage)
