/* stats.c - order-independent accumulators (log-binned histograms) and Student's t. */
#include "stats.h"

#include <stdlib.h>

#include <math.h>

#define BIN_LO_US 1000.0 /* 1 ms: bin 0 holds everything below */
#define BIN_RATIO 1.005

#define LOG_RATIO 0.004987541511038968 /* log(1.005) */

void hist_add(struct hist *h, int64_t us)
{
    int b = 0;
    if ((double)us >= BIN_LO_US) {
        double x = log((double)us / BIN_LO_US) / LOG_RATIO;
        b = 1 + (int)x;
        if (b >= HIST_BINS)
            b = HIST_BINS - 1;
    }
    h->count[b]++;
    h->n++;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
    for (int i = 0; i < HIST_BINS; i++)
        dst->count[i] += src->count[i];
    dst->n += src->n;
}

double hist_bin_hi_s(int i)
{
    return BIN_LO_US * pow(BIN_RATIO, (double)i) * 1e-6;
}

double hist_quantile(const struct hist *h, int64_t total, double q)
{
    if (total <= 0)
        return NAN;
    /* the smallest value v with at least ceil(q * total) observations <= v */
    double need = ceil(q * (double)total);
    if (need < 1)
        need = 1;
    int64_t acc = 0;
    for (int i = 0; i < HIST_BINS; i++) {
        acc += h->count[i];
        if ((double)acc >= need) {
            if (i == 0)
                return BIN_LO_US * 1e-6 / 2;
            /* geometric middle of the bin */
            return BIN_LO_US * pow(BIN_RATIO, (double)i - 0.5) * 1e-6;
        }
    }
    return INFINITY;
}

/* t(0.975, df) for df = 1..30 (Student's t, six decimals). */
static const double t975[30] = {
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004,
    2.262157,  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905,
    2.109816,  2.100922, 2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899,
    2.059539,  2.055529, 2.051831, 2.048407, 2.045230, 2.042272};

double stats_t975(long df)
{
    if (df < 1)
        return NAN;
    if (df <= 30)
        return t975[df - 1];
    /* Cornish-Fisher expansion of t around the normal quantile (Abramowitz-Stegun 26.7.5). */
    const double z = 1.959963984540054, v = (double)df;
    double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
           (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v) +
           (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void stats_sort(double *x, size_t n)
{
    if (x && n > 1)
        qsort(x, n, sizeof *x, cmp_double);
}
