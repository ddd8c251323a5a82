/* kizuna/sim.h - crisis scenarios run over a structure: Monte Carlo replications and their statistics. */
#ifndef KIZUNA_SIM_H
#define KIZUNA_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/diag.h"
#include "kizuna/model.h"
#include "kizuna/ports.h"
#include "kizuna/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- running ------------------------------------------------------------ */

/* enum kz_cause and kz_cause_names: kizuna/ports.h (the engine records them). */

/* One step of one copy of one thread in one replication (kz_sim_options.keep_steps). */
struct kz_step_row {
    long run;
    int thread, copy, step;
    const char *kind;                 /* share, report, decide, order, delay */
    double start_s, end_s;            /* from the replication's t = 0; end_s < 0: never ended */
    double cause_s[KZ_CAUSE_COUNT];   /* critical path by cause; sums to end_s - start_s */
    int node;                         /* node with the most critical-path time, or -1 */
    int cause;                        /* that node's largest cause (enum kz_cause), or -1 */
};

struct kz_sim_options {
    long runs;        /* 0: the scenario's */
    uint64_t seed;    /* used when has_seed */
    bool has_seed;
    int threads;      /* worker threads; 0: one per online CPU */
    bool keep_runs;   /* keep one row per replication (for the CSV) */
    /* Called from the calling thread now and then with replications done. */
    void (*progress)(void *ctx, long done, long total);
    void *progress_ctx;
    bool keep_steps;  /* keep one kz_step_row per replication x thread x copy x step */
};

/*
 * A result, owned by the caller (kz_sim_result_free). It borrows: every
 * string in it (structure, scenario and thread names, ids, the infeasible
 * reason, node ids) points into the structure and the scenario it was run on,
 * so both must stay loaded while the result is read. The structs returned by
 * the accessors below live as long as the result.
 */
typedef struct kz_sim_result kz_sim_result;

/*
 * Runs the scenario over the structure, `runs` replications spread over
 * `threads` workers. Replication i draws only from the stream (seed, i), and
 * every statistic is accumulated in integer microseconds, so the result is
 * the same for any thread count. On failure writes a message to err and
 * returns KZ_ECHECK (the scenario does not fit the structure: run
 * kz_scenario_bind_check for the places), KZ_ENOMEM or KZ_EINVAL.
 */
int kz_sim_run(const kz_model *m, const kz_scenario *s, const struct kz_sim_options *o,
               kz_sim_result **out, char *err, size_t errlen);
void kz_sim_result_free(kz_sim_result *r);

struct kz_sim_totals {
    const char *structure;  /* the structure's name */
    const char *title;      /* the structure's title */
    const char *scenario;   /* the scenario's name */
    long runs;
    uint64_t seed;
    uint64_t events;        /* events dispatched by the kernel, all replications */
    double wall_s;          /* wall-clock time of kz_sim_run */
    int threads_used;
};
void kz_sim_result_totals(const kz_sim_result *r, struct kz_sim_totals *out);

/*
 * One measured thread. Times are from the thread's start to the end of the
 * step its deadline applies to. A replication in which the thread did not
 * get there (a step infeasible, or the horizon reached) counts as not
 * completed and as missing the deadline; quantiles treat it as +infinity, so
 * p90 is INFINITY when more than 10 % did not complete. mean_s is over the
 * completed replications (NAN when none).
 */
struct kz_thread_stats {
    const char *id, *name;
    long n;                 /* replications */
    double p50_s, p90_s, p99_s;
    double mean_s, mean_ci_s;      /* mean and half-width of its 95 % confidence interval */
    double deadline_met;           /* fraction */
    double deadline_lo, deadline_hi; /* 95 % Wilson interval of that fraction */
    double deadline_mean_s;        /* mean of the drawn deadline */
    double completed;              /* fraction */
    double infeasible;             /* fraction that stopped at an infeasible step */
    const char *infeasible_why;    /* the first reason seen, or NULL */
    int wait_node;                 /* node index where this thread waited longest, or -1 */
    const char *wait_node_id;
    double wait_node_s;            /* mean wait per replication at that node */
    const char *wait_kind;         /* the dominant kind of wait there: queue, off-hours, review, link, legal */
    /* The critical path (of the slowest copy, over completed replications): the node on it
     * with the most time, that time per completed replication, and its largest cause. */
    int cp_node;                   /* node index, or -1 */
    const char *cp_node_id;
    double cp_node_s;
    const char *cp_cause;          /* kz_cause_names[...] */
    double cause_s[KZ_CAUSE_COUNT];/* the thread's critical path by cause, mean per completed run */
};
size_t kz_sim_result_nthreads(const kz_sim_result *r);

/* One step of a thread, as the waterfall shows it: mean over completed replications of
 * the slowest copy's step, split by cause, and the node with most critical-path time. */
struct kz_step_stats {
    const char *id;    /* the step's id, or NULL when the scenario gives none */
    const char *kind;  /* share, report, decide, order, delay */
    double mean_s;
    double cause_s[KZ_CAUSE_COUNT];
    int node;          /* or -1 */
    const char *node_id;
};
size_t kz_sim_result_nsteps(const kz_sim_result *r, size_t thread);
const struct kz_step_stats *kz_sim_result_step(const kz_sim_result *r, size_t thread,
                                               size_t step);
/* Rows kept with keep_steps, in (run, thread, copy, step) order; *n gets their number. */
const struct kz_step_row *kz_sim_result_steps(const kz_sim_result *r, size_t *n);
const struct kz_thread_stats *kz_sim_result_thread(const kz_sim_result *r, size_t i);

/* Empirical distribution of thread i's time: writes up to `cap` points
 * (x seconds, cumulative fraction of all replications) in increasing x and
 * returns how many. The fractions stop at `completed`. */
size_t kz_sim_result_cdf(const kz_sim_result *r, size_t i, double *x_s, double *frac, size_t cap);

struct kz_node_stats {
    const char *id, *name;
    double utilisation;  /* busy cell time / (cells x simulated time), averaged over runs */
    double mean_wait_s;  /* mean wait of a job before a cell took it (queue, recall, outage) */
    double wait_s;       /* total wait per replication, all jobs */
    double jobs;         /* jobs per replication */
};
size_t kz_sim_result_nnodes(const kz_sim_result *r);
const struct kz_node_stats *kz_sim_result_node(const kz_sim_result *r, size_t i);

/* One replication's outcome for thread i (needs keep_runs). time_s < 0: not completed. */
struct kz_run_row {
    double time_s;
    double deadline_s;
    bool met;
    int stopped_step; /* step index where it stopped (infeasible or horizon), or -1 */
};
bool kz_sim_result_run(const kz_sim_result *r, long run, size_t thread, struct kz_run_row *out);

/*
 * Runs replication `run` alone and writes every message, queue and wait to
 * `out` as text (kizuna trace). Returns 0, KZ_ECHECK, KZ_ENOMEM or KZ_EIO.
 */
int kz_sim_trace(const kz_model *m, const kz_scenario *s, uint64_t seed, long run, FILE *out,
                 char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
