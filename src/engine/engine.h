/* engine.h - the C2 engine: messages moving between staffed nodes under the structure's rules. */
#ifndef KZ_ENGINE_H
#define KZ_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "kizuna/ports.h"
#include "model/model_impl.h"
#include "core/evkind.h"
#include "core/rng.h"

/*
 * The engine executes a structure (docs/scenario.md, "What the engine does"):
 * it routes messages, applies the release, authority and legal gates, runs
 * every node's staff queue by precedence, recalls principals outside working
 * hours, collects approvals and hands a decision to the delegate when the
 * holder is late. It knows time only through struct kz_clock and moves
 * messages only through struct kz_transport.
 *
 * Work is started as operations; each reports its end through the `done`
 * hook with the caller's tag. One engine belongs to one thread. It allocates
 * when created and grows its pools while they are too small; eng_reset
 * keeps the memory, so a worker that runs many replications stops
 * allocating after the largest one.
 */

struct engine;

enum eng_status {
    ENG_OK,
    ENG_INFEASIBLE, /* no route, no authority, no command path, refused by release */
};

enum wait_kind { WAIT_QUEUE, WAIT_OFFHOURS, WAIT_REVIEW, WAIT_LINK, WAIT_LEGAL, WAIT_COUNT };
extern const char *const eng_wait_names[WAIT_COUNT];
/* Message kinds as written in scenarios, commands and journals. */
extern const char *const eng_msg_kind_names[KZ_MSG_KIND_COUNT];

/* What a trace hook is told (kizuna trace); NULL hook: nothing is built. */
enum trace_what {
    TR_CREATE,  /* msg created at node */
    TR_QUEUE,   /* job queued at node for action */
    TR_START,   /* a cell starts action (wait = time queued) */
    TR_RECALL,  /* off-hours: principal recalled, dur = recall delay */
    TR_DONE,    /* action done */
    TR_SEND,    /* msg leaves node for peer over network */
    TR_ARRIVE,  /* msg arrives at node */
    TR_BLOCKED, /* no route now (outage): waits at node */
    TR_UNBLOCKED,
    TR_REFUSED, /* infeasible; text says why */
    TR_DELEGATE,
    TR_DECIDED,
    TR_EXECUTED,
    TR_GATEWAY,   /* relayed on by machine (an automatic network), dur = gateway time */
    TR_CANCELLED, /* work superseded: the decision was taken elsewhere */
};

struct trace_rec {
    enum trace_what what;
    kz_time t;
    uint32_t msg;
    const struct kz_msg_header *hdr;
    int node, peer, network;
    int action;       /* enum action or -1 */
    double wait_s;    /* for TR_START, TR_UNBLOCKED */
    double dur_s;     /* for TR_RECALL, TR_START (service time) */
    const char *text; /* for TR_REFUSED, TR_DELEGATE */
};

struct eng_hooks {
    void *ctx;
    /* An operation ended: tag and aux as given; node = receiver, decider or executor. `why`
     * (infeasible) is a static string or one the engine's model owns: it lives as long as
     * the structure. May be called from inside the operation's own call (the legal gate). */
    void (*done)(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                 const char *why);
    void (*trace)(void *ctx, const struct trace_rec *r); /* may be NULL */
    /* Operators (a live node; NULL in the simulator): called when a decide or approve job
     * takes a cell at `node`. Returns 1 to hold the job there until the shell answers with
     * eng_resolve or eng_deny, 0 to let it take its modelled time, or a negative KZ_E code. */
    int (*hold)(void *ctx, uint32_t msg, enum action a, int node);
    /* true: the people are real - a job not held takes no modelled time and nobody is
     * recalled off hours (machines relay, review, order and execute at once). */
    bool at_once;
};

/* The reason an operation ends at the legal gate. */
extern const char ENG_LEGAL_WHY[];

/* Per-run accumulators the engine adds to (integer microseconds: exact, order-free). */
struct eng_stats {
    int64_t *busy_us;   /* [node] cell time spent working */
    int64_t *wait_us;   /* [node] time jobs spent before a cell took them */
    int64_t *jobs;      /* [node] */
    int64_t *thread_wait_us; /* [thread][node][WAIT_COUNT] */
    int nthreads;
};

/* Message attributes for an operation. */
struct eng_attr {
    int32_t thread; /* stats and trace tag; -1 for background */
    enum kz_precedence prec;
    enum classif cls;
    nation_mask releasable, disclosable;
};

int eng_create(const struct kz_model *m, struct engine **out);
void eng_free(struct engine *e);
void eng_bind(struct engine *e, const struct kz_clock *clock,
                    const struct kz_transport *transport, const struct eng_hooks *hooks,
                    struct rng *rng, struct eng_stats *stats);
/*
 * Starts a new run: no messages, every node idle and up, phase `phase`, t = 0
 * at `week_min_utc` minutes after Monday 00:00 UTC (for working hours).
 */
void eng_reset(struct engine *e, int phase, int week_min_utc);

/*
 * Common random numbers: every node and network draws from its own stream, keyed by a hash
 * of its id and seeded from (seed, run), so replication `run` of two structures gives the
 * same draws to the nodes they share, whatever else differs. Without eng_seed the streams
 * are seeded from the rng given to eng_bind.
 */
void eng_seed(struct engine *e, uint64_t seed, uint64_t run);
/* The stream of network `net` (the transport's overhead draws). */
struct rng *eng_net_rng(struct engine *e, int net);

/*
 * Critical paths. Every message carries its lineage: the work, waits and travel that led to
 * it, as segments (node, cause, time). During a done hook, eng_done_path is the lineage of
 * the message that ended the operation (-1: none, e.g. the legal gate). A path begins with
 * its operation, so its segments add up to the operation's duration. eng_path_sum adds them
 * into cause_us[KZ_CAUSE_COUNT] and, when node_us is not NULL, into node_us[node *
 * KZ_CAUSE_COUNT + cause]. Segments live until eng_reset.
 */
int32_t eng_done_path(const struct engine *e);
/* Paths are recorded only when asked (the simulator); a live node, which may run for days
 * between resets and has no use for them, leaves them off (the default). */
void eng_record_paths(struct engine *e, bool on);
void eng_path_sum(const struct engine *e, int32_t path, int64_t *cause_us, int64_t *node_us);
/* Walks a path one segment back at a time: false at its end, else the segment's node (-1:
 * none), cause and time, and *path moves to the one before. */
bool eng_path_next(const struct engine *e, int32_t *path, int *node, int *cause, int64_t *us);

/* The engine's own event kinds, in its range of core/evkind.h. */
enum { ENG_EV_JOB_DONE = KZ_EV_ENGINE, ENG_EV_RECALL_DONE, ENG_EV_DELEGATE, ENG_EV_GATEWAY };

/* Called by the clock shell for the engine's own events (kz_ev_owner(kind) == KZ_EVO_ENGINE). */
int eng_fire(struct engine *e, unsigned kind, uint32_t arg);
/* Called by the transport shell when message `msg` reaches node `to`. */
int eng_deliver(struct engine *e, uint32_t msg, int to);

/* ---- operations (return 0 or KZ_ENOMEM; the outcome comes through hooks.done) */

/* A track, alert or report from `origin` to each of `dst[0..n)`; done once per recipient. */
int eng_share(struct engine *e, enum kz_msg_kind kind, int origin, const int *dst, int n,
              const struct eng_attr *a, uint32_t tag, uint32_t aux);
/* Asks for decision `decision` on `assets`' assets, from `requester`; done once, node = decider.
 * The legal gate is here: when no authority holds the decision in the phase now, done is
 * called at once (ENG_INFEASIBLE, ENG_LEGAL_WHY, node = requester) and nothing is created. */
int eng_request(struct engine *e, int decision, int assets, int requester,
                const struct eng_attr *a, uint32_t tag, uint32_t aux);
/* The decider orders `decision` executed by each of exec[0..n); done once per executor. */
int eng_order(struct engine *e, int decision, int decider, const int *exec, int n,
              const struct eng_attr *a, uint32_t tag, uint32_t aux);
/* A job for `node` doing `action` (background load); no done call. */
int eng_background(struct engine *e, int node, enum action action, enum kz_precedence prec);

/* The authority for (decision, assets) in `phase`, or NULL (the legal gate). */
const struct authority *eng_authority(const struct engine *e, int decision, int assets,
                                      int phase);
/* The same from the structure alone, for a shell with no engine (the exercise director). */
const struct authority *eng_authority_of(const struct kz_model *m, int decision, int assets,
                                         int phase);

/* ---- the world changing */
/* Returns 0 or KZ_ENOMEM (messages waiting for a route are retried). */
int eng_set_phase(struct engine *e, int phase);
enum outage_kind { OUT_NODE, OUT_NETWORK, OUT_LINK, OUT_CUT };
/* Outage number `id` (0..63) of kind `k` over nodes/networks v[0..n) goes up or down. */
int eng_outage(struct engine *e, int id, enum outage_kind k, const int *v, int n, bool down);

/* Seconds of propagation from node a to node b over a network. */
double eng_prop_s(const struct engine *e, int a, int b, int net);

/* ---- for a shell whose nodes run in separate engines (the live network) ---------
 *
 * In the simulator one engine holds every node, and a message index means the
 * same thing at both ends of a hop. A live node's engine holds one node; a
 * message leaving it is exported (everything the next node needs to go on:
 * the header, where it goes and why, and its operation), carried, and
 * imported by the receiver's engine, which then delivers it. */
struct eng_wire {
    struct kz_msg_header h; /* h.id is the sender's local index; the shell keeps its own */
    int32_t dst, aux;
    uint8_t purpose, saved, graph, reviewed, delegated;
    uint8_t opkind; /* the operation: share, request, order */
    uint32_t tag, opaux;
    struct eng_attr attr;
    int32_t decision, assets, requester, auth;
};

enum { ENG_OPK_SHARE, ENG_OPK_REQUEST, ENG_OPK_ORDER, ENG_OPK_COUNT };
enum { ENG_PURPOSE_COUNT = 10, ENG_GRAPH_COUNT = 3 };

/* Fills *w from message `mi`. Returns 0 or KZ_EINVAL. */
int eng_export(const struct engine *e, uint32_t mi, struct eng_wire *w);
/* Adds an arriving message with an operation of its own; the caller then calls
 * eng_deliver(e, *mi, node). `w` must have passed the receiver's checks
 * (indices in range). Returns 0, KZ_ENOMEM or KZ_EINVAL. */
int eng_import(struct engine *e, const struct eng_wire *w, uint32_t *mi);
/* Messages and operations created so far (indices below these are valid). */
uint32_t eng_nmsgs(const struct engine *e);
uint32_t eng_nops(const struct engine *e);
/* The operation a message belongs to (-1: background) and the action of its current job. */
int32_t eng_msg_op(const struct engine *e, uint32_t mi);
enum action eng_msg_action(const struct engine *e, uint32_t mi);
const struct kz_msg_header *eng_msg_header(const struct engine *e, uint32_t mi);
/* Messages waiting for a route to open. */
uint32_t eng_nblocked(const struct engine *e);
/* Nothing queued, in work, waiting for a principal or for a route: a shell that also has
 * no engine event pending may eng_reset to reuse the memory. */
bool eng_idle(const struct engine *e);
/* An operator answers a job held by hooks.hold: eng_resolve ends it as if its time were
 * up (the decision or approval is given); eng_deny refuses it - the cell is freed and the
 * operation ends ENG_INFEASIBLE with `why` (which must live as long as the structure or be
 * copied by the done hook). Both return 0, KZ_EINVAL (message `mi` is not held) or an error
 * from the clock or transport. */
int eng_resolve(struct engine *e, uint32_t mi);
int eng_deny(struct engine *e, uint32_t mi, const char *why);

#endif
