# pki.cmake - PKI and DDS Security tests.
