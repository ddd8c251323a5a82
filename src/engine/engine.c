/* engine.c - the C2 engine: staffed nodes, their queues, and the operations that move decisions. */
#include "engine.h"
#include "engine_impl.h"

#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "route.h"
#include "kizuna/util.h"

const char *const eng_wait_names[WAIT_COUNT] = {"queue", "off-hours", "review", "link", "legal"};
const char *const eng_msg_kind_names[KZ_MSG_KIND_COUNT] = {"track", "alert",  "request", "decision",
                                                          "order", "report", "ack"};

enum { EV_JOB_DONE = ENG_EV_JOB_DONE, EV_RECALL_DONE = ENG_EV_RECALL_DONE, EV_DELEGATE = ENG_EV_DELEGATE };

/* ---- pools ---------------------------------------------------------------- */

/* The pools count in uint32_t (a message index is 32 bits): kz_grow with that capacity. */
static int grow(void **v, uint32_t *cap, size_t elem, uint32_t need)
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
        grow((void **)&e->msgs, &e->capmsgs, sizeof *e->msgs, e->nmsgs + 1))
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
    *out = i;
    return 0;
}

/* ---- hooks ------------------------------------------------------------------ */

#define TRACE(e, ...)                         \
    do {                                      \
        if ((e)->hooks.trace)                 \
            trace_emit((e), __VA_ARGS__);     \
    } while (0)

/* Only called through TRACE, which skips the call when nobody listens (the Monte Carlo case). */
static void trace_emit(struct engine *e, enum trace_what what, uint32_t mi, int node, int peer,
                       int net, int action, double wait_s, double dur_s, const char *text)
{
    struct trace_rec r = {what,   e->clock.now(e->clock.ctx),
                          mi,     mi == NIL ? NULL : &e->msgs[mi].h,
                          node,   peer,
                          net,    action,
                          wait_s, dur_s,
                          text};
    e->hooks.trace(e->hooks.ctx, &r);
}

static void add_wait(struct engine *e, const struct msg *m, int node, enum wait_kind k,
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

static void op_done(struct engine *e, int32_t opi, enum eng_status st, int node,
                    const char *why)
{
    struct op *o = &e->ops[opi];
    e->hooks.done(e->hooks.ctx, o->tag, o->aux, st, node, why);
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

static int try_start(struct engine *e, int node);

static int enqueue(struct engine *e, uint32_t mi, int node, enum action act)
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
    return try_start(e, node);
}

static int try_start(struct engine *e, int node)
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
        if (m->op >= 0 && e->ops[m->op].kind == OPK_REQUEST && e->ops[m->op].done &&
            !m->transit) {
            /* decided elsewhere already (the delegate won): nobody works on it any more */
            continue;
        }
        int64_t waited = now.us - m->t_enq.us;
        add_wait(e, m, node, WAIT_QUEUE, waited);
        if (m->principal && !s->principal && !e->hooks.at_once && !in_hours(e, node)) {
            /* Off hours: the duty officer recalls the principal; the job waits without a cell. */
            m->next = NIL;
            m->t_enq = now;
            if (s->recall_t == NIL)
                s->recall_h = mi;
            else
                e->msgs[s->recall_t].next = mi;
            s->recall_t = mi;
            if (!s->recalling) {
                s->recalling = 1;
                int64_t d = rng_dist_us(e->rng, &nd->recall);
                TRACE(e, TR_RECALL, mi, node, -1, -1, m->action, 0, (double)d * 1e-6, NULL);
                int rc = e->clock.at(e->clock.ctx, kz_time_add(now, d), EV_RECALL_DONE,
                                     (uint32_t)node);
                if (rc)
                    return rc;
            }
            continue;
        }
        int64_t dur = rng_dist_us(e->rng, &nd->proc[m->action]);
        if (e->hooks.at_once)
            dur = 0;
        s->busy++;
        e->st->busy_us[node] += dur;
        e->st->jobs[node]++;
        if (m->action == ACT_REVIEW)
            add_wait(e, m, node, WAIT_REVIEW, dur);
        TRACE(e, TR_START, mi, node, -1, -1, m->action, (double)waited * 1e-6, (double)dur * 1e-6,
              NULL);
        if (e->hooks.hold && (m->action == ACT_DECIDE || m->action == ACT_APPROVE) && m->op >= 0) {
            int held = e->hooks.hold(e->hooks.ctx, mi, (enum action)m->action, node);
            if (held < 0)
                return held;
            if (held) {
                m->held = 1; /* the cell stays taken until the operator answers */
                continue;
            }
        }
        int rc = e->clock.at(e->clock.ctx, kz_time_add(now, dur), EV_JOB_DONE, mi);
        if (rc)
            return rc;
    }
    return 0;
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

static int arrive_final(struct engine *e, uint32_t mi);

static int block(struct engine *e, uint32_t mi)
{
    if (grow((void **)&e->blocked, &e->capblocked, sizeof *e->blocked, e->nblocked + 1))
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

/* Moves a routed message one hop on from where it is. */
static int forward(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    if (delivered(e, m))
        return arrive_final(e, mi);
    const struct hop *t = table_for(e, m, false);
    if (!t)
        return KZ_ENOMEM;
    struct hop h = t[2 * m->at + m->reviewed];
    if (h.next == HOP_REVIEW) {
        m->saved = m->purpose;
        m->purpose = P_REVIEW;
        return enqueue(e, mi, m->at, ACT_REVIEW);
    }
    if (h.next == HOP_NONE) {
        const struct hop *s = table_for(e, m, true);
        if (!s)
            return KZ_ENOMEM;
        if (s[2 * m->at + m->reviewed].next == HOP_NONE) {
            TRACE(e, TR_REFUSED, mi, m->at, m->dst, -1, -1, 0, 0, graph_why(m->graph));
            if (m->purpose == P_DELEGATE)
                return 0; /* the holder may still answer */
            op_done(e, m->op, ENG_INFEASIBLE, m->at, graph_why(m->graph));
            return 0;
        }
        return block(e, mi);
    }
    TRACE(e, TR_SEND, mi, m->at, h.next, h.net, -1, 0, 0, NULL);
    return e->tr.send(e->tr.ctx, mi, m->at, h.next, h.net);
}

int eng_deliver(struct engine *e, uint32_t mi, int to)
{
    if (mi >= e->nmsgs)
        return KZ_EINVAL;
    struct msg *m = &e->msgs[mi];
    m->at = to;
    TRACE(e, TR_ARRIVE, mi, to, -1, -1, -1, 0, 0, NULL);
    if (delivered(e, m))
        return arrive_final(e, mi);
    m->transit = 1;
    return enqueue(e, mi, to, m->graph == G_CMD ? ACT_ORDER : ACT_RELAY);
}

static int send_routed(struct engine *e, enum kz_msg_kind kind, int from, int to, int32_t opi,
                       enum graph g, enum purpose p, int32_t aux)
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
    TRACE(e, TR_CREATE, mi, from, to, -1, -1, 0, 0, NULL);
    return forward(e, mi);
}

/* ---- operations ------------------------------------------------------------------ */

int engi_new_op(struct engine *e, enum op_kind k, const struct eng_attr *a, uint32_t tag,
                  uint32_t aux, const int *dst, int n, int32_t *out)
{
    if (grow((void **)&e->ops, &e->capops, sizeof *e->ops, e->nops + 1) ||
        grow((void **)&e->ints, &e->capints, sizeof *e->ints, e->nints + (uint32_t)n))
        return KZ_ENOMEM;
    int32_t i = (int32_t)e->nops++;
    struct op *o = &e->ops[i];
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)k;
    o->tag = tag;
    o->aux = aux;
    o->attr = *a;
    o->decision = o->assets = o->requester = o->auth = -1;
    o->dst_off = e->nints;
    o->ndst = (uint32_t)n;
    for (int j = 0; j < n; j++)
        e->ints[e->nints++] = dst[j];
    *out = i;
    return 0;
}

static int start_origin(struct engine *e, int32_t opi, enum kz_msg_kind kind, int origin,
                        enum action act)
{
    uint32_t mi;
    int rc = engi_new_msg(e, kind, origin, origin, opi, &e->ops[opi].attr, &mi);
    if (rc)
        return rc;
    e->msgs[mi].purpose = P_ORIGIN;
    TRACE(e, TR_CREATE, mi, origin, -1, -1, -1, 0, 0, NULL);
    return enqueue(e, mi, origin, act);
}

int eng_share(struct engine *e, enum kz_msg_kind kind, int origin, const int *dst, int n,
              const struct eng_attr *a, uint32_t tag, uint32_t aux)
{
    int32_t opi;
    int rc = engi_new_op(e, OPK_SHARE, a, tag, aux, dst, n, &opi);
    if (rc)
        return rc;
    return start_origin(e, opi, kind, origin, kind == KZ_MSG_REPORT ? ACT_REPORT : ACT_RELAY);
}

const struct authority *eng_authority(const struct engine *e, int decision, int assets,
                                      int phase)
{
    return eng_authority_of(e->m, decision, assets, phase);
}

const struct authority *eng_authority_of(const struct kz_model *m, int decision, int assets,
                                         int phase)
{
    if (!(m->decisions[decision].legal & (1u << phase)))
        return NULL;
    for (size_t i = 0; i < m->nauthorities; i++) {
        const struct authority *a = &m->authorities[i];
        if (a->decision == decision && (assets < 0 || a->assets == assets) &&
            (a->phases & (1u << phase)))
            return a;
    }
    return NULL;
}

int eng_request(struct engine *e, int decision, int assets, int requester,
                const struct eng_attr *a, uint32_t tag, uint32_t aux)
{
    const struct authority *au = eng_authority(e, decision, assets, e->w.phase);
    if (!au) {
        /* the legal gate: nobody may take this decision now; nothing is created or drawn */
        e->hooks.done(e->hooks.ctx, tag, aux, ENG_INFEASIBLE, requester, ENG_LEGAL_WHY);
        return 0;
    }
    int32_t opi;
    int rc = engi_new_op(e, OPK_REQUEST, a, tag, aux, NULL, 0, &opi);
    if (rc)
        return rc;
    struct op *o = &e->ops[opi];
    o->decision = decision;
    o->assets = assets;
    o->requester = requester;
    o->auth = (int32_t)(au - e->m->authorities);
    return start_origin(e, opi, KZ_MSG_REQUEST, requester, ACT_REPORT);
}

int eng_order(struct engine *e, int decision, int decider, const int *exec, int n,
              const struct eng_attr *a, uint32_t tag, uint32_t aux)
{
    int32_t opi;
    int rc = engi_new_op(e, OPK_ORDER, a, tag, aux, exec, n, &opi);
    if (rc)
        return rc;
    e->ops[opi].decision = decision;
    return start_origin(e, opi, KZ_MSG_ORDER, decider, ACT_ORDER);
}

int eng_background(struct engine *e, int node, enum action action, enum kz_precedence prec)
{
    struct eng_attr a = {-1, prec, CL_U, ~(nation_mask)0, 0};
    uint32_t mi;
    int rc = engi_new_msg(e, KZ_MSG_REPORT, node, node, -1, &a, &mi);
    if (rc)
        return rc;
    e->msgs[mi].purpose = P_BACKGROUND;
    return enqueue(e, mi, node, action);
}

/* The holder has what it needs from approver k-1: ask approver k, or decide. */
static int next_approval(struct engine *e, int32_t opi, int k)
{
    const struct op *o = &e->ops[opi];
    const struct authority *au = &e->m->authorities[o->auth];
    if ((size_t)k < au->approvals.n)
        return send_routed(e, KZ_MSG_REQUEST, au->holder, au->approvals.v[k].idx, opi, G_REL,
                           P_APPROVAL, k);
    uint32_t mi;
    int rc = engi_new_msg(e, KZ_MSG_DECISION, au->holder, au->holder, opi, &o->attr, &mi);
    if (rc)
        return rc;
    e->msgs[mi].purpose = P_DECIDE;
    return enqueue(e, mi, au->holder, ACT_DECIDE);
}

static int arrive_final(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    int32_t opi = m->op;
    struct op *o = &e->ops[opi];
    switch ((enum purpose)m->purpose) {
    case P_ROUTE:
        if (o->kind == OPK_ORDER) {
            m->purpose = P_EXECUTE;
            return enqueue(e, mi, m->at, ACT_EXECUTE);
        }
        op_done(e, opi, ENG_OK, m->at, NULL);
        return 0;
    case P_HOLDER: {
        if (o->done)
            return 0;
        /* The holder's own timer hands the request over to the delegate: only the holder knows
         * that it has not answered in time, so only it can prove a hand-over (live, the
         * delegate takes one only signed by the holder). */
        const struct authority *au = &e->m->authorities[o->auth];
        if (au->delegate >= 0 && au->delegate != au->holder) {
            int64_t d = rng_dist_us(e->rng, &au->delegate_after);
            int rc = e->clock.at(e->clock.ctx, kz_time_add(e->clock.now(e->clock.ctx), d),
                                 EV_DELEGATE, (uint32_t)opi);
            if (rc)
                return rc;
        }
        return next_approval(e, opi, 0);
    }
    case P_APPROVAL:
        m->purpose = P_APPROVED; /* the approver works on it, then answers */
        return enqueue(e, mi, m->at, ACT_APPROVE);
    case P_APPROVED:
        return o->done ? 0 : next_approval(e, opi, m->aux + 1);
    case P_DELEGATE:
        m->purpose = P_DECIDE;
        m->delegated = 1;
        return enqueue(e, mi, m->at, ACT_DECIDE);
    default:
        return KZ_EINVAL;
    }
}

static int job_done(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    int node = m->at;
    e->ns[node].busy--;
    TRACE(e, TR_DONE, mi, node, -1, -1, m->action, 0, 0, NULL);
    int rc = 0;
    int32_t opi = m->op;
    if (m->transit) {
        m->transit = 0;
        rc = forward(e, mi);
        return rc ? rc : try_start(e, node);
    }
    switch ((enum purpose)m->purpose) {
    case P_BACKGROUND:
        break;
    case P_ORIGIN: {
        struct op *o = &e->ops[opi];
        if (o->kind == OPK_REQUEST) {
            const struct authority *au = &e->m->authorities[o->auth];
            if (!o->done)
                rc = send_routed(e, KZ_MSG_REQUEST, node, au->holder, opi, G_REL, P_HOLDER, 0);
            break;
        }
        /* send_routed may grow the message and operation pools (a done hook can start the
         * next step): copy what the loop needs instead of holding pointers into them */
        enum graph g = o->kind == OPK_ORDER ? G_CMD : G_NET;
        enum kz_msg_kind kind = (enum kz_msg_kind)m->h.kind;
        uint32_t ndst = o->ndst, off = o->dst_off;
        for (uint32_t j = 0; j < ndst && !rc; j++)
            rc = send_routed(e, kind, node, e->ints[off + j], opi, g, P_ROUTE, 0);
        break;
    }
    case P_REVIEW:
        m->reviewed = 1;
        m->h.releasable |= e->ops[opi].attr.disclosable;
        m->purpose = m->saved;
        rc = forward(e, mi);
        break;
    case P_APPROVED: {
        /* the answer goes back to the holder */
        const struct authority *au = &e->m->authorities[e->ops[opi].auth];
        if (!e->ops[opi].done)
            rc = send_routed(e, KZ_MSG_DECISION, node, au->holder, opi, G_REL, P_APPROVED, m->aux);
        break;
    }
    case P_DECIDE:
        if (!e->ops[opi].done) {
            e->ops[opi].done = 1;
            TRACE(e, TR_DECIDED, mi, node, -1, -1, ACT_DECIDE, 0, 0,
                  m->delegated ? "by the delegate" : NULL);
            op_done(e, opi, ENG_OK, node, NULL);
        }
        break;
    case P_EXECUTE:
        TRACE(e, TR_EXECUTED, mi, node, -1, -1, ACT_EXECUTE, 0, 0, NULL);
        op_done(e, opi, ENG_OK, node, NULL);
        break;
    default:
        rc = KZ_EINVAL;
    }
    if (rc)
        return rc;
    return try_start(e, node);
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
        add_wait(e, m, node, WAIT_OFFHOURS, now.us - m->t_enq.us);
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
    return try_start(e, node);
}

static int delegate_now(struct engine *e, int32_t opi)
{
    struct op *o = &e->ops[opi];
    if (o->done)
        return 0;
    const struct authority *au = &e->m->authorities[o->auth];
    TRACE(e, TR_DELEGATE, NIL, au->delegate, au->holder, -1, -1, 0, 0,
          "holder did not answer in time");
    return send_routed(e, KZ_MSG_REQUEST, au->holder, au->delegate, opi, G_REL, P_DELEGATE, 0);
}

int eng_fire(struct engine *e, unsigned kind, uint32_t arg)
{
    switch (kind) {
    case EV_JOB_DONE:
        return arg < e->nmsgs ? job_done(e, arg) : KZ_EINVAL;
    case EV_RECALL_DONE:
        return arg < e->m->nnodes ? recall_done(e, (int)arg) : KZ_EINVAL;
    case EV_DELEGATE:
        return arg < e->nops ? delegate_now(e, (int32_t)arg) : KZ_EINVAL;
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
        add_wait(e, m, m->at, WAIT_LINK, now.us - m->t_enq.us);
        TRACE(e, TR_UNBLOCKED, mi, m->at, -1, -1, -1, (double)(now.us - m->t_enq.us) * 1e-6, 0,
              NULL);
        /* forward may block it again, appending to e->blocked past n: safe, the loop reads
         * only the first n entries, which forward never overwrites (it appends). */
        int rc = forward(e, mi);
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
            int rc = try_start(e, v[i]);
            if (rc)
                return rc;
        }
    return retry_blocked(e);
}

const char ENG_LEGAL_WHY[] = "no authority holds this decision in this phase (legal gate)";

int eng_resolve(struct engine *e, uint32_t mi)
{
    if (mi >= e->nmsgs || !e->msgs[mi].held)
        return KZ_EINVAL;
    e->msgs[mi].held = 0;
    return job_done(e, mi);
}

int eng_deny(struct engine *e, uint32_t mi, const char *why)
{
    if (mi >= e->nmsgs || !e->msgs[mi].held)
        return KZ_EINVAL;
    struct msg *m = &e->msgs[mi];
    m->held = 0;
    int node = m->at;
    e->ns[node].busy--;
    TRACE(e, TR_REFUSED, mi, node, -1, -1, m->action, 0, 0, why);
    struct op *o = &e->ops[m->op];
    if (!o->done) {
        o->done = 1;
        op_done(e, m->op, ENG_INFEASIBLE, node, why);
    }
    return try_start(e, node);
}

