/* test_sweep.c - the sweep (kizuna/sweep.h, src/sim/sweep_stats.h): the Latin hypercube, the
 * ranges' maps, ranks with ties, least squares, PRCC on synthetic data, order statistics from a
 * CDF, and on tests/data/sim/sweep.yaml the eval's chunking and thread invariance and the fold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "kizuna/error.h"
#include "kizuna/levers.h"
#include "kizuna/model.h"
#include "kizuna/scenario.h"
#include "kizuna/sweep.h"
#include "sim/stats.h"
#include "sim/sweep_stats.h"

#define SIMD KZ_SOURCE_DIR "/tests/data/sim/"

/* cmocka's assert_float_equal compares floats: these need doubles. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (double)(eps))

/* ---- the Latin hypercube ------------------------------------------------------------------ */

/* Every stratum of every column is hit exactly once, and every point is in (0, 1]. */
static void lhs_strata_once(void **state)
{
    (void)state;
    enum { N = 37, K = 4 };
    size_t ids[K] = {0, 3, 4, 11};
    double u[N * K];
    sw_lhs(N, K, 12345, ids, u);
    for (size_t j = 0; j < K; j++) {
        int hit[N] = {0};
        for (size_t i = 0; i < N; i++) {
            double v = u[i * K + j];
            assert_true(v > 0 && v <= 1);
            long s = (long)ceil(v * N) - 1;
            assert_true(s >= 0 && s < N);
            hit[s]++;
        }
        for (size_t s = 0; s < N; s++)
            assert_int_equal(hit[s], 1);
    }
}

/* The same seed gives the same bytes; another seed other values; a factor's column does not
 * depend on which other factors are swept beside it. */
static void lhs_deterministic(void **state)
{
    (void)state;
    enum { N = 20 };
    size_t ids3[3] = {2, 5, 7}, ids1[1] = {5};
    double a[N * 3], b[N * 3], c[N * 3], one[N];
    sw_lhs(N, 3, 99, ids3, a);
    sw_lhs(N, 3, 99, ids3, b);
    sw_lhs(N, 3, 100, ids3, c);
    assert_memory_equal(a, b, sizeof a);
    assert_memory_not_equal(a, c, sizeof a);
    sw_lhs(N, 1, 99, ids1, one);
    for (size_t i = 0; i < N; i++)
        assert_true(one[i] == a[i * 3 + 1]);
    /* columns are not one permutation copied: two columns differ somewhere */
    bool differ = false;
    for (size_t i = 0; i < N; i++)
        differ |= ceil(a[i * 3] * N) != ceil(a[i * 3 + 2] * N);
    assert_true(differ);
}

/* The maps from (0, 1] into a range: log-uniform for wide durations, uniform otherwise,
 * counts with equal weight per whole number, lists by strata. */
static void factor_maps(void **state)
{
    (void)state;
    struct kz_factor wide = {.name = "w", .duration = true, .lo = 10, .hi = 1000};
    struct kz_factor narrow = {.name = "n", .duration = true, .lo = 10, .hi = 20};
    struct kz_factor plain = {.name = "p", .lo = 10, .hi = 1000};
    struct kz_factor count = {.name = "c", .integer = true, .lo = 1, .hi = 4};
    double vals[3] = {2, 4, 8};
    struct kz_factor list = {
        .name = "l", .integer = true, .lo = 2, .hi = 8, .vals = vals, .nvals = 3};
    assert_near(sw_factor_value(&wide, 0.5), 100, 1e-9);
    assert_near(sw_factor_value(&wide, 1), 1000, 1e-9);
    assert_near(sw_factor_value(&narrow, 0.5), 15, 1e-12);
    assert_near(sw_factor_value(&plain, 0.5), 505, 1e-12); /* not a duration: uniform */
    int seen[5] = {0};
    for (int i = 1; i <= 400; i++) {
        double v = sw_factor_value(&count, i / 400.0);
        assert_true(v == floor(v) && v >= 1 && v <= 4);
        seen[(int)v]++;
    }
    for (int v = 1; v <= 4; v++)
        assert_int_equal(seen[v], 100);
    assert_true(sw_factor_value(&list, 0.2) == 2);
    assert_true(sw_factor_value(&list, 0.34) == 4);
    assert_true(sw_factor_value(&list, 1) == 8);
    /* A hypercube mapped stays inside every range. */
    enum { N = 50 };
    size_t ids[2] = {0, 1};
    double u[N * 2];
    sw_lhs(N, 2, 3, ids, u);
    for (size_t i = 0; i < N; i++) {
        double x = sw_factor_value(&wide, u[i * 2]), y = sw_factor_value(&count, u[i * 2 + 1]);
        assert_true(x >= 10 && x <= 1000 * (1 + 1e-12));
        assert_true(y >= 1 && y <= 4);
    }
}

/* ---- ranks, least squares, PRCC ------------------------------------------------------------ */

static void ranks_with_ties(void **state)
{
    (void)state;
    double x[7] = {3, 1, 3, INFINITY, 2, INFINITY, 3};
    double r[7];
    assert_int_equal(sw_ranks(x, 7, 1, r), KZ_OK);
    /* 1 -> 1; 2 -> 2; three 3s -> ranks 3,4,5 -> 4; two infinities -> 6,7 -> 6.5 */
    double want[7] = {4, 1, 4, 6.5, 2, 6.5, 4};
    for (int i = 0; i < 7; i++)
        assert_near(r[i], want[i], 0);
    /* a stride reads a column of a row-major matrix */
    double m[6] = {5, 0, 4, 0, 6, 0};
    assert_int_equal(sw_ranks(m, 3, 2, r), KZ_OK);
    assert_near(r[0], 2, 0);
    assert_near(r[1], 1, 0);
    assert_near(r[2], 3, 0);
}

/* The residual of a least-squares fit is orthogonal to every column; an exact fit leaves
 * nothing; a repeated column changes nothing. */
static void least_squares(void **state)
{
    (void)state;
    enum { N = 30 };
    struct rng r;
    rng_seed(&r, 5, 1);
    double a[N * 3], keep[N * 3], b[N * 2], b0[N];
    for (size_t i = 0; i < N; i++) {
        keep[i] = 1;
        keep[N + i] = rng_u01(&r);
        keep[2 * N + i] = rng_u01(&r) * 3;
        b[i] = b0[i] = rng_u01(&r) + 2 * keep[N + i];
        b[N + i] = 4 - keep[N + i] + 0.5 * keep[2 * N + i]; /* in the span */
    }
    memcpy(a, keep, sizeof a);
    sw_lsq_residuals(a, N, 3, b, 2);
    for (size_t c = 0; c < 3; c++) {
        double s = 0;
        for (size_t i = 0; i < N; i++)
            s += keep[c * N + i] * b[i];
        assert_true(fabs(s) < 1e-10);
    }
    double e = 0, moved = 0;
    for (size_t i = 0; i < N; i++) {
        e += fabs(b[N + i]);
        moved += fabs(b[i] - b0[i]);
    }
    assert_true(e < 1e-10);
    assert_true(moved > 0.1); /* the fit did take something out */
    /* The first column repeated as the third: the same residual as the first two alone. */
    double a2[N * 3], b2[N], a3[N * 2], b3[N];
    for (size_t i = 0; i < N; i++) {
        a2[i] = a3[i] = keep[i];
        a2[N + i] = a3[N + i] = keep[N + i];
        a2[2 * N + i] = keep[i];
        b2[i] = b3[i] = b0[i];
    }
    sw_lsq_residuals(a2, N, 3, b2, 1);
    sw_lsq_residuals(a3, N, 2, b3, 1);
    for (size_t i = 0; i < N; i++)
        assert_near(b2[i], b3[i], 1e-10);
}

/* y = x1 + small noise: PRCC(x1) near 1, the unrelated inputs near 0; a decreasing
 * monotone function of x2 gives PRCC(x2) near -1 whatever its curvature. */
static void prcc_synthetic(void **state)
{
    (void)state;
    enum { N = 200, K = 3 };
    struct rng r;
    rng_seed(&r, 42, 0);
    double x[N * K], y[N], y2[N], p[K];
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < K; j++)
            x[i * K + j] = rng_u01(&r);
        y[i] = x[i * K] + 0.01 * rng_normal(&r);
        y2[i] = -pow(x[i * K + 1], 5) + 0.1 * x[i * K];
    }
    assert_int_equal(sw_prcc(x, N, K, y, p), KZ_OK);
    assert_true(p[0] > 0.9);
    assert_true(fabs(p[1]) < 0.2);
    assert_true(fabs(p[2]) < 0.2);
    assert_int_equal(sw_prcc(x, N, K, y2, p), KZ_OK);
    assert_true(p[1] < -0.9);
    assert_true(p[0] > 0.5); /* the small term is still a monotone relation, partialled out */
    /* A constant output has no correlation; too few settings none at all. */
    double flat[N];
    for (size_t i = 0; i < N; i++)
        flat[i] = 7;
    assert_int_equal(sw_prcc(x, N, K, flat, p), KZ_OK);
    assert_true(isnan(p[0]) && isnan(p[1]) && isnan(p[2]));
    assert_int_equal(sw_prcc(x, K + 1, K, y, p), KZ_EINVAL);
    assert_true(isnan(p[0]));
    assert_int_equal(sw_prcc(x, K + 2, K, y, p), KZ_OK);
}

/* ---- order statistics from a CDF ------------------------------------------------------------ */

/* A CDF as kz_sim_result_cdf writes it from a histogram. */
static size_t cdf_of(const struct hist *h, int64_t total, double *x, double *f)
{
    size_t k = 0;
    int64_t acc = 0;
    for (int b = 0; b < HIST_BINS; b++)
        if (h->count[b]) {
            acc += h->count[b];
            x[k] = hist_bin_hi_s(b);
            f[k++] = (double)acc / (double)total;
        }
    return k;
}

static void cdf_ranks_match_quantiles(void **state)
{
    (void)state;
    long lo, hi;
    sw_median_ranks(100, &lo, &hi);
    assert_int_equal(lo, 40); /* floor(50 - 9.8) */
    assert_int_equal(hi, 61); /* ceil(51 + 9.8) */
    sw_median_ranks(1, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 1);
    struct hist *h = calloc(1, sizeof *h);
    double *x = malloc(HIST_BINS * sizeof *x), *f = malloc(HIST_BINS * sizeof *f);
    assert_non_null(h);
    assert_non_null(x);
    assert_non_null(f);
    struct rng r;
    rng_seed(&r, 8, 8);
    for (int i = 0; i < 1000; i++)
        hist_add(h, (int64_t)(rng_exp(&r, 600) * 1e6));
    size_t np = cdf_of(h, 1000, x, f);
    for (double q = 0.05; q < 1; q += 0.05) {
        double want = hist_quantile(h, 1000, q);
        double got = sw_cdf_rank(x, f, np, 1000, (long)ceil(q * 1000));
        assert_near(got, want, want * 1e-12);
    }
    /* 1200 runs of which these 1000 completed: ranks beyond them are not reached */
    np = cdf_of(h, 1200, x, f);
    assert_true(isfinite(sw_cdf_rank(x, f, np, 1200, 1000)));
    assert_true(isinf(sw_cdf_rank(x, f, np, 1200, 1001)));
    free(h);
    free(x);
    free(f);
}

/* ---- the sweep on tests/data/sim/sweep.yaml ------------------------------------------------ */

struct fixture {
    kz_model *m;
    kz_scenario *s;
    kz_levers *lv;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    kz_diags *d;
    if (!fx || kz_diags_create(&d))
        return -1;
    int rc = kz_model_load_file(SIMD "sweep.yaml", &fx->m, d);
    if (!rc)
        rc = kz_scenario_load_file(SIMD "sweep-scenario.yaml", &fx->s, d);
    kz_diags_destroy(d);
    if (rc)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    kz_levers_free(fx->lv);
    kz_scenario_free(fx->s);
    kz_model_free(fx->m);
    free(fx);
    return 0;
}

/* The levers (H-L's kizuna/levers.h); a test of the sweep skips until they exist. */
static kz_levers *levers(struct fixture *fx)
{
    if (!fx->lv && kz_levers_open(fx->m, fx->s, &fx->lv))
        fx->lv = NULL;
    if (!fx->lv || kz_levers_nfactors(fx->lv) < 3)
        skip();
    return fx->lv;
}

static kz_sweep *plan(struct fixture *fx, long samples, long runs, unsigned methods, int threads)
{
    struct kz_sweep_options o = {
        .samples = samples, .runs = runs, .methods = methods, .threads = threads};
    kz_sweep *w = NULL;
    char err[256];
    assert_int_equal(kz_sweep_plan(levers(fx), fx->m, fx->s, &o, &w, err, sizeof err), KZ_OK);
    return w;
}

/* The item list: the nominal, two OAT items per factor, then the LHS settings, whose
 * values lie in the factors' ranges. */
static void plan_items(void **state)
{
    struct fixture *fx = *state;
    kz_sweep *w = plan(fx, 7, 10, 0, 1);
    size_t nf = kz_sweep_nfactors(w);
    assert_int_equal(kz_sweep_nitems(w), 1 + 2 * nf + 7);
    assert_int_equal(kz_sweep_item_width(w), 7 * kz_sweep_nthreads(w));
    for (size_t k = 0; k < nf; k++) {
        const struct kz_factor *f = kz_levers_factor(fx->lv, kz_sweep_factor(w, k));
        assert_true(kz_sweep_value(w, 0, k) == f->nominal);
        assert_true(kz_sweep_value(w, 1 + 2 * k, k) == f->lo);
        assert_true(kz_sweep_value(w, 2 + 2 * k, k) == f->hi);
        for (size_t j = 0; j < nf; j++)
            if (j != k)
                assert_true(kz_sweep_value(w, 1 + 2 * k, j) ==
                            kz_levers_factor(fx->lv, kz_sweep_factor(w, j))->nominal);
        for (size_t i = 1 + 2 * nf; i < kz_sweep_nitems(w); i++) {
            double v = kz_sweep_value(w, i, k);
            assert_true(v >= f->lo * (1 - 1e-12) && v <= f->hi * (1 + 1e-12));
        }
    }
    kz_sweep_free(w);
    /* only: one glob keeps the factors it matches; a glob that matches none is refused */
    struct kz_sweep_options o = {.samples = 4, .runs = 5, .only = "node.hq.processing.decide.*"};
    char err[256];
    assert_int_equal(kz_sweep_plan(fx->lv, fx->m, fx->s, &o, &w, err, sizeof err), KZ_OK);
    assert_int_equal(kz_sweep_nfactors(w), 1);
    assert_string_equal(kz_levers_factor(fx->lv, kz_sweep_factor(w, 0))->name,
                        "node.hq.processing.decide.median");
    kz_sweep_free(w);
    o.only = "node.hq.processing.decide.*, nothing.here";
    assert_int_equal(kz_sweep_plan(fx->lv, fx->m, fx->s, &o, &w, err, sizeof err), KZ_ENOTFOUND);
    assert_null(w);
    assert_non_null(strstr(err, "nothing.here"));
}

/* eval [0, n) at once, in three chunks, and on two threads: the same bytes. */
static void eval_chunks_identical(void **state)
{
    struct fixture *fx = *state;
    kz_sweep *w = plan(fx, 5, 40, 0, 1), *w2 = plan(fx, 5, 40, 0, 2);
    size_t n = kz_sweep_nitems(w), width = kz_sweep_item_width(w);
    double *all = calloc(n * width, sizeof *all), *parts = calloc(n * width, sizeof *parts);
    double *two = calloc(n * width, sizeof *two);
    assert_non_null(all);
    assert_non_null(parts);
    assert_non_null(two);
    char err[256];
    assert_int_equal(kz_sweep_eval(w, 0, n, all, NULL, NULL, err, sizeof err), KZ_OK);
    size_t a = n / 3, b = 2 * n / 3;
    /* chunks out of order, so each starts from levers another item left behind */
    assert_int_equal(kz_sweep_eval(w, b, n, parts + b * width, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(kz_sweep_eval(w, 0, a, parts, NULL, NULL, err, sizeof err), 0);
    assert_int_equal(kz_sweep_eval(w, a, b, parts + a * width, NULL, NULL, err, sizeof err), 0);
    assert_memory_equal(all, parts, n * width * sizeof *all);
    assert_int_equal(kz_sweep_eval(w2, 0, n, two, NULL, NULL, err, sizeof err), KZ_OK);
    assert_memory_equal(all, two, n * width * sizeof *all);
    /* the settings do move the answer: some item's p50 differs from the nominal's */
    bool moved = false;
    for (size_t i = 1; i < n; i++)
        moved |= all[i * width] != all[0];
    assert_true(moved);
    /* the sampling interval holds the p50 */
    for (size_t i = 0; i < n; i++)
        assert_true(all[i * width + 1] <= all[i * width] && all[i * width] <= all[i * width + 2]);
    kz_sweep_free(w);
    kz_sweep_free(w2);
    free(all);
    free(parts);
    free(two);
}

/* The fold on doubles made up for it: intervals by nearest rank over the LHS items, OAT
 * swings sorted (an incomplete end counts as the horizon), PRCC of an output that is one
 * factor's value. */
static void fold_made_up(void **state)
{
    struct fixture *fx = *state;
    enum { S = 40 };
    kz_sweep *w = plan(fx, S, 10, 0, 1);
    size_t n = kz_sweep_nitems(w), width = kz_sweep_item_width(w), nf = kz_sweep_nfactors(w);
    double *all = calloc(n * width, sizeof *all);
    assert_non_null(all);
    for (size_t i = 0; i < n; i++) {
        double *d = all + i * width; /* thread 0: p50, lo, hi, met, lo, hi, done */
        d[0] = 600, d[1] = 550, d[2] = 650, d[3] = 0.5, d[4] = 0.4, d[5] = 0.6, d[6] = 1;
    }
    /* OAT: factor k's high end adds 10 (k + 1) s; the last factor's high end never completes */
    for (size_t k = 0; k < nf; k++) {
        all[(2 + 2 * k) * width] = 600 + 10.0 * (double)(k + 1);
        all[(2 + 2 * k) * width + 3] = 0.5 - 0.01 * (double)k;
    }
    all[(2 + 2 * (nf - 1)) * width] = INFINITY;
    /* LHS: p50 = factor 0's value (a monotone relation); met = i / S */
    size_t first = 1 + 2 * nf;
    for (size_t i = 0; i < S; i++) {
        all[(first + i) * width] = kz_sweep_value(w, first + i, 0);
        all[(first + i) * width + 3] = (double)i / S;
    }
    assert_null(kz_sweep_effect(w, 0, 0)); /* not folded yet */
    assert_int_equal(kz_sweep_fold(w, all), KZ_OK);
    const struct kz_sweep_thread *th = kz_sweep_thread(w, 0);
    assert_near(th->p50_s, 600, 0);
    assert_near(th->p50_lo_s, 550, 0);
    assert_near(th->met_hi, 0.6, 0);
    /* met over the LHS items is 0, 1/S, ..., (S-1)/S: the 2nd and the 38th smallest */
    assert_near(th->asm_met_p05, 1.0 / S, 1e-15);
    assert_near(th->asm_met_p95, 37.0 / S, 1e-15);
    double v[S];
    for (size_t i = 0; i < S; i++)
        v[i] = kz_sweep_value(w, first + i, 0);
    stats_sort(v, S);
    assert_near(th->asm_p50_p05_s, v[1], 0);
    assert_near(th->asm_p50_p95_s, v[37], 0);
    assert_true(th->prcc_ok == (S > nf + 1));
    const struct kz_sweep_effect *e0 = kz_sweep_effect(w, 0, 0);
    assert_int_equal(e0->factor, kz_sweep_factor(w, nf - 1));
    assert_near(e0->swing_p50_s, 6 * 3600 - 600, 1e-9); /* the horizon, 6h */
    for (size_t r = 1; r < nf; r++) {                   /* then the others, largest swing first */
        const struct kz_sweep_effect *e = kz_sweep_effect(w, 0, r);
        assert_int_equal(e->factor, kz_sweep_factor(w, nf - 1 - r));
        assert_near(e->swing_p50_s, 10.0 * (double)(nf - r), 1e-9);
        assert_near(e->p50_lo_s, 600, 0);
    }
    for (size_t r = 0; r < nf; r++) {
        const struct kz_sweep_effect *e = kz_sweep_effect(w, 0, r);
        if (e->factor == kz_sweep_factor(w, 0))
            assert_true(e->prcc_p50 > 0.999);
    }
    struct kz_sweep_item it;
    assert_int_equal(kz_sweep_item_thread(w, first + 3, 0, &it), KZ_OK);
    assert_near(it.met, 3.0 / S, 0);
    assert_int_equal(kz_sweep_item_thread(w, n, 0, &it), KZ_EINVAL);
    kz_sweep_free(w);
    free(all);
}

/* The real thing, small: the decision's assumption tops the tornado of sweep.yaml. */
static void dominant_factor_first(void **state)
{
    struct fixture *fx = *state;
    kz_sweep *w = plan(fx, 8, 60, 0, 0);
    size_t n = kz_sweep_nitems(w), width = kz_sweep_item_width(w);
    double *all = calloc(n * width, sizeof *all);
    assert_non_null(all);
    char err[256];
    assert_int_equal(kz_sweep_eval(w, 0, n, all, NULL, NULL, err, sizeof err), KZ_OK);
    assert_int_equal(kz_sweep_fold(w, all), KZ_OK);
    const struct kz_sweep_effect *e = kz_sweep_effect(w, 0, 0);
    assert_string_equal(kz_levers_factor(fx->lv, e->factor)->name,
                        "node.hq.processing.decide.median");
    assert_true(e->p50_hi_s > e->p50_lo_s);
    const struct kz_sweep_thread *th = kz_sweep_thread(w, 0);
    assert_true(th->asm_p50_p05_s < th->p50_s && th->p50_s < th->asm_p50_p95_s);
    kz_sweep_free(w);
    free(all);
}

static void bad_arguments(void **state)
{
    struct fixture *fx = *state;
    kz_sweep *w = (kz_sweep *)1;
    struct kz_sweep_options o = {.samples = -1};
    char err[128];
    assert_int_equal(kz_sweep_plan(NULL, fx->m, fx->s, &o, &w, err, sizeof err), KZ_EINVAL);
    assert_null(w);
    assert_int_equal(kz_sweep_eval(NULL, 0, 1, NULL, NULL, NULL, err, sizeof err), KZ_EINVAL);
    assert_int_equal(kz_sweep_fold(NULL, NULL), KZ_EINVAL);
    assert_null(kz_sweep_thread(NULL, 0));
    kz_sweep_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lhs_strata_once),
        cmocka_unit_test(lhs_deterministic),
        cmocka_unit_test(factor_maps),
        cmocka_unit_test(ranks_with_ties),
        cmocka_unit_test(least_squares),
        cmocka_unit_test(prcc_synthetic),
        cmocka_unit_test(cdf_ranks_match_quantiles),
        cmocka_unit_test_setup_teardown(plan_items, setup, teardown),
        cmocka_unit_test_setup_teardown(eval_chunks_identical, setup, teardown),
        cmocka_unit_test_setup_teardown(fold_made_up, setup, teardown),
        cmocka_unit_test_setup_teardown(dominant_factor_first, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
