/* node.c - one headquarters live: the engine with the real clock, DDS, the journal, operators. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kizuna/error.h"
#include "model/yread.h"
#include "node_impl.h"
#include "wallclock.h"

#define RESEND_NS   (100 * 1000000LL)  /* look for samples to re-send this often */

/* ---- time --------------------------------------------------------------------------- */

/* Scenario time now: wall time since the epoch, times the speed; never goes back. */
kz_time nd_now(void *ctx)
{
    struct live *L = ctx;
    int64_t us = (int64_t)((double)(wall_ns() - L->epoch_ns) * L->speed / 1000.0);
    if (us < L->last_us)
        us = L->last_us;
    L->last_us = us;
    return (kz_time){us};
}

static int64_t wall_of(const struct live *L, int64_t t_us)
{
    return L->epoch_ns + (int64_t)((double)t_us * 1000.0 / L->speed);
}

/* ---- journal events ---------------------------------------------------------------------- */


void nd_event(struct live *L, const char *what, uint64_t id, const struct kz_msg_header *h,
                  uint32_t tag, uint32_t aux, int node, int peer, int net, const char *fmt, ...)
{
    char text[400] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
    }
    int64_t now = wall_ns();
    /* its own time: L->last_us alone is the last time the clock was read (a receipt long after
     * the previous event carried that event's time) */
    struct jr_event e = {now, nd_now(L).us, what, id, h ? h->thread : -1, tag, aux, node, peer,
                         net, h ? h->kind : -1, h ? h->classification : -1, fmt ? text : NULL,
                         L->cur_root};
    int rc = jr_event(L->j, &e);
    if (rc && !L->err)
        L->err = rc;
    if (L->o->log) {
        const struct kz_model *m = L->m;
        fprintf(L->o->log, "%10.3f %-10s %-8s %s%s%s%s%s%s%s\n", (double)L->last_us * 1e-6, what,
                h ? eng_msg_kind_names[h->kind] : "-", node >= 0 ? m->nodes[node].id : "",
                peer >= 0 ? (!strcmp(what, "received") ? " <- " : " -> ") : "",
                peer >= 0 ? m->nodes[peer].id : "",
                net >= 0 ? " over " : "", net >= 0 ? m->networks[net].id : "",
                fmt ? ": " : "", fmt ? text : "");
        fflush(L->o->log);
    }
}

/* ---- engine hooks: clock, transport, done, trace ------------------------------------------ */

/* The node's clock: the engine's events are counted against the root they work for, so a
 * root is closed (and its command marked handled) only when nothing of it is pending. */
static int clk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    struct live *L = ctx;
    if (nd_adopt(L))
        return KZ_ENOMEM;
    if (kind == ENG_EV_DELEGATE && arg < L->seen_ops) {
        /* the request's root stays open until the holder's time is up */
        struct root *r = nd_root_find(L, L->op_root[arg]);
        if (r)
            r->jobs++;
    } else if (kind == ENG_EV_JOB_DONE) {
        int64_t root = arg < L->seen_msgs ? L->msg_root[arg] : L->cur_root;
        struct root *r = root ? nd_root_find(L, root) : NULL;
        if (r)
            r->jobs++;
    }
    return des_push(&L->q, t.us, kind, arg);
}

static void on_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                    const char *why)
{
    struct live *L = ctx;
    struct root *r = L->cur_root ? nd_root_find(L, L->cur_root) : NULL;
    if (r)
        r->terminal = true;
    /* the exercise director reads these rows: the tag and step say which operation ended */
    const char *what = st == ENG_OK ? "done" : "infeasible";
    if (why)
        nd_event(L, what, 0, NULL, tag, aux, node, -1, -1, "%s", why);
    else
        nd_event(L, what, 0, NULL, tag, aux, node, -1, -1, NULL);
}

static void on_trace(void *ctx, const struct trace_rec *t)
{
    struct live *L = ctx;
    const char *what = NULL;
    switch (t->what) {
    case TR_REFUSED:
        what = "refused";
        break;
    case TR_BLOCKED:
        what = "blocked";
        break;
    case TR_UNBLOCKED:
        what = "unblocked";
        break;
    case TR_DELEGATE:
        what = "delegated";
        break;
    case TR_DECIDED:
        what = "decided";
        break;
    case TR_EXECUTED:
        what = "executed";
        break;
    case TR_RECALL:
        what = "recall";
        break;
    default:
        return;
    }
    if (t->what == TR_REFUSED) {
        struct root *r = L->cur_root ? nd_root_find(L, L->cur_root) : NULL;
        if (r)
            r->terminal = true;
    }
    nd_event(L, what, 0, t->hdr, 0, 0, t->node, t->peer, t->network, t->text ? "%s" : NULL,
          t->text ? t->text : "");
}

/* ---- running the engine on account of a root ---------------------------------------------- */

static int fire(struct live *L, unsigned kind, uint32_t arg)
{
    if (nd_adopt(L))
        return KZ_ENOMEM;
    L->cur_root = 0;
    if (kind == EV_ARRIVE) {
        L->cur_root = arg < L->seen_msgs ? L->msg_root[arg] : 0;
        struct root *r = nd_root_find(L, L->cur_root);
        if (r)
            r->jobs--;
        return nd_after_call(L, eng_deliver(L->eng, arg, L->me));
    }
    if (kind == ENG_EV_JOB_DONE && arg < L->seen_msgs) {
        L->cur_root = L->msg_root[arg];
        struct root *r = nd_root_find(L, L->cur_root);
        if (r)
            r->jobs--;
    } else if (kind == ENG_EV_DELEGATE && arg < L->seen_ops) {
        L->cur_root = L->op_root[arg];
        struct root *r = nd_root_find(L, L->cur_root);
        if (r)
            r->jobs--;
    }
    return nd_after_call(L, eng_fire(L->eng, kind, arg));
}

/* ---- the loop ---------------------------------------------------------------------------------- */

/* Nothing in the engine and nothing scheduled: start it afresh to reuse its memory. */
static int compact(struct live *L)
{
    if (L->q.n || L->npend || !eng_idle(L->eng) || L->seen_msgs < 4096)
        return 0;
    eng_reset(L->eng, L->phase, L->week);
    des_reset(&L->q);
    L->seen_msgs = L->seen_ops = 0;
    /* nothing refers to a root any more; streams keep their own */
    memset(L->roots, 0, L->cap_roots * sizeof *L->roots);
    L->nroots = 0;
    L->holds0 = 0; /* nothing is held (npend 0): no key is in use */
    for (int i = 0; i < 64; i++)
        if (L->outage[i].on) {
            int rc = eng_outage(L->eng, i, L->outage[i].k, L->outage[i].ids, L->outage[i].n, true);
            if (rc)
                return rc;
        }
    return 0;
}

int nd_step(struct live *L)
{
    int rc = jr_begin(L->j);
    if (rc)
        return rc;
    if (L->x) {
        if (dx_take(L->x, nd_receive, L) < 0 && !L->err)
            L->err = KZ_EIO;
    } else {
        for (size_t i = 0; i < L->nin && !L->err; i++)
            nd_receive(L, L->in[i].t, L->in[i].net, &L->in[i].u);
        L->nin = 0;
    }
    /* TAK clients: what they sent is journaled and queued as commands in this transaction */
    if (L->gw && !L->err)
        rc = gw_io(L->gw);
    int64_t w = wall_ns();
    if (!rc && !L->err && w - L->last_poll >= POLL_NS) {
        L->last_poll = w;
        rc = nd_poll_commands(L);
    }
    if (!rc && !L->err && L->ngen)
        rc = nd_run_streams(L);
    /* Then the engine's events due, commands' and streams' included: a job of zero modelled
     * time schedules the next one "now", and the clock is read again each time, so the whole
     * chain runs in this step and transaction (bounded, so a step stays short), and a node
     * busy with a stream still finds its engine idle between steps and reuses its memory
     * (compact). */
    for (int n = 0; !rc && !L->err && L->q.n && n < 8192 && L->q.h[0].t <= nd_now(L).us; n++) {
        unsigned kind = 0;
        uint32_t arg = 0;
        des_pop(&L->q, &kind, &arg);
        rc = fire(L, kind, arg);
    }
    if (!rc && !L->err && w - L->last_resend >= RESEND_NS) {
        L->last_resend = w;
        rc = jr_out_each_due(L->j, w, RTO_NS, nd_resend_one, L);
    }
    if (!rc)
        rc = L->err;
    int c = jr_commit(L->j);
    if (rc || c)
        return rc ? rc : c;
    nd_flush_out(L);
    if (L->gw) /* what the step made for TAK clients goes out once it is journaled */
        gw_flush(L->gw);
    return compact(L);
}

static void nd_free(struct live *L);

static int read_digest(const char *path, uint8_t sha[32], char *err, size_t errlen)
{
    char *buf = NULL;
    size_t len = 0;
    kz_diags *d;
    if (kz_diags_create(&d))
        return KZ_ENOMEM;
    int rc = yr_read_file(path, (size_t)64 << 20, &buf, &len, d);
    kz_diags_destroy(d);
    if (rc || !buf) {
        snprintf(err, errlen, "%s: cannot read", path);
        free(buf);
        return rc ? rc : KZ_EIO;
    }
    au_sha256(buf, len, sha);
    free(buf);
    return 0;
}

static int find_node(const struct kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].id, id))
            return (int)i;
    return -1;
}

/* What a node refuses to start with: a bad speed; no authentication unless asked for; no
 * authentication on a network that carries more than UNCLASSIFIED unless forced. */
static int check_options(const struct kz_model *m, const struct kz_node_options *o, int me,
                         char *err, size_t errlen)
{
    if (o->speed <= 0 || o->speed > 1e6) {
        snprintf(err, errlen, "speed must be in (0, 1e6]");
        return KZ_EINVAL;
    }
    if (!o->secure_dir && !o->insecure) {
        snprintf(err, errlen, "a node runs authenticated: give --secure DIR (kizuna pki init), or "
                              "--insecure for a lab");
        return KZ_EINVAL;
    }
    if (!o->secure_dir && !o->force)
        for (size_t n = 0; n < m->nnetworks; n++)
            if (wire_member(m, (int)n, me) && m->networks[n].ceiling > CL_U) {
                snprintf(err, errlen,
                         "--insecure refused: network %s carries up to %s (add --force for a "
                         "lab)",
                         m->networks[n].id, kz_classif_names[m->networks[n].ceiling]);
                return KZ_EINVAL;
            }
    return 0;
}

/* Names for readers of the journal, and the structure's path for kizuna send. */
static int journal_names(struct live *L, const char *structure_path)
{
    const struct kz_model *m = L->m;
    char real[4096];
    int rc = jr_begin(L->j);
    for (size_t i = 0; i < m->nnodes && !rc; i++)
        rc = jr_name(L->j, 0, (int)i, m->nodes[i].id);
    for (size_t i = 0; i < m->nnetworks && !rc; i++)
        rc = jr_name(L->j, 1, (int)i, m->networks[i].id);
    if (!rc && realpath(structure_path, real))
        rc = jr_meta_set(L->j, "structure", real);
    return rc ? rc : jr_commit(L->j);
}

int nd_open(const kz_model *m, const char *structure_path, const struct kz_node_options *o,
            bool dds, struct live **out, char *err, size_t errlen)
{
    *out = NULL;
    struct live *L = calloc(1, sizeof *L);
    if (!L)
        return KZ_ENOMEM;
    L->m = m;
    L->o = o;
    int rc;
    L->me = find_node(m, o->node);
    if (L->me < 0) {
        snprintf(err, errlen, "node '%s' is not in structure '%s'", o->node, m->name);
        rc = KZ_ENOTFOUND;
        goto out;
    }
    if ((rc = check_options(m, o, L->me, err, errlen)))
        goto out;
    if ((rc = read_digest(structure_path, L->sha, err, errlen)))
        goto out;
    L->digest = wire_digest(L->sha);
    if (o->secure_dir &&
        (rc = au_open(m, L->me, o->secure_dir, L->sha, &L->auth, err, errlen)))
        goto out;
    L->speed = o->speed;
    L->epoch_ns = o->epoch_ns ? o->epoch_ns : wall_ns();
    L->phase = o->phase >= 0 ? o->phase : 0;
    if (o->week_min_utc >= 0) {
        L->week = o->week_min_utc;
    } else {
        time_t t = (time_t)(L->epoch_ns / 1000000000);
        struct tm tm;
        gmtime_r(&t, &tm);
        L->week = ((tm.tm_wday + 6) % 7) * 1440 + tm.tm_hour * 60 + tm.tm_min;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.db", o->journal_dir, o->node);
    size_t nn = m->nnodes;
    L->cap_roots = 1024;
    L->roots = calloc(L->cap_roots, sizeof *L->roots);
    L->st_busy = calloc(nn, sizeof(int64_t));
    L->st_wait = calloc(nn, sizeof(int64_t));
    L->st_jobs = calloc(nn, sizeof(int64_t));
    if (!L->roots || !L->st_busy || !L->st_wait || !L->st_jobs || des_init(&L->q, 1024)) {
        rc = KZ_ENOMEM;
        goto out;
    }
    if ((rc = jr_open(path, o->node, L->digest, true, &L->j, err, errlen)))
        goto out;
    if ((rc = journal_names(L, structure_path)))
        goto fail_j;
    /* DDS configuration: the caller's, else the environment's, else loopback; with
     * --secure, the node's <Security> element is added as a second fragment. */
    char *cfg = NULL;
    if (dds && (rc = nd_dds_config(o, &cfg, err, errlen)))
        goto out;
    rc = dds ? dx_open(m, L->me, o->domain, cfg, &L->x, err, errlen) : 0;
    free(cfg);
    if (rc)
        goto out;
    if ((rc = eng_create(m, &L->eng)))
        goto out;
    rng_seed(&L->rng, o->seed, (uint64_t)L->me);
    L->est = (struct eng_stats){L->st_busy, L->st_wait, L->st_jobs, NULL, 0};
    struct kz_clock clock = {L, nd_now, clk_at};
    struct kz_transport tr = {L, nd_send};
    struct eng_hooks hooks = {L, on_done, on_trace, o->automatic ? NULL : nd_hold, !o->automatic};
    eng_bind(L->eng, &clock, &tr, &hooks, &L->rng, &L->est);
    eng_reset(L->eng, L->phase, L->week);
    nd_now(L);

    /* Pick up where the last run stopped: work not handled is done again. */
    if ((rc = jr_begin(L->j)))
        goto fail_j;
    nd_event(L, "started", 0, NULL, 0, 0, L->me, -1, -1, "%s on %s, %s, speed %g, %s", o->node,
             m->name, o->automatic ? "automatic" : "operators decide", o->speed,
             L->auth ? "authenticated" : "INSECURE: nothing authenticated");
    L->replaying = true;
    rc = jr_pending_reset(L->j);
    if (!rc)
        rc = jr_work_each_open(L->j, nd_replay_one, L);
    L->replaying = false;
    /* commands already taken are in `work`; jr_cmd_next returns only those not taken */
    if (!rc)
        rc = jr_out_each_due(L->j, wall_ns(), 0, nd_resend_one, L);
    int c = jr_commit(L->j);
    if (rc || (rc = c))
        goto fail_j;
    nd_flush_out(L);

    if ((o->cot_addr || o->cot_plain_addr) && (rc = gw_open(L, &L->gw, err, errlen)))
        goto out;
    L->last_poll = 0;
    L->last_resend = wall_ns();
    *out = L;
    return 0;
fail_j:
    if (L->j && !err[0])
        snprintf(err, errlen, "%s", jr_errmsg(L->j));
out:
    nd_free(L);
    return rc;
}

int nd_deliver(struct live *L, enum dx_topic t, int net, const void *sample)
{
    return nd_outq_push(&L->in, &L->nin, &L->capin, t, net, sample);
}

/* Everything nd_open allocated. */
static void nd_free(struct live *L)
{
    gw_close(L->gw);
    eng_free(L->eng);
    au_close(L->auth);
    dx_close(L->x);
    jr_close(L->j);
    des_free(&L->q);
    free(L->roots);
    free(L->st_busy);
    free(L->st_wait);
    free(L->st_jobs);
    free(L->msg_root);
    free(L->msg_auth);
    free(L->op_ticket);
    free(L->op_gid);
    free(L->op_root);
    free(L->out);
    free(L->in);
    free(L->pend);
    for (int i = 0; i < L->ngen; i++)
        free(L->gen[i].text);
    free(L);
}

void nd_close(struct live *L)
{
    if (!L)
        return;
    if (!jr_begin(L->j)) {
        gw_close(L->gw); /* its clients' disconnections in the last transaction */
        L->gw = NULL;
        nd_event(L, "stopped", 0, NULL, 0, 0, L->me, -1, -1,
                 "sent %" PRIu64 ", received %" PRIu64 ", refused %" PRIu64
                 ", duplicates %" PRIu64 ", unacknowledged %" PRId64,
                 L->n_sent, L->n_recv, L->n_refused, L->n_dup, jr_out_unacked(L->j));
        jr_commit(L->j);
    }
    nd_free(L);
}

int kz_node_run(const kz_model *m, const char *structure_path, const struct kz_node_options *o,
                char *err, size_t errlen)
{
    struct live *L;
    int rc = nd_open(m, structure_path, o, true, &L, err, errlen);
    if (rc)
        return rc;
    int64_t start = wall_ns();
    while (!L->stop && !(o->stop && *o->stop)) {
        if (o->run_s > 0 && (double)(wall_ns() - start) * 1e-9 >= o->run_s)
            break;
        if ((rc = nd_step(L))) {
            if (!err[0])
                snprintf(err, errlen, "%s", jr_errmsg(L->j));
            break;
        }
        int64_t wait = POLL_NS;
        if (L->q.n) {
            int64_t due = wall_of(L, L->q.h[0].t) - wall_ns();
            if (due < wait)
                wait = due;
        }
        if (L->gw)
            gw_wait(L->gw, L->x, wait);
        else
            dx_wait(L->x, wait);
    }
    nd_close(L);
    return rc;
}
