/* auth.c - message authentication on the live network: node keys, hop MACs, origin signatures. */
#include "auth.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "kizuna/error.h"

struct auth {
    int me;
    size_t n;
    EVP_PKEY *key;   /* this node's private key */
    EVP_PKEY **pub;  /* every node's public key, from its checked certificate */
    uint8_t (*hop)[32], (*orig)[32];
    uint8_t ticket[32];
    /* fetched once: OpenSSL 3's one-shot calls look the algorithm up on every call, which
     * cost more than the MAC itself on the receive path */
    EVP_MAC *hmac;
    EVP_MAC_CTX *mctx;
    EVP_MD *sha;
};

static int set_err(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int set_err(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    unsigned long e = ERR_peek_last_error();
    if (e && k >= 0 && (size_t)k < errlen) {
        snprintf(err + k, errlen - (size_t)k, " (%s)", ERR_reason_error_string(e));
    }
    ERR_clear_error();
    return rc;
}

void au_digest(const struct auth *a, const void *data, size_t n, uint8_t out[32])
{
    unsigned len = 32;
    if (!a || EVP_Digest(data, n, out, &len, a->sha, NULL) != 1)
        au_sha256(data, n, out);
}

void au_sha256(const void *data, size_t n, uint8_t out[32])
{
    unsigned len = 32;
    EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
}

static X509 *read_cert(const char *path)
{
    BIO *b = BIO_new_file(path, "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return x;
}

/* The certificate is the CA's, in date, and names the node. */
static int check_cert(X509_STORE *store, X509 *x, const char *node, const char *path, char *err,
                      size_t errlen)
{
    X509_STORE_CTX *c = X509_STORE_CTX_new();
    if (!c)
        return KZ_ENOMEM;
    int ok = X509_STORE_CTX_init(c, store, x, NULL) == 1 && X509_verify_cert(c) == 1;
    int verr = X509_STORE_CTX_get_error(c);
    X509_STORE_CTX_free(c);
    if (!ok)
        return set_err(err, errlen, KZ_EINVAL, "%s: not a valid certificate of this PKI: %s", path,
                       X509_verify_cert_error_string(verr));
    char cn[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof cn);
    if (strcmp(cn, node))
        return set_err(err, errlen, KZ_EINVAL, "%s: certificate names '%s', not node '%s'", path,
                       cn, node);
    return 0;
}

/* HKDF-SHA-256 of the ECDH secret of `priv` and `pub`, salted with the structure's hash. */
static int derive(EVP_PKEY *priv, EVP_PKEY *pub, const uint8_t sha[32], const char *label, int lo,
                  int hi, uint8_t out[32])
{
    uint8_t secret[64];
    size_t slen = sizeof secret;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(priv, NULL);
    int ok = c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, pub) == 1 &&
             EVP_PKEY_derive(c, secret, &slen) == 1;
    EVP_PKEY_CTX_free(c);
    if (!ok)
        return KZ_EIO;
    char info[64];
    int ilen = snprintf(info, sizeof info, "kizuna %s %d %d", label, lo, hi);
    size_t olen = 32;
    c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    ok = c && EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) == 1 &&
         EVP_PKEY_CTX_set1_hkdf_salt(c, sha, 32) == 1 &&
         EVP_PKEY_CTX_set1_hkdf_key(c, secret, (int)slen) == 1 &&
         EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)info, ilen) == 1 &&
         EVP_PKEY_derive(c, out, &olen) == 1;
    EVP_PKEY_CTX_free(c);
    OPENSSL_cleanse(secret, sizeof secret);
    return ok ? 0 : KZ_EIO;
}

int au_open(const struct kz_model *m, int me, const char *dir, const uint8_t sha[32],
            struct auth **out, char *err, size_t errlen)
{
    *out = NULL;
    int rc = KZ_ENOMEM;
    char path[4096];
    struct auth *a = calloc(1, sizeof *a);
    X509_STORE *store = X509_STORE_new();
    X509 *ca = NULL;
    if (!a || !store)
        goto fail;
    a->me = me;
    a->n = m->nnodes;
    a->pub = calloc(a->n, sizeof *a->pub);
    a->hop = calloc(a->n, sizeof *a->hop);
    a->orig = calloc(a->n, sizeof *a->orig);
    if (!a->pub || !a->hop || !a->orig)
        goto fail;
    snprintf(path, sizeof path, "%s/identity_ca.pem", dir);
    if (!(ca = read_cert(path))) {
        rc = set_err(err, errlen, KZ_ENOTFOUND, "%s: cannot read the identity CA", path);
        goto fail;
    }
    if (X509_STORE_add_cert(store, ca) != 1) {
        rc = set_err(err, errlen, KZ_EIO, "%s: cannot use the identity CA", path);
        goto fail;
    }
    X509 *mine = NULL;
    for (size_t i = 0; i < a->n; i++) {
        const char *id = m->nodes[i].id;
        snprintf(path, sizeof path, "%s/%s/cert.pem", dir, id);
        X509 *x = read_cert(path);
        if (!x) {
            rc = set_err(err, errlen, KZ_ENOTFOUND,
                         "%s: cannot read node %s's certificate (kizuna pki init makes it)", path,
                         id);
            goto fail;
        }
        rc = check_cert(store, x, id, path, err, errlen);
        if (!rc && !(a->pub[i] = X509_get_pubkey(x)))
            rc = set_err(err, errlen, KZ_EINVAL, "%s: no public key", path);
        if (!rc && EVP_PKEY_get_base_id(a->pub[i]) != EVP_PKEY_EC)
            rc = set_err(err, errlen, KZ_EINVAL, "%s: not an EC P-256 key", path);
        if ((int)i == me && !rc)
            mine = x;
        else
            X509_free(x);
        if (rc) {
            X509_free(mine);
            goto fail;
        }
    }
    snprintf(path, sizeof path, "%s/%s/key.pem", dir, m->nodes[me].id);
    BIO *b = BIO_new_file(path, "r");
    a->key = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    X509_free(mine);
    if (!a->key) {
        rc = set_err(err, errlen, KZ_ENOTFOUND, "%s: cannot read this node's private key", path);
        goto fail;
    }
    if (EVP_PKEY_eq(a->key, a->pub[me]) != 1) {
        rc = set_err(err, errlen, KZ_EINVAL, "%s: the key does not match %s's certificate", path,
                     m->nodes[me].id);
        goto fail;
    }
    for (size_t i = 0; i < a->n; i++) {
        int lo = me < (int)i ? me : (int)i, hi = me < (int)i ? (int)i : me;
        if ((rc = derive(a->key, a->pub[i], sha, "hop", lo, hi, a->hop[i])) ||
            (rc = derive(a->key, a->pub[i], sha, "origin", lo, hi, a->orig[i]))) {
            rc = set_err(err, errlen, rc, "cannot derive the key shared with %s",
                         m->nodes[i].id);
            goto fail;
        }
    }
    if ((rc = derive(a->key, a->pub[me], sha, "ticket", me, me, a->ticket))) {
        rc = set_err(err, errlen, rc, "cannot derive the ticket key");
        goto fail;
    }
    a->hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    a->mctx = a->hmac ? EVP_MAC_CTX_new(a->hmac) : NULL;
    a->sha = EVP_MD_fetch(NULL, "SHA256", NULL);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                            (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};
    if (!a->mctx || !a->sha || EVP_MAC_CTX_set_params(a->mctx, params) != 1) {
        rc = set_err(err, errlen, KZ_EIO, "cannot set up HMAC-SHA-256");
        goto fail;
    }
    X509_free(ca);
    X509_STORE_free(store);
    *out = a;
    return 0;
fail:
    if (rc == KZ_ENOMEM)
        set_err(err, errlen, rc, "out of memory");
    X509_free(ca);
    X509_STORE_free(store);
    au_close(a);
    return rc;
}

void au_close(struct auth *a)
{
    if (!a)
        return;
    for (size_t i = 0; a->pub && i < a->n; i++)
        EVP_PKEY_free(a->pub[i]);
    EVP_PKEY_free(a->key);
    if (a->hop)
        OPENSSL_cleanse(a->hop, a->n * sizeof *a->hop);
    if (a->orig)
        OPENSSL_cleanse(a->orig, a->n * sizeof *a->orig);
    OPENSSL_cleanse(a->ticket, sizeof a->ticket);
    EVP_MAC_CTX_free(a->mctx);
    EVP_MAC_free(a->hmac);
    EVP_MD_free(a->sha);
    free(a->pub);
    free(a->hop);
    free(a->orig);
    free(a);
}

static void mac(const struct auth *a, const uint8_t key[32], const void *data, size_t n,
                uint8_t out[AU_MAC])
{
    size_t len = 0;
    /* re-keying the one context is cheap: no allocation, no algorithm lookup */
    if (EVP_MAC_init(a->mctx, key, 32, NULL) != 1 || EVP_MAC_update(a->mctx, data, n) != 1 ||
        EVP_MAC_final(a->mctx, out, &len, AU_MAC) != 1 || len != AU_MAC) {
        memset(out, 0, AU_MAC); /* never matches a real MAC: the sample is refused */
        ERR_clear_error();
    }
}

static bool mac_ok(const struct auth *a, const uint8_t key[32], const void *data, size_t n,
                   const uint8_t want[AU_MAC])
{
    uint8_t got[AU_MAC];
    mac(a, key, data, n, got);
    return CRYPTO_memcmp(got, want, AU_MAC) == 0;
}

void au_hop_mac(const struct auth *a, int peer, const void *data, size_t n, uint8_t out[AU_MAC])
{
    mac(a, a->hop[peer], data, n, out);
}

bool au_hop_ok(const struct auth *a, int peer, const void *data, size_t n,
               const uint8_t want[AU_MAC])
{
    return peer >= 0 && (size_t)peer < a->n && peer != a->me && mac_ok(a, a->hop[peer], data, n, want);
}

void au_origin_mac(const struct auth *a, int peer, const void *data, size_t n,
                   uint8_t out[AU_MAC])
{
    mac(a, a->orig[peer], data, n, out);
}

bool au_origin_mac_ok(const struct auth *a, int peer, const void *data, size_t n,
                      const uint8_t want[AU_MAC])
{
    return peer >= 0 && (size_t)peer < a->n && mac_ok(a, a->orig[peer], data, n, want);
}

void au_ticket(const struct auth *a, const void *data, size_t n, uint8_t t[AU_MAC])
{
    mac(a, a->ticket, data, n, t);
}

int au_sign(const struct auth *a, const void *data, size_t n, uint8_t sig[AU_SIG_MAX],
            uint8_t *len)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t l = AU_SIG_MAX;
    int ok = c && EVP_DigestSignInit(c, NULL, a->sha, NULL, a->key) == 1 &&
             EVP_DigestSign(c, sig, &l, data, n) == 1;
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    if (!ok || l > AU_SIG_MAX)
        return KZ_EIO;
    *len = (uint8_t)l;
    return 0;
}

bool au_verify(const struct auth *a, int origin, const void *data, size_t n, const uint8_t *sig,
               size_t len)
{
    if (origin < 0 || (size_t)origin >= a->n || len == 0 || len > AU_SIG_MAX)
        return false;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestVerifyInit(c, NULL, a->sha, NULL, a->pub[origin]) == 1 &&
             EVP_DigestVerify(c, sig, len, data, n) == 1;
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    return ok;
}
