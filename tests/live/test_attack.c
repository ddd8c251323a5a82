/* test_attack.c - a member with a valid key attacks nodes: forged origin, skipped approvals,
 * squatted ids, forged receipts, replays, out-of-range fields (nodes in-process, no DDS). */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "live/auth.h"
#include "live/node_impl.h"
#include "live/wire.h"
#include "model/model_impl.h"
#include "model/yread.h"

#define ATTACK KZ_SOURCE_DIR "/tests/data/live/attack.yaml"

static kz_model *M;
static uint8_t SHA[32];
static char PKI[300], ROOT[200];
static int CMD, HQ, AP, DL, SHOOTER, JP, NET_US, NET_BI, STRIKE;

/* ---- an in-process network: what a node writes goes to the node it names -------------- */

struct net {
    struct live *n[8];
    char dir[300];
    int run;
    /* the last sample each node sent on, for replays */
    kz_Msg last[8];
    bool have_last[8];
};

static void tap(void *ctx, enum dx_topic t, int net, const void *sample)
{
    struct net *N = ctx;
    const kz_Msg *m = t == DX_TRACK ? &((const kz_Track *)sample)->m : sample;
    int to = t == DX_ACK ? ((const kz_Ack *)sample)->to : m->to;
    if (t != DX_ACK) {
        const kz_Msg *s = t == DX_TRACK ? &((const kz_Track *)sample)->m : sample;
        N->last[s->from] = *s;
        N->have_last[s->from] = true;
    }
    if (to >= 0 && to < 8 && N->n[to])
        assert_int_equal(nd_deliver(N->n[to], t, net, sample), 0);
}

static int index_of(const char *id)
{
    for (size_t i = 0; i < M->nnodes; i++)
        if (!strcmp(M->nodes[i].id, id))
            return (int)i;
    fail_msg("no node %s", id);
    return -1;
}

static int setup(void **state)
{
    (void)state;
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_model_load_file(ATTACK, &M, d), 0);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(yr_read_file(ATTACK, (size_t)1 << 20, &buf, &len, d), 0);
    kz_diags_destroy(d);
    au_sha256(buf, len, SHA);
    free(buf);
    snprintf(ROOT, sizeof ROOT, "/tmp/kz_attack.%d", (int)getpid());
    snprintf(PKI, sizeof PKI, "%s/pki", ROOT);
    char err[512] = "";
    assert_int_equal(kz_pki_init(M, PKI, err, sizeof err), 0);
    CMD = index_of("cmd");
    HQ = index_of("hq");
    AP = index_of("ap");
    DL = index_of("dl");
    SHOOTER = index_of("shooter");
    JP = index_of("jp");
    NET_US = 0;
    NET_BI = 1;
    STRIKE = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", ROOT);
    if (!getenv("KZ_KEEP")) /* to look at the journals after a failure */
        assert_int_equal(system(cmd), 0);
    kz_model_free(M);
    return 0;
}

static struct kz_node_options opts[8];

/* All six nodes, acting by themselves, fast (an hour of scenario time in 3.6 ms). */
static void net_up(struct net *N, const char *name)
{
    memset(N, 0, sizeof *N);
    snprintf(N->dir, sizeof N->dir, "%s/%s", ROOT, name);
    for (size_t i = 0; i < M->nnodes; i++) {
        struct kz_node_options *o = &opts[i];
        memset(o, 0, sizeof *o);
        o->node = M->nodes[i].id;
        o->journal_dir = N->dir;
        o->automatic = true;
        o->speed = 1e6;
        o->secure_dir = PKI;
        o->week_min_utc = 0;
        o->phase = 0;
        o->seed = 1;
        char err[512] = "";
        int rc = nd_open(M, ATTACK, o, false, &N->n[i], err, sizeof err);
        if (rc)
            fail_msg("nd_open %s: %s", o->node, err);
        N->n[i]->tap = tap;
        N->n[i]->tap_ctx = N;
    }
}

static void net_down(struct net *N)
{
    for (size_t i = 0; i < M->nnodes; i++)
        nd_close(N->n[i]);
}

/* Steps every node (but `skip`) until nothing moves for a while. */
static void settle(struct net *N, int skip)
{
    for (int round = 0; round < 400; round++) {
        for (size_t i = 0; i < M->nnodes; i++) {
            if ((int)i == skip)
                continue;
            N->n[i]->last_poll = 0; /* look for commands every step */
            assert_int_equal(nd_step(N->n[i]), 0);
        }
        nanosleep(&(struct timespec){0, 2000000}, NULL);
    }
}

/* Rows of node `node`'s event table matching a condition. */
static int count(struct net *N, int node, const char *where)
{
    char path[400], sql[600];
    snprintf(path, sizeof path, "%s/%s.db", N->dir, M->nodes[node].id);
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM event WHERE %s", where);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return n;
}

/* An operator's command at a node, through the journal as kizuna send queues it. */
static void command(struct net *N, int node, const char *body)
{
    assert_int_equal(jr_cmd_put(N->n[node]->j, "test", body, 1, NULL), 0);
}

/* ---- the attacker: a member with its own valid key, writing crafted samples -------------- */

struct attacker {
    int as;
    struct auth *a;
    uint64_t next;
};

static void attacker_up(struct attacker *A, int as)
{
    char err[512] = "";
    A->as = as;
    A->next = 1;
    if (au_open(M, as, PKI, SHA, &A->a, err, sizeof err))
        fail_msg("au_open: %s", err);
}

/* A sample as an engine would export it: an order of `strike` or a request step. */
static kz_Msg craft(int from, int to, int net, int origin, int kind, int purpose, int opdst)
{
    struct eng_wire w;
    memset(&w, 0, sizeof w);
    w.h.thread = -1;
    w.h.kind = (uint8_t)kind;
    w.h.precedence = KZ_PREC_FLASH;
    w.h.classification = CL_S;
    w.h.releasable = 1; /* USA */
    w.h.origin = origin;
    w.dst = to;
    w.purpose = (uint8_t)purpose;
    w.aux = opdst;
    w.graph = kind == KZ_MSG_ORDER ? G_CMD : G_REL;
    w.opkind = (uint8_t)(kind == KZ_MSG_ORDER ? ENG_OPK_ORDER : ENG_OPK_REQUEST);
    w.attr = (struct eng_attr){-1, KZ_PREC_FLASH, CL_S, 1, 0};
    w.decision = STRIKE;
    w.assets = kind == KZ_MSG_ORDER ? -1 : 0;
    w.requester = kind == KZ_MSG_ORDER ? -1 : CMD;
    w.auth = kind == KZ_MSG_ORDER ? -1 : 0;
    if (purpose == 1 && kind == KZ_MSG_ORDER)
        w.h.destination = to;
    uint64_t id = (uint64_t)from << 48 | (uint64_t)0xfff00u << 16 | 1;
    struct wire_hop hop = {id, (uint64_t)origin << 48 | 0xabcdu, from, to, net, 1,
                           (uint64_t)origin << 48 | (uint64_t)0xfff00u << 16 | 1};
    struct wire_body b;
    memset(&b, 0, sizeof b);
    kz_Msg s;
    wire_encode(wire_digest(SHA), &w, &hop, &b, &s);
    return s;
}

/* Signs as the attacker (whatever origin the sample claims) and MACs the hop with its key. */
static void seal(struct attacker *A, kz_Msg *s, uint64_t n)
{
    s->id = (uint64_t)(uint16_t)s->from << 48 | (uint64_t)0xfff00u << 16 | n;
    s->oid = (uint64_t)(uint16_t)s->origin << 48 | (uint64_t)0xfff00u << 16 | n;
    s->op = (uint64_t)(uint16_t)s->origin << 48 | n;
    uint8_t buf[WIRE_HOP_MAX];
    s->sigkind = 1;
    assert_int_equal(au_sign(A->a, buf, wire_origin_bytes(s, SHA, buf), s->sig, &s->siglen), 0);
    au_hop_mac(A->a, s->to, buf, wire_hop_bytes(s, buf), s->mac);
}

/* ---- the attacks ---------------------------------------------------------------------------- */

/* A member forges orders as the commander (from and origin): none is executed. */
static void test_forged_order(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "forged");
    struct attacker A;
    attacker_up(&A, AP);
    for (uint64_t k = 0; k < 50; k++) {
        kz_Msg s = craft(CMD, HQ, NET_US, CMD, KZ_MSG_ORDER, 1, 0); /* claims to be cmd */
        seal(&A, &s, k + 1);
        assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &s), 0);
        kz_Msg t = craft(AP, HQ, NET_US, CMD, KZ_MSG_ORDER, 1, 0); /* its own hop, cmd's origin */
        seal(&A, &t, k + 1000);
        assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &t), 0);
    }
    settle(&N, -1);
    assert_int_equal(count(&N, SHOOTER, "what = 'executed'"), 0);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%hop MAC does not match "
                                   "sender cmd%'"),
                     50);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%no valid signature of cmd%'"),
                     50);
    /* the control: the commander's own order is carried out */
    command(&N, CMD, "{cmd: order, decision: strike, to: [shooter]}");
    settle(&N, -1);
    assert_int_equal(count(&N, SHOOTER, "what = 'executed'"), 1);
    au_close(A.a);
    net_down(&N);
}

/* A Japanese node with a grant on the bilateral network only orders as itself: refused at the
 * first US headquarters, never relayed. */
static void test_foreign_order(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "foreign");
    struct attacker A;
    attacker_up(&A, JP);
    for (uint64_t k = 0; k < 20; k++) {
        kz_Msg s = craft(JP, HQ, NET_BI, JP, KZ_MSG_ORDER, 1, 0);
        s.releasable = s.rel0 = 3;
        seal(&A, &s, k + 1);
        assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_BI, &s), 0);
    }
    settle(&N, -1);
    assert_int_equal(count(&N, SHOOTER, "what = 'executed'"), 0);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%has no command over hq%'"),
                     20);
    au_close(A.a);
    net_down(&N);
}

/* The approver answers under its true name, never asked: the holder does not decide. A
 * non-approver's answer and a hand-over to the delegate by anyone but the holder: refused. */
static void test_skipped_approval_and_delegation(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "approval");
    struct attacker A, C;
    attacker_up(&A, AP);
    attacker_up(&C, CMD);
    for (uint64_t k = 0; k < 20; k++) {
        kz_Msg s = craft(AP, HQ, NET_US, AP, KZ_MSG_DECISION, 5, 0); /* answer 1, no ticket */
        seal(&A, &s, k + 1);
        assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &s), 0);
        kz_Msg d = craft(CMD, DL, NET_US, CMD, KZ_MSG_REQUEST, 7, 0); /* "to the delegate" */
        seal(&C, &d, k + 1);
        assert_int_equal(nd_deliver(N.n[DL], DX_MSG, NET_US, &d), 0);
        kz_Msg f = craft(CMD, HQ, NET_US, CMD, KZ_MSG_DECISION, 5, 0); /* not the approver */
        seal(&C, &f, k + 100);
        assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &f), 0);
    }
    settle(&N, -1);
    assert_int_equal(count(&N, HQ, "what = 'decided'"), 0);
    assert_int_equal(count(&N, DL, "what = 'decided'"), 0);
    assert_int_equal(count(&N, SHOOTER, "what = 'executed'"), 0);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%did not ask for%'"), 20);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%not its approver%'"), 20);
    assert_int_equal(count(&N, DL, "what = 'refused' AND text LIKE '%not its holder%'"), 20);
    /* the control: a real request runs the whole chain, approval included */
    command(&N, CMD, "{cmd: request, decision: strike, assets: USA}");
    settle(&N, -1);
    assert_int_equal(count(&N, AP, "what = 'received'"), 1);
    assert_int_equal(count(&N, HQ, "what = 'decided'"), 1);
    assert_int_equal(count(&N, HQ, "what = 'refused'"), 40); /* the attacks' only */
    au_close(A.a);
    au_close(C.a);
    net_down(&N);
}

/* Squatting the ids the commander will use, and forged receipts while its receiver is down:
 * nothing of the commander's is lost. */
static void test_squat_and_forged_acks(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "squat");
    struct attacker A;
    attacker_up(&A, AP);
    for (uint64_t k = 0; k < 2000; k++) {
        kz_Msg s = craft(AP, HQ, NET_US, AP, KZ_MSG_ALERT, 1, 0);
        s.opkind = ENG_OPK_SHARE;
        s.graph = G_NET;
        s.decision = s.assets = s.requester = s.auth = -1;
        seal(&A, &s, k + 1);
        s.id = (uint64_t)CMD << 48 | (uint64_t)(k / 16 + 1) << 16 | (k % 16); /* cmd's ids */
        uint8_t buf[WIRE_HOP_MAX];
        au_hop_mac(A.a, HQ, buf, wire_hop_bytes(&s, buf), s.mac);
        assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &s), 0);
    }
    settle(&N, -1);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%not numbered by its "
                                   "sender%'"),
                     2000);
    /* hq is down; the attacker acknowledges everything the commander sends it, as hq */
    for (int k = 0; k < 10; k++)
        command(&N, CMD, "{cmd: order, decision: strike, to: [shooter]}");
    for (int r = 0; r < 50; r++) {
        assert_int_equal(nd_step(N.n[CMD]), 0);
        N.n[CMD]->last_poll = 0;
    }
    for (size_t i = 0; i < N.n[HQ]->nin; i++) {
        const kz_Msg *s = &N.n[HQ]->in[i].u.m;
        kz_Ack a;
        memset(&a, 0, sizeof a);
        a.id = s->id;
        a.digest = s->digest;
        a.from = (int16_t)HQ;
        a.to = (int16_t)CMD;
        a.net = (int16_t)NET_US;
        uint8_t buf[WIRE_ACK_MAX];
        au_hop_mac(A.a, CMD, buf, wire_ack_bytes(&a, buf), a.mac); /* ap's key, hq's name */
        assert_int_equal(nd_deliver(N.n[CMD], DX_ACK, NET_US, &a), 0);
    }
    N.n[HQ]->nin = 0; /* what hq would have received is lost with it */
    for (int r = 0; r < 5; r++)
        assert_int_equal(nd_step(N.n[CMD]), 0);
    assert_int_equal(jr_out_unacked(N.n[CMD]->j), 10);
    assert_true(count(&N, CMD, "what = 'refused' AND text LIKE 'receipt not authenticated%'") >=
                10);
    /* hq is back: the commander re-sends (back-off from 0.5 s), every order is carried out */
    for (int r = 0; r < 40; r++) {
        settle(&N, -1);
        if (count(&N, SHOOTER, "what = 'executed'") == 10)
            break;
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    assert_int_equal(count(&N, SHOOTER, "what = 'executed'"), 10);
    au_close(A.a);
    net_down(&N);
}

/* A captured sample delivered again is a duplicate; re-wrapped by another member under its own
 * hop it is a replay: either way the order or alert is taken once. */
static void test_replay(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "replay");
    struct attacker A;
    attacker_up(&A, AP);
    command(&N, CMD, "{cmd: share, kind: alert, to: [hq], text: launch}");
    settle(&N, -1);
    assert_true(N.have_last[CMD]);
    kz_Msg cap = N.last[CMD];
    assert_int_equal(cap.kind, KZ_MSG_ALERT);
    assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &cap), 0); /* the same bytes again */
    kz_Msg re = cap;
    re.from = (int16_t)AP;
    re.id = (uint64_t)AP << 48 | 77;
    uint8_t buf[WIRE_HOP_MAX];
    au_hop_mac(A.a, HQ, buf, wire_hop_bytes(&re, buf), re.mac);
    assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &re), 0);
    settle(&N, -1);
    assert_int_equal(count(&N, HQ, "what = 'received'"), 1);
    assert_int_equal(count(&N, HQ, "what = 'refused' AND text LIKE '%a replay%'"), 1);
    au_close(A.a);
    net_down(&N);
}

/* Every field out of range, the network index above all (it crashed nodes): refused, no crash. */
static void test_out_of_range(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "range");
    struct attacker A;
    attacker_up(&A, AP);
    kz_Msg base = craft(AP, HQ, NET_US, AP, KZ_MSG_ORDER, 1, 0);
    int16_t bad[] = {-32768, -2, -1, 6, 99, 999, 32767};
    int n = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int16_t *fields[] = {&base.net, &base.from, &base.origin, &base.dst, &base.decision,
                             &base.auth, &base.requester, &base.assets, &base.opdst};
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            kz_Msg s = base;
            int16_t *p = (int16_t *)((char *)&s + ((char *)fields[f] - (char *)&base));
            *p = bad[i];
            seal(&A, &s, (uint64_t)++n);
            assert_int_equal(nd_deliver(N.n[HQ], DX_MSG, NET_US, &s), 0);
            kz_Ack a = {s.id, s.digest, (int16_t)bad[i], (int16_t)HQ, bad[i], {0}};
            assert_int_equal(nd_deliver(N.n[HQ], DX_ACK, NET_US, &a), 0);
        }
    }
    settle(&N, -1);
    assert_int_equal(count(&N, SHOOTER, "what = 'executed'"), 0);
    assert_true(count(&N, HQ, "what = 'refused'") >= n);
    au_close(A.a);
    net_down(&N);
}

/* A command whose marking comes after byte 8191: what is sent carries that marking. */
static void test_long_command(void **state)
{
    (void)state;
    struct net N;
    net_up(&N, "long");
    char *body = malloc(20000);
    assert_non_null(body);
    int k = snprintf(body, 20000, "cmd: share\nkind: alert\nto: [hq]\ntext: long\n");
    while (k < 9000)
        k += snprintf(body + k, (size_t)(20000 - k), "# padding padding padding padding\n");
    snprintf(body + k, (size_t)(20000 - k), "classification: U\nreleasable: [USA]\n");
    command(&N, CMD, body);
    free(body);
    settle(&N, -1);
    assert_true(N.have_last[CMD]);
    assert_int_equal(N.last[CMD].cls, CL_U);
    assert_int_equal(N.last[CMD].releasable, 1);
    assert_int_equal(count(&N, HQ, "what = 'received'"), 1);
    net_down(&N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forged_order),
        cmocka_unit_test(test_foreign_order),
        cmocka_unit_test(test_skipped_approval_and_delegation),
        cmocka_unit_test(test_squat_and_forged_acks),
        cmocka_unit_test(test_replay),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_long_command),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
