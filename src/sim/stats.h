/* stats.h - order-independent accumulators (log-binned histograms, integer sums) and intervals. */
#ifndef KZ_STATS_H
#define KZ_STATS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Durations go into a histogram with bins 0.5 % wide on a log scale from
 * 1 ms to about 10^7 s (plus one bin below), so quantiles are within 0.25 %
 * and memory does not grow with the number of replications. Counts and sums
 * are integers, so merging the accumulators of several workers gives the same
 * bits in any order: the result does not depend on the thread count.
 */
#define HIST_BINS 4700

__extension__ typedef unsigned __int128 u128;

struct hist {
    int64_t count[HIST_BINS];
    int64_t n;
};

void hist_add(struct hist *h, int64_t us);
void hist_merge(struct hist *dst, const struct hist *src);
/* The value in seconds below which a fraction q of `total` observations fall, treating
 * observations not in the histogram (total - h->n) as +infinity. */
double hist_quantile(const struct hist *h, int64_t total, double q);
/* Upper edge of bin i in seconds. */
double hist_bin_hi_s(int i);

/* Sorts x[0..n) ascending (the sample quantiles of validation and paired differences). */
void stats_sort(double *x, size_t n);

/* The 0.975 quantile of Student's t with df degrees of freedom (df >= 1): a table up to 30,
 * Cornish-Fisher beyond (within 1e-6 there); NAN for df < 1. */
double stats_t975(long df);

#endif
