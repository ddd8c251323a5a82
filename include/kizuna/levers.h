/* kizuna/levers.h - the numbers of a structure and a scenario a study may change: one by path
 * (`--set PATH=VALUE`, the what-if levers) and every assumption with a range (sweeps). */
#ifndef KIZUNA_LEVERS_H
#define KIZUNA_LEVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/model.h"
#include "kizuna/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Levers over one loaded structure and (optionally) one loaded scenario. Paths follow the
 * files' keys with ids for list elements (docs/sweep.md, "Paths"):
 *
 *   node.ID.recall.PARAM                    node.ID.processing.ACTION.PARAM
 *   node.ID.profiles.K.ACTION.PARAM         node.ID.cells
 *   network.ID.latency.overhead.PARAM       network.ID.gateway.PARAM
 *   authority.K.delegate.after.PARAM        (K: index in the file's list, from 0)
 *   thread.ID.copies   thread.ID.spacing    thread.ID.start.PARAM   thread.ID.deadline.PARAM
 *   thread.ID.step.STEP.delay.PARAM         (STEP: the step's id, or its index from 0)
 *   outage.K.at.PARAM  outage.K.for.PARAM
 *
 * PARAM of a distribution: `median` (the whole distribution scaled so that its median is
 * the value: its shape is kept), `p90` (lognormal, the median kept), `max` (the truncation
 * of a lognormal or exponential; the upper end of a uniform, triangular or pert), `min`,
 * `mode`, `mean` (exponential), `value` (fixed).
 *
 * The levers write into the model and scenario they were opened on, which the caller keeps
 * owning; both must outlive the levers and must not be run (kz_sim_run) while a lever is
 * being changed. Not thread-safe.
 */
typedef struct kz_levers kz_levers;

/* Opens the levers of m and s (s may be NULL: the structure's only). Returns 0, KZ_EINVAL
 * or KZ_ENOMEM. */
int kz_levers_open(kz_model *m, kz_scenario *s, kz_levers **out);
void kz_levers_free(kz_levers *lv);

/*
 * Applies "PATH=VALUE" (VALUE in the field's unit: a duration such as 90s or 2m for times,
 * a whole number for counts). The override stays until the levers are freed and is listed
 * by kz_levers_override. Returns 0; KZ_ENOTFOUND when no lever has that path (err names
 * the nearest valid path); KZ_EPARSE when VALUE is not a value of the field's unit, or
 * KZ_ECHECK when it would make the distribution invalid (e.g. a median above its max) -
 * err then says why, naming the path. The model and scenario are unchanged on error.
 */
int kz_levers_set(kz_levers *lv, const char *assignment, char *err, size_t errlen);

/* The overrides applied, "PATH=VALUE" as given, in the order given. */
size_t kz_levers_noverrides(const kz_levers *lv);
const char *kz_levers_override(const kz_levers *lv, size_t i);

/* Every lever's path, in file order (for completion, suggestions and docs). */
size_t kz_levers_npaths(const kz_levers *lv);
const char *kz_levers_path(const kz_levers *lv, size_t i);

/*
 * A factor: one numeric clause of one assumption's range as written (an anchor or a
 * default used by several elements is one factor, moving all of them; a clause that names
 * no field is the distribution's median). Ranges with no numeric clause (alternatives) are
 * counted by kz_levers_nqualitative, never sampled.
 */
struct kz_factor {
    const char *name;  /* path of the first element it moves, e.g. node.jjoc.processing.decide.median */
    size_t uses;       /* how many elements it moves */
    const char *file;  /* where the range is written */
    int line, col;
    bool duration;     /* values are seconds; else plain numbers */
    bool integer;      /* a count: values are whole numbers */
    double nominal;    /* the value as loaded (after any kz_levers_set) */
    double lo, hi;     /* the range's ends, in the same unit */
    const double *vals;/* a list range: the values allowed, else NULL */
    size_t nvals;
    const char *source;/* the element's source, or NULL */
};
size_t kz_levers_nfactors(const kz_levers *lv);
const struct kz_factor *kz_levers_factor(const kz_levers *lv, size_t i);
/* Qualitative assumptions ("alternatives: ..."), which no sweep can sample. */
size_t kz_levers_nqualitative(const kz_levers *lv);

/*
 * Sets factor i to v (its unit; a count is rounded, a list factor takes the nearest listed
 * value) in every element it moves. A value the distribution cannot take (a median above
 * a max that is not moved with it) is clamped to the nearest valid value. Returns 0 or
 * KZ_EINVAL (i out of range).
 */
int kz_levers_factor_set(kz_levers *lv, size_t i, double v);
/* Every factor back at its nominal value. */
void kz_levers_factor_reset(kz_levers *lv);

#ifdef __cplusplus
}
#endif
#endif
