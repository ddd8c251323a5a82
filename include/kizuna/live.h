/* kizuna/live.h - the live network: headquarters nodes over DDS, their journals, PKI, exercises. */
#ifndef KIZUNA_LIVE_H
#define KIZUNA_LIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/model.h"
#include "kizuna/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A live node runs one headquarters of a structure: the simulator's engine
 * with the real clock and a Cyclone DDS transport (docs/live.md). Every
 * network of the structure is one DDS partition, "kizuna.<network id>"; the
 * topics are "kz_msg" (requests, orders, alerts, reports, decisions;
 * reliable, keep-all), "kz_track" (reliable, keyed by track and receiver,
 * transient-local: late joiners get the current picture) and "kz_ack".
 *
 * A node's journal is DIR/NODE.db (SQLite, WAL): everything sent, received
 * and dropped, with the reason; commands from operators (kizuna send,
 * kizuna decide) are queued there too, so a node picks them up even after a
 * restart.
 */

#define KZ_PARTITION_PREFIX "kizuna."

struct kz_node_options {
    const char *node;        /* node id in the structure */
    const char *journal_dir; /* the node's journal is journal_dir/NODE.db */
    bool automatic;          /* act with the modelled processing times (else wait for operators) */
    double speed;            /* scenario seconds per wall second (1 = real time) */
    bool emulate_links;      /* a received message also waits out its network's modelled
                                latency (as the simulator draws it) less the real transit */
    const char *secure_dir;  /* kizuna pki init output: DDS Security and signed, MAC'd
                                messages (docs/security.md); required unless `insecure` */
    bool insecure;           /* lab only: no authentication at all; refused when a network of
                                the node carries more than UNCLASSIFIED, unless `force` */
    bool force;
    const char *dds_config;  /* Cyclone XML (file:// or inline); NULL: $CYCLONEDDS_URI, else
                                the built-in loopback one (DATA/dds/loopback.xml, docs/architecture.md) */
    uint32_t domain;         /* DDS domain id (0..230) */
    int64_t epoch_ns;        /* CLOCK_REALTIME of scenario time 0; 0: when the node starts */
    int week_min_utc;        /* minutes after Monday 00:00 UTC at scenario time 0; -1: now */
    int phase;               /* the legal phase at start, index; -1: the first */
    uint64_t seed;           /* processing-time draws */
    double run_s;            /* stop after this many wall seconds; 0: until stop is set */
    volatile sig_atomic_t *stop; /* set (by a signal handler) to stop; may be NULL */
    FILE *log;               /* one line per event, as journaled; NULL: quiet */
    /* The CoT gateway for TAK clients (docs/tak.md); off when both addresses are NULL. */
    const char *cot_addr;       /* TLS with mutual X.509 on HOST:PORT (needs secure_dir) */
    const char *cot_plain_addr; /* plain TCP on HOST:PORT: lab only, nothing authenticated */
    const char *cot_plain_as;   /* NATION:CLEARANCE of every plain client; NULL: the node's
                                   nation, U */
    uint32_t cot_msg_max;       /* largest CoT message taken, bytes; 0: 65536 */
    int cot_clients_max;        /* connections at once; 0: 512 */
    int cot_queue;              /* events queued per client: SA (beyond it the oldest goes) and,
                                   apart, alerts (beyond it the client is closed); 0: 4096 */
    int cot_malformed_max;      /* malformed messages within a minute that disconnect; 0: 10 */
    double cot_handshake_s;     /* a TLS handshake must end within; 0: 10 */
    double cot_stale_s;         /* stale of the node's own items as CoT, seconds; 0: 300 */
    double cot_share_s;         /* a client's reports go to the node at most this often per
                                   uid (the newest); 0: 0.2 */
};

/* Runs a node until *stop or run_s. Returns 0 or a negative KZ_E code with err filled. */
int kz_node_run(const kz_model *m, const char *structure_path, const struct kz_node_options *o,
                char *err, size_t errlen);

/* ---- operators' tools (src/live/tools.c) ----------------------------------------------- */

/* The structure file a node's journal names (written when the node first ran). */
int kz_live_structure_of(const char *journal_dir, const char *node, char *path, size_t n,
                         char *err, size_t errlen);

/*
 * Checks a command (YAML or JSON, docs/live.md "Commands") against the structure and
 * queues it in the node's journal, where the running node (or the next one to start)
 * takes it. Problems with the text go to `d` at file:line:col. `who` is journaled.
 * Returns 0, KZ_ECHECK/KZ_EPARSE (see d), or KZ_EIO with err.
 */
int kz_live_command(const kz_model *m, const char *journal_dir, const char *node,
                    const char *who, const char *file, const char *text, size_t len,
                    kz_diags *d, int64_t *seq, char *err, size_t errlen);

/* kizuna send's flags and kizuna decide's answer, as a command (kz_live_command_text). */
struct kz_command_args {
    const char *kind;        /* track, alert, report, request, order, phase or decide */
    const char *to;          /* node ids, comma-separated; NULL: none */
    const char *track, *text, *decision, *assets, *phase; /* NULL: none */
    const char *precedence;     /* one of kz_live_precedences, NULL: immediate */
    const char *classification; /* one of kz_live_classifications, NULL: S */
    const char *releasable, *disclosable; /* nation ids, comma-separated; NULL: the defaults */
    double lat, lon, alt;    /* a track's position */
    const char *category;    /* a track's: air, missile, maritime, subsurface, ground,
                                unknown; NULL: unknown */
    const char *affiliation; /* a track's: friend, hostile, neutral, ...; NULL: unknown */
    long repeat;             /* a stream of this many shares (0 or 1: one) */
    double rate;             /* per second; 0: as fast as the node goes */
    bool update;             /* a stream of updates of one track */
    int64_t key;             /* decide: the inbox key, and the answer */
    bool approve;
};
extern const char *const kz_live_precedences[];     /* NULL-terminated */
extern const char *const kz_live_classifications[]; /* NULL-terminated */
/* A track's category and affiliation (commands' `category`, `affiliation`), NULL-terminated. */
extern const char *const kz_live_categories[];
extern const char *const kz_live_affiliations[];

/*
 * The command `a` describes as the text kz_live_command queues (JSON, malloc'd in *text: the
 * caller frees it). Ids are looked up in the structure: KZ_EINVAL with err naming the flag and
 * the closest id ("unknown node 'jjco' for --to; did you mean 'jjoc'?"). Else 0 or KZ_ENOMEM.
 */
int kz_live_command_text(const kz_model *m, const struct kz_command_args *a, char **text,
                         char *err, size_t errlen);

/*
 * The node's verdict on a command it took, recorded in the transaction that takes it
 * (docs/live.md, "Commands"): refused when the node refused it or found it infeasible
 * while taking it (it cannot be parsed, nothing waits under a decide's key, no chain of
 * command to an order's executor, no route past the release gate, the legal gate...),
 * else accepted. What happens after that step (a far node's refusal, an operator's
 * denial, an action of modelled duration with --auto) is in the journal, not the verdict.
 */
enum kz_verdict_state {
    KZ_VERDICT_QUEUED,   /* not taken yet */
    KZ_VERDICT_TAKEN,    /* taken by a node that records no verdicts (an older kizuna) */
    KZ_VERDICT_ACCEPTED,
    KZ_VERDICT_REFUSED   /* `reason` says why */
};
struct kz_verdict {
    enum kz_verdict_state state;
    int64_t t_ns;     /* when the node gave it (CLOCK_REALTIME), 0 when not taken */
    char reason[400]; /* KZ_VERDICT_REFUSED: the first refusal's reason */
};

/* The verdict on command `seq` of DIR/NODE.db as it is now. Returns 0 or KZ_EIO with err. */
int kz_live_verdict(const char *journal_dir, const char *node, int64_t seq, struct kz_verdict *v,
                    char *err, size_t errlen);
/* Waits at most timeout_s for a verdict (state QUEUED when the time ran out). 0 or KZ_EIO. */
int kz_live_wait(const char *journal_dir, const char *node, int64_t seq, double timeout_s,
                 struct kz_verdict *v, char *err, size_t errlen);

/*
 * 0 when DIR/NODE.db exists. Else, with err saying what is wrong: KZ_EINVAL when `node` is
 * not a node of the structure (m, or the node names of the journals in DIR when m is NULL),
 * naming the closest id ("no node 'usf' in structure jfhq; did you mean 'usfj'?"), or
 * KZ_ENOTFOUND when it is but has no journal there yet (a node makes its journal when it
 * first starts), or when DIR holds no journal to tell.
 */
int kz_live_node_check(const char *journal_dir, const char *node, const kz_model *m, char *err,
                       size_t errlen);

/* The values of kz_journal_filter's `what` and `kind`, NULL-terminated. */
extern const char *const kz_journal_whats[];
extern const char *const kz_journal_kinds[];

struct kz_journal_filter {
    const char *what; /* one of kz_journal_whats, or NULL */
    const char *kind; /* one of kz_journal_kinds, or NULL */
    int thread;       /* -1: any */
};

/* One event of a journal, decoded. Every pointer is valid during the callback only. */
struct kz_journal_event {
    int64_t seq;
    int64_t wall_ns;        /* when it happened, CLOCK_REALTIME */
    double sim_s;           /* the node's scenario time then */
    const char *what;       /* one of kz_journal_whats */
    const char *kind;       /* the message's kind, NULL for none */
    const char *cls;        /* its classification, U C S TS, or NULL */
    uint64_t id;            /* the sample's id, 0 for none */
    const char *node, *peer, *net; /* ids, NULL for none */
    int thread;             /* scenario thread, -1 for none */
    int tag, step;          /* done, infeasible: the operation's owner tag and step; else -1 */
    const char *text;       /* the event's text (a refusal's reason ...), NULL for none */
    bool has_msg;           /* sent and received: the journal keeps the message's bytes */
    const char *track_id;   /* a track's id and position, NULL for other kinds */
    double lat, lon, alt_m;
    const char *msg_text;   /* an alert's or report's text, NULL when empty */
    const char *marking;    /* "S//REL TO USA, JPN" (nations by number without a model) */
};
typedef int (*kz_journal_fn)(void *ctx, const struct kz_journal_event *e);

/* Calls fn for each event of one journal (a NODE.db) after *last_seq that passes f (NULL:
 * all), updating *last_seq; stops at fn's first non-zero result, which it returns. `m`, the
 * structure, names the nations of a marking; NULL numbers them. 0, fn's result or KZ_EIO. */
int kz_journal_each(const char *path, const kz_model *m, const struct kz_journal_filter *f,
                    int64_t *last_seq, kz_journal_fn fn, void *ctx, char *err, size_t errlen);
/* One event as `kizuna journal` prints it (one line, no newline). */
void kz_journal_event_text(const struct kz_journal_event *e, char *buf, size_t n);
/* Prints the events of one journal after *last_seq, one line each, and updates it. */
int kz_journal_print(const char *path, const kz_model *m, FILE *out,
                     const struct kz_journal_filter *f, int64_t *last_seq, char *err,
                     size_t errlen);

/* A decision waiting for an operator (valid during the callback). */
struct kz_inbox_item {
    int64_t key;      /* what kizuna decide --key answers */
    int64_t t_ns;     /* since when, CLOCK_REALTIME */
    const char *what; /* "decide order-x for USA, requested by c ..." */
};
typedef int (*kz_inbox_fn)(void *ctx, const struct kz_inbox_item *it);
/* Calls fn for each decision waiting in the journal at `path`, by key; stops at fn's first
 * non-zero result, which it returns. 0, that result or KZ_EIO with err. */
int kz_inbox_each(const char *path, kz_inbox_fn fn, void *ctx, char *err, size_t errlen);

/* The nodes with a journal in DIR (NODE of every NODE.db), sorted, malloc'd: 0, KZ_ENOTFOUND
 * (no such directory, err says so) or KZ_ENOMEM. Freed with kz_journal_nodes_free. */
int kz_journal_nodes(const char *dir, char ***nodes, size_t *n, char *err, size_t errlen);
void kz_journal_nodes_free(char **nodes, size_t n);

/* A wall time (CLOCK_REALTIME ns) as the journal prints it: "HH:MM:SS.mmmZ" (UTC). */
void kz_wall_text(int64_t ns, char *buf, size_t n);

/* Every journal of a directory against the others: what was sent, received, lost, doubled. */
struct kz_audit {
    int journals;
    int64_t sent, received, refused, unacked;
    int64_t missing;    /* sent and acknowledged, not in the receiver's journal (collisions
                           included) */
    int64_t collide;    /* of those: the receiver holds other bytes under the id */
    int64_t duplicated; /* journaled twice by one receiver (cannot happen: ids are unique) */
    int64_t unknown;    /* received, sent by no journal in the directory */
};
int kz_journal_audit(const char *dir, FILE *out, struct kz_audit *res, char *err, size_t errlen);

/* The largest command kizuna send queues (a node reads it whole). */
#define KZ_COMMAND_MAX (64 * 1024)

/*
 * `kizuna journal DIR --repair NODE`: checks DIR/NODE.db and prints what is wrong to `out`
 * (unless `shown`: an earlier call did). Without `accept`, changes nothing and says what a
 * repair does; with it, repairs the journal (keeping the damaged files beside it) and prints
 * what was done. *damaged tells whether anything was wrong. Returns 0 or a negative KZ_E code
 * with err (not a kizuna journal, missing, in use by a running node).
 */
int kz_journal_repair(const char *dir, const char *node, bool accept, bool shown, FILE *out,
                      bool *damaged, char *err, size_t errlen);

/* ---- exercises (src/live/exercise.c) -------------------------------------------------- */

/*
 * An exercise starts one node process per headquarters of the structure on this
 * machine (all --auto, at `speed`), and plays the scenario as the exercise
 * director: it injects each thread's steps as commands at the node that acts,
 * follows the nodes' journals to see each step end, changes the phase and
 * cuts links when the scenario says. One replication, in real time x speed.
 */
struct kz_exercise_options {
    const char *node_exe;    /* the kizuna binary that runs `kizuna node` */
    const char *journal_dir; /* made afresh: old journals in it are removed */
    double speed;
    uint64_t seed;
    uint32_t domain;
    const char *secure_dir;  /* the PKI the nodes use; NULL: one made for the run in
                                journal_dir/pki (unless insecure) */
    bool insecure;           /* lab only: nodes run --insecure --force */
    const char *dds_config;  /* NULL: the default */
    double timeout_s;        /* wall-clock limit for the whole exercise */
    FILE *progress;          /* a line per step and per event; NULL: quiet */
};

struct kz_exercise_thread {
    const char *name;
    double took_s;     /* worst copy, scenario seconds; < 0: not completed */
    double deadline_s; /* mean over copies */
    bool met;          /* every copy within its deadline */
    const char *why;   /* why it stopped, when it did (the last stopped copy's reason, as the
                          simulator picks it) */
    int stopped_step;  /* not completed: the step (0-based) where the first unfinished copy
                          stopped or stood; -1 when completed */
    double legal_s;    /* scenario seconds parked at the legal gate (waiting for a phase) */
    const char *legal_node; /* the node where that wait was longest; NULL when none */
};

struct kz_exercise_result {
    int nnodes, nthreads;
    struct kz_exercise_thread *threads;
    double wall_s, scenario_s, startup_s;
    int64_t commands;
    struct kz_audit audit;
};

/* Plays the scenario live. On 0, *out is the caller's (kz_exercise_result_free) and owns
 * every string in it (copies: it outlives the structure and the scenario). Returns 0 or a
 * negative KZ_E code with err. */
int kz_exercise_run(const kz_model *m, const char *structure_path, const kz_scenario *s,
                    const struct kz_exercise_options *o, struct kz_exercise_result **out,
                    char *err, size_t errlen);
void kz_exercise_result_free(struct kz_exercise_result *r);

/*
 * Where a live time falls in the simulator's distribution for the same structure and
 * scenario: the share of all of sim's replications of thread `thread` that took at most
 * took_s (their empirical CDF there, in [0, 1]; replications that never completed count as
 * longer). NaN when took_s < 0 (the live thread did not complete) or out of memory.
 */
struct kz_sim_result; /* kizuna/sim.h */
double kz_live_percentile(const struct kz_sim_result *sim, size_t thread, double took_s);

/* ---- PKI and DDS Security (src/live/pki.c) ----------------------------------------- */

/*
 * Makes, under `out_dir` (created when missing): an identity CA and a
 * permissions CA (identity_ca.pem, permissions_ca.pem, and their keys), the
 * DDS Security governance document (governance.xml and its S/MIME-signed
 * governance.p7s) and, per node, NODE/cert.pem, NODE/key.pem,
 * NODE/permissions.xml and its signed NODE/permissions.p7s. A node's grant
 * lets it publish and subscribe the kizuna topics only in the partitions of
 * the networks it is a member of. Returns 0 or a negative KZ_E code with err.
 */
int kz_pki_init(const kz_model *m, const char *out_dir, char *err, size_t errlen);

/*
 * Writes into buf the Cyclone DDS <Security> element for node `node` using
 * the files kz_pki_init made under `dir` (absolute file: URIs). Returns 0,
 * KZ_ELIMIT when buf is too small, or KZ_ENOTFOUND when a file is missing.
 */
int kz_pki_security_xml(const char *dir, const char *node, char *buf, size_t len, char *err,
                        size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
