/* director.h - the rules of a scenario run, written once for the simulated and the live clock. */
#ifndef KZ_DIRECTOR_H
#define KZ_DIRECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/evkind.h"
#include "core/rng.h"
#include "kizuna/ports.h"
#include "scenario/plan.h"

/*
 * The director plays a plan (docs/scenario.md, "How a run goes"):
 *  - it starts each copy of each thread at its drawn time and begins each step
 *    at the node that acts;
 *  - a share, report or order step is over when every recipient has it, or the
 *    first with `until: first`; an answer to a step already over is ignored;
 *  - a decide step that no authority holds in the phase now is parked when a
 *    later phase change permits it, and resumes on that change; the time parked
 *    is a `legal` wait at the requester; with no such change the thread stops;
 *  - an order without `to` goes to the executors of the authority in the phase;
 *  - a `delay` step lasts its drawn time from the moment it begins;
 *  - a thread's time is taken at the end of its deadline step, and a run folds
 *    into one outcome per thread (dir_outcome).
 * It also plays the world: phase changes, outages and background load.
 *
 * It knows time only through a kz_clock, on which it schedules its own
 * DIR_EV_* kinds (the shell hands them back to dir_fire), and it acts only
 * through a dir_actuator: in the simulator the engine, live the node commands.
 * What it started ends through dir_done. One director belongs to one thread of
 * control; it allocates in dir_create only.
 */

enum {
    DIR_EV_INST_START = KZ_EV_DIRECTOR, /* arg: thread copy */
    DIR_EV_DELAY_DONE,                  /* arg: thread copy */
    DIR_EV_PHASE,                       /* arg: phase change */
    DIR_EV_OUT_DOWN,                    /* arg: outage */
    DIR_EV_OUT_UP,                      /* arg: outage */
    DIR_EV_BG_RATE,                     /* arg: background stream */
    DIR_EV_BG_AT,                       /* arg: the time's index over every stream's `at` */
};

/* A step to start. Its end comes back as dir_done(tag = inst, aux = step). */
struct dir_act {
    const struct pstep *ps;
    const char *thread_id;
    int inst, copy, step;
    int node;      /* who acts: the sharer, the requester or the decider */
    const int *to; /* recipients, or executors (the step's or the authority's); valid
                      during the call only */
    int nto;
};

/* A step that ended: its copy, when it began and ended, and the time it sat parked at the
 * legal gate before it began (a decide's `legal` wait), all clock microseconds. */
struct dir_step_end {
    int inst, thread, copy, step;
    int64_t t_begin, t_end, legal_us;
    int legal_node; /* the requester that waited, or -1 */
    bool delay;     /* a delay step: its time is outside the C2 system */
};

/* What the director acts through. Each returns 0 or a negative KZ_E code, which ends the
 * run with that code. */
struct dir_actuator {
    void *ctx;
    int (*share)(void *ctx, const struct dir_act *a); /* a share or report step */
    int (*request)(void *ctx, const struct dir_act *a);
    int (*order)(void *ctx, const struct dir_act *a);
    int (*phase)(void *ctx, int phase);
    int (*outage)(void *ctx, int id, const struct poutage *o, bool down);
    int (*load)(void *ctx, const struct pbg *b);
    /* One line of narrative ("thread t[0] step 2 (x) begins"); NULL: none is formatted. */
    void (*note)(void *ctx, const char *line);
    /* A step ended (may be NULL). Called inside the dir_done or dir_fire that ended it, so a
     * shell can read the engine's record of the operation that ended it. */
    void (*step_end)(void *ctx, const struct dir_step_end *se);
};

/* One thread's result in one run. */
struct dir_outcome {
    bool done;           /* every copy reached the end of its deadline step */
    bool met;            /* ... each within its drawn deadline */
    bool infeasible;     /* a copy stopped at an infeasible step */
    int64_t took_us;     /* the slowest copy's time to the deadline step (when done) */
    int64_t deadline_us; /* the copies' drawn deadlines, mean */
    int stopped_step;    /* not done: the first unfinished copy's step (where it stopped or
                            stood), else -1 */
    int slow_copy;       /* done: the copy whose time is took_us */
    const char *why;     /* infeasible: the last stopped copy's reason (see dir_done) */
};

struct director;

/* Returns 0 or KZ_ENOMEM. The plan must outlive the director. */
int dir_create(const struct plan *p, struct director **out);
void dir_free(struct director *d);
/* The clock, actuator and random stream; copied (rng is borrowed and must outlive d). At
 * dir_start every thread copy and background stream gets its own stream seeded from rng in
 * a fixed order, so the world a replication sees (starts, deadlines, delays, load) does not
 * depend on how fast the structure is (common random numbers). */
void dir_bind(struct director *d, const struct kz_clock *clock, const struct dir_actuator *act,
              struct rng *rng);
/* Begins a run at clock time 0 in the plan's first phase: schedules phase changes,
 * outages, background load and every thread copy, drawing from the stream in that order
 * (a thread's deadline once for all its copies unless `deadline_per: copy`).
 * Returns 0 or the clock's error. */
int dir_start(struct director *d);
/* One of the director's own events is due (kind in DIR_EV_*). Returns 0, KZ_EINVAL or an
 * error from the clock or the actuator. */
int dir_fire(struct director *d, unsigned kind, uint32_t arg);
/* Operation (tag, aux) ended at `node`, ok or infeasible with `why` (NULL: "infeasible").
 * `why` is kept by pointer and handed out by dir_outcome: it must live as long as the caller
 * keeps outcomes (the simulator keeps the first reason of all its runs: the engine's reasons
 * are static strings; the exercise keeps the nodes' reasons for the whole run). Returns 0 or
 * an error from starting the next step. */
int dir_done(struct director *d, uint32_t tag, uint32_t aux, bool ok, int node,
             const char *why);
/* Thread copies still running. */
int dir_active(const struct director *d);
/* The legal phase now. */
int dir_phase(const struct director *d);
void dir_outcome(const struct director *d, int thread, struct dir_outcome *o);
/* Some thread spent time parked at the legal gate this run (else dir_legal_us is 0). */
bool dir_legal_any(const struct director *d);
/* Time thread `thread` spent parked at the legal gate at `node` this run, microseconds. */
int64_t dir_legal_us(const struct director *d, int thread, int node);

#endif
