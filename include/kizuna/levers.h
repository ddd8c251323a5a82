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
 * files' keys with ids for list elements (docs/levers.md, "Paths"):
 *
 *   node.ID.recall.PARAM                    node.ID.processing.ACTION.PARAM
 *   node.ID.profiles.K.ACTION.PARAM         node.ID.cells
 *   node.ID.lat  node.ID.lon  (degrees)     node.ID.utc_offset  (hours, e.g. 9 or 5.5)
 *   network.ID.latency.overhead.PARAM       network.ID.gateway.PARAM
 *   authority.K.delegate.after.PARAM        (K: index in the loaded list, from 0)
 *   thread.ID.copies   thread.ID.spacing    thread.ID.start.PARAM   thread.ID.deadline.PARAM
 *   thread.ID.step.STEP.delay.PARAM         (STEP: the step's id, or its index from 0 when it
 *                                            has none)
 *   outage.K.at.PARAM  outage.K.for.PARAM
 *
 * A distribution that is not given (a processing time a node lacks) has no path. PARAM of a
 * distribution: `median` (the whole distribution scaled so that its median is the value: its
 * shape is kept; a lognormal's p90 and max, a uniform's, triangular's or pert's every
 * parameter, an exponential's mean and max move with it), `p90` (lognormal, the median
 * kept), `max` (the truncation of a lognormal or exponential, 0 for none; the upper end of a
 * uniform, triangular or pert), `min`, `mode`, `mean` (exponential), `value` (fixed). Counts
 * (cells 1-1000, copies 1-64) and places keep the loader's limits.
 *
 * The levers write into the model and scenario they were opened on, which the caller keeps
 * owning; both must outlive the levers and must not be run (kz_sim_run) while a lever is
 * being changed. What was set stays set when the levers are freed. Not thread-safe.
 */
typedef struct kz_levers kz_levers;

/* Opens the levers of m and s (s may be NULL: the structure's only; m may be NULL: the
 * scenario's only; not both). Everything is allocated here: kz_levers_set,
 * kz_levers_factor_set and kz_levers_factor_reset allocate nothing. Returns 0, KZ_EINVAL
 * or KZ_ENOMEM. */
int kz_levers_open(kz_model *m, kz_scenario *s, kz_levers **out);
void kz_levers_free(kz_levers *lv);

/*
 * Applies "PATH=VALUE" (VALUE in the field's unit: a duration such as 90s or 2m for times,
 * a whole number for counts). The override stays until the levers are freed and is listed
 * by kz_levers_override. Returns 0; KZ_ENOTFOUND when no lever has that path (err names
 * the nearest valid path); KZ_EPARSE when VALUE is not a value of the field's unit, or
 * KZ_ECHECK when it would make the distribution invalid (e.g. a max below its median, a
 * min above the mode) or a count or place leave its limits - err then says why, naming the
 * path; KZ_ELIMIT past 256 overrides. The model and scenario are unchanged on error.
 *
 * A value set is a given, not an assumption: the element leaves the factors that moved it
 * (their uses drop; a factor that moves nothing any more is no longer listed, so factor
 * indices hold only after the last kz_levers_set), and a distribution set drops its meta
 * (kz_dist.meta NULL), so levers opened later do not sweep it either.
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
 * value) in every element it moves. Each element is computed again from its loaded value
 * and every factor set on it, the median first (it scales the whole distribution), then
 * the parameters set outright, so the order of calls does not matter. A value the
 * distribution cannot take is clamped to the nearest valid one (a median above a max that
 * is its own factor comes down to it; a mode stays within min and max; a time within
 * 0 - 1e9 s; counts and places within the loader's limits). A location factor moves lat
 * and lon by the same offset in degrees (its nominal is 0). Returns 0 or KZ_EINVAL (i out
 * of range, v not finite).
 */
int kz_levers_factor_set(kz_levers *lv, size_t i, double v);
/* Every factor back at its nominal value. */
void kz_levers_factor_reset(kz_levers *lv);

#ifdef __cplusplus
}
#endif
#endif
