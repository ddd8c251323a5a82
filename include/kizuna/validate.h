/* kizuna/validate.h - validation cases: observed public events, each beside the model's figure. */
#ifndef KIZUNA_VALIDATE_H
#define KIZUNA_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kizuna/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A validation file (`kizuna-validation: 1`, docs/validation.md): a list of
 * cases, each an observed public event (id, title, date, sources, what was
 * observed) mapped onto the model - a structure, a scenario, one of its
 * threads, a segment of that thread from the end of one step (or the thread's
 * start) to the end of another, overrides of the scenario (copies, start time
 * or window, runs, seed) - with the observed figure (a duration, a range or a
 * bound), the quantity of the model's distribution compared with it (p10, p50
 * or p90) and the band that quantity must fall in. `calibration: true` marks a
 * case that parameters were calibrated on; the others are held out.
 * Opaque and immutable once loaded; owned by the caller (kz_validation_free).
 */
typedef struct kz_validation kz_validation;

/* Largest accepted validation file; larger ones are refused with [K001]. */
#define KZ_VALIDATION_MAX_BYTES (1u * 1024u * 1024u)

/*
 * Loads a validation file. Every problem (unreadable file, YAML syntax, wrong
 * types, unknown or missing keys, bad values, duplicate case ids) is added to
 * `d` at its FILE:LINE:COL with the codes of docs/checks.md. Returns 0 and the
 * cases in *out; KZ_EIO, KZ_EPARSE, KZ_ECHECK (*out is then NULL) or KZ_ENOMEM.
 * Names of structures and scenarios are resolved only when the cases are run.
 */
int kz_validation_load_file(const char *path, kz_validation **out, kz_diags *d);
/* The same from memory; `name` is the file name used in diagnostics (and the directory that
 * relative structure and scenario paths are taken from). */
int kz_validation_load_mem(const char *name, const void *buf, size_t len, kz_validation **out,
                           kz_diags *d);
/* NULL is accepted. */
void kz_validation_free(kz_validation *v);

/* The file's path as loaded, its `title` (or ""), and how many cases it holds. */
const char *kz_validation_file(const kz_validation *v);
const char *kz_validation_title(const kz_validation *v);
size_t kz_validation_ncases(const kz_validation *v);

/* Which quantity of the model's distribution of the segment is compared. */
enum kz_vquantity { KZ_VQ_P10, KZ_VQ_P50, KZ_VQ_P90 };
extern const char *const kz_vquantity_names[3]; /* "p10", "p50", "p90" */

/* What the public record gives: one figure, a range, or only a bound. */
enum kz_vbound {
    KZ_VB_EXACT, /* a duration: lo == hi */
    KZ_VB_RANGE, /* [lo, hi] */
    KZ_VB_UPPER, /* at most hi (lo is 0): e.g. the Kantei had the warning before J-Alert */
    KZ_VB_LOWER  /* at least lo (hi is INFINITY) */
};
extern const char *const kz_vbound_names[4]; /* "exact", "range", "upper", "lower" */

struct kz_validate_options {
    long runs;        /* > 0: every case runs this many replications; 0: the case's `runs`,
                         else the scenario's */
    uint64_t seed;    /* used when has_seed, else the case's `seed`, else the scenario's */
    bool has_seed;
    int threads;      /* worker threads; 0: one per online CPU */
    bool shipped_only; /* refuse paths: a case whose structure or scenario is not a shipped
                          name is not run (untrusted files, the fuzzer) */
};

/*
 * One case run. Every string is owned by the result array (kz_vcase_results_free),
 * not by the validation it came from. Times are seconds; a model quantity that is
 * INFINITY means that more than that share of the runs never ended the segment.
 */
struct kz_vcase_result {
    const char *id, *title, *date;   /* date as written, "YYYY-MM-DD" */
    const char *file;                /* the validation file; line, col: the case */
    int line, col;
    const char *observed;            /* the text of what was observed */
    const char *notes;               /* or NULL */
    const char *const *sources;      /* nsources public addresses (at least one) */
    size_t nsources;
    const char *structure;           /* as written: a name, NAME@VARIANT or a path */
    const char *structure_path;      /* the file it resolved to, or NULL if it did not */
    const char *scenario, *scenario_path;
    const char *thread;
    const char *from, *to;           /* step ids; from is "start" for the thread's start */
    enum kz_vquantity quantity;
    enum kz_vbound bound;
    double observed_lo_s, observed_hi_s; /* hi INFINITY for a lower bound */
    double tol_lo_s, tol_hi_s;       /* the band the model's quantity must fall in */
    double model_s;                  /* the model's figure: the compared quantity */
    double p10_s, p50_s, p90_s;      /* of the segment over the runs */
    double ended;                    /* share of runs in which the segment ended */
    long runs;
    uint64_t seed;
    bool pass;                       /* the case ran and model_s is in [tol_lo_s, tol_hi_s] */
    bool calibration;
    const char *error;               /* why the case could not be run, or NULL */
};

/*
 * Runs every case of `v`: resolves its structure and scenario (a name through
 * kz_data_path: structures/NAME.yaml, structures/NAME@VARIANT.yaml,
 * scenarios/NAME.yaml; a path relative to the validation file's directory),
 * loads and checks them, applies the overrides, runs the simulation with
 * step rows kept and measures the segment in every run (the slowest copy's).
 * *out gets an array of one result per case, in file order (*n of them; free
 * with kz_vcase_results_free), also when some case could not be run. The
 * problems of a case that could not be run (its structure or scenario fails
 * to load or to fit, a thread or step it names does not exist) go to `d` at
 * their places, and the case's `error` says which. Returns 0 when every case
 * ran (passing or not), KZ_ECHECK when one could not, KZ_ENOMEM, KZ_EINVAL
 * (NULL argument). Prints nothing.
 */
int kz_validation_run(const kz_validation *v, const struct kz_validate_options *o,
                      struct kz_vcase_result **out, size_t *n, kz_diags *d);
/* Frees an array from kz_validation_run (and every string in it). NULL is accepted. */
void kz_vcase_results_free(struct kz_vcase_result *r, size_t n);

/*
 * The pure parts, for callers that measure segments themselves (and tests).
 *
 * kz_vquantile: the q-quantile (0 < q < 1) of x[0..n) by nearest rank (the
 * ceil(q n)-th smallest), where INFINITY (a run that never ended the segment)
 * sorts last; sorts x in place. NAN for n == 0.
 *
 * kz_vcase_judge: true when `model_s` lies in [tol_lo_s, tol_hi_s] (a NAN or,
 * unless tol_hi_s is INFINITY, an INFINITY model figure fails).
 */
double kz_vquantile(double *x, size_t n, double q);
bool kz_vcase_judge(double model_s, double tol_lo_s, double tol_hi_s);

#ifdef __cplusplus
}
#endif
#endif
