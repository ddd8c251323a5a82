/* test_levers.c - what-if levers and sweep factors (kizuna/levers.h) over
 * tests/data/sim/levers.yaml: every kind of path, the parameter semantics, refusals that leave the
 * model as it was, the factors of the written ranges and their bit-for-bit reset, and a set seen by
 * the next run. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/error.h"
#include "kizuna/kizuna.h"
#include "kizuna/levers.h"
#include "kizuna/sim.h"
#include "model/model_impl.h"
#include "scenario/levers_impl.h"
#include "scenario/scenario_impl.h"
#include "support.h"

#define DATA KZ_SOURCE_DIR "/tests/data/sim/"

struct fx {
    kz_model *m;
    kz_scenario *s;
    kz_levers *lv;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    f->m = ts_model_file(DATA "levers.yaml");
    f->s = ts_scenario_file(DATA "levers-scenario.yaml");
    assert_int_equal(kz_levers_open(f->m, f->s, &f->lv), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    kz_levers_free(f->lv);
    kz_scenario_free(f->s);
    kz_model_free(f->m);
    free(f);
    return 0;
}

static struct node *node(struct fx *f, const char *id)
{
    return &f->m->nodes[ts_node(f->m, id)];
}

static int set(struct fx *f, const char *a, char *err, size_t n)
{
    err[0] = '\0';
    return kz_levers_set(f->lv, a, err, n);
}

static void set_ok(struct fx *f, const char *a)
{
    char err[512];
    int rc = set(f, a, err, sizeof err);
    if (rc)
        fprintf(stderr, "%s: %s\n", a, err);
    assert_int_equal(rc, 0);
}

static bool has_path(const kz_levers *lv, const char *p)
{
    for (size_t i = 0; i < kz_levers_npaths(lv); i++)
        if (!strcmp(kz_levers_path(lv, i), p))
            return true;
    return false;
}

/* Every kind of path is listed; a parameter a distribution lacks is not. */
static void paths_of_every_kind(void **state)
{
    struct fx *f = *state;
    static const char *const want[] = {"node.hq.cells",
                                       "node.hq.lat",
                                       "node.hq.lon",
                                       "node.hq.utc_offset",
                                       "node.hq.processing.decide.median",
                                       "node.hq.processing.decide.p90",
                                       "node.hq.processing.decide.max",
                                       "node.hq.processing.relay.value",
                                       "node.hq.profiles.0.decide.median",
                                       "node.hq.profiles.0.decide.max",
                                       "node.tri.processing.review.min",
                                       "node.tri.processing.review.mode",
                                       "node.tri.processing.review.max",
                                       "node.tri.processing.decide.mode",
                                       "node.ex.processing.review.mean",
                                       "node.ex.processing.decide.min",
                                       "authority.0.delegate.after.median",
                                       "network.net.latency.overhead.p90",
                                       "thread.chain.copies",
                                       "thread.chain.spacing",
                                       "thread.chain.start.value",
                                       "thread.chain.deadline.max",
                                       "thread.chain.step.detect.delay.mode"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (!has_path(f->lv, want[i]))
            fprintf(stderr, "missing %s\n", want[i]);
        assert_true(has_path(f->lv, want[i]));
    }
    static const char *const not [] = {
        "node.hq.processing.relay.p90",   "node.tri.processing.review.p90",
        "node.ex.processing.review.mode", "node.hq.processing.decide.mode",
        "network.net.gateway.median",     "node.hq.recall.median"};
    for (size_t i = 0; i < sizeof not / sizeof not [0]; i++)
        assert_false(has_path(f->lv, not [i]));
}

/* Each path takes its own value back (a duration written exactly, a count, degrees) without
 * error and leaves every distribution valid. */
static void every_path_sets(void **state)
{
    struct fx *f = *state;
    size_t n = 0;
    for (size_t i = 0; i < f->lv->nlv; i++) {
        const struct lv_lever *l = &f->lv->lv[i];
        double v = lv_base(&f->lv->el[l->elem], l->field);
        char a[640], val[64];
        if (l->field <= F_VALUE || l->field == F_SPACING)
            snprintf(val, sizeof val, "%.17gs", v);
        else
            snprintf(val, sizeof val, "%.17g", v);
        if (strchr(val, 'e'))
            continue; /* durations are plain decimals */
        snprintf(a, sizeof a, "%s=%s", l->path, val);
        if (l->field == F_MAX && v == 0)
            snprintf(a, sizeof a, "%s=0", l->path); /* no truncation stays none */
        set_ok(f, a);
        n++;
    }
    assert_true(n > 60); /* levers.yaml and its scenario have some 90 paths */
    for (size_t i = 0; i < f->lv->nel; i++)
        if (f->lv->el[i].kind == EL_DIST)
            assert_int_equal(kz_dist_check(f->lv->el[i].p.d, NULL, 0), 0);
    assert_int_equal(kz_levers_noverrides(f->lv), n);
}

/* A structure loaded from text: levers.yaml with `from` replaced by `to`. */
static kz_model *edited(const char *from, const char *to)
{
    FILE *fp = fopen(DATA "levers.yaml", "rb");
    assert_non_null(fp);
    static char buf[1 << 16], out[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    char *at = strstr(buf, from);
    assert_non_null(at);
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - buf), buf, to, at + strlen(from));
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_model_load_mem("edited.yaml", out, strlen(out), &m, d), 0);
    kz_diags_destroy(d);
    return m;
}

/* median: the whole lognormal scaled (p90 with it), mu and sigma exactly those of a file that
 * has the new values written in; other nodes' copies of the default untouched. */
static void median_scales_lognormal(void **state)
{
    struct fx *f = *state;
    set_ok(f, "node.hq.processing.decide.median=2m");
    const struct kz_dist *d = &node(f, "hq")->proc[ACT_DECIDE];
    assert_true(kz_dist_median(d) == 120);
    assert_true(d->p[1] == 480);
    kz_model *m2 = edited("decide: {dist: lognormal, median: 1m, p90: 4m,",
                          "decide: {dist: lognormal, median: 2m, p90: 8m,");
    const struct kz_dist *w = &m2->nodes[ts_node(m2, "hq")].proc[ACT_DECIDE];
    assert_memory_equal(&d->mu, &w->mu, sizeof d->mu);
    assert_memory_equal(&d->sigma, &w->sigma, sizeof d->sigma);
    kz_model_free(m2);
    assert_true(kz_dist_median(&node(f, "s")->proc[ACT_DECIDE]) == 60);
    assert_true(kz_dist_median(&node(f, "shooter")->proc[ACT_DECIDE]) == 60);
    /* a truncated one: the max scales too */
    set_ok(f, "node.hq.profiles.0.decide.median=40s");
    const struct kz_dist *p = &node(f, "hq")->profiles[0].proc[ACT_DECIDE];
    assert_true(p->p[0] == 40 && p->p[1] == 120 && p->max == 360);
}

/* median of a triangular, pert or uniform: every parameter times one factor. */
static void median_scales_others(void **state)
{
    struct fx *f = *state;
    struct kz_dist before = node(f, "tri")->proc[ACT_REVIEW];
    double k = 240 / kz_dist_median(&before);
    set_ok(f, "node.tri.processing.review.median=4m");
    const struct kz_dist *t = &node(f, "tri")->proc[ACT_REVIEW];
    assert_true(fabs(kz_dist_median(t) - 240) < 1e-9);
    for (int i = 0; i < 3; i++)
        assert_true(fabs(t->p[i] - before.p[i] * k) < 1e-9);
    assert_true(t->p[0] < t->p[1] && t->p[1] < t->p[2]);
    set_ok(f, "node.tri.processing.decide.median=4m");
    assert_true(fabs(kz_dist_median(&node(f, "tri")->proc[ACT_DECIDE]) - 240) < 1e-6);
    set_ok(f, "node.ex.processing.decide.median=4m");
    const struct kz_dist *u = &node(f, "ex")->proc[ACT_DECIDE];
    assert_true(u->p[0] == 120 && u->p[1] == 360);
    /* exponential: the mean scales to give the median, and its max with it */
    set_ok(f, "node.ex.processing.review.median=2m");
    const struct kz_dist *e = &node(f, "ex")->proc[ACT_REVIEW];
    assert_true(fabs(kz_dist_median(e) - 120) < 1e-9);
    assert_true(fabs(e->max - 600 * 120 / (120 * log(2.0))) < 1e-9);
}

/* p90 keeps the median; max, mode, min and mean set one parameter. */
static void parameters_one_by_one(void **state)
{
    struct fx *f = *state;
    set_ok(f, "node.hq.processing.decide.p90=10m");
    const struct kz_dist *d = &node(f, "hq")->proc[ACT_DECIDE];
    assert_true(d->p[0] == 60 && d->p[1] == 600);
    assert_true(fabs(d->sigma - log(10.0) / KZ_Z90) < 1e-15);
    set_ok(f, "node.hq.processing.decide.max=30m");
    assert_true(d->max == 1800 && d->p[0] == 60);
    set_ok(f, "node.hq.processing.decide.max=0");
    assert_true(d->max == 0); /* a max of 0 takes the truncation away */
    set_ok(f, "node.tri.processing.review.mode=4m");
    assert_true(node(f, "tri")->proc[ACT_REVIEW].p[1] == 240);
    set_ok(f, "node.tri.processing.review.min=0");
    assert_true(node(f, "tri")->proc[ACT_REVIEW].p[0] == 0);
    set_ok(f, "node.ex.processing.review.mean=3m");
    assert_true(node(f, "ex")->proc[ACT_REVIEW].p[0] == 180);
    set_ok(f, "thread.chain.spacing=1m30s");
    assert_true(f->s->threads[0].spacing == 90);
    set_ok(f, "thread.chain.start.value=10s");
    assert_true(f->s->threads[0].start.p[0] == 10);
}

/* A value that would break the distribution is refused, naming the path, and nothing moves. */
static void invalid_refused_unchanged(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "node.hq.processing.decide.p90=30s",  /* p90 below the median */
        "node.hq.profiles.0.decide.max=10s",  /* max below the median */
        "node.tri.processing.review.min=3m",  /* min above the mode */
        "node.tri.processing.review.mode=6m", /* mode above the max */
        "node.tri.processing.review.max=90s", /* max below the mode */
        "node.ex.processing.decide.min=4m",   /* min above the max */
        "node.ex.processing.review.mean=0",   /* no mean */
        "node.ex.processing.review.mean=15m", /* a median above the max */
        "node.hq.processing.decide.median=0", /* no median to scale to */
        "node.hq.cells=0",
        "node.hq.cells=1001",
        "thread.chain.copies=65",
        "node.hq.lat=91",
        "node.hq.lon=-181",
        "node.hq.utc_offset=15"};
    size_t nn = f->m->nnodes;
    struct node *snap = malloc(nn * sizeof *snap);
    memcpy(snap, f->m->nodes, nn * sizeof *snap);
    struct profile prof = node(f, "hq")->profiles[0];
    struct sthread th = f->s->threads[0];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[512];
        assert_int_equal(set(f, bad[i], err, sizeof err), KZ_ECHECK);
        char path[128];
        snprintf(path, sizeof path, "%.*s", (int)(strchr(bad[i], '=') - bad[i]), bad[i]);
        if (!strstr(err, path))
            fprintf(stderr, "%s: %s\n", bad[i], err);
        assert_non_null(strstr(err, path));
    }
    assert_memory_equal(snap, f->m->nodes, nn * sizeof *snap);
    assert_memory_equal(&prof, &node(f, "hq")->profiles[0], sizeof prof);
    assert_memory_equal(&th, &f->s->threads[0], sizeof th);
    assert_int_equal(kz_levers_noverrides(f->lv), 0);
    free(snap);
}

/* Counts and places. */
static void counts_and_places(void **state)
{
    struct fx *f = *state;
    set_ok(f, "node.hq.cells=3");
    assert_int_equal(node(f, "hq")->cells, 3);
    set_ok(f, "thread.chain.copies=8");
    assert_int_equal(f->s->threads[0].copies, 8);
    set_ok(f, "node.hq.utc_offset=5.5");
    assert_int_equal(node(f, "hq")->utc_offset_min, 330);
    set_ok(f, "node.hq.lat=-33.5");
    assert_true(node(f, "hq")->lat == -33.5);
    char err[512];
    assert_int_equal(set(f, "node.hq.cells=1.5", err, sizeof err), KZ_EPARSE);
    assert_non_null(strstr(err, "node.hq.cells"));
    assert_int_equal(set(f, "thread.chain.copies=two", err, sizeof err), KZ_EPARSE);
    /* the overrides, as given, in order */
    assert_int_equal(kz_levers_noverrides(f->lv), 4);
    assert_string_equal(kz_levers_override(f->lv, 0), "node.hq.cells=3");
    assert_string_equal(kz_levers_override(f->lv, 3), "node.hq.lat=-33.5");
    assert_null(kz_levers_override(f->lv, 4));
}

/* An unknown path names the nearest valid one, whole. */
static void unknown_path_suggests(void **state)
{
    struct fx *f = *state;
    static const char *const cases[][2] = {
        {"node.hq.processing.decid.median=2m", "node.hq.processing.decide.median"},
        {"node.hqq.processing.decide.median=2m", "node.hq.processing.decide.median"},
        {"nod.tri.processing.review.mode=2m", "node.tri.processing.review.mode"},
        {"thread.chian.copies=2", "thread.chain.copies"},
        {"node.hq.processing.decide.p09=2m", "node.hq.processing.decide.p90"},
        {"network.net.latency.overhead.medain=2s", "network.net.latency.overhead.median"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512], want[256];
        assert_int_equal(set(f, cases[i][0], err, sizeof err), KZ_ENOTFOUND);
        snprintf(want, sizeof want, "(did you mean '%s'?)", cases[i][1]);
        if (!strstr(err, want))
            fprintf(stderr, "%s: %s\n", cases[i][0], err);
        assert_non_null(strstr(err, want));
    }
    char err[512];
    assert_int_equal(set(f, "completely.different=1", err, sizeof err), KZ_ENOTFOUND);
    assert_null(strstr(err, "did you mean"));
}

/* A value that is not of the field's unit. */
static void bad_value_or_unit(void **state)
{
    struct fx *f = *state;
    static const char *const bad[] = {
        "node.hq.processing.decide.median=2", "node.hq.processing.decide.median=2 minutes",
        "node.hq.processing.decide.median=", "node.hq.lat=north", "node.hq.utc_offset=+09:00x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[512];
        assert_int_equal(set(f, bad[i], err, sizeof err), KZ_EPARSE);
        assert_non_null(strstr(err, "node.hq."));
    }
    char err[512];
    assert_int_equal(set(f, "node.hq.processing.decide.median", err, sizeof err), KZ_EPARSE);
    assert_non_null(strstr(err, "PATH=VALUE"));
    assert_int_equal(set(f, "node.hq.processing.decide.median=-2m", err, sizeof err), KZ_ECHECK);
}

static const struct kz_factor *factor(const kz_levers *lv, const char *name, size_t *at)
{
    for (size_t i = 0; i < kz_levers_nfactors(lv); i++)
        if (!strcmp(kz_levers_factor(lv, i)->name, name)) {
            if (at)
                *at = i;
            return kz_levers_factor(lv, i);
        }
    return NULL;
}

/* One factor per numeric clause as written: the default shared by three nodes is one factor
 * moving three elements, named by the first; alternatives are counted, not sampled. */
static void factors_grouped(void **state)
{
    struct fx *f = *state;
    /* levers.yaml: decide default, profile median+max, hq location+cells, tri review
     * min+mode+max, tri decide, ex review mean+max, ex decide, the delegation, the overhead;
     * the scenario: the deadline and the detect delay */
    assert_int_equal(kz_levers_nfactors(f->lv), 16);
    assert_int_equal(kz_levers_nqualitative(f->lv), 1);
    const struct kz_factor *d = factor(f->lv, "node.s.processing.decide.median", NULL);
    assert_non_null(d);
    assert_int_equal(d->uses, 3);
    assert_true(d->duration && !d->integer);
    assert_true(d->nominal == 60 && d->lo == 30 && d->hi == 240);
    assert_string_equal(d->file, DATA "levers.yaml");
    assert_true(d->line == 22);
    const struct kz_factor *loc = factor(f->lv, "node.hq.location", NULL);
    assert_non_null(loc);
    assert_true(loc->nominal == 0 && loc->lo == -0.5 && loc->hi == 0.5 && !loc->duration);
    const struct kz_factor *c = factor(f->lv, "node.hq.cells", NULL);
    assert_non_null(c);
    assert_true(c->integer && c->nominal == 1 && c->lo == 1 && c->hi == 4);
    assert_non_null(factor(f->lv, "node.hq.profiles.0.decide.max", NULL));
    assert_non_null(factor(f->lv, "thread.chain.step.detect.delay.median", NULL));
    assert_non_null(factor(f->lv, "thread.chain.deadline.median", NULL));
    assert_null(factor(f->lv, "node.hq.processing.decide.median", NULL)); /* not the first */
    assert_null(kz_levers_factor(f->lv, 16));
}

/* A factor moves every element it names; a path set by kz_levers_set leaves it. */
static void factor_moves_all_and_pins(void **state)
{
    struct fx *f = *state;
    size_t i;
    assert_non_null(factor(f->lv, "node.s.processing.decide.median", &i));
    assert_int_equal(kz_levers_factor_set(f->lv, i, 120), 0);
    static const char *const ids[] = {"s", "hq", "shooter"};
    for (size_t k = 0; k < 3; k++)
        assert_true(kz_dist_median(&node(f, ids[k])->proc[ACT_DECIDE]) == 120);
    kz_levers_factor_reset(f->lv);
    set_ok(f, "node.s.processing.decide.median=3m");
    const struct kz_factor *d = factor(f->lv, "node.hq.processing.decide.median", &i);
    assert_non_null(d);
    assert_int_equal(d->uses, 2);
    assert_int_equal(kz_levers_factor_set(f->lv, i, 30), 0);
    assert_true(kz_dist_median(&node(f, "s")->proc[ACT_DECIDE]) == 180);
    assert_true(kz_dist_median(&node(f, "hq")->proc[ACT_DECIDE]) == 30);
    kz_levers_factor_reset(f->lv);
    /* a fresh set of levers does not sweep it either: the set value is no assumption */
    kz_levers *lv2;
    assert_int_equal(kz_levers_open(f->m, f->s, &lv2), 0);
    assert_int_equal(factor(lv2, "node.hq.processing.decide.median", NULL)->uses, 2);
    kz_levers_free(lv2);
    assert_int_equal(kz_levers_factor_set(f->lv, 99, 1), KZ_EINVAL);
    assert_int_equal(kz_levers_factor_set(f->lv, 0, NAN), KZ_EINVAL);
}

/* Values a distribution cannot take are clamped; counts rounded and kept in limits. */
static void factor_clamps(void **state)
{
    struct fx *f = *state;
    size_t med, max, cells;
    assert_non_null(factor(f->lv, "node.hq.profiles.0.decide.median", &med));
    assert_non_null(factor(f->lv, "node.hq.profiles.0.decide.max", &max));
    assert_non_null(factor(f->lv, "node.hq.cells", &cells));
    const struct kz_dist *p = &node(f, "hq")->profiles[0].proc[ACT_DECIDE];
    assert_int_equal(kz_levers_factor_set(f->lv, med, 240), 0);
    assert_true(p->p[0] == 240 && p->max == 2160); /* the max moves with it */
    assert_int_equal(kz_levers_factor_set(f->lv, max, 120), 0);
    assert_true(p->max == 120 && kz_dist_median(p) == 120); /* the median comes down to it */
    assert_int_equal(kz_dist_check(p, NULL, 0), 0);
    assert_int_equal(kz_levers_factor_set(f->lv, cells, 2.6), 0);
    assert_int_equal(node(f, "hq")->cells, 3);
    assert_int_equal(kz_levers_factor_set(f->lv, cells, 1e6), 0);
    assert_int_equal(node(f, "hq")->cells, LV_MAX_CELLS);
    for (size_t i = 0; i < kz_levers_nfactors(f->lv); i++) {
        assert_int_equal(kz_levers_factor_set(f->lv, i, 1e12), 0);
        assert_int_equal(kz_levers_factor_set(f->lv, i, -5), 0);
    }
    for (size_t i = 0; i < f->lv->nel; i++)
        if (f->lv->el[i].kind == EL_DIST)
            assert_int_equal(kz_dist_check(f->lv->el[i].p.d, NULL, 0), 0);
}

/* Setting every factor to its ends and resetting gives the loaded bytes back. */
static void reset_restores_bits(void **state)
{
    struct fx *f = *state;
    size_t nn = f->m->nnodes, np = node(f, "hq")->nprofiles;
    struct node *snap = malloc(nn * sizeof *snap);
    struct profile *ps = malloc(np * sizeof *ps);
    memcpy(snap, f->m->nodes, nn * sizeof *snap);
    memcpy(ps, node(f, "hq")->profiles, np * sizeof *ps);
    struct authority au = f->m->authorities[0];
    struct network nw = f->m->networks[0];
    struct sthread th = f->s->threads[0];
    struct sstep st = f->s->threads[0].steps[0];
    for (size_t i = 0; i < kz_levers_nfactors(f->lv); i++) {
        const struct kz_factor *k = kz_levers_factor(f->lv, i);
        assert_int_equal(kz_levers_factor_set(f->lv, i, k->lo), 0);
        size_t j = (i + 3) % kz_levers_nfactors(f->lv);
        assert_int_equal(kz_levers_factor_set(f->lv, j, kz_levers_factor(f->lv, j)->hi), 0);
    }
    assert_true(memcmp(snap, f->m->nodes, nn * sizeof *snap) != 0); /* something moved */
    kz_levers_factor_reset(f->lv);
    assert_memory_equal(snap, f->m->nodes, nn * sizeof *snap);
    assert_memory_equal(ps, node(f, "hq")->profiles, np * sizeof *ps);
    assert_memory_equal(&au, &f->m->authorities[0], sizeof au);
    assert_memory_equal(&nw, &f->m->networks[0], sizeof nw);
    assert_memory_equal(&th, &f->s->threads[0], sizeof th);
    assert_memory_equal(&st, &f->s->threads[0].steps[0], sizeof st);
    free(snap);
    free(ps);
}

static double p50(struct fx *f)
{
    struct kz_sim_options o = {.runs = 500, .seed = 11, .has_seed = true, .threads = 2};
    kz_sim_result *r = NULL;
    char err[256];
    assert_int_equal(kz_sim_run(f->m, f->s, &o, &r, err, sizeof err), 0);
    double v = kz_sim_result_thread(r, 0)->p50_s;
    kz_sim_result_free(r);
    return v;
}

/* A set is seen by the next kz_sim_run: hq's decide median is most of the chain's p50; a
 * factor moves it too, and the reset gives the same p50 back to the bit. */
static void set_seen_by_next_run(void **state)
{
    struct fx *f = *state;
    double base = p50(f);
    assert_true(base > 30 && base < 300);
    size_t i;
    assert_non_null(factor(f->lv, "node.s.processing.decide.median", &i));
    assert_int_equal(kz_levers_factor_set(f->lv, i, 240), 0);
    double up = p50(f);
    assert_true(up > base + 120); /* a median 3 minutes longer, in the middle of the chain */
    kz_levers_factor_reset(f->lv);
    double again = p50(f);
    assert_memory_equal(&again, &base, sizeof base);
    set_ok(f, "node.hq.processing.decide.median=10s");
    assert_true(p50(f) < base - 30);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(paths_of_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(every_path_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(median_scales_lognormal, setup, teardown),
        cmocka_unit_test_setup_teardown(median_scales_others, setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_one_by_one, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_refused_unchanged, setup, teardown),
        cmocka_unit_test_setup_teardown(counts_and_places, setup, teardown),
        cmocka_unit_test_setup_teardown(unknown_path_suggests, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_value_or_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(factors_grouped, setup, teardown),
        cmocka_unit_test_setup_teardown(factor_moves_all_and_pins, setup, teardown),
        cmocka_unit_test_setup_teardown(factor_clamps, setup, teardown),
        cmocka_unit_test_setup_teardown(reset_restores_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(set_seen_by_next_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
