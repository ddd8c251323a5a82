/* support.c - what the unit tests share: loaders that fail the test, a fake clock, a recording transport. */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"

static void print_diags(kz_diags *d)
{
    for (size_t i = 0; i < kz_diags_count(d); i++)
        kz_diag_print(kz_diags_get(d, i), stderr);
}

static kz_model *checked(int rc, kz_model *m, kz_diags *d)
{
    if (rc == 0)
        rc = kz_model_check(m, d);
    print_diags(d);
    kz_diags_destroy(d);
    assert_int_equal(rc, 0);
    return m;
}

kz_model *ts_model_file(const char *path)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = kz_model_load_file(path, &m, d);
    return checked(rc, m, d);
}

kz_model *ts_model_text(const char *yaml)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = kz_model_load_mem("structure.yaml", yaml, strlen(yaml), &m, d);
    return checked(rc, m, d);
}

kz_scenario *ts_scenario_text(const char *yaml)
{
    kz_diags *d;
    kz_scenario *s = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = kz_scenario_load_mem("scenario.yaml", yaml, strlen(yaml), &s, d);
    print_diags(d);
    kz_diags_destroy(d);
    assert_int_equal(rc, 0);
    return s;
}

/* ---- the fake clock ------------------------------------------------------------------- */

static kz_time clk_now(void *ctx) { return des_now(&((struct ts_clock *)ctx)->q); }

static int clk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    struct ts_clock *c = ctx;
    assert_true(t.us >= c->q.now); /* the contract: never in the past */
    return des_push(&c->q, t.us, kind, arg);
}

void ts_clock_init(struct ts_clock *c) { assert_int_equal(des_init(&c->q, 64), 0); }
void ts_clock_free(struct ts_clock *c) { des_free(&c->q); }
struct kz_clock ts_clock_port(struct ts_clock *c) { return (struct kz_clock){c, clk_now, clk_at}; }
bool ts_clock_pop(struct ts_clock *c, unsigned *kind, uint32_t *arg) { return des_pop(&c->q, kind, arg); }
int64_t ts_clock_now_us(const struct ts_clock *c) { return c->q.now; }

/* ---- the recording transport ------------------------------------------------------------ */

static int wire_send(void *ctx, uint32_t msg, int from, int to, int net)
{
    struct ts_wire *w = ctx;
    assert_true(w->n < TS_HOPS_MAX);
    w->hop[w->n++] = (struct ts_hop){msg, from, to, net, w->clock ? w->clock->q.now : 0};
    return 0;
}

struct kz_transport ts_wire_port(struct ts_wire *w) { return (struct kz_transport){w, wire_send}; }
