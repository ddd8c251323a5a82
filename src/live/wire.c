/* wire.c - engine messages to and from DDS samples, and the gates both ends apply. */
#include "wire.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cot.h" /* the ranges of a track's category and affiliation */

uint64_t wire_digest(const uint8_t sha[32])
{
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = h << 8 | sha[i];
    return h;
}

/* ---- canonical bytes ---------------------------------------------------------------------- */

struct put {
    uint8_t *p;
    size_t n;
};

static void put_u(struct put *b, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        b->p[b->n++] = (uint8_t)(v >> (8 * i));
}

static void put_mem(struct put *b, const void *p, size_t n)
{
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_f(struct put *b, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    put_u(b, u, 8);
}

size_t wire_origin_bytes(const kz_Msg *s, const uint8_t sha[32], uint8_t *buf)
{
    struct put b = {buf, 0};
    put_mem(&b, "kizuna origin 1", 15);
    put_mem(&b, sha, 32);
    put_u(&b, s->oid, 8);
    put_u(&b, s->op, 8);
    put_u(&b, s->rel0, 8);
    put_u(&b, s->disclosable, 8);
    put_u(&b, (uint64_t)s->created_us, 8);
    put_u(&b, (uint64_t)(int64_t)s->thread, 8);
    put_u(&b, s->tag, 4);
    put_u(&b, s->aux, 4);
    const int16_t sh[] = {s->origin, s->dst, s->requester, s->decision, s->assets, s->auth,
                          s->opdst};
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
        put_u(&b, (uint16_t)sh[i], 2);
    const uint8_t oc[] = {s->kind,   s->prec,   s->cls,     s->purpose,  s->graph,
                          s->delegated, s->opkind, s->sigkind, s->category, s->affil};
    put_mem(&b, oc, sizeof oc);
    put_mem(&b, s->track_id, sizeof s->track_id);
    put_f(&b, s->lat);
    put_f(&b, s->lon);
    put_f(&b, s->alt_m);
    put_mem(&b, s->text, sizeof s->text);
    put_mem(&b, s->ticket, sizeof s->ticket);
    return b.n;
}

size_t wire_hop_bytes(const kz_Msg *s, uint8_t *buf)
{
    struct put b = {buf, 0};
    put_mem(&b, "kizuna hop 1", 12);
    put_u(&b, s->id, 8);
    put_u(&b, s->digest, 8);
    put_u(&b, s->releasable, 8);
    put_u(&b, (uint64_t)s->sent_ns, 8);
    const int16_t sh[] = {s->from, s->to, s->net};
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
        put_u(&b, (uint16_t)sh[i], 2);
    const uint8_t oc[] = {s->reviewed, s->saved, s->siglen};
    put_mem(&b, oc, sizeof oc);
    put_mem(&b, s->sig, sizeof s->sig);
    /* everything the origin proves, so a hop MAC covers every byte of the sample */
    uint8_t zero[32] = {0};
    b.n += wire_origin_bytes(s, zero, b.p + b.n);
    return b.n;
}

size_t wire_ack_bytes(const kz_Ack *a, uint8_t *buf)
{
    struct put b = {buf, 0};
    put_mem(&b, "kizuna ack 1", 12);
    put_u(&b, a->id, 8);
    put_u(&b, a->digest, 8);
    const int16_t sh[] = {a->from, a->to, a->net};
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
        put_u(&b, (uint16_t)sh[i], 2);
    return b.n;
}

size_t wire_ticket_bytes(const kz_Msg *s, int k, uint8_t *buf)
{
    struct put b = {buf, 0};
    put_mem(&b, "kizuna ticket 1", 15);
    put_u(&b, s->op, 8);
    put_u(&b, (uint64_t)k, 4);
    const int16_t sh[] = {s->auth, s->decision, s->assets, s->requester};
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
        put_u(&b, (uint16_t)sh[i], 2);
    return b.n;
}

static int16_t i16(int32_t v) { return (int16_t)(v < INT16_MIN ? -1 : v > INT16_MAX ? -1 : v); }

void wire_encode(uint64_t digest, const struct eng_wire *w, const struct wire_hop *hop,
                 const struct wire_body *b, kz_Msg *o)
{
    memset(o, 0, sizeof *o);
    o->id = hop->id;
    o->digest = digest;
    o->op = hop->op;
    o->oid = hop->oid;
    o->releasable = w->h.releasable;
    o->rel0 = w->attr.releasable;
    o->disclosable = w->attr.disclosable;
    o->created_us = w->h.created.us;
    o->sent_ns = hop->sent_ns;
    o->thread = w->h.thread;
    o->tag = w->tag;
    o->aux = w->opaux;
    o->from = i16(hop->from);
    o->to = i16(hop->to);
    o->net = i16(hop->net);
    o->origin = i16(w->h.origin);
    o->dst = i16(w->dst);
    o->requester = i16(w->requester);
    o->decision = i16(w->decision);
    o->assets = i16(w->assets);
    o->auth = i16(w->auth);
    o->opdst = i16(w->aux); /* the approval index travels here */
    o->kind = w->h.kind;
    o->prec = w->h.precedence;
    o->cls = w->h.classification;
    o->purpose = w->purpose;
    o->graph = w->graph;
    o->reviewed = w->reviewed;
    o->saved = w->saved;
    o->delegated = w->delegated;
    o->opkind = w->opkind;
    if (b) {
        memcpy(o->track_id, b->track_id, sizeof o->track_id);
        o->lat = b->lat;
        o->lon = b->lon;
        o->alt_m = b->alt_m;
        memcpy(o->text, b->text, sizeof o->text);
    }
    o->track_id[sizeof o->track_id - 1] = '\0';
    o->text[sizeof o->text - 1] = '\0';
}

/* A bounded string field holds a NUL and only printable text (UTF-8 allowed, no controls). */
static bool text_ok(const char *s, size_t cap)
{
    const char *end = memchr(s, '\0', cap);
    if (!end)
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

#define FAIL(...)                                \
    do {                                         \
        snprintf(why, whylen, __VA_ARGS__);      \
        return -1;                               \
    } while (0)

static bool idx_ok(int v, size_t n) { return v >= 0 && (size_t)v < n; }

/* A request goes to, and comes from, the nodes its purpose names. */
static int check_request(const struct kz_model *m, const kz_Msg *in, char *why, size_t whylen)
{
    /* A request goes to the node its purpose names: at its destination the engine acts as
     * that node (the holder asks the next approver or decides), so any other destination
     * would make the receiver act for a node it is not. */
    const struct authority *au = &m->authorities[in->auth];
    size_t k = (size_t)in->opdst;
    int want = in->purpose == 3 || in->purpose == 5 ? au->holder
               : in->purpose == 7                   ? au->delegate
               : k < au->approvals.n                ? au->approvals.v[k].idx
                                                    : -1;
    if ((in->purpose == 4 || in->purpose == 5) && k >= au->approvals.n)
        FAIL("approval index %d out of range", in->opdst);
    if (want < 0 || in->dst != want)
        FAIL("a request for %s sent to %s, which is not its %s",
             m->decisions[au->decision].id, m->nodes[in->dst].id,
             in->purpose == 3 || in->purpose == 5 ? "holder"
             : in->purpose == 7                   ? "delegate"
                                                  : "approver");
    /* ... and comes from the node that step belongs to: the requester asks the holder,
     * the holder asks approver k and hands over to the delegate, approver k answers. */
    int from = in->purpose == 3                  ? in->requester
               : in->purpose == 4 || in->purpose == 7 ? au->holder
                                                      : au->approvals.v[k].idx;
    if (in->origin != from)
        FAIL("a request for %s from %s, which is not its %s", m->decisions[au->decision].id,
             m->nodes[in->origin].id,
             in->purpose == 3   ? "requester"
             : in->purpose == 5 ? "approver at that step"
                                : "holder");
    return 0;
}

/* The decoded form of a sample that passed every check. */
static void fill(const kz_Msg *in, bool req, bool ord, struct eng_wire *w, struct wire_hop *hop,
                 struct wire_body *b)
{
    memset(w, 0, sizeof *w);
    w->h.id = 0;
    w->h.thread = in->thread;
    w->h.kind = in->kind;
    w->h.precedence = in->prec;
    w->h.classification = in->cls;
    w->h.releasable = in->releasable;
    w->h.origin = in->origin;
    w->h.destination = in->dst;
    w->h.created.us = in->created_us;
    w->dst = in->dst;
    w->aux = in->opdst;
    w->purpose = in->purpose;
    w->saved = in->saved;
    w->graph = in->graph;
    w->reviewed = in->reviewed;
    w->delegated = in->delegated;
    w->opkind = in->opkind;
    w->tag = in->tag;
    w->opaux = in->aux;
    w->attr.thread = in->thread;
    w->attr.prec = (enum kz_precedence)in->prec;
    w->attr.cls = (enum classif)in->cls;
    w->attr.releasable = in->rel0;
    w->attr.disclosable = in->disclosable;
    w->decision = req || ord ? in->decision : -1;
    w->assets = req ? in->assets : -1;
    w->requester = req ? in->requester : -1;
    w->auth = req ? in->auth : -1;

    hop->id = in->id;
    hop->op = in->op;
    hop->oid = in->oid;
    hop->from = in->from;
    hop->to = in->to;
    hop->net = in->net;
    hop->sent_ns = in->sent_ns;
    if (b) {
        memcpy(b->track_id, in->track_id, sizeof b->track_id);
        b->lat = in->lat;
        b->lon = in->lon;
        b->alt_m = in->alt_m;
        memcpy(b->text, in->text, sizeof b->text);
    }
}

int wire_decode(const struct kz_model *m, uint64_t digest, const kz_Msg *in, struct eng_wire *w,
                struct wire_hop *hop, struct wire_body *b, char *why, size_t whylen)
{
    if (in->digest != digest)
        FAIL("structure digest %016llx is not this node's %016llx",
             (unsigned long long)in->digest, (unsigned long long)digest);
    if (in->id == 0)
        FAIL("message id 0");
    if (!idx_ok(in->from, m->nnodes) || !idx_ok(in->to, m->nnodes))
        FAIL("sender or receiver %d/%d is not a node of the structure", in->from, in->to);
    /* A node numbers what it sends with its own index on top: ids cannot collide between
     * senders, and a sender cannot take (squat) the ids another will use. */
    if (in->id >> 48 != (uint64_t)(uint16_t)in->from)
        FAIL("message id %016llx is not numbered by its sender %s", (unsigned long long)in->id,
             m->nodes[in->from].id);
    if (!idx_ok(in->net, m->nnetworks))
        FAIL("network %d is not in the structure", in->net);
    if (!idx_ok(in->origin, m->nnodes) || !idx_ok(in->dst, m->nnodes))
        FAIL("origin or destination %d/%d is not a node of the structure", in->origin, in->dst);
    if (in->kind >= KZ_MSG_KIND_COUNT || in->kind == KZ_MSG_ACK)
        FAIL("message kind %u is unknown", in->kind);
    if (in->prec >= KZ_PREC_COUNT)
        FAIL("precedence %u is unknown", in->prec);
    if (in->cls >= CL_COUNT)
        FAIL("classification %u is unknown", in->cls);
    /* Only these purposes travel (engine.c): a route to a recipient or executor (1), a
     * request to the holder (3), to an approver (4), an approver's answer (5), a request to
     * the delegate (7). Anything else would make the receiving engine act on a state that
     * cannot arrive. */
    bool req = in->opkind == ENG_OPK_REQUEST, ord = in->opkind == ENG_OPK_ORDER;
    switch (in->purpose) {
    case 1:
        if (req)
            FAIL("a request routed as a share or order");
        break;
    case 3:
    case 4:
    case 5:
    case 7:
        if (!req)
            FAIL("purpose %u belongs to a request", in->purpose);
        break;
    default:
        FAIL("purpose %u does not travel", in->purpose);
    }
    if (ord && (in->kind != KZ_MSG_ORDER || in->graph != G_CMD))
        FAIL("an order not routed down the chain of command");
    if (in->saved >= ENG_PURPOSE_COUNT || in->graph >= ENG_GRAPH_COUNT ||
        in->opkind >= ENG_OPK_COUNT || in->reviewed > 1 || in->delegated > 1)
        FAIL("routing state out of range");
    if (in->thread < -1)
        FAIL("thread %d out of range", in->thread);
    uint64_t all = m->nnations >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << m->nnations) - 1);
    if ((in->releasable & ~all) || (in->disclosable & ~all) || (in->rel0 & ~all))
        FAIL("releasability names a nation the structure does not have");
    /* Only a foreign-disclosure review widens the marking, and only to what the origin
     * allowed: anything else is a relay raising the releasability of what it passes on. */
    if (in->releasable != in->rel0 &&
        (!in->reviewed || (in->releasable & ~(in->rel0 | in->disclosable))))
        FAIL("releasability widened beyond what the origin allowed");
    if (in->oid == 0 || in->oid >> 48 != (uint64_t)(uint16_t)in->origin)
        FAIL("origin id %016llx is not numbered by its origin %s", (unsigned long long)in->oid,
             m->nodes[in->origin].id);
    if (in->sigkind > 2 || in->siglen > sizeof in->sig || (in->sigkind == 1) != (in->siglen > 0))
        FAIL("proof of origin of kind %u and length %u", in->sigkind, in->siglen);
    if ((req || ord) && !idx_ok(in->decision, m->ndecisions))
        FAIL("decision %d is not in the structure", in->decision);
    if (req && (!idx_ok(in->auth, m->nauthorities) || !idx_ok(in->requester, m->nnodes) ||
                m->authorities[in->auth].decision != in->decision))
        FAIL("request names no authority of the structure for its decision");
    if (req && !(in->assets == -1 || idx_ok(in->assets, m->nnations)))
        FAIL("assets %d is not a nation of the structure", in->assets);
    if (req && in->opdst < 0)
        FAIL("approval index %d out of range", in->opdst);
    if (req && (size_t)in->opdst > m->authorities[in->auth].approvals.n)
        FAIL("approval index %d out of range", in->opdst);
    if (req && check_request(m, in, why, whylen))
        return -1;
    if (!text_ok(in->track_id, sizeof in->track_id) || !text_ok(in->text, sizeof in->text))
        FAIL("text field is not terminated or holds control characters");
    if (!isfinite(in->lat) || !isfinite(in->lon) || !isfinite(in->alt_m) || fabs(in->lat) > 90 ||
        fabs(in->lon) > 180)
        FAIL("position out of range");
    if (in->created_us < 0)
        FAIL("creation time is negative");
    if (in->category >= COT_CAT_COUNT || in->affil >= COT_AFF_COUNT ||
        (in->kind != KZ_MSG_TRACK && (in->category || in->affil)))
        FAIL("track category %u or affiliation %u out of range", in->category, in->affil);

    fill(in, req, ord, w, hop, b);
    return 0;
}

bool wire_member(const struct kz_model *m, int net, int node)
{
    const struct network *nw = &m->networks[net];
    for (size_t k = 0; k < nw->members.n; k++)
        if (nw->members.v[k].idx == node)
            return true;
    return false;
}

#undef FAIL
#define FAIL(...)                                \
    do {                                         \
        snprintf(why, whylen, __VA_ARGS__);      \
        return false;                            \
    } while (0)

bool wire_release_ok(const struct kz_model *m, int net, int cls, uint64_t releasable, int phase,
                     char *why, size_t whylen)
{
    const struct network *nw = &m->networks[net];
    if (!(nw->phases & (1u << phase)))
        FAIL("network %s is not in use in phase %s", nw->id, m->phases[phase].id);
    if (cls > (int)nw->ceiling)
        FAIL("classification %s is above the ceiling %s of network %s", kz_classif_names[cls],
             kz_classif_names[nw->ceiling], nw->id);
    for (size_t k = 0; k < nw->members.n; k++) {
        const struct node *n = &m->nodes[nw->members.v[k].idx];
        uint64_t nations = ((uint64_t)1 << n->nation) | n->combined;
        uint64_t missing = nations & ~releasable;
        if (missing) {
            int i = 0;
            while (!(missing & ((uint64_t)1 << i)))
                i++;
            FAIL("not releasable to %s, which has a member (%s) on network %s",
                 m->nations[i].id, n->id, nw->id);
        }
    }
    return true;
}

bool wire_commands(const struct kz_model *m, int from, int to, int phase)
{
    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        if (r->from == from && r->to == to && rel_is_command(r->type) &&
            (r->phases & (1u << phase)))
            return true;
    }
    return false;
}

bool wire_receive_ok(const struct kz_model *m, int me, int phase, const struct eng_wire *w,
                     const struct wire_hop *hop, char *why, size_t whylen)
{
    if (hop->to != me)
        FAIL("addressed to another node");
    if (!wire_member(m, hop->net, hop->from))
        FAIL("sender %s is not a member of network %s", m->nodes[hop->from].id,
             m->networks[hop->net].id);
    if (!wire_member(m, hop->net, me))
        FAIL("this node is not a member of network %s", m->networks[hop->net].id);
    if (!wire_release_ok(m, hop->net, w->h.classification, w->h.releasable, phase, why, whylen))
        return false;
    if ((w->h.kind == KZ_MSG_ORDER || w->opkind == ENG_OPK_ORDER) &&
        !wire_commands(m, hop->from, me, phase))
        FAIL("order from %s, which has no command over %s in phase %s", m->nodes[hop->from].id,
             m->nodes[me].id, m->phases[phase].id);
    return true;
}
