/* pki_files.c - PEM files for the PKI tests (pki_files.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/pem.h>

#include "pki_files.h"

X509 *ts_read_cert(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    assert_non_null(b);
    X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    if (!x)
        fail_msg("%s: not a PEM certificate", path);
    return x;
}

EVP_PKEY *ts_read_key(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    assert_non_null(b);
    EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    if (!k)
        fail_msg("%s: not a PEM private key", path);
    return k;
}
