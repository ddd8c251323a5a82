/* report_tornado.c - a sweep's charts: the tornado of a thread's p50 and its two intervals side by
 * side, drawn with PLplot on chart.c's stream (chart_render). */
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "kizuna/util.h"
#include "report_sweep.h"

/* Colours of the bars (chart.c's palette): low end blue, high end vermillion; the sampling
 * interval sky blue, the assumption interval orange. */
enum { COL_LOW = 0, COL_HIGH = 1, COL_SAMP = 5, COL_ASM = 3 };

/* Rows of a tornado are this many points high; the frame and the texts take the rest. */
#define TORNADO_ROW   26
#define TORNADO_EXTRA 120
/* Characters of a factor's name beside its row; a longer name keeps its end (the field and
 * the step tell factors apart more than the node or thread they start with). */
#define TORNADO_LABEL 44

/* PLplot sizes text by the page's width plus height: a tornado of many rows would have
 * larger letters than one of few. This factor keeps them at the size of a 5-row chart. */
static double text_scale(int width, int height)
{
    return (double)(900 + TORNADO_EXTRA + 5 * TORNADO_ROW) / (double)(width + height);
}

/* The dashed vertical line of the nominal at world x over [y0, y1]. */
static void nominal_line(double x, double y0, double y1)
{
    plcol0(CHART_FG);
    pllsty(2);
    plwidth(1.5);
    pljoin(x, y0, x, y1);
    pllsty(1);
    plwidth(1);
}

/* "not reached" in white inside the end of a bar that runs to the right edge; `cs` the
 * chart's text scale. */
static void not_reached(struct chart_ctx *c, double x, double yc, double cs)
{
    plcol0(CHART_BG);
    plschr(0, 0.7 * cs);
    chart_ptex(c, x, yc - 0.1, 1.0, "not reached", 16);
    plschr(0, 0.9 * cs);
}

/* The last TORNADO_LABEL characters of s (UTF-8), after an ellipsis when cut; malloc'd. */
static char *tail_label(struct chart_ctx *c, const char *s)
{
    size_t n = strlen(s), cps = 0, at = n;
    while (at > 0) {
        if (((unsigned char)s[at - 1] & 0xc0) != 0x80 && ++cps > TORNADO_LABEL - 1)
            break;
        at--;
    }
    bool cut = cps > TORNADO_LABEL - 1 && at > 0;
    if (!cut)
        at = 0;
    char *out = malloc(n - at + 4);
    if (!out) {
        c->nomem = true;
        return NULL;
    }
    snprintf(out, n - at + 4, "%s%s", cut ? "\xe2\x80\xa6" : "", s + at);
    return out;
}

/* ---- tornado ------------------------------------------------------------------------------ */

struct tornado_args {
    const char *title;
    double nominal_s;
    const struct chart_tornado_row *rows;
    size_t n;
    double cs; /* text scale (text_scale) */
};

/* The bar of one end from the nominal (world minutes) to v seconds; INFINITY goes to the
 * right edge, x1. */
static void end_bar(struct chart_ctx *c, const struct tornado_args *a, double nom, double v,
                    double x1, double yc, double half, int colour)
{
    if (isnan(v))
        return;
    double x = isfinite(v) ? v / 60 : x1;
    if (x == nom) {
        /* No swing at this end: a hairline, so that the row shows it was run. */
        plcol0(chart_series_colour((size_t)colour));
        plwidth(2);
        pljoin(x, yc - half, x, yc + half);
        plwidth(1);
        return;
    }
    chart_box(fmin(nom, x), fmax(nom, x), yc - half, yc + half,
              chart_series_colour((size_t)colour));
    if (!isfinite(v))
        not_reached(c, x1 - (x1 - nom) * 0.03, yc, a->cs);
}

/* The legend in the bottom left corner, under the factors' names: a box per end. */
static void tornado_legend(struct chart_ctx *c, double height)
{
    plvpor(0, 1, 0, 1);
    plwind(0, 900, 0, height);
    const struct {
        int colour;
        const char *text;
    } k[] = {{COL_LOW, "factor at its low end"}, {COL_HIGH, "at its high end"}};
    double x = 20, y = 16;
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        chart_box(x, x + 14, y - 5, y + 5, chart_series_colour((size_t)k[i].colour));
        plcol0(CHART_FG);
        chart_ptex(c, x + 20, y - 3, 0, k[i].text, 32);
        x += 190;
    }
}

static void draw_tornado(struct chart_ctx *c, const void *arg)
{
    const struct tornado_args *a = arg;
    size_t n = a->n;
    double nom = a->nominal_s / 60, mn = nom, mx = nom;
    bool edge = false;
    for (size_t i = 0; i < n; i++) {
        const double v[2] = {a->rows[i].lo_s, a->rows[i].hi_s};
        for (int e = 0; e < 2; e++) {
            if (isfinite(v[e])) {
                mn = fmin(mn, v[e] / 60);
                mx = fmax(mx, v[e] / 60);
            } else if (v[e] > 0) {
                edge = true;
            }
        }
    }
    /* Room on both sides; a row that did not finish needs room for its "not reached". */
    double span = mx - mn;
    if (!(span > 1e-9))
        span = fmax(nom * 0.1, 1);
    double x0 = fmax(0, mn - 0.08 * span), x1 = mx + (edge ? 0.3 : 0.08) * span;
    double height = TORNADO_EXTRA + TORNADO_ROW * (double)(n ? n : 1);
    double rows = (double)(n ? n : 1);
    plschr(0, 0.9 * a->cs);
    plvpor(0.37, 0.97, 55 / height, 1 - 75 / height);
    plwind(x0, x1, 0, rows);
    plcol0(CHART_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plcol0(CHART_FG);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    chart_mtex(c, "b", 3.0, 0.5, 0.5, "p50 of the thread (minutes from its start)", 80);
    for (size_t i = 0; i < n; i++) {
        const struct chart_tornado_row *r = &a->rows[i];
        double yc = rows - (double)i - 0.5;
        plcol0(CHART_FG);
        char *label = tail_label(c, r->label ? r->label : "");
        if (label)
            chart_mtex(c, "lv", 0.8, yc / rows, 1.0, label, TORNADO_LABEL);
        free(label);
        /* The longer end first; the shorter one thinner on it when both go the same way. */
        double dl = isfinite(r->lo_s) ? fabs(r->lo_s / 60 - nom) : INFINITY;
        double dh = isfinite(r->hi_s) ? fabs(r->hi_s / 60 - nom) : INFINITY;
        if (isnan(r->lo_s))
            dl = -1;
        if (isnan(r->hi_s))
            dh = -1;
        bool same = (r->lo_s / 60 - nom) * (r->hi_s / 60 - nom) > 0;
        bool low_first = dl >= dh;
        double hf = 0.34, hs = same ? 0.2 : 0.34;
        if (low_first) {
            end_bar(c, a, nom, r->lo_s, x1, yc, hf, COL_LOW);
            end_bar(c, a, nom, r->hi_s, x1, yc, hs, COL_HIGH);
        } else {
            end_bar(c, a, nom, r->hi_s, x1, yc, hf, COL_HIGH);
            end_bar(c, a, nom, r->lo_s, x1, yc, hs, COL_LOW);
        }
    }
    nominal_line(nom, 0, rows);
    char d[32], t[64];
    kz_fmt_dur(a->nominal_s, KZ_DUR_PROSE, d, sizeof d);
    snprintf(t, sizeof t, "nominal p50 %s", d);
    double pos = (nom - x0) / (x1 - x0);
    chart_mtex(c, "t", 0.9, pos, pos < 0.15 ? 0 : pos > 0.85 ? 1 : 0.5, t, 40);
    tornado_legend(c, height);
    plschr(0, 1.1 * a->cs);
    plcol0(CHART_FG);
    chart_ptex(c, 450, height - 28, 0.5, a->title, 100);
    plschr(0, 0.9 * a->cs);
}

int chart_tornado(const char *title, double nominal_s, const struct chart_tornado_row *rows,
                  size_t n, char **svg, size_t *len, char *err, size_t errlen)
{
    int h = TORNADO_EXTRA + TORNADO_ROW * (int)(n ? (n > 100 ? 100 : n) : 1);
    struct tornado_args a = {title, nominal_s, rows, n > 100 ? 100 : n, text_scale(900, h)};
    return chart_render(900, h, draw_tornado, &a, svg, len, err, errlen);
}

/* ---- the two intervals ----------------------------------------------------------------------- */

struct spans_args {
    const char *title;
    const struct chart_span *p50, *met;
};

/* One interval as a bar on row yc; INFINITY at the top end goes to the edge and says so. */
static void span_bar(struct chart_ctx *c, double lo, double hi, double scale, double x1, double yc,
                     int colour)
{
    if (isnan(lo) || isnan(hi)) {
        plcol0(CHART_FG);
        plschr(0, 0.75);
        chart_ptex(c, x1 * 0.02, yc - 0.06, 0, "not run", 16);
        plschr(0, 0.9);
        return;
    }
    double a = isfinite(lo) ? lo * scale : x1, b = isfinite(hi) ? hi * scale : x1;
    /* At least a hairline: a replication-exact answer has an interval of width zero. */
    double w = fmax(b - a, x1 * 0.004);
    chart_box(a, a + w, yc - 0.26, yc + 0.26, chart_series_colour((size_t)colour));
    if (!isfinite(hi))
        not_reached(c, x1 * 0.985, yc, 1);
}

/* A panel over the viewport [vx0, vx1]: both bars and the nominal's mark. */
static void span_panel(struct chart_ctx *c, double vx0, double vx1, const struct chart_span *s,
                       double scale, double x1, const char *xlabel)
{
    plvpor(vx0, vx1, 0.3, 0.78);
    plwind(0, x1, 0, 2);
    plcol0(CHART_GRID);
    plbox("g", 0, 0, "", 0, 0);
    plcol0(CHART_FG);
    plbox("bcnst", 0, 0, "bc", 0, 0);
    chart_mtex(c, "b", 3.0, 0.5, 0.5, xlabel, 60);
    span_bar(c, s->samp_lo, s->samp_hi, scale, x1, 1.5, COL_SAMP);
    span_bar(c, s->asm_lo, s->asm_hi, scale, x1, 0.5, COL_ASM);
    if (isfinite(s->nominal)) {
        double x = fmin(s->nominal * scale, x1);
        plcol0(CHART_FG);
        plwidth(2.5);
        pljoin(x, 0.1, x, 1.9);
        plwidth(1);
    }
}

/* The right end of a panel: a round number above every finite value (seconds or fraction
 * times `scale`), at least `floor`. */
static double span_top(const struct chart_span *s, double scale, double floor)
{
    const double v[] = {s->nominal, s->samp_lo, s->samp_hi, s->asm_lo, s->asm_hi};
    double m = 0;
    bool edge = false;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        if (isfinite(v[i]))
            m = fmax(m, v[i] * scale);
        edge = edge || (isinf(v[i]) && v[i] > 0);
    }
    /* A bar to the edge needs room beyond the last finite value for its "not reached". */
    return chart_nice_ceil(fmax(m * (edge ? 1.35 : 1.08), floor));
}

static void draw_spans(struct chart_ctx *c, const void *arg)
{
    const struct spans_args *a = arg;
    span_panel(c, 0.22, 0.58, a->p50, 1.0 / 60, span_top(a->p50, 1.0 / 60, 1),
               "p50 (minutes from the thread's start)");
    plcol0(CHART_FG);
    chart_mtex(c, "lv", 0.8, 0.75, 1.0, "sampling (95%)", 24);
    chart_mtex(c, "lv", 0.8, 0.25, 1.0, "assumptions (5-95%)", 24);
    span_panel(c, 0.64, 0.97, a->met, 100, 100, "deadline met (% of replications)");
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plschr(0, 1.1);
    plcol0(CHART_FG);
    chart_ptex(c, 0.5, 0.9, 0.5, a->title, 100);
    plschr(0, 0.9);
}

int chart_spans(const char *title, const struct chart_span *p50_s, const struct chart_span *met,
                char **svg, size_t *len, char *err, size_t errlen)
{
    struct spans_args a = {title, p50_s, met};
    return chart_render(900, 190, draw_spans, &a, svg, len, err, errlen);
}
