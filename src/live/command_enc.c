/* command_enc.c - the one encoder of node commands: a struct command as the JSON cmd_parse reads. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "cot.h"
#include "kizuna/error.h"
#include "kizuna/json.h"
#include "kizuna/live.h"

static const char *const kinds[] = {"share",  "request", "order", "phase",
                                    "outage", "decide",  "stop",  "load"};
static const char *const share_kinds[] = {"track", "alert", "report"};
static const char *const precs[] = {"flash", "immediate", "priority", "routine"};
static const char *const outage_kinds[] = {"node", "network", "link", "cut"};

static json_t *ids(const int *v, int n, const char *(*id)(const struct kz_model *, int),
                   const struct kz_model *m)
{
    json_t *a = json_array();
    for (int i = 0; a && i < n; i++)
        if (!kz_json_push(a, json_string(id(m, v[i])))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static const char *node_id(const struct kz_model *m, int i) { return m->nodes[i].id; }
static const char *network_id(const struct kz_model *m, int i) { return m->networks[i].id; }
static const char *nation_id(const struct kz_model *m, int i) { return m->nations[i].id; }

static json_t *nations(const struct kz_model *m, uint64_t mask)
{
    int v[64], n = 0;
    for (size_t i = 0; i < m->nnations && i < 64; i++)
        if (mask & ((uint64_t)1 << i))
            v[n++] = (int)i;
    return ids(v, n, nation_id, m);
}

static void attrs(json_t *o, const struct kz_model *m, const struct command *c, bool *ok)
{
    kz_json_set(o, "precedence", json_string(precs[c->attr.prec]), ok);
    kz_json_set(o, "classification", json_string(kz_classif_names[c->attr.cls]), ok);
    kz_json_set(o, "releasable", nations(m, c->attr.releasable), ok);
    kz_json_set(o, "disclosable", nations(m, c->attr.disclosable), ok);
}

static void body(json_t *o, const struct command *c, bool *ok)
{
    if (c->msg == KZ_MSG_TRACK || c->body.track_id[0])
        kz_json_set(o, "track", json_string(c->body.track_id), ok);
    if (c->msg == KZ_MSG_TRACK && c->category)
        kz_json_set(o, "category", json_string(kz_live_categories[c->category]), ok);
    if (c->msg == KZ_MSG_TRACK && c->affil)
        kz_json_set(o, "affiliation", json_string(kz_live_affiliations[c->affil]), ok);
    if (c->body.lat != 0 || c->body.lon != 0 || c->body.alt_m != 0) {
        kz_json_set(o, "lat", json_real(c->body.lat), ok);
        kz_json_set(o, "lon", json_real(c->body.lon), ok);
        kz_json_set(o, "alt", json_real(c->body.alt_m), ok);
    }
}

static bool in(int v, size_t n) { return v >= 0 && (size_t)v < n; }

static bool all_in(const int *v, int n, size_t count)
{
    if (n < 0 || n > CMD_MAX_IDS)
        return false;
    for (int i = 0; i < n; i++)
        if (!in(v[i], count))
            return false;
    return true;
}

/* What of `c` the encoder reads, in range for `m`; NULL, or what is not. */
static const char *out_of_range(const struct kz_model *m, const struct command *c)
{
    if (!in((int)c->attr.prec, KZ_PREC_COUNT) || !in((int)c->attr.cls, CL_COUNT))
        return "its precedence or classification";
    switch (c->kind) {
    case C_SHARE:
        return !in((int)c->msg, KZ_MSG_KIND_COUNT) ? "its message kind"
               : !all_in(c->to, c->nto, m->nnodes) ? "its recipients"
               : c->category >= COT_CAT_COUNT || c->affil >= COT_AFF_COUNT ||
                       (c->msg != KZ_MSG_TRACK && (c->category || c->affil))
                   ? "its track category or affiliation"
                   : NULL;
    case C_REQUEST:
    case C_ORDER:
        return !in(c->decision, m->ndecisions)                     ? "its decision"
               : c->assets != -1 && !in(c->assets, m->nnations)    ? "its assets"
               : c->kind == C_ORDER && !all_in(c->to, c->nto, m->nnodes) ? "its executors"
                                                                    : NULL;
    case C_PHASE:
        return !in(c->phase, m->nphases) ? "its phase" : NULL;
    case C_OUTAGE:
        return !in((int)c->okind, 4) || !in(c->outage_id, 64) ||
                       !all_in(c->ids, c->nids, c->okind == OUT_NETWORK ? m->nnetworks : m->nnodes)
                   ? "its outage"
                   : NULL;
    case C_LOAD:
        return !in(c->action, ACT_COUNT) ? "its action" : NULL;
    case C_DECIDE:
    case C_STOP:
        break;
    }
    return NULL;
}

int cmd_encode(const struct kz_model *m, const struct command *c, char **out, char *err,
               size_t errlen)
{
    *out = NULL;
    if ((unsigned)c->kind >= sizeof kinds / sizeof *kinds) {
        snprintf(err, errlen, "command kind %d is not one a node knows", (int)c->kind);
        return KZ_EINVAL;
    }
    const char *bad = out_of_range(m, c);
    if (bad) {
        snprintf(err, errlen, "a %s command names %s outside structure '%s'", kinds[c->kind], bad,
                 m->name);
        return KZ_EINVAL;
    }
    bool ok = true;
    json_t *o = json_object();
    if (!o)
        return KZ_ENOMEM;
    kz_json_set(o, "cmd", json_string(kinds[c->kind]), &ok);
    if (c->body.text[0])
        kz_json_set(o, "text", json_string(c->body.text), &ok);
    switch (c->kind) {
    case C_SHARE:
        kz_json_set(o, "kind",
            json_string(share_kinds[c->msg == KZ_MSG_ALERT ? 1 : c->msg == KZ_MSG_REPORT ? 2 : 0]),
            &ok);
        kz_json_set(o, "to", ids(c->to, c->nto, node_id, m), &ok);
        body(o, c, &ok);
        if (c->repeat > 1)
            kz_json_set(o, "repeat", json_integer(c->repeat), &ok);
        if (c->rate > 0)
            kz_json_set(o, "rate", json_real(c->rate), &ok);
        if (c->update)
            kz_json_set(o, "update", json_true(), &ok);
        attrs(o, m, c, &ok);
        break;
    case C_REQUEST:
    case C_ORDER:
        kz_json_set(o, "decision", json_string(m->decisions[c->decision].id), &ok);
        if (c->assets >= 0)
            kz_json_set(o, "assets", json_string(m->nations[c->assets].id), &ok);
        if (c->kind == C_ORDER)
            kz_json_set(o, "to", ids(c->to, c->nto, node_id, m), &ok);
        attrs(o, m, c, &ok);
        break;
    case C_PHASE:
        kz_json_set(o, "phase", json_string(m->phases[c->phase].id), &ok);
        break;
    case C_OUTAGE:
        kz_json_set(o, "id", json_integer(c->outage_id), &ok);
        kz_json_set(o, "kind", json_string(outage_kinds[c->okind]), &ok);
        kz_json_set(o, "ids", ids(c->ids, c->nids, c->okind == OUT_NETWORK ? network_id : node_id, m),
            &ok);
        kz_json_set(o, "down", json_boolean(c->down), &ok);
        break;
    case C_DECIDE:
        kz_json_set(o, "key", json_integer(c->key), &ok);
        kz_json_set(o, "answer", json_string(c->approve ? "approve" : "deny"), &ok);
        break;
    case C_STOP:
        break;
    case C_LOAD:
        kz_json_set(o, "action", json_string(kz_action_names[c->action]), &ok);
        kz_json_set(o, "precedence", json_string(precs[c->attr.prec]), &ok);
        break;
    }
    if (c->tag || c->aux || c->attr.thread >= 0) {
        kz_json_set(o, "thread", json_integer(c->attr.thread), &ok);
        kz_json_set(o, "tag", json_integer(c->tag), &ok);
        kz_json_set(o, "aux", json_integer(c->aux), &ok);
    }
    char *s = ok ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))
                 : NULL;
    json_decref(o);
    if (!s)
        return KZ_ENOMEM;
    *out = s;
    return 0;
}
