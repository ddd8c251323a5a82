/* journal.c - a node's journal (SQLite, WAL): what it sent, received, refused and did. */
#include "journal.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal_check.h"
#include "kizuna/error.h"

enum stmt {
    S_BEGIN,
    S_COMMIT,
    S_BUMP,
    S_WORK_FIND,
    S_WORK_WIRE,
    S_WORK_CMD,
    S_WORK_HANDLED,
    S_WORK_OPEN,
    S_WORK_GEN,
    S_OUT_ADD,
    S_OUT_SUPERSEDE,
    S_OUT_SENT,
    S_OUT_ACKED,
    S_OUT_LEFT,
    S_OUT_DUE,
    S_OUT_UNACKED,
    S_EVENT,
    S_CMD_PUT,
    S_CMD_NEXT,
    S_CMD_TAKEN,
    S_PEND_ADD,
    S_PEND_CLOSE,
    S_PEND_RESET,
    S_META_GET,
    S_COUNT,
    /* the node's alone, prepared when first used: a reader's journal may predate them */
    S_CMD_ACCEPT = S_COUNT,
    S_CMD_REFUSE_ROOT,
    S_CMD_REFUSE_SEQ,
    S_ALL
};

/* "Open" in the outbox: neither acknowledged nor superseded (the partial indexes of
 * journal_check.c are on exactly this). */
#define OPEN_ROW "acked_ns IS NULL AND superseded_by IS NULL"

static const char *const sql[S_ALL] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    /* the node's commit count, in the transaction it counts (journal_check.c: the sidecar) */
    [S_BUMP] = "UPDATE commits SET n = ?1 WHERE one = 1",
    [S_WORK_FIND] = "SELECT root, sample IS ?2 FROM work WHERE id = ?1",
    /* one statement in the common case: kept unless its id is there already (a re-send or a
     * collision) or another id carries its origin id (a replay) */
    [S_WORK_WIRE] = "INSERT INTO work(id, oid, t_ns, from_node, net, kind, sample) "
                    "SELECT ?1,?2,?3,?4,?5,?6,?7 WHERE NOT EXISTS "
                    "(SELECT 1 FROM work WHERE oid = ?2 AND id <> ?1) ON CONFLICT(id) DO NOTHING",
    [S_WORK_CMD] = "INSERT INTO work(t_ns, cmd_seq, cmd, gen) VALUES(?1,?2,?3,?4)",
    [S_WORK_GEN] = "SELECT count(*) FROM work WHERE cmd_seq = ?1 AND gen IS NOT NULL",
    [S_WORK_HANDLED] = "UPDATE work SET handled = 1 WHERE root = ?1",
    [S_WORK_OPEN] = "SELECT root, sample, cmd, cmd_seq, gen FROM work WHERE handled = 0 "
                    "ORDER BY root",
    [S_OUT_ADD] = "INSERT OR IGNORE INTO outbox(id, root, topic, t_ns, to_node, net, kind, "
                  "track_id, sample, sends, last_ns) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,1,?4)",
    /* the receiver of a track wants its newest value only: older ones are not re-sent */
    [S_OUT_SUPERSEDE] = "UPDATE outbox SET superseded_by = ?3 WHERE track_id = ?1 AND "
                        "to_node = ?2 AND " OPEN_ROW " AND id <> ?3",
    [S_OUT_SENT] = "UPDATE outbox SET sends = sends + 1, last_ns = ?2 WHERE id = ?1",
    [S_OUT_ACKED] = "UPDATE outbox SET acked_ns = ?4 WHERE id = ?1 AND to_node = ?2 AND "
                    "net = ?3 AND " OPEN_ROW " RETURNING topic, track_id, to_node",
    [S_OUT_LEFT] = "SELECT EXISTS(SELECT 1 FROM outbox WHERE track_id = ?1 AND to_node = ?2 AND "
                   OPEN_ROW ")",
    /* re-send after rto, 2 rto, 4 rto ... 32 rto: a receiver that is down for long is not
     * flooded, and its backlog goes out within 32 rto of its return */
    [S_OUT_DUE] = "SELECT topic, sample FROM outbox WHERE " OPEN_ROW " AND "
                  "(last_ns IS NULL OR last_ns + (?2 << min(max(sends - 1, 0), 5)) < ?1) "
                  "ORDER BY id LIMIT 4096",
    [S_OUT_UNACKED] = "SELECT count(*) FROM outbox WHERE " OPEN_ROW,
    [S_EVENT] = "INSERT INTO event(t_ns, t_sim_us, what, id, thread, tag, aux, node, peer, net, "
                "kind, cls, text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
    [S_CMD_PUT] = "INSERT INTO command(t_ns, who, body) VALUES(?1,?2,?3)",
    [S_CMD_NEXT] = "SELECT seq, body FROM command WHERE seq > ?1 AND taken = 0 ORDER BY seq LIMIT 1",
    [S_CMD_TAKEN] = "UPDATE command SET taken = 1 WHERE seq = ?1",
    [S_PEND_ADD] = "INSERT OR REPLACE INTO pending(key, t_ns, what, state) VALUES(?1,?2,?3,'open')",
    [S_PEND_CLOSE] = "UPDATE pending SET state = ?2, closed_ns = ?3 WHERE key = ?1",
    [S_PEND_RESET] = "UPDATE pending SET state = 'lost' WHERE state = 'open'",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    /* verdicts, given in the transaction that takes the commands (seq >= ?1) */
    [S_CMD_ACCEPT] = "UPDATE command SET verdict = 'accepted', verdict_ns = ?2 "
                     "WHERE seq >= ?1 AND taken = 1 AND verdict IS NULL",
    [S_CMD_REFUSE_ROOT] = "UPDATE command SET verdict = 'refused', reason = ?2, verdict_ns = ?3 "
                          "WHERE seq = (SELECT cmd_seq FROM work WHERE root = ?1) AND seq >= ?4 "
                          "AND verdict IS NULL",
    [S_CMD_REFUSE_SEQ] = "UPDATE command SET verdict = 'refused', reason = ?2, verdict_ns = ?3 "
                         "WHERE seq = ?1 AND verdict IS NULL",
};

/* Journals made before verdicts gain their columns when their node starts. */
static const char verdict_columns[] = "ALTER TABLE command ADD COLUMN verdict TEXT;"
                                      "ALTER TABLE command ADD COLUMN reason TEXT;"
                                      "ALTER TABLE command ADD COLUMN verdict_ns INTEGER;";

struct journal {
    sqlite3 *db;
    sqlite3_stmt *st[S_ALL];
    int seq_fd;          /* the node's sidecar (DIR/NODE.db.seq), -1 for other openers */
    int64_t commits;     /* the node's commit count (it alone changes it: it holds the lock) */
    int64_t changes0;    /* sqlite3_total_changes64 at jr_begin */
    int64_t vmin;        /* the first command taken in this transaction, 0 for none */
    char err[256];
};

static int fail(struct journal *j, int rc)
{
    snprintf(j->err, sizeof j->err, "journal: %s", sqlite3_errmsg(j->db));
    return rc == SQLITE_NOMEM ? KZ_ENOMEM : KZ_EIO;
}

const char *jr_errmsg(const struct journal *j) { return j->err; }

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A statement of the node's alone, prepared on first use; NULL with j->err when it cannot be. */
static sqlite3_stmt *node_stmt(struct journal *j, enum stmt i)
{
    if (!j->st[i] && sqlite3_prepare_v3(j->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &j->st[i],
                                        NULL) != SQLITE_OK)
        snprintf(j->err, sizeof j->err, "journal: %s", sqlite3_errmsg(j->db));
    return j->st[i];
}
struct sqlite3 *jr_db(struct journal *j) { return j->db; }

int jr_meta_set(struct journal *j, const char *k, const char *v)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO meta VALUES(?1,?2)", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, v, -1, SQLITE_STATIC);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : fail(j, rc);
}

int jr_open(const char *path, const char *node, uint64_t digest, bool create,
            struct journal **out, char *err, size_t errlen)
{
    *out = NULL;
    struct journal *j = calloc(1, sizeof *j);
    if (!j)
        return KZ_ENOMEM;
    j->seq_fd = -1;
    int rc;
    if (create) {
        /* The node: a private folder, and a journal checked whole before anything is taken
         * from it (docs/live.md, "A journal that protects itself"). */
        int64_t seq;
        bool fresh;
        if ((rc = jc_prepare(path, &j->seq_fd, &seq, &fresh, err, errlen)))
            goto fail;
        if (!fresh) {
            struct jc_report r;
            if ((rc = jc_inspect(path, seq, true, &r, err, errlen)))
                goto fail;
            if (r.damage) {
                jc_refusal(path, &r, err, errlen);
                rc = KZ_ECHECK;
                goto fail;
            }
        }
    }
    rc = KZ_EIO;
    /* never SQLITE_OPEN_CREATE: a journal is made whole by jc_prepare, or must exist */
    if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, j->db ? sqlite3_errmsg(j->db) : "cannot open");
        goto fail;
    }
    /* Several processes share a journal (the node, kizuna send/decide/watch): wait for
     * the writer's lock rather than fail. */
    sqlite3_busy_timeout(j->db, 5000);
    if (!create && (rc = jc_reader_ok(path, j->db, err, errlen)))
        goto fail;
    rc = KZ_EIO;
    char *msg = NULL;
    sqlite3_stmt *probe = NULL;
    bool old = create && sqlite3_prepare_v2(j->db, "SELECT verdict_ns FROM command", -1, &probe,
                                            NULL) != SQLITE_OK;
    sqlite3_finalize(probe);
    if ((create && sqlite3_exec(j->db, jc_indexes, NULL, NULL, &msg) != SQLITE_OK) ||
        (old && sqlite3_exec(j->db, verdict_columns, NULL, NULL, &msg) != SQLITE_OK) ||
        sqlite3_exec(j->db, "PRAGMA synchronous=NORMAL", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, msg ? msg : "cannot set up the journal");
        sqlite3_free(msg);
        goto fail;
    }
    if (create) {
        sqlite3_stmt *c;
        if (sqlite3_prepare_v2(j->db, "SELECT n FROM commits WHERE one = 1", -1, &c, NULL) !=
                SQLITE_OK ||
            sqlite3_step(c) != SQLITE_ROW) {
            snprintf(err, errlen, "%s: no commit count: %s", path, sqlite3_errmsg(j->db));
            sqlite3_finalize(c);
            goto fail;
        }
        j->commits = sqlite3_column_int64(c, 0);
        sqlite3_finalize(c);
    }
    for (int i = 0; i < S_COUNT; i++)
        if (sqlite3_prepare_v3(j->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &j->st[i], NULL) !=
            SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(j->db));
            goto fail;
        }
    if (node) {
        char have[64] = "", want[32];
        snprintf(want, sizeof want, "%016" PRIx64, digest);
        jr_meta_get(j, "digest", have, sizeof have);
        char who[128] = "";
        jr_meta_get(j, "node", who, sizeof who);
        if (who[0] && strcmp(who, node)) {
            snprintf(err, errlen, "%s: this journal belongs to node %s, not %s", path, who, node);
            rc = KZ_ECHECK;
            goto fail;
        }
        if (have[0] && strcmp(have, want)) {
            snprintf(err, errlen,
                     "%s: this journal was written with another structure file (digest %s, "
                     "now %s); use another journal directory",
                     path, have, want);
            rc = KZ_ECHECK;
            goto fail;
        }
        if ((!who[0] && jr_meta_set(j, "node", node)) ||
            (!have[0] && jr_meta_set(j, "digest", want))) {
            snprintf(err, errlen, "%s: %s", path, j->err);
            goto fail;
        }
    }
    *out = j;
    return 0;
fail:
    jr_close(j);
    return rc;
}

void jr_close(struct journal *j)
{
    if (!j)
        return;
    for (int i = 0; i < S_ALL; i++)
        sqlite3_finalize(j->st[i]);
    sqlite3_close(j->db);
    if (j->seq_fd >= 0)
        close(j->seq_fd); /* and its lock */
    free(j);
}

/* Runs a statement to completion and resets it. */
static int run(struct journal *j, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : fail(j, rc);
}

int jr_begin(struct journal *j)
{
    int rc = run(j, j->st[S_BEGIN]);
    j->changes0 = sqlite3_total_changes64(j->db);
    j->vmin = 0;
    return rc;
}

int jr_commit(struct journal *j)
{
    if (j->vmin) {
        /* the commands taken in this transaction that nothing refused */
        sqlite3_stmt *s = node_stmt(j, S_CMD_ACCEPT);
        if (!s)
            return KZ_EIO;
        sqlite3_bind_int64(s, 1, j->vmin);
        sqlite3_bind_int64(s, 2, now_ns());
        int rc = run(j, s);
        if (rc)
            return rc;
        j->vmin = 0;
    }
    /* A transaction that changed nothing writes nothing (the node's idle steps): there is
     * nothing to lose, so nothing to count. */
    if (j->seq_fd < 0 || sqlite3_total_changes64(j->db) == j->changes0)
        return run(j, j->st[S_COMMIT]);
    /* The node counts its commits in the database, and after each one in the sidecar: a
     * crash between the two leaves the database ahead, which is fine; the sidecar ahead of
     * the database means committed transactions were lost (jc_inspect at the next start). */
    sqlite3_bind_int64(j->st[S_BUMP], 1, j->commits + 1);
    int rc = run(j, j->st[S_BUMP]);
    if (rc || (rc = run(j, j->st[S_COMMIT])))
        return rc;
    jc_seq_write(j->seq_fd, ++j->commits);
    return 0;
}

int jr_work_wire(struct journal *j, const kz_Msg *m, int64_t t_ns, int64_t *root,
                 enum jr_seen *seen)
{
    sqlite3_stmt *s = j->st[S_WORK_WIRE];
    sqlite3_bind_int64(s, 1, (int64_t)m->id);
    if (m->oid) /* 0: no origin id, nothing to compare */
        sqlite3_bind_int64(s, 2, (int64_t)m->oid);
    sqlite3_bind_int64(s, 3, t_ns);
    sqlite3_bind_int(s, 4, m->from);
    sqlite3_bind_int(s, 5, m->net);
    sqlite3_bind_int(s, 6, m->kind);
    sqlite3_bind_blob(s, 7, m, (int)sizeof *m, SQLITE_STATIC);
    int rc = run(j, s);
    if (rc)
        return rc;
    if (sqlite3_changes(j->db) > 0) {
        *seen = JR_NEW;
        *root = sqlite3_last_insert_rowid(j->db);
        return 0;
    }
    /* not kept: the same id (a re-send when its bytes are the same) or a replay */
    s = j->st[S_WORK_FIND];
    sqlite3_bind_int64(s, 1, (int64_t)m->id);
    sqlite3_bind_blob(s, 2, m, (int)sizeof *m, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *root = sqlite3_column_int64(s, 0);
        *seen = sqlite3_column_int(s, 1) ? JR_DUP : JR_COLLIDE;
    } else if (rc == SQLITE_DONE) {
        *root = 0;
        *seen = JR_REPLAY;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(j, rc);
}

int jr_work_cmd(struct journal *j, int64_t cmd_seq, const char *body, long gen, int64_t t_ns,
                int64_t *root)
{
    sqlite3_stmt *s = j->st[S_WORK_CMD];
    sqlite3_bind_int64(s, 1, t_ns);
    sqlite3_bind_int64(s, 2, cmd_seq);
    sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
    if (gen >= 0)
        sqlite3_bind_int64(s, 4, gen);
    int rc = run(j, s);
    if (rc)
        return rc;
    *root = sqlite3_last_insert_rowid(j->db);
    return 0;
}

int64_t jr_work_gen_count(struct journal *j, int64_t cmd_seq)
{
    sqlite3_stmt *s = j->st[S_WORK_GEN];
    sqlite3_bind_int64(s, 1, cmd_seq);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return n;
}

int jr_work_handled(struct journal *j, int64_t root)
{
    sqlite3_bind_int64(j->st[S_WORK_HANDLED], 1, root);
    return run(j, j->st[S_WORK_HANDLED]);
}

int jr_work_each_open(struct journal *j,
                      int (*fn)(void *ctx, int64_t root, const kz_Msg *s, const char *cmd,
                                int64_t cmd_seq, long gen),
                      void *ctx)
{
    sqlite3_stmt *s = j->st[S_WORK_OPEN];
    int rc, out = 0;
    while (!out && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t root = sqlite3_column_int64(s, 0);
        const void *blob = sqlite3_column_blob(s, 1);
        int nb = sqlite3_column_bytes(s, 1);
        const char *cmd = (const char *)sqlite3_column_text(s, 2);
        kz_Msg m;
        if (blob && nb == (int)sizeof m) {
            memcpy(&m, blob, sizeof m);
            out = fn(ctx, root, &m, NULL, 0, -1);
        } else if (cmd) {
            long gen = sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(s, 4);
            out = fn(ctx, root, NULL, cmd, sqlite3_column_int64(s, 3), gen);
        } else {
            snprintf(j->err, sizeof j->err, "journal: work root %" PRId64 " is damaged", root);
            out = KZ_EIO;
        }
    }
    sqlite3_reset(s);
    if (!out && rc != SQLITE_DONE)
        return fail(j, rc);
    return out;
}

int jr_out_add(struct journal *j, int64_t root, enum jr_topic topic, const kz_Msg *m,
               int64_t t_ns)
{
    sqlite3_stmt *s = j->st[S_OUT_ADD];
    sqlite3_bind_int64(s, 1, (int64_t)m->id);
    sqlite3_bind_int64(s, 2, root);
    sqlite3_bind_int(s, 3, (int)topic);
    sqlite3_bind_int64(s, 4, t_ns);
    sqlite3_bind_int(s, 5, m->to);
    sqlite3_bind_int(s, 6, m->net);
    sqlite3_bind_int(s, 7, m->kind);
    int tl = (int)strnlen(m->track_id, sizeof m->track_id);
    if (topic == JR_TRACK)
        sqlite3_bind_text(s, 8, m->track_id, tl, SQLITE_STATIC);
    sqlite3_bind_blob(s, 9, m, (int)sizeof *m, SQLITE_STATIC);
    int rc = run(j, s);
    if (rc)
        return rc;
    bool added = sqlite3_changes(j->db) > 0;
    if (added && topic == JR_TRACK) {
        /* 150,000 updates of one track once left 98,240 unacknowledged after 200 s: each was
         * re-sent with back-off although the receiver's keep-last-1 had dropped it */
        s = j->st[S_OUT_SUPERSEDE];
        sqlite3_bind_text(s, 1, m->track_id, tl, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, m->to);
        sqlite3_bind_int64(s, 3, (int64_t)m->id);
        if ((rc = run(j, s)))
            return rc;
    }
    return added;
}

int jr_out_sent(struct journal *j, uint64_t id, int64_t t_ns)
{
    sqlite3_bind_int64(j->st[S_OUT_SENT], 1, (int64_t)id);
    sqlite3_bind_int64(j->st[S_OUT_SENT], 2, t_ns);
    return run(j, j->st[S_OUT_SENT]);
}

int jr_out_acked(struct journal *j, uint64_t id, int from, int net, int64_t t_ns,
                 struct jr_acked *want)
{
    struct jr_acked local, *info = want ? want : &local;
    memset(info, 0, sizeof *info);
    /* a receipt counts only from the addressee, over the network the sample went on */
    sqlite3_stmt *s = j->st[S_OUT_ACKED];
    sqlite3_bind_int64(s, 1, (int64_t)id);
    sqlite3_bind_int(s, 2, from);
    sqlite3_bind_int(s, 3, net);
    sqlite3_bind_int64(s, 4, t_ns);
    int rc = sqlite3_step(s), found = rc == SQLITE_ROW;
    if (found) {
        info->topic = (enum jr_topic)sqlite3_column_int(s, 0);
        const char *t = (const char *)sqlite3_column_text(s, 1);
        snprintf(info->track_id, sizeof info->track_id, "%s", t ? t : "");
        info->to = sqlite3_column_int(s, 2);
        info->last = true;
    }
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE)
        return fail(j, rc);
    if (!found || !want || info->topic != JR_TRACK)
        return found; /* `last` only for a caller that wants it: one lookup fewer per receipt */
    s = j->st[S_OUT_LEFT];
    sqlite3_bind_text(s, 1, info->track_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, info->to);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        info->last = !sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : fail(j, rc);
}

int jr_out_each_due(struct journal *j, int64_t now_ns, int64_t rto_ns,
                    int (*fn)(void *ctx, enum jr_topic topic, const kz_Msg *m), void *ctx)
{
    sqlite3_stmt *s = j->st[S_OUT_DUE];
    sqlite3_bind_int64(s, 1, now_ns);
    sqlite3_bind_int64(s, 2, rto_ns);
    int rc, out = 0;
    while (!out && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(s, 1);
        kz_Msg m;
        if (!blob || sqlite3_column_bytes(s, 1) != (int)sizeof m)
            continue;
        memcpy(&m, blob, sizeof m);
        out = fn(ctx, (enum jr_topic)sqlite3_column_int(s, 0), &m);
    }
    sqlite3_reset(s);
    if (!out && rc != SQLITE_DONE)
        return fail(j, rc);
    return out;
}

int64_t jr_out_unacked(struct journal *j)
{
    sqlite3_stmt *s = j->st[S_OUT_UNACKED];
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return n;
}

static void bind_opt_int(sqlite3_stmt *s, int i, int v)
{
    if (v >= 0)
        sqlite3_bind_int(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

int jr_event(struct journal *j, const struct jr_event *e)
{
    sqlite3_stmt *s = j->st[S_EVENT];
    sqlite3_bind_int64(s, 1, e->t_ns);
    sqlite3_bind_int64(s, 2, e->t_sim_us);
    sqlite3_bind_text(s, 3, e->what, -1, SQLITE_STATIC);
    if (e->id)
        sqlite3_bind_int64(s, 4, (int64_t)e->id);
    bind_opt_int(s, 5, e->thread);
    sqlite3_bind_int64(s, 6, e->tag);
    sqlite3_bind_int64(s, 7, e->aux);
    bind_opt_int(s, 8, e->node);
    bind_opt_int(s, 9, e->peer);
    bind_opt_int(s, 10, e->net);
    bind_opt_int(s, 11, e->kind);
    bind_opt_int(s, 12, e->cls);
    if (e->text)
        sqlite3_bind_text(s, 13, e->text, -1, SQLITE_STATIC);
    int rc = run(j, s);
    if (rc || !j->vmin || !e->root || (strcmp(e->what, "refused") && strcmp(e->what, "infeasible")))
        return rc;
    /* on account of a command taken in this transaction: its verdict, unless it has one */
    if (!(s = node_stmt(j, S_CMD_REFUSE_ROOT)))
        return KZ_EIO;
    sqlite3_bind_int64(s, 1, e->root);
    sqlite3_bind_text(s, 2, e->text ? e->text : e->what, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, e->t_ns);
    sqlite3_bind_int64(s, 4, j->vmin);
    return run(j, s);
}

int jr_cmd_refused(struct journal *j, int64_t seq, const char *reason, int64_t t_ns)
{
    sqlite3_stmt *s = node_stmt(j, S_CMD_REFUSE_SEQ);
    if (!s)
        return KZ_EIO;
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, t_ns);
    return run(j, s);
}

int jr_cmd_put(struct journal *j, const char *who, const char *body, int64_t t_ns, int64_t *seq)
{
    /* the node takes a command whole or not at all: never queue what it would not take */
    size_t n = strlen(body);
    if (n > JR_CMD_MAX) {
        snprintf(j->err, sizeof j->err,
                 "journal: a command is at most %d bytes, and this one is %zu: not queued",
                 JR_CMD_MAX, n);
        return KZ_EINVAL;
    }
    sqlite3_stmt *s = j->st[S_CMD_PUT];
    sqlite3_bind_int64(s, 1, t_ns);
    sqlite3_bind_text(s, 2, who, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, body, (int)n, SQLITE_STATIC);
    int rc = run(j, s);
    if (!rc && seq)
        *seq = sqlite3_last_insert_rowid(j->db);
    return rc;
}

/* A command row jr_cmd_put would not have stored (written into the journal by other means):
 * taken, so it does not block the queue, and journaled as refused, not run in part. */
static int cmd_refuse(struct journal *j, int64_t seq, const char *why)
{
    char text[200];
    snprintf(text, sizeof text, "command %" PRId64 " not taken: %s", seq, why);
    struct jr_event e = {.what = "refused", .thread = -1, .node = -1, .peer = -1, .net = -1,
                         .kind = -1, .cls = -1, .text = text, .t_ns = now_ns()};
    int rc = jr_cmd_taken(j, seq);
    if (!rc)
        rc = jr_cmd_refused(j, seq, text, e.t_ns);
    return rc ? rc : jr_event(j, &e);
}

int jr_cmd_next(struct journal *j, int64_t after, int64_t *seq, char **body)
{
    *body = NULL;
    sqlite3_stmt *s = j->st[S_CMD_NEXT];
    for (;;) {
        sqlite3_bind_int64(s, 1, after);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_ROW) {
            sqlite3_reset(s);
            return rc == SQLITE_DONE ? 0 : fail(j, rc);
        }
        int64_t q = sqlite3_column_int64(s, 0);
        const char *b = (const char *)sqlite3_column_text(s, 1);
        size_t n = b ? (size_t)sqlite3_column_bytes(s, 1) : 0;
        char why[96] = "";
        if (n > JR_CMD_MAX)
            snprintf(why, sizeof why, "%zu bytes, more than the %d a command may be", n,
                     JR_CMD_MAX);
        else if (b && memchr(b, 0, n))
            snprintf(why, sizeof why, "it holds a NUL byte: only its start would be read");
        char *copy = why[0] ? NULL : malloc(n + 1);
        if (copy) {
            memcpy(copy, b ? b : "", n);
            copy[n] = '\0';
        }
        sqlite3_reset(s);
        if (why[0]) {
            if ((rc = cmd_refuse(j, q, why)))
                return rc;
            after = q;
            continue;
        }
        if (!copy)
            return KZ_ENOMEM;
        *seq = q;
        *body = copy;
        return 1;
    }
}

int jr_cmd_taken(struct journal *j, int64_t seq)
{
    sqlite3_bind_int64(j->st[S_CMD_TAKEN], 1, seq);
    int rc = run(j, j->st[S_CMD_TAKEN]);
    if (!rc && (!j->vmin || seq < j->vmin))
        j->vmin = seq;
    return rc;
}

int jr_pending_add(struct journal *j, int64_t key, int64_t t_ns, const char *what)
{
    sqlite3_stmt *s = j->st[S_PEND_ADD];
    sqlite3_bind_int64(s, 1, key);
    sqlite3_bind_int64(s, 2, t_ns);
    sqlite3_bind_text(s, 3, what, -1, SQLITE_STATIC);
    return run(j, s);
}

int jr_pending_close(struct journal *j, int64_t key, const char *outcome, int64_t t_ns)
{
    sqlite3_stmt *s = j->st[S_PEND_CLOSE];
    sqlite3_bind_int64(s, 1, key);
    sqlite3_bind_text(s, 2, outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, t_ns);
    return run(j, s);
}

int jr_pending_reset(struct journal *j) { return run(j, j->st[S_PEND_RESET]); }

int jr_meta_get(struct journal *j, const char *key, char *buf, size_t n)
{
    sqlite3_stmt *s = j->st[S_META_GET];
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        snprintf(buf, n, "%s", v ? v : "");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW ? 0 : KZ_ENOTFOUND;
}

int jr_name(struct journal *j, int kind, int idx, const char *id)
{
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO names VALUES(?1,?2,?3)", -1, &s,
                                NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int(s, 1, kind);
        sqlite3_bind_int(s, 2, idx);
        sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
        rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : fail(j, rc);
}
