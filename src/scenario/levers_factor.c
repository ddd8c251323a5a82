/* levers_factor.c - the factors of a sweep: one per numeric clause of a range as written,
 * moving every element that shares that range (a default, an anchor), and back bit for bit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/levers.h"
#include "scenario/levers_impl.h"

/* The order in which a distribution's factors are applied to its base: the median first (it
 * scales every time), then each parameter set outright, clamped against the others. */
static const enum lv_field apply_order[] = {F_MEDIAN, F_VALUE, F_MEAN, F_MIN, F_MODE, F_MAX, F_P90};

static enum lv_field field_of(const char *name)
{
    if (!name)
        return F_MEDIAN; /* a clause naming no field: the distribution's median */
    for (int f = 0; f < F_COUNT; f++)
        if (!strcmp(name, lv_field_names[f]))
            return (enum lv_field)f;
    return F_COUNT;
}

/* The pinned bits that stop factor field f: a location moves lat and lon. */
static unsigned field_bits(enum lv_field f)
{
    return f == F_LOCATION ? (1u << F_LAT) | (1u << F_LON) : 1u << f;
}

/* Whether element e has field f, in the unit the clause was written in. */
static bool fits(const struct lv_elem *e, enum lv_field f, const struct rg_clause *c)
{
    bool secs = f <= F_VALUE || f == F_SPACING;
    if (c->kind == RG_ALTERNATIVES || c->rate || secs != c->duration)
        return false;
    switch (e->kind) {
    case EL_DIST:
        return f <= F_VALUE && lv_param_ok(e->base.d.kind, f);
    case EL_NODE:
        return f >= F_CELLS && f <= F_LOCATION;
    case EL_THREAD:
        return f == F_COPIES || f == F_SPACING;
    }
    return false;
}

/* ---- applying ------------------------------------------------------------------------ */

static double clampd(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Element i from its base and the active factors of its group that it is not pinned for. */
static void recompute(kz_levers *lv, size_t i)
{
    struct lv_elem *e = &lv->el[i];
    const struct lv_group *g = e->group >= 0 ? &lv->grp[e->group] : NULL;
    if (e->kind == EL_DIST) {
        struct kz_dist d = e->base.d;
        char why[8];
        for (size_t k = 0; g && k < sizeof apply_order / sizeof apply_order[0]; k++)
            for (size_t j = g->f0; j < g->f0 + g->nf; j++) {
                const struct lv_factor *f = &lv->fac[j];
                if (f->field == apply_order[k] && f->active && !(e->pinned & field_bits(f->field)))
                    (void)lv_dist_apply(&d, f->field, f->cur, true, why, sizeof why);
            }
        *e->p.d = d;
        return;
    }
    struct lv_node_vals n = e->base.n;
    struct lv_thread_vals t = e->base.t;
    for (size_t j = g ? g->f0 : 0; g && j < g->f0 + g->nf; j++) {
        const struct lv_factor *f = &lv->fac[j];
        if (!f->active || (e->pinned & field_bits(f->field)))
            continue;
        double v = f->cur;
        switch (f->field) {
        case F_CELLS:
            n.cells = (int)clampd(round(v), 1, LV_MAX_CELLS);
            break;
        case F_LAT:
            n.lat = clampd(v, -90, 90);
            break;
        case F_LON:
            n.lon = clampd(v, -180, 180);
            break;
        case F_UTC:
            n.utc_min = (int)lround(clampd(v, -12, 14) * 60);
            break;
        case F_LOCATION:
            n.lat = clampd(e->base.n.lat + v, -90, 90);
            n.lon = clampd(e->base.n.lon + v, -180, 180);
            break;
        case F_COPIES:
            t.copies = (int)clampd(round(v), 1, LV_MAX_COPIES);
            break;
        case F_SPACING:
            t.spacing = v > 0 ? v : 0;
            break;
        default:
            break;
        }
    }
    if (e->kind == EL_NODE) {
        e->p.n->lat = n.lat;
        e->p.n->lon = n.lon;
        e->p.n->utc_offset_min = n.utc_min;
        e->p.n->cells = n.cells;
    } else {
        e->p.t->copies = t.copies;
        e->p.t->spacing = t.spacing;
    }
}

/* ---- what a factor says about itself -------------------------------------------------- */

/* Uses, name, nominal and ends of factor fi from the elements it still moves. */
static void refresh(kz_levers *lv, size_t fi)
{
    struct lv_factor *f = &lv->fac[fi];
    const struct lv_group *g = &lv->grp[f->group];
    const struct lv_elem *first = NULL;
    f->pub.uses = 0;
    for (size_t k = 0; k < g->nelems; k++) {
        const struct lv_elem *e = &lv->el[g->elems[k]];
        if (e->pinned & field_bits(f->field))
            continue;
        f->pub.uses++;
        first = first ? first : e;
    }
    if (!first)
        return;
    strcpy(f->name, first->prefix);
    strcat(f->name, ".");
    strcat(f->name, lv_field_names[f->field]);
    const struct rg_clause *c = f->c;
    double nom = lv_base(first, f->field);
    f->pub.nominal = nom;
    f->pub.lo = c->kind == RG_PLUSMINUS ? nom + c->lo : c->lo;
    f->pub.hi = c->kind == RG_PLUSMINUS ? nom + c->hi : c->hi;
    f->pub.source = first->meta ? first->meta->source : NULL;
}

static void relist(kz_levers *lv)
{
    lv->nlive = 0;
    for (size_t i = 0; i < lv->nfac; i++)
        if (lv->fac[i].pub.uses > 0)
            lv->live[lv->nlive++] = i;
}

/* ---- building ------------------------------------------------------------------------- */

static const kz_levers *sort_lv; /* qsort has no context argument; open is not thread-safe */

/* Elements by the place their range is written (file, line, column), then in table order. */
static int by_place(const void *pa, const void *pb)
{
    const struct lv_elem *a = &sort_lv->el[*(const size_t *)pa],
                         *b = &sort_lv->el[*(const size_t *)pb];
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (!c)
        c = (a->meta->range_pos.line > b->meta->range_pos.line) -
            (a->meta->range_pos.line < b->meta->range_pos.line);
    if (!c)
        c = (a->meta->range_pos.col > b->meta->range_pos.col) -
            (a->meta->range_pos.col < b->meta->range_pos.col);
    if (!c)
        c = (*(const size_t *)pa > *(const size_t *)pb) -
            (*(const size_t *)pa < *(const size_t *)pb);
    return c;
}

static int by_first(const void *pa, const void *pb)
{
    const struct lv_group *a = pa, *b = pb;
    return (a->elems[0] > b->elems[0]) - (a->elems[0] < b->elems[0]);
}

static bool same_place(const struct lv_elem *a, const struct lv_elem *b)
{
    return !strcmp(a->file ? a->file : "", b->file ? b->file : "") &&
           a->meta->range_pos.line == b->meta->range_pos.line &&
           a->meta->range_pos.col == b->meta->range_pos.col;
}

static bool has_range(const struct meta *mt)
{
    return mt && mt->rng && mt->rng->n > 0;
}

/* The groups: elements sharing one written range, in the order of their first element. */
static int build_groups(kz_levers *lv)
{
    size_t n = 0, *idx = calloc(lv->nel ? lv->nel : 1, sizeof *idx);
    if (!idx)
        return KZ_ENOMEM;
    for (size_t i = 0; i < lv->nel; i++)
        if (has_range(lv->el[i].meta))
            idx[n++] = i;
    sort_lv = lv;
    qsort(idx, n, sizeof *idx, by_place);
    lv->grp = calloc(n ? n : 1, sizeof *lv->grp);
    int rc = lv->grp ? 0 : KZ_ENOMEM;
    for (size_t i = 0, j; !rc && i < n; i = j) {
        for (j = i + 1; j < n && same_place(&lv->el[idx[i]], &lv->el[idx[j]]); j++)
            ;
        struct lv_group *g = &lv->grp[lv->ngrp++];
        g->file = lv->el[idx[i]].file;
        g->at = lv->el[idx[i]].meta->range_pos;
        g->nelems = j - i;
        g->elems = arena_alloc(&lv->a, g->nelems * sizeof *g->elems);
        if (!g->elems)
            rc = KZ_ENOMEM;
        else
            memcpy(g->elems, &idx[i], g->nelems * sizeof *g->elems);
    }
    free(idx);
    if (rc)
        return rc;
    qsort(lv->grp, lv->ngrp, sizeof *lv->grp, by_first);
    for (size_t k = 0; k < lv->ngrp; k++)
        for (size_t i = 0; i < lv->grp[k].nelems; i++)
            lv->el[lv->grp[k].elems[i]].group = (long)k;
    return 0;
}

/* One factor per clause of each group's range that its elements have. */
static int build_factors(kz_levers *lv)
{
    size_t n = 0;
    for (size_t k = 0; k < lv->ngrp; k++) {
        const struct lv_elem *e = &lv->el[lv->grp[k].elems[0]];
        for (size_t c = 0; c < e->meta->rng->n; c++)
            n += fits(e, field_of(e->meta->rng->c[c].field), &e->meta->rng->c[c]);
    }
    lv->fac = calloc(n ? n : 1, sizeof *lv->fac);
    lv->live = calloc(n ? n : 1, sizeof *lv->live);
    if (!lv->fac || !lv->live)
        return KZ_ENOMEM;
    for (size_t k = 0; k < lv->ngrp; k++) {
        struct lv_group *g = &lv->grp[k];
        const struct lv_elem *e = &lv->el[g->elems[0]];
        size_t longest = 0;
        for (size_t i = 0; i < g->nelems; i++) {
            size_t l = strlen(lv->el[g->elems[i]].prefix);
            longest = l > longest ? l : longest;
        }
        g->f0 = lv->nfac;
        for (size_t c = 0; c < e->meta->rng->n; c++) {
            const struct rg_clause *cl = &e->meta->rng->c[c];
            enum lv_field fd = field_of(cl->field);
            if (!fits(e, fd, cl))
                continue;
            struct lv_factor *f = &lv->fac[lv->nfac++];
            f->field = fd;
            f->group = k;
            f->c = cl;
            f->name = arena_alloc(&lv->a, longest + strlen(lv_field_names[fd]) + 2);
            if (!f->name)
                return KZ_ENOMEM;
            f->pub.name = f->name;
            f->pub.file = g->file;
            f->pub.line = g->at.line;
            f->pub.col = g->at.col;
            f->pub.duration = fd <= F_VALUE || fd == F_SPACING;
            f->pub.integer = fd == F_CELLS || fd == F_COPIES;
            f->pub.vals = cl->kind == RG_LIST ? cl->vals : NULL;
            f->pub.nvals = cl->kind == RG_LIST ? cl->nvals : 0;
            refresh(lv, lv->nfac - 1);
        }
        g->nf = lv->nfac - g->f0;
    }
    relist(lv);
    return 0;
}

/* A written place with a range, for counting the qualitative assumptions once each. */
struct place {
    const char *file;
    const struct meta *meta;
};

static int by_meta_place(const void *pa, const void *pb)
{
    const struct place *a = pa, *b = pb;
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (!c)
        c = (a->meta->range_pos.line > b->meta->range_pos.line) -
            (a->meta->range_pos.line < b->meta->range_pos.line);
    if (!c)
        c = (a->meta->range_pos.col > b->meta->range_pos.col) -
            (a->meta->range_pos.col < b->meta->range_pos.col);
    return c;
}

struct places {
    struct place *v;
    size_t n, cap;
};

static void put(struct places *p, const char *file, const struct meta *mt)
{
    if (has_range(mt) && p->n < p->cap)
        p->v[p->n++] = (struct place){file, mt};
}

/* The structure's other elements that may carry a range: their number, or their places. */
static size_t model_metas(const kz_model *m, struct places *p)
{
    size_t n = 1 + m->nvariants + m->nnations + m->nphases + m->ndecisions + m->nrelations +
               2 * m->nauthorities + m->nnetworks;
    for (size_t i = 0; i < m->nnodes; i++)
        n += m->nodes[i].nprofiles;
    if (!p)
        return n;
    const char *f = m->file;
    put(p, f, &m->meta);
    for (size_t i = 0; i < m->nvariants; i++)
        put(p, f, &m->variants[i].meta);
    for (size_t i = 0; i < m->nnations; i++)
        put(p, f, &m->nations[i].meta);
    for (size_t i = 0; i < m->nphases; i++)
        put(p, f, &m->phases[i].meta);
    for (size_t i = 0; i < m->ndecisions; i++)
        put(p, f, &m->decisions[i].meta);
    for (size_t i = 0; i < m->nrelations; i++)
        put(p, f, &m->relations[i].meta);
    for (size_t i = 0; i < m->nauthorities; i++) {
        put(p, f, &m->authorities[i].meta);
        put(p, f, &m->authorities[i].standing_meta);
    }
    for (size_t i = 0; i < m->nnetworks; i++)
        put(p, f, &m->networks[i].meta);
    for (size_t i = 0; i < m->nnodes; i++)
        for (size_t k = 0; k < m->nodes[i].nprofiles; k++)
            put(p, f, &m->nodes[i].profiles[k].meta);
    return n;
}

/* Clauses `alternatives: ...` over every range written, each place counted once. */
static int count_qualitative(kz_levers *lv)
{
    struct places p = {0};
    p.cap = lv->nel + (lv->m ? model_metas(lv->m, NULL) : 0);
    p.v = calloc(p.cap ? p.cap : 1, sizeof *p.v);
    if (!p.v)
        return KZ_ENOMEM;
    for (size_t i = 0; i < lv->nel; i++)
        put(&p, lv->el[i].file, lv->el[i].meta);
    if (lv->m)
        (void)model_metas(lv->m, &p);
    qsort(p.v, p.n, sizeof *p.v, by_meta_place);
    for (size_t i = 0; i < p.n; i++) {
        if (i > 0 && by_meta_place(&p.v[i - 1], &p.v[i]) == 0)
            continue;
        const struct krange *r = p.v[i].meta->rng;
        for (size_t c = 0; c < r->n; c++)
            lv->nqual += r->c[c].kind == RG_ALTERNATIVES;
    }
    free(p.v);
    return 0;
}

int lv_factors_build(kz_levers *lv)
{
    int rc = build_groups(lv);
    if (!rc)
        rc = build_factors(lv);
    if (!rc)
        rc = count_qualitative(lv);
    return rc;
}

void lv_factors_pin(kz_levers *lv, size_t i, unsigned mask)
{
    struct lv_elem *e = &lv->el[i];
    e->pinned |= mask;
    if (e->group >= 0) {
        const struct lv_group *g = &lv->grp[e->group];
        for (size_t j = g->f0; j < g->f0 + g->nf; j++)
            refresh(lv, j);
        relist(lv);
    }
    recompute(lv, i);
}

/* ---- the factor API ------------------------------------------------------------------- */

size_t kz_levers_nfactors(const kz_levers *lv)
{
    return lv ? lv->nlive : 0;
}

const struct kz_factor *kz_levers_factor(const kz_levers *lv, size_t i)
{
    return lv && i < lv->nlive ? &lv->fac[lv->live[i]].pub : NULL;
}

size_t kz_levers_nqualitative(const kz_levers *lv)
{
    return lv ? lv->nqual : 0;
}

int kz_levers_factor_set(kz_levers *lv, size_t i, double v)
{
    if (!lv || i >= lv->nlive || !isfinite(v))
        return KZ_EINVAL;
    struct lv_factor *f = &lv->fac[lv->live[i]];
    if (f->pub.vals && f->pub.nvals) {
        double best = f->pub.vals[0];
        for (size_t k = 1; k < f->pub.nvals; k++)
            if (fabs(f->pub.vals[k] - v) < fabs(best - v))
                best = f->pub.vals[k];
        v = best;
    }
    if (f->pub.integer)
        v = round(v);
    f->cur = v;
    f->active = true;
    const struct lv_group *g = &lv->grp[f->group];
    for (size_t k = 0; k < g->nelems; k++)
        recompute(lv, g->elems[k]);
    return 0;
}

void kz_levers_factor_reset(kz_levers *lv)
{
    if (!lv)
        return;
    for (size_t i = 0; i < lv->nfac; i++)
        lv->fac[i].active = false;
    for (size_t i = 0; i < lv->nel; i++)
        if (lv->el[i].group >= 0)
            recompute(lv, i);
}
