/* node_net.c - what crosses the network at a node: samples proved and sent, received and checked. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kizuna/error.h"
#include "node_impl.h"
#include "wallclock.h"
#include "kizuna/util.h"

int nd_outq_push(struct outq **v, size_t *n, size_t *cap, enum dx_topic t, int net,
                 const void *sample)
{
    struct outq *g = kz_grow(*v, cap, *n + 1, sizeof *g);
    if (!g)
        return KZ_ENOMEM;
    *v = g;
    struct outq *q = &(*v)[(*n)++];
    q->t = t;
    q->net = net;
    memcpy(&q->u, sample, t == DX_MSG ? sizeof(kz_Msg) : t == DX_TRACK ? sizeof(kz_Track)
                                                                       : sizeof(kz_Ack));
    return 0;
}

int nd_queue_out(struct live *L, enum dx_topic t, int net, const void *sample)
{
    return nd_outq_push(&L->out, &L->nout, &L->capout, t, net, sample);
}

/* ---- proving ------------------------------------------------------------------------------- */

/* The hop MAC of a sample from this node to s->to. */
static void hop_seal(const struct live *L, kz_Msg *s)
{
    uint8_t buf[WIRE_HOP_MAX];
    size_t n = wire_hop_bytes(s, buf);
    au_hop_mac(L->auth, s->to, buf, n, s->mac);
}

/*
 * The proof of origin of message `mi` in sample `s`: made here when this node is its origin
 * (a signature, or for a track a MAC to its destination), else the one it arrived with,
 * which must still cover what the sample says. Returns 0, 1 when the sample must not be sent
 * (reason in why), or a negative KZ_E code.
 */
static int origin_seal(struct live *L, uint32_t mi, kz_Msg *s, char *why, size_t whylen)
{
    struct msg_auth *a = &L->msg_auth[mi];
    uint8_t buf[WIRE_ORIGIN_MAX];
    if (a->oid) {
        s->oid = a->oid;
        s->sigkind = a->sigkind;
        s->siglen = a->siglen;
        memcpy(s->sig, a->sig, sizeof s->sig);
        memcpy(s->ticket, a->ticket, sizeof s->ticket);
        uint8_t sha[32];
        au_digest(L->auth, buf, wire_origin_bytes(s, L->sha, buf), sha);
        if (memcmp(sha, a->osha, sizeof sha)) {
            snprintf(why, whylen, "relaying would change what its origin %s proved",
                     L->m->nodes[s->origin].id);
            return 1;
        }
        return 0;
    }
    if (s->origin != L->me) {
        snprintf(why, whylen, "a message of origin %s made here", L->m->nodes[s->origin].id);
        return 1;
    }
    s->oid = s->id;
    s->sigkind = s->kind == KZ_MSG_TRACK ? 2 : 1;
    int32_t op = eng_msg_op(L->eng, mi);
    if (s->purpose == 4) { /* the holder asks approver k: a ticket only it can check */
        uint8_t tb[WIRE_ACK_MAX];
        au_ticket(L->auth, tb, wire_ticket_bytes(s, s->opdst, tb), s->ticket);
    } else if (s->purpose == 5 && op >= 0) { /* approver k answers with the holder's ticket */
        memcpy(s->ticket, L->op_ticket[op], sizeof s->ticket);
    }
    size_t n = wire_origin_bytes(s, L->sha, buf);
    if (s->sigkind == 2) {
        au_origin_mac(L->auth, s->dst, buf, n, s->sig);
    } else {
        int rc = au_sign(L->auth, buf, n, s->sig, &s->siglen);
        if (rc)
            return rc;
    }
    a->oid = s->oid;
    a->sigkind = s->sigkind;
    a->siglen = s->siglen;
    memcpy(a->sig, s->sig, sizeof a->sig);
    memcpy(a->ticket, s->ticket, sizeof a->ticket);
    au_digest(L->auth, buf, n, a->osha);
    return 0;
}

/* ---- sending -------------------------------------------------------------------------------- */

int nd_send(void *ctx, uint32_t mi, int from, int to, int net)
{
    struct live *L = ctx;
    if (nd_adopt(L))
        return KZ_ENOMEM;
    struct eng_wire w;
    int rc = eng_export(L->eng, mi, &w);
    if (rc)
        return rc;
    int64_t root = L->msg_root[mi];
    struct root *r = nd_root_find(L, root);
    if (!r)
        return KZ_EINVAL;
    r->terminal = true;
    int32_t op = eng_msg_op(L->eng, mi);
    struct wire_hop hop = {(uint64_t)L->me << 48 | ((uint64_t)root & 0xffffffffu) << 16 |
                               (r->nout++ & 0xffffu),
                           L->op_gid[op], from, to, net, wall_ns(), 0};
    kz_Track tr;
    kz_Msg *s = &tr.m;
    wire_encode(L->digest, &w, &hop, &r->body, s);
    if (w.h.kind == KZ_MSG_TRACK) { /* covered by the origin's proof (wire_origin_bytes) */
        s->category = r->category;
        s->affil = r->affil;
    }
    char why[300];
    if (!wire_release_ok(L->m, net, w.h.classification, w.h.releasable, L->phase, why,
                         sizeof why) ||
        (!wire_member(L->m, net, to) &&
         snprintf(why, sizeof why, "%s is not on network %s", L->m->nodes[to].id,
                  L->m->networks[net].id)) ||
        (!wire_member(L->m, net, from) &&
         snprintf(why, sizeof why, "this node is not on network %s", L->m->networks[net].id))) {
        L->n_refused++;
        nd_event(L, "refused", hop.id, &w.h, w.tag, w.opaux, from, to, net, "not sent: %s", why);
        return 0;
    }
    if (L->auth) {
        if ((rc = origin_seal(L, mi, s, why, sizeof why)) < 0)
            return rc;
        if (rc) {
            L->n_refused++;
            nd_event(L, "refused", hop.id, &w.h, w.tag, w.opaux, from, to, net, "not sent: %s",
                     why);
            return 0;
        }
        hop_seal(L, s);
    } else {
        s->oid = L->msg_auth[mi].oid ? L->msg_auth[mi].oid : s->id;
        L->msg_auth[mi].oid = s->oid;
    }
    bool track = w.h.kind == KZ_MSG_TRACK;
    rc = jr_out_add(L->j, root, track ? JR_TRACK : JR_MSG, s, hop.sent_ns);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return 0; /* a replayed root: the first run sent it; re-sending is the outbox's job */
    L->n_sent++;
    nd_event(L, "sent", hop.id, &w.h, w.tag, w.opaux, from, to, net, NULL);
    if (track) {
        memcpy(tr.track_id, s->track_id, sizeof tr.track_id);
        tr.to = s->to;
        return nd_queue_out(L, DX_TRACK, net, &tr);
    }
    return nd_queue_out(L, DX_MSG, net, s);
}

void nd_flush_out(struct live *L)
{
    for (size_t i = 0; i < L->nout; i++) {
        if (!L->x) {
            if (L->tap)
                L->tap(L->tap_ctx, L->out[i].t, L->out[i].net, &L->out[i].u);
        } else if (dx_write(L->x, L->out[i].t, L->out[i].net, &L->out[i].u)) {
            /* the journal keeps it; the re-send loop tries again */
        }
    }
    if (L->nout && L->x)
        dx_flush(L->x);
    L->nout = 0;
}

int nd_resend_one(void *ctx, enum jr_topic topic, const kz_Msg *s)
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
        return nd_queue_out(L, DX_TRACK, s->net, &tr);
    }
    return nd_queue_out(L, DX_MSG, s->net, s);
}

/* ---- receiving ------------------------------------------------------------------------------ */

/* A receipt for a sample kept here, on the network it came on (never the sample's own claim). */
static void ack(struct live *L, const kz_Msg *s, int net)
{
    kz_Ack a;
    memset(&a, 0, sizeof a);
    a.id = s->id;
    a.digest = L->digest;
    a.from = (int16_t)L->me;
    a.to = s->from;
    a.net = (int16_t)net;
    if (L->auth) {
        uint8_t buf[WIRE_ACK_MAX];
        au_hop_mac(L->auth, a.to, buf, wire_ack_bytes(&a, buf), a.mac);
    }
    if (nd_queue_out(L, DX_ACK, net, &a) && !L->err)
        L->err = KZ_ENOMEM;
}

/*
 * Proof of a decoded sample: the hop MAC of its sender, then its origin's signature (or, for a
 * track at its destination, the origin's MAC), and at a holder, the ticket of an approver's
 * answer. True, or false with the reason.
 */
static bool proven(struct live *L, const kz_Msg *s, uint8_t osha[32], char *why, size_t whylen)
{
    const struct kz_model *m = L->m;
    uint8_t buf[WIRE_HOP_MAX];
    size_t n = wire_hop_bytes(s, buf);
    if (!au_hop_ok(L->auth, s->from, buf, n, s->mac)) {
        snprintf(why, whylen, "not authenticated: the hop MAC does not match sender %s",
                 m->nodes[s->from].id);
        return false;
    }
    n = wire_origin_bytes(s, L->sha, buf);
    au_digest(L->auth, buf, n, osha);
    if (s->kind == KZ_MSG_TRACK) {
        if (s->sigkind != 2) {
            snprintf(why, whylen, "a track without its origin's MAC");
            return false;
        }
        if (s->dst == L->me && !au_origin_mac_ok(L->auth, s->origin, buf, n, s->sig)) {
            snprintf(why, whylen, "not from its origin: the origin MAC of %s does not match",
                     m->nodes[s->origin].id);
            return false;
        }
    } else if (s->sigkind != 1 || !au_verify(L->auth, s->origin, buf, n, s->sig, s->siglen)) {
        snprintf(why, whylen, "not from its origin: no valid signature of %s",
                 m->nodes[s->origin].id);
        return false;
    }
    if (s->purpose == 5 && s->dst == L->me) {
        uint8_t tb[WIRE_ACK_MAX], t[32];
        au_ticket(L->auth, tb, wire_ticket_bytes(s, s->opdst, tb), t);
        if (CRYPTO_memcmp(t, s->ticket, sizeof t)) {
            snprintf(why, whylen, "an answer from %s (approval %d) that this holder did not ask for",
                     m->nodes[s->origin].id, s->opdst + 1);
            return false;
        }
    }
    return true;
}

static void refuse(struct live *L, const kz_Msg *s, int net, const char *why)
{
    L->n_refused++;
    bool known = s->from >= 0 && (size_t)s->from < L->m->nnodes;
    nd_event(L, "refused", s->id, NULL, s->tag, s->aux, L->me, known ? s->from : -1, net,
             "received and dropped: %s", why);
}

int nd_take_in(struct live *L, int64_t root, const kz_Msg *s, int net, const uint8_t *osha)
{
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body body;
    char why[300];
    if (wire_decode(L->m, L->digest, s, &w, &hop, &body, why, sizeof why) ||
        (!osha && !wire_receive_ok(L->m, L->me, L->phase, &w, &hop, why, sizeof why))) {
        /* checked before it was kept; a phase changed since (a replay after a restart) */
        refuse(L, s, net, why);
        return jr_work_handled(L->j, root);
    }
    struct root *r = nd_root_add(L, root);
    if (!r)
        return KZ_ENOMEM;
    r->body = body;
    r->category = s->category;
    r->affil = s->affil;
    if (!L->replaying) {
        L->n_recv++;
        nd_event(L, "received", hop.id, &w.h, w.tag, w.opaux, L->me, hop.from, net, NULL);
        if (L->gw) { /* what this node may see, its TAK clients may (gw_publish filters) */
            struct gw_item it = {(enum kz_msg_kind)w.h.kind, &body, s->category, s->affil,
                                 w.h.classification, w.h.releasable, w.h.origin, net, s->oid,
                                 0, -1};
            int rc = gw_publish(L->gw, &it);
            if (rc)
                return rc;
        }
    }
    /* the imported message and operation belong to this root and the sender's operation */
    L->cur_root = root;
    L->cur_gid = hop.op;
    uint32_t mi;
    int rc = eng_import(L->eng, &w, &mi);
    if (!rc)
        rc = nd_adopt(L);
    if (rc)
        return rc;
    /* what proves the origin travels on with the message; an ask's ticket stays with its
     * operation for the approver's answer */
    struct msg_auth *a = &L->msg_auth[mi];
    a->oid = s->oid;
    a->sigkind = s->sigkind;
    a->siglen = s->siglen;
    memcpy(a->sig, s->sig, sizeof a->sig);
    memcpy(a->ticket, s->ticket, sizeof a->ticket);
    if (osha) {
        memcpy(a->osha, osha, sizeof a->osha);
    } else {
        uint8_t buf[WIRE_ORIGIN_MAX];
        au_digest(L->auth, buf, wire_origin_bytes(s, L->sha, buf), a->osha);
    }
    int32_t op = eng_msg_op(L->eng, mi);
    if (op >= 0 && s->purpose == 4)
        memcpy(L->op_ticket[op], s->ticket, sizeof L->op_ticket[op]);
    if (L->o->emulate_links) {
        /* An exercise emulates the structure's networks: the sample waits out the modelled
         * latency (propagation and overhead, as the simulator draws it) less the time it
         * really took, so live and simulated runs can be set side by side. */
        double lat = eng_prop_s(L->eng, hop.from, L->me, net) +
                     rng_dist_bounded(&L->rng, &L->m->networks[net].overhead);
        kz_time now = nd_now(L);
        int64_t took = (int64_t)((double)(wall_ns() - hop.sent_ns) * L->speed / 1000.0);
        int64_t wait = (int64_t)(lat * 1e6) - (took > 0 ? took : 0);
        if (wait > 0) {
            r->jobs++;
            L->cur_root = 0;
            return des_push(&L->q, now.us + wait, EV_ARRIVE, mi);
        }
    }
    return nd_after_call(L, eng_deliver(L->eng, mi, L->me));
}

static void on_ack(struct live *L, const kz_Ack *a, int net)
{
    if (a->to != L->me || a->digest != L->digest)
        return; /* for another member of the network, or another structure */
    if (a->from < 0 || (size_t)a->from >= L->m->nnodes || a->from == L->me) {
        L->n_refused++;
        nd_event(L, "refused", a->id, NULL, 0, 0, L->me, -1, net,
                 "receipt from %d, which is not a node of the structure", a->from);
        return;
    }
    if (L->auth) {
        uint8_t buf[WIRE_ACK_MAX];
        if (!au_hop_ok(L->auth, a->from, buf, wire_ack_bytes(a, buf), a->mac)) {
            L->n_refused++;
            nd_event(L, "refused", a->id, NULL, 0, 0, L->me, a->from, net,
                     "receipt not authenticated: the MAC does not match %s",
                     L->m->nodes[a->from].id);
            return;
        }
    }
    int rc = jr_out_acked(L->j, a->id, a->from, net, wall_ns(), NULL);
    if (rc < 0 && !L->err)
        L->err = rc;
}

void nd_receive(void *ctx, enum dx_topic t, int net, const void *sample)
{
    struct live *L = ctx;
    if (L->err)
        return;
    if (t == DX_ACK) {
        on_ack(L, sample, net);
        return;
    }
    const kz_Msg *s = t == DX_TRACK ? &((const kz_Track *)sample)->m : sample;
    if (s->to != L->me)
        return; /* for another member of the network */
    if (t == DX_TRACK && (s->kind != KZ_MSG_TRACK ||
                          memcmp(((const kz_Track *)sample)->track_id, s->track_id,
                                 sizeof s->track_id) ||
                          ((const kz_Track *)sample)->to != s->to)) {
        refuse(L, s, net, "a track sample whose key is not its track");
        return;
    }
    struct eng_wire w;
    struct wire_hop hop;
    char why[300];
    uint8_t osha[32], buf[WIRE_ORIGIN_MAX];
    if (wire_decode(L->m, L->digest, s, &w, &hop, NULL, why, sizeof why) ||
        (hop.net != net && snprintf(why, sizeof why, "came on network %s but names %s",
                                    L->m->networks[net].id, L->m->networks[hop.net].id)) ||
        (L->auth && !proven(L, s, osha, why, sizeof why)) ||
        (!L->auth && s->sigkind && snprintf(why, sizeof why, "signed, and this node runs "
                                                             "--insecure: cannot check it")) ||
        !wire_receive_ok(L->m, L->me, L->phase, &w, &hop, why, sizeof why)) {
        refuse(L, s, net, why);
        return;
    }
    if (!L->auth) /* proven() hashed it when there is a key */
        au_digest(NULL, buf, wire_origin_bytes(s, L->sha, buf), osha);
    int64_t root;
    enum jr_seen seen;
    int rc = jr_work_wire(L->j, s, wall_ns(), &root, &seen);
    if (!rc) {
        switch (seen) {
        case JR_NEW:
            ack(L, s, net); /* kept: the sender may stop re-sending */
            rc = nd_take_in(L, root, s, net, osha); /* checked just now */
            break;
        case JR_DUP:
            ack(L, s, net); /* a re-send: the receipt was lost */
            L->n_dup++;
            break;
        case JR_COLLIDE:
            refuse(L, s, net, "an id already received with other content");
            break;
        case JR_REPLAY:
            refuse(L, s, net, "a replay: its origin's message was received before under another id");
            break;
        }
    }
    if (rc && !L->err)
        L->err = rc;
}
