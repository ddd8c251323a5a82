/* scenario_impl.h - a loaded scenario: threads of steps, background load, outages, phase changes. */
#ifndef KZ_SCENARIO_IMPL_H
#define KZ_SCENARIO_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "kizuna/ports.h"
#include "kizuna/scenario.h"
#include "model/dist.h"
#include "model/model_impl.h"
#include "util/arena.h"

/* An id as written, resolved against each structure when a run is prepared. */
struct sref {
    const char *id;
    struct pos pos;
};

struct srefs {
    struct sref *v;
    size_t n;
};

enum step_kind { ST_SHARE, ST_REPORT, ST_DECIDE, ST_ORDER, ST_DELAY };

/* Message attributes; `has_*` false means inherited from the thread (or the default). */
struct sattr {
    int prec, cls; /* -1: inherit */
    bool has_rel, has_disc;
    struct srefs rel, disc;
};

struct sstep {
    enum step_kind kind;
    const char *id;
    struct pos pos;
    enum kz_msg_kind msg; /* ST_SHARE: track or alert */
    struct sref from, by, decision, assets;
    struct srefs to;
    bool until_first;
    struct kz_dist delay;
    struct sattr attr;
};

struct sthread {
    const char *id, *name;
    struct pos pos;
    struct kz_dist start;
    int copies;
    double spacing;
    struct sattr attr;
    struct kz_dist deadline;
    bool deadline_each; /* `deadline_per: copy`: each copy draws its own (default: once) */
    int deadline_at;    /* step index */
    struct sstep *steps;
    size_t nsteps;
};

struct sbackground {
    struct sref node;
    int action;
    int prec;
    double rate_per_s; /* 0 with fixed times */
    double *at;
    size_t nat;
    double from, until; /* seconds; until < 0: horizon */
    struct pos pos;
};

struct soutage {
    int kind; /* enum outage_kind */
    struct srefs ids;
    struct kz_dist at, dur;
    bool has_dur;
    struct pos pos;
};

struct sphase_change {
    double at;
    struct sref phase;
};

struct kz_scenario {
    struct arena arena;
    const char *file, *name, *title, *description;
    bool start_any;
    int start_week_min_utc;
    /* A start window (kz_scenario_set_start_window): when start_window, each replication
     * starts at week minute (start_win_lo + draw) % 10080 UTC, the draw uniform over the
     * whole minutes 0..start_win_len (start_any is then false; start_week_min_utc holds the
     * window's middle, the start of a shell that ignores the window). */
    bool start_window;
    int start_win_lo, start_win_len;
    struct sref phase;
    struct sphase_change *changes;
    size_t nchanges;
    double horizon;
    long runs;
    uint64_t seed;
    struct sbackground *bg;
    size_t nbg;
    struct soutage *outages;
    size_t noutages;
    struct sthread *threads;
    size_t nthreads;
};

#endif
