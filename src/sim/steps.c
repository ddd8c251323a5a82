/* steps.c - the simulator's per-step rows and critical-path sums. */
#include "steps.h"

#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"

enum { C = KZ_CAUSE_COUNT };

static const char *const step_kinds[] = {"share", "report", "decide", "order", "delay"};

int steps_layout_init(struct steps_layout *l, const struct plan *p)
{
    memset(l, 0, sizeof *l);
    l->nn = p->m->nnodes;
    l->row0 = calloc((size_t)p->ninst + 1, sizeof *l->row0);
    l->sofs = calloc((size_t)p->nthreads + 1, sizeof *l->sofs);
    if (!l->row0 || !l->sofs)
        return KZ_ENOMEM;
    for (int t = 0; t < p->nthreads; t++) {
        const struct pthread *pt = &p->threads[t];
        l->sofs[t] = (int)l->nsteps;
        l->nsteps += (size_t)pt->nsteps;
        for (int c = 0; c < pt->src->copies; c++) {
            l->row0[pt->first_inst + c] = (int)l->nrow;
            l->nrow += (size_t)pt->nsteps;
        }
    }
    return 0;
}

void steps_layout_free(struct steps_layout *l)
{
    free(l->row0);
    free(l->sofs);
}

int steps_acc_init(struct steps_acc *a, const struct steps_layout *l, int nthreads)
{
    size_t s = l->nsteps + 1, t = (size_t)nthreads + 1;
    a->step_us = calloc(s, sizeof *a->step_us);
    a->step_cause = calloc(s * C, sizeof *a->step_cause);
    a->step_node = calloc(s * (l->nn + 1), sizeof *a->step_node);
    a->thread_cause = calloc(t * C, sizeof *a->thread_cause);
    a->thread_node = calloc(t * (l->nn + 1) * C, sizeof *a->thread_node);
    return a->step_us && a->step_cause && a->step_node && a->thread_cause && a->thread_node
               ? 0
               : KZ_ENOMEM;
}

void steps_acc_free(struct steps_acc *a)
{
    free(a->step_us);
    free(a->step_cause);
    free(a->step_node);
    free(a->thread_cause);
    free(a->thread_node);
}

static void add_all(int64_t *d, const int64_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] += s[i];
}

void steps_acc_merge(struct steps_acc *d, const struct steps_acc *s, const struct steps_layout *l,
                     int nthreads)
{
    size_t t = (size_t)nthreads;
    add_all(d->step_us, s->step_us, l->nsteps);
    add_all(d->step_cause, s->step_cause, l->nsteps * C);
    add_all(d->step_node, s->step_node, l->nsteps * l->nn);
    add_all(d->thread_cause, s->thread_cause, t * C);
    add_all(d->thread_node, s->thread_node, t * l->nn * C);
}

int steps_run_init(struct steps_run *r, const struct steps_layout *l, const struct plan *p)
{
    memset(r, 0, sizeof *r);
    r->ninst = (size_t)p->ninst;
    r->rows = r->own = calloc(l->nrow + 1, sizeof *r->rows);
    r->inst_node = calloc(r->ninst * l->nn * C + 1, sizeof *r->inst_node);
    r->scratch = calloc(l->nn * C + 1, sizeof *r->scratch);
    return r->rows && r->inst_node && r->scratch ? 0 : KZ_ENOMEM;
}

void steps_run_free(struct steps_run *r)
{
    free(r->own);
    free(r->inst_node);
    free(r->scratch);
    free(r->touched);
    free(r->dirty);
}

/* Adds to one entry of inst_node, remembering it for the next reset. */
static int inst_add(struct steps_run *r, size_t at, int64_t us)
{
    if (r->inst_node[at] == 0) {
        if (r->ndirty == r->capdirty) {
            uint32_t *d = kz_grow(r->dirty, &r->capdirty, r->ndirty + 1, sizeof *d);
            if (!d)
                return KZ_ENOMEM;
            r->dirty = d;
        }
        r->dirty[r->ndirty++] = (uint32_t)at;
    }
    r->inst_node[at] += us;
    return 0;
}

void steps_run_reset(struct steps_run *r, const struct steps_layout *l, const struct plan *p,
                     long run)
{
    for (size_t k = 0; k < r->ndirty; k++)
        r->inst_node[r->dirty[k]] = 0;
    r->ndirty = 0;
    for (int t = 0; t < p->nthreads; t++) {
        const struct pthread *pt = &p->threads[t];
        for (int c = 0; c < pt->src->copies; c++)
            for (int s = 0; s < pt->nsteps; s++) {
                struct kz_step_row *w = &r->rows[l->row0[pt->first_inst + c] + s];
                memset(w, 0, sizeof *w);
                *w = (struct kz_step_row){.run = run, .thread = t, .copy = c, .step = s,
                                          .kind = step_kinds[pt->steps[s].kind],
                                          .start_s = -1, .end_s = -1, .node = -1, .cause = -1};
            }
    }
}

int64_t steps_sum_top(const int64_t *v, int n, int *top)
{
    int64_t sum = 0, most = 0;
    *top = -1;
    for (int i = 0; i < n; i++) {
        sum += v[i];
        if (v[i] > most) {
            most = v[i];
            *top = i;
        }
    }
    return sum;
}

/* The step's node with the most critical-path time, and that node's largest cause in it. */
static void top_node(struct steps_run *r, struct kz_step_row *w)
{
    int64_t best = 0;
    for (size_t k = 0; k < r->ntouched; k++) {
        int cause;
        int64_t sum = steps_sum_top(&r->scratch[(size_t)r->touched[k] * C], C, &cause);
        if (sum > best) {
            best = sum;
            w->node = r->touched[k];
            w->cause = cause;
        }
    }
    for (size_t k = 0; k < r->ntouched; k++)
        memset(&r->scratch[(size_t)r->touched[k] * C], 0, C * sizeof *r->scratch);
    r->ntouched = 0;
}

static int touch(struct steps_run *r, int node, int cause, int64_t us)
{
    int64_t *v = &r->scratch[(size_t)node * C];
    bool fresh = true;
    for (int c = 0; c < C && fresh; c++)
        fresh = v[c] == 0;
    if (fresh) {
        if (r->ntouched == r->captouched) {
            int32_t *t = kz_grow(r->touched, &r->captouched, r->ntouched + 1, sizeof *t);
            if (!t)
                return KZ_ENOMEM;
            r->touched = t;
        }
        r->touched[r->ntouched++] = node;
    }
    v[cause] += us;
    return 0;
}

int steps_on_end(struct steps_run *r, const struct steps_layout *l, const struct plan *p,
                 const struct engine *e, int32_t path, const struct dir_step_end *se)
{
    const struct pthread *pt = &p->threads[se->thread];
    struct kz_step_row *w = &r->rows[l->row0[se->inst] + se->step];
    w->start_s = (double)se->t_begin * 1e-6;
    w->end_s = (double)se->t_end * 1e-6;
    bool on_thread = se->step <= pt->src->deadline_at;
    size_t in = (size_t)se->inst * l->nn * C;
    int64_t cause[C] = {0};
    if (se->delay)
        cause[KZ_CAUSE_EXTERNAL] = se->t_end - se->t_begin;
    if (se->legal_us > 0) {
        cause[KZ_CAUSE_LEGAL] += se->legal_us;
        if (se->legal_node >= 0) {
            if (on_thread && inst_add(r, in + (size_t)se->legal_node * C + KZ_CAUSE_LEGAL,
                                      se->legal_us))
                return KZ_ENOMEM;
            if (touch(r, se->legal_node, KZ_CAUSE_LEGAL, se->legal_us))
                return KZ_ENOMEM;
        }
    }
    int node, c;
    int64_t us;
    while (!se->delay && eng_path_next(e, &path, &node, &c, &us)) {
        cause[c] += us;
        if (node < 0)
            continue;
        if (on_thread && inst_add(r, in + (size_t)node * C + (size_t)c, us))
            return KZ_ENOMEM;
        if (touch(r, node, c, us))
            return KZ_ENOMEM;
    }
    for (int k = 0; k < C; k++)
        w->cause_s[k] = (double)cause[k] * 1e-6;
    top_node(r, w);
    return 0;
}

void steps_fold(struct steps_acc *a, const struct steps_run *r, const struct steps_layout *l,
                const struct plan *p, int t, int slow)
{
    const struct pthread *pt = &p->threads[t];
    int ii = pt->first_inst + slow;
    for (int s = 0; s < pt->nsteps; s++) {
        const struct kz_step_row *w = &r->rows[l->row0[ii] + s];
        if (w->end_s < 0)
            continue;
        size_t g = (size_t)l->sofs[t] + (size_t)s;
        int64_t took = 0;
        for (int c = 0; c < C; c++) {
            int64_t us = (int64_t)(w->cause_s[c] * 1e6 + 0.5);
            a->step_cause[g * C + (size_t)c] += us;
            took += us;
            if (s <= pt->src->deadline_at)
                a->thread_cause[(size_t)t * C + (size_t)c] += us;
        }
        a->step_us[g] += took;
        if (w->node >= 0)
            a->step_node[g * l->nn + (size_t)w->node] += took;
    }
    /* the copy's entries that this replication set (the rest are zero) */
    size_t lo = (size_t)ii * l->nn * C, hi = lo + l->nn * C;
    int64_t *d = &a->thread_node[(size_t)t * l->nn * C];
    for (size_t k = 0; k < r->ndirty; k++)
        if (r->dirty[k] >= lo && r->dirty[k] < hi)
            d[r->dirty[k] - lo] += r->inst_node[r->dirty[k]];
}

void steps_result(const struct steps_acc *a, const struct steps_layout *l, const struct plan *p,
                  int t, int64_t done, struct kz_thread_stats *ts, struct kz_step_stats *st)
{
    const struct pthread *pt = &p->threads[t];
    double k = done > 0 ? (double)done : 1;
    ts->cp_node = -1;
    int64_t best = 0;
    for (size_t n = 0; n < l->nn; n++) {
        int cause;
        int64_t sum = steps_sum_top(&a->thread_node[((size_t)t * l->nn + n) * C], C, &cause);
        if (sum > best) {
            best = sum;
            ts->cp_node = (int)n;
            ts->cp_node_id = p->m->nodes[n].id;
            ts->cp_node_s = (double)sum / k * 1e-6;
            ts->cp_cause = kz_cause_names[cause];
        }
    }
    for (int c = 0; c < C; c++)
        ts->cause_s[c] = (double)a->thread_cause[(size_t)t * C + (size_t)c] / k * 1e-6;
    for (int s = 0; s < pt->nsteps; s++) {
        size_t g = (size_t)l->sofs[t] + (size_t)s;
        struct kz_step_stats *o = &st[s];
        o->id = pt->src->steps[s].id;
        o->kind = step_kinds[pt->steps[s].kind];
        o->mean_s = (double)a->step_us[g] / k * 1e-6;
        for (int c = 0; c < C; c++)
            o->cause_s[c] = (double)a->step_cause[g * C + (size_t)c] / k * 1e-6;
        o->node = -1;
        int64_t top = 0;
        for (size_t n = 0; n < l->nn; n++)
            if (a->step_node[g * l->nn + n] > top) {
                top = a->step_node[g * l->nn + n];
                o->node = (int)n;
                o->node_id = p->m->nodes[n].id;
            }
    }
}
