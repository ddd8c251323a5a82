/* report_validation.c - the validation strip of the report. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kizuna/util.h"
#include "report/report_validation.h"

#define BAR_W 260.0 /* the inline bar's width in px; its height is BAR_H */
#define BAR_H 18.0

static const char style[] =
    "<style>\n"
    ".validation table{border-collapse:collapse;font-size:13px}\n"
    ".validation th,.validation td{padding:3px 8px;border-bottom:1px solid #ddd;"
    "text-align:left;vertical-align:top}\n"
    ".validation .pass{color:#1a7f37;font-weight:bold}\n"
    ".validation .fail{color:#cf222e;font-weight:bold}\n"
    ".validation .notrun{color:#9a6700;font-weight:bold}\n"
    ".validation .cal{font-size:11px;color:#555;border:1px solid #999;border-radius:3px;"
    "padding:0 3px;margin-left:4px}\n"
    ".validation .src{font-size:11px}\n"
    ".validation svg{display:block}\n"
    "</style>\n";

static void dur(struct rep_out *o, double s)
{
    char b[32];
    kz_fmt_dur(s, KZ_DUR_PROSE, b, sizeof b);
    rep_html(o, b);
}

/* The axis of every bar: 0 to a little beyond the largest finite figure of any case. */
static double axis_max(const struct kz_vcase_result *r, size_t n)
{
    double m = 1;
    for (size_t i = 0; i < n; i++) {
        const double v[] = {r[i].observed_lo_s, r[i].observed_hi_s, r[i].tol_hi_s, r[i].p10_s,
                            r[i].p50_s, r[i].p90_s};
        for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
            if (isfinite(v[k]) && v[k] > m)
                m = v[k];
    }
    return m * 1.1;
}

/* x in px of t seconds on [0, max]; INFINITY (not ended) at the right edge. */
static double px(double t, double max)
{
    if (!(t >= 0))
        return 0;
    return t >= max ? BAR_W : t / max * BAR_W;
}

static void num(struct rep_out *o, double v)
{
    char b[32];
    rep_fmt_num(round(v * 10) / 10, b, sizeof b);
    rep_puts(o, b);
}

/* One case's bar: the observed range filled, the band outlined, the model's p10-p90 a line
 * with a dot at p50 (dashed to the edge when p90 did not end). */
static void bar(struct rep_out *o, const struct kz_vcase_result *r, double max)
{
    rep_puts(o, "<svg width=\"");
    num(o, BAR_W);
    rep_puts(o, "\" height=\"");
    num(o, BAR_H);
    rep_puts(o, "\" role=\"img\" aria-label=\"observed, band and model\">");
    double lo = px(r->observed_lo_s, max), hi = px(r->observed_hi_s, max);
    rep_puts(o, "<rect y=\"3\" height=\"12\" fill=\"#b6d4fe\" x=\"");
    num(o, lo);
    rep_puts(o, "\" width=\"");
    num(o, hi - lo > 1.5 ? hi - lo : 1.5);
    rep_puts(o, "\"><title>observed</title></rect>");
    double tl = px(r->tol_lo_s, max), th = px(r->tol_hi_s, max);
    rep_puts(o, "<rect y=\"1\" height=\"16\" fill=\"none\" stroke=\"#555\" "
                "stroke-dasharray=\"3,2\" x=\"");
    num(o, tl);
    rep_puts(o, "\" width=\"");
    num(o, th - tl > 1 ? th - tl : 1);
    rep_puts(o, "\"><title>band</title></rect>");
    if (!r->error && isfinite(r->p10_s)) {
        double a = px(r->p10_s, max), b = px(r->p90_s, max), m = px(r->p50_s, max);
        rep_puts(o, "<line y1=\"9\" y2=\"9\" stroke=\"#000\" stroke-width=\"2\" x1=\"");
        num(o, a);
        rep_puts(o, "\" x2=\"");
        num(o, b);
        rep_puts(o, isfinite(r->p90_s) ? "\"/>" : "\" stroke-dasharray=\"4,2\"/>");
        if (isfinite(r->p50_s)) {
            rep_puts(o, "<circle cy=\"9\" r=\"4\" fill=\"");
            rep_puts(o, r->pass ? "#1a7f37" : "#cf222e");
            rep_puts(o, "\" cx=\"");
            num(o, m);
            rep_puts(o, "\"><title>model p50</title></circle>");
        }
    }
    rep_puts(o, "</svg>");
}

static void observed_cell(struct rep_out *o, const struct kz_vcase_result *r)
{
    switch (r->bound) {
    case KZ_VB_EXACT: dur(o, r->observed_lo_s); break;
    case KZ_VB_RANGE:
        dur(o, r->observed_lo_s);
        rep_puts(o, " &ndash; ");
        dur(o, r->observed_hi_s);
        break;
    case KZ_VB_UPPER:
        rep_puts(o, "at most ");
        dur(o, r->observed_hi_s);
        break;
    case KZ_VB_LOWER:
        rep_puts(o, "at least ");
        dur(o, r->observed_lo_s);
        break;
    }
    rep_puts(o, "<br><span class=\"src\">");
    for (size_t k = 0; k < r->nsources; k++) {
        const char *s = r->sources[k];
        bool web = s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7));
        rep_puts(o, k ? " " : "");
        if (web) {
            rep_puts(o, "<a href=\"");
            rep_html(o, s);
            rep_printf(o, "\">[%zu]</a>", k + 1);
        } else {
            rep_printf(o, "[%zu] ", k + 1);
            rep_html(o, s);
        }
    }
    rep_puts(o, "</span>");
}

static void row(struct rep_out *o, const struct kz_vcase_result *r, double max)
{
    rep_puts(o, "<tr><td><b>");
    rep_html(o, r->id);
    rep_puts(o, "</b>");
    if (r->calibration)
        rep_puts(o, "<span class=\"cal\" title=\"used to calibrate parameters\">"
                    "calibration</span>");
    rep_puts(o, "<br>");
    rep_html(o, r->title);
    rep_puts(o, "</td><td>");
    rep_html(o, r->date);
    rep_puts(o, "</td><td>");
    rep_html(o, r->thread);
    rep_puts(o, ": ");
    rep_html(o, r->from);
    rep_puts(o, " &rarr; ");
    rep_html(o, r->to);
    rep_puts(o, "<br>over ");
    rep_html(o, r->structure);
    rep_puts(o, " (");
    rep_html(o, r->scenario);
    rep_puts(o, ")</td><td>");
    observed_cell(o, r);
    rep_puts(o, "</td><td>");
    dur(o, r->p10_s);
    rep_puts(o, " / <b>");
    dur(o, r->p50_s);
    rep_puts(o, "</b> / ");
    dur(o, r->p90_s);
    rep_printf(o, "<br>%s in [", kz_vquantity_names[r->quantity]);
    dur(o, r->tol_lo_s);
    rep_puts(o, ", ");
    if (isinf(r->tol_hi_s))
        rep_puts(o, "&infin;");
    else
        dur(o, r->tol_hi_s);
    rep_puts(o, "]</td><td>");
    bar(o, r, max);
    rep_puts(o, "</td><td>");
    if (r->error) {
        rep_puts(o, "<span class=\"notrun\">not run</span><br>");
        rep_html(o, r->error);
    } else {
        rep_puts(o, r->pass ? "<span class=\"pass\">pass</span>"
                            : "<span class=\"fail\">FAIL</span>");
    }
    rep_puts(o, "</td></tr>\n");
}

void rep_validation_html(struct rep_out *o, const struct kz_vcase_result *r, size_t n)
{
    rep_puts(o, "<section class=\"validation\" id=\"validation\">\n");
    rep_puts(o, style);
    rep_puts(o, "<h2>Validation against observed events</h2>\n");
    if (!r || n == 0) {
        rep_puts(o, "<p>No validation cases.</p>\n</section>\n");
        return;
    }
    size_t pass = 0, cal = 0;
    for (size_t i = 0; i < n; i++) {
        pass += !r[i].error && r[i].pass;
        cal += r[i].calibration;
    }
    rep_printf(o, "<p>%zu of %zu cases pass; %zu %s calibration (parameters were set on %s), "
                  "the rest are held out. Bar: observed (filled), the band the model's figure "
                  "must fall in (dashed), the model's p10&ndash;p90 (line) and p50 (dot); "
                  "one axis from 0 to ",
               pass, n, cal, cal == 1 ? "is" : "are", cal == 1 ? "it" : "them");
    double max = axis_max(r, n);
    dur(o, max);
    rep_puts(o, ".</p>\n<table>\n<tr><th>case</th><th>date</th><th>segment</th>"
                "<th>observed</th><th>model p10 / p50 / p90</th><th></th><th>result</th></tr>\n");
    for (size_t i = 0; i < n; i++)
        row(o, &r[i], max);
    rep_puts(o, "</table>\n</section>\n");
}
