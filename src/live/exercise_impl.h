/* exercise_impl.h - internal to the exercise (exercise.c, exercise_nodes.c): its state. */
#ifndef KZ_EXERCISE_IMPL_H
#define KZ_EXERCISE_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sqlite3.h>
#include <sys/types.h>

#include "core/des.h"
#include "core/rng.h"
#include "journal.h"
#include "kizuna/live.h"
#include "scenario/director.h"
#include "scenario/plan.h"

struct ex_node {
    pid_t pid;
    struct journal *j;
    sqlite3_stmt *ends;
    int64_t seq;
    bool started, exited;
};

/* An operation's end as a node journaled it (t: its scenario time, us). */
struct ex_end {
    int64_t t;
    uint32_t tag, aux;
    bool ok;
    int node;
    const char *why; /* kept in ex.why */
};

struct ex {
    const struct kz_model *m;
    const struct plan *p;
    const struct kz_exercise_options *o;
    struct des q;       /* the director's events */
    struct rng rng;
    struct director *dir;
    int64_t cur;        /* the director's now: the time of what it is handling, scenario us */
    struct ex_node *nodes;
    struct ex_end *ends; /* read, not yet handed to the director */
    size_t nends, capends;
    const char *secure; /* the PKI the nodes run with; NULL: --insecure */
    int64_t epoch_ns, commands;
    char why[64][160]; /* reasons the nodes gave, kept for the result */
    int nwhy;
    int err;
};

/* exercise.c: queues a command at a node's journal (the node takes it at once) */
int ex_command(struct ex *X, int node, const char *body);

/* exercise_nodes.c: the node processes */
/* Removes what earlier runs left in the journal directory (journals, logs, the run's PKI). */
int ex_clear_dir(const char *dir, char *err, size_t errlen);
/* Makes (or checks, with --secure) the PKI the nodes run with; its directory goes to buf. */
int ex_run_pki(struct ex *X, char *buf, size_t n, char *err, size_t errlen);
/* Starts `kizuna node` for node `node`; returns its pid, or -1 with err. */
pid_t ex_spawn(const struct ex *X, const char *structure, int node, int week, char *err,
               size_t errlen);
/* SIGTERM to every node still running, then SIGKILL after a grace period. */
void ex_stop_nodes(struct ex *X);

#endif
