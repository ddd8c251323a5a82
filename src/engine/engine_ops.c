/* engine_ops.c - the engine's operations: shares, requests through approvals and delegation, orders. */
#include <string.h>

#include "engine.h"
#include "engine_impl.h"
#include "kizuna/error.h"

const char ENG_LEGAL_WHY[] = "no authority holds this decision in this phase (legal gate)";

void engi_op_done(struct engine *e, int32_t opi, uint32_t mi, enum eng_status st, int node,
                  const char *why)
{
    struct op *o = &e->ops[opi];
    e->done_seg = mi == NIL ? -1 : e->msgs[mi].seg;
    e->hooks.done(e->hooks.ctx, o->tag, o->aux, st, node, why);
    e->done_seg = -1;
}

int engi_new_op(struct engine *e, enum op_kind k, const struct eng_attr *a, uint32_t tag,
                uint32_t aux, const int *dst, int n, int32_t *out)
{
    if (engi_grow((void **)&e->ops, &e->capops, sizeof *e->ops, e->nops + 1) ||
        engi_grow((void **)&e->ints, &e->capints, sizeof *e->ints, e->nints + (uint32_t)n))
        return KZ_ENOMEM;
    int32_t i = (int32_t)e->nops++;
    struct op *o = &e->ops[i];
    memset(o, 0, sizeof *o);
    o->kind = (uint8_t)k;
    o->tag = tag;
    o->aux = aux;
    o->attr = *a;
    o->decision = o->assets = o->requester = o->auth = -1;
    o->mhead = o->holder_msg = NIL;
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
    return engi_enqueue(e, mi, origin, act);
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

/* A standing decision is in force: the holder takes it on the request, with no work. */
static void decide_standing(struct engine *e, int32_t opi, uint32_t mi, int holder)
{
    e->ops[opi].done = 1;
    TRACE(e, TR_DECIDED, mi, holder, -1, -1, ACT_DECIDE, 0, 0, "under a standing authority");
    engi_op_done(e, opi, mi, ENG_OK, holder, NULL);
}

int eng_request(struct engine *e, int decision, int assets, int requester,
                const struct eng_attr *a, uint32_t tag, uint32_t aux)
{
    const struct authority *au = eng_authority(e, decision, assets, e->w.phase);
    if (!au) {
        /* the legal gate: nobody may take this decision now; nothing is created or drawn */
        e->done_seg = -1;
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
    if (au->standing && au->holder == requester) {
        /* in force, and the holder asks itself: no request is written, nothing waits */
        uint32_t mi;
        if ((rc = engi_new_msg(e, KZ_MSG_DECISION, requester, requester, opi, a, &mi)) != 0)
            return rc;
        decide_standing(e, opi, mi, requester);
        return 0;
    }
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
    return engi_enqueue(e, mi, node, action);
}

/* The holder decides, continuing the path of `parent`. */
static int holder_decides(struct engine *e, int32_t opi, uint32_t parent)
{
    const struct op *o = &e->ops[opi];
    int holder = e->m->authorities[o->auth].holder;
    uint32_t mi;
    int rc = engi_new_msg(e, KZ_MSG_DECISION, holder, holder, opi, &o->attr, &mi);
    if (rc)
        return rc;
    e->msgs[mi].purpose = P_DECIDE;
    e->msgs[mi].seg = e->msgs[parent].seg;
    return engi_enqueue(e, mi, holder, ACT_DECIDE);
}

/*
 * The holder has what it needs from approver k-1 (`parent` brought it): ask approver k, or
 * decide. With `approve: concurrent` every approver is asked at once (k = 0) and the holder
 * decides on the last answer. An imported operation (the live network: each message arrives
 * as an operation of its own) cannot count answers that came as other operations, so there
 * the approvers are asked in order.
 */
static int next_approval(struct engine *e, int32_t opi, int k, uint32_t parent)
{
    struct op *o = &e->ops[opi];
    const struct authority *au = &e->m->authorities[o->auth];
    int n = (int)au->approvals.n;
    if (au->concurrent && n > 0 && !o->imported) {
        if (k > 0)
            return ++o->answered < n ? 0 : holder_decides(e, opi, parent);
        for (int j = 0; j < n; j++) {
            int rc = engi_send_routed(e, parent, KZ_MSG_REQUEST, au->holder,
                                      au->approvals.v[j].idx, opi, G_REL, P_APPROVAL, j);
            if (rc)
                return rc;
        }
        return 0;
    }
    if (k < n)
        return engi_send_routed(e, parent, KZ_MSG_REQUEST, au->holder, au->approvals.v[k].idx,
                                opi, G_REL, P_APPROVAL, k);
    return holder_decides(e, opi, parent);
}

/* The request reached its holder. */
static int at_holder(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    int32_t opi = m->op;
    struct op *o = &e->ops[opi];
    if (o->done)
        return 0;
    const struct authority *au = &e->m->authorities[o->auth];
    if (au->standing) {
        decide_standing(e, opi, mi, au->holder);
        return 0;
    }
    o->holder_msg = mi;
    o->t_holder = e->clock.now(e->clock.ctx);
    /* The holder's own timer hands the request over to the delegate, from when the request
     * reached it: only the holder knows that it has not answered in time, so only it can
     * prove a hand-over (live, the delegate takes one only signed by the holder). */
    if (au->delegate >= 0 && au->delegate != au->holder) {
        int64_t d = rng_dist_us(&e->nrng[au->holder], &au->delegate_after);
        int rc = e->clock.at(e->clock.ctx, kz_time_add(e->clock.now(e->clock.ctx), d),
                             ENG_EV_DELEGATE, (uint32_t)opi);
        if (rc)
            return rc;
    }
    return next_approval(e, opi, 0, mi);
}

int engi_arrive_final(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    int32_t opi = m->op;
    struct op *o = &e->ops[opi];
    switch ((enum purpose)m->purpose) {
    case P_ROUTE:
        if (o->kind == OPK_ORDER) {
            m->purpose = P_EXECUTE;
            return engi_enqueue(e, mi, m->at, ACT_EXECUTE);
        }
        engi_op_done(e, opi, mi, ENG_OK, m->at, NULL);
        return 0;
    case P_HOLDER:
        return at_holder(e, mi);
    case P_APPROVAL:
        if (o->done)
            return 0;
        m->purpose = P_APPROVED; /* the approver works on it, then answers */
        return engi_enqueue(e, mi, m->at, ACT_APPROVE);
    case P_APPROVED:
        return o->done ? 0 : next_approval(e, opi, m->aux + 1, mi);
    case P_DELEGATE:
        if (o->done)
            return 0;
        m->purpose = P_DECIDE;
        m->delegated = 1;
        return engi_enqueue(e, mi, m->at, ACT_DECIDE);
    default:
        return KZ_EINVAL;
    }
}

/* The origin's work is done: the message fans out (or the request leaves for the holder). */
static int origin_done(struct engine *e, uint32_t mi, int node)
{
    int32_t opi = e->msgs[mi].op;
    struct op *o = &e->ops[opi];
    if (o->kind == OPK_REQUEST) {
        const struct authority *au = &e->m->authorities[o->auth];
        return o->done ? 0
                       : engi_send_routed(e, mi, KZ_MSG_REQUEST, node, au->holder, opi, G_REL,
                                          P_HOLDER, 0);
    }
    /* send_routed may grow the message and operation pools (a done hook can start the next
     * step): copy what the loop needs instead of holding pointers into them */
    enum graph g = o->kind == OPK_ORDER ? G_CMD : G_NET;
    enum kz_msg_kind kind = (enum kz_msg_kind)e->msgs[mi].h.kind;
    uint32_t ndst = o->ndst, off = o->dst_off;
    int rc = 0;
    for (uint32_t j = 0; j < ndst && !rc; j++)
        rc = engi_send_routed(e, mi, kind, node, e->ints[off + j], opi, g, P_ROUTE, 0);
    return rc;
}

/* A decision is taken: the operation ends, and what else worked on it stops. */
static int decided(struct engine *e, uint32_t mi, int node)
{
    int32_t opi = e->msgs[mi].op;
    if (e->ops[opi].done)
        return 0;
    e->ops[opi].done = 1;
    TRACE(e, TR_DECIDED, mi, node, -1, -1, ACT_DECIDE, 0, 0,
          e->msgs[mi].delegated ? "by the delegate" : NULL);
    engi_op_done(e, opi, mi, ENG_OK, node, NULL);
    return engi_cancel_rest(e, opi);
}

int engi_job_done(struct engine *e, uint32_t mi)
{
    struct msg *m = &e->msgs[mi];
    int node = m->at;
    e->ns[node].busy--;
    m->busy = 0;
    TRACE(e, TR_DONE, mi, node, -1, -1, m->action, 0, 0, NULL);
    int rc = 0;
    int32_t opi = m->op;
    if (m->transit) {
        m->transit = 0;
        rc = engi_forward(e, mi);
        return rc ? rc : engi_try_start(e, node);
    }
    switch ((enum purpose)m->purpose) {
    case P_BACKGROUND:
        break;
    case P_ORIGIN:
        rc = origin_done(e, mi, node);
        break;
    case P_REVIEW:
        m->reviewed = 1;
        m->h.releasable |= e->ops[opi].attr.disclosable;
        m->purpose = m->saved;
        rc = engi_forward(e, mi);
        break;
    case P_APPROVED: {
        /* the answer goes back to the holder */
        const struct authority *au = &e->m->authorities[e->ops[opi].auth];
        if (!e->ops[opi].done)
            rc = engi_send_routed(e, mi, KZ_MSG_DECISION, node, au->holder, opi, G_REL,
                                  P_APPROVED, m->aux);
        break;
    }
    case P_DECIDE:
        rc = decided(e, mi, node);
        break;
    case P_EXECUTE:
        TRACE(e, TR_EXECUTED, mi, node, -1, -1, ACT_EXECUTE, 0, 0, NULL);
        engi_op_done(e, opi, mi, ENG_OK, node, NULL);
        break;
    default:
        rc = KZ_EINVAL;
    }
    if (rc)
        return rc;
    return engi_try_start(e, node);
}

int engi_delegate_now(struct engine *e, int32_t opi)
{
    struct op *o = &e->ops[opi];
    if (o->done || o->holder_msg == NIL)
        return 0; /* decided in time, or (live) no request ever reached this holder */
    const struct authority *au = &e->m->authorities[o->auth];
    uint32_t hm = o->holder_msg;
    /* the timer ran at the holder: its time is on the delegate's path (nothing after the
     * request's arrival derives from hm any more, so its lineage may grow here) */
    int rc = engi_seg(e, hm, au->holder, KZ_CAUSE_DELEGATION,
                      e->clock.now(e->clock.ctx).us - o->t_holder.us);
    if (rc)
        return rc;
    TRACE(e, TR_DELEGATE, NIL, au->delegate, au->holder, -1, -1, 0, 0,
          "holder did not answer in time");
    return engi_send_routed(e, hm, KZ_MSG_REQUEST, au->holder, au->delegate, opi, G_REL,
                            P_DELEGATE, 0);
}

int engi_cancel_rest(struct engine *e, int32_t opi)
{
    kz_time now = e->clock.now(e->clock.ctx);
    for (uint32_t mi = e->ops[opi].mhead; mi != NIL; mi = e->msgs[mi].onext) {
        struct msg *m = &e->msgs[mi];
        if (!m->busy || m->held)
            continue; /* queued work is dropped when it comes up; an operator's is theirs */
        int node = m->at;
        m->busy = 0;
        m->cancelled = 1;
        m->transit = 0;
        e->ns[node].busy--;
        e->st->busy_us[node] -= m->t_end.us - now.us; /* the part never worked */
        TRACE(e, TR_CANCELLED, mi, node, -1, -1, m->action, 0, 0,
              "superseded: the decision was taken");
        int rc = engi_try_start(e, node);
        if (rc)
            return rc;
    }
    return 0;
}

int eng_resolve(struct engine *e, uint32_t mi)
{
    if (mi >= e->nmsgs || !e->msgs[mi].held)
        return KZ_EINVAL;
    e->msgs[mi].held = 0;
    return engi_job_done(e, mi);
}

int eng_deny(struct engine *e, uint32_t mi, const char *why)
{
    if (mi >= e->nmsgs || !e->msgs[mi].held)
        return KZ_EINVAL;
    struct msg *m = &e->msgs[mi];
    m->held = 0;
    m->busy = 0;
    int node = m->at;
    e->ns[node].busy--;
    TRACE(e, TR_REFUSED, mi, node, -1, -1, m->action, 0, 0, why);
    struct op *o = &e->ops[m->op];
    if (!o->done) {
        o->done = 1;
        engi_op_done(e, m->op, NIL, ENG_INFEASIBLE, node, why);
    }
    return engi_try_start(e, node);
}
