/* report_waterfall.c - the waterfall of a thread's critical path per structure. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kizuna/util.h"
#include "report_impl.h"

/* Geometry of the inline SVG, in pixels. */
#define WF_LABEL 140  /* structure names */
#define WF_BAR 680    /* the longest thread */
#define WF_RIGHT 70   /* its total */
#define WF_ROW 30
#define WF_TOP 8
#define WF_AXIS 26
#define WF_TICKS 5

/* One colour per cause (Okabe-Ito, told apart with colour-blindness), in enum kz_cause order;
 * a cause added later takes them again from the start. */
static const char *const colour[] = {"#0072b2", "#e69f00", "#cc79a7", "#009e73", "#d55e00",
                                     "#56b4e9", "#999999", "#f0e442", "#444444"};
#define NCOLOUR (sizeof colour / sizeof colour[0])
/* The part of a step's mean that no cause claims (records missing or rounding). */
#define UNATTRIBUTED "#e8e8e8"

static const char *cause_colour(int c)
{
    return colour[(size_t)c % NCOLOUR];
}

/* Sum of the mean step times of thread i in r (0 when it has no step statistics). */
static double total_s(const kz_sim_result *r, size_t i)
{
    double sum = 0;
    size_t n = kz_sim_result_nsteps(r, i);
    for (size_t k = 0; k < n; k++) {
        const struct kz_step_stats *st = kz_sim_result_step(r, i, k);
        if (st && isfinite(st->mean_s) && st->mean_s > 0)
            sum += st->mean_s;
    }
    return sum;
}

static void rect(struct rep_out *o, double x, double y, double w, const char *fill)
{
    rep_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"%s\">", x, y, w,
               WF_ROW - 10, fill);
}

/* A tooltip: "step id (kind): cause 1m 05s". */
static void tip(struct rep_out *o, const struct kz_step_stats *st, size_t k, const char *what,
                double s)
{
    char b[48];
    kz_fmt_dur(s, KZ_DUR_PROSE, b, sizeof b);
    rep_puts(o, "<title>");
    if (st->id)
        rep_html(o, st->id);
    else
        rep_printf(o, "step %zu", k + 1);
    if (st->kind) {
        rep_puts(o, " (");
        rep_html(o, st->kind);
        rep_puts(o, ")");
    }
    rep_puts(o, ": ");
    rep_html(o, what);
    rep_puts(o, " ");
    rep_html(o, b);
    rep_puts(o, "</title></rect>\n");
}

/* The step's id (or number) inside its bar, cut to what fits (about 6.5 px a character). */
static void step_label(struct rep_out *o, const struct kz_step_stats *st, size_t k, double x,
                       double y, double w)
{
    char buf[64];
    if (st->id)
        snprintf(buf, sizeof buf, "%s", st->id);
    else
        snprintf(buf, sizeof buf, "%zu", k + 1);
    size_t fit = (size_t)((w - 6) / 6.5), n = strlen(buf);
    if (fit > sizeof buf - 4)
        fit = sizeof buf - 4; /* room for the ellipsis and the NUL */
    if (n > fit && fit >= 2) {
        n = fit - 1;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80)
            n--; /* not inside a UTF-8 sequence */
        memcpy(buf + n, "\xe2\x80\xa6", 4); /* an ellipsis */
    } else if (n > fit) {
        return;
    }
    rep_printf(o, "<text x=\"%.1f\" y=\"%.1f\" class=\"wf-step\">", x + 3, y + 14.5);
    rep_html(o, buf);
    rep_puts(o, "</text>\n");
}

/* One step as a run of cause segments from x; returns its width. */
static double step_bar(struct rep_out *o, const struct kz_step_stats *st, size_t k, double x,
                       double y, double scale)
{
    double used = 0;
    for (int c = 0; c < KZ_CAUSE_COUNT; c++) {
        double s = st->cause_s[c];
        if (!isfinite(s) || s <= 0)
            continue;
        rect(o, x + used * scale, y, s * scale, cause_colour(c));
        tip(o, st, k, kz_cause_names[c], s);
        used += s;
    }
    if (isfinite(st->mean_s) && st->mean_s > used * (1 + 1e-9)) {
        rect(o, x + used * scale, y, (st->mean_s - used) * scale, UNATTRIBUTED);
        tip(o, st, k, "unattributed", st->mean_s - used);
        used = st->mean_s;
    }
    double w = used * scale;
    if (w >= 34)
        step_label(o, st, k, x, y, w);
    if (w > 0)
        rep_printf(o, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"wf-sep\"/>\n",
                   x + w, x + w, y - 2, y + WF_ROW - 8);
    return w;
}

static void axis(struct rep_out *o, double top_s, double y)
{
    rep_printf(o, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"wf-axis\"/>\n",
               WF_LABEL, WF_LABEL + WF_BAR, y, y);
    for (int i = 0; i <= WF_TICKS; i++) {
        double s = top_s * i / WF_TICKS, x = WF_LABEL + (double)WF_BAR * i / WF_TICKS;
        char b[32];
        kz_fmt_dur(s, KZ_DUR_TICK, b, sizeof b);
        rep_printf(o, "<text x=\"%.1f\" y=\"%.1f\" class=\"wf-tick\">%s</text>\n", x, y + 16, b);
    }
}

static void legend(struct rep_out *o, const bool *seen, bool unattributed)
{
    rep_puts(o, "<p class=\"wf-legend\">");
    for (int c = 0; c < KZ_CAUSE_COUNT; c++)
        if (seen[c]) {
            rep_printf(o, "<span><i style=\"background:%s\"></i>", cause_colour(c));
            rep_html(o, kz_cause_names[c]);
            rep_puts(o, "</span> ");
        }
    if (unattributed)
        rep_printf(o, "<span><i style=\"background:%s\"></i>unattributed</span>", UNATTRIBUTED);
    rep_puts(o, "</p>\n");
}

void rep_waterfall_html(struct rep_out *o, const struct kz_report_group *g, size_t i)
{
    double top = 0;
    bool seen[KZ_CAUSE_COUNT] = {false}, unattributed = false;
    for (size_t j = 0; j < g->nresults; j++) {
        const kz_sim_result *r = g->results[j];
        top = fmax(top, total_s(r, i));
        for (size_t k = 0; k < kz_sim_result_nsteps(r, i); k++) {
            const struct kz_step_stats *st = kz_sim_result_step(r, i, k);
            double sum = 0;
            for (int c = 0; st && c < KZ_CAUSE_COUNT; c++)
                if (isfinite(st->cause_s[c]) && st->cause_s[c] > 0) {
                    seen[c] = true;
                    sum += st->cause_s[c];
                }
            unattributed = unattributed || (st && st->mean_s > sum * (1 + 1e-9));
        }
    }
    if (!(top > 0)) {
        rep_puts(o, "<p class=\"note\">No per-step critical-path statistics in these results: "
                    "no waterfall.</p>\n");
        return;
    }
    size_t n = g->nresults;
    int h = WF_TOP + (int)n * WF_ROW + WF_AXIS;
    rep_printf(o, "<figure>\n<svg class=\"chart wf\" role=\"img\" viewBox=\"0 0 %d %d\" "
                  "width=\"%d\" height=\"%d\" aria-label=\"Waterfall of the thread's steps per "
                  "structure, each split by cause\">\n",
               WF_LABEL + WF_BAR + WF_RIGHT, h, WF_LABEL + WF_BAR + WF_RIGHT, h);
    double scale = WF_BAR / top;
    for (size_t j = 0; j < n; j++) {
        const kz_sim_result *r = g->results[j];
        double y = WF_TOP + (double)j * WF_ROW, x = WF_LABEL;
        rep_printf(o, "<text x=\"%d\" y=\"%.1f\" class=\"wf-name\">", WF_LABEL - 8, y + 14.5);
        rep_html(o, rep_structure_name(r));
        rep_puts(o, "</text>\n");
        for (size_t k = 0; k < kz_sim_result_nsteps(r, i); k++) {
            const struct kz_step_stats *st = kz_sim_result_step(r, i, k);
            if (st)
                x += step_bar(o, st, k, x, y, scale);
        }
        char b[48];
        kz_fmt_dur(total_s(r, i), KZ_DUR_TICK, b, sizeof b);
        rep_printf(o, "<text x=\"%.1f\" y=\"%.1f\" class=\"wf-total\">%s</text>\n", x + 6, y + 14.5,
                   b);
    }
    axis(o, top, WF_TOP + (double)n * WF_ROW);
    rep_puts(o, "</svg>\n");
    legend(o, seen, unattributed);
    rep_puts(o, "<figcaption>Each bar: the thread's steps one after the other, each as long as "
                "its mean over the completed replications (the slowest copy's), split by where "
                "the time on its critical path went. Hover a segment for its step, cause and "
                "time.</figcaption>\n</figure>\n");
}
