/* cot_gw_test.c - the CoT gateway against OpenSSL clients on loopback: two nodes (us1, jp1 of
 * tests/data/live/bilateral.yaml) in child processes over DDS (domain 50), certificates from
 * kizuna pki client; refusals, keep-alive, the picture, release per client, reports in, the
 * alliance path, slow readers, malformed input, TAK protocol v1. */
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "cot_client.h"
#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "kizuna/pki.h"
#include "live/takproto.h"

#define BILATERAL KZ_SOURCE_DIR "/tests/data/live/bilateral.yaml"
#define DOMAIN    50

static kz_model *M;
static char ROOT[256], PKI[300], OTHER[300], J[300], CERTS[300];
static pid_t PID[2];
static int PORT[2]; /* us1, jp1 */
static int PLAIN;   /* us1's plain TCP port (taken as JPN, C) */
static const char *const NODES[2] = {"us1", "jp1"};

/* ---- set-up: certificates and nodes -------------------------------------------------------- */

static void issue(const char *pki, const char *node, const char *name, const char *nation,
                  const char *cls)
{
    char out[400], err[512] = "";
    snprintf(out, sizeof out, "%s/%s", CERTS, name);
    struct kz_pki_client_options o = {.pki_dir = pki,
                                      .node = node,
                                      .callsign = name,
                                      .nation = nation,
                                      .clearance = cls,
                                      .out_dir = out,
                                      .password = "test-password"};
    struct kz_pki_client_result r;
    if (kz_pki_client(M, &o, &r, err, sizeof err))
        fail_msg("kz_pki_client %s: %s", name, err);
}

static char *path(const char *name, const char *ext)
{
    static char buf[8][400];
    static int k;
    char *p = buf[k++ % 8];
    if (!strcmp(ext, "ca"))
        snprintf(p, 400, "%s/%s/ca.pem", CERTS, name);
    else
        snprintf(p, 400, "%s/%s/%s.%s", CERTS, name, name, ext);
    return p;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static volatile sig_atomic_t child_stop;
static void on_term(int sig)
{
    (void)sig;
    child_stop = 1;
}

/* Node `i` in a child process until SIGTERM; its port read from its log. */
static void start_node(int i)
{
    char log[400];
    snprintf(log, sizeof log, "%s/%s.log", ROOT, NODES[i]);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGTERM, on_term);
        FILE *f = fopen(log, "w");
        struct kz_node_options o = {0};
        o.node = NODES[i];
        o.journal_dir = J;
        o.automatic = true;
        o.speed = 1;
        o.secure_dir = PKI;
        o.domain = DOMAIN;
        o.week_min_utc = -1;
        o.phase = -1;
        o.seed = 1;
        o.stop = &child_stop;
        o.log = f;
        o.cot_addr = "127.0.0.1:0";
        if (i == 0) {
            o.cot_plain_addr = "127.0.0.1:0";
            o.cot_plain_as = "JPN:C";
        }
        o.cot_handshake_s = 1;
        o.cot_queue = 2500;
        char err[512] = "";
        int rc = kz_node_run(M, BILATERAL, &o, err, sizeof err);
        if (rc && f)
            fprintf(f, "kz_node_run: %s\n", err);
        if (f)
            fclose(f);
        exit(rc ? 1 : 0); /* exit, not _exit: under the sanitizers LeakSanitizer checks the node */
    }
    PID[i] = pid;
    for (int t = 0; t < 200 && (!PORT[i] || (i == 0 && !PLAIN)); t++) {
        nap_ms(50);
        FILE *f = fopen(log, "r");
        char line[600];
        while (f && fgets(line, sizeof line, f)) {
            char *p = strstr(line, "listening on 127.0.0.1:");
            if (p && strstr(p, "(TLS"))
                PORT[i] = atoi(p + strlen("listening on 127.0.0.1:"));
            else if (p && strstr(p, "(PLAIN TCP)"))
                PLAIN = atoi(p + strlen("listening on 127.0.0.1:"));
        }
        if (f)
            fclose(f);
    }
    if (!PORT[i])
        fail_msg("node %s did not say where it listens (%s)", NODES[i], log);
}

static int setup(void **state)
{
    (void)state;
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_model_load_file(BILATERAL, &M, d), 0);
    kz_diags_destroy(d);
    snprintf(ROOT, sizeof ROOT, "/tmp/kz_cot_gw.%d", (int)getpid());
    snprintf(PKI, sizeof PKI, "%s/pki", ROOT);
    snprintf(OTHER, sizeof OTHER, "%s/other-pki", ROOT);
    snprintf(J, sizeof J, "%s/j", ROOT);
    snprintf(CERTS, sizeof CERTS, "%s/certs", ROOT);
    char err[512] = "";
    assert_int_equal(kz_pki_init(M, PKI, err, sizeof err), 0);
    assert_int_equal(kz_pki_init(M, OTHER, err, sizeof err), 0);
    issue(PKI, "us1", "us-s", "USA", "S");
    issue(PKI, "us1", "us-u", "USA", "U");
    issue(PKI, "us1", "jp-at-us", "JPN", "S");
    issue(PKI, "us1", "us-s2", "USA", "S");
    issue(PKI, "jp1", "jp-s", "JPN", "S");
    issue(OTHER, "us1", "foreign", "USA", "S");
    start_node(0);
    start_node(1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < 2; i++)
        if (PID[i] > 0) {
            kill(PID[i], SIGTERM);
            int st = 0;
            waitpid(PID[i], &st, 0);
            if (!WIFEXITED(st) || WEXITSTATUS(st))
                fail_msg("node %s ended with status %d (see its log, KZ_KEEP=1)", NODES[i], st);
        }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", ROOT);
    if (!getenv("KZ_KEEP"))
        assert_int_equal(system(cmd), 0);
    kz_model_free(M);
    return 0;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static void connect_as(struct cc *c, int node, const char *name)
{
    if (cc_connect(c, PORT[node], path(name, "pem"), path(name, "key"), path(name, "ca")))
        fail_msg("%s to %s: %s", name, NODES[node], c->err);
}

/* The next event that is not control (announcements, pongs), within ms: 1, 0 or -1. */
static int next_item(struct cc *c, struct cot_event *ev, int ms)
{
    long long end = cc_now_ms() + ms;
    for (;;) {
        long long left = end - cc_now_ms();
        int r = cc_next(c, ev, left > 0 ? (int)left : 0);
        if (r <= 0 || ev->ctl == COT_CTL_NONE)
            return r;
    }
}

/* Reads for ms and says whether an item with this uid came (kept in *out if so). */
static bool saw(struct cc *c, const char *uid, int ms, struct cot_event *out)
{
    static struct cot_event ev;
    long long end = cc_now_ms() + ms;
    bool hit = false;
    while (cc_now_ms() < end) {
        int r = next_item(c, &ev, (int)(end - cc_now_ms()));
        if (r <= 0)
            break;
        if (!strcmp(ev.uid, uid)) {
            hit = true;
            if (out)
                *out = ev;
            if (out)
                break;
        }
    }
    return hit;
}

static void command(int node, const char *text)
{
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    char err[512] = "";
    int64_t seq = 0;
    int rc = kz_live_command(M, J, NODES[node], "cot_gw_test", "cmd", text, strlen(text), d, &seq,
                             err, sizeof err);
    kz_diags_destroy(d);
    if (rc)
        fail_msg("command %s: %s", text, err);
    struct kz_verdict v;
    assert_int_equal(kz_live_wait(J, NODES[node], seq, 10, &v, err, sizeof err), 0);
    if (v.state != KZ_VERDICT_ACCEPTED)
        fail_msg("command %s: not accepted (%d): %s", text, (int)v.state, v.reason);
}

struct jfind {
    const char *what, *needle;
    bool hit;
    char text[600];
};

static int jr_cb(void *ctx, const struct kz_journal_event *e)
{
    struct jfind *f = ctx;
    if ((!f->what || !strcmp(e->what, f->what)) && e->text && strstr(e->text, f->needle)) {
        f->hit = true;
        snprintf(f->text, sizeof f->text, "%s", e->text);
        return 1;
    }
    return 0;
}

/* Waits at most secs for an event of node's journal (what, text containing needle). */
static bool journal_has(int node, const char *what, const char *needle, double secs, char *text)
{
    char p[400], err[300];
    snprintf(p, sizeof p, "%s/%s.db", J, NODES[node]);
    long long end = cc_now_ms() + (long long)(secs * 1000);
    do {
        struct jfind f = {what, needle, false, ""};
        int64_t last = 0;
        kz_journal_each(p, M, NULL, &last, jr_cb, &f, err, sizeof err);
        if (f.hit) {
            if (text)
                snprintf(text, 600, "%s", f.text);
            return true;
        }
        nap_ms(50);
    } while (cc_now_ms() < end);
    return false;
}

static void ping(struct cc *c)
{
    struct cot_event ev;
    cot_ping("test-ping", cc_now_ms(), &ev);
    assert_int_equal(cc_send(c, &ev), 0);
}

/* True when a pong comes within ms (other events are skipped). */
static bool pong_within(struct cc *c, int ms)
{
    struct cot_event ev;
    long long end = cc_now_ms() + ms;
    while (cc_now_ms() < end)
        if (cc_next(c, &ev, (int)(end - cc_now_ms())) == 1 && ev.ctl == COT_CTL_PONG)
            return true;
    return false;
}

/* ---- the handshake --------------------------------------------------------------------------- */

/* A refused client gets nothing: not even the protocol announcement; the connection ends. */
static void expect_nothing(struct cc *c)
{
    struct cot_event ev;
    int r = cc_next(c, &ev, 3000);
    assert_int_equal(r, -1);
}

/* A client showing cert and key (NULL: none) to node 0 receives nothing, and node 0 journals a
 * refusal whose text holds why and, when given, who. With must_connect the client's side of the
 * handshake has to complete (TLS 1.3: the server's verdict on the client comes after it);
 * otherwise it may end first. */
static void expect_refused(const char *cert, const char *key, bool must_connect, const char *why,
                           const char *who)
{
    struct cc c;
    int rc = cc_connect(&c, PORT[0], cert, key, path("us-s", "ca"));
    if (must_connect && rc)
        fail_msg("%s to %s: %s", cert, NODES[0], c.err);
    if (!rc)
        expect_nothing(&c);
    cc_close(&c);
    char text[600];
    assert_true(journal_has(0, "refused", why, 3, text));
    if (who)
        assert_non_null(strstr(text, who));
}

static void refused_without_certificate(void **state)
{
    (void)state;
    expect_refused(NULL, NULL, false, "refused at the handshake", NULL);
}

static void refused_certificate_of_another_node(void **state)
{
    (void)state;
    /* issued for jp1, shown to us1 */
    expect_refused(path("jp-s", "pem"), path("jp-s", "key"), true, "issued for node 'jp1'",
                   "CN=jp-s");
}

static void refused_certificate_of_another_ca(void **state)
{
    (void)state;
    /* the client trusts our node (it checks nothing about itself), the node does not trust it */
    expect_refused(path("foreign", "pem"), path("foreign", "key"), false,
                   "certificate not accepted", "CN=foreign");
}

static void refused_node_certificate_as_client(void **state)
{
    (void)state;
    char cert[400], key[400];
    snprintf(cert, sizeof cert, "%s/us1/cert.pem", PKI);
    snprintf(key, sizeof key, "%s/us1/key.pem", PKI);
    expect_refused(cert, key, false, "CN=us1", NULL);
}

static void silent_connection_dropped(void **state)
{
    (void)state;
    struct cc c;
    assert_int_equal(cc_connect(&c, PORT[0], NULL, NULL, NULL), 0); /* TCP only, says nothing */
    long long t0 = cc_now_ms();
    struct cot_event ev;
    assert_int_equal(cc_next(&c, &ev, 5000), -1);
    long long took = cc_now_ms() - t0;
    cc_close(&c);
    assert_true(took >= 900 && took < 4000); /* --cot-handshake 1 s, checked every step */
    assert_true(journal_has(0, "refused", "no TLS handshake within 1 s", 3, NULL));
}

/* ---- keep-alive and the picture ---------------------------------------------------------- */

static void announce_and_pong(void **state)
{
    (void)state;
    struct cc c;
    connect_as(&c, 0, "us-s");
    struct cot_event ev;
    assert_int_equal(cc_next(&c, &ev, 3000), 1);
    assert_int_equal(ev.ctl, COT_CTL_TAKP_V); /* the first thing a client hears */
    assert_int_equal(ev.takp_version, 1);
    for (int i = 0; i < 3; i++) {
        ping(&c);
        assert_true(pong_within(&c, 2000));
    }
    cc_close(&c);
    assert_true(journal_has(0, "cot", "connected us-s (CN=us-s,OU=us1,O=USA)", 3, NULL));
}

/* What one client saw of the three items, by uid. */
struct three {
    bool us, all, alert;
    struct cot_event ev_us, ev_all;
};

static void look(struct cc *c, struct three *t)
{
    static struct cot_event ev;
    memset(t, 0, sizeof *t);
    long long end = cc_now_ms() + 1500;
    while (cc_now_ms() < end && next_item(c, &ev, (int)(end - cc_now_ms())) == 1) {
        if (!strcmp(ev.uid, "T-US")) {
            t->us = true;
            t->ev_us = ev;
        } else if (!strcmp(ev.uid, "T-ALL")) {
            t->all = true;
            t->ev_all = ev;
        } else if (ev.mark.kind == COT_KIND_ALERT && !strcmp(ev.remarks, "launch detected")) {
            t->alert = true;
        }
    }
}

static void picture_on_connect_filtered_per_client(void **state)
{
    (void)state;
    /* made at us1 before anyone connects: the picture holds them */
    command(0, "{cmd: share, kind: track, to: [us1], track: T-US, lat: 35.1, lon: 139.2, alt: 9000,"
               " category: missile, affiliation: hostile, classification: S, releasable: [USA]}");
    command(0, "{cmd: share, kind: track, to: [us1], track: T-ALL, lat: 35.2, lon: 139.3,"
               " category: air, affiliation: hostile, classification: U, releasable: [USA, JPN]}");
    command(0, "{cmd: share, kind: alert, to: [us1], text: launch detected, classification: S,"
               " releasable: [USA]}");
    struct cc us, usu, jp;
    connect_as(&us, 0, "us-s");
    connect_as(&usu, 0, "us-u");
    connect_as(&jp, 0, "jp-at-us");
    struct three t;
    look(&us, &t); /* USA, S: everything */
    assert_true(t.us && t.all && t.alert);
    assert_string_equal(t.ev_us.type, "a-h-A-W-M");
    assert_string_equal(t.ev_us.how, "h-e");
    assert_true(t.ev_us.mark.present);
    assert_int_equal(t.ev_us.mark.cls, 2);
    assert_string_equal(t.ev_us.mark.releasable, "USA");
    assert_string_equal(t.ev_us.mark.node, "us1");
    assert_true(t.ev_us.flow_kizuna);
    assert_string_equal(t.ev_us.flow_from, "us1");
    assert_true(t.ev_us.lat > 35.09 && t.ev_us.lat < 35.11 && t.ev_us.hae > 8999);
    assert_string_equal(t.ev_all.type, "a-h-A");
    assert_string_equal(t.ev_all.mark.releasable, "USA JPN");
    look(&usu, &t); /* USA, U: the U track only */
    assert_true(!t.us && t.all && !t.alert);
    look(&jp, &t); /* JPN, S: what is releasable to Japan only */
    assert_true(!t.us && t.all && !t.alert);
    cc_close(&us);
    cc_close(&usu);
    cc_close(&jp);
}

/* ---- reports in, and the alliance path -------------------------------------------------- */

static int64_t commands_by(int node, const char *who)
{
    char p[400];
    snprintf(p, sizeof p, "%s/%s.db", J, NODES[node]);
    sqlite3 *db = NULL;
    int64_t n = -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM command WHERE who LIKE ?1", -1, &s, NULL) ==
            SQLITE_OK) {
        sqlite3_bind_text(s, 1, who, -1, SQLITE_STATIC);
        if (sqlite3_step(s) == SQLITE_ROW)
            n = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

static void reports_in_marked_and_filtered(void **state)
{
    (void)state;
    struct cc us, usu, jp;
    connect_as(&us, 0, "us-s");
    connect_as(&usu, 0, "us-u");
    connect_as(&jp, 0, "jp-at-us");
    nap_ms(300);
    struct cot_event ev, got;
    cc_event(&ev, "JP-PLI-1", "a-f-G-U-C", 35.6, 139.7, 60);
    snprintf(ev.callsign, sizeof ev.callsign, "jp-at-us");
    assert_int_equal(cc_send(&jp, &ev), 0);
    /* the certificate's marking: its clearance S, releasable to every nation; our flow tag */
    assert_true(saw(&us, "JP-PLI-1", 3000, &got));
    assert_int_equal(got.mark.cls, 2);
    assert_string_equal(got.mark.releasable, "USA JPN");
    assert_true(got.flow_kizuna);
    assert_false(saw(&usu, "JP-PLI-1", 1000, NULL)); /* S is above a U clearance */
    /* narrowed by the event: releasable to Japan only, so not to the US client here, and not
     * past the release gate of any network of us1 (each has a US member) */
    cc_event(&ev, "JP-PLI-2", "a-f-G-U-C", 35.6, 139.7, 60);
    ev.mark.present = true;
    ev.mark.cls = 1;
    snprintf(ev.mark.releasable, sizeof ev.mark.releasable, "JPN");
    assert_int_equal(cc_send(&jp, &ev), 0);
    assert_false(saw(&us, "JP-PLI-2", 1000, NULL));
    assert_true(
        journal_has(0, "refused", "no network route that passes the release gate", 5, NULL));
    assert_true(commands_by(0, "tak:jp-at-us (CN=jp-at-us,OU=us1,O=JPN)") >= 2);
    /* a marking cannot rise above the clearance: refused, journaled */
    cc_event(&ev, "US-U-1", "a-f-G-U-C", 35.6, 139.7, 60);
    ev.mark.present = true;
    ev.mark.cls = 2;
    assert_int_equal(cc_send(&usu, &ev), 0);
    assert_true(journal_has(0, "refused", "above the client's clearance U", 3, NULL));
    /* an event that carries a kizuna flow tag is not taken again (a client that echoes what
     * it got, tags and all) */
    snprintf(got.flow_add, sizeof got.flow_add, "us1");
    snprintf(got.uid, sizeof got.uid, "ECHO-1");
    assert_int_equal(cc_send(&us, &got), 0);
    cc_close(&jp);
    cc_close(&usu);
    nap_ms(300);
    cc_close(&us);
    assert_true(journal_has(0, "cot", "disconnected us-s (CN=us-s,OU=us1,O=USA) from", 3, NULL));
    assert_true(journal_has(0, "cot", "looped back 1", 3, NULL));
}

static void alliance_path_both_ways(void **state)
{
    (void)state;
    struct cc us, jp;
    connect_as(&us, 0, "us-s");
    connect_as(&jp, 1, "jp-s");
    nap_ms(300);
    /* a Japanese PLI at jp1 reaches the US client at us1, marked, over the bilateral network */
    struct cot_event ev, got;
    cc_event(&ev, "JPN-UNIT-7", "a-f-G-U-C", 35.69, 139.73, 120);
    snprintf(ev.callsign, sizeof ev.callsign, "jp-s");
    assert_int_equal(cc_send(&jp, &ev), 0);
    assert_true(saw(&us, "JPN-UNIT-7", 15000, &got));
    assert_string_equal(got.type, "a-f-G");
    assert_string_equal(got.how, "m-f"); /* from another headquarters */
    assert_string_equal(got.mark.node, "jp1");
    assert_string_equal(got.mark.releasable, "USA JPN");
    assert_int_equal(got.mark.cls, 2);
    /* a US track releasable to both reaches the Japanese client at jp1; a US-only one never
     * leaves us1 (the release gate of the bilateral network) */
    command(0, "{cmd: share, kind: track, to: [jp1], track: US-BOTH, lat: 35, lon: 139,"
               " category: maritime, affiliation: friend, classification: S,"
               " releasable: [USA, JPN]}");
    assert_true(saw(&jp, "US-BOTH", 15000, &got));
    assert_string_equal(got.type, "a-f-S");
    cc_close(&us);
    cc_close(&jp);
}

/* ---- untrusted input and slow readers ------------------------------------------------------- */

static void malformed_threshold_disconnects(void **state)
{
    (void)state;
    struct cc c;
    connect_as(&c, 0, "us-s");
    static const char bad[] = "<event version=\"2.0\" uid=\"x\"><point/></event>";
    for (int i = 0; i < 9; i++)
        assert_int_equal(cc_write(&c, bad, sizeof bad - 1), 0);
    ping(&c); /* nine: still served */
    assert_true(pong_within(&c, 2000));
    assert_int_equal(cc_write(&c, bad, sizeof bad - 1), 0);
    struct cot_event ev;
    int r;
    long long end = cc_now_ms() + 3000;
    while ((r = cc_next(&c, &ev, 500)) >= 0 && cc_now_ms() < end)
        ;
    assert_int_equal(r, -1); /* the tenth: closed */
    cc_close(&c);
    assert_true(journal_has(0, "cot", "10 malformed messages within a minute", 3, NULL));
    assert_true(journal_has(0, "refused", "cot: malformed input from us-s", 1, NULL));
}

static void oversized_message_skipped(void **state)
{
    (void)state;
    struct cc c;
    connect_as(&c, 0, "us-s");
    size_t n = 70000;
    char *big = malloc(n + 64);
    assert_non_null(big);
    memcpy(big, "<event version=\"2.0\" uid=\"big\" type=\"a-f-G\">", 45);
    memset(big + 45, ' ', n - 45);
    memcpy(big + n, "</event>", 8);
    assert_int_equal(cc_write(&c, big, n + 8), 0);
    free(big);
    ping(&c); /* one malformed message: the client is still served */
    assert_true(pong_within(&c, 3000));
    cc_close(&c);
    assert_true(journal_has(0, "refused", "a message over 65536 bytes", 3, NULL));
}

/* Many updates of one uid within --cot-share (0.2 s) go to the node as one or two shares. */
static void reports_coalesced_per_uid(void **state)
{
    (void)state;
    struct cc jp;
    connect_as(&jp, 0, "jp-at-us");
    const char *who = "tak:jp-at-us (CN=jp-at-us,OU=us1,O=JPN)";
    nap_ms(300);
    int64_t before = commands_by(0, who);
    struct cot_event ev;
    for (int i = 0; i < 50; i++) {
        cc_event(&ev, "JP-FAST-1", "a-f-G-U-C", 35.6 + i * 1e-4, 139.7, 60);
        assert_int_equal(cc_send(&jp, &ev), 0);
    }
    ping(&jp);
    assert_true(pong_within(&jp, 2000));
    nap_ms(600);
    int64_t n = commands_by(0, who) - before;
    print_message("50 updates of one uid in a burst: %lld share command(s)\n", (long long)n);
    assert_true(n >= 1 && n <= 3);
    cc_close(&jp);
}

/* marti/dest: only the named client gets it; t-x-d-d: a client's item goes, for everyone
 * who had it; an item of the alliance network cannot be deleted by a client. */
static void directed_and_deleted(void **state)
{
    (void)state;
    struct cc us, us2, jp;
    connect_as(&us, 0, "us-s");
    connect_as(&us2, 0, "us-s2");
    connect_as(&jp, 0, "jp-at-us");
    nap_ms(300);
    struct cot_event ev, got;
    cc_event(&ev, "DM-1", "b-t-f", 35, 139, 60);
    ev.ndest = 1;
    snprintf(ev.dest[0].callsign, sizeof ev.dest[0].callsign, "jp-at-us");
    assert_int_equal(cc_send(&us, &ev), 0);
    assert_true(saw(&jp, "DM-1", 2000, &got));
    assert_false(saw(&us2, "DM-1", 800, NULL));
    cc_event(&ev, "MARK-1", "b-m-p-s-m", 35.5, 139.5, 60);
    assert_int_equal(cc_send(&us, &ev), 0);
    assert_true(saw(&jp, "MARK-1", 2000, NULL));
    assert_true(saw(&us2, "MARK-1", 2000, NULL));
    /* The delete carries text and a marking that keeps it in the US: none of it may reach
     * the Japanese client, which gets the gateway's own delete of the item, nothing more. */
    cot_delete("del-1", "MARK-1", cc_now_ms(), &ev);
    snprintf(ev.remarks, sizeof ev.remarks, "US EYES ONLY: the source's name");
    ev.mark.present = true;
    ev.mark.cls = 2;
    snprintf(ev.mark.releasable, sizeof ev.mark.releasable, "USA");
    assert_int_equal(cc_send(&us, &ev), 0);
    bool jp_del = false;
    long long end = cc_now_ms() + 2000;
    while (!jp_del && cc_now_ms() < end && cc_next(&jp, &got, 500) == 1)
        jp_del = got.ctl == COT_CTL_DELETE && !strcmp(got.link_uid, "MARK-1");
    assert_true(jp_del);
    assert_string_equal(got.remarks, "");
    assert_false(got.mark.present);
    assert_string_not_equal(got.uid, "del-1");
    /* a client connecting now does not get it */
    struct cc late;
    connect_as(&late, 0, "us-s2");
    assert_false(saw(&late, "MARK-1", 1000, NULL));
    cot_delete("del-2", "T-ALL", cc_now_ms(), &ev);
    assert_int_equal(cc_send(&us, &ev), 0);
    assert_true(journal_has(0, "refused", "delete of 'T-ALL'", 3, NULL));
    cc_close(&late);
    cc_close(&us);
    cc_close(&us2);
    cc_close(&jp);
}

/* A plain TCP client is who --cot-plain-as says (JPN, C): it sees what JPN at C may, and what
 * it sends is marked C. */
static void plain_client_fixed_identity(void **state)
{
    (void)state;
    assert_true(journal_has(0, "cot", "WARNING: plain TCP on 127.0.0.1:", 1, NULL));
    struct cc pl, us;
    assert_int_equal(cc_connect(&pl, PLAIN, NULL, NULL, NULL), 0);
    connect_as(&us, 0, "us-s");
    struct cot_event ev, got;
    assert_true(saw(&pl, "T-ALL", 2000, NULL)); /* U, releasable to JPN */
    assert_false(saw(&pl, "T-US", 500, NULL));
    cc_event(&ev, "PLAIN-1", "a-n-G", 35.3, 139.3, 60);
    snprintf(ev.callsign, sizeof ev.callsign, "Lab-1");
    assert_int_equal(cc_send(&pl, &ev), 0);
    assert_true(saw(&us, "PLAIN-1", 2000, &got));
    assert_int_equal(got.mark.cls, 1);
    cc_close(&pl);
    cc_close(&us);
    assert_true(journal_has(0, "cot", "connected a PLAIN client from 127.0.0.1:", 1, NULL));
}

static void protobuf_after_negotiation(void **state)
{
    (void)state;
    struct cc c;
    connect_as(&c, 0, "us-s");
    assert_true(cc_negotiate(&c, 3000));
    struct cot_event got;
    assert_true(saw(&c, "T-ALL", 3000, &got)); /* the picture again, as protobuf */
    assert_string_equal(got.mark.releasable, "USA JPN");
    ping(&c); /* now a TAK v1 frame */
    assert_true(pong_within(&c, 2000));
    cc_close(&c);
}

/* A client that never reads gets its SA dropped, oldest first, while another receives
 * everything and the node keeps answering; alerts are never dropped: the slow client is let
 * go when it cannot take one more. */
static void slow_reader_does_not_stall(void **state)
{
    (void)state;
    struct cc slow, fast;
    cc_rcvbuf = 4096;
    connect_as(&slow, 0, "us-u");
    cc_rcvbuf = 0;
    connect_as(&fast, 0, "us-s");
    nap_ms(200);
    /* under the sanitizers the node makes about a fifth of the shares a second, and a step
     * of them takes longer: the stream is slower and the bound on a pong wider */
    bool slow_build = getenv("KZ_SANITIZED") != NULL;
    const int N = slow_build ? 12000 : 20000, NA = 6000, rate = slow_build ? 2000 : 10000;
    const long long pong_max = slow_build ? 5000 : 1000;
    char cmd[300];
    snprintf(cmd, sizeof cmd,
             "{cmd: share, kind: track, to: [us1], track: FLOOD, repeat: %d,"
             " rate: %d, classification: U, releasable: [USA, JPN]}",
             N, rate);
    command(0, cmd);
    static struct cot_event ev;
    int got = 0;
    long long end = cc_now_ms() + 60000, last_ping = 0, worst = 0, sent_at = 0;
    while (got < N && cc_now_ms() < end) {
        if (!sent_at && cc_now_ms() - last_ping >= 100) {
            ping(&fast);
            sent_at = last_ping = cc_now_ms();
        }
        int r = cc_next(&fast, &ev, 100);
        assert_true(r >= 0);
        if (r == 1 && ev.ctl == COT_CTL_PONG && sent_at) {
            if (cc_now_ms() - sent_at > worst)
                worst = cc_now_ms() - sent_at;
            sent_at = 0;
        }
        if (r == 1 && !strncmp(ev.uid, "FLOOD-", 6))
            got++;
    }
    print_message("fast client: %d of %d tracks; slowest pong %lld ms\n", got, N, worst);
    assert_int_equal(got, N);
    assert_true(worst < pong_max);
    /* alerts: the slow client is closed for one it cannot take, the fast one gets them all */
    snprintf(cmd, sizeof cmd,
             "{cmd: share, kind: alert, to: [us1], text: warn, repeat: %d,"
             " rate: %d, classification: U, releasable: [USA, JPN]}",
             NA, slow_build ? 1500 : 3000);
    command(0, cmd);
    int alerts = 0;
    end = cc_now_ms() + 60000;
    while (alerts < NA && cc_now_ms() < end) {
        int r = cc_next(&fast, &ev, 200);
        assert_true(r >= 0);
        if (r == 1 && ev.mark.kind == COT_KIND_ALERT && !strcmp(ev.remarks, "warn"))
            alerts++;
    }
    print_message("fast client: %d of %d alerts\n", alerts, NA);
    assert_int_equal(alerts, NA);
    char text[600];
    assert_true(journal_has(0, "cot", "an alert could not be queued", 5, text));
    assert_non_null(strstr(text, "disconnected us-u"));
    assert_null(strstr(text, "SA dropped 0,"));
    cc_close(&slow);
    cc_close(&fast);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_without_certificate),
        cmocka_unit_test(refused_certificate_of_another_node),
        cmocka_unit_test(refused_certificate_of_another_ca),
        cmocka_unit_test(refused_node_certificate_as_client),
        cmocka_unit_test(silent_connection_dropped),
        cmocka_unit_test(announce_and_pong),
        cmocka_unit_test(picture_on_connect_filtered_per_client),
        cmocka_unit_test(reports_in_marked_and_filtered),
        cmocka_unit_test(alliance_path_both_ways),
        cmocka_unit_test(malformed_threshold_disconnects),
        cmocka_unit_test(oversized_message_skipped),
        cmocka_unit_test(protobuf_after_negotiation),
        cmocka_unit_test(reports_coalesced_per_uid),
        cmocka_unit_test(directed_and_deleted),
        cmocka_unit_test(plain_client_fixed_identity),
        cmocka_unit_test(slow_reader_does_not_stall),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
