/* pki_client.c - TAK client identities: reading a verified client certificate (pki_client.h),
 * and the names of node certificates (kizuna pki init --san). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kizuna/error.h"
#include "kizuna/pki.h"
#include "kizuna/util.h"
#include "model/model_impl.h"
#include "pki_client.h"
#include "pki_impl.h"

/* ---- ids of the structure ---------------------------------------------------------------- */

int pki_node_index(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].id, id))
            return (int)i;
    return -1;
}

int pki_nation_index(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnations; i++)
        if (!strcmp(m->nations[i].id, id))
            return (int)i;
    return -1;
}

void pki_unknown_id(const kz_model *m, const char *what, const char *id, const char *flag,
                    char *err, size_t errlen)
{
    bool node = !strcmp(what, "node");
    size_t n = node ? m->nnodes : m->nnations;
    const char **c = calloc(n ? n : 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        c[i] = node ? m->nodes[i].id : m->nations[i].id;
    const char *near = c ? kz_suggest(id, c, n) : NULL;
    kz_set_err(err, errlen, "no %s '%s' in structure '%s' for %s%s%s%s", what, id,
               m->name ? m->name : "", flag, near ? "; did you mean '" : "", near ? near : "",
               near ? "'?" : "");
    free(c);
}

/* The one entry of `nid` in `name` as UTF-8 into buf; false when there is none, more than one,
 * it does not fit, or it holds a NUL (which would let "a\0b" pass as "a"). */
static bool name_entry(X509_NAME *name, int nid, char *buf, size_t len)
{
    int at = X509_NAME_get_index_by_NID(name, nid, -1);
    if (at < 0 || X509_NAME_get_index_by_NID(name, nid, at) >= 0)
        return false;
    unsigned char *s = NULL;
    int n = ASN1_STRING_to_UTF8(&s, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
    bool ok = n > 0 && (size_t)n < len && memchr(s, '\0', (size_t)n) == NULL;
    if (ok) {
        memcpy(buf, s, (size_t)n);
        buf[n] = '\0';
    }
    OPENSSL_free(s);
    return ok;
}

/* The clearance extension's value; -1 when it is absent or not one of the four names. */
int pki_clearance_of(X509 *x)
{
    ASN1_OBJECT *oid = OBJ_txt2obj(PKI_CLIENT_CLEARANCE_OID, 1);
    int at = oid ? X509_get_ext_by_OBJ(x, oid, -1) : -1;
    ASN1_OBJECT_free(oid);
    if (at < 0)
        return -1;
    ASN1_OCTET_STRING *der = X509_EXTENSION_get_data(X509_get_ext(x, at));
    const unsigned char *p = ASN1_STRING_get0_data(der);
    long len = ASN1_STRING_length(der);
    ASN1_UTF8STRING *v = d2i_ASN1_UTF8STRING(NULL, &p, len);
    int cl = -1;
    /* The whole value, and nothing after it. */
    if (v && p == ASN1_STRING_get0_data(der) + len)
        for (int i = 0; i < CL_COUNT; i++)
            if ((size_t)ASN1_STRING_length(v) == strlen(kz_classif_names[i]) &&
                !memcmp(ASN1_STRING_get0_data(v), kz_classif_names[i], strlen(kz_classif_names[i])))
                cl = i;
    ASN1_UTF8STRING_free(v);
    ERR_clear_error(); /* a failed decode leaves an error the TLS layer must not see later */
    return cl;
}

static void subject_text(X509 *x, char *buf, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data;
    long n;
    buf[0] = '\0';
    if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0 &&
        (n = BIO_get_mem_data(b, &data)) > 0)
        snprintf(buf, len, "%.*s", (int)n, data);
    BIO_free(b);
}

static int identity_of(const kz_model *m, int me, X509 *peer, struct pki_client_id *id,
                       char *reason, size_t reasonlen);

int pki_client_identity(const kz_model *m, int me, X509 *peer, struct pki_client_id *id,
                        char *reason, size_t reasonlen)
{
    int rc = identity_of(m, me, peer, id, reason, reasonlen);
    /* Reading a certificate's extensions and names can leave errors in OpenSSL's (per-thread)
     * queue, e.g. a malformed extension; left there, they would be taken for the next TLS
     * call's (SSL_get_error reads the queue). Found by fuzz_pki_client. */
    ERR_clear_error();
    return rc;
}

static int identity_of(const kz_model *m, int me, X509 *peer, struct pki_client_id *id,
                       char *reason, size_t reasonlen)
{
    if (!m || !peer || !id || me < 0 || (size_t)me >= m->nnodes) {
        kz_set_err(reason, reasonlen, "pki_client_identity: no structure, certificate or node");
        return KZ_EINVAL;
    }
    memset(id, 0, sizeof *id);
    id->node = id->nation = -1;
    subject_text(peer, id->subject, sizeof id->subject);

    /* A client certificate says clientAuth and nothing else; a node's (serverAuth) or one of
     * another PKI's (no extendedKeyUsage at all, which OpenSSL lets pass as any purpose) is not
     * one, nor is a CA. */
    uint32_t xf = X509_get_extension_flags(peer);
    uint32_t xku = X509_get_extended_key_usage(peer);
    if (!(xf & EXFLAG_XKUSAGE) || !(xku & XKU_SSL_CLIENT) || (xku & XKU_SSL_SERVER) ||
        X509_check_ca(peer) != 0) {
        kz_set_err(reason, reasonlen,
                   "certificate '%s' is not a kizuna client certificate (extendedKeyUsage must be "
                   "clientAuth alone)",
                   id->subject);
        return KZ_ECHECK;
    }
    X509_NAME *name = X509_get_subject_name(peer);
    char node[128], nation[128];
    if (!name_entry(name, NID_commonName, id->callsign, sizeof id->callsign) ||
        !name_entry(name, NID_organizationalUnitName, node, sizeof node) ||
        !name_entry(name, NID_organizationName, nation, sizeof nation)) {
        kz_set_err(reason, reasonlen,
                   "certificate '%s' holds no kizuna client identity (one CN, OU and O: callsign, "
                   "node, nation)",
                   id->subject);
        return KZ_ECHECK;
    }
    const char *sname = m->name ? m->name : "";
    if ((id->node = pki_node_index(m, node)) < 0) {
        kz_set_err(reason, reasonlen,
                   "certificate for '%s' names node '%s', which is not in structure '%s'",
                   id->callsign, node, sname);
        return KZ_ECHECK;
    }
    if (id->node != me) {
        kz_set_err(reason, reasonlen, "certificate for '%s' was issued for node '%s', not '%s'",
                   id->callsign, node, m->nodes[me].id);
        return KZ_ECHECK;
    }
    if ((id->nation = pki_nation_index(m, nation)) < 0) {
        kz_set_err(reason, reasonlen,
                   "certificate for '%s' names nation '%s', which is not in structure '%s'",
                   id->callsign, nation, sname);
        return KZ_ECHECK;
    }
    int cl = pki_clearance_of(peer);
    if (cl < 0) {
        kz_set_err(reason, reasonlen,
                   "certificate for '%s' carries no kizuna clearance (extension %s: U, C, S or TS)",
                   id->callsign, PKI_CLIENT_CLEARANCE_OID);
        return KZ_ECHECK;
    }
    id->clearance = (enum kz_classification)cl;
    return 0;
}

/* ---- node names (kizuna pki init --san) -------------------------------------------------- */

static bool dns_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 253 || s[0] == '.' || s[0] == '-' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
            return false;
    return true;
}

int kz_pki_san_check(const char *names, char *err, size_t errlen)
{
    if (!names || !*names) {
        kz_set_err(err, errlen, "no names (DNS:NAME and IP:ADDRESS, comma-separated)");
        return KZ_EINVAL;
    }
    for (const char *p = names;; p++) {
        size_t n = strcspn(p, ",");
        char e[300];
        snprintf(e, sizeof e, "%.*s", (int)n, p);
        if (n == 0) {
            kz_set_err(err, errlen, "empty entry (DNS:NAME and IP:ADDRESS, comma-separated)");
            return KZ_EINVAL;
        }
        if (!strncmp(e, "DNS:", 4)) {
            if (!dns_name_ok(e + 4, strlen(e + 4))) {
                kz_set_err(err, errlen, "'%s': a DNS name has letters, digits, '-' and inner '.'",
                           e);
                return KZ_EINVAL;
            }
        } else if (!strncmp(e, "IP:", 3)) {
            unsigned char a[16];
            if (inet_pton(AF_INET, e + 3, a) != 1 && inet_pton(AF_INET6, e + 3, a) != 1) {
                kz_set_err(err, errlen, "'%s': not an IPv4 or IPv6 address", e);
                return KZ_EINVAL;
            }
        } else {
            kz_set_err(err, errlen, "'%s': only DNS:NAME and IP:ADDRESS entries", e);
            return KZ_EINVAL;
        }
        p += n;
        if (!*p)
            return 0;
    }
}

const char *pki_san_for(const kz_model *m, size_t i, const struct kz_pki_san *sans, size_t n)
{
    const char *all = KZ_PKI_SAN_DEFAULT;
    for (size_t k = 0; k < n; k++)
        if (!sans[k].node)
            all = sans[k].names;
        else if (!strcmp(sans[k].node, m->nodes[i].id))
            return sans[k].names;
    return all;
}

int pki_check_sans(const kz_model *m, const struct kz_pki_san *sans, size_t n, char *err,
                   size_t errlen)
{
    for (size_t k = 0; k < n; k++) {
        if (sans[k].node) {
            if (pki_node_index(m, sans[k].node) < 0) {
                pki_unknown_id(m, "node", sans[k].node, "--san NODE=", err, errlen);
                return KZ_EINVAL;
            }
        }
        char e[320];
        if (kz_pki_san_check(sans[k].names, e, sizeof e) != 0) {
            kz_set_err(err, errlen, "--san %s%s%s: %s", sans[k].node ? sans[k].node : "",
                       sans[k].node ? "=" : "", sans[k].names ? sans[k].names : "", e);
            return KZ_EINVAL;
        }
    }
    return 0;
}

int pki_read_pem(struct pki *P, const char *path, X509 **cert, EVP_PKEY **key)
{
    BIO *b = BIO_new_file(path, "r");
    bool ok = false;
    if (b && cert)
        ok = (*cert = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL;
    else if (b)
        ok = (*key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL)) != NULL;
    BIO_free(b);
    return ok ? 0 : pki_fail(P, path);
}
