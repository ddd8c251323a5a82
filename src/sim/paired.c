/* paired.c - paired differences between structures run on common random numbers. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/paired.h"
#include "scenario/scenario_impl.h"
#include "stats.h"

/* The normal 0.975 quantile (the Agresti-Min interval is a Wald interval). */
#define Z975 1.959963984540054

/* A row's time with the censoring applied. */
static double capped(const struct kz_run_row *r, double cap_s)
{
    return r->time_s < 0 ? cap_s : r->time_s;
}

static bool same_row(const struct kz_run_row *a, const struct kz_run_row *b)
{
    if ((a->time_s < 0) != (b->time_s < 0) || a->met != b->met)
        return false;
    return a->time_s < 0 || a->time_s == b->time_s;
}

/* The Agresti-Min interval of the paired difference in proportions: up other met and base
 * missed, down the reverse, of n pairs. */
static void agresti_min(long up, long down, long n, double *lo, double *hi)
{
    double m = (double)n + 2, pu = ((double)up + 0.5) / m, pd = ((double)down + 0.5) / m;
    double d = pu - pd, var = (pu + pd - d * d) / m;
    double h = Z975 * sqrt(var > 0 ? var : 0);
    *lo = fmax(-1.0, d - h);
    *hi = fmin(1.0, d + h);
}

int kz_paired_runs(const struct kz_run_row *base, const struct kz_run_row *other, size_t n,
                   double cap_s, struct kz_paired *out)
{
    if (!base || !other || !out || n == 0 || !isfinite(cap_s) || cap_s < 0)
        return KZ_EINVAL;
    double *d = malloc(n * sizeof *d);
    if (!d)
        return KZ_ENOMEM;
    struct kz_paired p = {.n = (long)n, .cap_s = cap_s, .identical = true};
    /* Welford's mean and sum of squares: exact zeros stay exact. */
    double mean = 0, m2 = 0;
    long up = 0, down = 0;
    for (size_t i = 0; i < n; i++) {
        const struct kz_run_row *a = &base[i], *b = &other[i];
        p.censored += a->time_s < 0 || b->time_s < 0;
        p.identical = p.identical && same_row(a, b);
        up += b->met && !a->met;
        down += a->met && !b->met;
        d[i] = capped(b, cap_s) - capped(a, cap_s);
        double delta = d[i] - mean;
        mean += delta / (double)(i + 1);
        m2 += delta * (d[i] - mean);
    }
    p.mean_s = mean;
    p.lo_s = p.hi_s = NAN;
    if (n >= 2) {
        double h = stats_t975((long)n - 1) * sqrt((m2 > 0 ? m2 : 0) / (double)(n - 1) / (double)n);
        p.lo_s = mean - h;
        p.hi_s = mean + h;
    }
    stats_sort(d, n);
    p.p50_s = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
    free(d);
    p.met = (double)(up - down) / (double)n;
    agresti_min(up, down, (long)n, &p.met_lo, &p.met_hi);
    *out = p;
    return KZ_OK;
}

double kz_paired_cap_s(const kz_scenario *s)
{
    return s ? s->horizon : NAN;
}

/* Thread `thread` of r, or NULL. */
static const struct kz_thread_stats *thread_of(const kz_sim_result *r, size_t thread)
{
    return thread < kz_sim_result_nthreads(r) ? kz_sim_result_thread(r, thread) : NULL;
}

int kz_paired_thread(const kz_sim_result *base, const kz_sim_result *other, size_t thread,
                     double cap_s, struct kz_paired *out)
{
    if (!base || !other || !out)
        return KZ_EINVAL;
    const struct kz_thread_stats *ta = thread_of(base, thread), *tb = thread_of(other, thread);
    struct kz_sim_totals a, b;
    kz_sim_result_totals(base, &a);
    kz_sim_result_totals(other, &b);
    if (!ta || !tb || !ta->id || !tb->id || strcmp(ta->id, tb->id) || a.runs != b.runs ||
        a.runs <= 0)
        return KZ_EINVAL;
    size_t n = (size_t)a.runs;
    struct kz_run_row *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb);
    int rc = ra && rb ? KZ_OK : KZ_ENOMEM;
    for (size_t i = 0; rc == KZ_OK && i < n; i++)
        if (!kz_sim_result_run(base, (long)i, thread, &ra[i]) ||
            !kz_sim_result_run(other, (long)i, thread, &rb[i]))
            rc = KZ_ENOTFOUND;
    if (rc == KZ_OK)
        rc = kz_paired_runs(ra, rb, n, cap_s, out);
    free(ra);
    free(rb);
    return rc;
}

int kz_paired_verdict(const struct kz_paired *p)
{
    if (!p)
        return 0;
    if (p->met_lo > 0)
        return 1;
    if (p->met_hi < 0)
        return -1;
    if (p->hi_s < 0)
        return 1;
    if (p->lo_s > 0)
        return -1;
    return 0; /* NAN intervals compare false: nothing is claimed */
}

int kz_paired_rank(const kz_sim_result *const *results, size_t n, size_t thread, double cap_s,
                   struct kz_paired_rank *out)
{
    if (!results || !out)
        return KZ_EINVAL;
    struct kz_paired_rank rk = {.best = -1, .identical = n >= 2};
    struct kz_paired p;
    int rc = KZ_OK;
    for (size_t j = 1; j < n && rc == KZ_OK; j++)
        if ((rc = kz_paired_thread(results[0], results[j], thread, cap_s, &p)) == KZ_OK)
            rk.identical = rk.identical && p.identical;
    for (size_t j = 0; n >= 2 && j < n && !rk.identical && rc == KZ_OK && rk.best < 0; j++) {
        bool beats_all = true;
        for (size_t k = 0; k < n && beats_all && rc == KZ_OK; k++) {
            if (k == j)
                continue;
            rc = kz_paired_thread(results[k], results[j], thread, cap_s, &p);
            beats_all = rc == KZ_OK && kz_paired_verdict(&p) > 0;
        }
        if (beats_all && rc == KZ_OK)
            rk.best = (long)j;
    }
    if (rc == KZ_OK)
        *out = rk;
    return rc;
}
