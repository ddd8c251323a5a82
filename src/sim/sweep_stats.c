/* sweep_stats.c - the sweep's pure math: Latin hypercube, ranks with ties, least squares, PRCC. */
#include "sweep_stats.h"

#include <math.h>
#include <stdlib.h>

#include "core/rng.h"
#include "kizuna/error.h"
#include "stats.h"

/* A whole number uniform in [0, n) (Lemire's multiply-high: no modulo bias worth naming
 * for the n of a sweep). */
static size_t below(struct rng *r, size_t n)
{
    return (size_t)(((u128)rng_next(r) * (u128)n) >> 64);
}

void sw_lhs(size_t n, size_t k, uint64_t seed, const size_t *ids, double *u)
{
    for (size_t j = 0; j < k; j++) {
        struct rng r;
        rng_seed(&r, seed, SW_LHS_STREAM + (uint64_t)ids[j]);
        /* The permutation is built in the column itself (Fisher-Yates), then each
         * stratum index gets its point within the stratum. */
        for (size_t i = 0; i < n; i++)
            u[i * k + j] = (double)i;
        for (size_t i = n; i > 1; i--) {
            size_t a = i - 1, b = below(&r, i);
            double t = u[a * k + j];
            u[a * k + j] = u[b * k + j];
            u[b * k + j] = t;
        }
        for (size_t i = 0; i < n; i++)
            u[i * k + j] = (u[i * k + j] + rng_u01(&r)) / (double)n;
    }
}

double sw_factor_value(const struct kz_factor *f, double u)
{
    if (u > 1)
        u = 1;
    if (f->vals && f->nvals) {
        double c = ceil(u * (double)f->nvals);
        size_t i = c < 1 ? 1 : (size_t)c > f->nvals ? f->nvals : (size_t)c;
        return f->vals[i - 1];
    }
    double lo = f->lo, hi = f->hi;
    if (!(hi > lo))
        return lo;
    if (f->integer) {
        double a = ceil(lo), b = floor(hi);
        if (b < a)
            return round(lo);
        double c = ceil(u * (b - a + 1));
        return a + (c < 1 ? 0 : c - 1 > b - a ? b - a : c - 1);
    }
    if (f->duration && lo > 0 && hi > 3 * lo)
        return lo * exp(u * log(hi / lo));
    return lo + (hi - lo) * u;
}

/* ---- ranks ------------------------------------------------------------------------------ */

struct vi {
    double v;
    size_t i;
};

/* Ascending, NAN after everything, equal values by index (so the sort is deterministic). */
static int cmp_vi(const void *a, const void *b)
{
    const struct vi *x = a, *y = b;
    int nx = isnan(x->v), ny = isnan(y->v);
    if (nx != ny)
        return nx - ny;
    if (!nx && x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static int same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

int sw_ranks(const double *x, size_t n, size_t stride, double *r)
{
    if (n == 0)
        return KZ_OK;
    struct vi *s = malloc(n * sizeof *s);
    if (!s)
        return KZ_ENOMEM;
    for (size_t i = 0; i < n; i++)
        s[i] = (struct vi){x[i * stride], i};
    qsort(s, n, sizeof *s, cmp_vi);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && same(s[b].v, s[a].v))
            b++;
        double mean = ((double)a + (double)b + 1) / 2; /* ranks a+1 .. b */
        for (size_t i = a; i < b; i++)
            r[s[i].i] = mean;
        a = b;
    }
    free(s);
    return KZ_OK;
}

/* ---- least squares ------------------------------------------------------------------------ */

static double dot(const double *x, const double *y, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i] * y[i];
    return s;
}

/* y -= 2 (v.y / v.v) v over n entries: the reflection I - 2 v v' / v'v. */
static void reflect(const double *v, double vv, double *y, size_t n)
{
    double f = 2 * dot(v, y, n) / vv;
    for (size_t i = 0; i < n; i++)
        y[i] -= f * v[i];
}

void sw_lsq_residuals(double *a, size_t n, size_t p, double *b, size_t m)
{
    size_t row = 0;
    for (size_t j = 0; j < p; j++) {
        double *col = a + j * n;
        /* Earlier reflections keep the column's norm: all of it is its original norm. */
        double all = sqrt(dot(col, col, n));
        double s = row < n ? sqrt(dot(col + row, col + row, n - row)) : 0;
        if (!(all > 0) || s <= 1e-12 * all) {
            for (size_t i = 0; i < n; i++) /* dependent: marked by a zero column */
                col[i] = 0;
            continue;
        }
        double alpha = col[row] > 0 ? -s : s;
        for (size_t i = 0; i < row; i++)
            col[i] = 0;
        col[row] -= alpha; /* col[row..n) is now v */
        double vv = dot(col + row, col + row, n - row);
        for (size_t c = j + 1; c < p; c++)
            reflect(col + row, vv, a + c * n + row, n - row);
        for (size_t c = 0; c < m; c++)
            reflect(col + row, vv, b + c * n + row, n - row);
        row++;
    }
    /* Q'b with its first `row` entries (the fitted part) dropped, turned back by Q. */
    for (size_t c = 0; c < m; c++) {
        double *y = b + c * n;
        for (size_t i = 0; i < row; i++)
            y[i] = 0;
        size_t r = row;
        for (size_t j = p; j-- > 0;) {
            const double *col = a + j * n;
            double vv;
            if (r == 0)
                break;
            if (!((vv = dot(col + r - 1, col + r - 1, n - r + 1)) > 0))
                continue; /* skipped column */
            r--;
            reflect(col + r, vv, y + r, n - r);
        }
    }
}

double sw_corr(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (!(sxx > 0) || !(syy > 0))
        return NAN;
    double r = sxy / sqrt(sxx * syy);
    return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* True when v[0..n) is, to rounding, constant (a residual that is all noise). */
static int flat(const double *v, size_t n, double scale)
{
    return sqrt(dot(v, v, n)) <= 1e-9 * scale;
}

int sw_prcc(const double *x, size_t n, size_t k, const double *y, double *prcc)
{
    for (size_t j = 0; j < k; j++)
        prcc[j] = NAN;
    if (n <= k + 1 || k == 0)
        return KZ_EINVAL;
    int rc = KZ_ENOMEM;
    double *rx = malloc(n * k * sizeof *rx), *ry = malloc(n * sizeof *ry);
    double *a = malloc(n * k * sizeof *a), *b = malloc(2 * n * sizeof *b);
    if (!rx || !ry || !a || !b)
        goto out;
    for (size_t j = 0; j < k; j++)
        if ((rc = sw_ranks(x + j, n, k, rx + j * n)))
            goto out;
    if ((rc = sw_ranks(y, n, 1, ry)))
        goto out;
    double scale = (double)n * sqrt((double)n); /* the size of a rank vector */
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++)
            a[i] = 1; /* the intercept */
        for (size_t c = 0, col = 1; c < k; c++)
            if (c != j) {
                for (size_t i = 0; i < n; i++)
                    a[col * n + i] = rx[c * n + i];
                col++;
            }
        for (size_t i = 0; i < n; i++) {
            b[i] = rx[j * n + i];
            b[n + i] = ry[i];
        }
        sw_lsq_residuals(a, n, k, b, 2);
        if (!flat(b, n, scale) && !flat(b + n, n, scale))
            prcc[j] = sw_corr(b, b + n, n);
    }
    rc = KZ_OK;
out:
    free(rx);
    free(ry);
    free(a);
    free(b);
    return rc;
}

/* ---- order statistics from a CDF ---------------------------------------------------------- */

double sw_cdf_rank(const double *x_s, const double *frac, size_t np, long n, long r)
{
    for (size_t i = 0; i < np; i++) {
        if (llround(frac[i] * (double)n) < r)
            continue;
        /* The histogram bin whose upper edge x_s[i] is: the first with an edge not below. */
        int lo = 0, hi = HIST_BINS - 1;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (hist_bin_hi_s(mid) < x_s[i] * (1 - 1e-12))
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo == 0 ? hist_bin_hi_s(0) / 2 : sqrt(hist_bin_hi_s(lo - 1) * hist_bin_hi_s(lo));
    }
    return INFINITY;
}

void sw_median_ranks(long n, long *lo, long *hi)
{
    double h = 1.959963984540054 * sqrt((double)n) / 2;
    double a = floor((double)n / 2 - h), b = ceil(1 + (double)n / 2 + h);
    *lo = a < 1 ? 1 : (long)a;
    *hi = b > (double)n ? n : (long)b;
    if (*lo > n)
        *lo = n;
    if (*hi < 1)
        *hi = 1;
}
