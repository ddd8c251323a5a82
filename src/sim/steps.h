/* steps.h - the simulator's per-step rows and critical-path sums (internal to src/sim). */
#ifndef KZ_STEPS_H
#define KZ_STEPS_H

#include <stddef.h>
#include <stdint.h>

#include "kizuna/sim.h"
#include "scenario/director.h"
#include "scenario/plan.h"

/*
 * Each step of each thread copy gets a row per replication: when it began and ended and its
 * critical path by cause (the engine's record of the operation that ended it; a delay's time
 * is external, a decide's parked time legal). A thread's critical path is its slowest copy's
 * steps up to the deadline step; over completed replications they add up, by cause and by
 * node, to the thread's time. Integers only, so the sums do not depend on the thread count.
 */
struct steps_layout {
    size_t nrow;      /* rows per replication: every copy's every step */
    int *row0;        /* [inst] the copy's first row */
    int *sofs;        /* [thread] the thread's first step among all threads' steps */
    size_t nsteps;    /* steps of all threads */
    size_t nn;        /* nodes */
};

/* Sums over replications (merged across workers). */
struct steps_acc {
    int64_t *step_us;      /* [S] the slowest copy's step time, completed runs */
    int64_t *step_cause;   /* [S][KZ_CAUSE_COUNT] */
    int64_t *step_node;    /* [S][nn] time of the step's top node */
    int64_t *thread_cause; /* [T][KZ_CAUSE_COUNT] */
    int64_t *thread_node;  /* [T][nn][KZ_CAUSE_COUNT] */
};

/* One replication's rows, in a worker. */
struct steps_run {
    struct kz_step_row *rows; /* [nrow]: `own`, or the result's kept rows of this replication */
    struct kz_step_row *own;
    int64_t *inst_node;       /* [inst][nn][KZ_CAUSE_COUNT], steps up to the deadline step */
    int64_t *scratch;         /* [nn][KZ_CAUSE_COUNT] one step's time per node */
    int32_t *touched;         /* nodes set in scratch */
    size_t ntouched, captouched;
    uint32_t *dirty;          /* entries of inst_node set this replication (reset zeroes them) */
    size_t ndirty, capdirty;
    size_t ninst;
};

/* The sum of v[0..n) and, in *top, the index of its largest positive entry (-1: none). */
int64_t steps_sum_top(const int64_t *v, int n, int *top);

int steps_layout_init(struct steps_layout *l, const struct plan *p);
void steps_layout_free(struct steps_layout *l);
int steps_acc_init(struct steps_acc *a, const struct steps_layout *l, int nthreads);
void steps_acc_free(struct steps_acc *a);
void steps_acc_merge(struct steps_acc *d, const struct steps_acc *s, const struct steps_layout *l,
                     int nthreads);
int steps_run_init(struct steps_run *r, const struct steps_layout *l, const struct plan *p);
void steps_run_free(struct steps_run *r);
/* A new replication: every row not ended, no time yet. */
void steps_run_reset(struct steps_run *r, const struct steps_layout *l, const struct plan *p,
                     long run);
/* Step se ended; `path` is the engine's record of what ended it (-1: none). 0 or KZ_ENOMEM. */
int steps_on_end(struct steps_run *r, const struct steps_layout *l, const struct plan *p,
                 const struct engine *e, int32_t path, const struct dir_step_end *se);
/* Thread t completed in this replication with copy `slow` the slowest: into the sums. */
void steps_fold(struct steps_acc *a, const struct steps_run *r, const struct steps_layout *l,
                const struct plan *p, int t, int slow);
/* The thread's critical-path fields (cp_*, cause_s) and its steps' statistics, over `done`
 * completed replications; st[] has the thread's nsteps entries. */
void steps_result(const struct steps_acc *a, const struct steps_layout *l, const struct plan *p,
                  int t, int64_t done, struct kz_thread_stats *ts, struct kz_step_stats *st);

#endif
