/* plan.c - binds a scenario to a structure: ids to indices, defaults, the K040/K041 checks. */
#include "scenario/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "scenario/scenario_check.h"

struct pb {
    const struct kz_model *m;
    const struct kz_scenario *s;
    struct plan *p;
    kz_diags *d;
    int err;
};

static void bad(struct pb *B, struct pos pos, int code, const char *msg)
{
    if (kz_diags_add(B->d, B->s->file, pos.line, pos.col, KZ_SEV_ERROR, code, "%s", msg))
        B->err = KZ_ENOMEM;
    else if (!B->err)
        B->err = KZ_ECHECK;
}

static void *palloc(struct pb *B, size_t n)
{
    void *v = arena_alloc(&B->p->arena, n ? n : 1);
    if (!v)
        B->err = KZ_ENOMEM;
    return v;
}

static int find_node(struct pb *B, const struct sref *r)
{
    for (size_t i = 0; i < B->m->nnodes; i++)
        if (!strcmp(B->m->nodes[i].id, r->id))
            return (int)i;
    char msg[200];
    snprintf(msg, sizeof msg, "node '%.64s' is not in structure '%.64s'", r->id, B->m->name);
    bad(B, r->pos, 40, msg);
    return -1;
}

static int find_in(struct pb *B, const struct sref *r, const char *what)
{
    const struct kz_model *m = B->m;
    if (!strcmp(what, "decision")) {
        for (size_t i = 0; i < m->ndecisions; i++)
            if (!strcmp(m->decisions[i].id, r->id))
                return (int)i;
    } else if (!strcmp(what, "phase")) {
        for (size_t i = 0; i < m->nphases; i++)
            if (!strcmp(m->phases[i].id, r->id))
                return (int)i;
    } else if (!strcmp(what, "nation")) {
        for (size_t i = 0; i < m->nnations; i++)
            if (!strcmp(m->nations[i].id, r->id))
                return (int)i;
    } else if (!strcmp(what, "network")) {
        for (size_t i = 0; i < m->nnetworks; i++)
            if (!strcmp(m->networks[i].id, r->id))
                return (int)i;
    }
    char msg[200];
    snprintf(msg, sizeof msg, "%s '%.64s' is not in structure '%.64s'", what, r->id, m->name);
    bad(B, r->pos, 40, msg);
    return -1;
}

static nation_mask nations(struct pb *B, const struct srefs *r)
{
    nation_mask mask = 0;
    for (size_t i = 0; i < r->n; i++) {
        int x = find_in(B, &r->v[i], "nation");
        if (x >= 0)
            mask |= (nation_mask)1 << x;
    }
    return mask;
}

static int *nodes(struct pb *B, const struct srefs *r, int *n)
{
    int *v = palloc(B, r->n * sizeof *v);
    *n = 0;
    for (size_t i = 0; v && i < r->n; i++) {
        int x = find_node(B, &r->v[i]);
        if (x >= 0)
            v[(*n)++] = x;
    }
    return v;
}

static void attr(struct pb *B, const struct sattr *thread, const struct sattr *step,
                 int32_t tid, struct eng_attr *out)
{
    nation_mask all = B->m->nnations >= 64 ? ~(nation_mask)0
                                           : (((nation_mask)1 << B->m->nnations) - 1);
    out->thread = tid;
    int prec = step && step->prec >= 0 ? step->prec : thread->prec;
    int cls = step && step->cls >= 0 ? step->cls : thread->cls;
    out->prec = prec >= 0 ? (enum kz_precedence)prec : KZ_PREC_IMMEDIATE;
    out->cls = cls >= 0 ? (enum classif)cls : CL_S;
    const struct sattr *rel = step && step->has_rel ? step : thread;
    out->releasable = rel->has_rel ? nations(B, &rel->rel) : all;
    const struct sattr *disc = step && step->has_disc ? step : thread;
    out->disclosable = disc->has_disc ? nations(B, &disc->disc) : 0;
}

static void bind_thread(struct pb *B, const struct sthread *t, int tid, struct pthread *pt)
{
    pt->src = t;
    pt->nsteps = (int)t->nsteps;
    pt->steps = palloc(B, t->nsteps * sizeof *pt->steps);
    if (!pt->steps)
        return;
    for (size_t i = 0; i < t->nsteps; i++) {
        const struct sstep *ss = &t->steps[i];
        struct pstep *ps = &pt->steps[i];
        ps->kind = ss->kind;
        ps->msg = ss->msg;
        ps->from = ps->by = ps->decision = ps->assets = ps->decide_step = -1;
        ps->until_first = ss->until_first;
        ps->delay = ss->delay;
        ps->label = ss->id;
        attr(B, &t->attr, &ss->attr, tid, &ps->attr);
        switch (ss->kind) {
        case ST_SHARE:
        case ST_REPORT:
            ps->from = find_node(B, &ss->from);
            ps->to = nodes(B, &ss->to, &ps->nto);
            break;
        case ST_DECIDE:
            ps->decision = find_in(B, &ss->decision, "decision");
            ps->by = find_node(B, &ss->by);
            if (ss->assets.id)
                ps->assets = find_in(B, &ss->assets, "nation");
            else if (ps->by >= 0)
                ps->assets = B->m->nodes[ps->by].nation;
            break;
        case ST_ORDER:
            ps->decision = find_in(B, &ss->decision, "decision");
            if (ss->by.id)
                ps->by = find_node(B, &ss->by);
            if (ss->to.n)
                ps->to = nodes(B, &ss->to, &ps->nto);
            for (size_t j = 0; j < i; j++)
                if (t->steps[j].kind == ST_DECIDE && t->steps[j].decision.id &&
                    ss->decision.id && !strcmp(t->steps[j].decision.id, ss->decision.id))
                    ps->decide_step = (int)j;
            if (ps->decide_step >= 0)
                ps->assets = pt->steps[ps->decide_step].assets;
            break;
        case ST_DELAY:
            break;
        }
    }
}

int plan_build(const struct kz_model *m, const struct kz_scenario *s, struct plan **out,
               kz_diags *d)
{
    *out = NULL;
    struct plan *p = calloc(1, sizeof *p);
    if (!p)
        return KZ_ENOMEM;
    struct pb B = {m, s, p, d, 0};
    p->m = m;
    p->s = s;
    p->horizon_us = (int64_t)(s->horizon * 1e6);
    p->phase0 = find_in(&B, &s->phase, "phase");
    p->changes = palloc(&B, s->nchanges * sizeof *p->changes);
    for (size_t i = 0; p->changes && i < s->nchanges; i++) {
        int ph = find_in(&B, &s->changes[i].phase, "phase");
        if (ph >= 0)
            p->changes[p->nchanges++] = (struct pchange){(int64_t)(s->changes[i].at * 1e6), ph};
    }
    p->bg = palloc(&B, s->nbg * sizeof *p->bg);
    for (size_t i = 0; p->bg && i < s->nbg; i++) {
        const struct sbackground *b = &s->bg[i];
        int node = find_node(&B, &b->node);
        if (node < 0 || b->action < 0 || b->prec < 0)
            continue;
        p->bg[p->nbg++] = (struct pbg){node,
                                       b->action,
                                       b->prec,
                                       b->rate_per_s,
                                       b->at,
                                       b->nat,
                                       (int64_t)(b->from * 1e6),
                                       b->until < 0 ? p->horizon_us : (int64_t)(b->until * 1e6)};
    }
    p->outages = palloc(&B, s->noutages * sizeof *p->outages);
    for (size_t i = 0; p->outages && i < s->noutages; i++) {
        const struct soutage *o = &s->outages[i];
        struct poutage *po = &p->outages[p->noutages++];
        po->kind = (enum outage_kind)o->kind;
        po->at = &o->at;
        po->dur = o->has_dur ? &o->dur : NULL;
        po->ids = palloc(&B, o->ids.n * sizeof *po->ids);
        for (size_t j = 0; po->ids && j < o->ids.n; j++) {
            int x = po->kind == OUT_NETWORK ? find_in(&B, &o->ids.v[j], "network")
                                            : find_node(&B, &o->ids.v[j]);
            if (x >= 0)
                po->ids[po->n++] = x;
        }
    }
    p->threads = palloc(&B, s->nthreads * sizeof *p->threads);
    for (size_t i = 0; p->threads && i < s->nthreads; i++) {
        bind_thread(&B, &s->threads[i], (int32_t)i, &p->threads[i]);
        p->threads[i].first_inst = p->ninst;
        p->ninst += s->threads[i].copies;
    }
    p->nthreads = (int)s->nthreads;
    int rc = sc_check_refs(s, m, d); /* K041 after K040: a wrong id is blamed, not its user */
    if (rc == KZ_ENOMEM || !B.err)
        B.err = rc;
    if (B.err) {
        rc = B.err;
        plan_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void plan_free(struct plan *p)
{
    if (!p)
        return;
    arena_free(&p->arena);
    free(p);
}

int kz_scenario_bind_check(const kz_scenario *s, const kz_model *m, kz_diags *d)
{
    struct plan *p;
    int rc = plan_build(m, s, &p, d);
    plan_free(p);
    return rc;
}

int plan_build_err(const struct kz_model *m, const struct kz_scenario *s, struct plan **out,
                   char *err, size_t errlen)
{
    *out = NULL;
    kz_diags *d;
    if (kz_diags_create(&d))
        return KZ_ENOMEM;
    int rc = plan_build(m, s, out, d);
    if (rc == KZ_ECHECK && kz_diags_count(d) > 0) {
        const struct kz_diag *g = kz_diags_get(d, 0);
        snprintf(err, errlen, "%s:%d:%d: %s", g->file, g->line, g->col, g->msg);
    } else if (rc) {
        snprintf(err, errlen, "%s", kz_strerror(rc));
    }
    kz_diags_destroy(d);
    return rc;
}
