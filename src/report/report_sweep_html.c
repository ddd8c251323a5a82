/* report_sweep_html.c - a sweep's report.html: the study's header, then per structure and thread
 * the sampling and the assumption interval side by side, the tornado and the PRCC table. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/kizuna.h"
#include "kizuna/util.h"
#include "report_sweep.h"

/* Factors in a tornado and in the table under it; the rest are in a <details>. */
#define TOP_FACTORS 12

static const char css[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "color:#222;margin:0 auto;max-width:1100px;padding:0 1.2em 3em}\n"
    "h1{font-size:1.7em;margin:1em 0 .2em}h2{font-size:1.35em;margin:2.2em 0 .4em;"
    "border-bottom:2px solid #0072b2;padding-bottom:.2em}h3{font-size:1.1em;margin:1.8em 0 .3em}\n"
    ".sub{color:#555;margin:.1em 0 1em}.note{color:#555;font-size:.92em}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.93em}\n"
    "th,td{border:1px solid #d5d5d5;padding:.3em .6em;text-align:left;vertical-align:top}\n"
    "th{background:#f2f4f7}td.n{text-align:right;white-space:nowrap}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.4em 0}\n"
    "dl.facts dt{color:#555}dl.facts dd{margin:0}\n"
    "figure{margin:.6em 0 1.4em}figcaption{color:#555;font-size:.9em;margin-top:.2em}\n"
    "figure svg{max-width:100%;height:auto;display:block}\n"
    "details{margin:.4em 0 1em}summary{cursor:pointer;color:#0b5394}code{font-size:.95em}\n"
    "@media print{h2{break-before:page}figure,table{break-inside:avoid}}\n";

struct page {
    struct rep_out *o;
    const struct kz_sweep_study *st;
    char *err;
    size_t errlen;
};

/* A PLplot SVG document (taken and freed) in a <figure>: from its <svg> element on, which
 * an HTML page takes as it is (the driver writes no ids to clash, chart.c), less the
 * driver's indentation (a third of its bytes). */
static int figure(struct page *pg, int rc, char *svg, size_t len, const char *aria,
                  const char *caption)
{
    if (rc)
        return rc;
    struct rep_out *o = pg->o;
    const char *p = strstr(svg, "<svg");
    if (p) {
        rep_puts(o, "<figure>\n<svg role=\"img\" aria-label=\"");
        rep_html(o, aria);
        rep_putc(o, '"');
        const char *end = svg + len, *q = p + 4;
        while (q < end) {
            const char *eol = memchr(q, '\n', (size_t)(end - q));
            const char *stop = eol ? eol + 1 : end;
            while (q < stop && (*q == ' ' || *q == '\t'))
                q++;
            rep_write(o, q, (size_t)(stop - q));
            q = stop;
        }
        rep_puts(o, "<figcaption>");
        rep_html(o, caption);
        rep_puts(o, "</figcaption>\n</figure>\n");
    }
    free(svg);
    return 0;
}

/* "lo - hi" of two durations or two shares; an em dash when either is missing. */
static void interval(struct rep_out *o, double lo, double hi, bool dur)
{
    if (isnan(lo) || isnan(hi)) {
        rep_puts(o, "\xe2\x80\x94");
        return;
    }
    if (dur)
        rep_html_dur(o, lo);
    else
        rep_html_pct(o, lo);
    rep_puts(o, " &ndash; ");
    if (dur)
        rep_html_dur(o, hi);
    else
        rep_html_pct(o, hi);
}

static void prcc(struct rep_out *o, double v)
{
    if (isfinite(v))
        rep_printf(o, "%+.2f", v);
    else
        rep_puts(o, "\xe2\x80\x94");
}

/* ---- the header -------------------------------------------------------------------------- */

static void header(struct rep_out *o, const struct kz_sweep_study *st)
{
    rep_puts(o, "<dl class=\"facts\">\n<dt>scenario</dt><dd><code>");
    rep_html(o, rep_sweep_scenario(st));
    rep_puts(o, "</code> &mdash; ");
    rep_html(o, rep_sweep_title(st));
    rep_puts(o, "</dd>\n<dt>structures</dt><dd>");
    for (size_t i = 0; i < st->nentries; i++) {
        rep_puts(o, i ? ", <a href=\"#structure-" : "<a href=\"#structure-");
        rep_printf(o, "%zu\"><code>", i + 1);
        rep_html(o, st->entries[i].structure);
        rep_puts(o, "</code></a>");
    }
    rep_puts(o, "</dd>\n<dt>settings</dt><dd>");
    bool lhs = st->methods & KZ_SWEEP_LHS, oat = st->methods & KZ_SWEEP_OAT;
    if (lhs)
        rep_printf(o, "%ld Latin-hypercube settings", st->samples);
    if (lhs && oat)
        rep_puts(o, ", ");
    if (oat)
        rep_puts(o, "each factor at its low and its high end (one at a time)");
    rep_printf(o, ", and the nominal; %ld replications each</dd>\n", st->runs);
    rep_printf(o,
               "<dt>seed</dt><dd>%llu, the same for every setting (common random numbers)"
               "</dd>\n",
               (unsigned long long)st->seed);
    rep_puts(o, "<dt>factors</dt><dd>");
    if (st->only) {
        rep_puts(o, "those matching <code>");
        rep_html(o, st->only);
        rep_puts(o, "</code>");
    } else {
        rep_puts(o, "every assumption with a numeric range");
    }
    rep_puts(o, "</dd>\n<dt>overrides (<code>--set</code>)</dt><dd>");
    for (size_t i = 0; i < st->noverrides; i++) {
        rep_puts(o, i ? "<br>\n<code>" : "<code>");
        rep_html(o, st->overrides[i]);
        rep_puts(o, "</code>");
    }
    if (st->noverrides == 0)
        rep_puts(o, "none");
    rep_puts(o, "</dd>\n<dt>not swept</dt><dd>");
    for (size_t i = 0; i < st->nentries; i++) {
        size_t q = kz_levers_nqualitative(st->entries[i].levers);
        if (i)
            rep_puts(o, "; ");
        rep_printf(o, "%zu qualitative assumption%s in <code>", q, q == 1 ? "" : "s");
        rep_html(o, st->entries[i].structure);
        rep_puts(o, "</code>");
    }
    rep_puts(o, " (alternatives described in words: no number to sample; their effect is not "
                "in these intervals)</dd>\n</dl>\n");
}

/* ---- one thread ---------------------------------------------------------------------------- */

static void intervals_table(struct rep_out *o, const struct kz_sweep_thread *th)
{
    rep_puts(o, "<table>\n<tr><th></th><th>nominal</th><th>sampling interval (95%, the "
                "replications)</th><th>assumption interval (5th&ndash;95th percentile over the "
                "settings)</th></tr>\n<tr><th>p50</th><td class=\"n\">");
    rep_html_dur(o, th->p50_s);
    rep_puts(o, "</td><td class=\"n\">");
    interval(o, th->p50_lo_s, th->p50_hi_s, true);
    rep_puts(o, "</td><td class=\"n\">");
    interval(o, th->asm_p50_p05_s, th->asm_p50_p95_s, true);
    rep_puts(o, "</td></tr>\n<tr><th>deadline met</th><td class=\"n\">");
    rep_html_pct(o, th->met);
    rep_puts(o, "</td><td class=\"n\">");
    interval(o, th->met_lo, th->met_hi, false);
    rep_puts(o, "</td><td class=\"n\">");
    interval(o, th->asm_met_p05, th->asm_met_p95, false);
    rep_puts(o, "</td></tr>\n</table>\n");
}

/* Rows [from, to) of the effects table. */
static void effects_rows(struct rep_out *o, const struct kz_sweep_study *st,
                         const struct kz_sweep_entry *e, size_t t, size_t from, size_t to)
{
    rep_puts(o, "<table>\n<tr><th>#</th><th>factor</th><th>range written at</th><th>low "
                "&rarr; high</th><th>p50 at low</th><th>p50 at high</th><th>met at low</th>"
                "<th>met at high</th><th>p50 swing</th><th>PRCC p50</th><th>PRCC met</th>"
                "</tr>\n");
    for (size_t r = from; r < to; r++) {
        const struct kz_sweep_effect *x = kz_sweep_effect(e->sweep, t, r);
        const struct kz_factor *f = x ? kz_levers_factor(e->levers, x->factor) : NULL;
        if (!f)
            continue;
        double lo = NAN, hi = NAN;
        size_t k = rep_sweep_index(e->sweep, x->factor);
        if (k < kz_sweep_nfactors(e->sweep))
            rep_sweep_ends(e, st->methods, k, &lo, &hi);
        char a[48], b[48];
        rep_sweep_value(f, lo, a, sizeof a);
        rep_sweep_value(f, hi, b, sizeof b);
        rep_printf(o, "<tr><td class=\"n\">%zu</td><td><code>", r + 1);
        rep_html(o, f->name);
        rep_puts(o, "</code>");
        if (f->uses > 1)
            rep_printf(o, " <span class=\"note\">(moves %zu)</span>", f->uses);
        rep_puts(o, "</td><td><code>");
        rep_html(o, f->file);
        rep_printf(o, ":%d:%d</code></td><td class=\"n\">", f->line, f->col);
        rep_html(o, a);
        rep_puts(o, " &rarr; ");
        rep_html(o, b);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_dur(o, x->p50_lo_s);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_dur(o, x->p50_hi_s);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_pct(o, x->met_lo);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_pct(o, x->met_hi);
        rep_puts(o, "</td><td class=\"n\">");
        rep_html_dur(o, x->swing_p50_s);
        rep_puts(o, "</td><td class=\"n\">");
        prcc(o, x->prcc_p50);
        rep_puts(o, "</td><td class=\"n\">");
        prcc(o, x->prcc_met);
        rep_puts(o, "</td></tr>\n");
    }
    rep_puts(o, "</table>\n");
}

/* A title "WHAT STRUCTURE / THREAD" for a chart, malloc'd; NULL when out of memory. */
static char *chart_title(const char *structure, const struct kz_sweep_thread *th, const char *what)
{
    /* The thread's id, not its name: a title must fit on one line (the name heads the
     * section). */
    size_t n = strlen(structure) + strlen(th->id) + strlen(what) + 8;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%s%s / %s", what, structure, th->id);
    return t;
}

static int spans_figure(struct page *pg, const struct kz_sweep_entry *e,
                        const struct kz_sweep_thread *th)
{
    struct chart_span p50 = {th->p50_s, th->p50_lo_s, th->p50_hi_s, th->asm_p50_p05_s,
                             th->asm_p50_p95_s};
    struct chart_span met = {th->met, th->met_lo, th->met_hi, th->asm_met_p05, th->asm_met_p95};
    char *title = chart_title(e->structure, th, "Sampling beside assumptions: ");
    if (!title)
        return KZ_ENOMEM;
    char *svg = NULL;
    size_t len = 0;
    int rc = chart_spans(title, &p50, &met, &svg, &len, pg->err, pg->errlen);
    rc = figure(pg, rc, svg, len,
                "The sampling interval and the assumption interval of the p50 "
                "and of the share meeting the deadline",
                "Blue: the 95% interval of the replications at the nominal setting (how sure the "
                "Monte Carlo is); orange: the 5th to 95th percentile over the Latin-hypercube "
                "settings (how far the declared ranges of the assumptions move the answer). The "
                "black mark is the nominal value.");
    free(title);
    return rc;
}

static int tornado_figure(struct page *pg, const struct kz_sweep_entry *e, size_t t,
                          const struct kz_sweep_thread *th)
{
    size_t nf = kz_sweep_nfactors(e->sweep), n = nf < TOP_FACTORS ? nf : TOP_FACTORS;
    struct chart_tornado_row rows[TOP_FACTORS];
    for (size_t r = 0; r < n; r++) {
        const struct kz_sweep_effect *x = kz_sweep_effect(e->sweep, t, r);
        const struct kz_factor *f = x ? kz_levers_factor(e->levers, x->factor) : NULL;
        rows[r].label = f ? f->name : "?";
        rows[r].lo_s = x ? x->p50_lo_s : NAN;
        rows[r].hi_s = x ? x->p50_hi_s : NAN;
    }
    char *title = chart_title(e->structure, th, "What moves the p50 most: ");
    if (!title)
        return KZ_ENOMEM;
    char *svg = NULL;
    size_t len = 0;
    int rc = chart_tornado(title, th->p50_s, rows, n, &svg, &len, pg->err, pg->errlen);
    rc = figure(pg, rc, svg, len, title,
                "Each bar: the thread's p50 with one factor at the low (blue) or the high "
                "(vermillion) end of its declared range and every other at its nominal value; "
                "the dashed line is the nominal p50. Largest swing first.");
    free(title);
    return rc;
}

static int thread_section(struct page *pg, const struct kz_sweep_entry *e, size_t t)
{
    struct rep_out *o = pg->o;
    const struct kz_sweep_thread *th = kz_sweep_thread(e->sweep, t);
    if (!th)
        return 0;
    rep_puts(o, "<h3>");
    rep_html(o, th->name ? th->name : th->id);
    rep_puts(o, " <span class=\"note\">(<code>");
    rep_html(o, th->id);
    rep_puts(o, "</code>)</span></h3>\n");
    intervals_table(o, th);
    int rc = spans_figure(pg, e, th);
    size_t nf = kz_sweep_nfactors(e->sweep), top = nf < TOP_FACTORS ? nf : TOP_FACTORS;
    bool oat = pg->st->methods & KZ_SWEEP_OAT;
    if (rc == 0 && nf == 0)
        rep_puts(o, "<p class=\"note\">No factor swept: no tornado.</p>\n");
    else if (rc == 0 && !oat)
        rep_puts(o, "<p class=\"note\">No one-at-a-time runs (<code>--method lhs</code>): no "
                    "tornado; the factors below are ranked by the sweep.</p>\n");
    else if (rc == 0 && !isfinite(th->p50_s))
        rep_puts(o, "<p class=\"note\">The nominal p50 was not reached: no tornado around "
                    "it.</p>\n");
    else if (rc == 0)
        rc = tornado_figure(pg, e, t, th);
    if (rc || nf == 0)
        return rc;
    effects_rows(o, pg->st, e, t, 0, top);
    rep_puts(o, "<p class=\"note\">One-at-a-time: blind to interactions. Each swing moves one "
                "factor with the others at their nominal values, so two assumptions that only "
                "matter together show small swings. The PRCC (partial rank correlation "
                "coefficient, from &minus;1 to +1) is computed over the Latin-hypercube "
                "settings, where every factor moves at once: it measures how strongly the "
                "answer rises (+) or falls (&minus;) with a factor once the others are "
                "accounted for.");
    if (!kz_sweep_thread(e->sweep, t)->prcc_ok)
        rep_puts(o, " Not computed here: it needs the Latin hypercube and more settings than "
                    "factors + 1.");
    rep_puts(o, "</p>\n");
    if (nf > top) {
        rep_printf(o, "<details><summary>The other %zu factors</summary>\n", nf - top);
        effects_rows(o, pg->st, e, t, top, nf);
        rep_puts(o, "</details>\n");
    }
    return 0;
}

int rep_sweep_html(struct rep_out *o, const struct kz_sweep_study *st, char *err, size_t errlen)
{
    struct page pg = {.o = o, .st = st, .err = err, .errlen = errlen};
    rep_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<title>kizuna sweep: ");
    rep_html(o, rep_sweep_scenario(st));
    rep_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
    rep_puts(o, "<h1>How sure: the decision threads under their assumptions</h1>\n"
                "<p class=\"sub\">");
    rep_html(o, rep_sweep_title(st));
    rep_printf(o,
               " &mdash; %zu structure%s, each over the declared ranges of its "
               "assumptions</p>\n",
               st->nentries, st->nentries == 1 ? "" : "s");
    rep_puts(o, "<p class=\"note\">Every guessed number in the structure and the scenario "
                "carries a declared range. Two intervals answer two questions: the "
                "<b>sampling interval</b> says how sure the replications are of the answer "
                "with the assumptions as written; the <b>assumption interval</b> says how far "
                "the answer moves when the assumptions take any values in their ranges (Latin "
                "hypercube). The <b>tornado</b> names the assumptions that move each answer "
                "most, one at a time.</p>\n");
    header(o, st);
    int rc = 0;
    for (size_t i = 0; i < st->nentries && rc == 0 && !o->failed; i++) {
        const struct kz_sweep_entry *e = &st->entries[i];
        rep_printf(o, "<section id=\"structure-%zu\">\n<h2><code>", i + 1);
        rep_html(o, e->structure);
        size_t nf = kz_sweep_nfactors(e->sweep);
        rep_printf(o, "</code></h2>\n<p>%zu factor%s swept.</p>\n", nf, nf == 1 ? "" : "s");
        for (size_t t = 0; t < kz_sweep_nthreads(e->sweep) && rc == 0; t++)
            rc = thread_section(&pg, e, t);
        rep_puts(o, "</section>\n");
    }
    if (rc == KZ_ENOMEM)
        kz_set_err(err, errlen, "sweep report: out of memory");
    rep_printf(o, "<p class=\"note\">Made by kizuna %s. Charts drawn with PLplot.</p>\n",
               KZ_VERSION_STRING);
    rep_puts(o, "</body>\n</html>\n");
    return rc;
}
