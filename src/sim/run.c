/* run.c - the simulator shell: virtual clock and network for the engine, replications, Monte Carlo. */
#define _DEFAULT_SOURCE /* madvise, for the kept step rows */
#include <math.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "core/des.h"
#include "kizuna/error.h"
#include "kizuna/sim.h"
#include "scenario/director.h"
#include "scenario/plan.h"
#include "core/rng.h"
#include "stats.h"
#include "steps.h"
#include "trace_out.h"
#include "kizuna/util.h"

/* The shell's own event: a message reaches the far end of a hop. */
enum { EV_ARRIVE = KZ_EV_SHELL /* arg: message; the hop's receiver is in w->hop_to */ };

#define CHUNK 32 /* replications handed to a worker at a time */

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
    struct kz_step_stats *steps; /* [all threads' steps], by the layout's sofs */
    int *sofs;                   /* [thread] first of its steps in `steps` */
    struct kz_step_row *srows;   /* [run][every copy's every step] when kept */
    size_t nsrows;
};

struct worker {
    const struct plan *p;
    struct engine *eng;
    struct des q;
    struct rng rng;
    struct director *dir;
    uint32_t *hop_to;
    size_t caphop;
    struct acc acc;
    struct eng_stats est;
    int err;
    long run;
    struct trace_out tro; /* tro.f NULL: no trace */
    struct kz_run_row *rows;
    struct steps_layout sl;
    struct steps_acc sacc;
    struct steps_run srun;
    struct kz_step_row *srows; /* the result's kept step rows, or NULL */
    /* Monte Carlo */
    struct mc *mc;
} __attribute__((aligned(128))); /* workers never share a cache line */

/* ---- clock and transport for the engine ---------------------------------------- */

static kz_time clk_now(void *ctx) { return des_now(&((struct worker *)ctx)->q); }

static int clk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    struct worker *w = ctx;
    return des_push(&w->q, t.us, kind, arg);
}

static int net_send(void *ctx, uint32_t msg, int from, int to, int net)
{
    struct worker *w = ctx;
    const struct kz_model *m = w->p->m;
    if ((size_t)msg >= w->caphop) { /* grows with the message pool, rarely */
        uint32_t *v = kz_grow(w->hop_to, &w->caphop, (size_t)msg + 1, sizeof *v);
        if (!v)
            return KZ_ENOMEM;
        w->hop_to = v;
    }
    w->hop_to[msg] = (uint32_t)to;
    double lat = eng_prop_s(w->eng, from, to, net) + rng_dist_bounded(eng_net_rng(w->eng, net), &m->networks[net].overhead);
    int64_t us = (int64_t)(lat * 1e6 + 0.5);
    return des_push(&w->q, w->q.now + us, EV_ARRIVE, msg);
}

/* ---- the director's actuator: the engine ------------------------------------------------ */

static int act_share(void *ctx, const struct dir_act *a)
{
    struct worker *w = ctx;
    return eng_share(w->eng, a->ps->msg, a->node, a->to, a->nto, &a->ps->attr, (uint32_t)a->inst,
                     (uint32_t)a->step);
}

static int act_request(void *ctx, const struct dir_act *a)
{
    struct worker *w = ctx;
    return eng_request(w->eng, a->ps->decision, a->ps->assets, a->node, &a->ps->attr,
                       (uint32_t)a->inst, (uint32_t)a->step);
}

static int act_order(void *ctx, const struct dir_act *a)
{
    struct worker *w = ctx;
    return eng_order(w->eng, a->ps->decision, a->node, a->to, a->nto, &a->ps->attr,
                     (uint32_t)a->inst, (uint32_t)a->step);
}

static int act_phase(void *ctx, int phase) { return eng_set_phase(((struct worker *)ctx)->eng, phase); }

static int act_outage(void *ctx, int id, const struct poutage *o, bool down)
{
    return eng_outage(((struct worker *)ctx)->eng, id, o->kind, o->ids, o->n, down);
}

static int act_load(void *ctx, const struct pbg *b)
{
    return eng_background(((struct worker *)ctx)->eng, b->node, (enum action)b->action,
                          (enum kz_precedence)b->prec);
}

static void on_trace(void *ctx, const struct trace_rec *r)
{
    trout_rec(&((struct worker *)ctx)->tro, r);
}

static void act_note(void *ctx, const char *line)
{
    trout_line(&((struct worker *)ctx)->tro, "%s", line);
}

static void act_step_end(void *ctx, const struct dir_step_end *se)
{
    struct worker *w = ctx;
    int rc = steps_on_end(&w->srun, &w->sl, w->p, w->eng, eng_done_path(w->eng), se);
    if (rc && !w->err)
        w->err = rc;
}

static void on_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                    const char *why)
{
    struct worker *w = ctx;
    int rc = dir_done(w->dir, tag, aux, st == ENG_OK, node, why);
    if (rc && !w->err)
        w->err = rc;
}

/* ---- one replication ----------------------------------------------------------------- */

static int handle(struct worker *w, unsigned kind, uint32_t arg)
{
    switch (kz_ev_owner(kind)) {
    case KZ_EVO_SHELL: /* EV_ARRIVE */
        return eng_deliver(w->eng, arg, (int)w->hop_to[arg]);
    case KZ_EVO_DIRECTOR:
        return dir_fire(w->dir, kind, arg);
    case KZ_EVO_ENGINE:
        return eng_fire(w->eng, kind, arg);
    default:
        return KZ_EINVAL;
    }
}

/* Adds this run's outcome to the worker's accumulators. */
static void fold(struct worker *w, long run, int64_t end)
{
    const struct plan *p = w->p;
    struct acc *a = &w->acc;
    size_t nn = p->m->nnodes;
    a->span_us += end > 0 ? end : 1;
    bool legal = dir_legal_any(w->dir);
    for (int t = 0; t < p->nthreads; t++) {
        struct dir_outcome o;
        dir_outcome(w->dir, t, &o);
        for (size_t n = 0; legal && n < nn; n++)
            a->thread_wait_us[((size_t)t * nn + n) * WAIT_COUNT + WAIT_LEGAL] +=
                dir_legal_us(w->dir, t, (int)n);
        a->sum_deadline_us[t] += o.deadline_us;
        if (o.done) {
            steps_fold(&w->sacc, &w->srun, &w->sl, p, t, o.slow_copy);
            hist_add(&a->hist[t], o.took_us);
            a->n_done[t]++;
            a->sum_us[t] += o.took_us;
            a->sumsq[t] += (u128)o.took_us * (u128)o.took_us;
        }
        a->n_met[t] += o.met;
        if (o.infeasible && (a->why_run[t] < 0 || run < a->why_run[t])) {
            a->why_run[t] = run;
            a->why[t] = o.why;
        }
        a->n_infeasible[t] += o.infeasible;
        if (w->rows)
            w->rows[(size_t)run * (size_t)p->nthreads + (size_t)t] = (struct kz_run_row){
                o.done ? (double)o.took_us * 1e-6 : -1.0, (double)o.deadline_us * 1e-6, o.met,
                o.done ? -1 : o.stopped_step};
        if (w->tro.f) {
            char a1[32], a2[32];
            kz_fmt_dur((double)o.took_us * 1e-6, KZ_DUR_TABLE, a1, sizeof a1);
            kz_fmt_dur((double)o.deadline_us * 1e-6, KZ_DUR_TABLE, a2, sizeof a2);
            fprintf(w->tro.f, "thread %-20s %s  deadline %s  %s\n", p->threads[t].src->id,
                    o.done ? a1 : "not completed", a2, o.met ? "met" : "missed");
        }
    }
}

static int run_one(struct worker *w, uint64_t seed, long run)
{
    const struct plan *p = w->p;
    w->run = run;
    /* kept rows are written in place in the result, else in the worker's own */
    w->srun.rows = w->srows ? &w->srows[(size_t)run * w->sl.nrow] : w->srun.own;
    steps_run_reset(&w->srun, &w->sl, p, run);
    rng_seed(&w->rng, seed, (uint64_t)run);
    des_reset(&w->q);
    int week = p->s->start_week_min_utc;
    if (p->s->start_any)
        week = (int)(rng_u01(&w->rng) * 7 * 1440) % (7 * 1440);
    else if (p->s->start_window) /* whole minutes lo .. lo + len, uniformly */
        week = (p->s->start_win_lo +
                (int)(rng_u01(&w->rng) * (double)(p->s->start_win_len + 1)) % (p->s->start_win_len + 1)) %
               (7 * 1440);
    eng_reset(w->eng, p->phase0, week);
    eng_seed(w->eng, seed, (uint64_t)run);
    w->err = 0;
    if (w->tro.f) {
        static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        trout_line(&w->tro, "run %ld of %s over %s; t = 0 is %s %02d:%02d UTC; phase %s", run, p->s->name,
                p->m->name, days[week / 1440], week % 1440 / 60, week % 60,
                p->m->phases[p->phase0].id);
    }
    int rc = dir_start(w->dir);
    if (rc)
        return rc;
    unsigned kind;
    uint32_t arg;
    int64_t end = p->horizon_us;
    while (dir_active(w->dir) > 0 && w->q.n > 0 && w->q.h[0].t <= p->horizon_us) {
        des_pop(&w->q, &kind, &arg);
        if ((rc = handle(w, kind, arg)) != 0 || (rc = w->err) != 0)
            return rc;
        end = w->q.now;
    }
    if (dir_active(w->dir) > 0)
        end = p->horizon_us;
    if (w->tro.f)
        trout_line(&w->tro, "run ends (%s)",
                dir_active(w->dir) > 0 ? "horizon reached" : "every thread finished");
    fold(w, run, end);
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
    dir_free(w->dir);
    free(w->hop_to);
    acc_free(&w->acc);
    steps_acc_free(&w->sacc);
    steps_run_free(&w->srun);
    steps_layout_free(&w->sl);
}

static int worker_init(struct worker *w, const struct plan *p)
{
    memset(w, 0, sizeof *w);
    w->p = p;
    size_t nt = (size_t)p->nthreads, nn = p->m->nnodes;
    if (eng_create(p->m, &w->eng) || des_init(&w->q, 1024) ||
        dir_create(p, &w->dir) || acc_init(&w->acc, nt, nn) || steps_layout_init(&w->sl, p) ||
        steps_acc_init(&w->sacc, &w->sl, p->nthreads) || steps_run_init(&w->srun, &w->sl, p)) {
        worker_free(w);
        return KZ_ENOMEM;
    }
    w->est = (struct eng_stats){w->acc.busy_us, w->acc.wait_us, w->acc.jobs,
                                w->acc.thread_wait_us, (int)nt};
    struct kz_clock clock = {w, clk_now, clk_at};
    struct kz_transport tr = {w, net_send};
    struct eng_hooks hooks = {w, on_done, NULL, NULL, false};
    eng_bind(w->eng, &clock, &tr, &hooks, &w->rng, &w->est);
    eng_record_paths(w->eng, true);
    struct dir_actuator act = {w,          act_share, act_request, act_order, act_phase,
                               act_outage, act_load,  NULL,        act_step_end};
    dir_bind(w->dir, &clock, &act, &w->rng);
    return 0;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct mc *mc = w->mc;
    struct kz_run_row *rows = w->rows;
    struct kz_step_row *srows = w->srows;
    /* allocate in this thread: its memory then comes from this thread's malloc arena */
    if (worker_init(w, mc->p)) {
        atomic_store(&mc->err, KZ_ENOMEM);
        goto out;
    }
    w->mc = mc;
    w->rows = rows;
    w->srows = srows;
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

static int build_result(const struct plan *p, const struct acc *a, const struct steps_acc *sa,
                        const struct steps_layout *sl, long runs, struct kz_sim_result *r)
{
    const struct kz_model *m = p->m;
    size_t nt = (size_t)p->nthreads, nn = m->nnodes;
    r->nthreads = nt;
    r->nnodes = nn;
    r->th = calloc(nt + 1, sizeof *r->th);
    r->nodes = calloc(nn + 1, sizeof *r->nodes);
    r->hist = calloc(nt + 1, sizeof *r->hist);
    r->steps = calloc(sl->nsteps + 1, sizeof *r->steps);
    r->sofs = calloc(nt + 1, sizeof *r->sofs);
    if (!r->th || !r->nodes || !r->hist || !r->steps || !r->sofs)
        return KZ_ENOMEM;
    for (size_t t = 0; t < nt; t++) {
        r->sofs[t] = sl->sofs[t];
        steps_result(sa, sl, p, (int)t, a->n_done[t], &r->th[t], &r->steps[sl->sofs[t]]);
    }
    r->sofs[nt] = (int)sl->nsteps;
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
            int kind;
            int64_t sum = steps_sum_top(&a->thread_wait_us[(t * nn + i) * WAIT_COUNT], WAIT_COUNT,
                                        &kind);
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

/* The kept step rows are tens of megabytes written once: in 2 MB pages where the kernel
 * offers them (a first touch per 4 KB page costs more than the simulation itself). */
static void *rows_alloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    size_t n = (bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, n);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, n, MADV_HUGEPAGE); /* advice: without it the rows still work */
#endif
    return p;
}

/* Binds the scenario; on failure the first problem, with its place, goes to err. */
int kz_sim_run(const kz_model *m, const kz_scenario *s, const struct kz_sim_options *o,
               kz_sim_result **out, char *err, size_t errlen)
{
    *out = NULL;
    struct plan *p = NULL;
    int rc = plan_build_err(m, s, &p, err, errlen);
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
    if (o && o->keep_steps) {
        struct steps_layout sl;
        if (steps_layout_init(&sl, p) == 0 && sl.nrow > 0 &&
            (size_t)runs <= SIZE_MAX / 2 / sizeof *r->srows / sl.nrow) {
            r->nsrows = (size_t)runs * sl.nrow;
            r->srows = rows_alloc(r->nsrows * sizeof *r->srows);
        }
        steps_layout_free(&sl);
        if (!r->srows && r->nsrows)
            goto out;
    }
    double t0 = wall_now();
    for (int i = 0; i < nthr; i++) {
        ws[i].mc = &mc;
        ws[i].rows = r->rows;
        ws[i].srows = r->srows;
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
    for (int i = 1; i < nthr; i++) {
        acc_merge(&ws[0].acc, &ws[i].acc, (size_t)p->nthreads, m->nnodes);
        steps_acc_merge(&ws[0].sacc, &ws[i].sacc, &ws[0].sl, p->nthreads);
    }
    rc = build_result(p, &ws[0].acc, &ws[0].sacc, &ws[0].sl, runs, r);
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
    free(r->steps);
    free(r->sofs);
    free(r->srows);
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
    int rc = plan_build_err(m, s, &p, err, errlen);
    if (rc)
        return rc;
    struct worker w;
    rc = worker_init(&w, p);
    if (!rc) {
        w.tro = (struct trace_out){out, &w.q, p};
        struct kz_clock clock = {&w, clk_now, clk_at};
        struct kz_transport tr = {&w, net_send};
        struct eng_hooks hooks = {&w, on_done, on_trace, NULL, false};
        eng_bind(w.eng, &clock, &tr, &hooks, &w.rng, &w.est);
        eng_record_paths(w.eng, true);
        struct dir_actuator act = {&w,         act_share, act_request, act_order, act_phase,
                                   act_outage, act_load,  act_note,    act_step_end};
        dir_bind(w.dir, &clock, &act, &w.rng);
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

size_t kz_sim_result_nsteps(const kz_sim_result *r, size_t thread)
{
    return thread < r->nthreads ? (size_t)(r->sofs[thread + 1] - r->sofs[thread]) : 0;
}

const struct kz_step_stats *kz_sim_result_step(const kz_sim_result *r, size_t thread,
                                               size_t step)
{
    return step < kz_sim_result_nsteps(r, thread) ? &r->steps[(size_t)r->sofs[thread] + step]
                                                  : NULL;
}

const struct kz_step_row *kz_sim_result_steps(const kz_sim_result *r, size_t *n)
{
    *n = r->srows ? r->nsrows : 0;
    return r->srows;
}
