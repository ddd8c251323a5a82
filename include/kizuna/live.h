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
                                the built-in loopback one (data/dds/loopback.xml) */
    uint32_t domain;         /* DDS domain id (0..230) */
    int64_t epoch_ns;        /* CLOCK_REALTIME of scenario time 0; 0: when the node starts */
    int week_min_utc;        /* minutes after Monday 00:00 UTC at scenario time 0; -1: now */
    int phase;               /* the legal phase at start, index; -1: the first */
    uint64_t seed;           /* processing-time draws */
    double run_s;            /* stop after this many wall seconds; 0: until stop is set */
    volatile sig_atomic_t *stop; /* set (by a signal handler) to stop; may be NULL */
    FILE *log;               /* one line per event, as journaled; NULL: quiet */
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

struct kz_journal_filter {
    const char *what; /* sent, received, refused, done, ... or NULL */
    const char *kind; /* track, alert, request, ... or NULL */
    int thread;       /* -1: any */
};

/* Prints the events of one journal (a NODE.db) after *last_seq, and updates it. */
int kz_journal_print(const char *path, FILE *out, const struct kz_journal_filter *f,
                     int64_t *last_seq, char *err, size_t errlen);

/* Prints the decisions waiting for an operator; *count is how many. */
int kz_inbox_print(const char *path, FILE *out, int *count, char *err, size_t errlen);

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
