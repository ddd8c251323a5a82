/* journal_audit.c - kizuna journal --audit: every journal of a directory against the others. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools_impl.h"
#include "kizuna/error.h"
#include "kizuna/live.h"

static int64_t count_of(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

struct audit {
    FILE *out;
    int64_t collide, missing, nobody; /* shown, each on its own */
};

/* Samples node S sent to R (S's outbox) against what R kept (R's work), on R's connection with
 * S attached as `s`: every acknowledged, not superseded sample is in R's journal under its id
 * with the same bytes; what R holds under an id S sent is what S sent. Ids found go to acc. */
static int audit_pair(struct audit *A, sqlite3 *db, int r, const struct tl_names *n,
                      const char *sender)
{
    sqlite3_stmt *s = NULL, *acc = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT o.id, o.acked_ns IS NOT NULL, o.superseded_by IS NOT NULL, "
                           "w.root IS NOT NULL, w.sample IS o.sample, o.net FROM s.outbox o "
                           "LEFT JOIN main.work w ON w.id = o.id WHERE o.to_node = ?1",
                           -1, &s, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO temp.acc VALUES(?1)", -1, &acc, NULL) !=
            SQLITE_OK) {
        sqlite3_finalize(s);
        return 0; /* not a journal of this format: its counts said so */
    }
    sqlite3_bind_int(s, 1, r);
    char b1[16], b2[16];
    while (sqlite3_step(s) == SQLITE_ROW) {
        uint64_t id = (uint64_t)sqlite3_column_int64(s, 0);
        bool acked = sqlite3_column_int(s, 1), superseded = sqlite3_column_int(s, 2),
             there = sqlite3_column_int(s, 3), same = sqlite3_column_int(s, 4);
        const char *to = tl_nm(n->node, n->nnode, r, b2, sizeof b2);
        if (there) {
            sqlite3_bind_int64(acc, 1, (int64_t)id);
            sqlite3_step(acc);
            sqlite3_reset(acc);
            if (!same && A->collide++ < 10 && A->out)
                fprintf(A->out, "collide: %016" PRIx64 " sent by %s to %s: %s holds other "
                                "content under this id\n",
                        id, sender, to, to);
        } else if (acked && !superseded) {
            if (A->missing++ < 10 && A->out)
                fprintf(A->out, "missing: %016" PRIx64 " sent by %s to %s over %s, acknowledged, "
                                "never journaled by its receiver\n",
                        id, sender, to,
                        tl_nm(n->net, n->nnet, sqlite3_column_int(s, 5), b1, sizeof b1));
        }
    }
    sqlite3_finalize(s);
    sqlite3_finalize(acc);
    return 0;
}

/* Everything receiver `path` (node index r) kept, against the outboxes of the others. */
static int audit_receiver(struct audit *A, const char *path, int r, char **files, size_t nf,
                          const char *dir, char *err, size_t errlen)
{
    struct tl_names n;
    sqlite3 *db = tl_open_report(path, &n, err, errlen);
    if (!db)
        return KZ_EIO;
    int rc = 0;
    if (sqlite3_exec(db, "CREATE TEMP TABLE acc(id INTEGER PRIMARY KEY)", NULL, NULL, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        rc = KZ_EIO;
        goto out;
    }
    for (size_t i = 0; i < nf && !rc; i++) {
        char p[4096], sender[256];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        if (!strcmp(p, path))
            continue;
        snprintf(sender, sizeof sender, "%.*s", (int)strlen(files[i]) - 3, files[i]);
        sqlite3_stmt *at;
        if (sqlite3_prepare_v2(db, "ATTACH ?1 AS s", -1, &at, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
            rc = KZ_EIO;
            break;
        }
        /* attached with the flags of this connection: read-only */
        sqlite3_bind_text(at, 1, p, -1, SQLITE_STATIC);
        int st = sqlite3_step(at);
        sqlite3_finalize(at);
        if (st != SQLITE_DONE) {
            snprintf(err, errlen, "%s: %s", p, sqlite3_errmsg(db));
            rc = KZ_EIO;
            break;
        }
        rc = audit_pair(A, db, r, &n, sender);
        sqlite3_exec(db, "DETACH s", NULL, NULL, NULL);
    }
    /* what this node kept that no journal here sent to it */
    sqlite3_stmt *s;
    char b1[16], b2[16];
    if (!rc && sqlite3_prepare_v2(db, "SELECT id, from_node FROM work WHERE id IS NOT NULL AND "
                                      "id NOT IN (SELECT id FROM temp.acc) ORDER BY id",
                                  -1, &s, NULL) == SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW)
            if (A->nobody++ < 10 && A->out)
                fprintf(A->out, "nobody sent: %016" PRIx64 " in %s's journal, from %s: no journal "
                                "here sent it to %s\n",
                        (uint64_t)sqlite3_column_int64(s, 0), tl_nm(n.node, n.nnode, r, b1, sizeof b1),
                        tl_nm(n.node, n.nnode, sqlite3_column_int(s, 1), b2, sizeof b2),
                        tl_nm(n.node, n.nnode, r, b1, sizeof b1));
        sqlite3_finalize(s);
    }
out:
    tl_names_free(&n);
    sqlite3_close(db);
    return rc;
}

int kz_journal_audit(const char *dir, FILE *out, struct kz_audit *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    char **files = NULL;
    size_t nf = 0;
    int rc = tl_journal_files(dir, &files, &nf);
    if (rc == KZ_ENOTFOUND) {
        snprintf(err, errlen, "%s: cannot open the directory", dir);
        return KZ_EIO;
    }
    int *self = calloc(nf ? nf : 1, sizeof *self);
    if (!self)
        rc = KZ_ENOMEM;
    if (out && !rc)
        fprintf(out, "%-24s %9s %9s %9s %9s %9s %9s\n", "node", "sent", "superseded", "unacked",
                "received", "refused", "events");
    for (size_t i = 0; i < nf && !rc; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        sqlite3 *db = tl_open_report(p, NULL, err, errlen);
        if (!db) {
            rc = KZ_EIO;
            break;
        }
        int64_t c_sent = count_of(db, "SELECT count(*) FROM outbox"),
                c_sup = count_of(db, "SELECT count(*) FROM outbox WHERE superseded_by IS NOT NULL"),
                c_unacked = count_of(db, "SELECT count(*) FROM outbox WHERE acked_ns IS NULL AND "
                                         "superseded_by IS NULL"),
                c_recv = count_of(db, "SELECT count(*) FROM work WHERE id IS NOT NULL"),
                c_ref = count_of(db, "SELECT count(*) FROM event WHERE what = 'refused'"),
                c_ev = count_of(db, "SELECT count(*) FROM event");
        /* ids are unique in a journal's work: twice would mean its schema was tampered with */
        res->duplicated += count_of(db, "SELECT count(id) - count(DISTINCT id) FROM work");
        self[i] = (int)count_of(db, "SELECT coalesce((SELECT idx FROM names WHERE kind = 0 AND "
                                    "id = (SELECT value FROM meta WHERE key = 'node')), -1)");
        sqlite3_close(db);
        if (out)
            fprintf(out, "%-24.*s %9" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64
                         " %9" PRId64 "\n",
                    (int)strlen(files[i]) - 3, files[i], c_sent, c_sup, c_unacked, c_recv, c_ref,
                    c_ev);
        res->journals++;
        res->sent += c_sent;
        res->unacked += c_unacked;
        res->received += c_recv;
        res->refused += c_ref;
    }
    struct audit A = {out, 0, 0, 0};
    for (size_t i = 0; i < nf && !rc; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        rc = audit_receiver(&A, p, self[i], files, nf, dir, err, errlen);
    }
    if (!rc) {
        /* a collision is a sample missing too: what its receiver holds under its id is another */
        res->missing = A.missing + A.collide;
        res->collide = A.collide;
        res->unknown = A.nobody;
        if (out)
            fprintf(out,
                    "%d journals: %" PRId64 " sent, %" PRId64 " received, %" PRId64
                    " collide, %" PRId64 " missing, %" PRId64 " duplicated, %" PRId64
                    " received but sent by no journal here, %" PRId64 " unacknowledged\n",
                    res->journals, res->sent, res->received, A.collide, A.missing,
                    res->duplicated, res->unknown, res->unacked);
    }
    tl_strs_free(files, nf);
    free(self);
    return rc;
}
