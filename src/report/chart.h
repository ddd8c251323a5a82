/* chart.h - the report's charts drawn with PLplot's svg driver into memory. */
#ifndef KZ_CHART_H
#define KZ_CHART_H

#include <stddef.h>

/*
 * Each function draws one chart on a PLplot stream of its own (plmkstrm,
 * ended by plend1; the caller's current stream is restored) and returns the
 * SVG document in *svg (malloc'd, NUL-terminated, *len bytes; the caller
 * frees it). PLplot writes into an open_memstream buffer, so no file is
 * created. PLplot keeps global state: one thread at a time.
 *
 * Nothing is printed: PLplot's abort messages are captured (plsError) and an
 * exit request (plexit, e.g. the svg driver cannot be loaded) is turned back
 * into an error instead of ending the process. Returns 0, KZ_ENOMEM or
 * KZ_EGRAPH with a message in err.
 *
 * Labels are UTF-8 and taken literally (PLplot's '#' escapes are neutralised).
 * Series i is drawn in colour i mod 8 of a colour-blind-safe palette, from
 * the ninth on also with a different dash pattern.
 */

/* One empirical CDF: x in seconds, increasing; y cumulative fraction in [0, 1]. */
struct chart_cdf_line {
    const char *label;
    const double *x_s, *frac;
    size_t n;
};

/*
 * Time to reach a deadline, one step line per structure, x in time from the
 * thread's start (log scale, labelled 30s, 1m, 1h ..., when the range spans
 * more than a factor 20; minutes otherwise), y the percentage of all
 * replications done. `deadline_s` (finite and > 0) draws a dashed vertical
 * line labelled with it.
 */
int chart_cdf(const char *title, const struct chart_cdf_line *lines, size_t nlines,
              double deadline_s, char **svg, size_t *len, char *err, size_t errlen);

/*
 * Grouped vertical bars in percent: one group per `groups[g]`, one bar per
 * `series[s]`, height val[g * nseries + s] (a fraction; NAN: no bar), with an
 * error bar from lo[] to hi[] when they are given and finite.
 */
/* How many characters fit on each of the two lines of a group label, for choosing labels. */
size_t chart_bars_label_chars(size_t ngroups);

int chart_bars(const char *title, const char *ylabel, const char *const *groups, size_t ngroups,
               const char *const *series, size_t nseries, const double *val, const double *lo,
               const double *hi, char **svg, size_t *len, char *err, size_t errlen);

/*
 * Two horizontal bar panels over the same rows, top to bottom: utilisation
 * (fraction, drawn in %) and mean wait (seconds, drawn in s, min or h as the
 * largest value suits). The axes reach at least `util_top` and `wait_top_s`
 * (pass the largest values over several charts to give them one scale; 0 for
 * this chart's own).
 */
int chart_nodes(const char *title, const char *const *labels, const double *util,
                const double *wait_s, size_t n, double util_top, double wait_top_s, char **svg,
                size_t *len, char *err, size_t errlen);

#endif
