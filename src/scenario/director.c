/* director.c - the rules of a scenario run, once, over any clock and any actuator. */
#include "director.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"

#define MAX_DECIDE_STEPS 64 /* steps whose decider an order without `by` may name */

struct dinst {
    int thread, copy, step, pending;
    int64_t t_start, t_mark; /* started; end of the deadline step (-1: not reached) */
    int64_t t_step;          /* the current step began */
    int64_t legal_wait;      /* the current step sat parked this long before it began */
    struct rng rng;          /* this copy's own stream: its delays */
    int64_t t_parked;        /* waiting for a phase that permits the decision, since */
    int64_t deadline_us;
    bool stopped, parked, finished;
    int stopped_step;
    const char *why;
    int decider[MAX_DECIDE_STEPS]; /* per step: who decided (decide steps) */
};

struct director {
    const struct plan *p;
    struct kz_clock clock;
    struct dir_actuator act;
    struct rng *rng;
    struct dinst *inst;
    int64_t *legal_us; /* [thread][node] */
    int *exec;         /* an order's executors, as many as the largest authority names */
    int *at_stream;    /* [n_at]: the background stream of each fixed time, in stream order */
    struct rng *bg_rng; /* [nbg]: each Poisson stream's own */
    size_t n_at;
    int active, phase;
    bool legal_any; /* some legal wait this run (legal_us is not all zero) */
};

static const char LEGAL_WHY[] = "no authority holds this decision in this phase (legal gate)";
static const char NO_EXEC_WHY[] = "no executors: the authority names none in this phase";

int dir_create(const struct plan *p, struct director **out)
{
    *out = NULL;
    struct director *d = calloc(1, sizeof *d);
    if (!d)
        return KZ_ENOMEM;
    d->p = p;
    d->inst = calloc((size_t)p->ninst + 1, sizeof *d->inst);
    d->legal_us = calloc((size_t)p->nthreads * p->m->nnodes + 1, sizeof *d->legal_us);
    size_t nexec = 1;
    for (size_t i = 0; i < p->m->nauthorities; i++)
        if (p->m->authorities[i].executors.n > nexec)
            nexec = p->m->authorities[i].executors.n;
    d->exec = calloc(nexec, sizeof *d->exec);
    for (int i = 0; i < p->nbg; i++)
        d->n_at += p->bg[i].nat;
    d->at_stream = calloc(d->n_at + 1, sizeof *d->at_stream);
    d->bg_rng = calloc((size_t)p->nbg + 1, sizeof *d->bg_rng);
    if (!d->inst || !d->legal_us || !d->exec || !d->at_stream || !d->bg_rng) {
        dir_free(d);
        return KZ_ENOMEM;
    }
    *out = d;
    return 0;
}

void dir_free(struct director *d)
{
    if (!d)
        return;
    free(d->inst);
    free(d->legal_us);
    free(d->exec);
    free(d->at_stream);
    free(d->bg_rng);
    free(d);
}

void dir_bind(struct director *d, const struct kz_clock *clock, const struct dir_actuator *act,
              struct rng *rng)
{
    d->clock = *clock;
    d->act = *act;
    d->rng = rng;
}

int dir_active(const struct director *d) { return d->active; }
int dir_phase(const struct director *d) { return d->phase; }

static int64_t now_us(const struct director *d) { return d->clock.now(d->clock.ctx).us; }

static int at(struct director *d, int64_t t, unsigned kind, uint32_t arg)
{
    return d->clock.at(d->clock.ctx, (kz_time){t}, kind, arg);
}

static void note(struct director *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct director *d, const char *fmt, ...)
{
    if (!d->act.note)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    d->act.note(d->act.ctx, line);
}

static const char *thread_id(const struct director *d, const struct dinst *in)
{
    return d->p->threads[in->thread].src->id;
}

/* ---- threads of steps --------------------------------------------------------------- */

static void inst_finish(struct director *d, struct dinst *in)
{
    if (!in->finished) {
        in->finished = true;
        d->active--;
    }
}

static void inst_stop(struct director *d, struct dinst *in, const char *why)
{
    in->stopped = true;
    in->stopped_step = in->step;
    in->why = why;
    note(d, "thread %s[%d] step %d stopped: %s", thread_id(d, in), in->copy, in->step + 1, why);
    inst_finish(d, in);
}

static int start_step(struct director *d, int ii);

/* A later phase change permits the decision (the legal gate will open). */
static bool legal_later(const struct director *d, const struct pstep *ps)
{
    const struct plan *p = d->p;
    int64_t now = now_us(d);
    for (int i = 0; i < p->nchanges; i++)
        if (p->changes[i].at_us > now &&
            eng_authority_of(p->m, ps->decision, ps->assets, p->changes[i].phase))
            return true;
    return false;
}

static int step_end(struct director *d, int ii)
{
    struct dinst *in = &d->inst[ii];
    const struct pthread *pt = &d->p->threads[in->thread];
    if (d->act.step_end) {
        const struct pstep *ps = &pt->steps[in->step];
        struct dir_step_end se = {ii,          in->thread,  in->copy,
                                  in->step,    in->t_step,  now_us(d),
                                  in->legal_wait, in->legal_wait > 0 ? ps->by : -1,
                                  ps->kind == ST_DELAY};
        d->act.step_end(d->act.ctx, &se);
    }
    note(d, "thread %s[%d] step %d (%s) done", pt->src->id, in->copy, in->step + 1,
         pt->steps[in->step].label ? pt->steps[in->step].label : "-");
    if (in->step == pt->src->deadline_at)
        in->t_mark = now_us(d);
    in->step++;
    return start_step(d, ii);
}

/* A decide step: the legal gate now, and parking until a phase change opens it. */
static int start_decide(struct director *d, int ii, struct dir_act *a)
{
    struct dinst *in = &d->inst[ii];
    const struct pstep *ps = a->ps;
    const struct kz_model *m = d->p->m;
    in->pending = 1;
    if (!eng_authority_of(m, ps->decision, ps->assets, d->phase)) {
        if (legal_later(d, ps)) {
            in->parked = true;
            in->t_parked = now_us(d);
            note(d, "thread %s[%d] waits: %s is not permitted or held in phase %s",
                 thread_id(d, in), in->copy, m->decisions[ps->decision].id,
                 m->phases[d->phase].id);
            return 0;
        }
        inst_stop(d, in, LEGAL_WHY);
        return 0;
    }
    return d->act.request(d->act.ctx, a);
}

/* An order step: the decider, and the executors when the step names none. */
static int start_order(struct director *d, int ii, struct dir_act *a)
{
    struct dinst *in = &d->inst[ii];
    const struct pstep *ps = a->ps;
    a->node = ps->by >= 0 ? ps->by : in->decider[ps->decide_step];
    if (!a->to) {
        const struct authority *au = eng_authority_of(d->p->m, ps->decision, ps->assets, d->phase);
        if (!au || au->executors.n == 0) {
            inst_stop(d, in, NO_EXEC_WHY);
            return 0;
        }
        a->nto = 0;
        for (size_t i = 0; i < au->executors.n; i++)
            d->exec[a->nto++] = au->executors.v[i].idx;
        a->to = d->exec; /* valid during the call (eng_order copies them) */
    }
    in->pending = ps->until_first ? 1 : a->nto;
    return d->act.order(d->act.ctx, a);
}

static int start_step(struct director *d, int ii)
{
    struct dinst *in = &d->inst[ii];
    const struct pthread *pt = &d->p->threads[in->thread];
    if (in->step >= pt->nsteps) {
        inst_finish(d, in);
        return 0;
    }
    const struct pstep *ps = &pt->steps[in->step];
    in->legal_wait = 0;
    if (in->parked) { /* the legal gate held it: a `legal` wait at the requester */
        in->legal_wait = now_us(d) - in->t_parked;
        if (ps->by >= 0)
            d->legal_us[(size_t)in->thread * d->p->m->nnodes + (size_t)ps->by] += in->legal_wait;
        d->legal_any = d->legal_any || in->legal_wait > 0;
    }
    in->parked = false;
    in->t_step = in->legal_wait ? in->t_parked : now_us(d);
    note(d, "thread %s[%d] step %d (%s) begins", pt->src->id, in->copy, in->step + 1,
         ps->label ? ps->label : "-");
    struct dir_act a = {ps, pt->src->id, ii, in->copy, in->step, ps->from, ps->to, ps->nto};
    switch (ps->kind) {
    case ST_SHARE:
    case ST_REPORT:
        in->pending = ps->until_first ? 1 : ps->nto;
        if (ps->nto == 0)
            return step_end(d, ii);
        return d->act.share(d->act.ctx, &a);
    case ST_DECIDE:
        a.node = ps->by;
        return start_decide(d, ii, &a);
    case ST_ORDER:
        return start_order(d, ii, &a);
    case ST_DELAY:
        return at(d, now_us(d) + rng_dist_us(&in->rng, &ps->delay), DIR_EV_DELAY_DONE,
                  (uint32_t)ii);
    }
    return KZ_EINVAL;
}

int dir_done(struct director *d, uint32_t tag, uint32_t aux, bool ok, int node,
             const char *why)
{
    if (tag >= (uint32_t)d->p->ninst)
        return 0;
    struct dinst *in = &d->inst[tag];
    if (in->finished || in->step != (int)aux)
        return 0; /* a later answer to a step already over (until: first, or the delegate won) */
    if (!ok) {
        inst_stop(d, in, why ? why : "infeasible");
        return 0;
    }
    const struct pstep *ps = &d->p->threads[in->thread].steps[in->step];
    if (ps->kind == ST_DECIDE && in->step < MAX_DECIDE_STEPS)
        in->decider[in->step] = node;
    if (--in->pending > 0)
        return 0;
    return step_end(d, (int)tag);
}

/* ---- the world ------------------------------------------------------------------------- */

static int schedule_bg_rate(struct director *d, int i)
{
    const struct pbg *b = &d->p->bg[i];
    int64_t now = now_us(d);
    int64_t t = now < b->from_us ? b->from_us : now;
    t += (int64_t)(rng_exp(&d->bg_rng[i], 1.0 / b->rate_per_s) * 1e6);
    if (t > b->until_us)
        return 0;
    return at(d, t, DIR_EV_BG_RATE, (uint32_t)i);
}

static int phase_change(struct director *d, int phase)
{
    d->phase = phase;
    int rc = d->act.phase(d->act.ctx, phase);
    if (rc)
        return rc;
    note(d, "phase changes to %s", d->p->m->phases[phase].id);
    for (int i = 0; i < d->p->ninst && !rc; i++)
        if (d->inst[i].parked && !d->inst[i].finished)
            rc = start_step(d, i);
    return rc;
}

int dir_fire(struct director *d, unsigned kind, uint32_t arg)
{
    const struct plan *p = d->p;
    switch (kind) {
    case DIR_EV_INST_START:
        if (arg >= (uint32_t)p->ninst)
            return KZ_EINVAL;
        d->inst[arg].t_start = now_us(d);
        return start_step(d, (int)arg);
    case DIR_EV_DELAY_DONE:
        return arg < (uint32_t)p->ninst ? step_end(d, (int)arg) : KZ_EINVAL;
    case DIR_EV_PHASE:
        return arg < (uint32_t)p->nchanges ? phase_change(d, p->changes[arg].phase) : KZ_EINVAL;
    case DIR_EV_OUT_DOWN:
    case DIR_EV_OUT_UP: {
        if (arg >= (uint32_t)p->noutages)
            return KZ_EINVAL;
        const struct poutage *o = &p->outages[arg];
        bool down = kind == DIR_EV_OUT_DOWN;
        note(d, "outage %u (%s of %d) %s", (unsigned)arg + 1,
             (const char *[]){"node", "network", "link", "cut"}[o->kind], o->n,
             down ? "begins" : "ends");
        return d->act.outage(d->act.ctx, (int)arg, o, down);
    }
    case DIR_EV_BG_RATE: {
        if (arg >= (uint32_t)p->nbg)
            return KZ_EINVAL;
        int rc = d->act.load(d->act.ctx, &p->bg[arg]);
        return rc ? rc : schedule_bg_rate(d, (int)arg);
    }
    case DIR_EV_BG_AT:
        return arg < d->n_at ? d->act.load(d->act.ctx, &p->bg[d->at_stream[arg]]) : KZ_EINVAL;
    default:
        return KZ_EINVAL;
    }
}

int dir_start(struct director *d)
{
    const struct plan *p = d->p;
    d->phase = p->phase0;
    if (d->legal_any)
        memset(d->legal_us, 0, (size_t)p->nthreads * p->m->nnodes * sizeof *d->legal_us);
    d->legal_any = false;
    int rc = 0;
    for (int i = 0; i < p->nchanges && !rc; i++)
        rc = at(d, p->changes[i].at_us, DIR_EV_PHASE, (uint32_t)i);
    for (int i = 0; i < p->noutages && !rc; i++) {
        const struct poutage *o = &p->outages[i];
        int64_t t = rng_dist_us(d->rng, o->at);
        rc = at(d, t, DIR_EV_OUT_DOWN, (uint32_t)i);
        if (!rc && o->dur)
            rc = at(d, t + rng_dist_us(d->rng, o->dur), DIR_EV_OUT_UP, (uint32_t)i);
    }
    size_t f = 0; /* the fixed times, numbered over all streams */
    for (int i = 0; i < p->nbg && !rc; i++) {
        const struct pbg *b = &p->bg[i];
        rng_seed(&d->bg_rng[i], rng_next(d->rng), (uint64_t)i);
        if (b->rate_per_s > 0)
            rc = schedule_bg_rate(d, i);
        for (size_t k = 0; k < b->nat && !rc; k++, f++) {
            d->at_stream[f] = i;
            rc = f > UINT32_MAX ? KZ_ELIMIT
                                : at(d, (int64_t)(b->at[k] * 1e6), DIR_EV_BG_AT, (uint32_t)f);
        }
    }
    d->active = p->ninst;
    for (int t = 0; t < p->nthreads && !rc; t++) {
        const struct pthread *pt = &p->threads[t];
        int64_t start = rng_dist_us(d->rng, &pt->src->start);
        int64_t deadline = rng_dist_us(d->rng, &pt->src->deadline);
        for (int c = 0; c < pt->src->copies && !rc; c++) {
            int ii = pt->first_inst + c;
            struct dinst *in = &d->inst[ii];
            memset(in, 0, sizeof *in);
            in->thread = t;
            in->copy = c;
            in->t_mark = -1;
            in->stopped_step = -1;
            in->deadline_us = pt->src->deadline_each && c > 0
                                  ? rng_dist_us(d->rng, &pt->src->deadline)
                                  : deadline;
            rng_seed(&in->rng, rng_next(d->rng), (uint64_t)ii);
            rc = at(d, start + (int64_t)(pt->src->spacing * 1e6) * c, DIR_EV_INST_START,
                    (uint32_t)ii);
        }
    }
    return rc;
}

/* ---- the fold -------------------------------------------------------------------------- */

void dir_outcome(const struct director *d, int thread, struct dir_outcome *o)
{
    const struct pthread *pt = &d->p->threads[thread];
    *o = (struct dir_outcome){.done = true, .met = true, .stopped_step = -1};
    int64_t dl = 0;
    for (int c = 0; c < pt->src->copies; c++) {
        const struct dinst *in = &d->inst[pt->first_inst + c];
        dl += in->deadline_us;
        if (in->t_mark < 0) {
            o->done = o->met = false;
            if (in->stopped) {
                o->infeasible = true;
                o->why = in->why;
            }
            if (o->stopped_step < 0)
                o->stopped_step = in->stopped ? in->stopped_step : in->step;
            continue;
        }
        int64_t took = in->t_mark - in->t_start;
        if (took > o->took_us || c == 0) {
            o->took_us = took;
            o->slow_copy = c;
        }
        if (took > in->deadline_us)
            o->met = false;
    }
    o->deadline_us = dl / pt->src->copies;
    if (!o->done)
        o->took_us = 0;
}

bool dir_legal_any(const struct director *d) { return d->legal_any; }

int64_t dir_legal_us(const struct director *d, int thread, int node)
{
    return d->legal_us[(size_t)thread * d->p->m->nnodes + (size_t)node];
}
