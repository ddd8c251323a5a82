/* test_paired.c - paired differences (kizuna/paired.h): known answers on synthetic rows, the
 * censoring, the verdict, and one structure run twice giving a difference of exactly zero. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/model.h"
#include "kizuna/paired.h"
#include "kizuna/scenario.h"
#include "kizuna/sim.h"
#include "sim/stats.h"

#define SIMD KZ_SOURCE_DIR "/tests/data/sim/"

static struct kz_run_row row(double t, bool met)
{
    return (struct kz_run_row){.time_s = t, .deadline_s = 60, .met = met, .stopped_step = -1};
}

/* Student's t: the table and, beyond 30, the expansion (checked against published values). */
static void t_quantiles(void **state)
{
    (void)state;
    assert_true(isnan(stats_t975(0)));
    assert_float_equal(stats_t975(1), 12.706205, 1e-6);
    assert_float_equal(stats_t975(3), 3.182446, 1e-6);
    assert_float_equal(stats_t975(30), 2.042272, 1e-6);
    assert_float_equal(stats_t975(31), 2.039513, 1e-5);
    assert_float_equal(stats_t975(100), 1.983972, 1e-5);
    assert_float_equal(stats_t975(1000000), 1.959964, 1e-5);
}

/*
 * base 10 20 30 40, other 12 18 35 41: differences 2 -2 5 1. Mean 1.5; squared deviations
 * 0.25 + 12.25 + 12.25 + 0.25 = 25, s^2 = 25/3, standard error sqrt(25/3/4) = 1.443376;
 * t(0.975, 3) = 3.182446, so 1.5 -+ 4.593465 = [-3.093465, 6.093465]. Median of -2 1 2 5: 1.5.
 */
static void known_mean_interval_median(void **state)
{
    (void)state;
    struct kz_run_row a[4] = {row(10, true), row(20, true), row(30, true), row(40, true)};
    struct kz_run_row b[4] = {row(12, true), row(18, true), row(35, true), row(41, true)};
    struct kz_paired p;
    assert_int_equal(kz_paired_runs(a, b, 4, 3600, &p), KZ_OK);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.censored, 0);
    assert_float_equal(p.mean_s, 1.5, 1e-12);
    assert_float_equal(p.lo_s, -3.093465, 1e-5);
    assert_float_equal(p.hi_s, 6.093465, 1e-5);
    assert_float_equal(p.p50_s, 1.5, 1e-12);
    assert_false(p.identical);
    assert_float_equal(p.met, 0, 0);
    /* odd n: the middle value; one pair: no interval */
    assert_int_equal(kz_paired_runs(a, b, 3, 3600, &p), KZ_OK);
    assert_float_equal(p.p50_s, 2, 1e-12);
    assert_int_equal(kz_paired_runs(a, b, 1, 3600, &p), KZ_OK);
    assert_true(isnan(p.lo_s) && isnan(p.hi_s));
    assert_int_equal(kz_paired_verdict(&p), 0);
}

/* A replication not completed counts at the cap: base -, 10; other 50, - with cap 100 gives
 * differences 50 - 100 = -50 and 100 - 10 = 90: mean 20, median 20, both pairs censored.
 * Neither completed: the pair counts as 0. */
static void censored_at_the_cap(void **state)
{
    (void)state;
    struct kz_run_row a[3] = {row(-1, false), row(10, true), row(-1, false)};
    struct kz_run_row b[3] = {row(50, true), row(-1, false), row(-1, false)};
    struct kz_paired p;
    assert_int_equal(kz_paired_runs(a, b, 2, 100, &p), KZ_OK);
    assert_int_equal(p.censored, 2);
    assert_float_equal(p.cap_s, 100, 0);
    assert_float_equal(p.mean_s, 20, 1e-12);
    assert_float_equal(p.p50_s, 20, 1e-12);
    assert_int_equal(kz_paired_runs(a + 2, b + 2, 1, 100, &p), KZ_OK);
    assert_true(p.mean_s == 0.0 && p.identical);
}

/*
 * Deadlines: 10 pairs, other met and base missed in 3, never the reverse: +0.3. Agresti-Min:
 * (3.5 - 0.5) / 12 = 0.25, variance (4/12 - 0.25^2) / 12, half-width 1.959964 * 0.150231:
 * [-0.044448, 0.544448]: not significant. With 8 of 10 it is: [0.353913, 0.979420].
 */
static void deadline_difference(void **state)
{
    (void)state;
    struct kz_run_row a[10], b[10];
    for (int i = 0; i < 10; i++) {
        a[i] = row(100, false);
        b[i] = row(90, i < 3);
    }
    struct kz_paired p;
    assert_int_equal(kz_paired_runs(a, b, 10, 3600, &p), KZ_OK);
    assert_float_equal(p.met, 0.3, 1e-12);
    assert_float_equal(p.met_lo, -0.044448, 1e-5);
    assert_float_equal(p.met_hi, 0.544448, 1e-5);
    /* every time 10 s shorter: a zero-width interval below 0, decided on time */
    assert_float_equal(p.mean_s, -10, 1e-12);
    assert_float_equal(p.lo_s, -10, 1e-12);
    assert_float_equal(p.hi_s, -10, 1e-12);
    assert_int_equal(kz_paired_verdict(&p), 1);
    for (int i = 0; i < 10; i++)
        b[i] = row(110, i < 8); /* slower, but meets the deadline far more often */
    assert_int_equal(kz_paired_runs(a, b, 10, 3600, &p), KZ_OK);
    assert_float_equal(p.met_lo, 0.353913, 1e-5);
    assert_float_equal(p.met_hi, 0.979420, 1e-5);
    assert_true(p.lo_s > 0);
    assert_int_equal(kz_paired_verdict(&p), 1); /* deadlines first */
    assert_int_equal(kz_paired_runs(b, a, 10, 3600, &p), KZ_OK);
    assert_int_equal(kz_paired_verdict(&p), -1);
}

static void identical_rows_exactly_zero(void **state)
{
    (void)state;
    struct kz_run_row a[5] = {row(1.25, true), row(-1, false), row(1e5, false), row(0.1, true),
                              row(7, true)};
    struct kz_paired p;
    assert_int_equal(kz_paired_runs(a, a, 5, 3600, &p), KZ_OK);
    assert_true(p.identical);
    assert_true(p.mean_s == 0.0 && p.lo_s == 0.0 && p.hi_s == 0.0 && p.p50_s == 0.0);
    assert_true(p.met == 0.0);
    assert_true(p.met_lo < 0 && p.met_hi > 0);
    assert_int_equal(kz_paired_verdict(&p), 0);
}

static void bad_arguments(void **state)
{
    (void)state;
    struct kz_run_row a[1] = {row(1, true)};
    struct kz_paired p;
    assert_int_equal(kz_paired_runs(NULL, a, 1, 10, &p), KZ_EINVAL);
    assert_int_equal(kz_paired_runs(a, a, 0, 10, &p), KZ_EINVAL);
    assert_int_equal(kz_paired_runs(a, a, 1, NAN, &p), KZ_EINVAL);
    assert_int_equal(kz_paired_runs(a, a, 1, -1, &p), KZ_EINVAL);
    assert_int_equal(kz_paired_runs(a, a, 1, 10, NULL), KZ_EINVAL);
    assert_true(isnan(kz_paired_cap_s(NULL)));
    assert_int_equal(kz_paired_verdict(NULL), 0);
}

/* Queueing behind a random background, a random start and a random deadline: runs differ. */
static const char scenario_text[] =
    "kizuna-scenario: 1\n"
    "name: paired\n"
    "phase: peacetime\n"
    "horizon: 1h\n"
    "runs: 200\n"
    "background:\n"
    "  - {node: srv, action: review, precedence: immediate, rate: 100/h}\n"
    "threads:\n"
    "  - id: queue\n"
    "    start: {dist: uniform, min: 0s, max: 10m}\n"
    "    deadline: {dist: uniform, min: 30s, max: 3m}\n"
    "    steps:\n"
    "      - {report: contact, from: srv, to: [y]}\n"
    "  - id: track\n"
    "    deadline: 1s\n"
    "    steps:\n"
    "      - {share: track, from: a, to: [c]}\n";

static kz_model *load_line(void)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_model_load_file(SIMD "line.yaml", &m, d), 0);
    kz_diags_destroy(d);
    return m;
}

/* The same structure file loaded twice and run on the same scenario and seed: every paired
 * difference is exactly zero, the chain identical, nothing ranked. */
static void same_structure_twice(void **state)
{
    (void)state;
    kz_diags *d;
    kz_scenario *s = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_scenario_load_mem("paired.yaml", scenario_text, strlen(scenario_text), &s, d),
                     0);
    kz_diags_destroy(d);
    kz_model *m[2] = {load_line(), load_line()};
    kz_sim_result *r[2] = {NULL, NULL};
    char err[256];
    for (int i = 0; i < 2; i++) {
        struct kz_sim_options o = {.runs = 200, .seed = 11, .has_seed = true,
                                   .threads = i + 1, .keep_runs = true};
        assert_int_equal(kz_sim_run(m[i], s, &o, &r[i], err, sizeof err), 0);
    }
    double cap = kz_paired_cap_s(s);
    assert_float_equal(cap, 3600, 0);
    for (size_t t = 0; t < kz_sim_result_nthreads(r[0]); t++) {
        struct kz_paired p;
        assert_int_equal(kz_paired_thread(r[0], r[1], t, cap, &p), KZ_OK);
        assert_int_equal(p.n, 200);
        assert_true(p.identical);
        assert_true(p.mean_s == 0.0 && p.lo_s == 0.0 && p.hi_s == 0.0 && p.p50_s == 0.0);
        assert_true(p.met == 0.0);
        struct kz_paired_rank rk;
        assert_int_equal(kz_paired_rank((const kz_sim_result *const *)r, 2, t, cap, &rk), KZ_OK);
        assert_true(rk.identical);
        assert_int_equal(rk.best, -1);
    }
    /* the runs themselves differ from one another: the zero is the pairing's, not a constant */
    struct kz_run_row x, y;
    bool differ = false;
    for (long i = 1; i < 200 && !differ; i++) {
        assert_true(kz_sim_result_run(r[0], 0, 0, &x) && kz_sim_result_run(r[0], i, 0, &y));
        differ = x.time_s != y.time_s;
    }
    assert_true(differ);
    /* a result without its rows cannot be paired */
    kz_sim_result *bare = NULL;
    struct kz_sim_options o = {.runs = 200, .seed = 11, .has_seed = true, .threads = 1};
    assert_int_equal(kz_sim_run(m[0], s, &o, &bare, err, sizeof err), 0);
    struct kz_paired p;
    assert_int_equal(kz_paired_thread(r[0], bare, 0, cap, &p), KZ_ENOTFOUND);
    assert_int_equal(kz_paired_thread(r[0], r[1], 99, cap, &p), KZ_EINVAL);
    kz_sim_result_free(bare);
    for (int i = 0; i < 2; i++) {
        kz_sim_result_free(r[i]);
        kz_model_free(m[i]);
    }
    kz_scenario_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t_quantiles),
        cmocka_unit_test(known_mean_interval_median),
        cmocka_unit_test(censored_at_the_cap),
        cmocka_unit_test(deadline_difference),
        cmocka_unit_test(identical_rows_exactly_zero),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(same_structure_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
