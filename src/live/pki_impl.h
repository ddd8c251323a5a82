/* pki_impl.h - internal to the PKI (pki.c, pki_client.c): keys, certificates and files, made once.
 */
#ifndef KZ_PKI_IMPL_H
#define KZ_PKI_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "kizuna/model.h"

#define PKI_UB_OU 64 /* RFC 5280 ub-organizational-unit-name (and ub-common-name) */

/* The PKI being made or extended: where it goes, the validity of what is signed now, the
 * identity CA (to sign node and client certificates) and the caller's error buffer. */
struct pki {
    const struct kz_model *m;
    const char *dir;
    char ou[PKI_UB_OU + 1]; /* the structure name as it goes into every node subject */
    time_t not_before, not_after;
    EVP_PKEY *id_key, *perm_key;
    X509 *id_ca, *perm_ca;
    char *err;
    size_t errlen;
};

/* A subject name, O=o, OU=ou, CN=cn (RFC 2253 prints it "CN=..,OU=..,O=.."). */
struct pki_subject {
    const char *o, *ou, *cn;
};

/* Every certificate and grant is valid for ten years from an hour ago (the hour absorbs clock
 * skew between the host that made the PKI and the hosts that check it); sets P's validity. */
void pki_validity_now(struct pki *P);

/* err = "WHAT: OpenSSL's reason", OpenSSL's error queue emptied; returns KZ_EIO. */
int pki_fail(struct pki *P, const char *what);
/* err = "out of memory"; returns KZ_ENOMEM. */
int pki_oom(struct pki *P);
/* dir/a or dir/a/b (b may be NULL) in a fresh allocation, or NULL. */
char *pki_path(const char *dir, const char *a, const char *b);
/* Letters, digits, '-', '_', '.', and neither "." nor "..": the id can name a file. */
bool pki_safe_id(const char *id);
/* mkdir -p; the last component gets `mode`, the parents 0755. 0 or KZ_EIO/KZ_ENOMEM. */
int pki_mkdirs(struct pki *P, const char *dir, mode_t mode);
/* Writes data to P->dir/rel: mode 0600 from creation on when `secret`, no following a symlink,
 * `excl` refuses an existing file; a partial file is removed. 0 or KZ_EIO/KZ_ENOMEM. */
int pki_write_file(struct pki *P, const char *rel, const void *data, size_t len, bool secret,
                   bool excl);
/* What a memory BIO holds, to P->dir/rel as pki_write_file. */
int pki_write_bio(struct pki *P, const char *rel, BIO *b, bool secret, bool excl);
/* A certificate (key NULL) or an unencrypted PKCS#8 private key (secret), PEM. */
int pki_write_pem(struct pki *P, const char *rel, X509 *cert, EVP_PKEY *key, bool excl);
/* A fresh EC P-256 key in *out (the caller frees it). 0 or KZ_EIO. */
int pki_make_key(struct pki *P, const char *what, EVP_PKEY **out);

/*
 * A certificate for `key` with subject `s`, X.509 v3, valid P->not_before..not_after, signed
 * with SHA-256 by issuer/issuer_key, or self-signed when issuer is NULL. `ca` makes a CA (that
 * may also sign S/MIME documents), else an end entity (digitalSignature). `ext`, NULL or
 * NULL-terminated pairs {name, value} in OpenSSL's configuration syntax ("subjectAltName",
 * "DNS:localhost,IP:127.0.0.1"; an OID with "ASN1:UTF8String:S"), adds extensions.
 * 0 with *out the caller's, or KZ_EIO with err naming `what`.
 */
int pki_make_cert(struct pki *P, const char *what, EVP_PKEY *key, const struct pki_subject *s,
                  X509 *issuer, EVP_PKEY *issuer_key, bool ca, const char *const *ext, X509 **out);

/* The index of node (nation) `id` in m, or -1. */
int pki_node_index(const kz_model *m, const char *id);
int pki_nation_index(const kz_model *m, const char *id);
/* err = "no WHAT 'id' in structure 'S' for FLAG; did you mean 'x'?" (WHAT "node" or "nation"). */
void pki_unknown_id(const kz_model *m, const char *what, const char *id, const char *flag,
                    char *err, size_t errlen);
/* The clearance a client certificate carries (enum classif), or -1 when none or not valid. */
int pki_clearance_of(X509 *x);

struct kz_pki_san;
/* The subjectAltName for node i: its own entry of sans[0..n), else the entry for every node,
 * else KZ_PKI_SAN_DEFAULT. */
const char *pki_san_for(const kz_model *m, size_t i, const struct kz_pki_san *sans, size_t n);
/* Every entry names a node of m (or none) and good names: 0, else KZ_EINVAL with err. */
int pki_check_sans(const kz_model *m, const struct kz_pki_san *sans, size_t n, char *err,
                   size_t errlen);

/* Reads a PEM certificate (key NULL) or private key from `path`. 0 or KZ_EIO with err. */
int pki_read_pem(struct pki *P, const char *path, X509 **cert, EVP_PKEY **key);

#endif
