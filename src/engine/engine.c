/* engine.c - the C2 engine: staffed nodes, their queues, and the operations that move decisions. */
#include "engine.h"
#include "engine_impl.h"

#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "route.h"

const char *const eng_wait_names[WAIT_COUNT] = {"queue", "off-hours", "review", "link", "legal"};
const char *const eng_msg_kind_names[KZ_MSG_KIND_COUNT] = {"track", "alert",  "request", "decision",
                                                          "order", "report", "ack"};

/* ---- pools ---------------------------------------------------------------- */

/* The pools count in uint32_t (a message index is 32 bits): kz_grow with that capacity. */
int engi_grow(void **v, uint32_t *cap, size_t elem, uint32_t need)
{
    if (need <= *cap)
        return 0; /* also for need 0 with no array yet (kz_grow returns NULL there) */
    size_t c = *cap;
    void *p = kz_grow(*v, &c, need, elem);
    if (!p)
        return KZ_ENOMEM;
    *v = p;
    *cap = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    return 0;
}

int engi_new_msg(struct engine *e, enum kz_msg_kind kind, int at, int dst, int32_t op,
                   const struct eng_attr *a, uint32_t *out)
{
    if (e->nmsgs >= NIL - 1 ||
        engi_grow((void **)&e->msgs, &e->capmsgs, sizeof *e->msgs, e->nmsgs + 1))
        return KZ_ENOMEM;
    uint32_t i = e->nmsgs++;
    struct msg *m = &e->msgs[i];
    memset(m, 0, sizeof *m);
    m->h.id = i;
    m->h.thread = a->thread;
    m->h.kind = (uint8_t)kind;
    m->h.precedence = (uint8_t)a->prec;
    m->h.classification = (uint8_t)a->cls;
    m->h.releasable = a->releasable;
    m->h.origin = at;
    m->h.destination = dst;
    m->h.created = e->clock.now(e->clock.ctx);
    m->next = NIL;
    m->at = at;
    m->dst = dst;
    m->op = op;
    m->seg = -1;
    m->net_in = -1;
    m->onext = NIL;
    if (op >= 0) {
        m->onext = e->ops[op].mhead;
        e->ops[op].mhead = i;
    }
    *out = i;
    return 0;
}

/* ---- hooks ------------------------------------------------------------------ */

void engi_trace(struct engine *e, enum trace_what what, uint32_t mi, int node, int peer, int net,
                int action, double wait_s, double dur_s, const char *text)
{
    struct trace_rec r = {what,   e->clock.now(e->clock.ctx),
                          mi,     mi == NIL ? NULL : &e->msgs[mi].h,
                          node,   peer,
                          net,    action,
                          wait_s, dur_s,
                          text};
    e->hooks.trace(e->hooks.ctx, &r);
}

void engi_add_wait(struct engine *e, const struct msg *m, int node, enum wait_kind k,
                   int64_t us)
{
    if (us <= 0)
        return;
    if (k != WAIT_REVIEW)
        e->st->wait_us[node] += us;
    if (m->h.thread >= 0 && m->h.thread < e->st->nthreads)
        e->st->thread_wait_us[((size_t)m->h.thread * e->m->nnodes + (size_t)node) * WAIT_COUNT +
                              k] += us;
}

/* ---- time of day ---------------------------------------------------------------- */

static bool in_hours(const struct engine *e, int node)
{
    const struct node *n = &e->m->nodes[node];
    if (n->always)
        return true;
    int64_t now_min = e->clock.now(e->clock.ctx).us / 60000000;
    int64_t local = ((int64_t)e->week_min_utc + now_min + n->utc_offset_min) % (7 * 1440);
    if (local < 0)
        local += 7 * 1440;
    int day = (int)(local / 1440), min = (int)(local % 1440);
    if (!(n->days & (1u << day)))
        return false;
    if (n->day_start_min <= n->day_end_min)
        return min >= n->day_start_min && min < n->day_end_min;
    return min >= n->day_start_min || min < n->day_end_min; /* overnight hours */
}

/* ---- staff queues ------------------------------------------------------------- */

int engi_enqueue(struct engine *e, uint32_t mi, int node, enum action act)
{
    struct msg *m = &e->msgs[mi];
    struct nstate *s = &e->ns[node];
    m->at = node;
    m->action = (uint8_t)act;
    m->t_enq = e->clock.now(e->clock.ctx);
    m->principal = 0;
    if ((act == ACT_DECIDE || act == ACT_APPROVE) && m->op >= 0) {
        int d = e->ops[m->op].decision;
        m->principal = d >= 0 && e->m->decisions[d].principal;
    }
    unsigned p = m->h.precedence;
    m->next = NIL;
    if (s->qt[p] == NIL)
        s->qh[p] = mi;
    else
        e->msgs[s->qt[p]].next = mi;
    s->qt[p] = mi;
    TRACE(e, TR_QUEUE, mi, node, -1, -1, act, 0, 0, NULL);
    return engi_try_start(e, node);
}

/* The node's time for the job: the most specific profile that matches its decision type and
 * precedence and gives its action, else the node's processing (docs/structure.md). */
static const struct kz_dist *proc_for(const struct engine *e, const struct msg *m, int node)
{
    const struct node *nd = &e->m->nodes[node];
    unsigned a = m->action;
    int best = -1, score = -1;
    int dec = m->op >= 0 ? e->ops[m->op].decision : -1;
    for (size_t i = 0; i < nd->nprofiles; i++) {
        const struct profile *p = &nd->profiles[i];
        if (!(p->has & (1u << a)) || (p->decision >= 0 && p->decision != dec) ||
            (p->prec >= 0 && p->prec != (int)m->h.precedence))
            continue;
        int sc = (p->decision >= 0 ? 2 : 0) + (p->prec >= 0 ? 1 : 0);
        if (sc > score) {
            score = sc;
            best = (int)i;
        }
    }
    return best >= 0 ? &nd->profiles[best].proc[a] : &nd->proc[a];
}

/* Off hours: the duty officer recalls the principal; the job waits without a cell. */
static int wait_recall(struct engine *e, uint32_t mi, int node, kz_time now)
{
    struct nstate *s = &e->ns[node];
    struct msg *m = &e->msgs[mi];
    m->next = NIL;
    m->t_enq = now;
    if (s->recall_t == NIL)
        s->recall_h = mi;
    else
        e->msgs[s->recall_t].next = mi;
    s->recall_t = mi;
    if (s->recalling)
        return 0;
    s->recalling = 1;
    int64_t d = rng_dist_us(&e->nrng[node], &e->m->nodes[node].recall);
    TRACE(e, TR_RECALL, mi, node, -1, -1, m->action, 0, (double)d * 1e-6, NULL);
    return e->clock.at(e->clock.ctx, kz_time_add(now, d), ENG_EV_RECALL_DONE, (uint32_t)node);
}

/* A request's work once its decision is taken (the other of holder and delegate won). */
static bool superseded(const struct engine *e, const struct msg *m)
{
    return m->op >= 0 && e->ops[m->op].kind == OPK_REQUEST && e->ops[m->op].done;
}

int engi_try_start(struct engine *e, int node)
{
    struct nstate *s = &e->ns[node];
    const struct node *nd = &e->m->nodes[node];
    while (!s->down && s->busy < nd->cells) {
        unsigned p = 0;
        while (p < KZ_PREC_COUNT && s->qh[p] == NIL)
            p++;
        if (p == KZ_PREC_COUNT)
            return 0;
        uint32_t mi = s->qh[p];
        struct msg *m = &e->msgs[mi];
        s->qh[p] = m->next;
        if (s->qh[p] == NIL)
            s->qt[p] = NIL;
        kz_time now = e->clock.now(e->clock.ctx);
        if (superseded(e, m))
            continue; /* decided already: nobody works on it any more */
        int64_t waited = now.us - m->t_enq.us;
        engi_add_wait(e, m, node, WAIT_QUEUE, waited);
        int rc = engi_seg(e, mi, node, KZ_CAUSE_QUEUE, waited);
        if (rc)
            return rc;
        if (m->principal && !s->principal && !e->hooks.at_once && !in_hours(e, node)) {
            if ((rc = wait_recall(e, mi, node, now)) != 0)
                return rc;
            continue;
        }
        int64_t dur = e->hooks.at_once ? 0 : rng_dist_us(&e->nrng[node], proc_for(e, m, node));
        s->busy++;
        e->st->busy_us[node] += dur;
        e->st->jobs[node]++;
        if (m->action == ACT_REVIEW)
            engi_add_wait(e, m, node, WAIT_REVIEW, dur);
        rc = engi_seg(e, mi, node, m->action == ACT_REVIEW ? KZ_CAUSE_REVIEW : KZ_CAUSE_PROCESSING,
                      dur);
        if (rc)
            return rc;
        TRACE(e, TR_START, mi, node, -1, -1, m->action, (double)waited * 1e-6, (double)dur * 1e-6,
              NULL);
        m->busy = 1;
        m->t_end = kz_time_add(now, dur);
        if (e->hooks.hold && (m->action == ACT_DECIDE || m->action == ACT_APPROVE) && m->op >= 0) {
            int held = e->hooks.hold(e->hooks.ctx, mi, (enum action)m->action, node);
            if (held < 0)
                return held;
            if (held) {
                m->held = 1; /* the cell stays taken until the operator answers */
                continue;
            }
        }
        rc = e->clock.at(e->clock.ctx, m->t_end, ENG_EV_JOB_DONE, mi);
        if (rc)
            return rc;
    }
    return 0;
}

static int recall_done(struct engine *e, int node)
{
    struct nstate *s = &e->ns[node];
    s->principal = 1;
    s->recalling = 0;
    kz_time now = e->clock.now(e->clock.ctx);
    /* Back to the head of their queues in their order: gather each precedence's share of the
     * waiting list into a chain, then put the chain in front of that queue. */
    uint32_t head[KZ_PREC_COUNT], tail[KZ_PREC_COUNT];
    for (int p = 0; p < KZ_PREC_COUNT; p++)
        head[p] = tail[p] = NIL;
    for (uint32_t mi = s->recall_h, next; mi != NIL; mi = next) {
        struct msg *m = &e->msgs[mi];
        next = m->next;
        engi_add_wait(e, m, node, WAIT_OFFHOURS, now.us - m->t_enq.us);
        int rc = engi_seg(e, mi, node, KZ_CAUSE_OFFHOURS, now.us - m->t_enq.us);
        if (rc)
            return rc;
        m->t_enq = now;
        m->next = NIL;
        unsigned p = m->h.precedence;
        if (tail[p] == NIL)
            head[p] = mi;
        else
            e->msgs[tail[p]].next = mi;
        tail[p] = mi;
    }
    for (int p = 0; p < KZ_PREC_COUNT; p++) {
        if (head[p] == NIL)
            continue;
        e->msgs[tail[p]].next = s->qh[p];
        if (s->qt[p] == NIL)
            s->qt[p] = tail[p];
        s->qh[p] = head[p];
    }
    s->recall_h = s->recall_t = NIL;
    return engi_try_start(e, node);
}

/* ---- routing -------------------------------------------------------------------- */

/* The message is at its destination and may be read there (its nation is releasable). */
static bool delivered(const struct engine *e, const struct msg *m)
{
    return m->at == m->dst && (m->h.releasable & ((nation_mask)1 << e->m->nodes[m->dst].nation));
}

static const struct hop *table_for(struct engine *e, const struct msg *m, bool structural)
{
    const struct op *o = &e->ops[m->op];
    return router_table(e->router, (enum graph)m->graph, m->dst, (enum classif)m->h.classification,
                        o->attr.releasable, o->attr.disclosable, &e->w, structural);
}

static int block(struct engine *e, uint32_t mi)
{
    if (engi_grow((void **)&e->blocked, &e->capblocked, sizeof *e->blocked, e->nblocked + 1))
        return KZ_ENOMEM;
    e->blocked[e->nblocked++] = mi;
    e->msgs[mi].t_enq = e->clock.now(e->clock.ctx);
    TRACE(e, TR_BLOCKED, mi, e->msgs[mi].at, -1, -1, -1, 0, 0, NULL);
    return 0;
}

static const char *graph_why(int g)
{
    return g == G_CMD   ? "no chain of command in this phase from the decider to the executor"
           : g == G_REL ? "no path along relations (with a network passing the release gate)"
                        : "no network route that passes the release gate";
}

/* The next hop from where the message is, or NULL when out of memory. */
static const struct hop *next_hop(struct engine *e, const struct msg *m)
{
    const struct hop *t = table_for(e, m, false);
    return t ? &t[2 * m->at + m->reviewed] : NULL;
}

/* Moves a routed message one hop on from where it is. */
int engi_forward(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    if (delivered(e, m))
        return engi_arrive_final(e, mi);
    const struct hop *hp = next_hop(e, m);
    if (!hp)
        return KZ_ENOMEM;
    struct hop h = *hp;
    if (h.next == HOP_REVIEW) {
        m->saved = m->purpose;
        m->purpose = P_REVIEW;
        return engi_enqueue(e, mi, m->at, ACT_REVIEW);
    }
    if (h.next == HOP_NONE) {
        const struct hop *s = table_for(e, m, true);
        if (!s)
            return KZ_ENOMEM;
        if (s[2 * m->at + m->reviewed].next == HOP_NONE) {
            TRACE(e, TR_REFUSED, mi, m->at, m->dst, -1, -1, 0, 0, graph_why(m->graph));
            if (m->purpose == P_DELEGATE)
                return 0; /* the holder may still answer */
            engi_op_done(e, m->op, NIL, ENG_INFEASIBLE, m->at, graph_why(m->graph));
            return 0;
        }
        return block(e, mi);
    }
    TRACE(e, TR_SEND, mi, m->at, h.next, h.net, -1, 0, 0, NULL);
    m->t_sent = e->clock.now(e->clock.ctx);
    m->net_in = h.net;
    return e->tr.send(e->tr.ctx, mi, m->at, h.next, h.net);
}

/* A message that came in over an automatic network and goes on over one is relayed by the
 * machine after a gateway draw, not by the node's staff (docs/scenario.md). Sets *gw_us. */
static int machine_relay(struct engine *e, uint32_t mi, bool *yes, int64_t *gw_us)
{
    struct msg *m = &e->msgs[mi];
    *yes = false;
    if (m->graph != G_NET || m->net_in < 0 || !e->m->networks[m->net_in].automatic ||
        e->hooks.at_once)
        return 0; /* requests and orders go through people along relations */
    const struct hop *h = next_hop(e, m);
    if (!h)
        return KZ_ENOMEM;
    if (h->next < 0 || !e->m->networks[h->net].automatic)
        return 0;
    *yes = true;
    *gw_us = rng_dist_us(&e->netrng[h->net], &e->m->networks[h->net].gateway);
    return 0;
}

int eng_deliver(struct engine *e, uint32_t mi, int to)
{
    if (mi >= e->nmsgs)
        return KZ_EINVAL;
    struct msg *m = &e->msgs[mi];
    m->at = to;
    kz_time now = e->clock.now(e->clock.ctx);
    int rc = engi_seg(e, mi, to, KZ_CAUSE_PROPAGATION, now.us - m->t_sent.us);
    if (rc)
        return rc;
    TRACE(e, TR_ARRIVE, mi, to, -1, -1, -1, 0, 0, NULL);
    if (delivered(e, m))
        return engi_arrive_final(e, mi);
    if (superseded(e, m))
        return 0;
    bool machine;
    int64_t gw;
    if ((rc = machine_relay(e, mi, &machine, &gw)) != 0)
        return rc;
    if (machine) {
        TRACE(e, TR_GATEWAY, mi, to, -1, -1, ACT_RELAY, 0, (double)gw * 1e-6, NULL);
        if ((rc = engi_seg(e, mi, to, KZ_CAUSE_PROPAGATION, gw)) != 0)
            return rc;
        return gw > 0 ? e->clock.at(e->clock.ctx, kz_time_add(now, gw), ENG_EV_GATEWAY, mi)
                      : engi_forward(e, mi);
    }
    m->transit = 1;
    return engi_enqueue(e, mi, to, m->graph == G_CMD ? ACT_ORDER : ACT_RELAY);
}

int engi_send_routed(struct engine *e, uint32_t parent, enum kz_msg_kind kind, int from, int to,
                     int32_t opi, enum graph g, enum purpose p, int32_t aux)
{
    uint32_t mi;
    struct eng_attr a = e->ops[opi].attr;
    int rc = engi_new_msg(e, kind, from, to, opi, &a, &mi);
    if (rc)
        return rc;
    struct msg *m = &e->msgs[mi];
    m->graph = (uint8_t)g;
    m->purpose = (uint8_t)p;
    m->aux = aux;
    m->seg = parent == NIL ? -1 : e->msgs[parent].seg;
    TRACE(e, TR_CREATE, mi, from, to, -1, -1, 0, 0, NULL);
    return engi_forward(e, mi);
}

int eng_fire(struct engine *e, unsigned kind, uint32_t arg)
{
    switch (kind) {
    case ENG_EV_JOB_DONE:
        if (arg >= e->nmsgs)
            return KZ_EINVAL;
        if (e->msgs[arg].cancelled) {
            e->msgs[arg].cancelled = 0; /* its cell was freed when it was cancelled */
            return 0;
        }
        return engi_job_done(e, arg);
    case ENG_EV_RECALL_DONE:
        return arg < e->m->nnodes ? recall_done(e, (int)arg) : KZ_EINVAL;
    case ENG_EV_DELEGATE:
        return arg < e->nops ? engi_delegate_now(e, (int32_t)arg) : KZ_EINVAL;
    case ENG_EV_GATEWAY:
        if (arg >= e->nmsgs)
            return KZ_EINVAL;
        return superseded(e, &e->msgs[arg]) ? 0 : engi_forward(e, arg);
    default:
        return KZ_EINVAL;
    }
}

/* ---- the world changing ------------------------------------------------------------ */

static int retry_blocked(struct engine *e)
{
    uint32_t n = e->nblocked;
    e->nblocked = 0;
    kz_time now = e->clock.now(e->clock.ctx);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t mi = e->blocked[i];
        struct msg *m = &e->msgs[mi];
        engi_add_wait(e, m, m->at, WAIT_LINK, now.us - m->t_enq.us);
        int rs = engi_seg(e, mi, m->at, KZ_CAUSE_LINK, now.us - m->t_enq.us);
        if (rs)
            return rs;
        TRACE(e, TR_UNBLOCKED, mi, m->at, -1, -1, -1, (double)(now.us - m->t_enq.us) * 1e-6, 0,
              NULL);
        /* forward may block it again, appending to e->blocked past n: safe, the loop reads
         * only the first n entries, which forward never overwrites (it appends). */
        int rc = engi_forward(e, mi);
        if (rc)
            return rc;
    }
    return 0;
}

int eng_set_phase(struct engine *e, int phase)
{
    e->w.phase = phase;
    return retry_blocked(e); /* a route closed in the old phase may be open now */
}

int eng_outage(struct engine *e, int id, enum outage_kind k, const int *v, int n, bool down)
{
    if (id < 0 || id >= 64)
        return KZ_EINVAL;
    uint64_t bit = (uint64_t)1 << id;
    switch (k) {
    case OUT_NODE:
        for (int i = 0; i < n; i++) {
            e->node_down[v[i]] = down;
            e->ns[v[i]].down = down;
        }
        break;
    case OUT_NETWORK:
        for (int i = 0; i < n; i++)
            e->net_down[v[i]] = down;
        break;
    case OUT_CUT:
        for (int i = 0; i < n; i++)
            e->cutmask[v[i]] |= bit;
        e->w.active_cuts = down ? e->w.active_cuts | bit : e->w.active_cuts & ~bit;
        break;
    case OUT_LINK:
        if (n != 2)
            return KZ_EINVAL;
        e->links[id][0] = v[0];
        e->links[id][1] = v[1];
        e->link_active = down ? e->link_active | bit : e->link_active & ~bit;
        e->w.nlinks = 0;
        for (int i = 0; i < 64; i++)
            if (e->link_active & ((uint64_t)1 << i)) {
                e->active_links[e->w.nlinks][0] = e->links[i][0];
                e->active_links[e->w.nlinks][1] = e->links[i][1];
                e->w.nlinks++;
            }
        break;
    }
    e->w.outages = down ? e->w.outages | bit : e->w.outages & ~bit;
    if (down)
        return 0;
    if (k == OUT_NODE)
        for (int i = 0; i < n; i++) {
            int rc = engi_try_start(e, v[i]);
            if (rc)
                return rc;
        }
    return retry_blocked(e);
}

