/* support.c - what the unit tests share: loaders that fail the test, a fake clock, a recording transport. */
#include "support.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "model/model_impl.h"

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

/* A scenario from a file (path) or from text (yaml). */
static kz_scenario *scenario(const char *path, const char *yaml)
{
    kz_diags *d;
    kz_scenario *s = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = path ? kz_scenario_load_file(path, &s, d)
                  : kz_scenario_load_mem("scenario.yaml", yaml, strlen(yaml), &s, d);
    print_diags(d);
    kz_diags_destroy(d);
    assert_int_equal(rc, 0);
    return s;
}

kz_scenario *ts_scenario_file(const char *path) { return scenario(path, NULL); }
kz_scenario *ts_scenario_text(const char *yaml) { return scenario(NULL, yaml); }

static int index_of(const char *what, const char *id, size_t n, const char *(*get)(const kz_model *, int),
                    const kz_model *m)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(get(m, (int)i), id))
            return (int)i;
    fail_msg("no %s %s in structure %s", what, id, kz_model_name(m));
    return -1;
}

static const char *node_at(const kz_model *m, int i) { return m->nodes[i].id; }
static const char *decision_at(const kz_model *m, int i) { return m->decisions[i].id; }

int ts_node(const kz_model *m, const char *id)
{
    return index_of("node", id, m->nnodes, node_at, m);
}

int ts_decision(const kz_model *m, const char *id)
{
    return index_of("decision", id, m->ndecisions, decision_at, m);
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
