/* test_director.c - the rules of a scenario run, against a fake clock and a recording actuator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "scenario/director.h"
#include "support.h"

#define LINE KZ_SOURCE_DIR "/tests/data/sim/line.yaml"

/* What the director asked of its actuator, in order. */
struct call {
    char what[16];
    int node, inst, step, nto, to[8];
    int64_t t_us;
};

struct rig {
    kz_model *m;
    kz_scenario *s;
    struct plan *p;
    struct director *d;
    struct ts_clock clock;
    struct rng rng;
    struct call call[64];
    int ncalls;
};

static struct call *record(struct rig *r, const char *what, const struct dir_act *a)
{
    assert_true(r->ncalls < 64);
    struct call *c = &r->call[r->ncalls++];
    memset(c, 0, sizeof *c);
    snprintf(c->what, sizeof c->what, "%s", what);
    c->t_us = ts_clock_now_us(&r->clock);
    c->node = c->inst = c->step = -1;
    if (a) {
        c->node = a->node;
        c->inst = a->inst;
        c->step = a->step;
        c->nto = a->nto;
        for (int i = 0; i < a->nto && i < 8; i++)
            c->to[i] = a->to[i];
    }
    return c;
}

static int a_share(void *ctx, const struct dir_act *a) { return record(ctx, "share", a), 0; }
static int a_request(void *ctx, const struct dir_act *a) { return record(ctx, "request", a), 0; }
static int a_order(void *ctx, const struct dir_act *a) { return record(ctx, "order", a), 0; }
static int a_phase(void *ctx, int phase)
{
    record(ctx, "phase", NULL)->node = phase;
    return 0;
}
static int a_outage(void *ctx, int id, const struct poutage *o, bool down)
{
    (void)o;
    record(ctx, down ? "down" : "up", NULL)->node = id;
    return 0;
}
static int a_load(void *ctx, const struct pbg *b) { return record(ctx, "load", NULL)->node = b->node, 0; }

static void rig_open(struct rig *r, const char *scenario)
{
    memset(r, 0, sizeof *r);
    r->m = ts_model_file(LINE);
    r->s = ts_scenario_text(scenario);
    char err[256] = "";
    assert_int_equal(plan_build_err(r->m, r->s, &r->p, err, sizeof err), 0);
    assert_int_equal(dir_create(r->p, &r->d), 0);
    ts_clock_init(&r->clock);
    rng_seed(&r->rng, 1, 0);
    struct kz_clock c = ts_clock_port(&r->clock);
    struct dir_actuator act = {r, a_share, a_request, a_order, a_phase, a_outage, a_load, NULL, NULL};
    dir_bind(r->d, &c, &act, &r->rng);
    assert_int_equal(dir_start(r->d), 0);
}

static void rig_close(struct rig *r)
{
    dir_free(r->d);
    plan_free(r->p);
    ts_clock_free(&r->clock);
    kz_scenario_free(r->s);
    kz_model_free(r->m);
}

/* Fires the director's events up to and including time t_us. */
static void run_until(struct rig *r, int64_t t_us)
{
    while (r->clock.q.n && r->clock.q.h[0].t <= t_us) {
        unsigned kind;
        uint32_t arg;
        assert_true(ts_clock_pop(&r->clock, &kind, &arg));
        assert_int_equal(kz_ev_owner(kind), KZ_EVO_DIRECTOR);
        assert_int_equal(dir_fire(r->d, kind, arg), 0);
    }
    /* the engine's answers come "now": move the clock there with a no-op push/pop */
    if (ts_clock_now_us(&r->clock) < t_us) {
        struct kz_clock c = ts_clock_port(&r->clock);
        assert_int_equal(c.at(c.ctx, (kz_time){t_us}, KZ_EV_SHELL, 0), 0);
        unsigned kind;
        uint32_t arg;
        assert_true(ts_clock_pop(&r->clock, &kind, &arg));
    }
}

static const char every_vs_first[] =
    "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 1h\n"
    "threads:\n"
    "  - id: every\n    deadline: 1m\n    steps:\n"
    "      - {share: track, from: hq, to: [x, y]}\n"
    "      - {share: track, from: hq, to: [x]}\n"
    "  - id: first\n    start: 10s\n    deadline: 1m\n    steps:\n"
    "      - {share: track, from: hq, to: [x, y], until: first}\n"
    "      - {share: track, from: hq, to: [x]}\n";

/* A step ends when every recipient has it, or the first with until: first; a late answer to a
 * step already over changes nothing. */
static void until_every_or_first(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, every_vs_first);
    run_until(&r, 0);
    assert_int_equal(r.ncalls, 1);
    assert_string_equal(r.call[0].what, "share");
    assert_int_equal(r.call[0].nto, 2);
    int every = r.call[0].inst;
    run_until(&r, 2000000);
    assert_int_equal(dir_done(r.d, (uint32_t)every, 0, true, ts_node(r.m, "x"), NULL), 0);
    assert_int_equal(r.ncalls, 1); /* one of two recipients: the step goes on */
    assert_int_equal(dir_done(r.d, (uint32_t)every, 0, true, ts_node(r.m, "y"), NULL), 0);
    assert_int_equal(r.ncalls, 2); /* both: step 2 begins */
    assert_int_equal(r.call[1].step, 1);

    run_until(&r, 10000000);
    assert_int_equal(r.ncalls, 3);
    int first = r.call[2].inst;
    assert_int_not_equal(first, every);
    assert_int_equal(dir_done(r.d, (uint32_t)first, 0, true, ts_node(r.m, "y"), NULL), 0);
    assert_int_equal(r.ncalls, 4); /* the first recipient ends it */
    assert_int_equal(r.call[3].step, 1);
    /* the second recipient's answer arrives late: ignored, nothing starts twice */
    assert_int_equal(dir_done(r.d, (uint32_t)first, 0, true, ts_node(r.m, "x"), NULL), 0);
    assert_int_equal(r.ncalls, 4);
    assert_int_equal(dir_active(r.d), 2);

    run_until(&r, 13000000);
    assert_int_equal(dir_done(r.d, (uint32_t)first, 1, true, ts_node(r.m, "x"), NULL), 0);
    assert_int_equal(dir_done(r.d, (uint32_t)every, 1, true, ts_node(r.m, "x"), NULL), 0);
    assert_int_equal(dir_active(r.d), 0);
    struct dir_outcome o;
    dir_outcome(r.d, 0, &o);
    assert_true(o.done && o.met);
    assert_int_equal(o.took_us, 13000000); /* started at 0, deadline step (the last) at 13 s */
    dir_outcome(r.d, 1, &o);
    assert_true(o.done && o.met);
    assert_int_equal(o.took_us, 3000000); /* started at 10 s */
    rig_close(&r);
}

static const char legal[] =
    "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 2h\n"
    "phase_changes:\n  - {at: 30m, phase: armed-attack}\n"
    "threads:\n"
    "  - id: strike\n    deadline: 1h\n    steps:\n"
    "      - {decide: strike, by: hq}\n"
    "      - {order: strike}\n";

/* A decide step the legal gate refuses is parked until the phase change that permits it, the
 * wait is a legal wait at the requester, and an order without `to` goes to the authority's
 * executors, given by the node that decided. */
static void park_resume_executors(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, legal);
    run_until(&r, 0);
    assert_int_equal(r.ncalls, 0); /* parked: nothing asked of the engine */
    run_until(&r, 30 * 60000000LL);
    assert_int_equal(r.ncalls, 2);
    assert_string_equal(r.call[0].what, "phase");
    assert_string_equal(r.call[1].what, "request");
    assert_int_equal(r.call[1].node, ts_node(r.m, "hq"));
    assert_int_equal(r.call[1].t_us, 30 * 60000000LL);
    assert_int_equal(dir_legal_us(r.d, 0, ts_node(r.m, "hq")), 30 * 60000000LL);
    assert_int_equal(dir_legal_us(r.d, 0, ts_node(r.m, "a")), 0);

    run_until(&r, 31 * 60000000LL);
    assert_int_equal(dir_done(r.d, 0, 0, true, ts_node(r.m, "hq"), NULL), 0);
    assert_int_equal(r.ncalls, 3);
    assert_string_equal(r.call[2].what, "order");
    assert_int_equal(r.call[2].node, ts_node(r.m, "hq")); /* the decider orders */
    assert_int_equal(r.call[2].nto, 1);
    assert_int_equal(r.call[2].to[0], ts_node(r.m, "shooter")); /* the authority's executors */
    rig_close(&r);
}

static const char stops[] =
    "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 1h\n"
    "threads:\n"
    "  - id: never\n    deadline: 1h\n    steps:\n"
    "      - {share: track, from: hq, to: [x]}\n"
    "      - {decide: strike, by: hq}\n"
    "  - id: refused\n    copies: 2\n    spacing: 1s\n    deadline: 1h\n    steps:\n"
    "      - {share: track, from: hq, to: [x]}\n";

/* The fold: a decide no phase permits stops the thread at that step with the legal gate's
 * reason; an infeasible end stops it with the engine's reason; a copy left running counts as
 * not done, at the step where it stands. */
static void fold_stopped_and_infeasible(void **state)
{
    (void)state;
    struct rig r;
    rig_open(&r, stops);
    run_until(&r, 1000000);
    assert_int_equal(r.ncalls, 3);
    assert_int_equal(dir_done(r.d, 0, 0, true, ts_node(r.m, "x"), NULL), 0);
    assert_int_equal(dir_done(r.d, 1, 0, false, ts_node(r.m, "x"), "no route"), 0);
    struct dir_outcome o;
    dir_outcome(r.d, 0, &o);
    assert_false(o.done);
    assert_true(o.infeasible);
    assert_int_equal(o.stopped_step, 1);
    assert_non_null(strstr(o.why, "legal gate"));
    dir_outcome(r.d, 1, &o);
    assert_false(o.done || o.met); /* copy 1 stopped, copy 2 still runs */
    assert_true(o.infeasible);
    assert_string_equal(o.why, "no route");
    assert_int_equal(dir_done(r.d, 2, 0, false, ts_node(r.m, "x"), "refused by release"), 0);
    dir_outcome(r.d, 1, &o);
    assert_true(o.infeasible);
    assert_string_equal(o.why, "refused by release"); /* the last stopped copy's reason */
    assert_int_equal(o.stopped_step, 0);
    assert_int_equal(o.deadline_us, 3600000000LL);
    assert_int_equal(dir_active(r.d), 0);
    rig_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(until_every_or_first),
        cmocka_unit_test(park_resume_executors),
        cmocka_unit_test(fold_stopped_and_infeasible),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
