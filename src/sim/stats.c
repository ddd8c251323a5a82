/* stats.c - order-independent accumulators: log-binned histograms. */
#include "stats.h"

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
