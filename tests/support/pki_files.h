/* pki_files.h - what the PKI tests share: a PEM certificate or private key read from a file,
 * failing the test when it is not one. */
#ifndef KZ_TEST_PKI_FILES_H
#define KZ_TEST_PKI_FILES_H

#include <openssl/evp.h>
#include <openssl/x509.h>

/* The caller frees the result (X509_free, EVP_PKEY_free). */
X509 *ts_read_cert(const char *path);
EVP_PKEY *ts_read_key(const char *path);

#endif
