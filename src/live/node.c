/* node.c - one headquarters live: the engine with the real clock, DDS, the journal, operators. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "dds.h"
#include "journal.h"
#include "model/yread.h"
#include "wallclock.h"
#include "kizuna/error.h"
#include "kizuna/live.h"
#include "sim/des.h"
#include "sim/rng.h"
#include "wire.h"

/*
 * Work is counted in roots: a sample that arrived, or a command. Everything the
 * engine does on account of a root (messages it creates, samples it sends) is
 * journaled in the same transaction that marks the root handled, and a sent
 * sample's id is derived from its root and its rank among the root's outputs.
 * After a crash the roots not handled are run again; what they send gets the
 * same ids, so receivers, who keep every id they saw, take nothing twice.
 */

#define RTO_NS      (500 * 1000000LL)  /* re-send an unacknowledged sample after */
#define POLL_NS     (5 * 1000000LL)    /* look for commands at least this often */
#define RESEND_NS   (100 * 1000000LL)  /* look for samples to re-send this often */

struct root {
    int64_t id; /* 0: free slot */
    uint32_t nout;
    int32_t jobs; /* engine jobs in progress, waiting for an operator, delegation timers */
    bool terminal, handled;
    struct wire_body body;
};

struct pend {
    int64_t key, root;
    uint32_t mi;
};

struct outq {
    enum dx_topic t;
    int net;
    union {
        kz_Msg m;
        kz_Track tr;
        kz_Ack a;
    } u;
};

struct live {
    const struct kz_model *m;
    const struct kz_node_options *o;
    int me;
    uint64_t digest;
    struct kz_engine *eng;
    struct rng rng;
    struct eng_stats est;
    int64_t *st_busy, *st_wait, *st_jobs;
    struct des q; /* the engine's events, in scenario time */
    struct journal *j;
    struct ddsx *x;
    int phase, week;
    int64_t epoch_ns;
    double speed;
    int64_t last_us;

    int64_t *msg_root; /* engine message -> root */
    uint32_t cap_msg, seen_msgs;
    uint64_t *op_gid; /* engine operation -> network-wide operation id */
    int64_t *op_root;
    uint32_t cap_op, seen_ops;
    int64_t cur_root;
    uint64_t cur_gid; /* for operations a command starts */

    struct root *roots; /* open addressing on root id */
    size_t cap_roots, nroots;

    struct outq *out;
    size_t nout, capout;
    struct pend *pend;
    size_t npend, cappend;

    struct {
        bool on;
        enum outage_kind k;
        int ids[CMD_MAX_IDS];
        int n;
    } outage[64];

    struct gen {
        int64_t seq, root;
        char *text;
        struct command cmd;
        long done, total;
        double rate;
        int64_t t0_ns;
    } gen[8]; /* streams of shares (`repeat`) in progress */
    int ngen;

    int64_t cmd_after;
    bool replaying, stop;
    int err;
    uint64_t n_sent, n_recv, n_refused, n_dup;
};

/* ---- time --------------------------------------------------------------------------- */

/* Scenario time now: wall time since the epoch, times the speed; never goes back. */
static kz_time clk_now(void *ctx)
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

/* ---- roots ----------------------------------------------------------------------------- */

static size_t root_slot(const struct live *L, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;
    return (size_t)(h >> 20) & (L->cap_roots - 1);
}

static struct root *root_find(struct live *L, int64_t id)
{
    for (size_t i = root_slot(L, id);; i = (i + 1) & (L->cap_roots - 1)) {
        if (L->roots[i].id == id)
            return &L->roots[i];
        if (L->roots[i].id == 0)
            return NULL;
    }
}

static struct root *root_add(struct live *L, int64_t id)
{
    struct root *r = root_find(L, id);
    if (r)
        return r;
    if ((L->nroots + 1) * 2 > L->cap_roots) {
        size_t cap = L->cap_roots * 2;
        struct root *old = L->roots, *v = calloc(cap, sizeof *v);
        if (!v)
            return NULL;
        size_t oldcap = L->cap_roots;
        L->roots = v;
        L->cap_roots = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].id) {
                size_t k = root_slot(L, old[i].id);
                while (v[k].id)
                    k = (k + 1) & (cap - 1);
                v[k] = old[i];
            }
        free(old);
    }
    size_t i = root_slot(L, id);
    while (L->roots[i].id)
        i = (i + 1) & (L->cap_roots - 1);
    memset(&L->roots[i], 0, sizeof L->roots[i]);
    L->roots[i].id = id;
    L->nroots++;
    return &L->roots[i];
}

/* A root is done when it reached an end (sent, delivered, decided, refused) and no job or
 * timer of its own is left: it is marked handled in the transaction that holds its outputs.
 * It stays in the table (its outputs' numbering goes on) until the engine is idle. */
static void root_check(struct live *L, int64_t id)
{
    struct root *r = id ? root_find(L, id) : NULL;
    if (!r || r->handled || !r->terminal || r->jobs > 0)
        return;
    r->handled = true;
    int rc = jr_work_handled(L->j, id);
    if (rc && !L->err)
        L->err = rc;
}

/* New engine messages and operations belong to the root being worked on. */
static int adopt(struct live *L)
{
    uint32_t nm = eng_nmsgs(L->eng), no = eng_nops(L->eng);
    if (nm > L->cap_msg) {
        uint32_t c = L->cap_msg ? L->cap_msg : 1024;
        while (c < nm)
            c *= 2;
        int64_t *v = realloc(L->msg_root, c * sizeof *v);
        if (!v)
            return KZ_ENOMEM;
        L->msg_root = v;
        L->cap_msg = c;
    }
    if (no > L->cap_op) {
        uint32_t c = L->cap_op ? L->cap_op : 1024;
        while (c < no)
            c *= 2;
        uint64_t *g = realloc(L->op_gid, c * sizeof *g);
        if (!g)
            return KZ_ENOMEM;
        L->op_gid = g;
        int64_t *r = realloc(L->op_root, c * sizeof *r);
        if (!r)
            return KZ_ENOMEM;
        L->op_root = r;
        L->cap_op = c;
    }
    for (uint32_t i = L->seen_msgs; i < nm; i++)
        L->msg_root[i] = L->cur_root;
    for (uint32_t i = L->seen_ops; i < no; i++) {
        L->op_root[i] = L->cur_root;
        L->op_gid[i] = L->cur_gid;
    }
    L->seen_msgs = nm;
    L->seen_ops = no;
    return 0;
}

/* ---- journal events ---------------------------------------------------------------------- */


static void event(struct live *L, const char *what, uint64_t id, const struct kz_msg_header *h,
                  uint32_t tag, uint32_t aux, int node, int peer, int net, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

static void event(struct live *L, const char *what, uint64_t id, const struct kz_msg_header *h,
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
    struct jr_event e = {now,  L->last_us, what, id, h ? h->thread : -1, tag, aux, node, peer,
                         net,  h ? h->kind : -1, h ? h->classification : -1, fmt ? text : NULL};
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

static int queue_out(struct live *L, enum dx_topic t, int net, const void *sample)
{
    if (L->nout == L->capout) {
        size_t c = L->capout ? L->capout * 2 : 256;
        struct outq *v = realloc(L->out, c * sizeof *v);
        if (!v)
            return KZ_ENOMEM;
        L->out = v;
        L->capout = c;
    }
    struct outq *q = &L->out[L->nout++];
    q->t = t;
    q->net = net;
    memcpy(&q->u, sample, t == DX_MSG ? sizeof(kz_Msg) : t == DX_TRACK ? sizeof(kz_Track)
                                                                       : sizeof(kz_Ack));
    return 0;
}

static int clk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    struct live *L = ctx;
    if (adopt(L))
        return KZ_ENOMEM;
    if (kind == ENG_EV_DELEGATE && arg < L->seen_ops) {
        /* the request's root stays open until the holder's time is up */
        struct root *r = root_find(L, L->op_root[arg]);
        if (r)
            r->jobs++;
    }
    if (kind == ENG_EV_JOB_DONE) {
        int64_t root = arg < L->seen_msgs ? L->msg_root[arg] : L->cur_root;
        struct root *r = root ? root_find(L, root) : NULL;
        if (r)
            r->jobs++;
        enum action a = eng_msg_action(L->eng, arg);
        if (!L->o->automatic && (a == ACT_DECIDE || a == ACT_APPROVE)) {
            /* an operator decides: the job waits in the inbox (kizuna inbox / decide) */
            if (L->npend == L->cappend) {
                size_t c = L->cappend ? L->cappend * 2 : 16;
                struct pend *v = realloc(L->pend, c * sizeof *v);
                if (!v)
                    return KZ_ENOMEM;
                L->pend = v;
                L->cappend = c;
            }
            int k = 0;
            for (size_t i = 0; i < L->npend; i++)
                k += L->pend[i].root == root;
            int64_t key = root * 16 + k;
            L->pend[L->npend++] = (struct pend){key, root, arg};
            const struct kz_msg_header *h = eng_msg_header(L->eng, arg);
            int32_t op = eng_msg_op(L->eng, arg);
            struct eng_wire w;
            char what[400];
            if (eng_export(L->eng, arg, &w) == 0 && w.decision >= 0) {
                const struct kz_model *m = L->m;
                snprintf(what, sizeof what, "%s %s%s%s%s%s (thread %d, operation %016" PRIx64 ")",
                         a == ACT_DECIDE ? "decide" : "approve", m->decisions[w.decision].id,
                         w.assets >= 0 ? " for " : "", w.assets >= 0 ? m->nations[w.assets].id : "",
                         w.requester >= 0 ? ", requested by " : "",
                         w.requester >= 0 ? m->nodes[w.requester].id : "", w.h.thread,
                         op >= 0 && (uint32_t)op < L->seen_ops ? L->op_gid[op] : 0);
            } else {
                snprintf(what, sizeof what, "%s %s", a == ACT_DECIDE ? "decide" : "approve",
                         h ? eng_msg_kind_names[h->kind] : "?");
            }
            int rc = jr_pending_add(L->j, key, wall_ns(), what);
            if (rc)
                return rc;
            event(L, "waiting", 0, h, 0, 0, L->me, -1, -1, "%s: kizuna decide --key %" PRId64,
                  what, key);
            return 0;
        }
        if (!L->o->automatic)
            t = clk_now(L); /* machines relay, review, order and execute at once */
    } else if (kind == ENG_EV_RECALL_DONE && !L->o->automatic) {
        t = clk_now(L);
    }
    return des_push(&L->q, t.us, kind, arg) ? KZ_ENOMEM : 0;
}

static int tr_send(void *ctx, uint32_t mi, int from, int to, int net)
{
    struct live *L = ctx;
    if (adopt(L))
        return KZ_ENOMEM;
    struct eng_wire w;
    int rc = eng_export(L->eng, mi, &w);
    if (rc)
        return rc;
    int64_t root = L->msg_root[mi];
    struct root *r = root_find(L, root);
    if (!r)
        return KZ_EINVAL;
    r->terminal = true;
    int32_t op = eng_msg_op(L->eng, mi);
    struct wire_hop hop = {(uint64_t)L->me << 48 | ((uint64_t)root & 0xffffffffu) << 16 |
                               (r->nout++ & 0xffffu),
                           L->op_gid[op], from, to, net, wall_ns()};
    kz_Track tr;
    kz_Msg *s = &tr.m;
    wire_encode(L->digest, &w, &hop, &r->body, s);
    char why[300];
    if (!wire_release_ok(L->m, net, w.h.classification, w.h.releasable, L->phase, why,
                         sizeof why) ||
        (!wire_member(L->m, net, to) &&
         snprintf(why, sizeof why, "%s is not on network %s", L->m->nodes[to].id,
                  L->m->networks[net].id)) ||
        (!wire_member(L->m, net, from) &&
         snprintf(why, sizeof why, "this node is not on network %s", L->m->networks[net].id))) {
        L->n_refused++;
        event(L, "refused", hop.id, &w.h, w.tag, w.opaux, from, to, net, "not sent: %s", why);
        return 0;
    }
    bool track = w.h.kind == KZ_MSG_TRACK;
    rc = jr_out_add(L->j, root, track ? JR_TRACK : JR_MSG, s, hop.sent_ns);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return 0; /* a replayed root: the first run sent it; re-sending is the outbox's job */
    L->n_sent++;
    event(L, "sent", hop.id, &w.h, w.tag, w.opaux, from, to, net, NULL);
    if (track) {
        memcpy(tr.track_id, s->track_id, sizeof tr.track_id);
        tr.to = s->to;
        return queue_out(L, DX_TRACK, net, &tr);
    }
    return queue_out(L, DX_MSG, net, s);
}

static void on_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                    const char *why)
{
    struct live *L = ctx;
    struct root *r = L->cur_root ? root_find(L, L->cur_root) : NULL;
    if (r)
        r->terminal = true;
    /* the exercise director reads these rows: the tag and step say which operation ended */
    const char *what = st == ENG_OK ? "done" : "infeasible";
    if (why)
        event(L, what, 0, NULL, tag, aux, node, -1, -1, "%s", why);
    else
        event(L, what, 0, NULL, tag, aux, node, -1, -1, NULL);
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
        struct root *r = L->cur_root ? root_find(L, L->cur_root) : NULL;
        if (r)
            r->terminal = true;
    }
    event(L, what, 0, t->hdr, 0, 0, t->node, t->peer, t->network, t->text ? "%s" : NULL,
          t->text ? t->text : "");
}

/* ---- running the engine on account of a root ---------------------------------------------- */

static int after_call(struct live *L, int rc)
{
    int a = adopt(L);
    if (!rc)
        rc = a;
    if (!rc)
        rc = L->err;
    int64_t root = L->cur_root;
    L->cur_root = 0;
    root_check(L, root);
    return rc ? rc : L->err;
}

/* The shell's own event: a message whose modelled link latency is over (--auto). */
enum { EV_ARRIVE = 16 };

static int fire(struct live *L, unsigned kind, uint32_t arg)
{
    if (adopt(L))
        return KZ_ENOMEM;
    L->cur_root = 0;
    if (kind == EV_ARRIVE) {
        L->cur_root = arg < L->seen_msgs ? L->msg_root[arg] : 0;
        struct root *r = root_find(L, L->cur_root);
        if (r)
            r->jobs--;
        return after_call(L, kz_engine_deliver(L->eng, arg, L->me));
    }
    if (kind == ENG_EV_JOB_DONE && arg < L->seen_msgs) {
        L->cur_root = L->msg_root[arg];
        struct root *r = root_find(L, L->cur_root);
        if (r)
            r->jobs--;
    } else if (kind == ENG_EV_DELEGATE && arg < L->seen_ops) {
        L->cur_root = L->op_root[arg];
        struct root *r = root_find(L, L->cur_root);
        if (r)
            r->jobs--;
    }
    return after_call(L, kz_engine_fire(L->eng, kind, arg));
}

/* ---- receiving ------------------------------------------------------------------------------ */

static void ack(struct live *L, const kz_Msg *s)
{
    kz_Ack a = {s->id, L->digest, (int16_t)L->me, s->from, s->net};
    if (queue_out(L, DX_ACK, s->net, &a) && !L->err)
        L->err = KZ_ENOMEM;
}

/* A sample for this node, already in the journal as root `root`. */
static int take_in(struct live *L, int64_t root, const kz_Msg *s, int net)
{
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body body;
    char why[300];
    if (wire_decode(L->m, L->digest, s, &w, &hop, &body, why, sizeof why) ||
        (hop.net != net && snprintf(why, sizeof why, "came on network %s but names %s",
                                    L->m->networks[net].id, L->m->networks[hop.net].id)) ||
        !wire_receive_ok(L->m, L->me, L->phase, &w, &hop, why, sizeof why)) {
        L->n_refused++;
        event(L, "refused", s->id, NULL, s->tag, s->aux, L->me,
              s->from >= 0 && (size_t)s->from < L->m->nnodes ? s->from : -1, net,
              "received and dropped: %s", why);
        return jr_work_handled(L->j, root);
    }
    struct root *r = root_add(L, root);
    if (!r)
        return KZ_ENOMEM;
    r->body = body;
    if (!L->replaying) {
        L->n_recv++;
        event(L, "received", hop.id, &w.h, w.tag, w.opaux, L->me, hop.from, net, NULL);
    }
    uint32_t mi;
    int rc = eng_import(L->eng, &w, &mi);
    if (rc)
        return rc;
    L->cur_root = root;
    L->cur_gid = hop.op;
    if (L->o->emulate_links) {
        /* An exercise emulates the structure's networks: the sample waits out the modelled
         * latency (propagation and overhead, as the simulator draws it) less the time it
         * really took, so live and simulated runs can be set side by side. */
        double lat = eng_prop_s(L->eng, hop.from, L->me, net) +
                     rng_dist(&L->rng, &L->m->networks[net].overhead);
        kz_time now = clk_now(L);
        int64_t took = (int64_t)((double)(wall_ns() - hop.sent_ns) * L->speed / 1000.0);
        int64_t wait = (int64_t)(lat * 1e6) - (took > 0 ? took : 0);
        if (wait > 0) {
            if ((rc = adopt(L)))
                return rc;
            r->jobs++;
            L->cur_root = 0;
            return des_push(&L->q, now.us + wait, EV_ARRIVE, mi) ? KZ_ENOMEM : 0;
        }
    }
    return after_call(L, kz_engine_deliver(L->eng, mi, L->me));
}

static void on_sample(void *ctx, enum dx_topic t, int net, const void *sample)
{
    struct live *L = ctx;
    if (L->err)
        return;
    if (t == DX_ACK) {
        const kz_Ack *a = sample;
        if (a->to == L->me && a->digest == L->digest) {
            int rc = jr_out_acked(L->j, a->id, wall_ns());
            if (rc && !L->err)
                L->err = rc;
        }
        return;
    }
    const kz_Msg *s = t == DX_TRACK ? &((const kz_Track *)sample)->m : sample;
    if (s->to != L->me)
        return; /* for another member of the network */
    int64_t root;
    bool dup;
    int rc = jr_work_wire(L->j, s, wall_ns(), &root, &dup);
    if (!rc) {
        ack(L, s); /* journaled: the sender may stop re-sending */
        if (dup)
            L->n_dup++;
        else
            rc = take_in(L, root, s, net);
    }
    if (rc && !L->err)
        L->err = rc;
}

/* ---- commands ------------------------------------------------------------------------------- */

static int exec_command(struct live *L, int64_t root, const struct command *cp, const char *text,
                        int64_t seq, long gen);

static int run_command(struct live *L, int64_t root, const char *text, int64_t seq, long gen)
{
    struct command c;
    kz_diags *d = NULL;
    if (kz_diags_create(&d))
        return KZ_ENOMEM;
    char file[64];
    snprintf(file, sizeof file, "command %" PRId64, seq);
    int rc = cmd_parse(L->m, file, text, strlen(text), &c, d);
    if (rc) {
        char msg[300] = "cannot be parsed";
        if (kz_diags_count(d)) {
            const struct kz_diag *dg = kz_diags_get(d, 0);
            snprintf(msg, sizeof msg, "%s:%d:%d: %s", dg->file, dg->line, dg->col, dg->msg);
        }
        kz_diags_destroy(d);
        event(L, "refused", 0, NULL, 0, 0, L->me, -1, -1, "command refused: %s", msg);
        return rc == KZ_ENOMEM ? rc : jr_work_handled(L->j, root);
    }
    kz_diags_destroy(d);
    return exec_command(L, root, &c, text, seq, gen);
}

/* Carries out a parsed command as root `root` (`gen` >= 0: one share of a stream). */
static int exec_command(struct live *L, int64_t root, const struct command *cp, const char *text,
                        int64_t seq, long gen)
{
    struct command c = *cp;
    int rc = 0;
    if (c.kind == C_SHARE && c.repeat > 1 && gen < 0) {
        /* a stream: its shares become roots of their own as it goes (step); the stream's
         * own root stays open until the last, so a restart resumes it where it was */
        if (L->ngen == (int)(sizeof L->gen / sizeof L->gen[0])) {
            event(L, "refused", 0, NULL, 0, 0, L->me, -1, -1,
                  "command %" PRId64 ": already %d streams running", seq, L->ngen);
            return jr_work_handled(L->j, root);
        }
        struct gen *g = &L->gen[L->ngen];
        g->text = strdup(text);
        if (!g->text)
            return KZ_ENOMEM;
        g->cmd = c; /* parsed once: each share is a copy with its rank */
        g->seq = seq;
        g->root = root;
        g->total = c.repeat;
        g->rate = c.rate;
        int64_t done = jr_work_gen_count(L->j, seq);
        g->done = done < 0 ? 0 : (long)done;
        g->t0_ns = wall_ns() - (c.rate > 0 ? (int64_t)((double)g->done / c.rate * 1e9) : 0);
        L->ngen++;
        event(L, "stream", 0, NULL, 0, 0, L->me, -1, -1, "%ld of %ld %s from command %" PRId64,
              g->done, g->total, eng_msg_kind_names[c.msg], seq);
        return 0;
    }
    if (gen >= 0) {
        size_t n = strlen(c.body.track_id);
        snprintf(c.body.track_id + n, sizeof c.body.track_id - n, "-%ld", gen);
    }
    struct root *r = root_add(L, root);
    if (!r)
        return KZ_ENOMEM;
    r->body = c.body;
    L->cur_root = root;
    L->cur_gid = (uint64_t)L->me << 48 | (uint64_t)root;
    switch (c.kind) {
    case C_SHARE:
        rc = eng_share(L->eng, c.msg, L->me, c.to, c.nto, &c.attr, c.tag, c.aux);
        break;
    case C_REQUEST:
        if (!eng_authority(L->eng, c.decision, c.assets, L->phase)) {
            r->terminal = true;
            event(L, "infeasible", 0, NULL, c.tag, c.aux, L->me, -1, -1,
                  "no authority holds %s in phase %s (legal gate)",
                  L->m->decisions[c.decision].id, L->m->phases[L->phase].id);
            break;
        }
        rc = eng_request(L->eng, c.decision, c.assets, L->me, &c.attr, c.tag, c.aux);
        break;
    case C_ORDER:
        rc = eng_order(L->eng, c.decision, L->me, c.to, c.nto, &c.attr, c.tag, c.aux);
        break;
    case C_PHASE:
        /* state: never marked handled, so a restart replays it in order */
        L->phase = c.phase;
        event(L, "phase", 0, NULL, 0, 0, L->me, -1, -1, "%s", L->m->phases[c.phase].id);
        rc = eng_set_phase(L->eng, c.phase);
        break;
    case C_OUTAGE:
        L->outage[c.outage_id].on = c.down;
        L->outage[c.outage_id].k = c.okind;
        memcpy(L->outage[c.outage_id].ids, c.ids, sizeof c.ids);
        L->outage[c.outage_id].n = c.nids;
        event(L, "outage", 0, NULL, 0, 0, L->me, -1, -1, "%d %s", c.outage_id,
              c.down ? "begins" : "ends");
        rc = eng_outage(L->eng, c.outage_id, c.okind, c.ids, c.nids, c.down);
        break;
    case C_DECIDE: {
        r->terminal = true;
        size_t i = 0;
        while (i < L->npend && L->pend[i].key != c.key)
            i++;
        if (i == L->npend) {
            event(L, "refused", 0, NULL, 0, 0, L->me, -1, -1,
                  "decide: nothing waits under key %" PRId64, c.key);
            break;
        }
        struct pend p = L->pend[i];
        L->pend[i] = L->pend[--L->npend];
        rc = jr_pending_close(L->j, p.key, c.approve ? "approved" : "denied", wall_ns());
        if (rc)
            break;
        rc = after_call(L, 0); /* the decide command itself is done */
        if (rc)
            return rc;
        L->cur_root = p.root;
        struct root *pr = root_find(L, p.root);
        if (pr)
            pr->jobs--;
        if (c.approve) {
            rc = kz_engine_fire(L->eng, ENG_EV_JOB_DONE, p.mi);
        } else {
            if (pr)
                pr->terminal = true;
            rc = eng_deny(L->eng, p.mi, c.body.text[0] ? c.body.text : "denied by the operator");
        }
        break;
    }
    case C_STOP:
        r->terminal = true;
        L->stop = true;
        break;
    case C_LOAD:
        r->terminal = true; /* handled when its job ends */
        rc = eng_background(L->eng, L->me, (enum action)c.action, c.attr.prec);
        break;
    }
    return after_call(L, rc);
}

static int replay_one(void *ctx, int64_t root, const kz_Msg *s, const char *cmd,
                      int64_t cmd_seq, long gen)
{
    struct live *L = ctx;
    if (s) {
        for (int n = 0; n < (int)L->m->nnetworks; n++)
            if (n == s->net)
                return take_in(L, root, s, n);
        return jr_work_handled(L->j, root);
    }
    return run_command(L, root, cmd, cmd_seq, gen);
}

static int poll_commands(struct live *L)
{
    char body[8192];
    int64_t seq;
    for (int k = 0; k < 64; k++) {
        int rc = jr_cmd_next(L->j, L->cmd_after, &seq, body, sizeof body);
        if (rc <= 0)
            return rc;
        L->cmd_after = seq;
        int64_t root;
        if ((rc = jr_cmd_taken(L->j, seq)) ||
            (rc = jr_work_cmd(L->j, seq, body, -1, wall_ns(), &root)))
            return rc;
        if ((rc = run_command(L, root, body, seq, -1)))
            return rc;
        if (L->stop)
            return 0;
    }
    return 0;
}

/* The streams' next shares, paced by their rate; at most 2000 per step, so a transaction
 * stays short. */
static int run_streams(struct live *L)
{
    int64_t now = wall_ns();
    for (int i = 0; i < L->ngen; i++) {
        struct gen *g = &L->gen[i];
        long target = g->total;
        if (g->rate > 0) {
            double due = (double)(now - g->t0_ns) * 1e-9 * g->rate;
            if (due < (double)target)
                target = (long)due;
        }
        if (target > g->done + 2000)
            target = g->done + 2000;
        for (; g->done < target; g->done++) {
            int64_t root;
            int rc = jr_work_cmd(L->j, g->seq, g->text, g->done, now, &root);
            if (!rc)
                rc = exec_command(L, root, &g->cmd, g->text, g->seq, g->done);
            if (rc)
                return rc;
        }
        if (g->done == g->total) {
            int rc = jr_work_handled(L->j, g->root);
            if (rc)
                return rc;
            event(L, "stream", 0, NULL, 0, 0, L->me, -1, -1, "command %" PRId64 ": all %ld sent",
                  g->seq, g->total);
            free(g->text);
            L->gen[i--] = L->gen[--L->ngen];
        }
    }
    return 0;
}

/* ---- the loop ---------------------------------------------------------------------------------- */

static int flush_out(struct live *L)
{
    for (size_t i = 0; i < L->nout; i++)
        if (dx_write(L->x, L->out[i].t, L->out[i].net, &L->out[i].u)) {
            /* the journal keeps it; the re-send loop tries again */
        }
    if (L->nout)
        dx_flush(L->x);
    L->nout = 0;
    return 0;
}

static int resend_one(void *ctx, enum jr_topic topic, const kz_Msg *s)
{
    struct live *L = ctx;
    int rc = jr_out_sent(L->j, s->id, wall_ns());
    if (rc)
        return rc;
    if (topic == JR_TRACK) {
        kz_Track tr;
        memcpy(&tr.m, s, sizeof *s);
        memcpy(tr.track_id, s->track_id, sizeof tr.track_id);
        tr.to = s->to;
        return queue_out(L, DX_TRACK, s->net, &tr);
    }
    return queue_out(L, DX_MSG, s->net, s);
}

/* Nothing in the engine and nothing scheduled: start it afresh to reuse its memory. */
static int compact(struct live *L)
{
    if (L->q.n || L->npend || !eng_idle(L->eng) || L->seen_msgs < 4096)
        return 0;
    kz_engine_reset(L->eng, L->phase, L->week);
    des_reset(&L->q);
    L->seen_msgs = L->seen_ops = 0;
    /* nothing refers to a root any more; streams keep their own */
    memset(L->roots, 0, L->cap_roots * sizeof *L->roots);
    L->nroots = 0;
    for (int i = 0; i < 64; i++)
        if (L->outage[i].on) {
            int rc = eng_outage(L->eng, i, L->outage[i].k, L->outage[i].ids, L->outage[i].n, true);
            if (rc)
                return rc;
        }
    return 0;
}

static int step(struct live *L, int64_t *last_poll, int64_t *last_resend)
{
    int rc = jr_begin(L->j);
    if (rc)
        return rc;
    if (dx_take(L->x, on_sample, L) < 0 && !L->err)
        L->err = KZ_EIO;
    /* The clock is read again each time: a job of zero modelled time schedules the next one
     * "now", and running the whole chain in this step keeps it in one transaction (bounded,
     * so a step stays short). */
    for (int n = 0; !L->err && L->q.n && n < 4096 && L->q.h[0].t <= clk_now(L).us; n++) {
        unsigned kind = 0;
        uint32_t arg = 0;
        des_pop(&L->q, &kind, &arg);
        if ((rc = fire(L, kind, arg)))
            break;
    }
    int64_t w = wall_ns();
    if (!rc && !L->err && w - *last_poll >= POLL_NS) {
        *last_poll = w;
        rc = poll_commands(L);
    }
    if (!rc && !L->err && L->ngen)
        rc = run_streams(L);
    if (!rc && !L->err && w - *last_resend >= RESEND_NS) {
        *last_resend = w;
        rc = jr_out_each_due(L->j, w, RTO_NS, resend_one, L);
    }
    if (!rc)
        rc = L->err;
    int c = jr_commit(L->j);
    if (rc || c)
        return rc ? rc : c;
    flush_out(L);
    return compact(L);
}

static int read_digest(const char *path, uint64_t *out, char *err, size_t errlen)
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
    *out = wire_digest(buf, len);
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

int kz_node_run(const kz_model *m, const char *structure_path, const struct kz_node_options *o,
                char *err, size_t errlen)
{
    struct live L0 = {0}, *L = &L0;
    L->m = m;
    L->o = o;
    int rc;
    L->me = find_node(m, o->node);
    if (L->me < 0) {
        snprintf(err, errlen, "node '%s' is not in structure '%s'", o->node, m->name);
        return KZ_ENOTFOUND;
    }
    if (o->speed <= 0 || o->speed > 1e6) {
        snprintf(err, errlen, "speed must be in (0, 1e6]");
        return KZ_EINVAL;
    }
    if ((rc = read_digest(structure_path, &L->digest, err, errlen)))
        return rc;
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
    {
        /* names for readers of the journal, and the structure for kizuna send */
        char real[4096];
        rc = jr_begin(L->j);
        for (size_t i = 0; i < m->nnodes && !rc; i++)
            rc = jr_name(L->j, 0, (int)i, m->nodes[i].id);
        for (size_t i = 0; i < m->nnetworks && !rc; i++)
            rc = jr_name(L->j, 1, (int)i, m->networks[i].id);
        if (!rc && realpath(structure_path, real))
            rc = jr_meta_set(L->j, "structure", real);
        if (!rc)
            rc = jr_commit(L->j);
        if (rc)
            goto fail_j;
    }
    /* DDS configuration: the caller's, else the environment's, else loopback; with
     * --secure, the node's <Security> element is added as a second fragment. */
    const char *base = o->dds_config ? o->dds_config : getenv("CYCLONEDDS_URI");
    if (!base || !*base)
        base = dx_loopback_config;
    char *cfg = NULL;
    if (o->secure_dir) {
        size_t cap = strlen(base) + 16384;
        cfg = malloc(cap);
        if (!cfg) {
            rc = KZ_ENOMEM;
            goto out;
        }
        int k = snprintf(cfg, cap, "%s,<CycloneDDS><Domain Id=\"any\">", base);
        rc = kz_pki_security_xml(o->secure_dir, o->node, cfg + k, cap - (size_t)k - 64, err,
                                 errlen);
        if (rc) {
            free(cfg);
            goto out;
        }
        strcat(cfg, "</Domain></CycloneDDS>");
    }
    rc = dx_open(m, L->me, o->domain, cfg ? cfg : base, &L->x, err, errlen);
    free(cfg);
    if (rc)
        goto out;
    if ((rc = kz_engine_create(m, &L->eng)))
        goto out;
    rng_seed(&L->rng, o->seed, (uint64_t)L->me);
    L->est = (struct eng_stats){L->st_busy, L->st_wait, L->st_jobs, NULL, 0};
    struct kz_clock clock = {L, clk_now, clk_at};
    struct kz_transport tr = {L, tr_send};
    struct eng_hooks hooks = {L, on_done, on_trace};
    kz_engine_bind(L->eng, &clock, &tr, &hooks, &L->rng, &L->est);
    kz_engine_reset(L->eng, L->phase, L->week);
    clk_now(L);

    /* Pick up where the last run stopped: work not handled is done again. */
    if ((rc = jr_begin(L->j)))
        goto fail_j;
    event(L, "started", 0, NULL, 0, 0, L->me, -1, -1, "%s on %s, %s, speed %g", o->node, m->name,
          o->automatic ? "automatic" : "operators decide", o->speed);
    L->replaying = true;
    rc = jr_pending_reset(L->j);
    if (!rc)
        rc = jr_work_each_open(L->j, replay_one, L);
    L->replaying = false;
    /* commands already taken are in `work`; jr_cmd_next returns only those not taken */
    if (!rc)
        rc = jr_out_each_due(L->j, wall_ns(), 0, resend_one, L);
    int c = jr_commit(L->j);
    if (rc || (rc = c))
        goto fail_j;
    flush_out(L);

    int64_t last_poll = 0, last_resend = wall_ns(), start = wall_ns();
    while (!L->stop && !(o->stop && *o->stop)) {
        if (o->run_s > 0 && (double)(wall_ns() - start) * 1e-9 >= o->run_s)
            break;
        if ((rc = step(L, &last_poll, &last_resend)))
            goto fail_j;
        int64_t wait = POLL_NS;
        if (L->q.n) {
            int64_t due = wall_of(L, L->q.h[0].t) - wall_ns();
            if (due < wait)
                wait = due;
        }
        dx_wait(L->x, wait);
    }
    if (!jr_begin(L->j)) {
        event(L, "stopped", 0, NULL, 0, 0, L->me, -1, -1,
              "sent %" PRIu64 ", received %" PRIu64 ", refused %" PRIu64
              ", duplicates %" PRIu64 ", unacknowledged %" PRId64,
              L->n_sent, L->n_recv, L->n_refused, L->n_dup, jr_out_unacked(L->j));
        jr_commit(L->j);
    }
    rc = 0;
    goto out;
fail_j:
    if (L->j && !err[0])
        snprintf(err, errlen, "%s", jr_errmsg(L->j));
out:
    kz_engine_free(L->eng);
    dx_close(L->x);
    jr_close(L->j);
    des_free(&L->q);
    free(L->roots);
    free(L->st_busy);
    free(L->st_wait);
    free(L->st_jobs);
    free(L->msg_root);
    free(L->op_gid);
    free(L->op_root);
    free(L->out);
    free(L->pend);
    for (int i = 0; i < L->ngen; i++)
        free(L->gen[i].text);
    return rc;
}
