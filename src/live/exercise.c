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
#include "kizuna/util.h"
#include "command.h"
#include "core/des.h"
#include "core/rng.h"
#include "scenario/director.h"
#include "scenario/plan.h"

/*
 * The exercise is the live shell around the scenario director
 * (scenario/director.c, the same rules the simulator plays): its clock is
 * scenario time on the wall clock (held, while the director handles
 * something, at that thing's time: an event's, or the end a node journaled),
 * and its actuator queues commands at the nodes' journals. What moves between
 * headquarters, and how long each takes, is up to the nodes: the director
 * injects the first message of each step at the node that acts, and reads the
 * ends from the journals.
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

/* ---- the director's actuator: commands to the nodes ------------------------------------------ */

int ex_command(struct ex *X, int node, const char *body)
{
    int rc = jr_cmd_put(X->nodes[node].j, "exercise director", body, wall_ns(), NULL);
    if (rc)
        return rc;
    X->commands++;
    return 0;
}

/* Encodes `c` (the one encoder, command_enc.c) and queues it at `node`, or at every node. */
static int send_cmd(struct ex *X, int node, const struct command *c)
{
    char *body = NULL, why[160];
    int rc = cmd_encode(X->m, c, &body, why, sizeof why);
    for (size_t i = node >= 0 ? (size_t)node : 0; !rc && i < X->m->nnodes; i++) {
        rc = ex_command(X, (int)i, body);
        if (node >= 0)
            break;
    }
    free(body);
    return rc;
}

/* A step's command: its attributes, and the director's tag and step for the node's journal. */
static void step_cmd(struct command *c, enum cmd_kind kind, const struct dir_act *a)
{
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->msg = a->ps->msg;
    c->attr = a->ps->attr;
    c->tag = (uint32_t)a->inst;
    c->aux = (uint32_t)a->step;
    c->decision = a->ps->decision;
    c->assets = a->ps->assets;
    c->nto = a->nto < CMD_MAX_IDS ? a->nto : CMD_MAX_IDS;
    if (a->to)
        memcpy(c->to, a->to, (size_t)c->nto * sizeof *c->to);
}

static int act_share(void *ctx, const struct dir_act *a)
{
    struct command c;
    step_cmd(&c, C_SHARE, a);
    if (a->ps->msg == KZ_MSG_TRACK)
        snprintf(c.body.track_id, sizeof c.body.track_id, "%s-%d", a->thread_id, a->copy);
    return send_cmd(ctx, a->node, &c);
}

static int act_request(void *ctx, const struct dir_act *a)
{
    struct command c;
    step_cmd(&c, C_REQUEST, a);
    c.nto = 0;
    return send_cmd(ctx, a->node, &c);
}

static int act_order(void *ctx, const struct dir_act *a)
{
    struct command c;
    step_cmd(&c, C_ORDER, a);
    return send_cmd(ctx, a->node, &c);
}

static int act_phase(void *ctx, int phase)
{
    struct command c = {.kind = C_PHASE, .phase = phase, .attr.thread = -1};
    return send_cmd(ctx, -1, &c);
}

static int act_outage(void *ctx, int id, const struct poutage *o, bool down)
{
    struct command c = {.kind = C_OUTAGE, .outage_id = id, .okind = o->kind, .down = down,
                        .attr.thread = -1};
    c.nids = o->n < CMD_MAX_IDS ? o->n : CMD_MAX_IDS;
    memcpy(c.ids, o->ids, (size_t)c.nids * sizeof *c.ids);
    return send_cmd(ctx, -1, &c);
}

static int act_load(void *ctx, const struct pbg *b)
{
    struct command c = {.kind = C_LOAD, .action = b->action, .attr.thread = -1};
    c.attr.prec = (enum kz_precedence)b->prec;
    return send_cmd(ctx, b->node, &c);
}

static void act_note(void *ctx, const char *line) { progress(ctx, "%s", line); }

/* ---- the director's clock: scenario time, held at the time of what it handles ------------- */

static kz_time dclk_now(void *ctx) { return (kz_time){((struct ex *)ctx)->cur}; }

static int dclk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    return des_push(&((struct ex *)ctx)->q, t.us, kind, arg);
}

/* ---- the ends the nodes journal ------------------------------------------------------------- */

/* The node's reason, kept for the result (the director holds it by pointer). */
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

/* Reads what the nodes journaled since the last call: `started` marks a node up; the ends of
 * operations are kept in X->ends for play() to hand to the director in time order. */
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
            bool ok = !strcmp(what, "done");
            const char *why = (const char *)sqlite3_column_text(s, 6);
            struct ex_end *v = kz_grow(X->ends, &X->capends, X->nends + 1, sizeof *v);
            if (!v) {
                sqlite3_reset(s);
                return KZ_ENOMEM;
            }
            X->ends = v;
            v[X->nends++] = (struct ex_end){
                sqlite3_column_int64(s, 5), /* when the node ended it */
                (uint32_t)sqlite3_column_int64(s, 2), (uint32_t)sqlite3_column_int64(s, 3), ok,
                sqlite3_column_int(s, 4), ok ? NULL : keep_why(X, why && *why ? why : "infeasible")};
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE && rc != SQLITE_BUSY)
            return KZ_EIO;
    }
    return 0;
}

/* ---- the exercise ----------------------------------------------------------------------------------- */

/* A node command names at most CMD_MAX_IDS recipients or executors: a step beyond that cannot
 * be played live (the simulator has no such limit), so it is refused before anything starts. */
static int fits_commands(const struct plan *p, char *err, size_t errlen)
{
    for (int t = 0; t < p->nthreads; t++)
        for (int k = 0; k < p->threads[t].nsteps; k++) {
            const struct pstep *ps = &p->threads[t].steps[k];
            size_t n = (size_t)ps->nto;
            if (ps->kind == ST_ORDER && !ps->to)
                for (size_t i = 0; i < p->m->nauthorities; i++)
                    if (p->m->authorities[i].decision == ps->decision &&
                        p->m->authorities[i].executors.n > n)
                        n = p->m->authorities[i].executors.n;
            if (n > CMD_MAX_IDS) {
                kz_set_err(err, errlen,
                           "%s:%d:%d: thread %s, %s: %zu recipients or executors; a live node "
                           "command carries at most %d",
                           p->s->file, p->threads[t].src->steps[k].pos.line,
                           p->threads[t].src->steps[k].pos.col, p->threads[t].src->id,
                           ps->label ? ps->label : "a step", n, CMD_MAX_IDS);
                return KZ_ELIMIT;
            }
        }
    return 0;
}

/* The director's handle on each journal: commands in, ends out (the nodes make the files). */
static int open_journals(struct ex *X, char *err, size_t errlen)
{
    for (size_t i = 0; i < X->m->nnodes; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.db", X->o->journal_dir, X->m->nodes[i].id);
        int64_t give_up = wall_ns() + 30000000000LL;
        int rc;
        while ((rc = jr_open(path, NULL, 0, false, &X->nodes[i].j, err, errlen)) != 0 &&
               wall_ns() < give_up) {
            struct timespec nap = {0, 20000000};
            nanosleep(&nap, NULL);
        }
        if (rc)
            return rc;
        if (sqlite3_prepare_v2(jr_db(X->nodes[i].j),
                               "SELECT seq, what, tag, aux, node, t_sim_us, text FROM event "
                               "WHERE seq > ?1 AND what IN ('started', 'done', 'infeasible') "
                               "ORDER BY seq",
                               -1, &X->nodes[i].ends, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(jr_db(X->nodes[i].j)));
            return KZ_EIO;
        }
    }
    return 0;
}

/* Until every node journaled `started` (at most 60 s from t0), or one exited. */
static int wait_started(struct ex *X, int64_t t0, char *err, size_t errlen)
{
    size_t nn = X->m->nnodes;
    for (;;) {
        int rc = read_ends(X);
        if (rc)
            return rc;
        size_t up = 0;
        for (size_t i = 0; i < nn; i++)
            up += X->nodes[i].started;
        if (up == nn)
            return 0;
        for (size_t i = 0; i < nn; i++) {
            int st;
            if (waitpid(X->nodes[i].pid, &st, WNOHANG) == X->nodes[i].pid) {
                X->nodes[i].exited = true;
                snprintf(err, errlen, "node %s exited before the exercise began; see %s/%s.log",
                         X->m->nodes[i].id, X->o->journal_dir, X->m->nodes[i].id);
                return KZ_EIO;
            }
        }
        if (wall_ns() > t0 + 60000000000LL) {
            snprintf(err, errlen, "only %zu of %zu nodes started within 60 s", up, nn);
            return KZ_EIO;
        }
        struct timespec nap = {0, 20000000};
        nanosleep(&nap, NULL);
    }
}

static int by_time(const void *a, const void *b)
{
    const struct ex_end *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

/* The director's events due by `now` and the ends read, merged in time order, so the director
 * sees the world as it happened (an end at 5 s before a phase change at 6 s) whatever order the
 * journals were read in. Its clock never goes back: an end journaled before an event already
 * handled (read late) is taken at the director's time. */
static int dispatch(struct ex *X, int64_t now)
{
    if (X->nends > 1)
        qsort(X->ends, X->nends, sizeof *X->ends, by_time);
    size_t k = 0;
    int rc = 0;
    while (!rc) {
        bool ev = X->q.n && X->q.h[0].t <= now, end = k < X->nends;
        if (!ev && !end)
            break;
        if (ev && (!end || X->q.h[0].t <= X->ends[k].t)) {
            unsigned kind;
            uint32_t arg;
            if (X->q.h[0].t > X->cur)
                X->cur = X->q.h[0].t; /* the director acts at the event's time, not the poll's */
            des_pop(&X->q, &kind, &arg);
            rc = kz_ev_owner(kind) == KZ_EVO_DIRECTOR ? dir_fire(X->dir, kind, arg) : KZ_EINVAL;
        } else {
            const struct ex_end *e = &X->ends[k++];
            if (e->t > X->cur)
                X->cur = e->t;
            rc = dir_done(X->dir, e->tag, e->aux, e->ok, e->node, e->why);
        }
    }
    X->nends = 0;
    return rc;
}

/* The director on the wall clock: its events when due, the ends the nodes journal, until every
 * thread finished, the horizon or the wall-clock limit. */
static int play(struct ex *X)
{
    const struct kz_exercise_options *o = X->o;
    int64_t limit = o->timeout_s > 0 ? X->epoch_ns + (int64_t)(o->timeout_s * 1e9) : INT64_MAX;
    X->cur = 0;
    int rc = dir_start(X->dir);
    while (!rc && dir_active(X->dir) > 0) {
        /* the ends journaled so far first, then "now": every end read is at or before it */
        if ((rc = read_ends(X)))
            break;
        int64_t now = sim_now(X);
        if (now > X->p->horizon_us) {
            progress(X, "horizon reached");
            break;
        }
        if (wall_ns() > limit) {
            progress(X, "wall-clock limit reached");
            break;
        }
        rc = dispatch(X, now);
        if (rc)
            break;
        for (size_t i = 0; i < X->m->nnodes; i++)
            if (!X->nodes[i].exited && waitpid(X->nodes[i].pid, NULL, WNOHANG) == X->nodes[i].pid) {
                X->nodes[i].exited = true;
                progress(X, "warning: node %s exited; see %s/%s.log", X->m->nodes[i].id,
                         o->journal_dir, X->m->nodes[i].id);
            }
        struct timespec nap = {0, 2000000};
        nanosleep(&nap, NULL);
    }
    return rc;
}

/* The one replication's result, folded as the simulator folds each of its runs. */
static void fold(struct ex *X, struct kz_exercise_result *r)
{
    const struct plan *p = X->p;
    for (int t = 0; t < p->nthreads; t++) {
        struct kz_exercise_thread *th = &r->threads[t];
        struct dir_outcome oc;
        dir_outcome(X->dir, t, &oc);
        th->name = p->threads[t].src->id;
        th->took_s = oc.done ? (double)oc.took_us * 1e-6 : -1;
        th->deadline_s = (double)oc.deadline_us * 1e-6;
        th->met = oc.met;
        th->why = oc.infeasible ? oc.why : NULL;
        th->stopped_step = oc.stopped_step;
        int64_t legal = 0, most = 0;
        for (size_t n = 0; n < X->m->nnodes; n++) {
            int64_t us = dir_legal_us(X->dir, t, (int)n);
            legal += us;
            if (us > most) {
                most = us;
                th->legal_node = X->m->nodes[n].id;
            }
        }
        th->legal_s = (double)legal * 1e-6;
    }
}

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
    int rc = plan_build_err(m, s, &p, err, errlen);
    if (rc)
        return rc;
    if ((rc = fits_commands(p, err, errlen))) {
        plan_free(p);
        return rc;
    }
    X->p = p;
    size_t nn = m->nnodes;
    X->nodes = calloc(nn, sizeof *X->nodes);
    r = calloc(1, sizeof *r);
    if (r)
        r->threads = calloc((size_t)p->nthreads, sizeof *r->threads);
    if (!X->nodes || !r || !r->threads || des_init(&X->q, 256) || dir_create(p, &X->dir)) {
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
    struct kz_clock clock = {X, dclk_now, dclk_at};
    struct dir_actuator act = {X,          act_share, act_request, act_order, act_phase,
                               act_outage, act_load,  act_note,    NULL};
    dir_bind(X->dir, &clock, &act, &X->rng);

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
    if ((rc = open_journals(X, err, errlen)) || (rc = wait_started(X, t0, err, errlen)))
        goto stop;
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

    if ((rc = play(X)))
        goto stop;
    r->scenario_s = (double)sim_now(X) * 1e-6;
    r->wall_s = (double)(wall_ns() - X->epoch_ns) * 1e-9;
    if (dir_active(X->dir) == 0)
        progress(X, "every thread finished");

    fold(X, r);
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
    free(X->ends);
    dir_free(X->dir);
    des_free(&X->q);
    if (rc) {
        if (r)
            r->nthreads = 0; /* names still point into the plan */
        kz_exercise_result_free(r);
        plan_free(p);
        return rc;
    }
    /* the thread names and reasons point into the plan and the director: copy them */
    bool copied = true;
    for (int t = 0; t < r->nthreads; t++) {
        struct kz_exercise_thread *th = &r->threads[t];
        const char *why = th->why, *legal = th->legal_node;
        th->name = strdup(th->name);
        th->why = why ? strdup(why) : NULL;
        th->legal_node = legal ? strdup(legal) : NULL;
        copied = copied && th->name && (th->why || !why) && (th->legal_node || !legal);
    }
    if (!copied) {
        kz_exercise_result_free(r);
        plan_free(p);
        return KZ_ENOMEM;
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
            free((char *)r->threads[t].legal_node);
        }
    free(r->threads);
    free(r);
}
