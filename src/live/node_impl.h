/* node_impl.h - internal to the node (node.c, node_cmd.c, node_net.c): its state and shared helpers. */
#ifndef KZ_NODE_IMPL_H
#define KZ_NODE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "command.h"
#include "cot_gw.h"
#include "dds.h"
#include "journal.h"
#include "kizuna/live.h"
#include "core/des.h"
#include "core/evkind.h"
#include "core/rng.h"
#include "wire.h"

/*
 * Work is counted in roots: a sample that arrived, or a command. Everything the
 * engine does on account of a root (messages it creates, samples it sends) is
 * journaled in the same transaction that marks the root handled, and a sent
 * sample's id is derived from its root and its rank among the root's outputs.
 * After a crash the roots not handled are run again; what they send gets the
 * same ids, so receivers, who keep every id they saw, take nothing twice.
 */

#define RTO_NS      (500 * 1000000LL)  /* re-send an unacknowledged sample after */
#define POLL_NS     (5 * 1000000LL)    /* look for commands at least this often */
#define RESEND_NS   (100 * 1000000LL)  /* look for samples to re-send this often */

struct root {
    int64_t id; /* 0: free slot */
    uint32_t nout;
    int32_t jobs; /* engine jobs in progress, waiting for an operator, delegation timers */
    uint32_t holds; /* jobs held for an operator so far: the next one's key is id * 256 + holds */
    bool terminal, handled;
    struct wire_body body;
    uint8_t category, affil; /* a track's, as it travels on (kz_Msg) */
};

struct pend {
    int64_t key, root;
    uint32_t mi;
};

struct outq {
    enum dx_topic t;
    int net;
    union {
        kz_Msg m;
        kz_Track tr;
        kz_Ack a;
    } u;
};

/* What a message carries to prove its origin, kept per engine message (relays pass it on as
 * they received it) and the approval ticket per operation (an approver echoes it). */
struct msg_auth {
    uint64_t oid;            /* 0: made here, not yet sent */
    uint8_t sigkind, siglen;
    uint8_t sig[72];
    uint8_t ticket[32];
    uint8_t osha[32];        /* SHA-256 of the origin bytes as received */
};

struct live {
    const struct kz_model *m;
    const struct kz_node_options *o;
    int me;
    uint64_t digest;
    uint8_t sha[32];         /* the structure file's SHA-256 */
    struct auth *auth;       /* NULL: --insecure */
    struct engine *eng;
    struct rng rng;
    struct eng_stats est;
    int64_t *st_busy, *st_wait, *st_jobs;
    struct des q; /* the engine's events, in scenario time */
    struct journal *j;
    struct ddsx *x;
    int phase, week;
    int64_t epoch_ns;
    double speed;
    int64_t last_us;

    int64_t *msg_root; /* engine message -> root */
    size_t cap_msg;
    uint32_t seen_msgs;
    struct msg_auth *msg_auth; /* engine message -> its proof of origin */
    uint64_t *op_gid; /* engine operation -> network-wide operation id */
    int64_t *op_root;
    uint8_t (*op_ticket)[32]; /* engine operation -> the ticket its ask carried */
    size_t cap_op;
    uint32_t seen_ops;
    int64_t cur_root;
    uint64_t cur_gid; /* for operations a command starts */

    struct root *roots; /* open addressing on root id */
    size_t cap_roots, nroots;

    struct outq *out;
    size_t nout, capout;
    struct pend *pend;
    size_t npend, cappend;
    uint32_t holds0; /* holds of work that belongs to no root (keys 1..255) */

    struct {
        bool on;
        enum outage_kind k;
        int ids[CMD_MAX_IDS];
        int n;
    } outage[64];

    struct gen {
        int64_t seq, root;
        char *text;
        struct command cmd;
        long done, total;
        double rate;
        int64_t t0_ns;
    } gen[8]; /* streams of shares (`repeat`) in progress */
    int ngen;

    int64_t cmd_after, last_poll, last_resend;
    /* without DDS (tests, fuzzing): what would be written goes here instead */
    void (*tap)(void *ctx, enum dx_topic t, int net, const void *sample);
    void *tap_ctx;
    struct cot_gw *gw; /* the CoT gateway (o->cot_addr, cot_plain_addr), NULL: none */
    struct outq *in; /* without DDS: samples nd_deliver queued for the next step */
    size_t nin, capin;
    bool replaying, stop;
    int err;
    uint64_t n_sent, n_recv, n_refused, n_dup;
};


/* The shell's own event: a message whose modelled link latency is over (--auto). */
enum { EV_ARRIVE = KZ_EV_SHELL }; /* arg: message; it waits out its emulated link */

/* node.c */
kz_time nd_now(void *ctx);
struct root *nd_root_find(struct live *L, int64_t id);
struct root *nd_root_add(struct live *L, int64_t id);
int nd_adopt(struct live *L);
int nd_after_call(struct live *L, int rc);
/* node_roots.c: marks root `id` handled when it reached an end and nothing of it is pending. */
void nd_root_check(struct live *L, int64_t id);

/* node_inbox.c: the engine's hold hook (eng_hooks.hold) - a decide or approve job waits for
 * an operator under a key (kizuna inbox, kizuna decide). Returns 1 (held) or KZ_ENOMEM/KZ_EIO. */
int nd_hold(void *ctx, uint32_t mi, enum action a, int node);

/* node_config.c: the node's Cyclone DDS configuration - o->dds_config, else $CYCLONEDDS_URI,
 * else loopback; with o->secure_dir, plus a fragment with the node's <Security> element.
 * *out is malloc'd. Returns 0, KZ_ENOMEM, or kz_pki_security_xml's error with err. */
int nd_dds_config(const struct kz_node_options *o, char **out, char *err, size_t errlen);
void nd_event(struct live *L, const char *what, uint64_t id, const struct kz_msg_header *h,
              uint32_t tag, uint32_t aux, int node, int peer, int net, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

/*
 * A node up to the point where it runs: journal opened and replayed, keys loaded, DDS
 * endpoints made when `dds` (else samples go to L->tap). Returns 0 and *out, or a negative
 * KZ_E code with err filled. kz_node_run is nd_open, nd_step until stopped, nd_close.
 */
int nd_open(const kz_model *m, const char *structure_path, const struct kz_node_options *o,
            bool dds, struct live **out, char *err, size_t errlen);
/* One step in one transaction: samples in, engine events due, commands, re-sends; then the
 * samples out. Returns 0 or a negative KZ_E code (jr_errmsg has the journal's). */
int nd_step(struct live *L);
/* Without DDS: queues a sample as if DDS had handed it over on network `net` (next step). */
int nd_deliver(struct live *L, enum dx_topic t, int net, const void *sample);
/* Journals "stopped" and frees everything. */
void nd_close(struct live *L);

/* node_cmd.c: commands */
int nd_poll_commands(struct live *L);
int nd_run_streams(struct live *L);
/* jr_work_each_open's callback: a root not handled before a restart, run again. */
int nd_replay_one(void *ctx, int64_t root, const kz_Msg *s, const char *cmd, int64_t cmd_seq,
                  long gen);

/* node_net.c: what crosses the network */
/* Appends a sample to a growing queue (what a step writes, or what nd_deliver hands over). */
int nd_outq_push(struct outq **v, size_t *n, size_t *cap, enum dx_topic t, int net,
                 const void *sample);
int nd_queue_out(struct live *L, enum dx_topic t, int net, const void *sample);
/* The engine's transport: journals, proves and queues a sample (written after the commit). */
int nd_send(void *ctx, uint32_t mi, int from, int to, int net);
/*
 * One sample as DDS handed it over on network `net` (trusted: the partition it came on):
 * decoded, authenticated and gated before anything is kept; refusals are journaled with
 * their reason. Errors go to L->err.
 */
void nd_receive(void *ctx, enum dx_topic t, int net, const void *sample);
/* A sample kept as root `root`, for the first time (`osha`: the SHA-256 of its origin bytes,
 * from nd_receive, which has just gated it) or again after a restart (NULL: gated again). */
int nd_take_in(struct live *L, int64_t root, const kz_Msg *s, int net, const uint8_t *osha);
void nd_flush_out(struct live *L);
int nd_resend_one(void *ctx, enum jr_topic topic, const kz_Msg *s);

#endif
