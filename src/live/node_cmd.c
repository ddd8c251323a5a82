/* node_cmd.c - operators' and the director's commands at a node: parsed, run, streamed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "node_impl.h"
#include "wallclock.h"

#define STREAM_WINDOW 4096 /* unacknowledged samples at which streams wait */

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
        nd_event(L, "refused", 0, NULL, 0, 0, L->me, -1, -1, "command refused: %s", msg);
        if (rc == KZ_ENOMEM || (rc = jr_cmd_refused(L->j, seq, msg, wall_ns())))
            return rc;
        return jr_work_handled(L->j, root);
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
            nd_event(L, "refused", 0, NULL, 0, 0, L->me, -1, -1,
                  "command %" PRId64 ": already %d streams running", seq, L->ngen);
            rc = jr_cmd_refused(L->j, seq, "already as many streams running as a node runs",
                                wall_ns());
            return rc ? rc : jr_work_handled(L->j, root);
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
        nd_event(L, "stream", 0, NULL, 0, 0, L->me, -1, -1, "%ld of %ld %s from command %" PRId64,
              g->done, g->total, eng_msg_kind_names[c.msg], seq);
        return 0;
    }
    if (gen >= 0 && !c.update) {
        size_t n = strlen(c.body.track_id);
        snprintf(c.body.track_id + n, sizeof c.body.track_id - n, "-%ld", gen);
    }
    struct root *r = nd_root_add(L, root);
    if (!r)
        return KZ_ENOMEM;
    r->body = c.body;
    r->category = c.category;
    r->affil = c.affil;
    L->cur_root = root;
    L->cur_gid = (uint64_t)L->me << 48 | (uint64_t)root;
    switch (c.kind) {
    case C_SHARE:
        rc = eng_share(L->eng, c.msg, L->me, c.to, c.nto, &c.attr, c.tag, c.aux);
        /* made here: for this node's TAK clients too, unless one of them sent it (it is in
         * their picture already) */
        if (!rc && L->gw && !L->replaying && !gw_own_command(L->gw, seq)) {
            struct gw_item it = {c.msg, &c.body, c.category, c.affil, (int)c.attr.cls,
                                 c.attr.releasable, L->me, -1, 0, seq, gen};
            rc = gw_publish(L->gw, &it);
        }
        break;
    case C_REQUEST: /* the engine applies the legal gate (done: infeasible, journaled) */
        rc = eng_request(L->eng, c.decision, c.assets, L->me, &c.attr, c.tag, c.aux);
        break;
    case C_ORDER:
        rc = eng_order(L->eng, c.decision, L->me, c.to, c.nto, &c.attr, c.tag, c.aux);
        break;
    case C_PHASE:
        /* state: never marked handled, so a restart replays it in order */
        L->phase = c.phase;
        nd_event(L, "phase", 0, NULL, 0, 0, L->me, -1, -1, "%s", L->m->phases[c.phase].id);
        rc = eng_set_phase(L->eng, c.phase);
        break;
    case C_OUTAGE:
        L->outage[c.outage_id].on = c.down;
        L->outage[c.outage_id].k = c.okind;
        memcpy(L->outage[c.outage_id].ids, c.ids, sizeof c.ids);
        L->outage[c.outage_id].n = c.nids;
        nd_event(L, "outage", 0, NULL, 0, 0, L->me, -1, -1, "%d %s", c.outage_id,
              c.down ? "begins" : "ends");
        rc = eng_outage(L->eng, c.outage_id, c.okind, c.ids, c.nids, c.down);
        break;
    case C_DECIDE: {
        r->terminal = true;
        size_t i = 0;
        while (i < L->npend && L->pend[i].key != c.key)
            i++;
        if (i == L->npend) {
            nd_event(L, "refused", 0, NULL, 0, 0, L->me, -1, -1,
                  "decide: nothing waits under key %" PRId64, c.key);
            break;
        }
        struct pend p = L->pend[i];
        L->pend[i] = L->pend[--L->npend];
        rc = jr_pending_close(L->j, p.key, c.approve ? "approved" : "denied", wall_ns());
        if (rc)
            break;
        rc = nd_after_call(L, 0); /* the decide command itself is done */
        if (rc)
            return rc;
        L->cur_root = p.root;
        struct root *pr = nd_root_find(L, p.root);
        if (pr)
            pr->jobs--;
        if (c.approve) {
            rc = eng_resolve(L->eng, p.mi);
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
    return nd_after_call(L, rc);
}

int nd_replay_one(void *ctx, int64_t root, const kz_Msg *s, const char *cmd,
                      int64_t cmd_seq, long gen)
{
    struct live *L = ctx;
    if (s) {
        for (int n = 0; n < (int)L->m->nnetworks; n++)
            if (n == s->net)
                return nd_take_in(L, root, s, n, NULL); /* checked again: the phase */
        return jr_work_handled(L->j, root);
    }
    return run_command(L, root, cmd, cmd_seq, gen);
}

int nd_poll_commands(struct live *L)
{
    int64_t seq;
    for (int k = 0; k < 64; k++) {
        char *body = NULL; /* whole: what runs is byte for byte what kizuna send checked */
        int rc = jr_cmd_next(L->j, L->cmd_after, &seq, &body);
        if (rc <= 0)
            return rc;
        L->cmd_after = seq;
        int64_t root;
        if (!(rc = jr_cmd_taken(L->j, seq)) &&
            !(rc = jr_work_cmd(L->j, seq, body, -1, wall_ns(), &root)))
            rc = run_command(L, root, body, seq, -1);
        free(body);
        if (rc)
            return rc;
        if (L->stop)
            return 0;
    }
    return 0;
}

/* The streams' next shares, paced by their rate; at most 2000 per step, so a transaction
 * stays short. */
int nd_run_streams(struct live *L)
{
    int64_t now = wall_ns();
    /* Back-pressure: a stream waits while its node has STREAM_WINDOW samples unacknowledged,
     * so what is in flight (journal rows to re-send, DDS instances, engine state) stays
     * bounded however long the stream, and a slow receiver slows the stream instead of
     * growing the sender. */
    int64_t inflight = jr_out_unacked(L->j);
    if (inflight < 0)
        return (int)inflight;
    if (inflight >= STREAM_WINDOW)
        return 0;
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
        if (target > g->done + (STREAM_WINDOW - inflight))
            target = g->done + (STREAM_WINDOW - inflight);
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
            nd_event(L, "stream", 0, NULL, 0, 0, L->me, -1, -1, "command %" PRId64 ": all %ld sent",
                  g->seq, g->total);
            free(g->text);
            L->gen[i--] = L->gen[--L->ngen];
        }
    }
    return 0;
}

