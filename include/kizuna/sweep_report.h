/* kizuna/sweep_report.h - a sweep's results as CSV, JSON and the sensitivity section of the
 * HTML report (tornado charts, sampling beside assumption intervals). */
#ifndef KIZUNA_SWEEP_REPORT_H
#define KIZUNA_SWEEP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/levers.h"
#include "kizuna/scenario.h"
#include "kizuna/sweep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One structure's folded sweep (kz_sweep_fold done) and the levers it ran through. */
struct kz_sweep_entry {
    const char *structure; /* the structure's name (with @VARIANT when one is selected) */
    const kz_sweep *sweep;
    const kz_levers *levers;
};

/* A whole `kizuna sweep`: one scenario over one or more structures. Only read during a call;
 * the caller owns everything. */
struct kz_sweep_study {
    const kz_scenario *scenario;
    const struct kz_sweep_entry *entries;
    size_t nentries;
    long samples, runs; /* as run (defaults resolved) */
    unsigned methods;   /* KZ_SWEEP_LHS | KZ_SWEEP_OAT */
    uint64_t seed;
    const char *only;   /* as given, or NULL */
    const char *const *overrides; /* --set PATH=VALUE as given, in order */
    size_t noverrides;
};

/*
 * Writes the JSON document of `kizuna sweep --json` (docs/json.md, "sweep") and a newline.
 * Deterministic: no wall-clock figures, so the bytes depend only on the study (what makes
 * `mpirun -n K` comparable byte for byte). Returns 0, KZ_EINVAL, KZ_ENOMEM or KZ_EIO.
 */
int kz_sweep_report_json(FILE *out, const struct kz_sweep_study *st);

/*
 * Writes into `dir` (made ready by kz_report_prepare): sweep.json (as above), tornado.csv
 * (structure, thread, rank, factor, low, high, p50 at low and high, met at low and high,
 * swings, PRCC), settings.csv (one row per LHS setting: factor values and each thread's p50
 * and share met), intervals.csv (per structure x thread: the sampling and the assumption
 * interval), and report.html with the sensitivity section: per structure x thread the two
 * intervals side by side and a tornado chart (SVG drawn by PLplot) of the factors that move
 * the p50 most. Returns 0, KZ_EIO, KZ_ENOMEM or KZ_EGRAPH with a message in err.
 */
int kz_sweep_report_write(const char *dir, const struct kz_sweep_study *st, char *err,
                          size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
