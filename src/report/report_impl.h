/* report_impl.h - shared internals of the report writers: checked output, number and text formats.
 */
#ifndef KZ_REPORT_IMPL_H
#define KZ_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "kizuna/paired.h"
#include "kizuna/report.h"

/*
 * A FILE with a sticky failure flag: every write is checked, the first
 * failure is remembered (with its errno) and later writes are skipped, so a
 * writer can emit a whole document and test once at the end.
 */
struct rep_out {
    FILE *f;
    bool failed;
    int err_no; /* errno of the first failure */
};

void rep_printf(struct rep_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rep_puts(struct rep_out *o, const char *s);
void rep_putc(struct rep_out *o, char c);
void rep_write(struct rep_out *o, const char *p, size_t n);

/* s with &, <, >, " and ' as HTML entities; NULL as nothing. */
void rep_html(struct rep_out *o, const char *s);

/*
 * A number as "%.9g" in the C locale's notation whatever the current locale
 * (a ',' decimal point becomes '.'); "null" for NAN and infinities. The JSON
 * writer prints its numbers with the same digits.
 */
void rep_fmt_num(double v, char *buf, size_t n);

/* The scenario's name (from the scenario, else the first result), never NULL. */
const char *rep_group_name(const struct kz_report_group *g);
/* Its title; falls back to the name. */
const char *rep_group_title(const struct kz_report_group *g);

/*
 * The JSON of docs/json.md as jansson values (new references, NULL when out
 * of memory): one group's document, and {"scenarios": [document ...]}; opt (may be NULL)
 * gives their "overrides".
 */
json_t *rep_json_group(const struct kz_report_group *g, const struct kz_report_options *opt);
json_t *rep_json_groups(const struct kz_report_group *groups, size_t ngroups,
                        const struct kz_report_options *opt);
/* Writes doc (its reference taken; NULL means out of memory) and a newline to o: 0 or
 * KZ_ENOMEM; write failures are left in o. */
int rep_json_emit(struct rep_out *o, json_t *doc);

/* A CSV field as it is, or quoted with its quotes doubled when it holds a
 * separator, a quote, a line break or an edge space (RFC 4180); NULL: empty. */
void rep_csv_field(struct rep_out *o, const char *s);
/* runs.csv for all groups. */
void rep_csv(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups);

/* steps.csv for all groups (report_steps.c): one row per kz_step_row of each result. */
void rep_steps_csv(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups);

/* ---- the HTML writers' shared parts (report_tables.c) ---------------------------------- */

/* A duration in prose (KZ_DUR_PROSE), escaped; a fraction as a percentage ("<0.1%", a dash
 * for NAN). */
void rep_html_dur(struct rep_out *o, double s);
void rep_html_pct(struct rep_out *o, double f);
/* Index of the thread with this id in r (tried at `hint` first), or -1. */
long rep_find_thread(const kz_sim_result *r, size_t hint, const char *id);
/* The structure's name of a result, never NULL. */
const char *rep_structure_name(const kz_sim_result *r);
/* The id of group gi's section ("scenario-1"). */
void rep_anchor(struct rep_out *o, size_t gi);
/* One thread over the group's structures: quantiles, mean, deadline, critical path; the best
 * (rep_rank_thread) highlighted, an identical chain said so. */
void rep_thread_table(struct rep_out *o, const struct kz_report_group *g, size_t hint,
                      const char *id);
/* Every node of a structure, by utilisation, in a <details>. */
void rep_node_table(struct rep_out *o, const kz_sim_result *r);
/* The summary of several groups: p50 / deadline met per thread and structure. 0 or
 * KZ_ENOMEM (message in err). */
int rep_summary_html(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups,
                     char *err, size_t errlen);

/* ---- comparing structures (report_compare.c) ------------------------------------------ */

/* The group's baseline: g->baseline when it names a result, else 0. */
size_t rep_baseline(const struct kz_report_group *g);
/*
 * How thread i ranks over the group (kz_paired_rank on the group's results, censored at the
 * scenario's horizon). `ranked` is false when it cannot be said (one structure, no per-run
 * rows, no scenario, out of memory): then best is -1 and identical false.
 */
struct rep_rank {
    bool ranked;
    long best;
    bool identical;
};
struct rep_rank rep_rank_thread(const struct kz_report_group *g, size_t i);
/* The paired difference of thread i of result j against the baseline; false when it cannot
 * be computed (j the baseline, no rows, no scenario, out of memory). */
bool rep_paired(const struct kz_report_group *g, size_t j, size_t i, struct kz_paired *out);
/* The paired-difference table of a group (nothing with fewer than two structures). */
void rep_paired_html(struct rep_out *o, const struct kz_report_group *g);

/* ---- the waterfall (report_waterfall.c) ------------------------------------------------ */

/* Thread i's steps per structure of the group as consecutive bars of mean time, each split
 * by cause (inline SVG); a note when no result has per-step statistics. */
void rep_waterfall_html(struct rep_out *o, const struct kz_report_group *g, size_t i);

/*
 * report.html for all groups. Chart failures are returned as KZ_EGRAPH or
 * KZ_ENOMEM with a message in err; write failures are left in `o`.
 */
int rep_html_doc(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups,
                 const struct kz_report_options *opt, char *err, size_t errlen);

#endif
