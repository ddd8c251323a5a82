/* test_dist.c - durations with units and distribution descriptions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "core/rng.h"
#include "model/dist.h"

static void durations_with_units(void **state)
{
    (void)state;
    double s;
    assert_int_equal(kz_parse_duration("90s", &s), 0);
    assert_true(s == 90);
    assert_int_equal(kz_parse_duration("15m", &s), 0);
    assert_true(s == 900);
    assert_int_equal(kz_parse_duration("2h", &s), 0);
    assert_true(s == 7200);
    assert_int_equal(kz_parse_duration("1h30m", &s), 0);
    assert_true(s == 5400);
    assert_int_equal(kz_parse_duration("250ms", &s), 0);
    assert_true(fabs(s - 0.25) < 1e-12);
    assert_int_equal(kz_parse_duration("1.5d", &s), 0);
    assert_true(s == 129600);
    assert_int_equal(kz_parse_duration("0", &s), 0);
    assert_true(s == 0);
}

static void durations_rejected(void **state)
{
    (void)state;
    double s;
    const char *bad[] = {"90", "",    "m",   "5 minutes", "1e3s", "0x10s",       "5mm",
                         "5q", "inf", "nan", "1h 30m",    "--5m", "99999999999d"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kz_parse_duration(bad[i], &s), -1);
    assert_int_equal(kz_parse_duration("-5m", &s), -2);
    assert_true(s == -300);
}

static void duration_round_trip(void **state)
{
    (void)state;
    const double v[] = {0, 1, 59, 60, 90, 3600, 5400, 86400, 90061, 0.25};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char buf[32];
        double back;
        kz_format_duration(v[i], buf, sizeof buf);
        assert_int_equal(kz_parse_duration(buf, &back), 0);
        assert_true(fabs(back - v[i]) < 1e-9);
    }
    char buf[32];
    kz_format_duration(5400, buf, sizeof buf);
    assert_string_equal(buf, "1h30m");
}

static void distribution_means(void **state)
{
    (void)state;
    struct kz_dist d = {.kind = KZ_DIST_TRIANGULAR, .p = {60, 120, 300}};
    assert_true(fabs(kz_dist_mean(&d) - 160) < 1e-9);
    d = (struct kz_dist){.kind = KZ_DIST_UNIFORM, .p = {10, 30}};
    assert_true(fabs(kz_dist_mean(&d) - 20) < 1e-9);
    /* Lognormal from median 10m and p90 40m: mean = exp(mu + sigma^2/2). */
    d = (struct kz_dist){.kind = KZ_DIST_LOGNORMAL, .p = {600, 2400}};
    d.mu = log(600);
    d.sigma = log(4) / KZ_Z90;
    double want = 600 * exp(d.sigma * d.sigma / 2);
    assert_true(fabs(kz_dist_mean(&d) - want) < 1e-6);
    char buf[80];
    kz_dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "lognormal(median 10m, p90 40m)");
}

/* A maximum truncates an unbounded distribution: no draw above it, and the draws' mean is the
 * truncated distribution's (the formula kz_dist_mean uses, checked against sampling here). */
static void bounded_tails(void **state)
{
    (void)state;
    struct kz_dist d[2] = {{.kind = KZ_DIST_LOGNORMAL, .p = {300, 1500}, .max = 1800},
                           {.kind = KZ_DIST_EXPONENTIAL, .p = {600}, .max = 900}};
    d[0].mu = log(300);
    d[0].sigma = log(5) / KZ_Z90;
    for (int k = 0; k < 2; k++) {
        struct kz_dist open = d[k];
        open.max = 0;
        assert_true(kz_dist_mean(&d[k]) < kz_dist_mean(&open));
        struct rng r;
        rng_seed(&r, 11, (uint64_t)k);
        double sum = 0, top = 0;
        const int n = 400000;
        for (int i = 0; i < n; i++) {
            double x = rng_dist_bounded(&r, &d[k]);
            sum += x;
            top = fmax(top, x);
        }
        assert_true(top <= d[k].max);
        assert_true(top > 0.97 * d[k].max); /* the tail is cut, not squeezed */
        double mean = sum / n, want = kz_dist_mean(&d[k]);
        assert_true(fabs(mean - want) < 0.005 * want);
    }
    /* without a maximum the stream is the unbounded one, draw for draw */
    struct kz_dist open = d[0];
    open.max = 0;
    struct rng a, b;
    rng_seed(&a, 5, 0);
    rng_seed(&b, 5, 0);
    for (int i = 0; i < 1000; i++)
        assert_true(rng_dist_bounded(&a, &open) == rng_dist(&b, &open));
    char buf[80];
    kz_dist_format(&d[0], buf, sizeof buf);
    assert_string_equal(buf, "lognormal(median 5m, p90 25m, max 30m)");
    kz_dist_format(&d[1], buf, sizeof buf);
    assert_string_equal(buf, "exponential(mean 10m, max 15m)");
    assert_true(fabs(kz_dist_median(&d[1]) - 600 * log(2.0)) < 1e-9);
}

/* Beta-PERT {10s, 30s, 2m}: every draw within [min, max], the sample mean (min + 4 mode +
 * max) / 6, the sample median the one kz_dist_median inverts to, and the mode where the draws
 * are densest. A symmetric PERT's median is its mode. */
static void pert_draws(void **state)
{
    (void)state;
    struct kz_dist d = {.kind = KZ_DIST_PERT, .p = {10, 30, 120}};
    double want = (10 + 4 * 30 + 120) / 6.0;
    assert_true(fabs(kz_dist_mean(&d) - want) < 1e-12);
    struct rng r;
    rng_seed(&r, 17, 3);
    const int n = 400000;
    double sum = 0, lo = 1e9, hi = -1, med = kz_dist_median(&d);
    int below = 0, bins[12] = {0};
    for (int i = 0; i < n; i++) {
        double x = rng_dist_bounded(&r, &d);
        sum += x;
        lo = fmin(lo, x);
        hi = fmax(hi, x);
        below += x < med;
        bins[(int)((x - 10) / 10)]++;
    }
    assert_true(lo >= 10 && hi <= 120);
    assert_true(lo < 12 && hi > 100); /* the whole range is reached */
    assert_true(fabs(sum / n - want) < 0.003 * want);
    assert_true(fabs((double)below / n - 0.5) < 0.003);
    /* Beta(1 + 4 * 20/110, 1 + 4 * 90/110) has its mode at 30s: the 20s-30s bin is densest */
    for (int b = 0; b < 11; b++)
        if (b != 1 && b != 2)
            assert_true(bins[b] < bins[1] || bins[b] < bins[2]);
    assert_true(med > 30 && med < want); /* right-skewed: mode < median < mean */
    struct kz_dist sym = {.kind = KZ_DIST_PERT, .p = {60, 90, 120}};
    assert_true(fabs(kz_dist_median(&sym) - 90) < 1e-9);
    assert_true(fabs(kz_dist_mean(&sym) - 90) < 1e-12);
    /* a degenerate side (mode at min) still draws inside the bounds */
    struct kz_dist edge = {.kind = KZ_DIST_PERT, .p = {0, 0, 60}};
    for (int i = 0; i < 10000; i++) {
        int64_t us = rng_dist_us(&r, &edge);
        assert_true(us >= 0 && us <= 60000000);
    }
    char buf[80];
    kz_dist_format(&d, buf, sizeof buf);
    assert_string_equal(buf, "pert(10s, 30s, 2m)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(durations_with_units),
        cmocka_unit_test(durations_rejected),
        cmocka_unit_test(duration_round_trip),
        cmocka_unit_test(distribution_means),
        cmocka_unit_test(bounded_tails),
        cmocka_unit_test(pert_draws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
