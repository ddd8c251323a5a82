/* report_html.c - report.html: one self-contained page per run of scenarios, tables and inline SVG
 * charts. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "kizuna/error.h"
#include "kizuna/util.h"
#include "kizuna/kizuna.h"
#include "report_impl.h"
#include "report_validation.h"

/* Node rows in a structure's load chart. */
#define NODE_ROWS 12
/* Points kept per CDF line: about one per pixel of the plot's height; more only add bytes. */
#define CDF_POINTS 400

static const char css[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#222;margin:0 auto;max-width:1100px;padding:0 1.2em 3em}\n"
    "h1{font-size:1.7em;margin:1em 0 .2em}h2{font-size:1.35em;margin:2.2em 0 .4em;"
    "border-bottom:2px solid #0072b2;padding-bottom:.2em}h3{font-size:1.1em;margin:1.8em 0 .3em}\n"
    ".sub{color:#555;margin:.1em 0 1em}.note{color:#555;font-size:.92em}\n"
    ".whatif{background:#fff4e0;border-left:4px solid #e69f00;padding:.3em .7em}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.93em}\n"
    "th,td{border:1px solid #d5d5d5;padding:.3em .6em;text-align:left;vertical-align:top}\n"
    "th{background:#f2f4f7}td.n{text-align:right;white-space:nowrap}\n"
    "tr.best td,td.best{background:#e3f3e8;font-weight:600}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.4em 0}\n"
    "dl.facts dt{color:#555}dl.facts dd{margin:0}\n"
    "figure{margin:.6em 0 1.4em}figcaption{color:#555;font-size:.9em;margin-top:.2em}\n"
    "svg.chart{max-width:100%;height:auto;display:block}\n"
    "details{margin:.4em 0 1em}summary{cursor:pointer;color:#0b5394}\n"
    "code{font-size:.95em}td.sig{font-weight:600}\n"
    ".wf text{font-size:12px;fill:#222}.wf .wf-name{text-anchor:end}.wf .wf-step{fill:#fff;"
    "font-size:11px}.wf .wf-tick{fill:#555;font-size:11px;text-anchor:middle}"
    ".wf .wf-total{fill:#555;font-size:11px}.wf-sep{stroke:#fff;stroke-width:2}"
    ".wf-axis{stroke:#999}\n"
    ".wf-legend{font-size:.9em;margin:.2em 0}.wf-legend span{margin-right:1em;white-space:nowrap}"
    ".wf-legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;"
    "vertical-align:-.1em}\n"
    "@media print{h2{break-before:page}figure,table{break-inside:avoid}}\n";

/* ---- charts ---------------------------------------------------------------- */

/*
 * Copies a PLplot SVG document into the page: from its <svg> element on, with
 * the size in pixels rather than points (the page scales it down to fit),
 * a label for screen readers, every id prefixed with `prefix` (several charts
 * share one page), and the driver's indentation dropped.
 */
static void inline_svg(struct rep_out *o, const char *svg, size_t len, const char *prefix,
                       const char *aria)
{
    const char *p = strstr(svg, "<svg"), *end = svg + len;
    if (!p)
        return;
    const char *tag_end = memchr(p, '>', (size_t)(end - p));
    if (!tag_end)
        return;
    rep_puts(o, "<svg class=\"chart\" role=\"img\" aria-label=\"");
    rep_html(o, aria);
    rep_putc(o, '"');
    /* Attributes of the opening tag, one per line in the driver's output. */
    const char *a = p + 4;
    while (a < tag_end) {
        while (a < tag_end && (*a == ' ' || *a == '\n' || *a == '\t' || *a == '\r'))
            a++;
        const char *e = a;
        while (e < tag_end && *e != '\n')
            e++;
        while (e > a && (e[-1] == ' ' || e[-1] == '\r'))
            e--;
        if (e > a) {
            size_t n = (size_t)(e - a);
            rep_putc(o, ' ');
            if ((!strncmp(a, "width=\"", 7) || !strncmp(a, "height=\"", 8)) && n > 4 &&
                !strncmp(e - 3, "pt\"", 3)) {
                rep_write(o, a, n - 3);
                rep_putc(o, '"');
            } else {
                rep_write(o, a, n);
            }
        }
        a = e;
        while (a < tag_end && *a != '\n')
            a++;
    }
    rep_puts(o, ">\n");
    bool line_start = false;
    for (const char *q = tag_end + 1; q < end; q++) {
        if (line_start && (*q == ' ' || *q == '\t'))
            continue;
        line_start = *q == '\n';
        if (*q == 'i' && end - q > 4 && !strncmp(q, "id=\"", 4)) {
            rep_puts(o, "id=\"");
            rep_puts(o, prefix);
            q += 3;
        } else if (*q == 'u' && end - q > 5 && !strncmp(q, "url(#", 5)) {
            rep_puts(o, "url(#");
            rep_puts(o, prefix);
            q += 4;
        } else if (*q == 'h' && end - q > 6 && !strncmp(q, "href=\"#", 7)) {
            rep_puts(o, "href=\"#");
            rep_puts(o, prefix);
            q += 6;
        } else {
            rep_putc(o, *q);
        }
    }
}

struct page {
    struct rep_out *o;
    char *err;
    size_t errlen;
    unsigned charts; /* for id prefixes */
};

static int figure(struct page *pg, int rc, char *svg, size_t len, const char *aria,
                  const char *caption)
{
    if (rc)
        return rc;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "c%u-", pg->charts++);
    rep_puts(pg->o, "<figure>\n");
    inline_svg(pg->o, svg, len, prefix, aria);
    free(svg);
    if (caption) {
        rep_puts(pg->o, "<figcaption>");
        rep_html(pg->o, caption);
        rep_puts(pg->o, "</figcaption>\n");
    }
    rep_puts(pg->o, "</figure>\n");
    return 0;
}

/* The CDF of thread `id` over every structure of the group. */
static int cdf_figure(struct page *pg, const struct kz_report_group *g, size_t hint,
                      const struct kz_thread_stats *t0)
{
    int rc = 0;
    size_t nl = g->nresults;
    struct chart_cdf_line *lines = calloc(nl ? nl : 1, sizeof *lines);
    double **xs = calloc(nl ? nl : 1, sizeof *xs), **fs = calloc(nl ? nl : 1, sizeof *fs);
    if (!lines || !xs || !fs) {
        rc = KZ_ENOMEM;
        goto out;
    }
    double dl_sum = 0;
    size_t dl_n = 0;
    for (size_t j = 0; j < nl; j++) {
        const kz_sim_result *r = g->results[j];
        lines[j].label = rep_structure_name(r);
        long k = rep_find_thread(r, hint, t0->id);
        if (k < 0)
            continue;
        const struct kz_thread_stats *t = kz_sim_result_thread(r, (size_t)k);
        if (isfinite(t->deadline_mean_s) && t->deadline_mean_s > 0) {
            dl_sum += t->deadline_mean_s;
            dl_n++;
        }
        size_t cap = (size_t)(t->n > 0 ? t->n : 0) + 2, got;
        for (;;) {
            double *x = realloc(xs[j], cap * sizeof *x);
            if (x)
                xs[j] = x;
            double *f = realloc(fs[j], cap * sizeof *f);
            if (f)
                fs[j] = f;
            if (!x || !f) {
                rc = KZ_ENOMEM;
                goto out;
            }
            got = kz_sim_result_cdf(r, (size_t)k, xs[j], fs[j], cap);
            if (got < cap)
                break;
            cap *= 2;
        }
        /* Thin a long CDF evenly; keep the last point (where it reaches `completed`). */
        if (got > CDF_POINTS) {
            size_t w = 0;
            for (size_t i = 0; i < CDF_POINTS; i++) {
                size_t src = i * (got - 1) / (CDF_POINTS - 1);
                xs[j][w] = xs[j][src];
                fs[j][w++] = fs[j][src];
            }
            got = w;
        }
        lines[j].x_s = xs[j];
        lines[j].frac = fs[j];
        lines[j].n = got;
    }
    double deadline = dl_n ? dl_sum / (double)dl_n : NAN;
    size_t tl = strlen(t0->name ? t0->name : t0->id) + 64;
    char *title = malloc(tl), *aria = malloc(tl + 64);
    if (!title || !aria) {
        free(title);
        free(aria);
        rc = KZ_ENOMEM;
        goto out;
    }
    snprintf(title, tl, "%s", t0->name ? t0->name : t0->id);
    snprintf(aria, tl + 64,
             "Cumulative distribution of the time of thread %s, one line per structure",
             t0->name ? t0->name : t0->id);
    char *svg;
    size_t len;
    rc = chart_cdf(title, lines, nl, deadline, &svg, &len, pg->err, pg->errlen);
    rc = figure(pg, rc, svg, len, aria,
                "Share of all replications that had finished the thread by a given time "
                "(higher and further left is faster). A line that levels off below 100% did not "
                "finish in the rest: an infeasible step or the horizon. The dashed line is the "
                "mean deadline.");
    free(title);
    free(aria);
out:
    if (rc == KZ_ENOMEM)
        snprintf(pg->err, pg->errlen, "report: out of memory");
    for (size_t j = 0; xs && fs && j < nl; j++) {
        free(xs[j]);
        free(fs[j]);
    }
    free(xs);
    free(fs);
    free(lines);
    return rc;
}

/* Deadline met, one group per thread of the first result, one bar per structure. */
static int bars_figure(struct page *pg, const struct kz_report_group *g)
{
    const kz_sim_result *r0 = g->results[0];
    size_t T = kz_sim_result_nthreads(r0), S = g->nresults;
    if (T == 0)
        return 0;
    int rc = 0;
    const char **groups = calloc(T, sizeof *groups), **series = calloc(S, sizeof *series);
    double *val = calloc(T * S, sizeof *val), *lo = calloc(T * S, sizeof *lo),
           *hi = calloc(T * S, sizeof *hi);
    if (!groups || !series || !val || !lo || !hi) {
        snprintf(pg->err, pg->errlen, "report: out of memory");
        rc = KZ_ENOMEM;
        goto out;
    }
    for (size_t s = 0; s < S; s++)
        series[s] = rep_structure_name(g->results[s]);
    for (size_t i = 0; i < T; i++) {
        const struct kz_thread_stats *t0 = kz_sim_result_thread(r0, i);
        /* The name when it fits on two lines under its bars, else the (short) id. */
        groups[i] =
            t0->name && strlen(t0->name) <= 2 * chart_bars_label_chars(T) - 2 ? t0->name : t0->id;
        for (size_t s = 0; s < S; s++) {
            long k = rep_find_thread(g->results[s], i, t0->id);
            const struct kz_thread_stats *t =
                k >= 0 ? kz_sim_result_thread(g->results[s], (size_t)k) : NULL;
            val[i * S + s] = t ? t->deadline_met : NAN;
            lo[i * S + s] = t ? t->deadline_lo : NAN;
            hi[i * S + s] = t ? t->deadline_hi : NAN;
        }
    }
    char *svg;
    size_t len;
    rc = chart_bars("Deadline met, by thread and structure",
                    "replications that met the deadline (%)", groups, T, series, S, val, lo, hi,
                    &svg, &len, pg->err, pg->errlen);
    rc = figure(pg, rc, svg, len,
                "Bar chart of the share of replications meeting each thread's "
                "deadline, one bar per structure",
                "Bars: share of replications in which the thread met its deadline; whiskers: "
                "95% Wilson interval.");
out:
    free(groups);
    free(series);
    free(val);
    free(lo);
    free(hi);
    return rc;
}

/*
 * The rows of a structure's load chart: the nodes with the highest
 * utilisation and those with the longest mean waits, alternately, up to
 * NODE_ROWS, then ordered by utilisation. Returns how many.
 */
static size_t pick_nodes(const kz_sim_result *r, size_t *pick)
{
    size_t n = kz_sim_result_nnodes(r), got = 0;
    size_t want = n < NODE_ROWS ? n : NODE_ROWS;
    while (got < want) {
        for (int by_wait = 0; by_wait < 2 && got < want; by_wait++) {
            long best = -1;
            double bv = -INFINITY;
            for (size_t i = 0; i < n; i++) {
                bool taken = false;
                for (size_t k = 0; k < got && !taken; k++)
                    taken = pick[k] == i;
                if (taken)
                    continue;
                const struct kz_node_stats *s = kz_sim_result_node(r, i);
                double v = by_wait ? s->mean_wait_s : s->utilisation;
                if (!isfinite(v))
                    v = -1;
                if (v > bv) {
                    bv = v;
                    best = (long)i;
                }
            }
            if (best >= 0)
                pick[got++] = (size_t)best;
        }
    }
    /* Insertion sort by utilisation, highest first. */
    for (size_t i = 1; i < got; i++) {
        size_t v = pick[i], k = i;
        double u = kz_sim_result_node(r, v)->utilisation;
        while (k > 0 && kz_sim_result_node(r, pick[k - 1])->utilisation < u) {
            pick[k] = pick[k - 1];
            k--;
        }
        pick[k] = v;
    }
    return got;
}

static int nodes_figure(struct page *pg, const kz_sim_result *r, double util_top, double wait_top)
{
    size_t pick[NODE_ROWS];
    size_t n = pick_nodes(r, pick);
    if (n == 0)
        return 0;
    const char *labels[NODE_ROWS];
    double util[NODE_ROWS], wait[NODE_ROWS];
    for (size_t i = 0; i < n; i++) {
        const struct kz_node_stats *s = kz_sim_result_node(r, pick[i]);
        labels[i] = s->id;
        util[i] = s->utilisation;
        wait[i] = s->mean_wait_s;
    }
    const char *name = rep_structure_name(r);
    size_t tl = strlen(name) + 96;
    char *title = malloc(tl);
    if (!title) {
        snprintf(pg->err, pg->errlen, "report: out of memory");
        return KZ_ENOMEM;
    }
    snprintf(title, tl, "%s: the busiest nodes and the longest waits", name);
    char *svg;
    size_t len;
    int rc = chart_nodes(title, labels, util, wait, n, util_top, wait_top, &svg, &len, pg->err,
                         pg->errlen);
    rc = figure(pg, rc, svg, len, title,
                n < kz_sim_result_nnodes(r)
                    ? "Nodes with the highest utilisation or the longest mean wait (the rest are "
                      "in the table below). Left: share of the node's cell time spent working; "
                      "right: mean time a job waited before a cell took it (queue, off-hours "
                      "recall, outage). Same scales for every structure of this scenario."
                    : "Left: share of the node's cell time spent working; right: mean time a job "
                      "waited before a cell took it (queue, off-hours recall, outage). Same "
                      "scales for every structure of this scenario.");
    free(title);
    return rc;
}

/* ---- the page ---------------------------------------------------------------- */

/* The overrides as "<code>PATH</code> = VALUE", joined by `sep`. */
static void overrides_html(struct rep_out *o, const struct kz_report_options *opt, const char *sep)
{
    for (size_t i = 0; opt->overrides && i < opt->noverrides; i++) {
        const char *ov = opt->overrides[i] ? opt->overrides[i] : "", *eq = strchr(ov, '=');
        size_t lp = eq ? (size_t)(eq - ov) : strlen(ov);
        char path[512];
        snprintf(path, sizeof path, "%.*s", (int)(lp < sizeof path ? lp : sizeof path - 1), ov);
        rep_puts(o, i ? sep : "");
        rep_puts(o, "<code>");
        rep_html(o, path);
        rep_puts(o, "</code>");
        if (eq) {
            rep_puts(o, " = ");
            rep_html(o, eq + 1);
        }
    }
}

static int section(struct page *pg, const struct kz_report_group *g, size_t gi)
{
    struct rep_out *o = pg->o;
    rep_puts(o, "<section id=\"");
    rep_anchor(o, gi);
    rep_puts(o, "\">\n<h2>");
    rep_html(o, rep_group_title(g));
    rep_puts(o, "</h2>\n<dl class=\"facts\">\n<dt>scenario</dt><dd><code>");
    rep_html(o, rep_group_name(g));
    rep_puts(o, "</code></dd>\n");
    if (g->nresults == 0) {
        rep_puts(o, "</dl>\n<p>No structure was run.</p>\n</section>\n");
        return 0;
    }
    struct kz_sim_totals t0;
    kz_sim_result_totals(g->results[0], &t0);
    double wall = 0;
    unsigned long long events = 0;
    for (size_t j = 0; j < g->nresults; j++) {
        struct kz_sim_totals t;
        kz_sim_result_totals(g->results[j], &t);
        wall += t.wall_s;
        events += t.events;
    }
    rep_printf(o, "<dt>replications</dt><dd>%ld per structure</dd>\n", t0.runs);
    rep_printf(o, "<dt>seed</dt><dd>%llu</dd>\n", (unsigned long long)t0.seed);
    rep_printf(o, "<dt>structures compared</dt><dd>");
    for (size_t j = 0; j < g->nresults; j++) {
        struct kz_sim_totals t;
        kz_sim_result_totals(g->results[j], &t);
        rep_puts(o, j ? "<br>\n<code>" : "<code>");
        rep_html(o, t.structure);
        rep_puts(o, "</code>");
        if (t.title && *t.title) {
            rep_puts(o, " &mdash; ");
            rep_html(o, t.title);
        }
    }
    rep_printf(o, "</dd>\n<dt>simulation</dt><dd>%llu events in ", events);
    rep_html_dur(o, wall);
    rep_puts(o, " of computing</dd>\n</dl>\n");

    size_t T = kz_sim_result_nthreads(g->results[0]);
    int rc = 0;
    for (size_t i = 0; i < T && rc == 0; i++) {
        const struct kz_thread_stats *t = kz_sim_result_thread(g->results[0], i);
        rep_puts(o, "<h3>");
        rep_html(o, t->name ? t->name : t->id);
        rep_puts(o, " <span class=\"note\">(<code>");
        rep_html(o, t->id);
        rep_puts(o, "</code>");
        if (isfinite(t->deadline_mean_s) && t->deadline_mean_s > 0) {
            rep_puts(o, ", deadline ");
            rep_html_dur(o, t->deadline_mean_s);
            rep_puts(o, " on average");
        }
        rep_puts(o, ")</span></h3>\n");
        rep_thread_table(o, g, i, t->id);
        rc = cdf_figure(pg, g, i, t);
        if (rc == 0)
            rep_waterfall_html(o, g, i);
    }
    if (rc)
        return rc;
    if (T) {
        rep_puts(o, "<h3>Deadlines met</h3>\n");
        rc = bars_figure(pg, g);
        if (rc)
            return rc;
        rep_paired_html(o, g);
    }

    /* One scale for every structure's node chart. */
    double util_top = 0, wait_top = 0;
    for (size_t j = 0; j < g->nresults; j++) {
        size_t pick[NODE_ROWS];
        size_t n = pick_nodes(g->results[j], pick);
        for (size_t i = 0; i < n; i++) {
            const struct kz_node_stats *s = kz_sim_result_node(g->results[j], pick[i]);
            if (isfinite(s->utilisation))
                util_top = fmax(util_top, s->utilisation);
            if (isfinite(s->mean_wait_s))
                wait_top = fmax(wait_top, s->mean_wait_s);
        }
    }
    rep_puts(o, "<h3>Where the work piles up</h3>\n");
    for (size_t j = 0; j < g->nresults && rc == 0; j++) {
        rc = nodes_figure(pg, g->results[j], util_top, wait_top);
        if (rc == 0)
            rep_node_table(o, g->results[j]);
    }
    rep_puts(o, "</section>\n");
    return rc;
}

int rep_html_doc(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups,
                 const struct kz_report_options *opt, char *err, size_t errlen)
{
    struct page pg = {.o = o, .err = err, .errlen = errlen, .charts = 0};
    rep_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>kizuna report: ");
    for (size_t gi = 0; gi < ngroups; gi++) {
        if (gi)
            rep_puts(o, ", ");
        rep_html(o, rep_group_name(&groups[gi]));
    }
    rep_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
    rep_puts(o, "<h1>Crisis decision threads: simulation report</h1>\n<p class=\"sub\">");
    if (ngroups == 1) {
        rep_html(o, rep_group_title(&groups[0]));
        rep_printf(o, " &mdash; %zu structure%s compared", groups[0].nresults,
                   groups[0].nresults == 1 ? "" : "s");
    } else {
        rep_printf(o, "%zu scenarios, each over every structure", ngroups);
    }
    rep_puts(o, "</p>\n");
    if (opt && opt->noverrides) {
        /* the first thing a reader must know: these are not the files' values */
        rep_puts(o, "<p class=\"whatif\"><b>What if:</b> ");
        overrides_html(o, opt, ", ");
        rep_puts(o, " (set on the command line; every other value as in the files)</p>\n");
    }
    rep_puts(o,
             "<p class=\"note\">Each replication runs the scenario once with its own "
             "random draws. For each measured thread: <b>p50 / p90 / p99</b> are the times by "
             "which 50, 90 and 99% of the replications had finished it (<i>not reached</i>: more "
             "than that share never finished, because a step was infeasible or the horizon "
             "came first); <b>mean</b> is over the replications that finished, with the "
             "half-width of its 95% confidence interval; <b>deadline met</b> counts the "
             "replications that finished within their deadline, with a 95% interval; "
             "<b>critical path at</b> names the node with the most time on the thread's "
             "critical path (the chain of work, waits and travel that ended each step), the "
             "largest cause of that time there, and that time per completed run. The "
             "<b>waterfall</b> lays the thread's steps end to end, split by cause. Every "
             "structure runs the same replications (common random numbers), so structures are "
             "compared pair by pair: a structure is marked best only when it beats every other "
             "significantly.</p>\n");
    int rc = 0;
    if (ngroups > 1) {
        rc = rep_summary_html(o, groups, ngroups, err, errlen);
        rep_puts(o, "<p>Scenarios: ");
        for (size_t gi = 0; gi < ngroups; gi++) {
            rep_puts(o, gi ? ", <a href=\"#" : "<a href=\"#");
            rep_anchor(o, gi);
            rep_puts(o, "\">");
            rep_html(o, rep_group_title(&groups[gi]));
            rep_puts(o, "</a>");
        }
        rep_puts(o, ".</p>\n");
    }
    for (size_t gi = 0; gi < ngroups && rc == 0 && !o->failed; gi++)
        rc = section(&pg, &groups[gi], gi);
    /* The validation strip (issue 11 item 9, report_validation.c): the cases beside the model. */
    if (rc == 0 && opt && opt->validation && opt->nvalidation)
        rep_validation_html(o, opt->validation, opt->nvalidation); /* its own <h2> and id */
    rep_printf(o, "<p class=\"note\">Made by kizuna %s. Charts drawn with PLplot.</p>\n",
               KZ_VERSION_STRING);
    rep_puts(o, "</body>\n</html>\n");
    return rc;
}
