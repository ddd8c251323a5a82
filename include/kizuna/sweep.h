/* kizuna/sweep.h - how sure an answer is: replications under every assumption setting (Latin
 * hypercube and one-at-a-time), the two kinds of interval, tornadoes and PRCC. */
#ifndef KIZUNA_SWEEP_H
#define KIZUNA_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kizuna/levers.h"
#include "kizuna/model.h"
#include "kizuna/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { KZ_SWEEP_LHS = 1u << 0, KZ_SWEEP_OAT = 1u << 1 };

struct kz_sweep_options {
    long samples;     /* Latin-hypercube settings; 0: 200 */
    long runs;        /* replications per setting; 0: 1000 */
    unsigned methods; /* KZ_SWEEP_LHS | KZ_SWEEP_OAT; 0: both */
    const char *only; /* comma-separated fnmatch globs over factor names; NULL: every factor */
    uint64_t seed;    /* used when has_seed, else the scenario's */
    bool has_seed;
    int threads;      /* worker threads per kz_sim_run; 0: one per online CPU */
};

/*
 * A planned sweep of one scenario over one structure, through that pair's levers. Its
 * work is a list of items, each one setting of the factors run for `runs` replications:
 * item 0 is the nominal setting, then for OAT the low and the high end of each factor in
 * factor order, then the LHS settings. Every item is run with the same seed (common random
 * numbers: a difference between two settings is the settings', not the draws'), so an
 * item's result depends only on the plan and the item's index - never on which process or
 * thread ran it. That is what makes a sweep spread over MPI ranks give the same bytes.
 *
 * The sweep borrows lv (and through it the model and scenario) until kz_sweep_free.
 */
typedef struct kz_sweep kz_sweep;

/* Returns 0, KZ_ENOTFOUND (`only` matches no factor; err says so), KZ_EINVAL or KZ_ENOMEM. */
int kz_sweep_plan(kz_levers *lv, const kz_model *m, const kz_scenario *s,
                  const struct kz_sweep_options *o, kz_sweep **out, char *err, size_t errlen);
void kz_sweep_free(kz_sweep *w);

/* The options as planned, defaults resolved: samples, runs, methods, seed (has_seed true),
 * threads; `only` NULL (it is the caller's). */
void kz_sweep_options_used(const kz_sweep *w, struct kz_sweep_options *out);

size_t kz_sweep_nitems(const kz_sweep *w);
/* Doubles written per item by kz_sweep_eval (a fixed number per measured thread). */
size_t kz_sweep_item_width(const kz_sweep *w);
/* Factors the sweep varies (after `only`), as indices into the levers' factors. */
size_t kz_sweep_nfactors(const kz_sweep *w);
size_t kz_sweep_factor(const kz_sweep *w, size_t k);
/* The value factor k takes in item `item`. */
double kz_sweep_value(const kz_sweep *w, size_t item, size_t k);

/*
 * Runs items [lo, hi): sets the factors, runs the replications, writes item_width doubles
 * per item to out[(item - lo) * width ...], and puts the factors back. `progress` (may be
 * NULL) is called after each item with the items done so far in this call. Returns 0,
 * KZ_ECHECK / KZ_ENOMEM from the run (err says which item), KZ_EINVAL.
 */
int kz_sweep_eval(kz_sweep *w, size_t lo, size_t hi, double *out,
                  void (*progress)(void *ctx, size_t done), void *ctx, char *err,
                  size_t errlen);

/* Folds the results of every item (nitems x width doubles, in item order) into the
 * summaries below, and keeps a copy of them for kz_sweep_item_thread. Returns 0, KZ_EINVAL
 * or KZ_ENOMEM. */
int kz_sweep_fold(kz_sweep *w, const double *all);

/* One item's outcome for one thread: its doubles from kz_sweep_eval, by name. */
struct kz_sweep_item {
    double p50_s;              /* INFINITY: not completed in half the runs */
    double p50_lo_s, p50_hi_s; /* its 95 % interval (order statistics) */
    double met, met_lo, met_hi; /* share meeting the deadline, its 95 % Wilson interval */
    double completed;          /* share of the runs that completed */
};
/* After kz_sweep_fold: item `item`'s outcome for thread t into *out (settings.csv). Returns
 * 0, or KZ_EINVAL (not folded, item or t out of range). */
int kz_sweep_item_thread(const kz_sweep *w, size_t item, size_t t, struct kz_sweep_item *out);

/* Per measured thread, after kz_sweep_fold. */
struct kz_sweep_thread {
    const char *id, *name;
    double p50_s, met;                 /* at the nominal setting */
    double p50_lo_s, p50_hi_s;         /* sampling interval: 95 % of the nominal p50 (order statistics) */
    double met_lo, met_hi;             /* sampling interval: 95 % Wilson of the nominal share met */
    double asm_p50_p05_s, asm_p50_p95_s; /* assumption interval: 5th-95th percentile of p50 over the LHS settings (NAN without LHS) */
    double asm_met_p05, asm_met_p95;   /* the same for the share meeting the deadline */
    bool prcc_ok;                      /* PRCC computed (needs LHS and more settings than factors + 1) */
};
size_t kz_sweep_nthreads(const kz_sweep *w);
const struct kz_sweep_thread *kz_sweep_thread(const kz_sweep *w, size_t t);

/* One factor's effect on one thread. */
struct kz_sweep_effect {
    size_t factor;              /* index into the levers' factors */
    double p50_lo_s, p50_hi_s;  /* OAT: p50 with the factor at its low / high end (NAN without OAT) */
    double met_lo, met_hi;      /* OAT: share met at the low / high end */
    double swing_p50_s;         /* |p50_hi - p50_lo| (an incomplete p50 counts as the horizon) */
    double swing_met;           /* |met_hi - met_lo| */
    double prcc_p50, prcc_met;  /* partial rank correlation over the LHS settings, or NAN */
};
/* Effects of every swept factor on thread t, largest p50 swing first (ties: larger met
 * swing, then factor order); without OAT (swings NAN), largest |PRCC| of the p50 first
 * (ties: |PRCC| of the share met; NAN last). NULL before kz_sweep_fold or out of range. */
const struct kz_sweep_effect *kz_sweep_effect(const kz_sweep *w, size_t t, size_t rank);

#ifdef __cplusplus
}
#endif
#endif
