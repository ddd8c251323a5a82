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

/* {cause: seconds}, every cause in enum kz_cause order; a key is the cause's name in snake_case
 * (docs/json.md: "off-hours" is "off_hours"). */
static json_t *causes_obj(const double *cause_s)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    for (int c = 0; ok && c < KZ_CAUSE_COUNT; c++) {
        char key[32];
        snprintf(key, sizeof key, "%s", kz_cause_names[c]);
        for (char *q = key; *q; q++)
            if (*q == '-')
                *q = '_';
        kz_json_set(o, key, kz_json_num(cause_s[c]), &ok);
    }
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *step_obj(const struct kz_step_stats *st, size_t k)
{
    json_t *o = json_object();
    bool ok = o != NULL;
    kz_json_set(o, "index", json_integer((json_int_t)k), &ok);
    kz_json_set(o, "id", kz_json_str(st->id), &ok);
    kz_json_set(o, "kind", kz_json_str(st->kind), &ok);
    kz_json_set(o, "mean_s", kz_json_num(st->mean_s), &ok);
    kz_json_set(o, "cause_s", causes_obj(st->cause_s), &ok);
    kz_json_set(o, "node", kz_json_str(st->node >= 0 ? st->node_id : NULL), &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

/* The critical path of thread i of r: cp_*, cause_s and the per-step statistics, onto o. */
static bool thread_path(json_t *o, const kz_sim_result *r, size_t i,
                        const struct kz_thread_stats *t)
{
    bool ok = true, cp = t->cp_node >= 0 && t->cp_node_id;
    kz_json_set(o, "cp_node", kz_json_str(cp ? t->cp_node_id : NULL), &ok);
    kz_json_set(o, "cp_node_s", kz_json_num(cp ? t->cp_node_s : NAN), &ok);
    kz_json_set(o, "cp_cause", kz_json_str(cp ? t->cp_cause : NULL), &ok);
    kz_json_set(o, "cause_s", causes_obj(t->cause_s), &ok);
    json_t *steps = json_array();
    for (size_t k = 0; ok && steps && k < kz_sim_result_nsteps(r, i); k++) {
        const struct kz_step_stats *st = kz_sim_result_step(r, i, k);
        ok = st && kz_json_push(steps, step_obj(st, k));
    }
    kz_json_set(o, "steps", steps, &ok);
    return ok;
}

static json_t *thread_obj(const kz_sim_result *r, size_t i)
{
    const struct kz_thread_stats *t = kz_sim_result_thread(r, i);
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
        kz_json_put(o, "wait_kind", kz_json_str(w ? t->wait_kind : NULL)) && thread_path(o, r, i, t))
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
        ok = push(th, thread_obj(r, i));
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

static json_t *paired_obj(const struct kz_report_group *g, size_t j, size_t i,
                          const struct kz_paired *p)
{
    int v = kz_paired_verdict(p);
    json_t *o = json_object();
    bool ok = o != NULL;
    kz_json_set(o, "structure", kz_json_str(rep_structure_name(g->results[j])), &ok);
    kz_json_set(o, "thread", kz_json_str(kz_sim_result_thread(g->results[j], i)->id), &ok);
    kz_json_set(o, "n", json_integer(p->n), &ok);
    kz_json_set(o, "censored", json_integer(p->censored), &ok);
    kz_json_set(o, "cap_s", kz_json_num(p->cap_s), &ok);
    kz_json_set(o, "diff_mean_s", kz_json_num(p->mean_s), &ok);
    kz_json_set(o, "diff_lo_s", kz_json_num(p->lo_s), &ok);
    kz_json_set(o, "diff_hi_s", kz_json_num(p->hi_s), &ok);
    kz_json_set(o, "diff_p50_s", kz_json_num(p->p50_s), &ok);
    kz_json_set(o, "met_diff", kz_json_num(p->met), &ok);
    kz_json_set(o, "met_diff_lo", kz_json_num(p->met_lo), &ok);
    kz_json_set(o, "met_diff_hi", kz_json_num(p->met_hi), &ok);
    kz_json_set(o, "time_significant", json_boolean(p->lo_s > 0 || p->hi_s < 0), &ok);
    kz_json_set(o, "met_significant", json_boolean(p->met_lo > 0 || p->met_hi < 0), &ok);
    kz_json_set(o, "identical", json_boolean(p->identical), &ok);
    kz_json_set(o, "favours",
                kz_json_str(v > 0 ? "structure" : v < 0 ? "baseline" : NULL), &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

/* "baseline", "paired" and "ranking" of a group's document, onto o. */
static bool compare_keys(json_t *o, const struct kz_report_group *g)
{
    bool ok = true;
    size_t b = rep_baseline(g), T = g->nresults ? kz_sim_result_nthreads(g->results[0]) : 0;
    kz_json_set(o, "baseline", kz_json_str(g->nresults ? rep_structure_name(g->results[b]) : NULL),
                &ok);
    json_t *pa = json_array(), *rk = json_array();
    ok = ok && pa && rk;
    for (size_t i = 0; ok && i < T; i++)
        for (size_t j = 0; ok && j < g->nresults; j++) {
            struct kz_paired p;
            if (rep_paired(g, j, i, &p))
                ok = kz_json_push(pa, paired_obj(g, j, i, &p));
        }
    for (size_t i = 0; ok && i < T; i++) {
        struct rep_rank r = rep_rank_thread(g, i);
        json_t *e = json_object();
        ok = e != NULL;
        kz_json_set(e, "thread", kz_json_str(kz_sim_result_thread(g->results[0], i)->id), &ok);
        kz_json_set(e, "ranked", json_boolean(r.ranked), &ok);
        kz_json_set(e, "best",
                    kz_json_str(r.best >= 0 ? rep_structure_name(g->results[r.best]) : NULL), &ok);
        kz_json_set(e, "identical_chain", json_boolean(r.identical), &ok);
        ok = kz_json_push(rk, e) && ok;
    }
    kz_json_set(o, "paired", pa, &ok);
    kz_json_set(o, "ranking", rk, &ok);
    return ok;
}

json_t *rep_json_group(const struct kz_report_group *g, const struct kz_report_options *opt)
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
    json_t *o = json_object(), *st = json_array(), *ov = json_array();
    bool ok = o && st && kz_json_put(o, "scenario", kz_json_str(rep_group_name(g))) &&
              kz_json_put(o, "title", kz_json_str(rep_group_title(g))) && kz_json_put(o, "runs", json_integer(runs)) &&
              kz_json_put(o, "seed", count(seed)) && kz_json_put(o, "events", count(events)) &&
              kz_json_put(o, "wall_s", kz_json_num(wall));
    /* the what-if overrides: [] when none, so a reader never has to ask whether it is there */
    for (size_t i = 0; ok && ov && opt && opt->overrides && i < opt->noverrides; i++)
        ok = kz_json_push(ov, kz_json_str(opt->overrides[i]));
    ok = kz_json_put(o, "overrides", ov) && ok;
    for (size_t i = 0; ok && i < g->nresults; i++)
        ok = push(st, structure_obj(g->results[i]));
    if (ok && json_object_set(o, "structures", st) == 0 && compare_keys(o, g)) {
        json_decref(st);
        return o;
    }
    json_decref(st);
    json_decref(o);
    return NULL;
}

json_t *rep_json_groups(const struct kz_report_group *groups, size_t ngroups,
                        const struct kz_report_options *opt)
{
    json_t *o = json_object(), *a = json_array();
    bool ok = o && a;
    for (size_t i = 0; ok && i < ngroups; i++)
        ok = push(a, rep_json_group(&groups[i], opt));
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

int kz_report_json_opts(FILE *out, const struct kz_report_group *g,
                        const struct kz_report_options *o)
{
    if (!out || !g || (g->nresults && !g->results))
        return KZ_EINVAL;
    return emit_file(out, rep_json_group(g, o));
}

int kz_report_json(FILE *out, const struct kz_report_group *g)
{
    return kz_report_json_opts(out, g, NULL);
}

int kz_report_json_all_opts(FILE *out, const struct kz_report_group *groups, size_t ngroups,
                            const struct kz_report_options *o)
{
    if (!out || (ngroups && !groups))
        return KZ_EINVAL;
    for (size_t i = 0; i < ngroups; i++)
        if (groups[i].nresults && !groups[i].results)
            return KZ_EINVAL;
    return emit_file(out, rep_json_groups(groups, ngroups, o));
}

int kz_report_json_all(FILE *out, const struct kz_report_group *groups, size_t ngroups)
{
    return kz_report_json_all_opts(out, groups, ngroups, NULL);
}
