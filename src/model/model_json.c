/* model_json.c - kz_model_json: a structure as the JSON document of `kizuna show --json`. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>

#include "kizuna/error.h"
#include "model_impl.h"
#include "kizuna/json.h"

static json_t *node_id(const struct kz_model *m, int i)
{
    return i >= 0 && (size_t)i < m->nnodes ? kz_json_str(m->nodes[i].id) : json_null();
}

/* The ids of the phases in `held`. */
static json_t *phases(const struct kz_model *m, phase_mask held)
{
    json_t *a = json_array();
    for (size_t p = 0; a && p < m->nphases; p++)
        if ((held & (1u << p)) && !kz_json_push(a, kz_json_str(m->phases[p].id))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *refs(const struct kz_model *m, const struct refs *r)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < r->n; i++)
        if (!kz_json_push(a, node_id(m, r->v[i].idx))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *nations(const struct kz_model *m, nation_mask set)
{
    json_t *a = json_array();
    for (size_t n = 0; a && n < m->nnations; n++)
        if ((set & ((nation_mask)1 << n)) && !kz_json_push(a, kz_json_str(m->nations[n].id))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static const char *const prec_names[] = {"flash", "immediate", "priority", "routine"};

/* A distribution as its text (`lognormal(median 1s, p90 3s)`), or null when not given. */
static json_t *dist(const struct kz_dist *d)
{
    char buf[120];
    if (d->kind == KZ_DIST_NONE)
        return json_null();
    kz_dist_format(d, buf, sizeof buf);
    return kz_json_str(buf);
}

/* {"decision" (id or null: any), "precedence" (or null: any), "processing": {action: text}} */
static json_t *profile_obj(const struct kz_model *m, const struct profile *p)
{
    json_t *o = json_object(), *proc = NULL;
    bool ok = o &&
              kz_json_put(o, "decision",
                          p->decision >= 0 ? kz_json_str(m->decisions[p->decision].id) : json_null()) &&
              kz_json_put(o, "precedence", p->prec >= 0 ? kz_json_str(prec_names[p->prec]) : json_null()) &&
              kz_json_put(o, "processing", proc = json_object());
    for (int a = 0; ok && a < ACT_COUNT; a++)
        if (p->has & (1u << a))
            ok = kz_json_put(proc, kz_action_names[a], dist(&p->proc[a]));
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *profiles(const struct kz_model *m, const struct node *n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n->nprofiles; i++)
        if (!kz_json_push(a, profile_obj(m, &n->profiles[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *node_obj(const struct kz_model *m, const struct node *n)
{
    json_t *o = json_object();
    if (o && kz_json_put(o, "id", kz_json_str(n->id)) && kz_json_put(o, "name", kz_json_str(n->name)) &&
        kz_json_put(o, "nation", n->nation >= 0 ? kz_json_str(m->nations[n->nation].id) : json_null()) &&
        kz_json_put(o, "combined", nations(m, n->combined)) &&
        kz_json_put(o, "kind", kz_json_str(kz_node_kind_names[n->kind])) &&
        kz_json_put(o, "grade", n->grade != GR_NONE ? kz_json_str(kz_grade_names[n->grade]) : json_null()) &&
        kz_json_put(o, "lat", json_real(n->lat)) && kz_json_put(o, "lon", json_real(n->lon)) &&
        kz_json_put(o, "cells", json_integer(n->cells)) && kz_json_put(o, "always", json_boolean(n->always)) &&
        kz_json_put(o, "profiles", profiles(m, n)))
        return o;
    json_decref(o);
    return NULL;
}

static json_t *relation_obj(const struct kz_model *m, const struct relation *r)
{
    json_t *o = json_object();
    if (o && kz_json_put(o, "type", kz_json_str(kz_rel_type_names[r->type])) &&
        kz_json_put(o, "from", node_id(m, r->from)) && kz_json_put(o, "to", node_id(m, r->to)) &&
        kz_json_put(o, "phases", phases(m, r->phases)))
        return o;
    json_decref(o);
    return NULL;
}

static json_t *authority_obj(const struct kz_model *m, const struct authority *a)
{
    char after[80] = "";
    if (a->delegate >= 0)
        kz_dist_format(&a->delegate_after, after, sizeof after);
    json_t *o = json_object();
    if (o && kz_json_put(o, "decision", kz_json_str(m->decisions[a->decision].id)) &&
        kz_json_put(o, "holder", node_id(m, a->holder)) &&
        kz_json_put(o, "assets", a->assets >= 0 ? kz_json_str(m->nations[a->assets].id) : json_null()) &&
        kz_json_put(o, "phases", phases(m, a->phases)) && kz_json_put(o, "approvals", refs(m, &a->approvals)) &&
        kz_json_put(o, "executors", refs(m, &a->executors)) &&
        kz_json_put(o, "delegate", node_id(m, a->delegate)) &&
        kz_json_put(o, "delegate_after", a->delegate >= 0 ? kz_json_str(after) : json_null()) &&
        kz_json_put(o, "approve", kz_json_str(a->concurrent ? "concurrent" : "in-order")) &&
        kz_json_put(o, "standing", json_boolean(a->standing)) &&
        kz_json_put(o, "instrument", a->standing ? kz_json_str(a->instrument) : json_null()))
        return o;
    json_decref(o);
    return NULL;
}

static json_t *network_obj(const struct kz_model *m, const struct network *nw)
{
    json_t *o = json_object();
    if (o && kz_json_put(o, "id", kz_json_str(nw->id)) && kz_json_put(o, "name", kz_json_str(nw->name)) &&
        kz_json_put(o, "ceiling", kz_json_str(kz_classif_names[nw->ceiling])) &&
        kz_json_put(o, "topology", kz_json_str(nw->topology == TOPO_HUB ? "hub" : "mesh")) &&
        kz_json_put(o, "hub", nw->topology == TOPO_HUB ? node_id(m, nw->hub) : json_null()) &&
        kz_json_put(o, "members", refs(m, &nw->members)) &&
        kz_json_put(o, "releasable", nations(m, nw->releasable)) && kz_json_put(o, "phases", phases(m, nw->phases)) &&
        kz_json_put(o, "relay", kz_json_str(nw->automatic ? "automatic" : "manual")) &&
        kz_json_put(o, "gateway", nw->automatic ? dist(&nw->gateway) : json_null()))
        return o;
    json_decref(o);
    return NULL;
}

/* Every variant the file declares: [{"id", "title"}]. */
static json_t *variants(const struct kz_model *m)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < m->nvariants; i++) {
        json_t *o = json_object();
        if (!kz_json_push(a, o) || !kz_json_put(o, "id", kz_json_str(m->variants[i].id)) ||
            !kz_json_put(o, "title", kz_json_str(m->variants[i].title))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Every part of the structure that holds in `want`, as arrays of `doc`. */
static bool parts(json_t *doc, const struct kz_model *m, phase_mask want)
{
    /* Each array belongs to doc as soon as it is made (put steals it, even when it fails). */
    json_t *na = NULL, *ph = NULL, *nd = NULL, *re = NULL, *au = NULL, *nw = NULL;
    bool ok = kz_json_put(doc, "nations", na = json_array()) && kz_json_put(doc, "phases", ph = json_array()) &&
              kz_json_put(doc, "nodes", nd = json_array()) && kz_json_put(doc, "relations", re = json_array()) &&
              kz_json_put(doc, "authorities", au = json_array()) && kz_json_put(doc, "networks", nw = json_array());
    for (size_t i = 0; ok && i < m->nnations; i++) {
        json_t *o = json_object();
        ok = kz_json_push(na, o) && kz_json_put(o, "id", kz_json_str(m->nations[i].id)) &&
             kz_json_put(o, "name", kz_json_str(m->nations[i].name)) &&
             kz_json_put(o, "national_command", json_boolean(m->nations[i].national_command));
    }
    for (size_t i = 0; ok && i < m->nphases; i++) {
        json_t *o = json_object();
        ok = kz_json_push(ph, o) && kz_json_put(o, "id", kz_json_str(m->phases[i].id)) &&
             kz_json_put(o, "name", kz_json_str(m->phases[i].name));
    }
    for (size_t i = 0; ok && i < m->nnodes; i++)
        ok = kz_json_push(nd, node_obj(m, &m->nodes[i]));
    for (size_t i = 0; ok && i < m->nrelations; i++)
        if (m->relations[i].phases & want)
            ok = kz_json_push(re, relation_obj(m, &m->relations[i]));
    for (size_t i = 0; ok && i < m->nauthorities; i++)
        if (m->authorities[i].phases & want)
            ok = kz_json_push(au, authority_obj(m, &m->authorities[i]));
    for (size_t i = 0; ok && i < m->nnetworks; i++)
        if (m->networks[i].phases & want)
            ok = kz_json_push(nw, network_obj(m, &m->networks[i]));
    return ok;
}

int kz_model_json(const kz_model *m, int phase, FILE *out)
{
    if (!m || !out || phase >= (int)m->nphases)
        return KZ_EINVAL;
    phase_mask want = phase < 0 ? phase_all(m) : 1u << phase;
    json_t *doc = json_object();
    bool ok = doc && kz_json_put(doc, "name", kz_json_str(m->name)) && kz_json_put(doc, "title", kz_json_str(m->title)) &&
              kz_json_put(doc, "file", kz_json_str(m->file)) &&
              kz_json_put(doc, "phase", phase < 0 ? json_null() : kz_json_str(m->phases[phase].id)) &&
              kz_json_put(doc, "variant", m->variant >= 0 ? kz_json_str(m->variants[m->variant].id) : json_null()) &&
              kz_json_put(doc, "variants", variants(m)) && parts(doc, m, want);
    if (!ok) {
        json_decref(doc);
        return KZ_ENOMEM;
    }
    return kz_json_write(out, doc, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
}
