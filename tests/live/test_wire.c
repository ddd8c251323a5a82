/* test_wire.c - the receiver's checks on crafted samples: each malformed one is rejected with its
 * reason, a well-formed one is accepted, survives a round trip and is delivered by an engine. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "kizuna/kizuna.h"
#include "live/auth.h"
#include "live/wire.h"
#include "core/des.h"
#include "core/rng.h"

#define BILATERAL KZ_SOURCE_DIR "/tests/data/live/bilateral.yaml"
#define EXAMPLE   KZ_SOURCE_DIR "/tests/data/example.yaml"

static kz_model *bi, *ex;
static uint64_t bi_digest, ex_digest;
/* node, network and decision indices of bilateral.yaml, by id */
static int us1, us2, us3, jp1, bilat, usnet, order_x;

static kz_model *load(const char *path, uint64_t *digest)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = kz_model_load_file(path, &m, d);
    if (rc == 0)
        rc = kz_model_check(m, d);
    for (size_t i = 0; i < kz_diags_count(d); i++)
        kz_diag_print(kz_diags_get(d, i), stderr);
    kz_diags_destroy(d);
    assert_int_equal(rc, 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    uint8_t sha[32];
    au_sha256(buf, n, sha);
    *digest = wire_digest(sha);
    return m;
}

static int node(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].id, id))
            return (int)i;
    fail_msg("no node %s", id);
    return -1;
}

static int network(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnetworks; i++)
        if (!strcmp(m->networks[i].id, id))
            return (int)i;
    fail_msg("no network %s", id);
    return -1;
}

static int setup(void **state)
{
    (void)state;
    bi = load(BILATERAL, &bi_digest);
    ex = load(EXAMPLE, &ex_digest);
    us1 = node(bi, "us1");
    us2 = node(bi, "us2");
    us3 = node(bi, "us3");
    jp1 = node(bi, "jp1");
    bilat = network(bi, "bilat");
    usnet = network(bi, "us-net");
    order_x = 0;
    assert_string_equal(bi->decisions[order_x].id, "order-x");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kz_model_free(bi);
    kz_model_free(ex);
    return 0;
}

/* A share of a track from `from` to `to` over `net`, releasable to every nation, encoded as the
 * sender's engine would. */
static kz_Msg track(int from, int to, int net)
{
    struct eng_wire w;
    memset(&w, 0, sizeof w);
    w.h.thread = -1;
    w.h.kind = KZ_MSG_TRACK;
    w.h.precedence = KZ_PREC_IMMEDIATE;
    w.h.classification = CL_S;
    w.h.releasable = 3; /* USA, JPN */
    w.h.origin = from;
    w.h.destination = to;
    w.h.created.us = 1000;
    w.dst = to;
    w.purpose = 1; /* P_ROUTE */
    w.graph = G_NET;
    w.opkind = ENG_OPK_SHARE;
    w.attr = (struct eng_attr){-1, KZ_PREC_IMMEDIATE, CL_S, 3, 0};
    w.decision = w.assets = w.requester = w.auth = -1;
    struct wire_hop hop = {(uint64_t)from << 48 | 1u << 16, 7, from, to, net, 123456789,
                           (uint64_t)from << 48 | 1u << 16};
    struct wire_body b = {"T-1", 35.5, 139.5, 1000, "a track"};
    kz_Msg s;
    wire_encode(bi_digest, &w, &hop, &b, &s);
    return s;
}

/* An order of order-x from `from` to `to` over us-net, down the chain of command. */
static kz_Msg order(int from, int to)
{
    kz_Msg s = track(from, to, usnet);
    s.kind = KZ_MSG_ORDER;
    s.opkind = ENG_OPK_ORDER;
    s.graph = G_CMD;
    s.decision = (int16_t)order_x;
    s.releasable = 1; /* USA */
    s.rel0 = s.releasable;
    return s;
}

/* Decodes and applies the receiver's gates at the sample's `to`: 0, or -1 with the reason. */
static int receive(const kz_model *m, uint64_t digest, const kz_Msg *s, char *why, size_t n)
{
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body b;
    why[0] = '\0';
    if (wire_decode(m, digest, s, &w, &hop, &b, why, n))
        return -1;
    if (!wire_receive_ok(m, hop.to, 0, &w, &hop, why, n))
        return -1;
    return 0;
}

/* Rejected, with a reason that says `want`. */
static void rejected(const kz_model *m, uint64_t digest, const kz_Msg *s, const char *want)
{
    char why[300];
    int rc = receive(m, digest, s, why, sizeof why);
    if (rc == 0 || !strstr(why, want))
        fail_msg("expected a rejection naming '%s', got %d '%s'", want, rc, why);
}

static void accepted(const kz_model *m, uint64_t digest, const kz_Msg *s)
{
    char why[300];
    if (receive(m, digest, s, why, sizeof why))
        fail_msg("a well-formed sample was rejected: %s", why);
}

/* ---- well-formed ---------------------------------------------------------------------------- */

static void test_well_formed_round_trip(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    accepted(bi, bi_digest, &s);
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body b;
    char why[300];
    assert_int_equal(wire_decode(bi, bi_digest, &s, &w, &hop, &b, why, sizeof why), 0);
    assert_string_equal(b.track_id, "T-1");
    assert_true(b.lat == 35.5 && b.lon == 139.5 && b.alt_m == 1000);
    assert_int_equal(hop.from, us1);
    assert_int_equal(hop.to, jp1);
    kz_Msg again;
    wire_encode(bi_digest, &w, &hop, &b, &again);
    assert_memory_equal(&s, &again, sizeof s);
    kz_Msg o = order(us1, us2);
    accepted(bi, bi_digest, &o);
}

/* ---- malformed: the decoder ------------------------------------------------------------------ */

static void test_wrong_digest(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    rejected(bi, ex_digest, &s, "digest");
    s.digest ^= 1;
    rejected(bi, bi_digest, &s, "digest");
}

static void test_id_zero(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    s.id = 0;
    rejected(bi, bi_digest, &s, "id 0");
}

static void test_node_out_of_range(void **state)
{
    (void)state;
    static const int16_t bad[] = {-1, 4, 99, INT16_MAX, INT16_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kz_Msg s = track(us1, jp1, bilat);
        s.from = bad[i];
        rejected(bi, bi_digest, &s, "is not a node of the structure");
        s = track(us1, jp1, bilat);
        s.to = bad[i];
        rejected(bi, bi_digest, &s, "is not a node of the structure");
        s = track(us1, jp1, bilat);
        s.origin = bad[i];
        rejected(bi, bi_digest, &s, "is not a node of the structure");
        s = track(us1, jp1, bilat);
        s.dst = bad[i];
        rejected(bi, bi_digest, &s, "is not a node of the structure");
        s = track(us1, jp1, bilat);
        s.net = bad[i] == 4 ? 2 : bad[i];
        rejected(bi, bi_digest, &s, "is not in the structure");
    }
}

static void test_purpose_that_does_not_travel(void **state)
{
    (void)state;
    /* origin, review, decide, execute, background, and beyond the enum */
    static const uint8_t bad[] = {0, 2, 6, 8, 9, 10, 255};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        kz_Msg s = track(us1, jp1, bilat);
        s.purpose = bad[i];
        rejected(bi, bi_digest, &s, "does not travel");
    }
    kz_Msg s = track(us1, jp1, bilat);
    s.purpose = 3; /* to the holder: a request's */
    rejected(bi, bi_digest, &s, "belongs to a request");
}

static void test_enums_out_of_range(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    s.kind = KZ_MSG_ACK;
    rejected(bi, bi_digest, &s, "kind");
    s.kind = KZ_MSG_KIND_COUNT;
    rejected(bi, bi_digest, &s, "kind");
    s = track(us1, jp1, bilat);
    s.prec = KZ_PREC_COUNT;
    rejected(bi, bi_digest, &s, "precedence");
    s = track(us1, jp1, bilat);
    s.cls = CL_COUNT;
    rejected(bi, bi_digest, &s, "classification");
    s = track(us1, jp1, bilat);
    s.graph = ENG_GRAPH_COUNT;
    rejected(bi, bi_digest, &s, "routing state");
    s = track(us1, jp1, bilat);
    s.saved = ENG_PURPOSE_COUNT;
    rejected(bi, bi_digest, &s, "routing state");
    s = track(us1, jp1, bilat);
    s.reviewed = 2;
    rejected(bi, bi_digest, &s, "routing state");
    s = track(us1, jp1, bilat);
    s.thread = -2;
    rejected(bi, bi_digest, &s, "thread");
    s = track(us1, jp1, bilat);
    s.created_us = -1;
    rejected(bi, bi_digest, &s, "negative");
    s = track(us1, jp1, bilat);
    s.releasable |= 4; /* a third nation: bilateral.yaml has two */
    rejected(bi, bi_digest, &s, "nation the structure does not have");
    s = track(us1, jp1, bilat);
    s.disclosable = (uint64_t)1 << 63;
    rejected(bi, bi_digest, &s, "nation the structure does not have");
}

static void test_unterminated_or_control_text(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    memset(s.track_id, 'A', sizeof s.track_id);
    rejected(bi, bi_digest, &s, "not terminated");
    s = track(us1, jp1, bilat);
    memset(s.text, 'B', sizeof s.text);
    rejected(bi, bi_digest, &s, "not terminated");
    s = track(us1, jp1, bilat);
    s.text[3] = '\n';
    rejected(bi, bi_digest, &s, "control characters");
    s = track(us1, jp1, bilat);
    s.track_id[0] = 0x7f;
    rejected(bi, bi_digest, &s, "control characters");
}

static void test_position_not_finite_or_out_of_range(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    s.lat = NAN;
    rejected(bi, bi_digest, &s, "position");
    s = track(us1, jp1, bilat);
    s.lon = INFINITY;
    rejected(bi, bi_digest, &s, "position");
    s = track(us1, jp1, bilat);
    s.alt_m = -NAN;
    rejected(bi, bi_digest, &s, "position");
    s = track(us1, jp1, bilat);
    s.lat = 90.5;
    rejected(bi, bi_digest, &s, "position");
    s = track(us1, jp1, bilat);
    s.lon = -180.01;
    rejected(bi, bi_digest, &s, "position");
}

/* A request for example.yaml's maritime-security-operation (holder defmin, one approver, pm),
 * from jsdf-sdf on its way to the holder, relayed by usfj to jjoc over the bilateral network. */
static kz_Msg request(void)
{
    kz_Msg s;
    memset(&s, 0, sizeof s);
    s.id = 1;
    s.digest = ex_digest;
    s.from = (int16_t)node(ex, "usfj");
    s.to = (int16_t)node(ex, "jjoc");
    s.net = (int16_t)network(ex, "bilateral");
    s.origin = (int16_t)node(ex, "jsdf-sdf");
    s.dst = (int16_t)node(ex, "defmin");
    s.requester = s.origin;
    s.decision = 0;
    s.auth = 0;
    s.assets = 1; /* JPN */
    s.opdst = 0;
    s.thread = -1;
    s.kind = KZ_MSG_REQUEST;
    s.prec = KZ_PREC_FLASH;
    s.cls = CL_S;
    s.releasable = 3;
    s.rel0 = s.releasable;
    s.id = (uint64_t)(uint16_t)s.from << 48 | 1;
    s.oid = (uint64_t)(uint16_t)s.origin << 48 | 1;
    s.purpose = 3; /* P_HOLDER */
    s.graph = G_REL;
    s.opkind = ENG_OPK_REQUEST;
    return s;
}

static void test_request_out_of_range(void **state)
{
    (void)state;
    kz_Msg s = request();
    char why[300];
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body b;
    if (wire_decode(ex, ex_digest, &s, &w, &hop, &b, why, sizeof why))
        fail_msg("a well-formed request was rejected: %s", why);
    static const int16_t bad_auth[] = {-1, 1, 77, INT16_MAX};
    for (size_t i = 0; i < sizeof bad_auth / sizeof *bad_auth; i++) {
        s = request();
        s.auth = bad_auth[i];
        rejected(ex, ex_digest, &s, "no authority of the structure");
    }
    s = request();
    s.requester = 6;
    rejected(ex, ex_digest, &s, "no authority of the structure");
    s = request();
    s.decision = 1;
    rejected(ex, ex_digest, &s, "decision 1 is not in the structure");
    s = request();
    s.assets = 2;
    rejected(ex, ex_digest, &s, "assets 2");
    s = request();
    s.opdst = -1;
    rejected(ex, ex_digest, &s, "approval index");
    s = request();
    s.opdst = 2; /* one approver: 0 and 1 are the only indices a request carries */
    rejected(ex, ex_digest, &s, "approval index");
    s = request();
    s.purpose = 1;
    rejected(ex, ex_digest, &s, "a request routed as a share or order");
}

/* A request goes where its purpose says: else its receiver's engine would act as the holder,
 * approver or delegate (fuzz_wire found a request to a non-holder decided there). */
static void test_request_to_the_wrong_node(void **state)
{
    (void)state;
    int16_t defmin = (int16_t)node(ex, "defmin"), pm = (int16_t)node(ex, "pm"),
            jjoc = (int16_t)node(ex, "jjoc");
    int16_t sdf = (int16_t)node(ex, "jsdf-sdf");
    struct {
        uint8_t purpose;
        int16_t dst, opdst, origin;
        const char *want; /* NULL: accepted */
    } cases[] = {
        {3, defmin, 0, sdf, NULL},
        {3, jjoc, 0, sdf, "not its holder"},
        {3, defmin, 0, jjoc, "not its requester"},
        {4, pm, 0, defmin, NULL},
        {4, defmin, 0, defmin, "not its approver"},
        {4, pm, 1, defmin, "approval index"},
        {4, pm, 0, jjoc, "not its holder"},
        {5, defmin, 0, pm, NULL},
        {5, pm, 0, pm, "not its holder"},
        {5, defmin, 1, pm, "approval index"},
        {5, defmin, 0, jjoc, "not its approver at that step"},
        {7, jjoc, 0, defmin, NULL},
        {7, defmin, 0, defmin, "not its delegate"},
        {7, jjoc, 0, sdf, "not its holder"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kz_Msg s = request();
        s.purpose = cases[i].purpose;
        s.dst = cases[i].dst;
        s.opdst = cases[i].opdst;
        s.origin = cases[i].origin;
        s.oid = (uint64_t)(uint16_t)s.origin << 48 | 1;
        struct eng_wire w;
        struct wire_hop hop;
        struct wire_body b;
        char why[300] = "";
        int rc = wire_decode(ex, ex_digest, &s, &w, &hop, &b, why, sizeof why);
        if (cases[i].want ? rc == 0 || !strstr(why, cases[i].want) : rc != 0)
            fail_msg("case %zu (purpose %u to %s): got %d '%s'", i, cases[i].purpose,
                     ex->nodes[cases[i].dst].id, rc, why);
    }
}

/* ---- malformed: the receiver's gates --------------------------------------------------------- */

static void test_release_gate_at_the_receiver(void **state)
{
    (void)state;
    kz_Msg s = track(us1, jp1, bilat);
    s.releasable = 1; /* USA only, on a network with a JPN member */
    s.rel0 = s.releasable;
    rejected(bi, bi_digest, &s, "not releasable to JPN");
    s = track(us1, jp1, bilat);
    s.cls = CL_TS; /* above bilat's ceiling */
    rejected(bi, bi_digest, &s, "above the ceiling");
}

static void test_membership(void **state)
{
    (void)state;
    kz_Msg s = track(us2, jp1, bilat); /* us2 is not on bilat */
    rejected(bi, bi_digest, &s, "is not a member of network bilat");
    s = track(us1, us2, bilat); /* nor is the receiver */
    rejected(bi, bi_digest, &s, "this node is not a member of network bilat");
}

static void test_order_needs_command(void **state)
{
    (void)state;
    kz_Msg s = order(us3, us2);
    rejected(bi, bi_digest, &s, "order from us3, which has no command over us2");
    /* an order disguised as a share of an order is still an order */
    s = order(us3, us2);
    s.opkind = ENG_OPK_SHARE;
    s.graph = G_NET;
    rejected(bi, bi_digest, &s, "no command over");
    s = order(us1, us2);
    s.graph = G_NET;
    rejected(bi, bi_digest, &s, "not routed down the chain of command");
    s = order(us1, us2);
    s.decision = 1;
    rejected(bi, bi_digest, &s, "decision 1 is not in the structure");
    s = order(us2, us1); /* the wrong way up the chain */
    rejected(bi, bi_digest, &s, "no command over us1");
}

/* ---- an accepted sample in an engine --------------------------------------------------------- */

struct rig {
    struct des q;
    int done_ok, done_node, sends;
};

static kz_time rig_now(void *ctx)
{
    return des_now(&((struct rig *)ctx)->q);
}

static int rig_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    return des_push(&((struct rig *)ctx)->q, t.us, kind, arg) ? -1 : 0;
}

static int rig_send(void *ctx, uint32_t mi, int from, int to, int net)
{
    (void)mi;
    (void)from;
    (void)to;
    (void)net;
    ((struct rig *)ctx)->sends++;
    return 0;
}

static void rig_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                     const char *why)
{
    struct rig *r = ctx;
    (void)why;
    assert_int_equal(tag, 0);
    assert_int_equal(aux, 0);
    r->done_ok += st == ENG_OK;
    r->done_node = node;
}

static void deliver(const kz_Msg *s, int me, struct rig *r)
{
    struct engine *e;
    struct rng rng;
    int64_t busy[8] = {0}, wait[8] = {0}, jobs[8] = {0};
    struct eng_stats st = {busy, wait, jobs, NULL, 0};
    assert_true(bi->nnodes <= 8);
    rng_seed(&rng, 1, 0);
    assert_int_equal(des_init(&r->q, 16), 0);
    assert_int_equal(eng_create(bi, &e), 0);
    struct kz_clock clock = {r, rig_now, rig_at};
    struct kz_transport tr = {r, rig_send};
    struct eng_hooks hooks = {r, rig_done, NULL, NULL, false};
    eng_bind(e, &clock, &tr, &hooks, &rng, &st);
    eng_reset(e, 0, 0);
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body b;
    char why[300];
    assert_int_equal(wire_decode(bi, bi_digest, s, &w, &hop, &b, why, sizeof why), 0);
    assert_true(wire_receive_ok(bi, me, 0, &w, &hop, why, sizeof why));
    uint32_t mi;
    assert_int_equal(eng_import(e, &w, &mi), 0);
    assert_int_equal(eng_deliver(e, mi, me), 0);
    unsigned kind;
    uint32_t arg;
    for (int i = 0; i < 100 && des_pop(&r->q, &kind, &arg); i++)
        assert_int_equal(eng_fire(e, kind, arg), 0);
    assert_true(eng_idle(e));
    eng_free(e);
    des_free(&r->q);
}

static void test_accepted_sample_is_delivered(void **state)
{
    (void)state;
    struct rig r = {0};
    kz_Msg s = track(us1, jp1, bilat);
    deliver(&s, jp1, &r);
    assert_int_equal(r.done_ok, 1);
    assert_int_equal(r.done_node, jp1);
    assert_int_equal(r.sends, 0);
    struct rig o = {0};
    s = order(us1, us2);
    deliver(&s, us2, &o); /* executed at us2 */
    assert_int_equal(o.done_ok, 1);
    assert_int_equal(o.done_node, us2);
    assert_int_equal(o.sends, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_well_formed_round_trip),
        cmocka_unit_test(test_wrong_digest),
        cmocka_unit_test(test_id_zero),
        cmocka_unit_test(test_node_out_of_range),
        cmocka_unit_test(test_purpose_that_does_not_travel),
        cmocka_unit_test(test_enums_out_of_range),
        cmocka_unit_test(test_unterminated_or_control_text),
        cmocka_unit_test(test_position_not_finite_or_out_of_range),
        cmocka_unit_test(test_request_out_of_range),
        cmocka_unit_test(test_request_to_the_wrong_node),
        cmocka_unit_test(test_release_gate_at_the_receiver),
        cmocka_unit_test(test_membership),
        cmocka_unit_test(test_order_needs_command),
        cmocka_unit_test(test_accepted_sample_is_delivered),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
