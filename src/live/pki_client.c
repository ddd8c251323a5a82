/* pki_client.c - TAK client identities: reading a verified client certificate (pki_client.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "pki_client.h"
#include "model/model_impl.h"

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
static int clearance_of(X509 *x)
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
                !memcmp(ASN1_STRING_get0_data(v), kz_classif_names[i],
                        strlen(kz_classif_names[i])))
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

int pki_client_identity(const kz_model *m, int me, X509 *peer, struct pki_client_id *id,
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
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].id, node))
            id->node = (int)i;
    if (id->node < 0) {
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
    for (size_t i = 0; i < m->nnations; i++)
        if (!strcmp(m->nations[i].id, nation))
            id->nation = (int)i;
    if (id->nation < 0) {
        kz_set_err(reason, reasonlen,
                   "certificate for '%s' names nation '%s', which is not in structure '%s'",
                   id->callsign, nation, sname);
        return KZ_ECHECK;
    }
    int cl = clearance_of(peer);
    if (cl < 0) {
        kz_set_err(reason, reasonlen,
                   "certificate for '%s' carries no kizuna clearance (extension %s: U, C, S or TS)",
                   id->callsign, PKI_CLIENT_CLEARANCE_OID);
        return KZ_ECHECK;
    }
    id->clearance = (enum kz_classification)cl;
    return 0;
}
