/* engine_life.c - the engine's life cycle, and what a shell with one engine per node reads of it. */
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "kizuna/error.h"

/* ---- life cycle ---------------------------------------------------------------------- */

int eng_create(const struct kz_model *m, struct engine **out)
{
    *out = NULL;
    struct engine *e = calloc(1, sizeof *e);
    if (!e)
        return KZ_ENOMEM;
    e->m = m;
    size_t n = m->nnodes ? m->nnodes : 1;
    e->ns = calloc(n, sizeof *e->ns);
    e->node_down = calloc(n, 1);
    e->net_down = calloc(m->nnetworks ? m->nnetworks : 1, 1);
    e->cutmask = calloc(n, sizeof *e->cutmask);
    if (!e->ns || !e->node_down || !e->net_down || !e->cutmask ||
        engi_streams_create(e) != 0 || router_create(m, &e->router) != 0) {
        eng_free(e);
        return KZ_ENOMEM;
    }
    e->w.node_down = e->node_down;
    e->w.net_down = e->net_down;
    e->w.cutmask = e->cutmask;
    e->w.links = (const int32_t(*)[2])e->active_links;
    *out = e;
    return 0;
}

void eng_free(struct engine *e)
{
    if (!e)
        return;
    router_free(e->router);
    engi_streams_free(e);
    free(e->msgs);
    free(e->ops);
    free(e->ints);
    free(e->blocked);
    free(e->ns);
    free(e->node_down);
    free(e->net_down);
    free(e->cutmask);
    free(e);
}

void eng_bind(struct engine *e, const struct kz_clock *clock,
                    const struct kz_transport *transport, const struct eng_hooks *hooks,
                    struct rng *rng, struct eng_stats *stats)
{
    e->clock = *clock;
    e->tr = *transport;
    e->hooks = *hooks;
    e->rng = rng;
    e->st = stats;
    /* a shell that never calls eng_seed (the live node) still gets distinct node streams */
    for (size_t i = 0; i < e->m->nnodes; i++)
        rng_seed(&e->nrng[i], rng_next(rng), (uint64_t)i);
    for (size_t i = 0; i < e->m->nnetworks; i++)
        rng_seed(&e->netrng[i], rng_next(rng), (uint64_t)i + e->m->nnodes);
}

void eng_reset(struct engine *e, int phase, int week_min_utc)
{
    const struct kz_model *m = e->m;
    e->nmsgs = e->nops = e->nints = e->nblocked = e->nsegs = 0;
    e->done_seg = -1;
    for (size_t i = 0; i < m->nnodes; i++) {
        struct nstate *s = &e->ns[i];
        for (int p = 0; p < KZ_PREC_COUNT; p++)
            s->qh[p] = s->qt[p] = NIL;
        s->recall_h = s->recall_t = NIL;
        s->busy = 0;
        s->down = s->principal = s->recalling = 0;
        e->node_down[i] = 0;
        e->cutmask[i] = 0;
    }
    memset(e->net_down, 0, m->nnetworks ? m->nnetworks : 1);
    e->link_active = 0;
    e->w.phase = phase;
    e->w.outages = 0;
    e->w.active_cuts = 0;
    e->w.nlinks = 0;
    e->week_min_utc = week_min_utc;
}

double eng_prop_s(const struct engine *e, int a, int b, int net)
{
    return router_prop_s(e->router, a, b, net);
}

/* ---- separate engines per node (the live network) ------------------------------------ */

_Static_assert((int)P_BACKGROUND + 1 == (int)ENG_PURPOSE_COUNT, "purposes on the wire");
_Static_assert((int)G_COUNT == (int)ENG_GRAPH_COUNT, "graphs on the wire");
_Static_assert((int)OPK_ORDER + 1 == (int)ENG_OPK_COUNT, "operation kinds on the wire");

int eng_export(const struct engine *e, uint32_t mi, struct eng_wire *w)
{
    if (mi >= e->nmsgs || e->msgs[mi].op < 0)
        return KZ_EINVAL;
    const struct msg *m = &e->msgs[mi];
    const struct op *o = &e->ops[m->op];
    memset(w, 0, sizeof *w);
    w->h = m->h;
    w->dst = m->dst;
    w->aux = m->aux;
    w->purpose = m->purpose;
    w->saved = m->saved;
    w->graph = m->graph;
    w->reviewed = m->reviewed;
    w->delegated = m->delegated;
    w->opkind = o->kind;
    w->tag = o->tag;
    w->opaux = o->aux;
    w->attr = o->attr;
    w->decision = o->decision;
    w->assets = o->assets;
    w->requester = o->requester;
    w->auth = o->auth;
    return 0;
}

int eng_import(struct engine *e, const struct eng_wire *w, uint32_t *out)
{
    if (w->opkind >= ENG_OPK_COUNT || w->purpose >= ENG_PURPOSE_COUNT ||
        w->graph >= ENG_GRAPH_COUNT || w->dst < 0 || (size_t)w->dst >= e->m->nnodes)
        return KZ_EINVAL;
    int32_t opi;
    int rc = engi_new_op(e, (enum op_kind)w->opkind, &w->attr, w->tag, w->opaux, NULL, 0, &opi);
    if (rc)
        return rc;
    struct op *o = &e->ops[opi];
    o->imported = 1;
    o->decision = w->decision;
    o->assets = w->assets;
    o->requester = w->requester;
    o->auth = w->auth;
    uint32_t mi;
    rc = engi_new_msg(e, (enum kz_msg_kind)w->h.kind, w->h.origin, w->dst, opi, &w->attr, &mi);
    if (rc)
        return rc;
    struct msg *m = &e->msgs[mi];
    m->h = w->h;
    m->h.id = mi;
    m->aux = w->aux;
    m->purpose = w->purpose;
    m->saved = w->saved;
    m->graph = w->graph;
    m->reviewed = w->reviewed;
    m->delegated = w->delegated;
    *out = mi;
    return 0;
}

uint32_t eng_nmsgs(const struct engine *e) { return e->nmsgs; }
uint32_t eng_nops(const struct engine *e) { return e->nops; }
uint32_t eng_nblocked(const struct engine *e) { return e->nblocked; }

int32_t eng_msg_op(const struct engine *e, uint32_t mi)
{
    return mi < e->nmsgs ? e->msgs[mi].op : -1;
}

enum action eng_msg_action(const struct engine *e, uint32_t mi)
{
    return mi < e->nmsgs ? (enum action)e->msgs[mi].action : ACT_RELAY;
}

const struct kz_msg_header *eng_msg_header(const struct engine *e, uint32_t mi)
{
    return mi < e->nmsgs ? &e->msgs[mi].h : NULL;
}

bool eng_idle(const struct engine *e)
{
    if (e->nblocked)
        return false;
    for (size_t i = 0; i < e->m->nnodes; i++) {
        const struct nstate *s = &e->ns[i];
        if (s->busy || s->recall_h != NIL)
            return false;
        for (int p = 0; p < KZ_PREC_COUNT; p++)
            if (s->qh[p] != NIL)
                return false;
    }
    return true;
}
