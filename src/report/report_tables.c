/* report_tables.c - the report's tables: a thread over the structures, a structure's nodes, the
 * summary of several scenarios; the small formats the HTML writers share. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "report_impl.h"

/* ---- small formats -------------------------------------------------------- */

void rep_html_dur(struct rep_out *o, double s)
{
    char b[48];
    kz_fmt_dur(s, KZ_DUR_PROSE, b, sizeof b);
    rep_html(o, b);
}

void rep_html_pct(struct rep_out *o, double f)
{
    if (!isfinite(f))
        rep_puts(o, "\xe2\x80\x94");
    else if (f > 0 && f < 0.001)
        rep_puts(o, "&lt;0.1%");
    else if (f < 1 && f > 0.999)
        rep_puts(o, "&gt;99.9%");
    else
        rep_printf(o, "%.1f%%", 100 * f);
}

/* ---- matching threads across results ------------------------------------- */

/* Index of the thread with this id in r, or -1. */
long rep_find_thread(const kz_sim_result *r, size_t hint, const char *id)
{
    size_t n = kz_sim_result_nthreads(r);
    if (hint < n && !strcmp(kz_sim_result_thread(r, hint)->id, id))
        return (long)hint;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(kz_sim_result_thread(r, i)->id, id))
            return (long)i;
    return -1;
}

const char *rep_structure_name(const kz_sim_result *r)
{
    struct kz_sim_totals t;
    kz_sim_result_totals(r, &t);
    return t.structure ? t.structure : "?";
}

/* ---- tables ---------------------------------------------------------------- */

/* The critical-path cell: the node with most critical-path time, its largest cause, per run. */
static void critical_path(struct rep_out *o, const struct kz_thread_stats *t)
{
    if (t->cp_node < 0 || !t->cp_node_id) {
        rep_puts(o, "&mdash;");
        return;
    }
    rep_puts(o, "<code>");
    rep_html(o, t->cp_node_id);
    rep_puts(o, "</code>");
    if (t->cp_cause) {
        rep_puts(o, " (");
        rep_html(o, t->cp_cause);
        rep_puts(o, ")");
    }
    rep_puts(o, ", ");
    rep_html_dur(o, t->cp_node_s);
    rep_puts(o, " per run");
}

void rep_thread_table(struct rep_out *o, const struct kz_report_group *g, size_t hint,
                      const char *id)
{
    struct rep_rank rk = rep_rank_thread(g, hint);
    if (rk.identical)
        rep_puts(o, "<p class=\"note\">Identical chain, not ranked: every structure gave this "
                    "thread exactly the same time in every replication.</p>\n");
    rep_puts(o, "<table>\n<tr><th>structure</th><th>p50</th><th>p90</th><th>p99</th>"
                "<th>mean &plusmn; 95% CI</th><th>deadline met [95% CI]</th><th>completed</th>"
                "<th>infeasible</th><th>critical path at</th></tr>\n");
    long best = rk.best;
    for (size_t j = 0; j < g->nresults; j++) {
        const kz_sim_result *r = g->results[j];
        long k = rep_find_thread(r, hint, id);
        rep_printf(o, "<tr%s><td>", (long)j == best ? " class=\"best\"" : "");
        rep_html(o, rep_structure_name(r));
        rep_puts(o, "</td>");
        if (k < 0) {
            rep_puts(o, "<td colspan=\"8\">this structure's run has no such thread</td></tr>\n");
            continue;
        }
        const struct kz_thread_stats *t = kz_sim_result_thread(r, (size_t)k);
        double q[3] = {t->p50_s, t->p90_s, t->p99_s};
        for (int i = 0; i < 3; i++) {
            rep_puts(o, "<td class=\"n\">");
            rep_html_dur(o, q[i]);
            rep_puts(o, "</td>");
        }
        rep_puts(o, "<td class=\"n\">");
        rep_html_dur(o, t->mean_s);
        if (isfinite(t->mean_s) && isfinite(t->mean_ci_s)) {
            rep_puts(o, " &plusmn; ");
            rep_html_dur(o, t->mean_ci_s);
        }
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_pct(o, t->deadline_met);
        if (isfinite(t->deadline_lo) && isfinite(t->deadline_hi)) {
            rep_puts(o, " [");
            rep_html_pct(o, t->deadline_lo);
            rep_puts(o, "&ndash;");
            rep_html_pct(o, t->deadline_hi);
            rep_puts(o, "]");
        }
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_pct(o, t->completed);
        rep_puts(o, "</td><td>");
        rep_html_pct(o, t->infeasible);
        if (t->infeasible > 0 && t->infeasible_why) {
            rep_puts(o, ": ");
            rep_html(o, t->infeasible_why);
        }
        rep_puts(o, "</td><td>");
        critical_path(o, t);
        rep_puts(o, "</td></tr>\n");
    }
    rep_puts(o, "</table>\n");
    if (best >= 0) {
        rep_puts(o, "<p class=\"note\">Highlighted: <code>");
        rep_html(o, rep_structure_name(g->results[best]));
        rep_puts(o, "</code> is ahead of every other structure on this thread, pair by pair and "
                    "significantly (the paired differences below).</p>\n");
    }
}

void rep_node_table(struct rep_out *o, const kz_sim_result *r)
{
    size_t n = kz_sim_result_nnodes(r);
    size_t *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord) /* the table is a convenience; the chart above has the main rows */
        return;
    for (size_t i = 0; i < n; i++) {
        size_t k = i;
        double u = kz_sim_result_node(r, i)->utilisation;
        while (k > 0 && kz_sim_result_node(r, ord[k - 1])->utilisation < u) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = i;
    }
    rep_puts(o, "<details><summary>All ");
    rep_printf(o, "%zu nodes of ", n);
    rep_html(o, rep_structure_name(r));
    rep_puts(o, "</summary>\n<table>\n<tr><th>node</th><th>name</th><th>utilisation</th>"
                "<th>mean wait per job</th><th>wait per run</th><th>jobs per run</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        const struct kz_node_stats *s = kz_sim_result_node(r, ord[i]);
        rep_puts(o, "<tr><td><code>");
        rep_html(o, s->id);
        rep_puts(o, "</code></td><td>");
        rep_html(o, s->name);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_pct(o, s->utilisation);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_dur(o, s->mean_wait_s);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_dur(o, s->wait_s);
        rep_puts(o, "</td><td class=\"n\">");
        if (isfinite(s->jobs))
            rep_printf(o, "%.1f", s->jobs);
        else
            rep_puts(o, "&mdash;");
        rep_puts(o, "</td></tr>\n");
    }
    rep_puts(o, "</table></details>\n");
    free(ord);
}

void rep_anchor(struct rep_out *o, size_t gi)
{
    rep_printf(o, "scenario-%zu", gi + 1);
}

/* Structure names over all groups, in order of first appearance. */
static size_t structure_columns(const struct kz_report_group *groups, size_t ngroups,
                                const char **cols, size_t cap)
{
    size_t n = 0;
    for (size_t gi = 0; gi < ngroups; gi++)
        for (size_t j = 0; j < groups[gi].nresults; j++) {
            const char *s = rep_structure_name(groups[gi].results[j]);
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = !strcmp(cols[k], s);
            if (!seen && n < cap)
                cols[n++] = s;
        }
    return n;
}

int rep_summary_html(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups,
                   char *err, size_t errlen)
{
    size_t cap = 0;
    for (size_t gi = 0; gi < ngroups; gi++)
        cap += groups[gi].nresults;
    const char **cols = malloc((cap ? cap : 1) * sizeof *cols);
    if (!cols) {
        snprintf(err, errlen, "report: out of memory");
        return KZ_ENOMEM;
    }
    size_t nc = structure_columns(groups, ngroups, cols, cap);
    rep_puts(o, "<h2>Summary</h2>\n<p class=\"note\">Each cell: median time (p50) / share of "
                "replications that met the deadline. A structure is highlighted as the best for a "
                "thread only when its paired difference against every other structure is "
                "significant (95% interval excluding 0; deadlines met first, then time); an "
                "identical chain (the same time in every replication over every structure) is "
                "not ranked.</p>\n<table>\n"
                "<tr><th>scenario</th><th>thread</th>");
    for (size_t c = 0; c < nc; c++) {
        rep_puts(o, "<th>");
        rep_html(o, cols[c]);
        rep_puts(o, "</th>");
    }
    rep_puts(o, "</tr>\n");
    for (size_t gi = 0; gi < ngroups; gi++) {
        const struct kz_report_group *g = &groups[gi];
        if (g->nresults == 0)
            continue;
        size_t T = kz_sim_result_nthreads(g->results[0]);
        for (size_t i = 0; i < T; i++) {
            const struct kz_thread_stats *t0 = kz_sim_result_thread(g->results[0], i);
            struct rep_rank rk = rep_rank_thread(g, i);
            if (i == 0) {
                rep_printf(o, "<tr><td rowspan=\"%zu\"><a href=\"#", T);
                rep_anchor(o, gi);
                rep_puts(o, "\">");
                rep_html(o, rep_group_name(g));
                rep_puts(o, "</a></td><td>");
            } else {
                rep_puts(o, "<tr><td>");
            }
            rep_html(o, t0->name ? t0->name : t0->id);
            if (rk.identical)
                rep_puts(o, " <span class=\"note\">(identical chain, not ranked)</span>");
            rep_puts(o, "</td>");
            for (size_t c = 0; c < nc; c++) {
                long j = -1;
                for (size_t k = 0; k < g->nresults && j < 0; k++)
                    if (!strcmp(rep_structure_name(g->results[k]), cols[c]))
                        j = (long)k;
                long ti = j >= 0 ? rep_find_thread(g->results[j], i, t0->id) : -1;
                if (ti < 0) {
                    rep_puts(o, "<td class=\"n\">&mdash;</td>");
                    continue;
                }
                const struct kz_thread_stats *t = kz_sim_result_thread(g->results[j], (size_t)ti);
                rep_printf(o, "<td class=\"n%s\">", j == rk.best ? " best" : "");
                rep_html_dur(o, t->p50_s);
                rep_puts(o, " / ");
                rep_html_pct(o, t->deadline_met);
                rep_puts(o, "</td>");
            }
            rep_puts(o, "</tr>\n");
        }
    }
    rep_puts(o, "</table>\n");
    free(cols);
    return 0;
}
