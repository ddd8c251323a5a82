/* report_compare.c - structures compared in the report: paired differences against the baseline,
 * the best structure per thread, and the paired-difference table. */
#include <math.h>
#include <stdio.h>

#include "kizuna/error.h"
#include "report_impl.h"

size_t rep_baseline(const struct kz_report_group *g)
{
    return g->baseline < g->nresults ? g->baseline : 0;
}

struct rep_rank rep_rank_thread(const struct kz_report_group *g, size_t i)
{
    struct rep_rank out = {.ranked = false, .best = -1, .identical = false};
    double cap = kz_paired_cap_s(g->scenario);
    struct kz_paired_rank rk;
    if (g->nresults < 2 || !isfinite(cap) ||
        kz_paired_rank((const kz_sim_result *const *)g->results, g->nresults, i, cap, &rk))
        return out;
    out.ranked = true;
    out.best = rk.best;
    out.identical = rk.identical;
    return out;
}

bool rep_paired(const struct kz_report_group *g, size_t j, size_t i, struct kz_paired *out)
{
    size_t b = rep_baseline(g);
    double cap = kz_paired_cap_s(g->scenario);
    return j != b && j < g->nresults && isfinite(cap) &&
           kz_paired_thread(g->results[b], g->results[j], i, cap, out) == KZ_OK;
}

/* A signed duration: "+1m 05s", "-850 ms", "0 ms". */
static void signed_dur(struct rep_out *o, double s)
{
    if (fabs(s) < 0.0005)
        s = 0; /* what would print as "-0 ms" */
    if (isfinite(s) && s > 0)
        rep_putc(o, '+');
    rep_html_dur(o, s);
}

static void signed_pct(struct rep_out *o, double f)
{
    if (!isfinite(f))
        rep_puts(o, "&mdash;");
    else {
        double v = round(f * 1000) / 10;
        rep_printf(o, "%+.1f", v == 0 ? 0 : v);
    }
}

/* One row: thread i of result j against the baseline. */
static void paired_row(struct rep_out *o, const struct kz_report_group *g, size_t j,
                       const struct kz_paired *p)
{
    bool tsig = p->lo_s > 0 || p->hi_s < 0, msig = p->met_lo > 0 || p->met_hi < 0;
    rep_puts(o, "<td>");
    rep_html(o, rep_structure_name(g->results[j]));
    rep_printf(o, "</td><td class=\"n%s\">", tsig ? " sig" : "");
    signed_dur(o, p->mean_s);
    if (isfinite(p->lo_s)) {
        rep_puts(o, " [");
        signed_dur(o, p->lo_s);
        rep_puts(o, ", ");
        signed_dur(o, p->hi_s);
        rep_puts(o, "]");
    }
    rep_puts(o, tsig ? " *" : "");
    rep_puts(o, "</td><td class=\"n\">");
    signed_dur(o, p->p50_s);
    rep_printf(o, "</td><td class=\"n%s\">", msig ? " sig" : "");
    signed_pct(o, p->met);
    rep_puts(o, " [");
    signed_pct(o, p->met_lo);
    rep_puts(o, ", ");
    signed_pct(o, p->met_hi);
    rep_puts(o, "] pts");
    rep_puts(o, msig ? " *" : "");
    rep_printf(o, "</td><td class=\"n\">%ld of %ld</td>", p->censored, p->n);
}

/* The rows of thread i: one per structure other than the baseline. */
static void paired_thread(struct rep_out *o, const struct kz_report_group *g, size_t i)
{
    const struct kz_thread_stats *t = kz_sim_result_thread(g->results[0], i);
    struct rep_rank rk = rep_rank_thread(g, i);
    size_t b = rep_baseline(g), rows = g->nresults - 1;
    rep_printf(o, "<tr><td rowspan=\"%zu\">", rk.identical ? (size_t)1 : rows);
    rep_html(o, t->name ? t->name : t->id);
    if (rk.best >= 0) {
        rep_puts(o, "<br><span class=\"note\">best: ");
        rep_html(o, rep_structure_name(g->results[rk.best]));
        rep_puts(o, "</span>");
    }
    rep_puts(o, "</td>");
    if (rk.identical) {
        rep_puts(o, "<td colspan=\"5\">identical chain, not ranked</td></tr>\n");
        return;
    }
    bool first = true;
    for (size_t j = 0; j < g->nresults; j++) {
        if (j == b)
            continue;
        struct kz_paired p;
        rep_puts(o, first ? "" : "<tr>");
        first = false;
        if (rep_paired(g, j, i, &p))
            paired_row(o, g, j, &p);
        else {
            rep_puts(o, "<td>");
            rep_html(o, rep_structure_name(g->results[j]));
            rep_puts(o, "</td><td colspan=\"4\">no per-run rows to pair</td>");
        }
        rep_puts(o, "</tr>\n");
    }
}

void rep_paired_html(struct rep_out *o, const struct kz_report_group *g)
{
    if (g->nresults < 2)
        return;
    size_t T = kz_sim_result_nthreads(g->results[0]);
    struct kz_sim_totals t;
    kz_sim_result_totals(g->results[0], &t);
    rep_puts(o, "<h3>Paired differences against <code>");
    rep_html(o, rep_structure_name(g->results[rep_baseline(g)]));
    rep_puts(o, "</code></h3>\n<p class=\"note\">Every structure ran the same replications (the "
                "same draws, common random numbers), so each replication gives a pair: the "
                "structure's time minus the baseline's. Negative is faster; for deadlines met, "
                "positive is better (percentage points). A replication that did not complete "
                "counts at the horizon (");
    rep_html_dur(o, kz_paired_cap_s(g->scenario));
    rep_puts(o, "), censored. 95% intervals: Student's t on the differences; Agresti-Min for "
                "the deadline. <b>*</b>: the interval excludes 0.</p>\n<table>\n<tr>"
                "<th>thread</th><th>structure</th><th>time diff, mean [95% CI]</th>"
                "<th>time diff, p50</th><th>deadline met diff [95% CI]</th>"
                "<th>censored pairs</th></tr>\n");
    for (size_t i = 0; i < T; i++)
        paired_thread(o, g, i);
    rep_puts(o, "</table>\n");
}
