/* kizuna/report.h - simulation results as JSON, CSV and an offline HTML report with charts. */
#ifndef KIZUNA_REPORT_H
#define KIZUNA_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kizuna/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One scenario run over one or more structures: results[i] is the outcome of
 * kz_sim_run over the i-th structure. The report only reads the group; the
 * caller keeps ownership of the scenario and of every result, which must stay
 * alive during the call. `scenario` may be NULL: names then come from the
 * results' totals. Every result of a group is expected to come from the same
 * scenario (same threads in the same order). `baseline` is the index of the
 * result the others are compared with (paired differences, kizuna/paired.h); 0, the
 * first, when it names none. Paired differences and "best" need the per-run rows
 * (results run with keep_runs) and the scenario (its horizon censors the runs that did
 * not complete); without them the report shows neither.
 */
struct kz_report_group {
    const kz_scenario *scenario;
    kz_sim_result *const *results;
    size_t nresults;
    size_t baseline;
};

/*
 * Writes the JSON document of `kizuna sim --json` (docs/json.md, "sim") for
 * one scenario over its structures to `out`, followed by a newline:
 *
 *   {"scenario", "title", "runs", "seed", "events" (sum over the structures),
 *    "wall_s" (sum), "overrides": ["PATH=VALUE", ...] (kz_report_options', in
 *    order; [] when none), "structures": [{"name", "title", "runs", "seed",
 *    "events", "wall_s", "threads_used",
 *    "threads": [{"name" (the thread id), "title", "p50_s", "p90_s", "p99_s",
 *                 "mean_s", "mean_ci_s", "deadline_met", "deadline_lo",
 *                 "deadline_hi", "deadline_mean_s", "completed", "infeasible",
 *                 "infeasible_why", "wait_node", "wait_node_s", "wait_kind",
 *                 "cp_node", "cp_node_s", "cp_cause", "cause_s" {cause in snake_case: s},
 *                 "steps": [{"index", "id", "kind", "mean_s", "cause_s", "node"}]}],
 *    "nodes": [{"id", "name", "utilisation", "mean_wait_s", "wait_s",
 *               "jobs"}]}],
 *   "baseline" (structure name or null), "paired": [{"structure", "thread", "n",
 *    "censored", "cap_s", "diff_mean_s", "diff_lo_s", "diff_hi_s", "diff_p50_s",
 *    "met_diff", "met_diff_lo", "met_diff_hi", "significant", "favours"}],
 *   "ranking": [{"thread", "ranked", "best", "identical_chain"}]}
 *
 * Fractions are in [0, 1], times in seconds. A number that is not finite (a
 * p90 of INFINITY when more than 10 % did not complete, a mean of NAN when
 * none did) and a missing string are written as null. Numbers carry 9
 * significant digits (an integral value is written without a fraction) and
 * do not depend on the C locale. The text is written by jansson, indented by
 * two spaces, keys in the order above; strings are UTF-8 (a byte that is not
 * is written as '?'). Returns 0, KZ_EINVAL (NULL argument), KZ_ENOMEM or
 * KZ_EIO when writing failed (errno tells why).
 */
int kz_report_json(FILE *out, const struct kz_report_group *g);

/*
 * Writes {"scenarios": [document, ...]}, one kz_report_json document per
 * group, and a newline (`kizuna compare --json`). Same returns.
 */
int kz_report_json_all(FILE *out, const struct kz_report_group *groups, size_t ngroups);

/*
 * Makes `dir` ready for kz_report_write before any work is done: created
 * with any missing parents (0777 less the umask), and it must be a directory
 * this process can write into. Returns 0, KZ_EINVAL (NULL or empty) or KZ_EIO with a message (the
 * path and the system's reason) in err[0..errlen).
 */
int kz_report_prepare(const char *dir, char *err, size_t errlen);

/*
 * Writes a report into directory `dir`, made ready by kz_report_prepare;
 * existing files of the same names are replaced:
 *
 *   results.json  one group: exactly the kz_report_json document; several
 *                 groups: exactly the kz_report_json_all document
 *   runs.csv      header "scenario,structure,run,thread,time_s,deadline_s,
 *                 met,stopped_step", then one row per replication x thread
 *                 that kz_sim_result_run gives (results run with keep_runs):
 *                 run from 0, thread its id, met 1 or 0; time_s is empty when
 *                 the thread did not complete, stopped_step when it did.
 *                 RFC 4180: CRLF line ends, fields quoted where needed.
 *   steps.csv     header "scenario,structure,run,thread,copy,step,step_id,kind,
 *                 start_s,end_s,CAUSE_s... (one per kz_cause_names),cp_node,
 *                 cp_cause", then one row per kz_step_row of each result (run
 *                 with keep_steps; docs/simulator.md): end_s empty for a step
 *                 that never ended, cp_node/cp_cause empty for none. Same
 *                 quoting as runs.csv.
 *   report.html   one self-contained page (inline CSS and SVG charts, no
 *                 scripts, nothing fetched) that can be mailed: the overrides
 *                 in its header ("What if: PATH = VALUE"), then per scenario
 *                 the structures compared, a table per thread and charts
 *                 (time CDF per thread, deadline met per thread and
 *                 structure, node utilisation and waits per structure);
 *                 with several groups, a summary table first.
 *
 * Each file is written as NAME.tmp and renamed over NAME once complete, in the
 * order above; a failure leaves no partial file (files finished before it
 * stay).
 *
 * Charts are drawn with PLplot's svg driver into memory (no temporary files).
 * PLplot keeps global state: call this from one thread at a time, and not
 * while the program uses PLplot elsewhere. It installs a PLplot exit handler
 * (plsexit) so that a PLplot fatal error becomes KZ_EGRAPH instead of ending
 * the process. Nothing is printed.
 *
 * On failure writes a message (with the path and the system's reason) to
 * err[0..errlen) and returns KZ_EINVAL (NULL argument or no group), KZ_EIO
 * (a directory or file could not be created, written or renamed), KZ_ENOMEM,
 * or KZ_EGRAPH (PLplot failed to draw a chart).
 */
int kz_report_write(const char *dir, const struct kz_report_group *groups, size_t ngroups,
                    char *err, size_t errlen);

struct kz_vcase_result; /* kizuna/validate.h */

/* What kz_report_write_opts changes (zeroed: nothing, as kz_report_write). */
struct kz_report_options {
    bool no_run_rows;  /* runs.csv and steps.csv: the header only, though the results kept
                          their rows (kept for the paired differences, not wanted in files) */
    /* Validation cases (kz_validation_run) shown in report.html after the scenarios, as
     * the validation strip; NULL (or nvalidation 0): no strip. Only read during the call. */
    const struct kz_vcase_result *validation;
    size_t nvalidation;
    /* The what-if overrides every group was run with, "PATH=VALUE" as given to
     * kz_levers_set (kizuna/levers.h), in order: the JSON's "overrides", report.html's header
     * ("What if: PATH = VALUE"). NULL or noverrides 0: none. Only read during the call. */
    const char *const *overrides;
    size_t noverrides;
};
/* kz_report_write with options (o may be NULL). Same files, order and returns. */
int kz_report_write_opts(const char *dir, const struct kz_report_group *groups, size_t ngroups,
                         const struct kz_report_options *o, char *err, size_t errlen);
/* kz_report_json and kz_report_json_all with options (o may be NULL: no overrides; only
 * `overrides` is read). Same returns. */
int kz_report_json_opts(FILE *out, const struct kz_report_group *g,
                        const struct kz_report_options *o);
int kz_report_json_all_opts(FILE *out, const struct kz_report_group *groups, size_t ngroups,
                            const struct kz_report_options *o);

#ifdef __cplusplus
}
#endif
#endif
