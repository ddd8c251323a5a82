/* engine_impl.h - internal to the engine's .c files: its messages, operations and node states. */
#ifndef KZ_ENGINE_IMPL_H
#define KZ_ENGINE_IMPL_H

#include "engine.h"
#include "route.h"
#include "kizuna/error.h"

#define NIL UINT32_MAX

/* What a message is for; decides what happens when its job ends or it arrives. */
enum purpose {
    P_ORIGIN,    /* the origin's work before the message fans out */
    P_ROUTE,     /* travelling to m->dst, relayed by the nodes on the way */
    P_REVIEW,    /* being reviewed for foreign disclosure at m->at */
    P_HOLDER,    /* a request travelling to the decision's holder */
    P_APPROVAL,  /* the holder's request to an approver */
    P_APPROVED,  /* the approver's answer to the holder */
    P_DECIDE,    /* the holder (or delegate) deciding */
    P_DELEGATE,  /* the request travelling to the delegate */
    P_EXECUTE,   /* an executor executing an order */
    P_BACKGROUND /* load */
};

struct msg {
    struct kz_msg_header h;
    uint32_t next;  /* queue link */
    uint32_t onext; /* the next message of its operation (cancelling superseded work) */
    int32_t seg;    /* last critical-path segment of its lineage, or -1 */
    int32_t net_in; /* the network it last arrived over, or -1 */
    int32_t at;     /* node where it is */
    int32_t dst;    /* where it is going */
    int32_t op;     /* operation, -1 for background */
    int32_t aux;    /* approval index */
    uint8_t purpose, saved, graph, reviewed, action, principal, delegated;
    uint8_t held;    /* an operator's: its cell waits for eng_resolve or eng_deny */
    uint8_t transit; /* the current job relays it on towards dst */
    uint8_t busy;    /* a cell is working on it (its EV_JOB_DONE is due at t_end) */
    uint8_t cancelled; /* its work was superseded: its due EV_JOB_DONE is void */
    kz_time t_enq;  /* queued, blocked or waiting for recall since */
    kz_time t_sent; /* left its last node at */
    kz_time t_end;  /* its job ends at (busy) */
};

/* One piece of a critical path: `us` of `cause` at `node`, after segment `prev`. */
struct seg {
    int32_t prev, node;
    int64_t us;
    uint8_t cause; /* enum kz_cause */
};

enum op_kind { OPK_SHARE, OPK_REQUEST, OPK_ORDER };

struct op {
    uint8_t kind, done;
    uint8_t imported;    /* made by eng_import: one message's share of an operation elsewhere */
    uint16_t answered;   /* approvals answered (approve: concurrent) */
    uint32_t mhead;      /* its messages, newest first, linked by msg.onext */
    uint32_t holder_msg; /* the request as the holder received it (the delegation's parent) */
    kz_time t_holder;    /* ... and when */
    uint32_t tag, aux;
    struct eng_attr attr;
    int32_t decision, assets, requester, auth;
    uint32_t dst_off, ndst; /* recipients or executors in e->ints */
};

struct nstate {
    uint32_t qh[KZ_PREC_COUNT], qt[KZ_PREC_COUNT];
    uint32_t recall_h, recall_t; /* waiting for the principal */
    int32_t busy;
    uint8_t down, principal, recalling;
};

struct engine {
    const struct kz_model *m;
    struct router *router;
    struct kz_clock clock;
    struct kz_transport tr;
    struct eng_hooks hooks;
    struct rng *rng;
    struct eng_stats *st;

    struct msg *msgs;
    uint32_t nmsgs, capmsgs;
    struct op *ops;
    uint32_t nops, capops;
    int32_t *ints;
    uint32_t nints, capints;
    uint32_t *blocked;
    uint32_t nblocked, capblocked;

    struct nstate *ns;
    uint8_t *node_down, *net_down;
    uint64_t *cutmask;
    int32_t links[64][2];
    int32_t active_links[64][2];
    uint64_t link_active;
    struct world w;
    int week_min_utc;

    struct rng *nrng;   /* [node]: each node's own stream (common random numbers) */
    struct rng *netrng; /* [network] */
    uint64_t *node_key, *net_key; /* stream keys: a hash of the id, the same in every structure */
    struct seg *segs;
    uint32_t nsegs, capsegs;
    int32_t done_seg;   /* the critical path of the operation ending now (eng_done_path) */
    bool paths;         /* record critical paths (eng_record_paths) */
};

/* ---- shared by engine.c, engine_ops.c and engine_path.c ---- */

/* Only called through TRACE, which skips the call when nobody listens (the Monte Carlo case). */
void engi_trace(struct engine *e, enum trace_what what, uint32_t mi, int node, int peer, int net,
                int action, double wait_s, double dur_s, const char *text);
#define TRACE(e, ...)                     \
    do {                                  \
        if ((e)->hooks.trace)             \
            engi_trace((e), __VA_ARGS__); \
    } while (0)

int engi_grow(void **v, uint32_t *cap, size_t elem, uint32_t need);
int engi_enqueue(struct engine *e, uint32_t mi, int node, enum action act);
int engi_try_start(struct engine *e, int node);
int engi_forward(struct engine *e, uint32_t mi);
/* A new message of operation opi from `from` to `to`, continuing parent's critical path
 * (NIL: none), routed over graph g. */
int engi_send_routed(struct engine *e, uint32_t parent, enum kz_msg_kind kind, int from, int to,
                     int32_t opi, enum graph g, enum purpose p, int32_t aux);
void engi_add_wait(struct engine *e, const struct msg *m, int node, enum wait_kind k,
                   int64_t us);
/* The operation ends: the done hook, with `mi`'s lineage as its critical path (NIL: none). */
void engi_op_done(struct engine *e, int32_t opi, uint32_t mi, enum eng_status st, int node,
                  const char *why);
int engi_arrive_final(struct engine *e, uint32_t mi);
int engi_job_done(struct engine *e, uint32_t mi);
int engi_delegate_now(struct engine *e, int32_t opi);
/* Work of a request whose decision is taken is superseded: frees the cells still on it. */
int engi_cancel_rest(struct engine *e, int32_t opi);

/* engine_path.c: makes room for one more segment (KZ_ENOMEM when there is none). */
int engi_seg_grow(struct engine *e);
/* Appends `us` of `cause` at `node` to message mi's path (nothing for us <= 0). Returns 0 or
 * KZ_ENOMEM. Inline: it runs for every wait and every job. */
static inline int engi_seg(struct engine *e, uint32_t mi, int node, int cause, int64_t us)
{
    if (us <= 0 || !e->paths)
        return 0;
    if (e->nsegs == e->capsegs && engi_seg_grow(e))
        return KZ_ENOMEM;
    struct msg *m = &e->msgs[mi];
    e->segs[e->nsegs] = (struct seg){m->seg, node, us, (uint8_t)cause};
    m->seg = (int32_t)e->nsegs++;
    return 0;
}
int engi_streams_create(struct engine *e);
void engi_streams_free(struct engine *e);

/* A new message / operation in the pools (engine.c); 0 or KZ_ENOMEM. */
int engi_new_msg(struct engine *e, enum kz_msg_kind kind, int at, int dst, int32_t op,
                 const struct eng_attr *a, uint32_t *out);
int engi_new_op(struct engine *e, enum op_kind k, const struct eng_attr *a, uint32_t tag,
                uint32_t aux, const int *dst, int n, int32_t *out);

#endif
