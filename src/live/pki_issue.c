/* pki_issue.c - kizuna pki client: a TAK client's certificate, its .p12 files and data package. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlwriter.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <zip.h>

#include "kizuna/error.h"
#include "kizuna/pki.h"
#include "kizuna/util.h"
#include "model/model_impl.h"
#include "pki_client.h"
#include "pki_impl.h"

#define TAK_TLS_PORT 8089 /* TAK's streaming TLS port (docs/tak.md) */
#define PASSWORD_LEN 16

/* ---- what is asked for ------------------------------------------------------------------- */

/* The highest classification any network of node `node` carries, and that network (-1: the
 * node is on no network, and holds nothing above U from others). */
static int node_ceiling(const kz_model *m, int node, int *net)
{
    int top = CL_U;
    *net = -1;
    for (size_t n = 0; n < m->nnetworks; n++)
        for (size_t k = 0; k < m->networks[n].members.n; k++)
            if (m->networks[n].members.v[k].idx == node && (int)m->networks[n].ceiling > top) {
                top = (int)m->networks[n].ceiling;
                *net = (int)n;
            }
    if (*net < 0) /* the first network that carries `top`, to name it */
        for (size_t n = 0; n < m->nnetworks && *net < 0; n++)
            for (size_t k = 0; k < m->networks[n].members.n; k++)
                if (m->networks[n].members.v[k].idx == node)
                    *net = (int)n;
    return top;
}

/* The first DNS name or IP address of the node certificate's subjectAltName into buf. */
static int host_of(struct pki *P, const char *pki_dir, const char *node, char *buf, size_t len)
{
    char *path = pki_path(pki_dir, node, "cert.pem");
    if (!path)
        return pki_oom(P);
    X509 *x = NULL;
    int rc = pki_read_pem(P, path, &x, NULL);
    GENERAL_NAMES *gn = rc ? NULL : X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    buf[0] = '\0';
    for (int i = 0; gn && i < sk_GENERAL_NAME_num(gn) && !buf[0]; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gn, i);
        const unsigned char *d =
            g->type == GEN_DNS || g->type == GEN_IPADD ? ASN1_STRING_get0_data(g->d.ia5) : NULL;
        int n = d ? ASN1_STRING_length(g->d.ia5) : 0;
        if (g->type == GEN_DNS && n > 0 && (size_t)n < len && !memchr(d, '\0', (size_t)n))
            snprintf(buf, len, "%.*s", n, (const char *)d);
        else if (g->type == GEN_IPADD && (n == 4 || n == 16))
            inet_ntop(n == 4 ? AF_INET : AF_INET6, d, buf, (socklen_t)len);
    }
    if (rc == 0 && !buf[0]) {
        kz_set_err(P->err, P->errlen,
                   "'%s' names no host (a PKI made before kizuna pki init --san): a TAK client "
                   "cannot check it; make the PKI again, or give --host",
                   path);
        rc = KZ_ECHECK;
    }
    GENERAL_NAMES_free(gn);
    X509_free(x);
    free(path);
    return rc;
}

/* 16 characters from an alphabet without look-alikes (0/O, 1/l/I), from the CSPRNG. */
static int make_password(struct pki *P, char *buf)
{
    static const char abc[] = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXYZ2345679";
    const unsigned lim = 256 - 256 % (sizeof abc - 1); /* no bias: reject the tail */
    for (size_t n = 0; n < PASSWORD_LEN;) {
        unsigned char b[32];
        if (RAND_bytes(b, sizeof b) != 1)
            return pki_fail(P, "random password");
        for (size_t i = 0; i < sizeof b && n < PASSWORD_LEN; i++)
            if (b[i] < lim)
                buf[n++] = abc[b[i] % (sizeof abc - 1)];
    }
    buf[PASSWORD_LEN] = '\0';
    return 0;
}

/* ---- the data package ---------------------------------------------------------------------- */

/* An in-memory document being written with libxml2's writer (which escapes what it writes). */
struct xdoc {
    xmlBufferPtr buf;
    xmlTextWriterPtr w;
    bool bad;
};

static void x_open(struct xdoc *d)
{
    d->buf = xmlBufferCreate();
    d->w = d->buf ? xmlNewTextWriterMemory(d->buf, 0) : NULL;
    d->bad = !d->w || xmlTextWriterSetIndent(d->w, 1) < 0 ||
             xmlTextWriterStartDocument(d->w, NULL, "UTF-8", "yes") < 0;
}

static void x_start(struct xdoc *d, const char *el)
{
    d->bad = d->bad || xmlTextWriterStartElement(d->w, BAD_CAST el) < 0;
}

static void x_attr(struct xdoc *d, const char *name, const char *v)
{
    d->bad = d->bad || xmlTextWriterWriteAttribute(d->w, BAD_CAST name, BAD_CAST v) < 0;
}

static void x_end(struct xdoc *d)
{
    d->bad = d->bad || xmlTextWriterEndElement(d->w) < 0;
}

/* One ATAK preference: <entry key= class="class java.lang.TYPE">value</entry>. */
static void x_entry(struct xdoc *d, const char *key, const char *type, const char *v)
{
    char cls[48];
    snprintf(cls, sizeof cls, "class java.lang.%s", type);
    x_start(d, "entry");
    x_attr(d, "key", key);
    x_attr(d, "class", cls);
    d->bad = d->bad || xmlTextWriterWriteString(d->w, BAD_CAST v) < 0;
    x_end(d);
}

/* Ends the document; its text stays in d->buf (freed by x_free). */
static bool x_close(struct xdoc *d)
{
    d->bad = d->bad || xmlTextWriterEndDocument(d->w) < 0;
    xmlFreeTextWriter(d->w); /* flushes into d->buf */
    d->w = NULL;
    return !d->bad;
}

static void x_free(struct xdoc *d)
{
    xmlFreeTextWriter(d->w);
    xmlBufferFree(d->buf);
}

/* What the package needs to say. */
struct package {
    const char *callsign, *node, *connect, *password, *zip_name;
    char p12_entry[128], trust_entry[64], pref_entry[128];
    char uid[37];
};

/*
 * certs/CALLSIGN.pref: the connection and where the certificates are, in the layout of the
 * data packages taky (tkuester/taky, taky/cli/build_client_cmd.py) and TAK Server's
 * deployments (pvarki/python-tak-rmapi's templates) hand to ATAK: preference "cot_streams"
 * with connectString0 HOST:PORT:ssl, and "com.atakmap.app_preferences" with caLocation,
 * certificateLocation ("cert/NAME": where ATAK keeps imported certificates) and the passwords.
 */
static bool pref_xml(const struct package *k, struct xdoc *d)
{
    char desc[160], p12[160];
    snprintf(desc, sizeof desc, "kizuna %s", k->node);
    snprintf(p12, sizeof p12, "cert/%s.p12", k->callsign);
    x_open(d);
    x_start(d, "preferences");
    x_start(d, "preference");
    x_attr(d, "version", "1");
    x_attr(d, "name", "cot_streams");
    x_entry(d, "count", "Integer", "1");
    x_entry(d, "description0", "String", desc);
    x_entry(d, "enabled0", "Boolean", "true");
    x_entry(d, "connectString0", "String", k->connect);
    x_end(d);
    x_start(d, "preference");
    x_attr(d, "version", "1");
    x_attr(d, "name", "com.atakmap.app_preferences");
    x_entry(d, "displayServerConnectionWidget", "Boolean", "true");
    x_entry(d, "caLocation", "String", "cert/truststore.p12");
    x_entry(d, "caPassword", "String", k->password);
    x_entry(d, "certificateLocation", "String", p12);
    x_entry(d, "clientPassword", "String", k->password);
    x_entry(d, "locationCallsign", "String", k->callsign);
    x_end(d);
    x_end(d);
    return x_close(d);
}

/* MANIFEST/manifest.xml: a MissionPackageManifest version 2 listing the three files. */
static bool manifest_xml(const struct package *k, struct xdoc *d)
{
    char name[160];
    snprintf(name, sizeof name, "kizuna-%s-%s", k->node, k->callsign);
    const char *const params[][2] = {
        {"uid", k->uid}, {"name", name}, {"onReceiveImport", "true"}, {"onReceiveDelete", "true"}};
    const char *const entries[] = {k->pref_entry, k->trust_entry, k->p12_entry};
    x_open(d);
    x_start(d, "MissionPackageManifest");
    x_attr(d, "version", "2");
    x_start(d, "Configuration");
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        x_start(d, "Parameter");
        x_attr(d, "name", params[i][0]);
        x_attr(d, "value", params[i][1]);
        x_end(d);
    }
    x_end(d);
    x_start(d, "Contents");
    for (size_t i = 0; i < 3; i++) {
        x_start(d, "Content");
        x_attr(d, "ignore", "false");
        x_attr(d, "zipEntry", entries[i]);
        x_end(d);
    }
    x_end(d);
    x_end(d);
    return x_close(d);
}

/* A random (version 4) UUID, as the package's uid. */
static int make_uuid(struct pki *P, char *out)
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return pki_fail(P, "random uuid");
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    size_t n = 0;
    for (size_t i = 0; i < 16; i++) {
        n += (size_t)snprintf(out + n, 37 - n, "%02x", b[i]);
        if (i == 3 || i == 5 || i == 7 || i == 9)
            out[n++] = '-';
    }
    out[n] = '\0';
    return 0;
}

static int zip_fail(struct pki *P, const char *what, zip_error_t *ze)
{
    kz_set_err(P->err, P->errlen, "data package: %s: %s", what, zip_error_strerror(ze));
    return KZ_EIO;
}

/* Adds a copy of data[0..n) as `name`; false on failure (the archive says why). */
static bool zip_put(zip_t *za, const char *name, const void *data, size_t n)
{
    void *copy = malloc(n ? n : 1);
    if (!copy)
        return false;
    memcpy(copy, data, n);
    zip_source_t *s = zip_source_buffer(za, copy, n, 1); /* frees copy from now on */
    if (!s) {
        free(copy);
        return false;
    }
    if (zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(s);
        return false;
    }
    return true;
}

/*
 * Builds the zip in memory (libzip's buffer source) and writes it through pki_write_file, so
 * that the package, which holds a private key and its password, is 0600 from creation on.
 */
static int write_package(struct pki *P, const struct package *k, BIO *p12, BIO *trust)
{
    struct xdoc pref = {0}, man = {0};
    zip_error_t ze;
    zip_error_init(&ze);
    int rc = KZ_EIO;
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_t *za = NULL;
    char *p12d, *trustd, *out = NULL;
    long p12n = BIO_get_mem_data(p12, &p12d), trustn = BIO_get_mem_data(trust, &trustd);
    if (!pref_xml(k, &pref) || !manifest_xml(k, &man)) {
        kz_set_err(P->err, P->errlen, "data package: libxml2 could not write the XML");
        goto out;
    }
    if (!src)
        return zip_fail(P, "memory", &ze);
    zip_source_keep(src); /* it outlives the archive: the zip is read back from it */
    if (!(za = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) {
        rc = zip_fail(P, "open", &ze);
        goto out;
    }
    if (!zip_put(za, "MANIFEST/manifest.xml", xmlBufferContent(man.buf),
                 (size_t)xmlBufferLength(man.buf)) ||
        !zip_put(za, k->pref_entry, xmlBufferContent(pref.buf),
                 (size_t)xmlBufferLength(pref.buf)) ||
        !zip_put(za, k->trust_entry, trustd, (size_t)trustn) ||
        !zip_put(za, k->p12_entry, p12d, (size_t)p12n)) {
        rc = zip_fail(P, "add", zip_get_error(za));
        zip_discard(za);
        goto out;
    }
    if (zip_close(za) < 0) {
        rc = zip_fail(P, "close", zip_get_error(za));
        zip_discard(za);
        goto out;
    }
    zip_stat_t st;
    if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) {
        rc = zip_fail(P, "read back", zip_source_error(src));
        goto out;
    }
    if (!(out = malloc(st.size ? st.size : 1))) {
        zip_source_close(src);
        rc = pki_oom(P);
        goto out;
    }
    zip_int64_t got = zip_source_read(src, out, st.size);
    zip_source_close(src);
    if (got < 0 || (zip_uint64_t)got != st.size) {
        rc = zip_fail(P, "read back", zip_source_error(src));
        goto out;
    }
    rc = pki_write_file(P, k->zip_name, out, (size_t)st.size, true, true);
out:
    free(out);
    zip_source_free(src);
    x_free(&man);
    x_free(&pref);
    zip_error_fini(&ze);
    return rc;
}

/* ---- the certificate and its files ---------------------------------------------------------- */

/*
 * A PKCS#12 file of key+cert+CA (key NULL: the CA alone, a trust store), as PBE-SHA1-3DES with
 * a SHA-1 MAC: OpenSSL 3's default (AES-256-CBC under PBKDF2) is not read by every keystore a
 * TAK client may use (Java's keytool, openssl/openssl#17414); 3DES needs no legacy provider.
 */
static int make_p12(struct pki *P, const char *name, const char *pass, EVP_PKEY *key, X509 *cert,
                    X509 *ca, BIO **out)
{
    const int pbe = NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
    STACK_OF(X509) *cas = sk_X509_new_null();
    PKCS12 *p12 = NULL;
    *out = NULL;
    if (cas && sk_X509_push(cas, ca) > 0)
        p12 = PKCS12_create(pass, name, key, cert, cas, pbe, pbe, PKCS12_DEFAULT_ITER, -1, 0);
    /* The MAC separately: PKCS12_create would take SHA-256, which older keystores lack. */
    if (p12 && !PKCS12_set_mac(p12, pass, -1, NULL, 0, PKCS12_DEFAULT_ITER, EVP_sha1())) {
        PKCS12_free(p12);
        p12 = NULL;
    }
    sk_X509_free(cas); /* not the CA: the stack only borrowed it */
    BIO *b = p12 ? BIO_new(BIO_s_mem()) : NULL;
    bool ok = b && i2d_PKCS12_bio(b, p12) == 1;
    PKCS12_free(p12);
    if (!ok) {
        BIO_free(b);
        return pki_fail(P, name);
    }
    *out = b;
    return 0;
}

/* Nothing of this callsign's may be replaced; ca.pem may stay when it is this CA. */
static int refuse_existing(struct pki *P, const char *callsign, X509 *ca, bool *have_ca)
{
    static const char *const ext[] = {".pem", ".key", ".p12", ".zip"};
    char rel[128];
    struct stat st;
    for (size_t i = 0; i < 4; i++) {
        snprintf(rel, sizeof rel, "%s%s", callsign, ext[i]);
        char *p = pki_path(P->dir, rel, NULL);
        if (!p)
            return pki_oom(P);
        bool there = lstat(p, &st) == 0;
        if (there)
            kz_set_err(P->err, P->errlen,
                       "'%s' exists: refusing to replace a client's files (remove them or "
                       "choose another --out)",
                       p);
        free(p);
        if (there)
            return KZ_ECHECK;
    }
    char *p = pki_path(P->dir, "ca.pem", NULL);
    if (!p)
        return pki_oom(P);
    int rc = 0;
    *have_ca = lstat(p, &st) == 0;
    if (*have_ca) {
        X509 *old = NULL;
        if (pki_read_pem(P, p, &old, NULL) != 0 || X509_cmp(old, ca) != 0) {
            kz_set_err(P->err, P->errlen,
                       "'%s' is another CA's certificate: choose another --out for this PKI", p);
            rc = KZ_ECHECK;
        }
        X509_free(old);
    }
    free(p);
    return rc;
}

/* The identity CA and its key from pki_dir, which must belong together. */
static int load_ca(struct pki *P, const char *pki_dir)
{
    static const char *const f[] = {"identity_ca.pem", "identity_ca_key.pem"};
    for (size_t i = 0; i < 2; i++) {
        char *p = pki_path(pki_dir, f[i], NULL);
        if (!p)
            return pki_oom(P);
        struct stat st;
        int rc = 0;
        if (stat(p, &st) != 0) {
            kz_set_err(P->err, P->errlen,
                       "no '%s' (%s): --pki is the directory of kizuna pki init, with the identity "
                       "CA's key (docs/tak.md)",
                       p, strerror(errno));
            rc = KZ_ENOTFOUND;
        } else {
            rc =
                i == 0 ? pki_read_pem(P, p, &P->id_ca, NULL) : pki_read_pem(P, p, NULL, &P->id_key);
        }
        free(p);
        if (rc)
            return rc;
    }
    if (X509_check_private_key(P->id_ca, P->id_key) != 1) {
        ERR_clear_error();
        kz_set_err(P->err, P->errlen, "'%s': identity_ca_key.pem is not the key of identity_ca.pem",
                   pki_dir);
        return KZ_ECHECK;
    }
    return 0;
}

static void unlink_in(const char *dir, const char *name)
{
    char *p = pki_path(dir, name, NULL);
    if (p)
        unlink(p);
    free(p);
}

/* Checks what is asked and fills the resolved values: node, nation, clearance, connection. */
static int resolve(struct pki *P, const struct kz_pki_client_options *o, int *node, int *nation,
                   int *clearance, struct kz_pki_client_result *r)
{
    const kz_model *m = P->m;
    if ((*node = pki_node_index(m, o->node)) < 0) {
        pki_unknown_id(m, "node", o->node, "--node", P->err, P->errlen);
        return KZ_ECHECK;
    }
    if (!pki_safe_id(o->callsign) || strlen(o->callsign) > PKI_CALLSIGN_MAX) {
        kz_set_err(P->err, P->errlen,
                   "callsign '%s': at most %d letters, digits, '-', '_' and '.' (it names the "
                   "files and is the certificate's CN)",
                   o->callsign, PKI_CALLSIGN_MAX);
        return KZ_ECHECK;
    }
    *nation = o->nation ? pki_nation_index(m, o->nation) : m->nodes[*node].nation;
    if (*nation < 0) {
        pki_unknown_id(m, "nation", o->nation, "--nation", P->err, P->errlen);
        return KZ_ECHECK;
    }
    int net, top = node_ceiling(m, *node, &net);
    *clearance = top;
    if (o->clearance) {
        *clearance = -1;
        for (int i = 0; i < CL_COUNT; i++)
            if (!strcmp(o->clearance, kz_classif_names[i]))
                *clearance = i;
        if (*clearance < 0) {
            kz_set_err(P->err, P->errlen, "clearance '%s': one of U, C, S, TS", o->clearance);
            return KZ_ECHECK;
        }
        if (*clearance > top) {
            kz_set_err(P->err, P->errlen,
                       "clearance %s is above what node '%s' holds from its networks (%s%s%s%s): "
                       "it would never be used",
                       o->clearance, o->node, kz_classif_names[top],
                       net >= 0 ? ", network '" : ", on no network",
                       net >= 0 ? m->networks[net].id : "", net >= 0 ? "'" : "");
            return KZ_ECHECK;
        }
    }
    snprintf(r->nation, sizeof r->nation, "%s", m->nations[*nation].id);
    snprintf(r->clearance, sizeof r->clearance, "%s", kz_classif_names[*clearance]);
    if (o->host) {
        char san[300], e[300];
        snprintf(san, sizeof san, "DNS:%s", o->host);
        if (kz_pki_san_check(san, e, sizeof e) != 0) {
            snprintf(san, sizeof san, "IP:%s", o->host);
            if (kz_pki_san_check(san, e, sizeof e) != 0) {
                kz_set_err(P->err, P->errlen, "--host '%s': not a DNS name or an IP address",
                           o->host);
                return KZ_ECHECK;
            }
        }
        snprintf(r->connect, sizeof r->connect, "%s:%d:ssl", o->host,
                 o->port ? o->port : TAK_TLS_PORT);
    }
    if (o->password && (!*o->password || strlen(o->password) >= sizeof r->password)) {
        kz_set_err(P->err, P->errlen, "--p12-password: from 1 to %zu characters",
                   sizeof r->password - 1);
        return KZ_ECHECK;
    }
    return 0;
}

int kz_pki_client(const kz_model *m, const struct kz_pki_client_options *o,
                  struct kz_pki_client_result *r, char *err, size_t errlen)
{
    if (!m || !o || !r || !o->pki_dir || !o->node || !o->callsign || !o->out_dir || o->port < 0 ||
        o->port > 65535) {
        kz_set_err(err, errlen, "kz_pki_client: no structure, PKI, node, callsign or directory");
        return KZ_EINVAL;
    }
    memset(r, 0, sizeof *r);
    struct pki P = {.m = m, .dir = o->out_dir, .err = err, .errlen = errlen};
    int node, nation, clearance, rc;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    BIO *p12 = NULL, *trust = NULL;
    bool have_ca = false;
    char files[4][128]; /* CALLSIGN.key, .pem, .p12, .zip */
    static const char *const ext_of[] = {"key", "pem", "p12", "zip"};
    for (size_t i = 0; i < 4; i++)
        snprintf(files[i], sizeof files[i], "%.64s.%s", o->callsign, ext_of[i]);
    const char *f_key = files[0], *f_pem = files[1], *f_p12 = files[2];
    char host[256];
    if ((rc = resolve(&P, o, &node, &nation, &clearance, r)) != 0 ||
        (rc = load_ca(&P, o->pki_dir)) != 0)
        goto out;
    if (!o->host) { /* the CA is there: so should the node's certificate be */
        if ((rc = host_of(&P, o->pki_dir, o->node, host, sizeof host)) != 0)
            goto out;
        snprintf(r->connect, sizeof r->connect, "%s:%d:ssl", host,
                 o->port ? o->port : TAK_TLS_PORT);
    }
    if ((rc = pki_mkdirs(&P, o->out_dir, 0700)) != 0 ||
        (rc = refuse_existing(&P, o->callsign, P.id_ca, &have_ca)) != 0)
        goto out;
    if (o->password)
        snprintf(r->password, sizeof r->password, "%s", o->password);
    else if ((rc = make_password(&P, r->password)) != 0)
        goto out;

    pki_validity_now(&P);
    char cl[64];
    snprintf(cl, sizeof cl, "ASN1:UTF8String:%s", kz_classif_names[clearance]);
    const char *const ext[] = {"extendedKeyUsage", "clientAuth", PKI_CLIENT_CLEARANCE_OID, cl,
                               NULL};
    const struct pki_subject subj = {m->nations[nation].id, m->nodes[node].id, o->callsign};
    struct package k = {.callsign = o->callsign,
                        .node = o->node,
                        .connect = r->connect,
                        .password = r->password,
                        .zip_name = files[3]};
    snprintf(k.p12_entry, sizeof k.p12_entry, "certs/%s.p12", o->callsign);
    snprintf(k.pref_entry, sizeof k.pref_entry, "certs/%s.pref", o->callsign);
    snprintf(k.trust_entry, sizeof k.trust_entry, "certs/truststore.p12");
    if ((rc = pki_make_key(&P, f_key, &key)) != 0 ||
        (rc = pki_make_cert(&P, f_pem, key, &subj, P.id_ca, P.id_key, false, ext, &cert)) != 0 ||
        (rc = make_p12(&P, f_p12, r->password, key, cert, P.id_ca, &p12)) != 0 ||
        (rc = make_p12(&P, "truststore.p12", r->password, NULL, NULL, P.id_ca, &trust)) != 0 ||
        (rc = make_uuid(&P, k.uid)) != 0)
        goto out;
    if ((rc = pki_write_pem(&P, f_key, NULL, key, true)) != 0 ||
        (rc = pki_write_pem(&P, f_pem, cert, NULL, true)) != 0 ||
        (!have_ca && (rc = pki_write_pem(&P, "ca.pem", P.id_ca, NULL, false)) != 0) ||
        (rc = pki_write_bio(&P, f_p12, p12, true, true)) != 0 ||
        (rc = write_package(&P, &k, p12, trust)) != 0)
        goto out;
    snprintf(r->package, sizeof r->package, "%s", files[3]);
out:
    if (rc != 0 && key) /* refuse_existing saw none of these: whatever is there now is ours */
        for (size_t i = 0; i < 4; i++)
            unlink_in(o->out_dir, files[i]);
    BIO_free(trust);
    BIO_free(p12);
    X509_free(cert);
    EVP_PKEY_free(key);
    X509_free(P.id_ca);
    EVP_PKEY_free(P.id_key);
    if (rc != 0)
        memset(r->password, 0, sizeof r->password);
    return rc;
}
