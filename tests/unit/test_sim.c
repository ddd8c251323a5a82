/* test_sim.c - validation of the simulator against truths nobody tuned: Erlang C, propagation
 * delay, thread-count independence, precedence, infeasible steps. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "kizuna/sim.h"
#include "support.h"

#define DATA KZ_SOURCE_DIR "/tests/data/sim/"

static kz_sim_result *run(const kz_model *m, const kz_scenario *s, long runs, uint64_t seed,
                          int threads, bool keep)
{
    struct kz_sim_options o = {.runs = runs, .seed = seed, .has_seed = true, .threads = threads, .keep_runs = keep};
    kz_sim_result *r = NULL;
    char err[256] = "";
    int rc = kz_sim_run(m, s, &o, &r, err, sizeof err);
    if (rc)
        fprintf(stderr, "kz_sim_run: %s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

/* Haversine written out again here, independently of the library's. */
static double km(double la1, double lo1, double la2, double lo2)
{
    const double r = 6371.0, rad = 3.14159265358979323846 / 180.0;
    double dla = (la2 - la1) * rad, dlo = (lo2 - lo1) * rad;
    double h = sin(dla / 2) * sin(dla / 2) +
               cos(la1 * rad) * cos(la2 * rad) * sin(dlo / 2) * sin(dlo / 2);
    return 2 * r * asin(sqrt(h));
}

/* With every processing time zero, a track takes exactly the propagation time of its route:
 * Tokyo -> Hawaii -> Washington, path factor 1.5, at 200,000 km/s. */
static void test_zero_processing_is_propagation(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(DATA "line.yaml");
    kz_scenario *s = ts_scenario_file(DATA "prop.yaml");
    kz_sim_result *r = run(m, s, 5, 1, 1, true);
    double expect = (km(35.69, 139.73, 21.39, -157.91) + km(21.39, -157.91, 38.90, -77.04)) *
                    1.5 / 200000.0;
    for (long i = 0; i < 5; i++) {
        struct kz_run_row row;
        assert_true(kz_sim_result_run(r, i, 0, &row));
        /* microsecond rounding per hop */
        assert_true(fabs(row.time_s - expect) < 3e-6);
        assert_true(row.met);
    }
    assert_true(expect > 0.05 && expect < 0.12); /* about 15,000 km of path */
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

static double erlang_c_wq(int c, double lambda, double mu)
{
    double a = lambda / mu, term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        if (k > 0)
            term *= a / k;
        sum += term;
    }
    double last = term * a / c * ((double)c / (c - a));
    double pw = last / (sum + last);
    return pw / (c * mu - lambda);
}

/* M/M/2 (lambda 1.5/min, mean service 60 s): the mean wait in queue matches Erlang C within
 * the 99 % confidence interval of 30 independent 200-hour replications. */
static void test_erlang_c(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(DATA "line.yaml");
    kz_scenario *s = ts_scenario_file(DATA "erlang.yaml");
    const int n = 30;
    double sum = 0, sumsq = 0;
    for (int i = 0; i < n; i++) {
        kz_sim_result *r = run(m, s, 1, (uint64_t)(1000 + i), 1, false);
        const struct kz_node_stats *srv = NULL;
        for (size_t k = 0; k < kz_sim_result_nnodes(r); k++)
            if (!strcmp(kz_sim_result_node(r, k)->id, "srv"))
                srv = kz_sim_result_node(r, k);
        assert_non_null(srv);
        sum += srv->mean_wait_s;
        sumsq += srv->mean_wait_s * srv->mean_wait_s;
        kz_sim_result_free(r);
    }
    double mean = sum / n, sd = sqrt((sumsq - n * mean * mean) / (n - 1));
    double half = 2.756 * sd / sqrt(n); /* t(0.995, 29) */
    double wq = erlang_c_wq(2, 1.5 / 60.0, 1.0 / 60.0);
    fprintf(stderr, "M/M/2 Wq: simulated %.2f s +- %.2f (99%%), Erlang C %.2f s\n", mean, half,
            wq);
    assert_true(fabs(wq - 77.142857) < 1e-3);
    assert_true(fabs(mean - wq) <= half);
    assert_true(half < 0.1 * wq); /* the interval is tight enough to mean something */
    kz_scenario_free(s);
    kz_model_free(m);
}

static void same_stats(const kz_sim_result *a, const kz_sim_result *b)
{
    struct kz_sim_totals ta, tb;
    kz_sim_result_totals(a, &ta);
    kz_sim_result_totals(b, &tb);
    assert_true(ta.events == tb.events);
    assert_int_equal(kz_sim_result_nthreads(a), kz_sim_result_nthreads(b));
    for (size_t i = 0; i < kz_sim_result_nthreads(a); i++) {
        const struct kz_thread_stats *x = kz_sim_result_thread(a, i), *y = kz_sim_result_thread(b, i);
        assert_memory_equal(&x->p50_s, &y->p50_s, sizeof(double));
        assert_memory_equal(&x->p90_s, &y->p90_s, sizeof(double));
        assert_memory_equal(&x->p99_s, &y->p99_s, sizeof(double));
        assert_memory_equal(&x->mean_s, &y->mean_s, sizeof(double));
        assert_memory_equal(&x->mean_ci_s, &y->mean_ci_s, sizeof(double));
        assert_memory_equal(&x->deadline_met, &y->deadline_met, sizeof(double));
        assert_memory_equal(&x->completed, &y->completed, sizeof(double));
        assert_int_equal(x->wait_node, y->wait_node);
        assert_memory_equal(&x->wait_node_s, &y->wait_node_s, sizeof(double));
    }
    for (size_t i = 0; i < kz_sim_result_nnodes(a); i++) {
        const struct kz_node_stats *x = kz_sim_result_node(a, i), *y = kz_sim_result_node(b, i);
        assert_memory_equal(&x->utilisation, &y->utilisation, sizeof(double));
        assert_memory_equal(&x->mean_wait_s, &y->mean_wait_s, sizeof(double));
    }
}

/* The same seed gives the same results, bit for bit, on 1 and 2 worker threads; another seed
 * does not (so the comparison can fail). */
static void test_threads_do_not_change_results(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(KZ_SOURCE_DIR "/data/structures/jjoc-2025.yaml");
    kz_scenario *s = ts_scenario_file(KZ_SOURCE_DIR "/data/scenarios/nk-salvo.yaml");
    kz_sim_result *one = run(m, s, 700, 7, 1, true);
    kz_sim_result *two = run(m, s, 700, 7, 2, true);
    same_stats(one, two);
    for (long i = 0; i < 700; i++)
        for (size_t t = 0; t < kz_sim_result_nthreads(one); t++) {
            struct kz_run_row a, b;
            assert_true(kz_sim_result_run(one, i, t, &a));
            assert_true(kz_sim_result_run(two, i, t, &b));
            assert_memory_equal(&a.time_s, &b.time_s, sizeof(double));
            assert_int_equal(a.met, b.met);
        }
    kz_sim_result *other = run(m, s, 700, 8, 2, false);
    struct kz_sim_totals t1, t3;
    kz_sim_result_totals(one, &t1);
    kz_sim_result_totals(other, &t3);
    assert_true(t1.events != t3.events ||
                kz_sim_result_thread(one, 0)->mean_s != kz_sim_result_thread(other, 0)->mean_s);
    kz_sim_result_free(one);
    kz_sim_result_free(two);
    kz_sim_result_free(other);
    kz_scenario_free(s);
    kz_model_free(m);
}

/* One cell, 10 s per job, ROUTINE jobs arriving every second from 0 s. A FLASH report made
 * at 5 s is served next after the job in progress (done at 20 s: 15 s); the same report at
 * ROUTINE waits behind the five queued before it (done at 70 s: 65 s). */
static void test_flash_never_waits_behind_routine(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(DATA "line.yaml");
    kz_scenario *flash = ts_scenario_file(DATA "flash.yaml");
    kz_scenario *routine = ts_scenario_file(DATA "routine.yaml");
    kz_sim_result *rf = run(m, flash, 1, 1, 1, true);
    kz_sim_result *rr = run(m, routine, 1, 1, 1, true);
    struct kz_run_row f, r;
    assert_true(kz_sim_result_run(rf, 0, 0, &f));
    assert_true(kz_sim_result_run(rr, 0, 0, &r));
    fprintf(stderr, "flash %.6f s, routine %.6f s\n", f.time_s, r.time_s);
    assert_true(f.time_s >= 15.0 && f.time_s < 15.001); /* + propagation x -> y */
    assert_true(r.time_s >= 65.0 && r.time_s < 65.001);
    kz_sim_result_free(rf);
    kz_sim_result_free(rr);
    kz_scenario_free(flash);
    kz_scenario_free(routine);
    kz_model_free(m);
}

/* A step the structure cannot carry out is reported infeasible, with the reason; it is not
 * routed some other way. */
static void test_infeasible_steps(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(DATA "line.yaml");
    kz_scenario *s = ts_scenario_file(DATA "infeasible.yaml");
    kz_sim_result *r = run(m, s, 10, 1, 1, false);
    const struct kz_thread_stats *t0 = kz_sim_result_thread(r, 0), *t1 = kz_sim_result_thread(r, 1),
                                 *t2 = kz_sim_result_thread(r, 2);
    assert_string_equal(t0->id, "no-command");
    assert_true(t0->infeasible == 1.0 && t0->completed == 0.0 && t0->deadline_met == 0.0);
    assert_non_null(strstr(t0->infeasible_why, "chain of command"));
    assert_true(isinf(t0->p50_s));
    assert_true(t1->infeasible == 1.0);
    assert_non_null(strstr(t1->infeasible_why, "legal gate"));
    /* the control: a request along a coordination relation to the holder does complete */
    assert_true(t2->completed == 1.0 && t2->infeasible == 0.0);
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

/* Scenario ids missing from a structure are reported at their place in the scenario. */
static void test_unknown_ids_are_located(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(DATA "line.yaml");
    kz_scenario *s = ts_scenario_file(KZ_SOURCE_DIR "/data/scenarios/nk-salvo.yaml");
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_scenario_bind_check(s, m, d), KZ_ECHECK);
    assert_true(kz_diags_count(d) > 0);
    const struct kz_diag *g = kz_diags_get(d, 0);
    assert_int_equal(g->code, 40);
    assert_true(g->line > 0 && g->col > 0);
    assert_non_null(strstr(g->msg, "is not in structure 'line'"));
    kz_diags_destroy(d);
    kz_scenario_free(s);
    kz_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_processing_is_propagation),
        cmocka_unit_test(test_erlang_c),
        cmocka_unit_test(test_threads_do_not_change_results),
        cmocka_unit_test(test_flash_never_waits_behind_routine),
        cmocka_unit_test(test_infeasible_steps),
        cmocka_unit_test(test_unknown_ids_are_located),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
