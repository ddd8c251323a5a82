/* report_impl.h - shared internals of the report writers: checked output, number and text formats.
 */
#ifndef KZ_REPORT_IMPL_H
#define KZ_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

/*
 * A number as "%.9g" in the C locale's notation whatever the current locale
 * (a ',' decimal point becomes '.'); writes `null` for NAN and infinities.
 */
void rep_num(struct rep_out *o, double v);
/* s as a JSON string literal with quotes; NULL as null. */
void rep_json_str(struct rep_out *o, const char *s);
/* s with &, <, >, " and ' as HTML entities; NULL as nothing. */
void rep_html(struct rep_out *o, const char *s);

/* Formats v into buf like rep_num ("null" when not finite). */
void rep_fmt_num(double v, char *buf, size_t n);

/*
 * Seconds for a reader: "850 ms", "42 s", "4m 12s", "1h 05m", "2d 03h";
 * "never" for +INFINITY (did not get there) and "-" for NAN.
 */
void rep_fmt_dur(double secs, char *buf, size_t n);

/* The scenario's name (from the scenario, else the first result), never NULL. */
const char *rep_group_name(const struct kz_report_group *g);
/* Its title; falls back to the name. */
const char *rep_group_title(const struct kz_report_group *g);

/* The design.md document for one group; `indent` spaces before each line after the first. */
void rep_json_doc(struct rep_out *o, const struct kz_report_group *g, int indent);

/* A CSV field as it is, or quoted with its quotes doubled when it holds a
 * separator, a quote, a line break or an edge space (RFC 4180); NULL: empty. */
void rep_csv_field(struct rep_out *o, const char *s);
/* runs.csv for all groups. */
void rep_csv(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups);

/*
 * report.html for all groups. Chart failures are returned as KZ_EGRAPH or
 * KZ_ENOMEM with a message in err; write failures are left in `o`.
 */
int rep_html_doc(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups, char *err,
                 size_t errlen);

#endif
