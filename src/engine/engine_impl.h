/* engine_impl.h - internal to the engine's .c files: its messages, operations and node states. */
#ifndef KZ_ENGINE_IMPL_H
#define KZ_ENGINE_IMPL_H

#include "engine.h"
#include "route.h"

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
    int32_t at;     /* node where it is */
    int32_t dst;    /* where it is going */
    int32_t op;     /* operation, -1 for background */
    int32_t aux;    /* approval index */
    uint8_t purpose, saved, graph, reviewed, action, principal, delegated;
    uint8_t held;    /* an operator's: its cell waits for eng_resolve or eng_deny */
    uint8_t transit; /* the current job relays it on towards dst */
    kz_time t_enq;  /* queued, blocked or waiting for recall since */
};

enum op_kind { OPK_SHARE, OPK_REQUEST, OPK_ORDER };

struct op {
    uint8_t kind, done;
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
};

/* A new message / operation in the pools (engine.c); 0 or KZ_ENOMEM. */
int engi_new_msg(struct engine *e, enum kz_msg_kind kind, int at, int dst, int32_t op,
                 const struct eng_attr *a, uint32_t *out);
int engi_new_op(struct engine *e, enum op_kind k, const struct eng_attr *a, uint32_t tag,
                uint32_t aux, const int *dst, int n, int32_t *out);

#endif
