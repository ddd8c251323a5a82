/* report_json.c - the `kizuna sim --json` document (shared/design.md) for one scenario over its
 * structures. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kizuna/error.h"
#include "report_impl.h"

void rep_fmt_num(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "null");
        return;
    }
    snprintf(buf, n, "%.9g", v);
    /* %g never groups digits, so a comma can only be a locale's decimal point. */
    for (char *p = buf; *p; p++)
        if (*p == ',')
            *p = '.';
}

void rep_num(struct rep_out *o, double v)
{
    char buf[40];
    rep_fmt_num(v, buf, sizeof buf);
    rep_puts(o, buf);
}

void rep_json_str(struct rep_out *o, const char *s)
{
    if (!s) {
        rep_puts(o, "null");
        return;
    }
    rep_putc(o, '"');
    const char *run = s; /* start of the bytes not yet written */
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c != '"' && c != '\\' && c >= 0x20)
            continue;
        rep_write(o, run, (size_t)(p - run));
        if (c == '"' || c == '\\') {
            rep_putc(o, '\\');
            rep_putc(o, (char)c);
        } else {
            rep_printf(o, "\\u%04x", c);
        }
        run = p + 1;
    }
    rep_puts(o, run);
    rep_putc(o, '"');
}

const char *rep_group_name(const struct kz_report_group *g)
{
    const char *name = g->scenario ? kz_scenario_name(g->scenario) : NULL;
    if (!name && g->nresults) {
        struct kz_sim_totals t;
        kz_sim_result_totals(g->results[0], &t);
        name = t.scenario;
    }
    return name ? name : "scenario";
}

const char *rep_group_title(const struct kz_report_group *g)
{
    const char *title = g->scenario ? kz_scenario_title(g->scenario) : NULL;
    return title && *title ? title : rep_group_name(g);
}

/* "key": number, */
static void num_field(struct rep_out *o, const char *key, double v, bool last)
{
    rep_printf(o, "\"%s\": ", key);
    rep_num(o, v);
    if (!last)
        rep_puts(o, ", ");
}

static void str_field(struct rep_out *o, const char *key, const char *s, bool last)
{
    rep_printf(o, "\"%s\": ", key);
    rep_json_str(o, s);
    if (!last)
        rep_puts(o, ", ");
}

static void thread_obj(struct rep_out *o, const struct kz_thread_stats *t)
{
    rep_putc(o, '{');
    str_field(o, "name", t->id, false);
    str_field(o, "title", t->name, false);
    num_field(o, "p50_s", t->p50_s, false);
    num_field(o, "p90_s", t->p90_s, false);
    num_field(o, "p99_s", t->p99_s, false);
    num_field(o, "mean_s", t->mean_s, false);
    num_field(o, "mean_ci_s", t->mean_ci_s, false);
    num_field(o, "deadline_met", t->deadline_met, false);
    num_field(o, "deadline_lo", t->deadline_lo, false);
    num_field(o, "deadline_hi", t->deadline_hi, false);
    num_field(o, "deadline_mean_s", t->deadline_mean_s, false);
    num_field(o, "completed", t->completed, false);
    num_field(o, "infeasible", t->infeasible, false);
    str_field(o, "infeasible_why", t->infeasible_why, false);
    str_field(o, "wait_node", t->wait_node >= 0 ? t->wait_node_id : NULL, false);
    num_field(o, "wait_node_s", t->wait_node >= 0 ? t->wait_node_s : NAN, false);
    str_field(o, "wait_kind", t->wait_node >= 0 ? t->wait_kind : NULL, true);
    rep_putc(o, '}');
}

static void node_obj(struct rep_out *o, const struct kz_node_stats *n)
{
    rep_putc(o, '{');
    str_field(o, "id", n->id, false);
    str_field(o, "name", n->name, false);
    num_field(o, "utilisation", n->utilisation, false);
    num_field(o, "mean_wait_s", n->mean_wait_s, false);
    num_field(o, "wait_s", n->wait_s, false);
    num_field(o, "jobs", n->jobs, true);
    rep_putc(o, '}');
}

/* A line break followed by `ind` spaces. */
static void nl(struct rep_out *o, int ind)
{
    rep_printf(o, "\n%*s", ind, "");
}

/* One structure's object; lines after the first start with `ind` spaces. */
static void structure_obj(struct rep_out *o, const kz_sim_result *r, int ind)
{
    struct kz_sim_totals t;
    kz_sim_result_totals(r, &t);
    rep_puts(o, "{");
    str_field(o, "name", t.structure, false);
    str_field(o, "title", t.title, false);
    rep_printf(o, "\"runs\": %ld, \"seed\": %" PRIu64 ", \"events\": %" PRIu64 ", ", t.runs, t.seed,
               t.events);
    num_field(o, "wall_s", t.wall_s, false);
    rep_printf(o, "\"threads_used\": %d,", t.threads_used);
    nl(o, ind + 1);
    rep_puts(o, "\"threads\": [");
    size_t nt = kz_sim_result_nthreads(r);
    for (size_t i = 0; i < nt; i++) {
        if (i)
            rep_putc(o, ',');
        nl(o, ind + 2);
        thread_obj(o, kz_sim_result_thread(r, i));
    }
    rep_puts(o, "],");
    nl(o, ind + 1);
    rep_puts(o, "\"nodes\": [");
    size_t nn = kz_sim_result_nnodes(r);
    for (size_t i = 0; i < nn; i++) {
        if (i)
            rep_putc(o, ',');
        nl(o, ind + 2);
        node_obj(o, kz_sim_result_node(r, i));
    }
    rep_puts(o, "]}");
}

void rep_json_doc(struct rep_out *o, const struct kz_report_group *g, int ind)
{
    long runs = g->scenario ? kz_scenario_runs(g->scenario) : 0;
    uint64_t seed = g->scenario ? kz_scenario_seed(g->scenario) : 0, events = 0;
    double wall = 0;
    for (size_t i = 0; i < g->nresults; i++) {
        struct kz_sim_totals t;
        kz_sim_result_totals(g->results[i], &t);
        if (i == 0) {
            runs = t.runs;
            seed = t.seed;
        }
        events += t.events;
        wall += t.wall_s;
    }
    rep_puts(o, "{");
    str_field(o, "scenario", rep_group_name(g), false);
    str_field(o, "title", rep_group_title(g), true);
    rep_putc(o, ',');
    nl(o, ind + 1);
    rep_printf(o, "\"runs\": %ld, \"seed\": %" PRIu64 ", \"events\": %" PRIu64 ", ", runs, seed,
               events);
    num_field(o, "wall_s", wall, true);
    rep_putc(o, ',');
    nl(o, ind + 1);
    rep_puts(o, "\"structures\": [");
    for (size_t i = 0; i < g->nresults; i++) {
        if (i)
            rep_putc(o, ',');
        nl(o, ind + 2);
        structure_obj(o, g->results[i], ind + 2);
    }
    rep_puts(o, "]}");
}

int kz_report_json(FILE *out, const struct kz_report_group *g)
{
    if (!out || !g || (g->nresults && !g->results))
        return KZ_EINVAL;
    struct rep_out o = {.f = out};
    rep_json_doc(&o, g, 0);
    rep_putc(&o, '\n');
    if (!o.failed && fflush(out) == EOF) {
        o.failed = true;
        o.err_no = errno;
    }
    if (o.failed) {
        errno = o.err_no;
        return KZ_EIO;
    }
    return 0;
}
