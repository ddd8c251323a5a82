/* run.c - the simulator shell: virtual clock and network for the engine, replications, Monte Carlo. */
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/des.h"
#include "kizuna/error.h"
#include "kizuna/sim.h"
#include "scenario/plan.h"
#include "core/rng.h"
#include "stats.h"

/* Driver events; the engine's own kinds are below 16. */
enum {
    EV_ARRIVE = 16,   /* arg: message; the hop's receiver is in w->hop_to */
    EV_INST_START,    /* arg: instance */
    EV_DELAY_DONE,    /* arg: instance */
    EV_PHASE,         /* arg: phase change */
    EV_OUT_DOWN,      /* arg: outage */
    EV_OUT_UP,        /* arg: outage */
    EV_BG_RATE,       /* arg: background stream */
    EV_BG_AT,         /* arg: stream << 16 | time index */
};

#define CHUNK 32 /* replications handed to a worker at a time */

struct inst {
    int thread, copy, step, pending;
    int64_t t_start, t_mark; /* started; end of the deadline step (-1: not reached) */
    int64_t t_parked;        /* waiting for a phase that permits the decision, since */
    int64_t deadline_us;
    bool stopped, parked, finished;
    int stopped_step;
    const char *why;
    int decider[64]; /* per step: who decided (decide steps) */
};

/* What one worker adds up over its replications; integers only (see stats.h). */
struct acc {
    struct hist *hist; /* [thread] */
    int64_t *n_done, *n_met, *n_infeasible;
    int64_t *sum_us, *sum_deadline_us;
    u128 *sumsq;
    long *why_run; /* run of the first infeasible reason seen, for a deterministic pick */
    const char **why;
    int64_t *busy_us, *wait_us, *jobs; /* [node] */
    int64_t *thread_wait_us;          /* [thread][node][WAIT_COUNT] */
    int64_t span_us;                  /* simulated time summed over runs */
    uint64_t events;
};

struct kz_sim_result {
    struct kz_sim_totals tot;
    size_t nthreads, nnodes;
    struct kz_thread_stats *th;
    struct kz_node_stats *nodes;
    struct hist *hist;
    struct kz_run_row *rows; /* [run][thread] when kept */
    long nrows;
};

struct worker {
    const struct plan *p;
    struct engine *eng;
    struct des q;
    struct rng rng;
    struct inst *inst;
    uint32_t *hop_to;
    uint32_t caphop;
    struct acc acc;
    struct eng_stats est;
    int active;        /* instances not finished */
    int phase;         /* the legal phase now */
    int err;
    long run;
    FILE *trace;
    struct kz_run_row *rows;
    /* Monte Carlo */
    struct mc *mc;
} __attribute__((aligned(128))); /* workers never share a cache line */

/* ---- clock and transport for the engine ---------------------------------------- */

static kz_time clk_now(void *ctx) { return des_now(&((struct worker *)ctx)->q); }

static int clk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    struct worker *w = ctx;
    return des_push(&w->q, t.us, kind, arg) ? KZ_ENOMEM : 0;
}

static int net_send(void *ctx, uint32_t msg, int from, int to, int net)
{
    struct worker *w = ctx;
    const struct kz_model *m = w->p->m;
    if (msg >= w->caphop) {
        uint32_t cap = w->caphop ? w->caphop : 256;
        while (cap <= msg)
            cap *= 2;
        uint32_t *v = realloc(w->hop_to, cap * sizeof *v);
        if (!v)
            return KZ_ENOMEM;
        w->hop_to = v;
        w->caphop = cap;
    }
    w->hop_to[msg] = (uint32_t)to;
    double lat = eng_prop_s(w->eng, from, to, net) + rng_dist(&w->rng, &m->networks[net].overhead);
    int64_t us = (int64_t)(lat * 1e6 + 0.5);
    return des_push(&w->q, w->q.now + us, EV_ARRIVE, msg) ? KZ_ENOMEM : 0;
}

/* ---- trace output ---------------------------------------------------------------- */

static void fmt_t(int64_t us, char *buf, size_t n)
{
    int64_t s = us / 1000000, ms = (us % 1000000) / 1000;
    snprintf(buf, n, "%3lld:%02lld:%02lld.%03lld", (long long)(s / 3600), (long long)(s / 60 % 60),
             (long long)(s % 60), (long long)ms);
}

static void fmt_dur(double s, char *buf, size_t n)
{
    if (s < 60)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

static const char *nid(const struct worker *w, int i)
{
    return i >= 0 && (size_t)i < w->p->m->nnodes ? w->p->m->nodes[i].id : "-";
}

static void tr_line(struct worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tr_line(struct worker *w, const char *fmt, ...)
{
    char t[32];
    fmt_t(w->q.now, t, sizeof t);
    fprintf(w->trace, "%s  ", t);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(w->trace, fmt, ap);
    va_end(ap);
    fputc('\n', w->trace);
}

static const char *thread_label(const struct worker *w, int32_t th)
{
    return th >= 0 && th < w->p->nthreads ? w->p->threads[th].src->id : "background";
}

static void on_trace(void *ctx, const struct trace_rec *r)
{
    struct worker *w = ctx;
    const struct kz_model *m = w->p->m;
    const char *act = r->action >= 0 ? kz_action_names[r->action] : "";
    char msg[96] = "", a[32], b[32];
    if (r->hdr)
        snprintf(msg, sizeof msg, "#%u %s %s", (unsigned)r->msg, thread_label(w, r->hdr->thread),
                 eng_msg_kind_names[r->hdr->kind]);
    switch (r->what) {
    case TR_CREATE:
        tr_line(w, "%-28s created at %s%s%s", msg, nid(w, r->node), r->peer >= 0 ? " for " : "",
                r->peer >= 0 ? nid(w, r->peer) : "");
        break;
    case TR_QUEUE:
        break; /* TR_START says how long it queued */
    case TR_START:
        fmt_dur(r->dur_s, b, sizeof b);
        if (r->wait_s > 0) {
            fmt_dur(r->wait_s, a, sizeof a);
            tr_line(w, "%-28s %s starts %s (%s), after waiting %s in queue", msg, nid(w, r->node),
                    act, b, a);
        } else {
            tr_line(w, "%-28s %s starts %s (%s)%s", msg, nid(w, r->node), act, b,
                    r->action == ACT_REVIEW ? " - foreign-disclosure review" : "");
        }
        break;
    case TR_RECALL:
        fmt_dur(r->dur_s, b, sizeof b);
        tr_line(w, "%-28s %s off-hours: recalling the principal to %s (%s)", msg, nid(w, r->node),
                act, b);
        break;
    case TR_DONE:
        break;
    case TR_SEND:
        tr_line(w, "%-28s %s -> %s over %s", msg, nid(w, r->node), nid(w, r->peer),
                m->networks[r->network].id);
        break;
    case TR_ARRIVE:
        tr_line(w, "%-28s arrives at %s", msg, nid(w, r->node));
        break;
    case TR_BLOCKED:
        tr_line(w, "%-28s %s has no route now (outage): waits for the link", msg, nid(w, r->node));
        break;
    case TR_UNBLOCKED:
        fmt_dur(r->wait_s, a, sizeof a);
        tr_line(w, "%-28s %s route open again after %s (link wait)", msg, nid(w, r->node), a);
        break;
    case TR_REFUSED:
        tr_line(w, "%-28s %s -> %s refused: %s", msg, nid(w, r->node), nid(w, r->peer), r->text);
        break;
    case TR_DELEGATE:
        tr_line(w, "%-28s %s takes the decision from %s: %s", "delegation", nid(w, r->node),
                nid(w, r->peer), r->text);
        break;
    case TR_DECIDED:
        tr_line(w, "%-28s %s decided%s%s", msg, nid(w, r->node), r->text ? " " : "",
                r->text ? r->text : "");
        break;
    case TR_EXECUTED:
        tr_line(w, "%-28s %s executed the order", msg, nid(w, r->node));
        break;
    }
}

/* ---- threads of steps --------------------------------------------------------------- */

static void inst_finish(struct worker *w, struct inst *in)
{
    if (!in->finished) {
        in->finished = true;
        w->active--;
    }
}

static void inst_stop(struct worker *w, struct inst *in, const char *why)
{
    in->stopped = true;
    in->stopped_step = in->step;
    in->why = why;
    if (w->trace)
        tr_line(w, "thread %s[%d] step %d stopped: %s", w->p->threads[in->thread].src->id, in->copy,
                in->step + 1, why);
    inst_finish(w, in);
}

static int start_step(struct worker *w, int ii);

static bool legal_later(const struct worker *w, const struct pstep *ps)
{
    const struct plan *p = w->p;
    for (int i = 0; i < p->nchanges; i++)
        if (p->changes[i].at_us > w->q.now &&
            eng_authority(w->eng, ps->decision, ps->assets, p->changes[i].phase))
            return true;
    return false;
}

static int step_end(struct worker *w, int ii)
{
    struct inst *in = &w->inst[ii];
    const struct pthread *pt = &w->p->threads[in->thread];
    if (w->trace)
        tr_line(w, "thread %s[%d] step %d (%s) done", pt->src->id, in->copy, in->step + 1,
                pt->steps[in->step].label ? pt->steps[in->step].label : "-");
    if (in->step == pt->src->deadline_at)
        in->t_mark = w->q.now;
    in->step++;
    return start_step(w, ii);
}

static int start_step(struct worker *w, int ii)
{
    struct inst *in = &w->inst[ii];
    const struct pthread *pt = &w->p->threads[in->thread];
    if (in->step >= pt->nsteps) {
        inst_finish(w, in);
        return 0;
    }
    const struct pstep *ps = &pt->steps[in->step];
    uint32_t tag = (uint32_t)ii, aux = (uint32_t)in->step;
    if (in->parked && ps->by >= 0) /* the legal gate held it: a `legal` wait at the requester */
        w->acc.thread_wait_us[((size_t)in->thread * w->p->m->nnodes + (size_t)ps->by) *
                                  WAIT_COUNT +
                              WAIT_LEGAL] += w->q.now - in->t_parked;
    in->parked = false;
    if (w->trace)
        tr_line(w, "thread %s[%d] step %d (%s) begins", pt->src->id, in->copy, in->step + 1,
                ps->label ? ps->label : "-");
    switch (ps->kind) {
    case ST_SHARE:
    case ST_REPORT:
        in->pending = ps->until_first ? 1 : ps->nto;
        if (ps->nto == 0)
            return step_end(w, ii);
        return eng_share(w->eng, ps->msg, ps->from, ps->to, ps->nto, &ps->attr, tag, aux);
    case ST_DECIDE:
        in->pending = 1;
        if (!eng_authority(w->eng, ps->decision, ps->assets, w->phase)) {
            if (legal_later(w, ps)) {
                in->parked = true; /* the legal gate: wait for the phase that permits it */
                in->t_parked = w->q.now;
                if (w->trace)
                    tr_line(w, "thread %s[%d] waits: %s is not permitted or held in phase %s",
                            pt->src->id, in->copy, w->p->m->decisions[ps->decision].id,
                            w->p->m->phases[w->phase].id);
                return 0;
            }
            inst_stop(w, in, "no authority holds this decision in this phase (legal gate)");
            return 0;
        }
        return eng_request(w->eng, ps->decision, ps->assets, ps->by, &ps->attr, tag, aux);
    case ST_ORDER: {
        int decider = ps->by >= 0 ? ps->by : in->decider[ps->decide_step];
        const int *to = ps->to;
        int nto = ps->nto;
        int ex[64]; /* the authority's executors (eng_order copies them) */
        if (!to) {
            const struct authority *au =
                eng_authority(w->eng, ps->decision, ps->assets, w->phase);
            if (!au || au->executors.n == 0) {
                inst_stop(w, in, "no executors: the authority names none in this phase");
                return 0;
            }
            nto = 0;
            for (size_t i = 0; i < au->executors.n && i < 64; i++)
                ex[nto++] = au->executors.v[i].idx;
            to = ex;
        }
        in->pending = ps->until_first ? 1 : nto;
        return eng_order(w->eng, ps->decision, decider, to, nto, &ps->attr, tag, aux);
    }
    case ST_DELAY:
        return des_push(&w->q, w->q.now + rng_dist_us(&w->rng, &ps->delay), EV_DELAY_DONE,
                        (uint32_t)ii)
                   ? KZ_ENOMEM
                   : 0;
    }
    return KZ_EINVAL;
}

static void on_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                    const char *why)
{
    struct worker *w = ctx;
    if (tag >= (uint32_t)w->p->ninst)
        return;
    struct inst *in = &w->inst[tag];
    if (in->finished || in->step != (int)aux)
        return; /* a later answer to a step already over (until: first, or the delegate won) */
    if (st != ENG_OK) {
        inst_stop(w, in, why ? why : "infeasible");
        return;
    }
    const struct pstep *ps = &w->p->threads[in->thread].steps[in->step];
    if (ps->kind == ST_DECIDE && in->step < 64)
        in->decider[in->step] = node;
    if (--in->pending > 0)
        return;
    int rc = step_end(w, (int)tag);
    if (rc && !w->err)
        w->err = rc;
}

/* ---- one replication ----------------------------------------------------------------- */

static int schedule_bg_rate(struct worker *w, int i)
{
    const struct pbg *b = &w->p->bg[i];
    int64_t t = w->q.now < b->from_us ? b->from_us : w->q.now;
    t += (int64_t)(rng_exp(&w->rng, 1.0 / b->rate_per_s) * 1e6);
    if (t > b->until_us)
        return 0;
    return des_push(&w->q, t, EV_BG_RATE, (uint32_t)i) ? KZ_ENOMEM : 0;
}

static int handle(struct worker *w, unsigned kind, uint32_t arg)
{
    const struct plan *p = w->p;
    switch (kind) {
    case EV_ARRIVE:
        return eng_deliver(w->eng, arg, (int)w->hop_to[arg]);
    case EV_INST_START:
        w->inst[arg].t_start = w->q.now;
        return start_step(w, (int)arg);
    case EV_DELAY_DONE:
        return step_end(w, (int)arg);
    case EV_PHASE: {
        w->phase = p->changes[arg].phase;
        int rc = eng_set_phase(w->eng, w->phase);
        if (rc)
            return rc;
        if (w->trace)
            tr_line(w, "phase changes to %s", p->m->phases[w->phase].id);
        for (int i = 0; i < p->ninst && !rc; i++)
            if (w->inst[i].parked && !w->inst[i].finished)
                rc = start_step(w, i);
        return rc;
    }
    case EV_OUT_DOWN:
    case EV_OUT_UP: {
        const struct poutage *o = &p->outages[arg];
        bool down = kind == EV_OUT_DOWN;
        if (w->trace)
            tr_line(w, "outage %u (%s of %d) %s", (unsigned)arg + 1,
                    (const char *[]){"node", "network", "link", "cut"}[o->kind], o->n,
                    down ? "begins" : "ends");
        return eng_outage(w->eng, (int)arg, o->kind, o->ids, o->n, down);
    }
    case EV_BG_RATE: {
        const struct pbg *b = &p->bg[arg];
        int rc = eng_background(w->eng, b->node, (enum action)b->action,
                                (enum kz_precedence)b->prec);
        return rc ? rc : schedule_bg_rate(w, (int)arg);
    }
    case EV_BG_AT: {
        const struct pbg *b = &p->bg[arg >> 16];
        return eng_background(w->eng, b->node, (enum action)b->action, (enum kz_precedence)b->prec);
    }
    default:
        return eng_fire(w->eng, kind, arg);
    }
}

static int run_one(struct worker *w, uint64_t seed, long run)
{
    const struct plan *p = w->p;
    w->run = run;
    rng_seed(&w->rng, seed, (uint64_t)run);
    des_reset(&w->q);
    int week = p->s->start_any ? (int)(rng_u01(&w->rng) * 7 * 1440) % (7 * 1440)
                               : p->s->start_week_min_utc;
    w->phase = p->phase0;
    eng_reset(w->eng, p->phase0, week);
    w->err = 0;
    if (w->trace) {
        static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        tr_line(w, "run %ld of %s over %s; t = 0 is %s %02d:%02d UTC; phase %s", run, p->s->name,
                p->m->name, days[week / 1440], week % 1440 / 60, week % 60,
                p->m->phases[p->phase0].id);
    }
    int rc = 0;
    for (int i = 0; i < p->nchanges && !rc; i++)
        rc = des_push(&w->q, p->changes[i].at_us, EV_PHASE, (uint32_t)i);
    for (int i = 0; i < p->noutages && !rc; i++) {
        const struct poutage *o = &p->outages[i];
        int64_t at = rng_dist_us(&w->rng, o->at);
        rc = des_push(&w->q, at, EV_OUT_DOWN, (uint32_t)i);
        if (!rc && o->dur)
            rc = des_push(&w->q, at + rng_dist_us(&w->rng, o->dur), EV_OUT_UP, (uint32_t)i);
    }
    for (int i = 0; i < p->nbg && !rc; i++) {
        const struct pbg *b = &p->bg[i];
        if (b->rate_per_s > 0)
            rc = schedule_bg_rate(w, i);
        for (size_t k = 0; k < b->nat && k < 65536 && !rc; k++)
            rc = des_push(&w->q, (int64_t)(b->at[k] * 1e6), EV_BG_AT,
                          (uint32_t)i << 16 | (uint32_t)k);
    }
    w->active = p->ninst;
    for (int t = 0; t < p->nthreads && !rc; t++) {
        const struct pthread *pt = &p->threads[t];
        int64_t start = rng_dist_us(&w->rng, &pt->src->start);
        for (int c = 0; c < pt->src->copies && !rc; c++) {
            int ii = pt->first_inst + c;
            struct inst *in = &w->inst[ii];
            memset(in, 0, sizeof *in);
            in->thread = t;
            in->copy = c;
            in->t_mark = -1;
            in->stopped_step = -1;
            in->deadline_us = rng_dist_us(&w->rng, &pt->src->deadline);
            rc = des_push(&w->q, start + (int64_t)(pt->src->spacing * 1e6) * c, EV_INST_START,
                          (uint32_t)ii);
        }
    }
    if (rc)
        return KZ_ENOMEM;
    unsigned kind;
    uint32_t arg;
    int64_t end = p->horizon_us;
    while (w->active > 0 && w->q.n > 0 && w->q.h[0].t <= p->horizon_us) {
        des_pop(&w->q, &kind, &arg);
        if ((rc = handle(w, kind, arg)) != 0 || (rc = w->err) != 0)
            return rc;
        end = w->q.now;
    }
    if (w->active > 0)
        end = p->horizon_us;
    if (w->trace)
        tr_line(w, "run ends (%s)", w->active > 0 ? "horizon reached" : "every thread finished");

    /* fold this run into the worker's accumulators */
    struct acc *a = &w->acc;
    a->span_us += end > 0 ? end : 1;
    for (int t = 0; t < p->nthreads; t++) {
        const struct pthread *pt = &p->threads[t];
        int64_t worst = 0;
        bool done = true, met = true, infeasible = false;
        int stopped = -1;
        const char *why = NULL;
        int64_t dl = 0;
        for (int c = 0; c < pt->src->copies; c++) {
            const struct inst *in = &w->inst[pt->first_inst + c];
            dl += in->deadline_us;
            if (in->t_mark < 0) {
                done = met = false;
                if (in->stopped) {
                    infeasible = true;
                    why = in->why;
                }
                if (stopped < 0)
                    stopped = in->stopped ? in->stopped_step : in->step;
                continue;
            }
            int64_t took = in->t_mark - in->t_start;
            if (took > worst)
                worst = took;
            if (took > in->deadline_us)
                met = false;
        }
        dl /= pt->src->copies;
        a->sum_deadline_us[t] += dl;
        if (done) {
            hist_add(&a->hist[t], worst);
            a->n_done[t]++;
            a->sum_us[t] += worst;
            a->sumsq[t] += (u128)worst * (u128)worst;
        }
        a->n_met[t] += met;
        if (infeasible) {
            a->n_infeasible[t]++;
            if (a->why_run[t] < 0 || run < a->why_run[t]) {
                a->why_run[t] = run;
                a->why[t] = why;
            }
        }
        if (w->rows)
            w->rows[(size_t)run * (size_t)p->nthreads + (size_t)t] =
                (struct kz_run_row){done ? (double)worst * 1e-6 : -1.0, (double)dl * 1e-6, met,
                                    done ? -1 : stopped};
        if (w->trace) {
            char a1[32], a2[32];
            fmt_dur((double)worst * 1e-6, a1, sizeof a1);
            fmt_dur((double)dl * 1e-6, a2, sizeof a2);
            fprintf(w->trace, "thread %-20s %s  deadline %s  %s\n", pt->src->id,
                    done ? a1 : "not completed", a2, met ? "met" : "missed");
        }
    }
    return 0;
}

/* ---- workers ------------------------------------------------------------------------- */

struct mc {
    const struct plan *p;
    uint64_t seed;
    long runs;
    atomic_long next, done;
    struct kz_run_row *rows;
    atomic_int err;
    pthread_mutex_t lock; /* guards finished; the caller waits on `cond` for it */
    pthread_cond_t cond;
    int finished;
};

static int acc_init(struct acc *a, size_t nt, size_t nn)
{
    memset(a, 0, sizeof *a);
    a->hist = calloc(nt ? nt : 1, sizeof *a->hist);
    a->n_done = calloc(nt + 1, sizeof(int64_t));
    a->n_met = calloc(nt + 1, sizeof(int64_t));
    a->n_infeasible = calloc(nt + 1, sizeof(int64_t));
    a->sum_us = calloc(nt + 1, sizeof(int64_t));
    a->sum_deadline_us = calloc(nt + 1, sizeof(int64_t));
    a->sumsq = calloc(nt + 1, sizeof(u128));
    a->why_run = calloc(nt + 1, sizeof(long));
    a->why = calloc(nt + 1, sizeof(char *));
    a->busy_us = calloc(nn + 1, sizeof(int64_t));
    a->wait_us = calloc(nn + 1, sizeof(int64_t));
    a->jobs = calloc(nn + 1, sizeof(int64_t));
    a->thread_wait_us = calloc(nt * nn * WAIT_COUNT + 1, sizeof(int64_t));
    if (!a->hist || !a->n_done || !a->n_met || !a->n_infeasible || !a->sum_us ||
        !a->sum_deadline_us || !a->sumsq || !a->why_run || !a->why || !a->busy_us ||
        !a->wait_us || !a->jobs || !a->thread_wait_us)
        return KZ_ENOMEM;
    for (size_t i = 0; i < nt; i++)
        a->why_run[i] = -1;
    return 0;
}

static void acc_free(struct acc *a)
{
    free(a->hist);
    free(a->n_done);
    free(a->n_met);
    free(a->n_infeasible);
    free(a->sum_us);
    free(a->sum_deadline_us);
    free(a->sumsq);
    free(a->why_run);
    free(a->why);
    free(a->busy_us);
    free(a->wait_us);
    free(a->jobs);
    free(a->thread_wait_us);
}

static void acc_merge(struct acc *d, const struct acc *s, size_t nt, size_t nn)
{
    for (size_t t = 0; t < nt; t++) {
        hist_merge(&d->hist[t], &s->hist[t]);
        d->n_done[t] += s->n_done[t];
        d->n_met[t] += s->n_met[t];
        d->n_infeasible[t] += s->n_infeasible[t];
        d->sum_us[t] += s->sum_us[t];
        d->sum_deadline_us[t] += s->sum_deadline_us[t];
        d->sumsq[t] += s->sumsq[t];
        if (s->why_run[t] >= 0 && (d->why_run[t] < 0 || s->why_run[t] < d->why_run[t])) {
            d->why_run[t] = s->why_run[t];
            d->why[t] = s->why[t];
        }
    }
    for (size_t i = 0; i < nn; i++) {
        d->busy_us[i] += s->busy_us[i];
        d->wait_us[i] += s->wait_us[i];
        d->jobs[i] += s->jobs[i];
    }
    for (size_t i = 0; i < nt * nn * WAIT_COUNT; i++)
        d->thread_wait_us[i] += s->thread_wait_us[i];
    d->span_us += s->span_us;
    d->events += s->events;
}

static void worker_free(struct worker *w)
{
    eng_free(w->eng);
    des_free(&w->q);
    free(w->inst);
    free(w->hop_to);
    acc_free(&w->acc);
}

static int worker_init(struct worker *w, const struct plan *p)
{
    memset(w, 0, sizeof *w);
    w->p = p;
    size_t nt = (size_t)p->nthreads, nn = p->m->nnodes;
    if (eng_create(p->m, &w->eng) || des_init(&w->q, 1024) ||
        !(w->inst = calloc((size_t)p->ninst + 1, sizeof *w->inst)) ||
        acc_init(&w->acc, nt, nn)) {
        worker_free(w);
        return KZ_ENOMEM;
    }
    w->est = (struct eng_stats){w->acc.busy_us, w->acc.wait_us, w->acc.jobs,
                                w->acc.thread_wait_us, (int)nt};
    struct kz_clock clock = {w, clk_now, clk_at};
    struct kz_transport tr = {w, net_send};
    struct eng_hooks hooks = {w, on_done, NULL};
    eng_bind(w->eng, &clock, &tr, &hooks, &w->rng, &w->est);
    return 0;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct mc *mc = w->mc;
    struct kz_run_row *rows = w->rows;
    /* allocate in this thread: its memory then comes from this thread's malloc arena */
    if (worker_init(w, mc->p)) {
        atomic_store(&mc->err, KZ_ENOMEM);
        goto out;
    }
    w->mc = mc;
    w->rows = rows;
    for (;;) {
        long first = atomic_fetch_add(&mc->next, CHUNK);
        if (first >= mc->runs || atomic_load(&mc->err))
            break;
        long last = first + CHUNK < mc->runs ? first + CHUNK : mc->runs;
        for (long r = first; r < last; r++) {
            int rc = run_one(w, mc->seed, r);
            if (rc) {
                atomic_store(&mc->err, rc);
                goto out;
            }
        }
        atomic_fetch_add(&mc->done, last - first);
    }
out:
    w->acc.events = w->q.dispatched;
    pthread_mutex_lock(&mc->lock);
    mc->finished++;
    pthread_cond_signal(&mc->cond);
    pthread_mutex_unlock(&mc->lock);
    return NULL;
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- results ----------------------------------------------------------------------------- */

static int build_result(const struct plan *p, const struct acc *a, long runs,
                        struct kz_sim_result *r)
{
    const struct kz_model *m = p->m;
    size_t nt = (size_t)p->nthreads, nn = m->nnodes;
    r->nthreads = nt;
    r->nnodes = nn;
    r->th = calloc(nt + 1, sizeof *r->th);
    r->nodes = calloc(nn + 1, sizeof *r->nodes);
    r->hist = calloc(nt + 1, sizeof *r->hist);
    if (!r->th || !r->nodes || !r->hist)
        return KZ_ENOMEM;
    double n = (double)runs;
    for (size_t t = 0; t < nt; t++) {
        struct kz_thread_stats *s = &r->th[t];
        const struct sthread *st = p->threads[t].src;
        r->hist[t] = a->hist[t];
        s->id = st->id;
        s->name = st->name;
        s->n = runs;
        s->p50_s = hist_quantile(&a->hist[t], runs, 0.50);
        s->p90_s = hist_quantile(&a->hist[t], runs, 0.90);
        s->p99_s = hist_quantile(&a->hist[t], runs, 0.99);
        double k = (double)a->n_done[t];
        s->mean_s = k > 0 ? (double)a->sum_us[t] / k * 1e-6 : NAN;
        s->mean_ci_s = NAN;
        if (k > 1) {
            double mean_us = (double)a->sum_us[t] / k;
            double var = ((double)a->sumsq[t] - k * mean_us * mean_us) / (k - 1);
            s->mean_ci_s = 1.96 * sqrt(var > 0 ? var : 0) / sqrt(k) * 1e-6;
        }
        double pm = (double)a->n_met[t] / n, z = 1.96;
        s->deadline_met = pm;
        double den = 1 + z * z / n, c = (pm + z * z / (2 * n)) / den;
        double h = z * sqrt(pm * (1 - pm) / n + z * z / (4 * n * n)) / den;
        s->deadline_lo = c - h < 0 ? 0 : c - h;
        s->deadline_hi = c + h > 1 ? 1 : c + h;
        s->deadline_mean_s = (double)a->sum_deadline_us[t] / n * 1e-6;
        s->completed = k / n;
        s->infeasible = (double)a->n_infeasible[t] / n;
        s->infeasible_why = a->why[t];
        s->wait_node = -1;
        int64_t best = 0;
        for (size_t i = 0; i < nn; i++) {
            const int64_t *wk = &a->thread_wait_us[(t * nn + i) * WAIT_COUNT];
            int64_t sum = 0, top = -1;
            int kind = 0;
            for (int q = 0; q < WAIT_COUNT; q++) {
                sum += wk[q];
                if (wk[q] > top) {
                    top = wk[q];
                    kind = q;
                }
            }
            if (sum > best) {
                best = sum;
                s->wait_node = (int)i;
                s->wait_node_id = m->nodes[i].id;
                s->wait_node_s = (double)sum / n * 1e-6;
                s->wait_kind = eng_wait_names[kind];
            }
        }
    }
    double span_s = (double)a->span_us * 1e-6;
    for (size_t i = 0; i < nn; i++) {
        struct kz_node_stats *s = &r->nodes[i];
        s->id = m->nodes[i].id;
        s->name = m->nodes[i].name;
        s->utilisation = span_s > 0 ? (double)a->busy_us[i] * 1e-6 /
                                          ((double)m->nodes[i].cells * span_s)
                                    : 0;
        s->mean_wait_s = a->jobs[i] ? (double)a->wait_us[i] * 1e-6 / (double)a->jobs[i] : 0;
        s->wait_s = (double)a->wait_us[i] * 1e-6 / n;
        s->jobs = (double)a->jobs[i] / n;
    }
    return 0;
}

/* Binds the scenario; on failure the first problem, with its place, goes to err. */
static int plan_for(const kz_model *m, const kz_scenario *s, struct plan **p, char *err,
                    size_t errlen)
{
    kz_diags *d;
    if (kz_diags_create(&d))
        return KZ_ENOMEM;
    int rc = plan_build(m, s, p, d);
    if (rc == KZ_ECHECK && kz_diags_count(d) > 0) {
        const struct kz_diag *g = kz_diags_get(d, 0);
        snprintf(err, errlen, "%s:%d:%d: %s", g->file, g->line, g->col, g->msg);
    } else if (rc) {
        snprintf(err, errlen, "%s", kz_strerror(rc));
    }
    kz_diags_destroy(d);
    return rc;
}

int kz_sim_run(const kz_model *m, const kz_scenario *s, const struct kz_sim_options *o,
               kz_sim_result **out, char *err, size_t errlen)
{
    *out = NULL;
    struct plan *p = NULL;
    int rc = plan_for(m, s, &p, err, errlen);
    if (rc)
        return rc;
    long runs = o && o->runs > 0 ? o->runs : s->runs;
    uint64_t seed = o && o->has_seed ? o->seed : s->seed;
    int nthr = o && o->threads > 0 ? o->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (nthr < 1)
        nthr = 1;
    if (nthr > 256)
        nthr = 256;
    if (runs > 100000000L) {
        snprintf(err, errlen, "at most 100000000 runs");
        plan_free(p);
        return KZ_EINVAL;
    }
    struct kz_sim_result *r = calloc(1, sizeof *r);
    struct worker *ws = aligned_alloc(128, (size_t)nthr * sizeof *ws);
    pthread_t *tids = calloc((size_t)nthr, sizeof *tids);
    if (ws)
        memset(ws, 0, (size_t)nthr * sizeof *ws);
    struct mc mc = {.p = p, .seed = seed, .runs = runs, .lock = PTHREAD_MUTEX_INITIALIZER,
                    .cond = PTHREAD_COND_INITIALIZER};
    atomic_init(&mc.next, 0);
    atomic_init(&mc.done, 0);
    atomic_init(&mc.err, 0);
    int started = 0;
    rc = KZ_ENOMEM;
    if (!r || !ws || !tids)
        goto out;
    if (o && o->keep_runs) {
        r->rows = calloc((size_t)runs * (size_t)p->nthreads + 1, sizeof *r->rows);
        if (!r->rows)
            goto out;
        r->nrows = runs;
    }
    double t0 = wall_now();
    for (int i = 0; i < nthr; i++) {
        ws[i].mc = &mc;
        ws[i].rows = r->rows;
    }
    for (; started < nthr; started++)
        if (pthread_create(&tids[started], NULL, worker_main, &ws[started]) != 0)
            break;
    if (started == 0)
        goto join;
    /* wait for the workers, reporting progress every 100 ms meanwhile */
    pthread_mutex_lock(&mc.lock);
    while (mc.finished < started) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&mc.cond, &mc.lock, &until);
        if (o && o->progress && mc.finished < started) {
            pthread_mutex_unlock(&mc.lock);
            o->progress(o->progress_ctx, atomic_load(&mc.done), runs);
            pthread_mutex_lock(&mc.lock);
        }
    }
    pthread_mutex_unlock(&mc.lock);
    if (o && o->progress)
        o->progress(o->progress_ctx, atomic_load(&mc.done), runs);
join:
    for (int i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    if (started == 0 || atomic_load(&mc.err)) {
        rc = started == 0 ? KZ_ENOMEM : atomic_load(&mc.err);
        snprintf(err, errlen, "simulation failed: %s", kz_strerror(rc));
        goto out;
    }
    /* every worker's integer sums into the first: the same bits in any order */
    for (int i = 1; i < nthr; i++)
        acc_merge(&ws[0].acc, &ws[i].acc, (size_t)p->nthreads, m->nnodes);
    rc = build_result(p, &ws[0].acc, runs, r);
    if (rc)
        goto out;
    r->tot = (struct kz_sim_totals){m->name, m->title, s->name, runs, seed, ws[0].acc.events,
                                    wall_now() - t0, nthr};
    *out = r;
    r = NULL;
    rc = 0;
out:
    for (int i = 0; ws && i < started; i++)
        worker_free(&ws[i]);
    free(ws);
    free(tids);
    kz_sim_result_free(r);
    plan_free(p);
    return rc;
}

void kz_sim_result_free(kz_sim_result *r)
{
    if (!r)
        return;
    free(r->th);
    free(r->nodes);
    free(r->hist);
    free(r->rows);
    free(r);
}

void kz_sim_result_totals(const kz_sim_result *r, struct kz_sim_totals *out) { *out = r->tot; }
size_t kz_sim_result_nthreads(const kz_sim_result *r) { return r->nthreads; }
const struct kz_thread_stats *kz_sim_result_thread(const kz_sim_result *r, size_t i)
{
    return i < r->nthreads ? &r->th[i] : NULL;
}
size_t kz_sim_result_nnodes(const kz_sim_result *r) { return r->nnodes; }
const struct kz_node_stats *kz_sim_result_node(const kz_sim_result *r, size_t i)
{
    return i < r->nnodes ? &r->nodes[i] : NULL;
}

bool kz_sim_result_run(const kz_sim_result *r, long run, size_t thread, struct kz_run_row *out)
{
    if (!r->rows || run < 0 || run >= r->nrows || thread >= r->nthreads)
        return false;
    *out = r->rows[(size_t)run * r->nthreads + thread];
    return true;
}

size_t kz_sim_result_cdf(const kz_sim_result *r, size_t i, double *x_s, double *frac, size_t cap)
{
    if (i >= r->nthreads || cap == 0)
        return 0;
    const struct hist *h = &r->hist[i];
    double n = (double)r->tot.runs;
    size_t k = 0;
    int64_t acc = 0;
    for (int b = 0; b < HIST_BINS; b++) {
        if (!h->count[b])
            continue;
        acc += h->count[b];
        if (k == cap) /* keep the last point exact: overwrite the previous one */
            k--;
        x_s[k] = hist_bin_hi_s(b);
        frac[k] = (double)acc / n;
        k++;
    }
    return k;
}

int kz_sim_trace(const kz_model *m, const kz_scenario *s, uint64_t seed, long run, FILE *out,
                 char *err, size_t errlen)
{
    struct plan *p = NULL;
    int rc = plan_for(m, s, &p, err, errlen);
    if (rc)
        return rc;
    struct worker w;
    rc = worker_init(&w, p);
    if (!rc) {
        w.trace = out;
        struct kz_clock clock = {&w, clk_now, clk_at};
        struct kz_transport tr = {&w, net_send};
        struct eng_hooks hooks = {&w, on_done, on_trace};
        eng_bind(w.eng, &clock, &tr, &hooks, &w.rng, &w.est);
        rc = run_one(&w, seed, run);
        if (rc)
            snprintf(err, errlen, "simulation failed: %s", kz_strerror(rc));
        else if (ferror(out)) {
            rc = KZ_EIO;
            snprintf(err, errlen, "cannot write the trace");
        }
        worker_free(&w);
    } else {
        snprintf(err, errlen, "%s", kz_strerror(rc));
    }
    plan_free(p);
    return rc;
}
