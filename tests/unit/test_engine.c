/* test_engine.c - the engine's contract, against a fake clock and a recording transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/engine.h"
#include "kizuna/kizuna.h"
#include "support.h"

#define LINE KZ_SOURCE_DIR "/tests/data/sim/line.yaml"

struct end {
    uint32_t tag, aux;
    enum eng_status st;
    int node;
    const char *why;
    int64_t t_us;
};

struct rig {
    kz_model *m;
    struct engine *e;
    struct ts_clock clock;
    struct ts_wire wire;
    size_t delivered; /* hops handed back to the engine so far */
    struct rng rng;
    struct eng_stats st;
    int64_t busy[16], wait[16], jobs[16];
    struct end end[32];
    int nends;
    int held;       /* the hold hook's answer */
    uint32_t held_msg[8];
    int nheld;
};

static void on_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                    const char *why)
{
    struct rig *r = ctx;
    assert_true(r->nends < 32);
    r->end[r->nends++] = (struct end){tag, aux, st, node, why, ts_clock_now_us(&r->clock)};
}

static int on_hold(void *ctx, uint32_t msg, enum action a, int node)
{
    struct rig *r = ctx;
    (void)node;
    assert_true(a == ACT_DECIDE || a == ACT_APPROVE);
    if (r->held && r->nheld < 8)
        r->held_msg[r->nheld++] = msg;
    return r->held;
}

static void rig_open(struct rig *r, bool operators, bool at_once)
{
    memset(r, 0, sizeof *r);
    r->m = ts_model_file(LINE);
    assert_true(r->m->nnodes <= 16);
    assert_int_equal(eng_create(r->m, &r->e), 0);
    ts_clock_init(&r->clock);
    r->wire.clock = &r->clock;
    rng_seed(&r->rng, 3, 0);
    r->st = (struct eng_stats){r->busy, r->wait, r->jobs, NULL, 0};
    struct kz_clock c = ts_clock_port(&r->clock);
    struct kz_transport t = ts_wire_port(&r->wire);
    struct eng_hooks h = {r, on_done, NULL, operators ? on_hold : NULL, at_once};
    eng_bind(r->e, &c, &t, &h, &r->rng, &r->st);
    eng_reset(r->e, 0, 0);
}

static void rig_close(struct rig *r)
{
    eng_free(r->e);
    ts_clock_free(&r->clock);
    kz_model_free(r->m);
}

/* Runs the engine: due events, and every recorded hop delivered at once (a network with no
 * delay), until nothing is left. */
static void pump(struct rig *r)
{
    for (;;) {
        if (r->delivered < r->wire.n) {
            const struct ts_hop *h = &r->wire.hop[r->delivered++];
            assert_int_equal(eng_deliver(r->e, h->msg, h->to), 0);
            continue;
        }
        unsigned kind;
        uint32_t arg;
        if (!ts_clock_pop(&r->clock, &kind, &arg))
            return;
        assert_int_equal(kz_ev_owner(kind), KZ_EVO_ENGINE);
        assert_int_equal(eng_fire(r->e, kind, arg), 0);
    }
}

static const struct eng_attr attr = {0, KZ_PREC_IMMEDIATE, CL_S, 1, 0};

/* The legal gate is the engine's: a request no authority holds in the phase ends at once,
 * infeasible with the gate's reason at the requester, and creates nothing. */
static void legal_gate_in_engine(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, false, false);
    assert_int_equal(eng_request(r.e, ts_decision(r.m, "strike"), 0, ts_node(r.m, "y"), &attr, 7, 3), 0);
    assert_int_equal(r.nends, 1);
    assert_int_equal(r.end[0].st, ENG_INFEASIBLE);
    assert_int_equal(r.end[0].tag, 7);
    assert_int_equal(r.end[0].aux, 3);
    assert_int_equal(r.end[0].node, ts_node(r.m, "y"));
    assert_string_equal(r.end[0].why, ENG_LEGAL_WHY);
    assert_int_equal(eng_nmsgs(r.e), 0);
    assert_int_equal(r.wire.n, 0);
    /* in the phase that permits it, the same request reaches its holder and is decided */
    assert_int_equal(eng_set_phase(r.e, 1), 0);
    assert_int_equal(eng_request(r.e, ts_decision(r.m, "strike"), 0, ts_node(r.m, "y"), &attr, 8, 0), 0);
    pump(&r);
    assert_int_equal(r.nends, 2);
    assert_int_equal(r.end[1].st, ENG_OK);
    assert_int_equal(r.end[1].node, ts_node(r.m, "hq"));
    rig_close(&r);
}

/* The modelled times go through the clock: x's report takes 10 s before the message leaves;
 * with at_once (people are real, machines instant) it leaves at once. */
static void times_through_the_clock(void **state)
{
    (void)state;
    for (int once = 0; once < 2; once++) {
        struct rig r;
        rig_open(&r, false, once);
        int to = ts_node(r.m, "y");
        assert_int_equal(eng_share(r.e, KZ_MSG_REPORT, ts_node(r.m, "x"), &to, 1, &attr, 1, 0), 0);
        pump(&r);
        assert_true(r.wire.n >= 1);
        assert_int_equal(r.wire.hop[0].from, ts_node(r.m, "x"));
        assert_int_equal(r.wire.hop[0].t_us, once ? 0 : 10000000);
        assert_int_equal(r.nends, 1);
        assert_int_equal(r.end[0].node, to);
        rig_close(&r);
    }
}

/* Operators: a decide job is held by the hook, not timed; eng_resolve gives the decision,
 * eng_deny refuses it with the operator's reason; neither takes a message that is not held. */
static void operator_hold_resolve_deny(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, true, true);
    r.held = 1;
    int d = ts_decision(r.m, "order-x");
    assert_int_equal(eng_request(r.e, d, 0, ts_node(r.m, "y"), &attr, 1, 0), 0);
    assert_int_equal(eng_request(r.e, d, 0, ts_node(r.m, "y"), &attr, 2, 0), 0);
    pump(&r);
    assert_int_equal(r.nends, 0); /* they wait for an operator: no clock event ends them */
    assert_int_equal(r.nheld, 1);  /* hq has one cell: the second request queues behind */
    assert_int_equal(eng_resolve(r.e, 0), KZ_EINVAL); /* message 0 is the request, not held */
    assert_int_equal(eng_resolve(r.e, r.held_msg[0]), 0);
    pump(&r);
    assert_int_equal(r.nheld, 2); /* the freed cell takes the second, held in turn */
    assert_int_equal(r.nends, 1);
    assert_int_equal(r.end[0].st, ENG_OK);
    assert_int_equal(r.end[0].tag, 1);
    assert_int_equal(eng_resolve(r.e, r.held_msg[0]), KZ_EINVAL); /* answered once only */
    assert_int_equal(eng_deny(r.e, r.held_msg[1], "not now"), 0);
    assert_int_equal(r.nends, 2);
    assert_int_equal(r.end[1].st, ENG_INFEASIBLE);
    assert_string_equal(r.end[1].why, "not now");
    assert_int_equal(eng_deny(r.e, r.held_msg[1], "again"), KZ_EINVAL);
    pump(&r);
    assert_true(eng_idle(r.e));
    rig_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(legal_gate_in_engine),
        cmocka_unit_test(times_through_the_clock),
        cmocka_unit_test(operator_hold_resolve_deny),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
