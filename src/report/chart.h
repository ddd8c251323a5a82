/* chart.h - the report's charts drawn with PLplot's svg driver into memory. */
#ifndef KZ_CHART_H
#define KZ_CHART_H

#include <stdbool.h>
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

/* ---- the drawing primitive, for charts kept in files of their own (report_tornado.c) ---- */

/* Drawing state of one chart: a helper that runs out of memory sets nomem, and the chart
 * then fails with KZ_ENOMEM. */
struct chart_ctx {
    bool nomem;
};
typedef void (*chart_draw_fn)(struct chart_ctx *c, const void *arg);

/* The stream every chart above is drawn on: a width x height page (points) with the palette
 * set, `draw` called once to draw on it in PLplot's world coordinates, then the same returns
 * and the same SVG buffer as the charts above. */
int chart_render(int width, int height, chart_draw_fn draw, const void *arg, char **svg,
                 size_t *len, char *err, size_t errlen);

/* cmap0 entries of the palette: the background, the ink, the grid; chart_series_colour(i)
 * is series i's. */
enum { CHART_BG = 0, CHART_FG = 1, CHART_GRID = 2 };
int chart_series_colour(size_t i);
/* Text as plmtex (relative to the viewport) and as plptex (at world x, y, horizontal),
 * at most `max` characters (a longer one ends with an ellipsis), '#' shown as itself. */
void chart_mtex(struct chart_ctx *c, const char *side, double disp, double pos, double just,
                const char *s, size_t max);
void chart_ptex(struct chart_ctx *c, double x, double y, double just, const char *s, size_t max);
/* A filled rectangle in colour `fill` with a thin ink outline. */
void chart_box(double x0, double x1, double y0, double y1, int fill);
/* The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) at or above v > 0. */
double chart_nice_ceil(double v);

#endif
