/* sweep_stats.h - the sweep's pure math: Latin hypercube, ranks with ties, least squares, PRCC. */
#ifndef KZ_SWEEP_STATS_H
#define KZ_SWEEP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "kizuna/levers.h"

/*
 * A Latin hypercube of n points in (0, 1]^k (McKay, Beckman & Conover 1979): column j
 * cuts (0, 1] into n equal strata and puts one point in each, u = (pi_j(i) + U) / n with
 * pi_j a random permutation of 0..n-1 and U uniform in (0, 1], so every stratum of every
 * column is hit exactly once. Column j draws only from the stream (seed, SW_LHS_STREAM +
 * ids[j]) of src/core/rng.h: a factor's column depends on the seed, n and its own id, not
 * on which other factors are swept. Writes u[i * k + j]. Pure; allocates nothing.
 */
#define SW_LHS_STREAM 0x4c48535357454550ull /* "LHSSWEEP": far from replication streams */
void sw_lhs(size_t n, size_t k, uint64_t seed, const size_t *ids, double *u);

/*
 * The value of factor f at the point u in (0, 1] of its range (docs/sweep.md, "Settings"):
 * a list factor takes vals[ceil(u nvals) - 1] (strata of the list); a count takes the
 * whole numbers lo..hi with equal weight; a duration whose range spans more than a factor
 * of 3 (hi > 3 lo > 0) is log-uniform (a scale: 10 s - 10 min is as wide below 1 min as
 * above); any other is uniform on [lo, hi].
 */
double sw_factor_value(const struct kz_factor *f, double u);

/* Average ranks (1..n; ties get the mean of the ranks they span) of x[0], x[stride], ...
 * x[(n-1) stride] into r[0..n). Returns 0 or KZ_ENOMEM. */
int sw_ranks(const double *x, size_t n, size_t stride, double *r);

/*
 * Least squares by Householder QR (Golub & Van Loan, Matrix Computations, 5.2): for the
 * n x p matrix a (column-major, a[j * n + i], overwritten) and m right-hand sides b[c * n
 * + i], replaces each b by its residual b - a x of the least-squares fit. A column that is
 * (to 1e-12 of its norm) a combination of the ones before it is skipped, so a rank-deficient
 * a gives the residual of the fit on the columns that are independent. Pure; no allocation.
 */
void sw_lsq_residuals(double *a, size_t n, size_t p, double *b, size_t m);

/* Pearson correlation of x[0..n) and y[0..n); NAN when either is constant or n < 2. */
double sw_corr(const double *x, const double *y, size_t n);

/*
 * Partial rank correlation coefficients (Marino, Hogue, Ray & Kirschner 2008): x holds n
 * settings of k inputs (x[i * k + j]), y n outputs. Inputs and output are rank-transformed;
 * for input j, rank(x_j) and rank(y) are each regressed (with an intercept) on the ranks
 * of the other inputs and prcc[j] is the correlation of the two residuals. Needs n > k + 1
 * (else every prcc[j] is NAN and KZ_EINVAL is returned); a constant output gives NAN.
 * Returns 0, KZ_EINVAL or KZ_ENOMEM.
 */
int sw_prcc(const double *x, size_t n, size_t k, const double *y, double *prcc);

/*
 * The value at 1-based rank r of n observations from a kz_sim_result_cdf (np points of
 * (bin's upper edge, cumulative fraction)), as hist_quantile reports a quantile: the
 * geometric middle of the bin that holds it; INFINITY when fewer than r observations
 * completed. The ranks of a 95 % interval of the median by order statistics are
 * sw_median_ranks's.
 */
double sw_cdf_rank(const double *x_s, const double *frac, size_t np, long n, long r);
/* The order statistics that bound a distribution-free 95 % interval of the median of n
 * observations: n/2 - 1.96 sqrt(n)/2 (rounded down) and 1 + n/2 + 1.96 sqrt(n)/2 (rounded
 * up), clamped to 1..n. */
void sw_median_ranks(long n, long *lo, long *hi);

#endif
