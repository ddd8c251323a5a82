/* report_sweep.h - internals of a sweep's report: the tornado and interval charts, the page,
 * and the few facts of a study its writers share. */
#ifndef KZ_REPORT_SWEEP_H
#define KZ_REPORT_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/sweep_report.h"
#include "report_impl.h"

/* ---- charts (report_tornado.c), drawn like chart.c's (chart_render) ---------------------- */

/* One factor of a tornado: the p50 with the factor at its low and at its high end (seconds;
 * INFINITY: not reached, drawn to the right edge and said so; NAN: not run, no bar). */
struct chart_tornado_row {
    const char *label;
    double lo_s, hi_s;
};

/*
 * A tornado: one row per factor, top to bottom in the order given, each a bar from the
 * nominal p50 to the p50 at the factor's low end and one to its high end (two colours, the
 * longer drawn first so that the shorter shows on it), the nominal as a dashed line, the
 * axis in minutes. `nominal_s` must be finite. Same returns as chart.h's charts.
 */
int chart_tornado(const char *title, double nominal_s, const struct chart_tornado_row *rows,
                  size_t n, char **svg, size_t *len, char *err, size_t errlen);

/* One answer with its two intervals: the value at the nominal setting, the sampling
 * interval (replications) and the assumption interval (settings); a non-finite end: no bar. */
struct chart_span {
    double nominal;
    double samp_lo, samp_hi;
    double asm_lo, asm_hi;
};

/*
 * The two intervals side by side, in two panels: the p50 (seconds, drawn in minutes) and the
 * share meeting the deadline (a fraction, drawn in %), each with the sampling interval and
 * the assumption interval as bars on one row each and the nominal as a mark on both.
 */
int chart_spans(const char *title, const struct chart_span *p50_s, const struct chart_span *met,
                char **svg, size_t *len, char *err, size_t errlen);

/* ---- the study (report_sweep.c) --------------------------------------------------------- */

/* The scenario's name and title (title falls back to the name), never NULL. */
const char *rep_sweep_scenario(const struct kz_sweep_study *st);
const char *rep_sweep_title(const struct kz_sweep_study *st);

/* The values factor k of the sweep (an index for kz_sweep_value, not the levers') took at the
 * one-at-a-time low and high ends: from the sweep's own items when it ran them, else the
 * range's ends. */
void rep_sweep_ends(const struct kz_sweep_entry *e, unsigned methods, size_t k, double *lo,
                    double *hi);
/* The sweep's index of levers factor `factor`, or kz_sweep_nfactors when it is not swept. */
size_t rep_sweep_index(const kz_sweep *w, size_t factor);

/* A factor's value in prose: a duration as KZ_DUR_PROSE, a count or number as it is. */
void rep_sweep_value(const struct kz_factor *f, double v, char *buf, size_t n);

/* ---- the page (report_sweep_html.c) ------------------------------------------------------ */

/* report.html of a sweep. Chart failures: KZ_EGRAPH or KZ_ENOMEM with a message in err; write
 * failures are left in o. */
int rep_sweep_html(struct rep_out *o, const struct kz_sweep_study *st, char *err, size_t errlen);

#endif
