/* plan.h - a scenario bound to one structure: every id resolved to an index, defaults applied. */
#ifndef KZ_PLAN_H
#define KZ_PLAN_H

#include "engine/engine.h"
#include "scenario/scenario_impl.h"

struct pstep {
    enum step_kind kind;
    enum kz_msg_kind msg;
    int from, by, decision, assets;
    int *to;
    int nto;
    int decide_step; /* order without `by`: the decide step whose decider orders */
    bool until_first;
    struct kz_dist delay;
    struct eng_attr attr;
    const char *label; /* for traces: the step's id or "step N" */
};

struct pthread {
    const struct sthread *src;
    struct pstep *steps;
    int nsteps;
    int first_inst; /* index of copy 0 among all instances */
};

struct pbg {
    int node, action, prec;
    double rate_per_s;
    const double *at;
    size_t nat;
    int64_t from_us, until_us;
};

struct poutage {
    enum outage_kind kind;
    int *ids;
    int n;
    const struct kz_dist *at, *dur; /* dur NULL: to the horizon */
};

struct pchange {
    int64_t at_us;
    int phase;
};

struct plan {
    struct arena arena;
    const struct kz_model *m;
    const struct kz_scenario *s;
    int phase0;
    struct pchange *changes;
    int nchanges;
    struct pbg *bg;
    int nbg;
    struct poutage *outages;
    int noutages;
    struct pthread *threads;
    int nthreads;
    int ninst; /* thread copies in all */
    int64_t horizon_us;
};

/* Resolves the scenario against the structure. Unknown ids are added to `d`
 * (K040) at their place in the scenario. Returns 0, KZ_ECHECK or KZ_ENOMEM. */
int plan_build(const struct kz_model *m, const struct kz_scenario *s, struct plan **out,
               kz_diags *d);
/* The same for a caller with no diagnostics list: the first problem goes to err as
 * FILE:LINE:COL: message. Returns 0, KZ_ECHECK or KZ_ENOMEM. */
int plan_build_err(const struct kz_model *m, const struct kz_scenario *s, struct plan **out,
                   char *err, size_t errlen);
void plan_free(struct plan *p);

#endif
