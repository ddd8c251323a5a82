/* kizuna/ports.h - the C2 engine's two ports (clock, transport) and the message header they carry. */
#ifndef KIZUNA_PORTS_H
#define KIZUNA_PORTS_H

#include <stdint.h>

#include "kizuna/simtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The engine (routing, the release, authority and legal gates, staff queues,
 * approvals, delegation) is written once against a clock and a transport.
 * The simulator gives it a virtual clock (an event queue) and a simulated
 * network; a live node gives it the real clock and DDS. The engine never
 * reads a wall clock and never touches a socket.
 */

enum kz_msg_kind {
    KZ_MSG_TRACK,
    KZ_MSG_ALERT,
    KZ_MSG_REQUEST,
    KZ_MSG_DECISION,
    KZ_MSG_ORDER,
    KZ_MSG_REPORT,
    KZ_MSG_ACK,
    KZ_MSG_KIND_COUNT
};

/* Lower value, higher precedence. */
enum kz_precedence { KZ_PREC_FLASH, KZ_PREC_IMMEDIATE, KZ_PREC_PRIORITY, KZ_PREC_ROUTINE, KZ_PREC_COUNT };

enum kz_classification { KZ_CLASS_U, KZ_CLASS_C, KZ_CLASS_S, KZ_CLASS_TS };

/* Every message carries this header; nations and nodes are indices into the structure. */
struct kz_msg_header {
    uint32_t id;
    int32_t thread;         /* the measured thread it belongs to, -1 for none */
    uint8_t kind;           /* enum kz_msg_kind */
    uint8_t precedence;     /* enum kz_precedence */
    uint8_t classification; /* enum kz_classification */
    uint64_t releasable;    /* bit i: releasable to nation i of the structure */
    int32_t origin, destination;
    kz_time created;
};

/*
 * Time source. `now` is the current time; `at` asks for the scheduler's
 * `fire(kind, arg)` to be called at time t (t >= now) - kind and arg are the
 * caller's, handed back unchanged. Returns 0, or a negative KZ_E code when the
 * clock cannot hold the event (out of memory; KZ_ELIMIT when it cannot
 * represent kind or arg - the caller's run is then too large for it).
 */
struct kz_clock {
    void *ctx;
    kz_time (*now)(void *ctx);
    int (*at)(void *ctx, kz_time t, unsigned kind, uint32_t arg);
};

/*
 * Message carrier. `send` moves message `msg` from node `from` to node `to`
 * over network `network`; the receiving side calls kz_engine_deliver when it
 * arrives. Returns 0 or a negative KZ_E code.
 */
struct kz_transport {
    void *ctx;
    int (*send)(void *ctx, uint32_t msg, int from, int to, int network);
};

/*
 * Where the time on a critical path went. The critical path of a step is the causal
 * chain of work and travel that ended it (for `until: all`, the chain to the last
 * recipient); its causes add up to the step's duration. Work cancelled because the
 * decision was taken elsewhere is on no critical path.
 */
enum kz_cause {
    KZ_CAUSE_PROCESSING,  /* a cell working (relay, decide, approve, order, execute, report) */
    KZ_CAUSE_QUEUE,       /* waiting for a free cell */
    KZ_CAUSE_OFFHOURS,    /* waiting for a principal to be recalled */
    KZ_CAUSE_REVIEW,      /* a foreign-disclosure review */
    KZ_CAUSE_LINK,        /* waiting for a route to open (outage) */
    KZ_CAUSE_LEGAL,       /* a decide parked at the legal gate */
    KZ_CAUSE_PROPAGATION, /* on the wire: distance, network overhead, automatic gateways */
    KZ_CAUSE_DELEGATION,  /* the holder's delegation timer running out */
    KZ_CAUSE_EXTERNAL,    /* a delay step: time outside the C2 system (a missile's flight) */
    KZ_CAUSE_COUNT
};
extern const char *const kz_cause_names[KZ_CAUSE_COUNT];

#ifdef __cplusplus
}
#endif
#endif
