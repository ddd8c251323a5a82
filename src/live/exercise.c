/* exercise.c - a scenario played live: one node process per headquarters, and a director. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "wallclock.h"
#include "kizuna/error.h"
#include "kizuna/live.h"
#include "core/des.h"
#include "scenario/plan.h"
#include "core/rng.h"

/*
 * The director does what the simulator's run.c does with its virtual clock,
 * on the real one: the same plan (threads of steps, phase changes, outages,
 * background load), the same rules for when a step ends (every recipient, or
 * the first; a later answer to a step already over is ignored) and when a
 * thread's time is taken. What moves between headquarters, and how long each
 * takes, is up to the nodes: the director only injects the first message of
 * each step at the node that acts, and reads the ends from the journals.
 */

#include "exercise_impl.h"

static int64_t sim_now(const struct ex *X)
{
    int64_t us = (int64_t)((double)(wall_ns() - X->epoch_ns) * X->o->speed / 1000.0);
    return us < 0 ? 0 : us;
}

static void progress(struct ex *X, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress(struct ex *X, const char *fmt, ...)
{
    if (!X->o->progress)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(X->o->progress, "%9.1fs  ", (double)sim_now(X) * 1e-6);
    vfprintf(X->o->progress, fmt, ap);
    fputc('\n', X->o->progress);
    va_end(ap);
    fflush(X->o->progress);
}

/* ---- commands to nodes -------------------------------------------------------------------- */

static const char *const precs[] = {"flash", "immediate", "priority", "routine"};

static void cat(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

static void cat_nations(const struct kz_model *m, char *buf, size_t cap, const char *key,
                        uint64_t mask)
{
    cat(buf, cap, ", \"%s\": [", key);
    bool first = true;
    for (size_t i = 0; i < m->nnations; i++)
        if (mask & ((uint64_t)1 << i)) {
            cat(buf, cap, "%s\"%s\"", first ? "" : ", ", m->nations[i].id);
            first = false;
        }
    cat(buf, cap, "]");
}

static void cat_nodes(const struct kz_model *m, char *buf, size_t cap, const int *v, int n)
{
    cat(buf, cap, ", \"to\": [");
    for (int i = 0; i < n; i++)
        cat(buf, cap, "%s\"%s\"", i ? ", " : "", m->nodes[v[i]].id);
    cat(buf, cap, "]");
}

static void cat_attr(const struct kz_model *m, char *buf, size_t cap, const struct eng_attr *a,
                     int ii, int step)
{
    cat(buf, cap, ", \"precedence\": \"%s\", \"classification\": \"%s\"", precs[a->prec],
        kz_classif_names[a->cls]);
    cat_nations(m, buf, cap, "releasable", a->releasable);
    cat_nations(m, buf, cap, "disclosable", a->disclosable);
    cat(buf, cap, ", \"thread\": %d, \"tag\": %d, \"aux\": %d", a->thread, ii, step);
}

int ex_command(struct ex *X, int node, const char *body)
{
    int rc = jr_cmd_put(X->nodes[node].j, "exercise director", body, wall_ns(), NULL);
    if (rc)
        return rc;
    X->commands++;
    return 0;
}

static int command_all(struct ex *X, const char *body)
{
    for (size_t i = 0; i < X->m->nnodes; i++) {
        int rc = ex_command(X, (int)i, body);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- threads of steps (as run.c) --------------------------------------------------------------- */

static void inst_finish(struct ex *X, struct ex_inst *in)
{
    if (!in->finished) {
        in->finished = true;
        X->active--;
    }
}

static void inst_stop(struct ex *X, struct ex_inst *in, const char *why)
{
    in->stopped = true;
    in->why = why;
    progress(X, "thread %s[%d] step %d stopped: %s", X->p->threads[in->thread].src->id,
             in->copy, in->step + 1, why);
    inst_finish(X, in);
}

static int start_step(struct ex *X, int ii);

static bool legal_later(const struct ex *X, const struct pstep *ps, int64_t now)
{
    const struct plan *p = X->p;
    for (int i = 0; i < p->nchanges; i++)
        if (p->changes[i].at_us > now &&
            eng_authority_of(X->m, ps->decision, ps->assets, p->changes[i].phase))
            return true;
    return false;
}

static const struct authority *authority(const struct ex *X, int decision, int assets)
{
    return eng_authority_of(X->m, decision, assets, X->phase);
}

static int step_end(struct ex *X, int ii, int64_t t)
{
    struct ex_inst *in = &X->inst[ii];
    const struct pthread *pt = &X->p->threads[in->thread];
    progress(X, "thread %s[%d] step %d (%s) done", pt->src->id, in->copy, in->step + 1,
             pt->steps[in->step].label ? pt->steps[in->step].label : "-");
    if (in->step == pt->src->deadline_at)
        in->t_mark = t;
    in->step++;
    return start_step(X, ii);
}

static int start_step(struct ex *X, int ii)
{
    struct ex_inst *in = &X->inst[ii];
    const struct pthread *pt = &X->p->threads[in->thread];
    const struct kz_model *m = X->m;
    if (in->step >= pt->nsteps) {
        inst_finish(X, in);
        return 0;
    }
    const struct pstep *ps = &pt->steps[in->step];
    in->parked = false;
    char body[8192] = "";
    switch (ps->kind) {
    case ST_SHARE:
    case ST_REPORT:
        in->pending = ps->until_first ? 1 : ps->nto;
        if (ps->nto == 0)
            return step_end(X, ii, sim_now(X));
        cat(body, sizeof body, "{\"cmd\": \"share\", \"kind\": \"%s\"",
            eng_msg_kind_names[ps->msg]);
        if (ps->msg == KZ_MSG_TRACK)
            cat(body, sizeof body, ", \"track\": \"%s-%d\"", pt->src->id, in->copy);
        cat_nodes(m, body, sizeof body, ps->to, ps->nto);
        cat_attr(m, body, sizeof body, &ps->attr, ii, in->step);
        cat(body, sizeof body, "}");
        progress(X, "thread %s[%d] step %d: %s at %s", pt->src->id, in->copy, in->step + 1,
                 ps->label ? ps->label : "share", m->nodes[ps->from].id);
        return ex_command(X, ps->from, body);
    case ST_DECIDE:
        in->pending = 1;
        if (!authority(X, ps->decision, ps->assets)) {
            if (legal_later(X, ps, sim_now(X))) {
                in->parked = true;
                in->t_parked = sim_now(X);
                progress(X, "thread %s[%d] waits: %s is not permitted or held in phase %s",
                         pt->src->id, in->copy, m->decisions[ps->decision].id,
                         m->phases[X->phase].id);
                return 0;
            }
            inst_stop(X, in, "no authority holds this decision in this phase (legal gate)");
            return 0;
        }
        cat(body, sizeof body, "{\"cmd\": \"request\", \"decision\": \"%s\"",
            m->decisions[ps->decision].id);
        if (ps->assets >= 0)
            cat(body, sizeof body, ", \"assets\": \"%s\"", m->nations[ps->assets].id);
        cat_attr(m, body, sizeof body, &ps->attr, ii, in->step);
        cat(body, sizeof body, "}");
        progress(X, "thread %s[%d] step %d: %s requested by %s", pt->src->id, in->copy,
                 in->step + 1, m->decisions[ps->decision].id, m->nodes[ps->by].id);
        return ex_command(X, ps->by, body);
    case ST_ORDER: {
        int decider = ps->by >= 0 ? ps->by : in->decider[ps->decide_step];
        const int *to = ps->to;
        int nto = ps->nto;
        int ex[64];
        if (!to) {
            const struct authority *au = authority(X, ps->decision, ps->assets);
            if (!au || au->executors.n == 0) {
                inst_stop(X, in, "no executors: the authority names none in this phase");
                return 0;
            }
            nto = 0;
            for (size_t i = 0; i < au->executors.n && i < 64; i++)
                ex[nto++] = au->executors.v[i].idx;
            to = ex;
        }
        in->pending = ps->until_first ? 1 : nto;
        cat(body, sizeof body, "{\"cmd\": \"order\", \"decision\": \"%s\"",
            m->decisions[ps->decision].id);
        cat_nodes(m, body, sizeof body, to, nto);
        cat_attr(m, body, sizeof body, &ps->attr, ii, in->step);
        cat(body, sizeof body, "}");
        progress(X, "thread %s[%d] step %d: %s ordered by %s", pt->src->id, in->copy,
                 in->step + 1, m->decisions[ps->decision].id, m->nodes[decider].id);
        return ex_command(X, decider, body);
    }
    case ST_DELAY:
        return des_push(&X->q, sim_now(X) + rng_dist_us(&X->rng, &ps->delay), EV_DELAY_DONE,
                        (uint32_t)ii)
                   ? KZ_ENOMEM
                   : 0;
    }
    return KZ_EINVAL;
}

static const char *keep_why(struct ex *X, const char *why)
{
    for (int i = 0; i < X->nwhy; i++)
        if (!strcmp(X->why[i], why))
            return X->why[i];
    if (X->nwhy == 64)
        return "infeasible";
    snprintf(X->why[X->nwhy], sizeof X->why[0], "%s", why);
    return X->why[X->nwhy++];
}

/* A node journaled the end of an operation: the director's on_done. */
static int on_end(struct ex *X, uint32_t tag, uint32_t aux, bool ok, int node, int64_t t,
                  const char *why)
{
    if (tag >= (uint32_t)X->p->ninst)
        return 0;
    struct ex_inst *in = &X->inst[tag];
    if (in->finished || in->step != (int)aux)
        return 0;
    if (!ok) {
        inst_stop(X, in, keep_why(X, why && *why ? why : "infeasible"));
        return 0;
    }
    const struct pstep *ps = &X->p->threads[in->thread].steps[in->step];
    if (ps->kind == ST_DECIDE && in->step < 64)
        in->decider[in->step] = node;
    if (--in->pending > 0)
        return 0;
    return step_end(X, (int)tag, t);
}

static int read_ends(struct ex *X)
{
    for (size_t i = 0; i < X->m->nnodes; i++) {
        struct ex_node *n = &X->nodes[i];
        sqlite3_stmt *s = n->ends;
        sqlite3_bind_int64(s, 1, n->seq);
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            n->seq = sqlite3_column_int64(s, 0);
            const char *what = (const char *)sqlite3_column_text(s, 1);
            if (!what)
                continue;
            if (!strcmp(what, "started")) {
                n->started = true;
                continue;
            }
            int e = on_end(X, (uint32_t)sqlite3_column_int64(s, 2),
                           (uint32_t)sqlite3_column_int64(s, 3), !strcmp(what, "done"),
                           sqlite3_column_int(s, 4), sqlite3_column_int64(s, 5),
                           (const char *)sqlite3_column_text(s, 6));
            if (e) {
                sqlite3_reset(s);
                return e;
            }
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE && rc != SQLITE_BUSY)
            return KZ_EIO;
    }
    return 0;
}

/* ---- the director's own events ----------------------------------------------------------------- */

static int schedule_bg_rate(struct ex *X, int i, int64_t now)
{
    const struct pbg *b = &X->p->bg[i];
    int64_t t = now < b->from_us ? b->from_us : now;
    t += (int64_t)(rng_exp(&X->rng, 1.0 / b->rate_per_s) * 1e6);
    if (t > b->until_us)
        return 0;
    return des_push(&X->q, t, EV_BG_RATE, (uint32_t)i) ? KZ_ENOMEM : 0;
}

static int load(struct ex *X, const struct pbg *b)
{
    char body[256];
    snprintf(body, sizeof body, "{\"cmd\": \"load\", \"action\": \"%s\", \"precedence\": \"%s\"}",
             kz_action_names[b->action], precs[b->prec]);
    return ex_command(X, b->node, body);
}

static int outage(struct ex *X, int i, bool down)
{
    static const char *const kinds[] = {"node", "network", "link", "cut"};
    const struct poutage *o = &X->p->outages[i];
    char body[8192] = "";
    cat(body, sizeof body, "{\"cmd\": \"outage\", \"id\": %d, \"kind\": \"%s\", \"ids\": [", i,
        kinds[o->kind]);
    for (int k = 0; k < o->n; k++)
        cat(body, sizeof body, "%s\"%s\"", k ? ", " : "",
            o->kind == OUT_NETWORK ? X->m->networks[o->ids[k]].id : X->m->nodes[o->ids[k]].id);
    cat(body, sizeof body, "], \"down\": %s}", down ? "true" : "false");
    progress(X, "outage %d (%s of %d) %s", i + 1, kinds[o->kind], o->n, down ? "begins" : "ends");
    return command_all(X, body);
}

static int handle(struct ex *X, unsigned kind, uint32_t arg, int64_t t)
{
    const struct plan *p = X->p;
    switch (kind) {
    case EV_INST_START:
        X->inst[arg].t_start = t;
        return start_step(X, (int)arg);
    case EV_DELAY_DONE:
        return step_end(X, (int)arg, t);
    case EV_PHASE: {
        X->phase = p->changes[arg].phase;
        char body[256];
        snprintf(body, sizeof body, "{\"cmd\": \"phase\", \"phase\": \"%s\"}",
                 X->m->phases[X->phase].id);
        progress(X, "phase changes to %s", X->m->phases[X->phase].id);
        int rc = command_all(X, body);
        for (int i = 0; i < p->ninst && !rc; i++)
            if (X->inst[i].parked && !X->inst[i].finished)
                rc = start_step(X, i);
        return rc;
    }
    case EV_OUT_DOWN:
    case EV_OUT_UP:
        return outage(X, (int)arg, kind == EV_OUT_DOWN);
    case EV_BG_RATE: {
        int rc = load(X, &p->bg[arg]);
        return rc ? rc : schedule_bg_rate(X, (int)arg, t);
    }
    case EV_BG_AT:
        return load(X, &p->bg[arg >> 16]);
    default:
        return KZ_EINVAL;
    }
}

/* ---- the exercise ----------------------------------------------------------------------------------- */

int kz_exercise_run(const kz_model *m, const char *structure_path, const kz_scenario *s,
                    const struct kz_exercise_options *o, struct kz_exercise_result **out,
                    char *err, size_t errlen)
{
    *out = NULL;
    struct ex X0 = {0}, *X = &X0;
    X->m = m;
    X->o = o;
    struct plan *p = NULL;
    struct kz_exercise_result *r = NULL;
    kz_diags *d = NULL;
    int rc = kz_diags_create(&d);
    if (rc)
        return rc;
    rc = plan_build(m, s, &p, d);
    if (rc) {
        const struct kz_diag *dg = kz_diags_count(d) ? kz_diags_get(d, 0) : NULL;
        if (dg)
            snprintf(err, errlen, "%s:%d:%d: %s", dg->file, dg->line, dg->col, dg->msg);
        else
            snprintf(err, errlen, "the scenario does not fit the structure");
        kz_diags_destroy(d);
        return rc;
    }
    kz_diags_destroy(d);
    X->p = p;
    size_t nn = m->nnodes;
    X->nodes = calloc(nn, sizeof *X->nodes);
    X->inst = calloc((size_t)p->ninst, sizeof *X->inst);
    r = calloc(1, sizeof *r);
    if (r)
        r->threads = calloc((size_t)p->nthreads, sizeof *r->threads);
    if (!X->nodes || !X->inst || !r || !r->threads || des_init(&X->q, 256)) {
        rc = KZ_ENOMEM;
        goto out;
    }
    char pki[4096];
    if ((rc = ex_clear_dir(o->journal_dir, err, errlen)) ||
        (rc = ex_run_pki(X, pki, sizeof pki, err, errlen)))
        goto out;
    rng_seed(&X->rng, o->seed, 0);
    int week = s->start_any ? (int)(rng_u01(&X->rng) * 7 * 1440) % (7 * 1440)
                            : s->start_week_min_utc;
    X->phase = p->phase0;

    /* Start every node; scenario time 0 is when they have had time to find each other. Under
     * DDS Security every pair of participants in the domain also authenticates and exchanges
     * keys before anything flows, whether or not they share a network: measured on 2 cores,
     * 40 nodes (780 pairs) keep the machine busy for 25-30 s after they start, and a scenario
     * begun sooner times the handshakes, not the headquarters. The epoch is on the nodes'
     * command lines, so the margin is fixed here, before they start. */
    int64_t t0 = wall_ns(), pairs = (int64_t)nn * ((int64_t)nn - 1) / 2;
    X->epoch_ns = t0 + 2000000000LL + (int64_t)nn * 150000000LL +
                  (X->secure ? 1000000000LL + pairs * 45000000LL : 0);
    for (size_t i = 0; i < nn; i++) {
        X->nodes[i].pid = ex_spawn(X, structure_path, (int)i, week, err, errlen);
        if (X->nodes[i].pid < 0) {
            rc = KZ_EIO;
            goto stop;
        }
    }
    /* the director's handle on each journal: commands in, ends out */
    for (size_t i = 0; i < nn; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.db", o->journal_dir, m->nodes[i].id);
        int64_t give_up = wall_ns() + 30000000000LL;
        while ((rc = jr_open(path, NULL, 0, false, &X->nodes[i].j, err, errlen)) != 0 &&
               wall_ns() < give_up) {
            struct timespec nap = {0, 20000000};
            nanosleep(&nap, NULL);
        }
        if (rc)
            goto stop;
        if (sqlite3_prepare_v2(jr_db(X->nodes[i].j),
                               "SELECT seq, what, tag, aux, node, t_sim_us, text FROM event "
                               "WHERE seq > ?1 AND what IN ('started', 'done', 'infeasible') "
                               "ORDER BY seq",
                               -1, &X->nodes[i].ends, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(jr_db(X->nodes[i].j)));
            rc = KZ_EIO;
            goto stop;
        }
    }
    for (;;) {
        if ((rc = read_ends(X)))
            goto stop;
        size_t up = 0;
        for (size_t i = 0; i < nn; i++)
            up += X->nodes[i].started;
        if (up == nn)
            break;
        for (size_t i = 0; i < nn; i++) {
            int st;
            if (waitpid(X->nodes[i].pid, &st, WNOHANG) == X->nodes[i].pid) {
                X->nodes[i].exited = true;
                snprintf(err, errlen, "node %s exited before the exercise began; see %s/%s.log",
                         m->nodes[i].id, o->journal_dir, m->nodes[i].id);
                rc = KZ_EIO;
                goto stop;
            }
        }
        if (wall_ns() > t0 + 60000000000LL) {
            snprintf(err, errlen, "only %zu of %zu nodes started within 60 s", up, nn);
            rc = KZ_EIO;
            goto stop;
        }
        struct timespec nap = {0, 20000000};
        nanosleep(&nap, NULL);
    }
    r->startup_s = (double)(wall_ns() - t0) * 1e-9;
    if (wall_ns() > X->epoch_ns)
        progress(X, "warning: the nodes took %.1f s to start, longer than planned",
                 r->startup_s);
    while (wall_ns() < X->epoch_ns) {
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
    }
    progress(X, "exercise %s on %s: %zu node processes, speed %gx", s->name, m->name, nn,
             o->speed);

    /* The plan, as run.c schedules it. */
    for (int i = 0; i < p->nchanges && !rc; i++)
        rc = des_push(&X->q, p->changes[i].at_us, EV_PHASE, (uint32_t)i);
    for (int i = 0; i < p->noutages && !rc; i++) {
        const struct poutage *ou = &p->outages[i];
        int64_t at = rng_dist_us(&X->rng, ou->at);
        rc = des_push(&X->q, at, EV_OUT_DOWN, (uint32_t)i);
        if (!rc && ou->dur)
            rc = des_push(&X->q, at + rng_dist_us(&X->rng, ou->dur), EV_OUT_UP, (uint32_t)i);
    }
    for (int i = 0; i < p->nbg && !rc; i++) {
        const struct pbg *b = &p->bg[i];
        if (b->rate_per_s > 0)
            rc = schedule_bg_rate(X, i, 0);
        for (size_t k = 0; k < b->nat && k < 65536 && !rc; k++)
            rc = des_push(&X->q, (int64_t)(b->at[k] * 1e6), EV_BG_AT,
                          (uint32_t)i << 16 | (uint32_t)k);
    }
    X->active = p->ninst;
    for (int t = 0; t < p->nthreads && !rc; t++) {
        const struct pthread *pt = &p->threads[t];
        int64_t start = rng_dist_us(&X->rng, &pt->src->start);
        for (int c = 0; c < pt->src->copies && !rc; c++) {
            int ii = pt->first_inst + c;
            struct ex_inst *in = &X->inst[ii];
            in->thread = t;
            in->copy = c;
            in->t_mark = -1;
            in->deadline_us = rng_dist_us(&X->rng, &pt->src->deadline);
            rc = des_push(&X->q, start + (int64_t)(pt->src->spacing * 1e6) * c, EV_INST_START,
                          (uint32_t)ii);
        }
    }
    if (rc) {
        rc = KZ_ENOMEM;
        goto stop;
    }
    int64_t limit = o->timeout_s > 0 ? X->epoch_ns + (int64_t)(o->timeout_s * 1e9) : INT64_MAX;
    int64_t now = 0;
    while (X->active > 0) {
        now = sim_now(X);
        if (now > p->horizon_us) {
            progress(X, "horizon reached");
            break;
        }
        if (wall_ns() > limit) {
            progress(X, "wall-clock limit reached");
            break;
        }
        while (X->q.n && X->q.h[0].t <= now) {
            unsigned kind;
            uint32_t arg;
            int64_t t = X->q.h[0].t;
            des_pop(&X->q, &kind, &arg);
            if ((rc = handle(X, kind, arg, t)))
                goto stop;
        }
        if ((rc = read_ends(X)))
            goto stop;
        for (size_t i = 0; i < nn; i++)
            if (!X->nodes[i].exited && waitpid(X->nodes[i].pid, NULL, WNOHANG) == X->nodes[i].pid) {
                X->nodes[i].exited = true;
                progress(X, "warning: node %s exited; see %s/%s.log", m->nodes[i].id,
                         o->journal_dir, m->nodes[i].id);
            }
        struct timespec nap = {0, 2000000};
        nanosleep(&nap, NULL);
    }
    r->scenario_s = (double)sim_now(X) * 1e-6;
    r->wall_s = (double)(wall_ns() - X->epoch_ns) * 1e-9;
    if (X->active == 0)
        progress(X, "every thread finished");

    /* One replication's result, as run.c folds it. */
    for (int t = 0; t < p->nthreads; t++) {
        const struct pthread *pt = &p->threads[t];
        struct kz_exercise_thread *th = &r->threads[t];
        th->name = pt->src->id;
        int64_t worst = 0, dl = 0;
        bool done = true, met = true;
        for (int c = 0; c < pt->src->copies; c++) {
            const struct ex_inst *in = &X->inst[pt->first_inst + c];
            dl += in->deadline_us;
            if (in->t_mark < 0) {
                done = met = false;
                if (in->stopped)
                    th->why = in->why;
                continue;
            }
            int64_t took = in->t_mark - in->t_start;
            if (took > worst)
                worst = took;
            if (took > in->deadline_us)
                met = false;
        }
        th->took_s = done ? (double)worst * 1e-6 : -1;
        th->deadline_s = (double)dl / pt->src->copies * 1e-6;
        th->met = met;
    }
    r->nthreads = p->nthreads;
    r->nnodes = (int)nn;
stop:
    ex_stop_nodes(X);
    if (!rc) {
        r->commands = X->commands;
        rc = kz_journal_audit(o->journal_dir, NULL, &r->audit, err, errlen);
    }
out:
    if (X->nodes)
        for (size_t i = 0; i < nn; i++) {
            sqlite3_finalize(X->nodes[i].ends);
            jr_close(X->nodes[i].j);
        }
    free(X->nodes);
    free(X->inst);
    des_free(&X->q);
    if (rc) {
        if (r)
            r->nthreads = 0; /* names still point into the plan */
        kz_exercise_result_free(r);
        plan_free(p);
        return rc;
    }
    /* the thread names and reasons point into the plan and the director: copy them */
    for (int t = 0; t < r->nthreads; t++) {
        r->threads[t].name = strdup(r->threads[t].name);
        r->threads[t].why = r->threads[t].why ? strdup(r->threads[t].why) : NULL;
    }
    plan_free(p);
    *out = r;
    return 0;
}

void kz_exercise_result_free(struct kz_exercise_result *r)
{
    if (!r)
        return;
    if (r->threads)
        for (int t = 0; t < r->nthreads; t++) {
            free((char *)r->threads[t].name);
            free((char *)r->threads[t].why);
        }
    free(r->threads);
    free(r);
}
