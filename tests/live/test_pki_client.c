/* test_pki_client.c - TAK client certificates: what kizuna pki client issues, what
 * pki_client_identity admits and refuses, and that a client certificate cannot act as a node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "dds/dds.h"
#include "kizuna.h" /* idlc-generated: kz_Msg */
#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "kizuna/pki.h"
#include "live/pki_client.h"
#include "model/model_impl.h"
#include "files.h"
#include "pki_files.h"

#define EXAMPLE  KZ_SOURCE_DIR "/tests/data/example.yaml"
#define DOM_POSE 60 /* tests/pki.cmake: this test's own DDS domain (T-C's are 60-69) */

static char root[192]; /* ts_tempdir */
static char pki[256]; /* kizuna pki init of example.yaml */
static char clients[256];
static kz_model *ex;
static int usfj, jjoc;

static int node_of(const char *id)
{
    for (size_t i = 0; i < ex->nnodes; i++)
        if (!strcmp(ex->nodes[i].id, id))
            return (int)i;
    fail_msg("no node %s", id);
    return -1;
}

/* Issues CALLSIGN for node with the given nation and clearance (NULL: defaults). */
static int issue(const char *node, const char *callsign, const char *nation, const char *cl,
                 char *err, size_t errlen)
{
    struct kz_pki_client_options o = {.pki_dir = pki,
                                      .node = node,
                                      .callsign = callsign,
                                      .nation = nation,
                                      .clearance = cl,
                                      .out_dir = clients,
                                      .password = "test-pass"};
    struct kz_pki_client_result r;
    return kz_pki_client(ex, &o, &r, err, errlen);
}

static X509 *client_cert(const char *callsign)
{
    char p[256];
    ts_pathf(p, sizeof p, "%s/%s.pem", clients, callsign);
    return ts_read_cert(p);
}

static int setup(void **state)
{
    (void)state;
    kz_diags *d;
    if (kz_diags_create(&d) != KZ_OK || kz_model_load_file(EXAMPLE, &ex, d) != KZ_OK)
        return -1;
    kz_diags_destroy(d);
    usfj = node_of("usfj");
    jjoc = node_of("jjoc");
    if (ts_tempdir(root, sizeof root, "pki-client"))
        return -1;
    snprintf(pki, sizeof pki, "%s/pki", root);
    snprintf(clients, sizeof clients, "%s/clients", root);
    char err[512];
    const struct kz_pki_san san[] = {{"usfj", "DNS:usfj.example,IP:10.0.0.2"}};
    if (kz_pki_init_san(ex, pki, san, 1, err, sizeof err) != KZ_OK) {
        fprintf(stderr, "kz_pki_init_san: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kz_model_free(ex);
    return ts_rmtree(root);
}

/* ---- what is issued ------------------------------------------------------------------- */

static void issued_files(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(issue("usfj", "Viper-1", NULL, NULL, err, sizeof err), KZ_OK);
    static const struct {
        const char *ext;
        mode_t mode;
    } f[] = {{"pem", 0644}, {"key", 0600}, {"p12", 0600}, {"zip", 0600}};
    for (size_t i = 0; i < 4; i++) {
        char p[256];
        struct stat st;
        ts_pathf(p, sizeof p, "%s/Viper-1.%s", clients, f[i].ext);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 0777, f[i].mode);
        assert_true(st.st_size > 100);
    }
    /* The key is the certificate's, and the .p12 opens with the password and holds both. */
    char p[256];
    ts_pathf(p, sizeof p, "%s/Viper-1.key", clients);
    EVP_PKEY *k = ts_read_key(p);
    X509 *x = client_cert("Viper-1");
    assert_int_equal(X509_check_private_key(x, k), 1);
    ts_pathf(p, sizeof p, "%s/Viper-1.p12", clients);
    BIO *b = BIO_new_file(p, "rb");
    PKCS12 *p12 = d2i_PKCS12_bio(b, NULL);
    BIO_free(b);
    assert_non_null(p12);
    assert_int_equal(PKCS12_verify_mac(p12, "wrong", -1), 0);
    EVP_PKEY *pk = NULL;
    X509 *pc = NULL;
    STACK_OF(X509) *ca = NULL;
    assert_int_equal(PKCS12_parse(p12, "test-pass", &pk, &pc, &ca), 1);
    assert_int_equal(X509_cmp(pc, x), 0);
    assert_int_equal(EVP_PKEY_eq(pk, k), 1);
    assert_int_equal(sk_X509_num(ca), 1);
    ts_pathf(p, sizeof p, "%s/identity_ca.pem", pki);
    X509 *idca = ts_read_cert(p);
    assert_int_equal(X509_cmp(sk_X509_value(ca, 0), idca), 0);
    /* Signed by the identity CA; clientAuth only. */
    assert_int_equal(X509_verify(x, X509_get0_pubkey(idca)), 1);
    assert_true(X509_get_extension_flags(x) & EXFLAG_XKUSAGE);
    assert_int_equal(X509_get_extended_key_usage(x), XKU_SSL_CLIENT);
    sk_X509_pop_free(ca, X509_free);
    X509_free(pc);
    EVP_PKEY_free(pk);
    PKCS12_free(p12);
    X509_free(idca);
    X509_free(x);
    EVP_PKEY_free(k);
    /* A second issue of the same callsign into the same directory is refused, not replaced. */
    assert_int_equal(issue("usfj", "Viper-1", NULL, NULL, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "refusing to replace"));
}

/* ---- pki_client_identity -------------------------------------------------------------- */

static void identity_admitted(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(issue("usfj", "Hawk-2", "JPN", "C", err, sizeof err), KZ_OK);
    struct pki_client_id id;
    X509 *x = client_cert("Hawk-2");
    assert_int_equal(pki_client_identity(ex, usfj, x, &id, err, sizeof err), 0);
    assert_string_equal(id.callsign, "Hawk-2");
    assert_int_equal(id.node, usfj);
    assert_string_equal(ex->nations[id.nation].id, "JPN");
    assert_int_equal(id.clearance, KZ_CLASS_C);
    assert_string_equal(id.subject, "CN=Hawk-2,OU=usfj,O=JPN");
    X509_free(x);
    /* The defaults: the node's nation, the highest ceiling of its networks (bilateral: S). */
    x = client_cert("Viper-1");
    assert_int_equal(pki_client_identity(ex, usfj, x, &id, err, sizeof err), 0);
    assert_string_equal(ex->nations[id.nation].id, "USA");
    assert_int_equal(id.clearance, KZ_CLASS_S);
    X509_free(x);
}

static void identity_refused(void **state)
{
    (void)state;
    char err[512], p[256];
    struct pki_client_id id;
    /* Issued for usfj, presented at jjoc. */
    X509 *x = client_cert("Viper-1");
    assert_int_equal(pki_client_identity(ex, jjoc, x, &id, err, sizeof err), KZ_ECHECK);
    assert_string_equal(err, "certificate for 'Viper-1' was issued for node 'usfj', not 'jjoc'");
    X509_free(x);
    /* A node's identity certificate (serverAuth) is not a client's. */
    ts_pathf(p, sizeof p, "%s/usfj/cert.pem", pki);
    x = ts_read_cert(p);
    assert_int_equal(pki_client_identity(ex, usfj, x, &id, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "not a kizuna client certificate"));
    X509_free(x);
    /* The CA is not a client either. */
    ts_pathf(p, sizeof p, "%s/identity_ca.pem", pki);
    x = ts_read_cert(p);
    assert_int_equal(pki_client_identity(ex, usfj, x, &id, err, sizeof err), KZ_ECHECK);
    X509_free(x);
    assert_int_equal(pki_client_identity(ex, 99, NULL, &id, err, sizeof err), KZ_EINVAL);
}

/* A certificate signed by the identity CA with clientAuth but a subject or clearance of its
 * own making: what a CA-key holder misusing the PKI, or another tool, might produce. */
static X509 *forged(const char *o, const char *ou, const char *cn, const char *clearance)
{
    char p[256];
    ts_pathf(p, sizeof p, "%s/identity_ca.pem", pki);
    X509 *ca = ts_read_cert(p);
    ts_pathf(p, sizeof p, "%s/identity_ca_key.pem", pki);
    EVP_PKEY *cak = ts_read_key(p), *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    assert_true(k && x && n);
    assert_true(
        X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)o, -1, -1, 0));
    assert_true(
        X509_NAME_add_entry_by_txt(n, "OU", MBSTRING_UTF8, (const unsigned char *)ou, -1, -1, 0));
    assert_true(
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0));
    assert_true(X509_set_version(x, X509_VERSION_3) && X509_set_subject_name(x, n) &&
                X509_set_issuer_name(x, X509_get_subject_name(ca)) && X509_set_pubkey(x, k));
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509V3_CTX c;
    X509V3_set_ctx_nodb(&c);
    X509V3_set_ctx(&c, ca, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_nconf(NULL, &c, "extendedKeyUsage", "clientAuth");
    assert_non_null(e);
    assert_true(X509_add_ext(x, e, -1));
    X509_EXTENSION_free(e);
    if (clearance) {
        e = X509V3_EXT_nconf(NULL, &c, PKI_CLIENT_CLEARANCE_OID, clearance);
        assert_non_null(e);
        assert_true(X509_add_ext(x, e, -1));
        X509_EXTENSION_free(e);
    }
    assert_true(X509_sign(x, cak, EVP_sha256()) > 0);
    X509_NAME_free(n);
    EVP_PKEY_free(k);
    EVP_PKEY_free(cak);
    X509_free(ca);
    return x;
}

static void identity_forged(void **state)
{
    (void)state;
    static const struct {
        const char *o, *ou, *cn, *clearance, *reason;
    } c[] = {
        {"USA", "usfj", "Ok-1", "ASN1:UTF8String:S", NULL}, /* the control: all is well */
        {"USA", "usfj", "No-clearance", NULL, "carries no kizuna clearance"},
        {"USA", "usfj", "Top-1", "ASN1:UTF8String:TOP", "carries no kizuna clearance"},
        {"USA", "usfj", "Int-1", "ASN1:INTEGER:3", "carries no kizuna clearance"},
        {"FRA", "usfj", "Fr-1", "ASN1:UTF8String:S", "names nation 'FRA', which is not in"},
        {"USA", "usfk", "K-1", "ASN1:UTF8String:S", "names node 'usfk', which is not in"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        X509 *x = forged(c[i].o, c[i].ou, c[i].cn, c[i].clearance);
        struct pki_client_id id;
        char err[512] = "";
        int rc = pki_client_identity(ex, usfj, x, &id, err, sizeof err);
        if (!c[i].reason) {
            assert_int_equal(rc, 0);
            assert_int_equal(id.clearance, KZ_CLASS_S);
        } else {
            assert_int_equal(rc, KZ_ECHECK);
            if (!strstr(err, c[i].reason))
                fail_msg("%s: '%s' does not say '%s'", c[i].cn, err, c[i].reason);
        }
        X509_free(x);
    }
}

/* ---- refusals when issuing -------------------------------------------------------------- */

static void issue_refusals(void **state)
{
    (void)state;
    char err[512];
    assert_int_equal(issue("usfx", "A", NULL, NULL, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "did you mean 'usfj'?"));
    assert_int_equal(issue("usfj", "B", "FRA", NULL, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "no nation 'FRA'"));
    assert_int_equal(issue("usfj", "C", NULL, "TS", err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "above what node 'usfj' holds"));
    assert_int_equal(issue("usfj", "D", NULL, "X", err, sizeof err), KZ_ECHECK);
    assert_int_equal(issue("usfj", "a/b", NULL, NULL, err, sizeof err), KZ_ECHECK);
    assert_int_equal(issue("usfj", "..", NULL, NULL, err, sizeof err), KZ_ECHECK);
    /* No file of a refused request is left behind. */
    char p[256];
    ts_pathf(p, sizeof p, "%s/C.pem", clients);
    assert_int_not_equal(access(p, F_OK), 0);
    /* Without the CA key there is nothing to sign with. */
    struct kz_pki_client_options o = {
        .pki_dir = root, .node = "usfj", .callsign = "E", .out_dir = clients};
    struct kz_pki_client_result r;
    assert_int_equal(kz_pki_client(ex, &o, &r, err, sizeof err), KZ_ENOTFOUND);
    assert_non_null(strstr(err, "identity_ca.pem"));
    /* Names for node certificates: DNS and IP entries only. */
    assert_int_equal(kz_pki_san_check("DNS:a.example,IP:::1,IP:10.1.2.3", err, sizeof err), 0);
    assert_int_equal(kz_pki_san_check("URI:x", err, sizeof err), KZ_EINVAL);
    assert_int_equal(kz_pki_san_check("IP:10.1.2", err, sizeof err), KZ_EINVAL);
    assert_int_equal(kz_pki_san_check("DNS:a b", err, sizeof err), KZ_EINVAL);
    assert_int_equal(kz_pki_san_check("DNS:a,,IP:1.2.3.4", err, sizeof err), KZ_EINVAL);
}

/* The node certificates name the host a TAK client checks, and still serve DDS Security. */
static void node_names(void **state)
{
    (void)state;
    char p[256];
    static const struct {
        const char *node, *dns;
    } c[] = {{"usfj", "usfj.example"}, {"jjoc", "localhost"}};
    for (size_t i = 0; i < 2; i++) {
        ts_pathf(p, sizeof p, "%s/%s/cert.pem", pki, c[i].node);
        X509 *x = ts_read_cert(p);
        assert_int_equal(X509_check_host(x, c[i].dns, 0, 0, NULL), 1);
        assert_int_equal(X509_check_host(x, "elsewhere.example", 0, 0, NULL), 0);
        assert_int_equal(X509_get_extended_key_usage(x), XKU_SSL_SERVER);
        X509_free(x);
    }
    ts_pathf(p, sizeof p, "%s/jjoc/cert.pem", pki);
    X509 *x = ts_read_cert(p);
    assert_int_equal(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
    X509_free(x);
}

/* ---- a client certificate cannot pose as a node in DDS ---------------------------------- */

/* A copy of the PKI's layout in DIR/pose where usfj's certificate and key are the client's
 * (the permissions, governance and CAs are the real ones): what a client's holder could try. */
static void pose_dir(char *dir, size_t n, const char *callsign)
{
    ts_pathf(dir, n, "%s/pose-%s", root, callsign);
    char d[256], from[256], to[256];
    ts_pathf(d, sizeof d, "%s/usfj", dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(d, 0700), 0);
    static const char *const shared[] = {"identity_ca.pem", "permissions_ca.pem", "governance.p7s",
                                         "usfj/permissions.p7s"};
    for (size_t i = 0; i < 4; i++) {
        ts_pathf(from, sizeof from, "%s/%s", pki, shared[i]);
        ts_pathf(to, sizeof to, "%s/%s", dir, shared[i]);
        assert_int_equal(symlink(from, to), 0);
    }
    ts_pathf(from, sizeof from, "%s/%s.pem", clients, callsign);
    ts_pathf(to, sizeof to, "%s/usfj/cert.pem", dir);
    assert_int_equal(symlink(from, to), 0);
    ts_pathf(from, sizeof from, "%s/%s.key", clients, callsign);
    ts_pathf(to, sizeof to, "%s/usfj/key.pem", dir);
    assert_int_equal(symlink(from, to), 0);
}

/* A participant as usfj of `dir`: the handle, or the DDS error (negative). */
static dds_entity_t try_participant(const char *dir)
{
    char sec[4096], err[256], cfg[5000];
    assert_int_equal(kz_pki_security_xml(dir, "usfj", sec, sizeof sec, err, sizeof err), KZ_OK);
    ts_pathf(cfg, sizeof cfg,
          "<CycloneDDS><Domain Id=\"any\"><General><Interfaces>"
          "<NetworkInterface name=\"lo\" multicast=\"true\"/></Interfaces></General>%s"
          "</Domain></CycloneDDS>",
          sec);
    dds_entity_t dom = dds_create_domain(DOM_POSE, cfg);
    if (dom < 0)
        return dom;
    dds_entity_t pp = dds_create_participant(DOM_POSE, NULL, NULL);
    dds_entity_t tp = pp > 0 ? dds_create_topic(pp, &kz_Msg_desc, "kz_msg", NULL, NULL) : pp;
    assert_int_equal(dds_delete(dom), DDS_RETCODE_OK);
    return tp;
}

static void client_cannot_be_node(void **state)
{
    (void)state;
    /* The control: usfj's own identity joins and may create kizuna's topic. */
    assert_true(try_participant(pki) > 0);
    /* A client certificate of usfj with usfj's grant: the grant's subject is not its subject. */
    char dir[200];
    pose_dir(dir, sizeof dir, "Viper-1");
    assert_true(try_participant(dir) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(issued_files),          cmocka_unit_test(identity_admitted),
        cmocka_unit_test(identity_refused),      cmocka_unit_test(identity_forged),
        cmocka_unit_test(issue_refusals),        cmocka_unit_test(node_names),
        cmocka_unit_test(client_cannot_be_node),
    };
    return cmocka_run_group_tests_name("pki_client", tests, setup, teardown);
}
