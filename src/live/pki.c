/* pki.c - DDS Security PKI from a structure: two CAs, node identities, signed governance and
 * per-node permissions (OpenSSL libcrypto), and the Cyclone <Security> element that uses them. */
/* realpath is XSI, beyond the _POSIX_C_SOURCE the build sets. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "kizuna/error.h"
#include "kizuna/live.h"
#include "kizuna/pki.h"
#include "kizuna/util.h"
#include "model/model_impl.h"
#include "pki_impl.h"
#include "util/xml_esc.h"

#define VALID_FROM_S (-3600L)
#define VALID_DAYS   3650L
#define DOMAIN_MIN   0
#define DOMAIN_MAX   230 /* Cyclone's highest usable domain id is 232; keep the documented 230 */

/* The topics a node may use, on the partitions of its own networks (include/kizuna/live.h). */
static const char *const topics[] = {"kz_msg", "kz_track", "kz_ack"};

static const char schema_ns[] = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
static const char gov_xsd[] =
    "http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_governance.xsd";
static const char perm_xsd[] =
    "http://www.omg.org/spec/DDS-SECURITY/20170901/omg_shared_ca_permissions.xsd";

/* ---- growable text -------------------------------------------------------- */

/* A text under construction; after an allocation failure it only records `oom`. */
struct text {
    char *p;
    size_t n, cap;
    bool oom;
};

static void text_add(struct text *t, const char *s, size_t n)
{
    if (t->oom)
        return;
    char *p = kz_grow(t->p, &t->cap, t->n + n + 1, 1);
    if (!p) {
        t->oom = true;
        return;
    }
    t->p = p;
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
    text_add(t, s, strlen(s));
}

/* Appends s escaped as an attribute value (xml_entity), so ids, names and paths cannot change a
 * document's structure wherever they are written. */
static void text_xml(struct text *t, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = xml_entity((unsigned char)*s, true);
        if (rep) {
            text_add(t, run, (size_t)(s - run));
            text_puts(t, rep);
            run = s + 1;
        }
    }
    text_add(t, run, (size_t)(s - run));
}

/* ---- the PKI being made ---------------------------------------------------- */

/* Fills err with what failed and the OpenSSL reason, then empties OpenSSL's (per-thread) error
 * queue so that nothing stale is reported later, by us or by Cyclone in the same thread. */
int pki_fail(struct pki *P, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char reason[256] = "no detail from OpenSSL";
    if (e)
        ERR_error_string_n(e, reason, sizeof reason);
    ERR_clear_error();
    kz_set_err(P->err, P->errlen, "%s: %s", what, reason);
    return KZ_EIO;
}

int pki_oom(struct pki *P)
{
    kz_set_err(P->err, P->errlen, "out of memory");
    return KZ_ENOMEM;
}

/* dir/a or dir/a/b (b may be NULL) in a fresh allocation, or NULL. */
char *pki_path(const char *dir, const char *a, const char *b)
{
    size_t n = strlen(dir) + strlen(a) + (b ? strlen(b) + 1 : 0) + 2;
    char *p = malloc(n);
    if (p && b)
        snprintf(p, n, "%s/%s/%s", dir, a, b);
    else if (p)
        snprintf(p, n, "%s/%s", dir, a);
    return p;
}

/* Ids become directory names: letters, digits, '-', '_', '.' (the loader's rule), but never "."
 * or ".." (which the loader accepts), which would put a node's key outside its own directory. */
bool pki_safe_id(const char *id)
{
    if (!*id || !strcmp(id, ".") || !strcmp(id, ".."))
        return false;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= 'A' && *id <= 'Z') ||
              (*id >= '0' && *id <= '9') || *id == '-' || *id == '_' || *id == '.'))
            return false;
    return true;
}

/*
 * The structure name as an OU value. Cyclone compares a grant's subject with the certificate's
 * by splitting both at ',', '/', '|' and '=' without honouring RFC 2253 escapes, so a name
 * holding one of those could never match; those, what RFC 2253 would escape ('+', '"', '\',
 * '<', '>', ';', '#', leading or trailing spaces) and non-ASCII bytes become '_', which keeps
 * the subject the same plain string everywhere. X.509 limits an OU to 64 characters.
 */
static void ou_of(const char *name, char *ou)
{
    size_t n = 0;
    for (; *name && n < PKI_UB_OU; name++) {
        unsigned char c = (unsigned char)*name;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.' || (c == ' ' && n > 0);
        ou[n++] = ok ? (char)c : '_';
    }
    while (n > 0 && ou[n - 1] == ' ') /* RFC 2253 would escape a trailing space */
        n--;
    if (n == 0)
        ou[n++] = '_';
    ou[n] = '\0';
}

/* mkdir -p; the last component gets `mode`, the parents 0755. */
int pki_mkdirs(struct pki *P, const char *dir, mode_t mode)
{
    char *p = strdup(dir);
    if (!p)
        return pki_oom(P);
    /* "out/" names "out": trailing slashes would make the last mkdir a parent's. */
    for (size_t n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
        p[n - 1] = '\0';
    int rc = 0;
    for (char *s = p + 1;; s++) {
        bool last = *s == '\0';
        if (*s != '/' && !last)
            continue;
        *s = '\0';
        if (mkdir(p, last ? mode : 0755) != 0 && errno != EEXIST) {
            kz_set_err(P->err, P->errlen, "cannot create directory '%s': %s", p, strerror(errno));
            rc = KZ_EIO;
            break;
        }
        if (last)
            break;
        *s = '/';
    }
    struct stat st;
    if (rc == 0 && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
        kz_set_err(P->err, P->errlen, "'%s' is not a directory", dir);
        rc = KZ_EIO;
    }
    free(p);
    return rc;
}

/*
 * Writes data to dir/rel (rel may hold one '/'). Private keys get mode 0600 from creation on,
 * never a moment more open; `excl` refuses an existing file.
 */
int pki_write_file(struct pki *P, const char *rel, const void *data, size_t len, bool secret,
                   bool excl)
{
    char *path = pki_path(P->dir, rel, NULL);
    if (!path)
        return pki_oom(P);
    int rc = 0;
    /* No following a symlink planted in a directory that existed before us. */
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (excl ? O_EXCL : O_TRUNC);
    int fd = open(path, flags, secret ? 0600 : 0644);
    if (fd < 0) {
        kz_set_err(P->err, P->errlen, "cannot create '%s': %s", path, strerror(errno));
        rc = KZ_EIO;
        goto out_path;
    }
    /* A key file left by an earlier, failed run keeps its old mode through O_TRUNC. */
    if (secret && fchmod(fd, 0600) != 0) {
        kz_set_err(P->err, P->errlen, "cannot chmod '%s': %s", path, strerror(errno));
        rc = KZ_EIO;
        goto out_fd;
    }
    for (const char *s = data; len > 0;) {
        ssize_t w = write(fd, s, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            kz_set_err(P->err, P->errlen, "cannot write '%s': %s", path,
                       strerror(w < 0 ? errno : EIO));
            rc = KZ_EIO;
            goto out_fd;
        }
        s += w;
        len -= (size_t)w;
    }
out_fd:
    if (close(fd) != 0 && rc == 0) {
        kz_set_err(P->err, P->errlen, "cannot write '%s': %s", path, strerror(errno));
        rc = KZ_EIO;
    }
    if (rc != 0)
        unlink(path);
out_path:
    free(path);
    return rc;
}

/* Writes what a memory BIO holds to dir/rel. */
int pki_write_bio(struct pki *P, const char *rel, BIO *b, bool secret, bool excl)
{
    char *data;
    long n = BIO_get_mem_data(b, &data);
    if (n <= 0)
        return pki_fail(P, rel);
    return pki_write_file(P, rel, data, (size_t)n, secret, excl);
}

/* Writes a certificate (key NULL) or a private key, PEM. */
int pki_write_pem(struct pki *P, const char *rel, X509 *cert, EVP_PKEY *key, bool excl)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return pki_fail(P, rel);
    int rc;
    if (cert ? !PEM_write_bio_X509(b, cert)
             : !PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL))
        rc = pki_fail(P, rel);
    else
        rc = pki_write_bio(P, rel, b, key != NULL, excl);
    BIO_free(b);
    return rc;
}

/* ---- keys and certificates ------------------------------------------------- */

/* An EC P-256 (prime256v1) key: one of the two kinds Cyclone's builtin authentication plugin
 * accepts (the other is RSA-2048), and much faster to make. */
int pki_make_key(struct pki *P, const char *what, EVP_PKEY **out)
{
    *out = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    return *out ? 0 : pki_fail(P, what);
}

/* A random positive 127-bit serial: unique per CA without keeping a counter anywhere. */
static bool set_serial(X509 *x)
{
    BIGNUM *bn = BN_new();
    bool ok = bn && BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
              BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    return ok;
}

/* One extension by name (or OID) and value in OpenSSL's configuration syntax. */
static bool add_ext(X509 *x, X509 *issuer, const char *name, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_nconf(NULL, &ctx, name, value);
    bool ok = e && X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok;
}

void pki_validity_now(struct pki *P)
{
    P->not_before = time(NULL) + VALID_FROM_S;
    P->not_after = P->not_before + VALID_DAYS * 86400L;
}

int pki_make_cert(struct pki *P, const char *what, EVP_PKEY *key, const struct pki_subject *s,
                  X509 *issuer, EVP_PKEY *issuer_key, bool ca, const char *const *ext, X509 **out)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    if (!x || !name)
        goto fail;
    const char *const rdn[][2] = {{"O", s->o}, {"OU", s->ou}, {"CN", s->cn}};
    for (size_t i = 0; i < 3; i++)
        if (!X509_NAME_add_entry_by_txt(name, rdn[i][0], MBSTRING_UTF8,
                                        (const unsigned char *)rdn[i][1], -1, -1, 0))
            goto fail;
    if (!X509_set_version(x, X509_VERSION_3) || !set_serial(x) ||
        !ASN1_TIME_set(X509_getm_notBefore(x), P->not_before) ||
        !ASN1_TIME_set(X509_getm_notAfter(x), P->not_after) || !X509_set_subject_name(x, name) ||
        !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) ||
        !X509_set_pubkey(x, key))
        goto fail;
    X509 *iss = issuer ? issuer : x;
    bool ok = ca ? add_ext(x, iss, "basicConstraints", "critical,CA:TRUE") &&
                       add_ext(x, iss, "keyUsage", "critical,keyCertSign,cRLSign,digitalSignature")
                 : add_ext(x, iss, "basicConstraints", "critical,CA:FALSE") &&
                       add_ext(x, iss, "keyUsage", "critical,digitalSignature");
    if (!ok || !add_ext(x, iss, "subjectKeyIdentifier", "hash") ||
        !add_ext(x, iss, "authorityKeyIdentifier", "keyid:always"))
        goto fail;
    for (; ext && ext[0]; ext += 2)
        if (!add_ext(x, iss, ext[0], ext[1]))
            goto fail;
    if (!X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()))
        goto fail;
    X509_NAME_free(name);
    *out = x;
    return 0;
fail:
    X509_NAME_free(name);
    X509_free(x);
    return pki_fail(P, what);
}

/* The subject exactly as Cyclone's access control prints it (X509_NAME_print_ex, RFC 2253) to
 * compare with a grant's <subject_name>; a fresh allocation, or NULL. */
static char *subject_rfc2253(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *s = NULL, *data;
    if (b && X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
        long n = BIO_get_mem_data(b, &data);
        if (n >= 0 && (s = malloc((size_t)n + 1)) != NULL) {
            memcpy(s, data, (size_t)n);
            s[n] = '\0';
        }
    }
    BIO_free(b);
    return s;
}

/* ---- documents ------------------------------------------------------------- */

/*
 * Signs `xml` with the permissions CA as `openssl smime -sign -text` does (clear-signed
 * multipart/signed, detached PKCS#7, text/plain canonical form), which is what Cyclone's access
 * control reads with SMIME_read_PKCS7 and checks with PKCS7_verify(PKCS7_TEXT), and writes it
 * to dir/rel.
 */
static int write_signed(struct pki *P, const char *rel, const struct text *xml)
{
    const int flags = PKCS7_TEXT | PKCS7_DETACHED;
    int rc;
    PKCS7 *p7 = NULL;
    BIO *out = NULL, *in = BIO_new_mem_buf(xml->p, (int)xml->n);
    if (!in || !(out = BIO_new(BIO_s_mem())))
        goto fail;
    if (!(p7 = PKCS7_sign(P->perm_ca, P->perm_key, NULL, in, flags)))
        goto fail;
    /* Signing consumed the content; the clear-signed output repeats it. */
    if (BIO_reset(in) <= 0 || !SMIME_write_PKCS7(out, p7, in, flags))
        goto fail;
    rc = pki_write_bio(P, rel, out, false, false);
    goto out;
fail:
    rc = pki_fail(P, rel);
out:
    PKCS7_free(p7);
    BIO_free(out);
    BIO_free(in);
    return rc;
}

static void domains_xml(struct text *t, const char *indent)
{
    char s[160];
    snprintf(s, sizeof s, "%s<domains><id_range><min>%d</min><max>%d</max></id_range></domains>\n",
             indent, DOMAIN_MIN, DOMAIN_MAX);
    text_puts(t, s);
}

/*
 * The governance document: everyone authenticated (no unauthenticated participants, join
 * access control), discovery encrypted, liveliness and every RTPS message signed; kizuna's
 * topics ("kz_*") access-controlled, metadata signed and data encrypted; every other topic
 * access-controlled without crypto, so a topic no grant names cannot be used at all.
 */
static int governance(struct pki *P)
{
    struct text t = {0};
    text_puts(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dds ");
    text_puts(&t, schema_ns);
    text_puts(&t, " xsi:noNamespaceSchemaLocation=\"");
    text_puts(&t, gov_xsd);
    text_puts(&t, "\">\n  <domain_access_rules>\n    <domain_rule>\n");
    domains_xml(&t, "      ");
    text_puts(&t, "      <allow_unauthenticated_participants>false"
                  "</allow_unauthenticated_participants>\n"
                  "      <enable_join_access_control>true</enable_join_access_control>\n"
                  "      <discovery_protection_kind>ENCRYPT</discovery_protection_kind>\n"
                  "      <liveliness_protection_kind>SIGN</liveliness_protection_kind>\n"
                  "      <rtps_protection_kind>SIGN</rtps_protection_kind>\n"
                  "      <topic_access_rules>\n");
    static const struct {
        const char *expr, *protect, *meta, *data;
    } rules[] = {{"kz_*", "true", "SIGN", "ENCRYPT"}, {"*", "false", "NONE", "NONE"}};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        char s[1024];
        snprintf(s, sizeof s,
                 "        <topic_rule>\n"
                 "          <topic_expression>%s</topic_expression>\n"
                 "          <enable_discovery_protection>%s</enable_discovery_protection>\n"
                 "          <enable_liveliness_protection>%s</enable_liveliness_protection>\n"
                 "          <enable_read_access_control>true</enable_read_access_control>\n"
                 "          <enable_write_access_control>true</enable_write_access_control>\n"
                 "          <metadata_protection_kind>%s</metadata_protection_kind>\n"
                 "          <data_protection_kind>%s</data_protection_kind>\n"
                 "        </topic_rule>\n",
                 rules[i].expr, rules[i].protect, rules[i].protect, rules[i].meta, rules[i].data);
        text_puts(&t, s);
    }
    text_puts(&t, "      </topic_access_rules>\n    </domain_rule>\n  </domain_access_rules>\n"
                  "</dds>\n");
    int rc = t.oom ? pki_oom(P) : pki_write_file(P, "governance.xml", t.p, t.n, false, false);
    if (rc == 0)
        rc = write_signed(P, "governance.p7s", &t);
    free(t.p);
    return rc;
}

static void xml_date(char *buf, size_t n, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool on_network(const struct network *net, size_t node)
{
    for (size_t k = 0; k < net->members.n; k++)
        if (net->members.v[k].idx >= 0 && (size_t)net->members.v[k].idx == node)
            return true;
    return false;
}

/* <publish> or <subscribe>: kizuna's topics in the partitions of node's networks. */
static void criteria_xml(struct pki *P, struct text *t, const char *tag, size_t node)
{
    text_puts(t, "        <");
    text_puts(t, tag);
    text_puts(t, ">\n          <topics>\n");
    for (size_t i = 0; i < sizeof topics / sizeof topics[0]; i++) {
        text_puts(t, "            <topic>");
        text_puts(t, topics[i]);
        text_puts(t, "</topic>\n");
    }
    text_puts(t, "          </topics>\n          <partitions>\n");
    for (size_t n = 0; n < P->m->nnetworks; n++) {
        if (!on_network(&P->m->networks[n], node))
            continue;
        text_puts(t, "            <partition>" KZ_PARTITION_PREFIX);
        text_xml(t, P->m->networks[n].id);
        text_puts(t, "</partition>\n");
    }
    text_puts(t, "          </partitions>\n        </");
    text_puts(t, tag);
    text_puts(t, ">\n");
}

/*
 * NODE/permissions.xml and .p7s: one grant for the node's certificate subject. It may join the
 * domains and publish and subscribe kizuna's topics in the partitions of its own networks; the
 * default denies everything else. A node on no network keeps an allow rule with its domains
 * only (schema-valid: publish and subscribe are optional) and so can join but not communicate.
 */
static int permissions(struct pki *P, size_t node, X509 *cert)
{
    const char *id = P->m->nodes[node].id;
    char *subject = subject_rfc2253(cert);
    if (!subject)
        return pki_fail(P, "certificate subject");
    char from[32], to[32];
    xml_date(from, sizeof from, P->not_before);
    xml_date(to, sizeof to, P->not_after);

    bool any = false;
    for (size_t n = 0; n < P->m->nnetworks && !any; n++)
        any = on_network(&P->m->networks[n], node);

    struct text t = {0};
    text_puts(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dds ");
    text_puts(&t, schema_ns);
    text_puts(&t, " xsi:noNamespaceSchemaLocation=\"");
    text_puts(&t, perm_xsd);
    text_puts(&t, "\">\n  <permissions>\n    <grant name=\"");
    text_xml(&t, id);
    text_puts(&t, "\">\n      <subject_name>");
    text_xml(&t, subject);
    text_puts(&t, "</subject_name>\n      <validity>\n        <not_before>");
    text_puts(&t, from);
    text_puts(&t, "</not_before>\n        <not_after>");
    text_puts(&t, to);
    text_puts(&t, "</not_after>\n      </validity>\n      <allow_rule>\n");
    domains_xml(&t, "        ");
    if (any) {
        criteria_xml(P, &t, "publish", node);
        criteria_xml(P, &t, "subscribe", node);
    }
    text_puts(&t, "      </allow_rule>\n      <default>DENY</default>\n    </grant>\n"
                  "  </permissions>\n</dds>\n");
    free(subject);

    int rc = 0;
    char *xml_rel = pki_path(id, "permissions.xml", NULL),
         *p7_rel = pki_path(id, "permissions.p7s", NULL);
    if (t.oom || !xml_rel || !p7_rel)
        rc = pki_oom(P);
    if (rc == 0)
        rc = pki_write_file(P, xml_rel, t.p, t.n, false, false);
    if (rc == 0)
        rc = write_signed(P, p7_rel, &t);
    free(p7_rel);
    free(xml_rel);
    free(t.p);
    return rc;
}

/* NODE/: key.pem, cert.pem (signed by the identity CA; serverAuth, subjectAltName `san`),
 * permissions.xml and .p7s. */
static int node_files(struct pki *P, size_t i, const char *san)
{
    const char *id = P->m->nodes[i].id;
    int rc;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    char *dir = pki_path(P->dir, id, NULL), *key_rel = pki_path(id, "key.pem", NULL),
         *cert_rel = pki_path(id, "cert.pem", NULL);
    const struct pki_subject subj = {"kizuna", P->ou, id};
    const char *const ext[] = {"extendedKeyUsage", "serverAuth", "subjectAltName", san, NULL};
    if (!dir || !key_rel || !cert_rel) {
        rc = pki_oom(P);
        goto out;
    }
    if ((rc = pki_mkdirs(P, dir, 0700)) != 0 || (rc = pki_make_key(P, key_rel, &key)) != 0 ||
        (rc = pki_make_cert(P, cert_rel, key, &subj, P->id_ca, P->id_key, false, ext, &cert)) ||
        (rc = pki_write_pem(P, key_rel, NULL, key, false)) != 0 ||
        (rc = pki_write_pem(P, cert_rel, cert, NULL, false)) != 0)
        goto out;
    rc = permissions(P, i, cert);
out:
    X509_free(cert);
    EVP_PKEY_free(key);
    free(cert_rel);
    free(key_rel);
    free(dir);
    return rc;
}

/* Replacing a CA would orphan every identity it signed: the user must choose to. */
static int refuse_existing_ca(struct pki *P)
{
    char *ca_path = pki_path(P->dir, "identity_ca.pem", NULL);
    if (!ca_path)
        return pki_oom(P);
    int rc = KZ_EIO;
    struct stat st;
    if (lstat(ca_path, &st) == 0)
        kz_set_err(P->err, P->errlen,
                   "'%s' exists: refusing to replace a CA (remove it or choose another directory)",
                   ca_path);
    else if (errno != ENOENT)
        kz_set_err(P->err, P->errlen, "cannot check '%s': %s", ca_path, strerror(errno));
    else
        rc = 0;
    free(ca_path);
    return rc;
}

int kz_pki_init(const kz_model *m, const char *out_dir, char *err, size_t errlen)
{
    return kz_pki_init_san(m, out_dir, NULL, 0, err, errlen);
}

int kz_pki_init_san(const kz_model *m, const char *out_dir, const struct kz_pki_san *sans,
                    size_t nsans, char *err, size_t errlen)
{
    if (!m || !out_dir || !*out_dir || (nsans && !sans)) {
        kz_set_err(err, errlen, "kz_pki_init: no structure or no directory");
        return KZ_EINVAL;
    }
    struct pki P = {.m = m, .dir = out_dir, .err = err, .errlen = errlen};
    for (size_t i = 0; i < m->nnodes; i++)
        if (!pki_safe_id(m->nodes[i].id)) {
            kz_set_err(err, errlen, "node id '%s' cannot name a directory", m->nodes[i].id);
            return KZ_ECHECK;
        }
    int rc = pki_check_sans(m, sans, nsans, err, errlen);
    if (rc != 0)
        return rc;
    ou_of(m->name ? m->name : "", P.ou);
    pki_validity_now(&P);

    if ((rc = pki_mkdirs(&P, out_dir, 0700)) != 0) /* it will hold the CAs' private keys */
        return rc;
    if ((rc = refuse_existing_ca(&P)) != 0)
        return rc;

    const struct pki_subject id_s = {"kizuna", P.ou, "kizuna Identity CA"},
                             perm_s = {"kizuna", P.ou, "kizuna Permissions CA"};
    if ((rc = pki_make_key(&P, "identity CA key", &P.id_key)) != 0 ||
        (rc = pki_make_cert(&P, "identity CA certificate", P.id_key, &id_s, NULL, NULL, true, NULL,
                            &P.id_ca)) != 0 ||
        (rc = pki_make_key(&P, "permissions CA key", &P.perm_key)) != 0 ||
        (rc = pki_make_cert(&P, "permissions CA certificate", P.perm_key, &perm_s, NULL, NULL, true,
                            NULL, &P.perm_ca)) != 0)
        goto out;
    if ((rc = pki_write_pem(&P, "identity_ca_key.pem", NULL, P.id_key, false)) != 0 ||
        (rc = pki_write_pem(&P, "permissions_ca_key.pem", NULL, P.perm_key, false)) != 0 ||
        (rc = pki_write_pem(&P, "permissions_ca.pem", P.perm_ca, NULL, false)) != 0 ||
        (rc = governance(&P)) != 0)
        goto out;
    for (size_t i = 0; i < m->nnodes; i++)
        if ((rc = node_files(&P, i, pki_san_for(m, i, sans, nsans))) != 0)
            goto out;
    /* Last, and exclusively: a run that failed before here can simply be repeated, and two runs
     * racing on one directory cannot both succeed. */
    rc = pki_write_pem(&P, "identity_ca.pem", P.id_ca, NULL, true);
out:
    X509_free(P.perm_ca);
    EVP_PKEY_free(P.perm_key);
    X509_free(P.id_ca);
    EVP_PKEY_free(P.id_key);
    return rc;
}

/* ---- the Cyclone configuration ---------------------------------------------- */

/* The Cyclone config elements, the file each names (under DIR, or DIR/NODE when per node). */
static const struct {
    const char *open, *close, *file;
    bool per_node;
} sec_files[] = {
    {"<IdentityCA>", "</IdentityCA>", "identity_ca.pem", false},
    {"<IdentityCertificate>", "</IdentityCertificate>", "cert.pem", true},
    {"<PrivateKey>", "</PrivateKey>", "key.pem", true},
    {"<PermissionsCA>", "</PermissionsCA>", "permissions_ca.pem", false},
    {"<Governance>", "</Governance>", "governance.p7s", false},
    {"<Permissions>", "</Permissions>", "permissions.p7s", true},
};
#define NSEC (sizeof sec_files / sizeof sec_files[0])

/* A plugin's <Library>: init_NAME, finalize_NAME, path dds_security_LIB (the Debian loader finds
 * the bare name in its private plugin directory). */
static void library_xml(struct text *t, const char *name, const char *lib)
{
    text_puts(t, "<Library initFunction=\"init_");
    text_puts(t, name);
    text_puts(t, "\" finalizeFunction=\"finalize_");
    text_puts(t, name);
    text_puts(t, "\" path=\"dds_security_");
    text_puts(t, lib);
    text_puts(t, "\"/>");
}

int kz_pki_security_xml(const char *dir, const char *node, char *buf, size_t len, char *err,
                        size_t errlen)
{
    if (!dir || !node || !buf) {
        kz_set_err(err, errlen, "kz_pki_security_xml: no directory, node or buffer");
        return KZ_EINVAL;
    }
    if (!pki_safe_id(node)) {
        kz_set_err(err, errlen, "no identity for node '%s' under '%s'", node, dir);
        return KZ_ENOTFOUND;
    }
    char *abs[NSEC] = {NULL};
    int rc = 0;
    for (size_t i = 0; i < NSEC && rc == 0; i++) {
        char *p = sec_files[i].per_node ? pki_path(dir, node, sec_files[i].file)
                                        : pki_path(dir, sec_files[i].file, NULL);
        struct stat st;
        if (!p) {
            kz_set_err(err, errlen, "out of memory");
            rc = KZ_ENOMEM;
        } else if (!(abs[i] = realpath(p, NULL))) {
            bool gone = errno == ENOENT || errno == ENOTDIR;
            kz_set_err(err, errlen, "%s '%s': %s", gone ? "missing" : "cannot resolve", p,
                       strerror(errno));
            rc = gone ? KZ_ENOTFOUND : KZ_EIO;
        } else if (stat(abs[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            kz_set_err(err, errlen, "missing '%s': not a regular file", p);
            rc = KZ_ENOTFOUND;
        }
        free(p);
    }
    struct text t = {0};
    if (rc == 0) {
        text_puts(&t, "<Security><Authentication>");
        library_xml(&t, "authentication", "auth");
        for (size_t i = 0; i < NSEC; i++) {
            if (i == 3) { /* the first file of access control */
                text_puts(&t, "</Authentication><Cryptographic>");
                library_xml(&t, "crypto", "crypto");
                text_puts(&t, "</Cryptographic><AccessControl>");
                library_xml(&t, "access_control", "ac");
            }
            text_puts(&t, sec_files[i].open);
            text_puts(&t, "file:");
            text_xml(&t, abs[i]);
            text_puts(&t, sec_files[i].close);
        }
        text_puts(&t, "</AccessControl></Security>");
        if (t.oom) {
            kz_set_err(err, errlen, "out of memory");
            rc = KZ_ENOMEM;
        } else if (t.n + 1 > len) {
            kz_set_err(err, errlen, "the <Security> element for '%s' needs %zu bytes, have %zu",
                       node, t.n + 1, len);
            rc = KZ_ELIMIT;
        } else {
            memcpy(buf, t.p, t.n + 1);
        }
    }
    free(t.p);
    for (size_t i = 0; i < NSEC; i++)
        free(abs[i]);
    return rc;
}
