/* test_pki.c - kizuna pki: certificates and signed documents check out with OpenSSL, grants hold
 * exactly a node's partitions, and Cyclone DDS Security enforces them (locally and on the wire). */
/* realpath is XSI, beyond the _POSIX_C_SOURCE the build sets. */
#define _XOPEN_SOURCE 700

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "dds/dds.h"
#include "kizuna.h" /* idlc-generated: kz_Msg */
#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "model/model_impl.h"
#include "files.h"
#include "pki_files.h"

#define EXAMPLE KZ_SOURCE_DIR "/tests/data/example.yaml"
/* Three networks: node a is on net-ab only, b on net-ab and net-bc; nobody else on net-ab. */
#define LINE KZ_SOURCE_DIR "/tests/data/sim/line.yaml"

/* Domain ids of their own, so that other DDS tests running in parallel are not peers; below
 * 101, so that their ports (7400 + 250 x domain + ...) stay under Linux's ephemeral range
 * (32768 and up), where another process's socket can already hold one ("address in use"). */
#define DOM_LOCAL  93
#define DOM_SECURE 91
#define DOM_PLAIN  92

#define SAMPLE_TEXT "kizuna pki end-to-end"

extern char **environ;

static char root[192];     /* ts_tempdir */
static char ex_dir[256];   /* PKI of example.yaml */
static char line_dir[256]; /* PKI of line.yaml */
static kz_model *ex, *line;

/* ---- helpers ------------------------------------------------------------- */

static kz_model *load(const char *path)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_file(path, &m, d), KZ_OK);
    kz_diags_destroy(d);
    return m;
}

static X509_STORE *store_of(const char *ca_path)
{
    X509_STORE *s = X509_STORE_new();
    assert_non_null(s);
    X509 *ca = ts_read_cert(ca_path);
    assert_int_equal(X509_STORE_add_cert(s, ca), 1);
    X509_free(ca);
    return s;
}

/* Whether cert_path chains to the CA in ca_path (full X.509 path validation). */
static bool cert_verifies(const char *ca_path, const char *cert_path)
{
    X509_STORE *s = store_of(ca_path);
    X509 *x = ts_read_cert(cert_path);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    assert_non_null(ctx);
    assert_int_equal(X509_STORE_CTX_init(ctx, s, x, NULL), 1);
    bool ok = X509_verify_cert(ctx) == 1;
    X509_STORE_CTX_free(ctx);
    X509_free(x);
    X509_STORE_free(s);
    ERR_clear_error();
    return ok;
}

/* Verifies S/MIME text (as read by Cyclone: SMIME_read_PKCS7, PKCS7_verify with PKCS7_TEXT)
 * against the CA in ca_path, with chain validation. Returns the signed content with the
 * canonical CRLF line ends turned back into LF (malloc'd), or NULL when it does not verify. */
static char *p7s_content(const char *ca_path, const char *smime, size_t len)
{
    X509_STORE *s = store_of(ca_path);
    BIO *in = BIO_new_mem_buf(smime, (int)len), *cont = NULL, *out = BIO_new(BIO_s_mem());
    assert_non_null(in);
    assert_non_null(out);
    char *res = NULL;
    PKCS7 *p7 = SMIME_read_PKCS7(in, &cont);
    if (p7 && cont && PKCS7_verify(p7, NULL, s, cont, out, PKCS7_TEXT) == 1) {
        char *data;
        long n = BIO_get_mem_data(out, &data);
        res = malloc((size_t)n + 1);
        assert_non_null(res);
        size_t k = 0;
        for (long i = 0; i < n; i++)
            if (data[i] != '\r')
                res[k++] = data[i];
        res[k] = '\0';
    }
    PKCS7_free(p7);
    BIO_free(cont);
    BIO_free(out);
    BIO_free(in);
    X509_STORE_free(s);
    ERR_clear_error();
    return res;
}

static void assert_signed_copy(const char *dir, const char *xml_rel, const char *p7s_rel)
{
    char ca[256], xp[256], pp[256];
    ts_pathf(ca, sizeof ca, "%s/permissions_ca.pem", dir);
    ts_pathf(xp, sizeof xp, "%s/%s", dir, xml_rel);
    ts_pathf(pp, sizeof pp, "%s/%s", dir, p7s_rel);
    size_t n;
    char *xml = ts_slurp(xp, NULL), *p7s = ts_slurp(pp, &n);
    char *content = p7s_content(ca, p7s, n);
    if (!content)
        fail_msg("%s does not verify against %s", pp, ca);
    assert_string_equal(content, xml);
    free(content);
    /* Signed by the permissions CA, not the identity CA: the roles are kept apart. */
    ts_pathf(ca, sizeof ca, "%s/identity_ca.pem", dir);
    assert_null(p7s_content(ca, p7s, n));
    free(p7s);
    free(xml);
}

/* The <partition> values of a permissions document, comma-joined in order, into buf. */
static void partitions_of(const char *xml, char *buf, size_t n)
{
    buf[0] = '\0';
    for (const char *p = xml; (p = strstr(p, "<partition>")) != NULL;) {
        p += strlen("<partition>");
        const char *e = strstr(p, "</partition>");
        assert_non_null(e);
        size_t used = strlen(buf);
        assert_true(used + (size_t)(e - p) + 2 < n);
        if (used)
            buf[used++] = ',';
        memcpy(buf + used, p, (size_t)(e - p));
        buf[used + (size_t)(e - p)] = '\0';
        p = e;
    }
}

static char *permissions_xml(const char *dir, const char *node)
{
    char p[256];
    ts_pathf(p, sizeof p, "%s/%s/permissions.xml", dir, node);
    return ts_slurp(p, NULL);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* ---- setup ---------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    if (ts_tempdir(root, sizeof root, "pki"))
        return -1;
    /* A directory that does not exist yet, two levels deep: mkdir -p semantics. */
    snprintf(ex_dir, sizeof ex_dir, "%s/ex/pki", root);
    snprintf(line_dir, sizeof line_dir, "%s/line", root);
    ex = load(EXAMPLE);
    line = load(LINE);
    char err[512] = "";
    if (kz_pki_init(ex, ex_dir, err, sizeof err) != KZ_OK ||
        kz_pki_init(line, line_dir, err, sizeof err) != KZ_OK) {
        fprintf(stderr, "kz_pki_init: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kz_model_free(ex);
    kz_model_free(line);
    return ts_rmtree(root);
}

/* ---- the files ------------------------------------------------------------ */

static void ca_certificates(void **state)
{
    (void)state;
    static const char *const names[] = {"identity", "permissions"};
    static const char *const cns[] = {"kizuna Identity CA", "kizuna Permissions CA"};
    for (int i = 0; i < 2; i++) {
        char cp[256], kp[256], want[128], got[256];
        ts_pathf(cp, sizeof cp, "%s/%s_ca.pem", ex_dir, names[i]);
        ts_pathf(kp, sizeof kp, "%s/%s_ca_key.pem", ex_dir, names[i]);
        X509 *x = ts_read_cert(cp);
        EVP_PKEY *k = ts_read_key(kp);
        assert_int_equal(X509_get_version(x), X509_VERSION_3);
        assert_true(X509_check_ca(x) >= 1);
        assert_int_equal(X509_check_issued(x, x), X509_V_OK); /* self-signed */
        assert_int_equal(X509_check_private_key(x, k), 1);
        assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_EC);
        X509_NAME_oneline(X509_get_subject_name(x), got, sizeof got);
        snprintf(want, sizeof want, "/O=kizuna/OU=example/CN=%s", cns[i]);
        assert_string_equal(got, want);
        /* Ten years, give or take a leap day. */
        int days, secs;
        assert_int_equal(
            ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(x), X509_get0_notAfter(x)), 1);
        assert_true(days >= 3650 && days <= 3653);
        assert_true(X509_cmp_current_time(X509_get0_notBefore(x)) < 0);
        assert_int_equal(mode_of(kp), 0600);
        EVP_PKEY_free(k);
        X509_free(x);
    }
    assert_int_equal(mode_of(ex_dir), 0700);
}

/* Every node of both structures: its certificate chains to the identity CA (and not to the
 * permissions CA), names it, matches its 0600 key, and its grant names the same subject. */
static void node_certificates(void **state)
{
    (void)state;
    const struct {
        const kz_model *m;
        const char *dir, *ou;
    } pkis[] = {{ex, ex_dir, "example"}, {line, line_dir, "line"}};
    for (size_t p = 0; p < 2; p++) {
        const kz_model *m = pkis[p].m;
        char id_ca[256], perm_ca[256];
        ts_pathf(id_ca, sizeof id_ca, "%s/identity_ca.pem", pkis[p].dir);
        ts_pathf(perm_ca, sizeof perm_ca, "%s/permissions_ca.pem", pkis[p].dir);
        assert_true(m->nnodes >= 6);
        for (size_t i = 0; i < m->nnodes; i++) {
            const char *id = m->nodes[i].id;
            char cp[256], kp[256], want[200], tag[300];
            ts_pathf(cp, sizeof cp, "%s/%s/cert.pem", pkis[p].dir, id);
            ts_pathf(kp, sizeof kp, "%s/%s/key.pem", pkis[p].dir, id);
            if (!cert_verifies(id_ca, cp))
                fail_msg("%s does not verify against %s", cp, id_ca);
            assert_false(cert_verifies(perm_ca, cp));
            X509 *x = ts_read_cert(cp);
            EVP_PKEY *k = ts_read_key(kp);
            assert_int_equal(X509_check_private_key(x, k), 1);
            assert_int_equal(X509_check_ca(x), 0);
            BIO *b = BIO_new(BIO_s_mem());
            assert_true(X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) > 0);
            char *s;
            long n = BIO_get_mem_data(b, &s);
            snprintf(want, sizeof want, "CN=%s,OU=%s,O=kizuna", id, pkis[p].ou);
            assert_int_equal((size_t)n, strlen(want));
            assert_memory_equal(s, want, strlen(want));
            BIO_free(b);
            char *xml = permissions_xml(pkis[p].dir, id);
            snprintf(tag, sizeof tag, "<subject_name>%s</subject_name>", want);
            assert_non_null(strstr(xml, tag));
            free(xml);
            assert_int_equal(mode_of(kp), 0600);
            EVP_PKEY_free(k);
            X509_free(x);
        }
    }
}

static void signed_documents(void **state)
{
    (void)state;
    assert_signed_copy(ex_dir, "governance.xml", "governance.p7s");
    assert_signed_copy(line_dir, "governance.xml", "governance.p7s");
    for (size_t i = 0; i < ex->nnodes; i++) {
        char x[128], p[128];
        ts_pathf(x, sizeof x, "%s/permissions.xml", ex->nodes[i].id);
        ts_pathf(p, sizeof p, "%s/permissions.p7s", ex->nodes[i].id);
        assert_signed_copy(ex_dir, x, p);
    }
    for (size_t i = 0; i < line->nnodes; i++) {
        char x[128], p[128];
        ts_pathf(x, sizeof x, "%s/permissions.xml", line->nodes[i].id);
        ts_pathf(p, sizeof p, "%s/permissions.p7s", line->nodes[i].id);
        assert_signed_copy(line_dir, x, p);
    }
    /* One changed byte of a grant's clear text breaks the signature. */
    char pp[256], ca[256];
    ts_pathf(pp, sizeof pp, "%s/jjoc/permissions.p7s", ex_dir);
    ts_pathf(ca, sizeof ca, "%s/permissions_ca.pem", ex_dir);
    size_t n;
    char *p7s = ts_slurp(pp, &n);
    char *hit = strstr(p7s, "kizuna.bilateral");
    assert_non_null(hit);
    hit[strlen("kizuna.bilatera")] = 'X';
    assert_null(p7s_content(ca, p7s, n));
    free(p7s);
}

static void governance_rules(void **state)
{
    (void)state;
    char p[256];
    ts_pathf(p, sizeof p, "%s/governance.xml", ex_dir);
    char *g = ts_slurp(p, NULL);
    static const char *const want[] = {
        "<domains><id_range><min>0</min><max>230</max></id_range></domains>",
        "<allow_unauthenticated_participants>false</allow_unauthenticated_participants>",
        "<enable_join_access_control>true</enable_join_access_control>",
        "<discovery_protection_kind>ENCRYPT</discovery_protection_kind>",
        "<liveliness_protection_kind>SIGN</liveliness_protection_kind>",
        "<rtps_protection_kind>SIGN</rtps_protection_kind>",
        "<topic_expression>kz_*</topic_expression>",
        "<data_protection_kind>ENCRYPT</data_protection_kind>",
        "<metadata_protection_kind>SIGN</metadata_protection_kind>",
        "<topic_expression>*</topic_expression>",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(g, want[i]))
            fail_msg("governance.xml lacks %s", want[i]);
    /* kz_* first (rules apply first match), and the fallback also controls access. */
    char *fallback = strstr(g, "<topic_expression>*</topic_expression>");
    assert_true(strstr(g, "<topic_expression>kz_*</topic_expression>") < fallback);
    assert_non_null(strstr(fallback, "<enable_read_access_control>true"));
    assert_non_null(strstr(fallback, "<enable_write_access_control>true"));
    assert_non_null(strstr(fallback, "<data_protection_kind>NONE"));
    free(g);
}

/* A grant holds exactly the partitions of the node's networks, for publish and subscribe. */
static void grants_follow_networks(void **state)
{
    (void)state;
    char parts[512];
    char *x = permissions_xml(ex_dir, "jjoc");
    partitions_of(x, parts, sizeof parts);
    assert_string_equal(parts, "kizuna.bilateral,kizuna.bilateral");
    assert_non_null(strstr(x, "<topic>kz_msg</topic>"));
    assert_non_null(strstr(x, "<topic>kz_track</topic>"));
    assert_non_null(strstr(x, "<topic>kz_ack</topic>"));
    assert_non_null(strstr(x, "<default>DENY</default>"));
    free(x);

    /* The prime minister is on no network: an allow rule with domains only. */
    x = permissions_xml(ex_dir, "pm");
    partitions_of(x, parts, sizeof parts);
    assert_string_equal(parts, "");
    assert_null(strstr(x, "<publish>"));
    assert_null(strstr(x, "<subscribe>"));
    assert_non_null(strstr(x, "<allow_rule>"));
    free(x);

    x = permissions_xml(line_dir, "b");
    partitions_of(x, parts, sizeof parts);
    assert_string_equal(parts, "kizuna.net-ab,kizuna.net-bc,kizuna.net-ab,kizuna.net-bc");
    assert_null(strstr(x, "kizuna.local"));
    free(x);
    x = permissions_xml(line_dir, "a");
    partitions_of(x, parts, sizeof parts);
    assert_string_equal(parts, "kizuna.net-ab,kizuna.net-ab");
    free(x);
    x = permissions_xml(line_dir, "c");
    partitions_of(x, parts, sizeof parts);
    assert_string_equal(parts, "kizuna.net-bc,kizuna.local,kizuna.net-bc,kizuna.local");
    free(x);
}

static void refusals(void **state)
{
    (void)state;
    char err[512] = "", p[256];
    ts_pathf(p, sizeof p, "%s/identity_ca.pem", ex_dir);
    char *before = ts_slurp(p, NULL);
    assert_int_equal(kz_pki_init(ex, ex_dir, err, sizeof err), KZ_EIO);
    assert_non_null(strstr(err, "identity_ca.pem"));
    char *after = ts_slurp(p, NULL);
    assert_string_equal(before, after); /* the CA was not touched */
    free(before);
    free(after);

    /* A run that fails part-way (a file where jjoc's directory should be) leaves no CA
     * behind, so that it can simply be repeated once the cause is gone. */
    char blocked[256], jjoc[256];
    ts_pathf(blocked, sizeof blocked, "%s/blocked", root);
    ts_pathf(jjoc, sizeof jjoc, "%s/jjoc", blocked);
    ts_pathf(p, sizeof p, "%s/identity_ca.pem", blocked);
    assert_int_equal(mkdir(blocked, 0700), 0);
    FILE *f = fopen(jjoc, "w");
    assert_non_null(f);
    fclose(f);
    err[0] = '\0';
    assert_int_equal(kz_pki_init(ex, blocked, err, sizeof err), KZ_EIO);
    assert_non_null(strstr(err, jjoc));
    assert_int_equal(access(p, F_OK), -1);
    assert_int_equal(unlink(jjoc), 0);
    assert_int_equal(kz_pki_init(ex, blocked, err, sizeof err), KZ_OK);
    assert_int_equal(access(p, F_OK), 0);

    char buf[4096];
    err[0] = '\0';
    assert_int_equal(kz_pki_security_xml(ex_dir, "nosuch", buf, sizeof buf, err, sizeof err),
                     KZ_ENOTFOUND);
    assert_non_null(strstr(err, "nosuch/cert.pem"));
    /* A node name cannot lead outside the PKI directory. */
    assert_int_equal(kz_pki_security_xml(ex_dir, "../ex", buf, sizeof buf, err, sizeof err),
                     KZ_ENOTFOUND);
    assert_int_equal(kz_pki_security_xml(ex_dir, "..", buf, sizeof buf, err, sizeof err),
                     KZ_ENOTFOUND);
    err[0] = '\0';
    assert_int_equal(kz_pki_security_xml(ex_dir, "jjoc", buf, 64, err, sizeof err), KZ_ELIMIT);
    assert_true(strlen(err) > 0);

    /* A missing file is named. */
    char from[256], to[256];
    ts_pathf(from, sizeof from, "%s/a/permissions.p7s", line_dir);
    ts_pathf(to, sizeof to, "%s/a/permissions.p7s.away", line_dir);
    assert_int_equal(rename(from, to), 0);
    err[0] = '\0';
    int rc = kz_pki_security_xml(line_dir, "a", buf, sizeof buf, err, sizeof err);
    assert_int_equal(rename(to, from), 0);
    assert_int_equal(rc, KZ_ENOTFOUND);
    assert_non_null(strstr(err, "a/permissions.p7s"));
}

/* The element names absolute, resolved file: URIs even for a roundabout directory name. */
static void security_element(void **state)
{
    (void)state;
    char buf[4096], err[256], dir[256], real[4096];
    ts_pathf(dir, sizeof dir, "%s/ex/./pki//", root);
    assert_int_equal(kz_pki_security_xml(dir, "jjoc", buf, sizeof buf, err, sizeof err), KZ_OK);
    assert_non_null(realpath(ex_dir, real));
    static const char *const want[][2] = {
        {"IdentityCA", "identity_ca.pem"}, {"IdentityCertificate", "jjoc/cert.pem"},
        {"PrivateKey", "jjoc/key.pem"},    {"PermissionsCA", "permissions_ca.pem"},
        {"Governance", "governance.p7s"},  {"Permissions", "jjoc/permissions.p7s"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char w[4400];
        snprintf(w, sizeof w, "<%s>file:%s/%s</%s>", want[i][0], real, want[i][1], want[i][0]);
        if (!strstr(buf, w))
            fail_msg("no %s in %s", w, buf);
    }
    assert_int_equal(strncmp(buf, "<Security>", 10), 0);
    assert_non_null(strstr(buf, "path=\"dds_security_auth\""));
    assert_non_null(strstr(buf, "initFunction=\"init_access_control\""));
    /* Exactly the size needed (with the NUL) is enough. */
    size_t need = strlen(buf) + 1;
    char *tight = malloc(need);
    assert_non_null(tight);
    assert_int_equal(kz_pki_security_xml(dir, "jjoc", tight, need, err, sizeof err), KZ_OK);
    assert_string_equal(tight, buf);
    assert_int_equal(kz_pki_security_xml(dir, "jjoc", tight, need - 1, err, sizeof err), KZ_ELIMIT);
    free(tight);
}

/* ---- DDS ------------------------------------------------------------------- */

/* The Cyclone configuration a node uses: loopback with multicast, plus <Security> for `node`
 * of the PKI in `dir` (NULL: no security). malloc'd. */
static char *dds_config(const char *dir, const char *node)
{
    char sec[4096] = "", err[256];
    if (dir && kz_pki_security_xml(dir, node, sec, sizeof sec, err, sizeof err) != KZ_OK)
        fail_msg("kz_pki_security_xml: %s", err);
    size_t n = strlen(sec) + 512;
    char *c = malloc(n);
    assert_non_null(c);
    snprintf(c, n,
             "<CycloneDDS><Domain Id=\"any\"><General><Interfaces>"
             "<NetworkInterface name=\"lo\" multicast=\"true\"/></Interfaces></General>%s"
             "</Domain></CycloneDDS>",
             sec);
    return c;
}

static dds_qos_t *partition_qos(const char *partition)
{
    dds_qos_t *q = dds_create_qos();
    dds_qset_partition1(q, partition);
    return q;
}

static dds_entity_t reader_in(dds_entity_t pp, dds_entity_t tp, const char *partition)
{
    dds_qos_t *q = partition_qos(partition);
    dds_entity_t sub = dds_create_subscriber(pp, q, NULL);
    dds_delete_qos(q);
    /* Cyclone checks a partition grant when the reader is made, not the subscriber. */
    if (sub < 0)
        fail_msg("dds_create_subscriber(%s): %s", partition, dds_strretcode(sub));
    dds_qos_t *rq = dds_create_qos();
    dds_qset_reliability(rq, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
    dds_entity_t rd = dds_create_reader(sub, tp, rq, NULL);
    dds_delete_qos(rq);
    return rd;
}

static dds_entity_t writer_in(dds_entity_t pp, dds_entity_t tp, const char *partition)
{
    dds_qos_t *q = partition_qos(partition);
    dds_entity_t pub = dds_create_publisher(pp, q, NULL);
    dds_delete_qos(q);
    /* Cyclone checks a partition grant when the writer is made, not the publisher. */
    if (pub < 0)
        fail_msg("dds_create_publisher(%s): %s", partition, dds_strretcode(pub));
    dds_qos_t *wq = dds_create_qos();
    dds_qset_reliability(wq, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
    dds_entity_t wr = dds_create_writer(pub, tp, wq, NULL);
    dds_delete_qos(wq);
    return wr;
}

/* A participant in a fresh domain instance configured for `node` of `dir`; *dom gets the
 * domain handle, to delete. */
static dds_entity_t participant(const char *dir, const char *node, dds_domainid_t id,
                                dds_entity_t *dom)
{
    char *cfg = dds_config(dir, node);
    *dom = dds_create_domain(id, cfg);
    free(cfg);
    if (*dom < 0)
        fail_msg("dds_create_domain(%u): %s", (unsigned)id, dds_strretcode(*dom));
    dds_entity_t pp = dds_create_participant(id, NULL, NULL);
    if (pp < 0)
        fail_msg("dds_create_participant(%u): %s", (unsigned)id, dds_strretcode(pp));
    return pp;
}

/* Cyclone's access control refuses, at creation, what a node's grant does not allow. */
static void dds_local_enforcement(void **state)
{
    (void)state;
    dds_entity_t dom, pp = participant(line_dir, "a", DOM_LOCAL, &dom);
    dds_entity_t tp = dds_create_topic(pp, &kz_Msg_desc, "kz_msg", NULL, NULL);
    assert_true(tp > 0);
    /* a is on net-ab ... */
    assert_true(reader_in(pp, tp, "kizuna.net-ab") > 0);
    assert_true(writer_in(pp, tp, "kizuna.net-ab") > 0);
    /* ... but not on net-bc or local, which exist in the structure. */
    assert_int_equal(reader_in(pp, tp, "kizuna.net-bc"), DDS_RETCODE_NOT_ALLOWED_BY_SECURITY);
    assert_int_equal(writer_in(pp, tp, "kizuna.local"), DDS_RETCODE_NOT_ALLOWED_BY_SECURITY);
    /* A wildcard partition is not the literal grant. */
    assert_int_equal(reader_in(pp, tp, "kizuna.*"), DDS_RETCODE_NOT_ALLOWED_BY_SECURITY);
    /* A topic no grant names is refused (the governance's "*" rule keeps access control on). */
    assert_int_equal(dds_create_topic(pp, &kz_Msg_desc, "intruder", NULL, NULL),
                     DDS_RETCODE_NOT_ALLOWED_BY_SECURITY);
    assert_int_equal(dds_delete(dom), DDS_RETCODE_OK);

    /* The prime minister of the example is on no network: it may join the domain, but its
     * grant names no topic, so it cannot even create kz_msg. */
    pp = participant(ex_dir, "pm", DOM_LOCAL, &dom);
    assert_int_equal(dds_create_topic(pp, &kz_Msg_desc, "kz_msg", NULL, NULL),
                     DDS_RETCODE_NOT_ALLOWED_BY_SECURITY);
    assert_int_equal(dds_delete(dom), DDS_RETCODE_OK);

    /* jjoc, on the bilateral network, reads there. */
    pp = participant(ex_dir, "jjoc", DOM_LOCAL, &dom);
    tp = dds_create_topic(pp, &kz_Msg_desc, "kz_msg", NULL, NULL);
    assert_true(tp > 0);
    assert_true(reader_in(pp, tp, "kizuna.bilateral") > 0);
    assert_int_equal(dds_delete(dom), DDS_RETCODE_OK);
}

/*
 * Child role (the test binary re-run with --role): a reader of kz_msg in `partition` on
 * domain `id`, secure as `node` of `dir` unless dir is "-". Exits 0 when it got a sample with
 * SAMPLE_TEXT within window_ms, 1 when it got nothing, 2 on a DDS error. One DDS domain
 * instance per process is all Cyclone allows per domain id, hence the separate processes.
 */
static int role_reader(const char *dir, const char *node, const char *partition, dds_domainid_t id,
                       int window_ms)
{
    char *cfg = dds_config(strcmp(dir, "-") ? dir : NULL, node);
    dds_entity_t dom = dds_create_domain(id, cfg);
    free(cfg);
    if (dom < 0) {
        fprintf(stderr, "role reader: dds_create_domain: %s\n", dds_strretcode(dom));
        return 2;
    }
    int rc = 2;
    dds_entity_t pp = dds_create_participant(id, NULL, NULL), tp = 0, rd = 0, ws = 0;
    if (pp < 0 || (tp = dds_create_topic(pp, &kz_Msg_desc, "kz_msg", NULL, NULL)) < 0 ||
        (rd = reader_in(pp, tp, partition)) < 0 || (ws = dds_create_waitset(pp)) < 0 ||
        dds_set_status_mask(rd, DDS_DATA_AVAILABLE_STATUS) < 0 ||
        dds_waitset_attach(ws, rd, rd) < 0) {
        const dds_return_t steps[] = {pp, tp, rd, ws};
        dds_return_t e = DDS_RETCODE_ERROR; /* status mask or attach */
        for (size_t i = 0; i < 4; i++)
            if (steps[i] < 0) {
                e = steps[i];
                break;
            }
        fprintf(stderr, "role reader: setup failed: %s\n", dds_strretcode(e));
        goto out;
    }
    rc = 1;
    dds_time_t end = dds_time() + DDS_MSECS(window_ms);
    while (rc == 1 && dds_time() < end) {
        dds_waitset_wait_until(ws, NULL, 0, end);
        kz_Msg m;
        void *b[1] = {&m};
        dds_sample_info_t si;
        while (rc == 1 && dds_take(rd, b, &si, 1, 1) == 1)
            if (si.valid_data && !strcmp(m.text, SAMPLE_TEXT))
                rc = 0;
    }
out:
    dds_delete(dom);
    return rc;
}

static pid_t spawn_reader(const char *dir, const char *node, const char *partition,
                          dds_domainid_t id, int window_ms)
{
    char ids[16], win[16];
    snprintf(ids, sizeof ids, "%u", (unsigned)id);
    snprintf(win, sizeof win, "%d", window_ms);
    char self[] = "test_pki", role[] = "--role", what[] = "reader";
    char *argv[] = {self, role, what, (char *)dir, (char *)node, (char *)partition, ids, win, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ);
    if (rc != 0)
        fail_msg("posix_spawn: %s", strerror(rc));
    return pid;
}

/* The child's exit code, or -1 when it is still running. */
static int reaped(pid_t pid)
{
    int st;
    pid_t r = waitpid(pid, &st, WNOHANG);
    if (r == 0)
        return -1;
    assert_int_equal(r, pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Writes SAMPLE_TEXT every 100 ms from writer node `node` (secure when dir is set) in
 * `partition` while any child runs, for at most limit_s. Fills codes[] with the children's
 * exit codes and first_write_s/exit_s[] with when writing began and each child ended; returns
 * how many readers the writer ever matched.
 */
static uint32_t write_while_children(const char *dir, const char *node, const char *partition,
                                     dds_domainid_t id, const pid_t *kids, int *codes,
                                     double *exit_s, size_t nkids, double limit_s,
                                     double *first_write_s)
{
    dds_entity_t dom, pp = participant(dir, node, id, &dom);
    dds_entity_t tp = dds_create_topic(pp, &kz_Msg_desc, "kz_msg", NULL, NULL);
    assert_true(tp > 0);
    dds_entity_t wr = writer_in(pp, tp, partition);
    assert_true(wr > 0);
    kz_Msg m;
    memset(&m, 0, sizeof m);
    snprintf(m.text, sizeof m.text, "%s", SAMPLE_TEXT);
    double t0 = now_s();
    *first_write_s = -1;
    for (size_t k = 0; k < nkids; k++)
        codes[k] = -1;
    for (;;) {
        size_t running = 0;
        for (size_t k = 0; k < nkids; k++) {
            if (codes[k] == -1 && (codes[k] = reaped(kids[k])) != -1)
                exit_s[k] = now_s();
            running += codes[k] == -1;
        }
        if (!running)
            break;
        if (now_s() - t0 > limit_s) {
            for (size_t k = 0; k < nkids; k++)
                if (codes[k] == -1) {
                    kill(kids[k], SIGKILL);
                    waitpid(kids[k], NULL, 0);
                }
            fail_msg("children still running after %.0f s", limit_s);
        }
        m.id++;
        assert_int_equal(dds_write(wr, &m), DDS_RETCODE_OK);
        if (*first_write_s < 0)
            *first_write_s = now_s();
        dds_sleepfor(DDS_MSECS(100));
    }
    dds_publication_matched_status_t st;
    assert_int_equal(dds_get_publication_matched_status(wr, &st), DDS_RETCODE_OK);
    assert_int_equal(dds_delete(dom), DDS_RETCODE_OK);
    return st.total_count;
}

/*
 * On the wire: a secure writer (line's a) and a secure reader (b, same network) in separate
 * processes exchange a sample within 10 s, while a participant without security on the same
 * domain id, listening in the same partition for more than 2 s of that writing, gets nothing.
 * A control run first shows that the plain reader does receive from a plain writer.
 */
static void dds_end_to_end(void **state)
{
    (void)state;
    int codes[2];
    double exit_s[2], first;

    pid_t kids[2] = {spawn_reader("-", "-", "kizuna.net-ab", DOM_PLAIN, 10000)};
    uint32_t matched = write_while_children(NULL, "-", "kizuna.net-ab", DOM_PLAIN, kids, codes,
                                            exit_s, 1, 20, &first);
    assert_int_equal(codes[0], 0); /* control: plain to plain works */
    assert_true(matched >= 1);

    kids[0] = spawn_reader(line_dir, "b", "kizuna.net-ab", DOM_SECURE, 10000);
    kids[1] = spawn_reader("-", "-", "kizuna.net-ab", DOM_SECURE, 5000);
    matched = write_while_children(line_dir, "a", "kizuna.net-ab", DOM_SECURE, kids, codes, exit_s,
                                   2, 20, &first);
    assert_int_equal(codes[0], 0);         /* secure b received a's sample */
    assert_int_equal(codes[1], 1);         /* the unauthenticated reader got nothing ... */
    assert_true(exit_s[1] - first >= 2.0); /* ... in over 2 s of writing */
    assert_int_equal(matched, 1);          /* and was never even matched: b was the only one */
}

int main(int argc, char **argv)
{
    if (argc == 8 && !strcmp(argv[1], "--role") && !strcmp(argv[2], "reader"))
        return role_reader(argv[3], argv[4], argv[5], (dds_domainid_t)strtoul(argv[6], NULL, 10),
                           atoi(argv[7]));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ca_certificates),        cmocka_unit_test(node_certificates),
        cmocka_unit_test(signed_documents),       cmocka_unit_test(governance_rules),
        cmocka_unit_test(grants_follow_networks), cmocka_unit_test(refusals),
        cmocka_unit_test(security_element),       cmocka_unit_test(dds_local_enforcement),
        cmocka_unit_test(dds_end_to_end),
    };
    return cmocka_run_group_tests_name("pki", tests, setup, teardown);
}
