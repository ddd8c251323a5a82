/* kizuna/paired.h - paired differences between structures run on common random numbers. */
#ifndef KIZUNA_PAIRED_H
#define KIZUNA_PAIRED_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/scenario.h"
#include "kizuna/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Replication i of every structure sees the same world (common random numbers), so the
 * time of a thread in replication i over structure B and over structure A form a pair,
 * and the difference B - A of each pair removes the variation the two share. This header
 * turns the per-run rows of two results (kz_sim_result_run, kept with keep_runs) into
 * the paired difference of one thread: "other" minus "base", so a negative time
 * difference means that "other" is faster, a positive deadline difference that it meets
 * the deadline more often.
 *
 * A replication in which the thread did not complete (an infeasible step, or the horizon
 * reached) is censored: its time counts as `cap_s`, the scenario's horizon
 * (kz_paired_cap_s), which no thread time can exceed. The time difference is therefore a
 * difference of means restricted to the horizon: exact when both complete, and when
 * neither completes the pair counts as 0. `censored` says how many pairs this touched.
 * Not completing is not meeting the deadline, so the deadline difference needs no cap.
 *
 * Intervals are 95 %: for the mean time difference Student's t on the n differences
 * (n - 1 degrees of freedom); for the deadline-met difference the Agresti-Min interval
 * for paired proportions (a half added to each of the four met/missed cells). An
 * interval excludes 0 when both its ends are on the same side of 0: that difference is
 * "significant". Identical inputs give a difference of exactly 0 and a time interval of
 * exactly [0, 0].
 */
struct kz_paired {
    long n;                 /* pairs */
    long censored;          /* pairs in which either side did not complete */
    double cap_s;           /* the time a replication that did not complete counts as */
    double mean_s;          /* mean of (other - base) over the pairs */
    double lo_s, hi_s;      /* its 95 % interval; NAN when n < 2 */
    double p50_s;           /* the median of the n differences (mean of the middle two) */
    double met;             /* other's share meeting the deadline minus base's */
    double met_lo, met_hi;  /* its 95 % interval (Agresti-Min), within [-1, 1] */
    bool identical;         /* every pair equal: completed alike, same time, same verdict */
};

/*
 * The paired difference of other[i] - base[i] for i in [0, n): a row with time_s < 0 did
 * not complete and counts as cap_s. Pure: reads only its arguments. Returns 0, KZ_EINVAL
 * (a NULL pointer, n == 0, or cap_s not a finite number >= 0) or KZ_ENOMEM (the median's
 * buffer); *out is written only on 0.
 */
int kz_paired_runs(const struct kz_run_row *base, const struct kz_run_row *other, size_t n,
                   double cap_s, struct kz_paired *out);

/* The censoring cap of a scenario's threads: its horizon in seconds (NAN for NULL). */
double kz_paired_cap_s(const kz_scenario *s);

/*
 * The paired difference of thread `thread` of `other` against `base`, over every
 * replication: both results must come from one scenario (the thread has the same id in
 * both) with the same number of runs, and have been run with keep_runs. Returns 0,
 * KZ_EINVAL (a NULL argument, no such thread, different thread ids or runs, a bad cap),
 * KZ_ENOTFOUND (a result without its per-run rows) or KZ_ENOMEM.
 */
int kz_paired_thread(const kz_sim_result *base, const kz_sim_result *other, size_t thread,
                     double cap_s, struct kz_paired *out);

/*
 * Which side a paired difference favours: +1 other, -1 base, 0 neither. Deadlines come
 * first: a deadline-met interval that excludes 0 decides; when it includes 0, a time
 * interval that excludes 0 decides (lower is better). Otherwise 0.
 */
int kz_paired_verdict(const struct kz_paired *p);

/* How one thread ranks over n results of one scenario. */
struct kz_paired_rank {
    long best;       /* the result that beats every other (kz_paired_verdict), or -1 */
    bool identical;  /* an identical chain: with n >= 2, every result's rows equal the first's */
};

/*
 * Ranks thread `thread` over results[0..n): `best` is set only when its verdict against
 * each of the n - 1 others is significant in its favour (an intersection-union test: each
 * comparison at 95 % keeps the whole claim at 95 %, no correction needed) and never for an
 * identical chain. With n < 2 nothing is ranked. Same returns as kz_paired_thread.
 */
int kz_paired_rank(const kz_sim_result *const *results, size_t n, size_t thread, double cap_s,
                   struct kz_paired_rank *out);

#ifdef __cplusplus
}
#endif
#endif
