/* report_json.c - the `kizuna sim --json` document (docs/json.md) for one scenario over its
 * structures, built with jansson. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "report_impl.h"
#include "kizuna/json.h"

/* Significant digits of a JSON number: what the writer always printed ("%.9g"). */
#define JSON_DIGITS 9

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

static json_t *count(uint64_t v)
{
    return v <= INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

static json_t *thread_obj(const struct kz_thread_stats *t)
{
    json_t *o = json_object();
    bool w = t->wait_node >= 0;
    if (o && kz_json_put(o, "name", kz_json_str(t->id)) && kz_json_put(o, "title", kz_json_str(t->name)) &&
        kz_json_put(o, "p50_s", kz_json_num(t->p50_s)) && kz_json_put(o, "p90_s", kz_json_num(t->p90_s)) &&
        kz_json_put(o, "p99_s", kz_json_num(t->p99_s)) && kz_json_put(o, "mean_s", kz_json_num(t->mean_s)) &&
        kz_json_put(o, "mean_ci_s", kz_json_num(t->mean_ci_s)) &&
        kz_json_put(o, "deadline_met", kz_json_num(t->deadline_met)) &&
        kz_json_put(o, "deadline_lo", kz_json_num(t->deadline_lo)) &&
        kz_json_put(o, "deadline_hi", kz_json_num(t->deadline_hi)) &&
        kz_json_put(o, "deadline_mean_s", kz_json_num(t->deadline_mean_s)) &&
        kz_json_put(o, "completed", kz_json_num(t->completed)) &&
        kz_json_put(o, "infeasible", kz_json_num(t->infeasible)) &&
        kz_json_put(o, "infeasible_why", kz_json_str(t->infeasible_why)) &&
        kz_json_put(o, "wait_node", kz_json_str(w ? t->wait_node_id : NULL)) &&
        kz_json_put(o, "wait_node_s", kz_json_num(w ? t->wait_node_s : NAN)) &&
        kz_json_put(o, "wait_kind", kz_json_str(w ? t->wait_kind : NULL)))
        return o;
    json_decref(o);
    return NULL;
}

static json_t *node_obj(const struct kz_node_stats *n)
{
    json_t *o = json_object();
    if (o && kz_json_put(o, "id", kz_json_str(n->id)) && kz_json_put(o, "name", kz_json_str(n->name)) &&
        kz_json_put(o, "utilisation", kz_json_num(n->utilisation)) &&
        kz_json_put(o, "mean_wait_s", kz_json_num(n->mean_wait_s)) &&
        kz_json_put(o, "wait_s", kz_json_num(n->wait_s)) && kz_json_put(o, "jobs", kz_json_num(n->jobs)))
        return o;
    json_decref(o);
    return NULL;
}

/* Appends v (its reference taken) to array a; false when v is NULL or out of memory. */
static bool push(json_t *a, json_t *v)
{
    return v && json_array_append_new(a, v) == 0;
}

static json_t *structure_obj(const kz_sim_result *r)
{
    struct kz_sim_totals t;
    kz_sim_result_totals(r, &t);
    json_t *o = json_object(), *th = json_array(), *nd = json_array();
    bool ok = o && th && nd && kz_json_put(o, "name", kz_json_str(t.structure)) && kz_json_put(o, "title", kz_json_str(t.title)) &&
              kz_json_put(o, "runs", json_integer(t.runs)) && kz_json_put(o, "seed", count(t.seed)) &&
              kz_json_put(o, "events", count(t.events)) && kz_json_put(o, "wall_s", kz_json_num(t.wall_s)) &&
              kz_json_put(o, "threads_used", json_integer(t.threads_used));
    for (size_t i = 0; ok && i < kz_sim_result_nthreads(r); i++)
        ok = push(th, thread_obj(kz_sim_result_thread(r, i)));
    for (size_t i = 0; ok && i < kz_sim_result_nnodes(r); i++)
        ok = push(nd, node_obj(kz_sim_result_node(r, i)));
    if (ok && json_object_set(o, "threads", th) == 0 && json_object_set(o, "nodes", nd) == 0) {
        json_decref(th);
        json_decref(nd);
        return o;
    }
    json_decref(th);
    json_decref(nd);
    json_decref(o);
    return NULL;
}

json_t *rep_json_group(const struct kz_report_group *g)
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
    json_t *o = json_object(), *st = json_array();
    bool ok = o && st && kz_json_put(o, "scenario", kz_json_str(rep_group_name(g))) &&
              kz_json_put(o, "title", kz_json_str(rep_group_title(g))) && kz_json_put(o, "runs", json_integer(runs)) &&
              kz_json_put(o, "seed", count(seed)) && kz_json_put(o, "events", count(events)) &&
              kz_json_put(o, "wall_s", kz_json_num(wall));
    for (size_t i = 0; ok && i < g->nresults; i++)
        ok = push(st, structure_obj(g->results[i]));
    if (ok && json_object_set(o, "structures", st) == 0) {
        json_decref(st);
        return o;
    }
    json_decref(st);
    json_decref(o);
    return NULL;
}

json_t *rep_json_groups(const struct kz_report_group *groups, size_t ngroups)
{
    json_t *o = json_object(), *a = json_array();
    bool ok = o && a;
    for (size_t i = 0; ok && i < ngroups; i++)
        ok = push(a, rep_json_group(&groups[i]));
    if (ok && json_object_set(o, "scenarios", a) == 0) {
        json_decref(a);
        return o;
    }
    json_decref(a);
    json_decref(o);
    return NULL;
}

int rep_json_emit(struct rep_out *o, json_t *doc)
{
    if (!doc)
        return KZ_ENOMEM;
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(JSON_DIGITS));
    json_decref(doc);
    if (!text)
        return KZ_ENOMEM;
    rep_puts(o, text);
    rep_putc(o, '\n');
    free(text);
    return KZ_OK;
}

/* Writes doc (its reference taken) to out; 0, KZ_ENOMEM or KZ_EIO (errno tells why). */
static int emit_file(FILE *out, json_t *doc)
{
    struct rep_out o = {.f = out};
    int rc = rep_json_emit(&o, doc);
    if (rc)
        return rc;
    if (!o.failed && fflush(out) == EOF) {
        o.failed = true;
        o.err_no = errno;
    }
    if (o.failed) {
        errno = o.err_no;
        return KZ_EIO;
    }
    return KZ_OK;
}

int kz_report_json(FILE *out, const struct kz_report_group *g)
{
    if (!out || !g || (g->nresults && !g->results))
        return KZ_EINVAL;
    return emit_file(out, rep_json_group(g));
}

int kz_report_json_all(FILE *out, const struct kz_report_group *groups, size_t ngroups)
{
    if (!out || (ngroups && !groups))
        return KZ_EINVAL;
    for (size_t i = 0; i < ngroups; i++)
        if (groups[i].nresults && !groups[i].results)
            return KZ_EINVAL;
    return emit_file(out, rep_json_groups(groups, ngroups));
}
