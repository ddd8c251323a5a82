/* report_impl.h - shared internals of the report writers: checked output, number and text formats.
 */
#ifndef KZ_REPORT_IMPL_H
#define KZ_REPORT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

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
 * of memory): one group's document, and {"scenarios": [document ...]}.
 */
json_t *rep_json_group(const struct kz_report_group *g);
json_t *rep_json_groups(const struct kz_report_group *groups, size_t ngroups);
/* Writes doc (its reference taken; NULL means out of memory) and a newline to o: 0 or
 * KZ_ENOMEM; write failures are left in o. */
int rep_json_emit(struct rep_out *o, json_t *doc);

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
