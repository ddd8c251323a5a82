/* tools.c - operators' tools on node journals: queue commands, watch, inbox, journal, audit. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "engine/engine.h"
#include "journal.h"
#include "journal_check.h"
#include "wallclock.h"
#include "kizuna/error.h"
#include "kizuna/live.h"

static void db_path(char *buf, size_t n, const char *dir, const char *node)
{
    snprintf(buf, n, "%s/%s.db", dir, node);
}

int kz_live_structure_of(const char *journal_dir, const char *node, char *path, size_t n,
                         char *err, size_t errlen)
{
    char p[4096];
    db_path(p, sizeof p, journal_dir, node);
    struct journal *j;
    int rc = jr_open(p, NULL, 0, false, &j, err, errlen);
    if (rc)
        return rc;
    rc = jr_meta_get(j, "structure", path, n);
    if (rc)
        snprintf(err, errlen, "%s: names no structure file; pass --structure", p);
    jr_close(j);
    return rc;
}

int kz_live_command(const kz_model *m, const char *journal_dir, const char *node,
                    const char *who, const char *file, const char *text, size_t len,
                    kz_diags *d, int64_t *seq, char *err, size_t errlen)
{
    /* the bound the journal keeps (jr_cmd_put), told where the text is, before parsing */
    if (len > JR_CMD_MAX) {
        snprintf(err, errlen, "the command has errors");
        return kz_diags_add(d, file, 1, 1, KZ_SEV_ERROR, 3,
                            "a command is at most %d bytes, and this one is %zu", JR_CMD_MAX,
                            len)
                   ? KZ_ENOMEM
                   : KZ_ECHECK;
    }
    struct command c;
    int rc = cmd_parse(m, file, text, len, &c, d);
    if (rc) {
        snprintf(err, errlen, "the command has errors");
        return rc;
    }
    char p[4096];
    db_path(p, sizeof p, journal_dir, node);
    struct journal *j;
    if ((rc = jr_open(p, NULL, 0, false, &j, err, errlen)))
        return rc;
    char *body = malloc(len + 1);
    if (!body) {
        jr_close(j);
        return KZ_ENOMEM;
    }
    memcpy(body, text, len);
    body[len] = '\0';
    rc = jr_cmd_put(j, who, body, wall_ns(), seq);
    if (rc)
        snprintf(err, errlen, "%s", jr_errmsg(j));
    free(body);
    jr_close(j);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

struct names {
    char **node, **net;
    int nnode, nnet;
};

static void names_free(struct names *n)
{
    for (int i = 0; i < n->nnode; i++)
        free(n->node[i]);
    for (int i = 0; i < n->nnet; i++)
        free(n->net[i]);
    free(n->node);
    free(n->net);
    memset(n, 0, sizeof *n);
}

static int names_load(sqlite3 *db, struct names *n)
{
    memset(n, 0, sizeof *n);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT kind, idx, id FROM names ORDER BY kind, idx", -1, &s,
                           NULL) != SQLITE_OK)
        return 0; /* an old or foreign journal: numbers only */
    while (sqlite3_step(s) == SQLITE_ROW) {
        int kind = sqlite3_column_int(s, 0), idx = sqlite3_column_int(s, 1);
        const char *id = (const char *)sqlite3_column_text(s, 2);
        char ***v = kind == 0 ? &n->node : &n->net;
        int *cnt = kind == 0 ? &n->nnode : &n->nnet;
        if (idx < 0 || idx > 20000 || !id)
            continue;
        if (idx >= *cnt) {
            char **w = realloc(*v, (size_t)(idx + 1) * sizeof *w);
            if (!w)
                break;
            for (int i = *cnt; i <= idx; i++)
                w[i] = NULL;
            *v = w;
            *cnt = idx + 1;
        }
        free((*v)[idx]);
        (*v)[idx] = strdup(id);
    }
    sqlite3_finalize(s);
    return 0;
}

static const char *nm(char **v, int n, int i, char *buf, size_t len)
{
    if (i >= 0 && i < n && v[i])
        return v[i];
    snprintf(buf, len, "#%d", i);
    return buf;
}

static const char *const classes[] = {"U", "C", "S", "TS"};

static void fmt_wall(int64_t ns, char *buf, size_t n)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t k = strftime(buf, n, "%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%03dZ", (int)(ns / 1000000 % 1000));
}

static bool want(const struct kz_journal_filter *f, const char *what, int kind, int thread)
{
    if (!f)
        return true;
    if (f->what && strcmp(f->what, what))
        return false;
    if (f->kind && (kind < 0 || kind > 6 || strcmp(f->kind, eng_msg_kind_names[kind])))
        return false;
    if (f->thread >= 0 && thread != f->thread)
        return false;
    return true;
}

/* A journal opened read-only for a report, with its names; NULL with err when it cannot be. */
static sqlite3 *open_report(const char *path, struct names *n, char *err, size_t errlen)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    names_load(db, n);
    return db;
}

int kz_journal_print(const char *path, FILE *out, const struct kz_journal_filter *f,
                     int64_t *last_seq, char *err, size_t errlen)
{
    struct names n;
    sqlite3 *db = open_report(path, &n, err, errlen);
    if (!db)
        return KZ_EIO;
    sqlite3_stmt *s;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, t_ns, t_sim_us, what, id, thread, tag, aux, node, peer, "
                           "net, kind, cls, text FROM event WHERE seq > ?1 ORDER BY seq",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a kizuna journal (%s)", path, sqlite3_errmsg(db));
        names_free(&n);
        sqlite3_close(db);
        return KZ_EIO;
    }
    sqlite3_bind_int64(s, 1, last_seq ? *last_seq : 0);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        if (last_seq)
            *last_seq = seq;
        const char *what = (const char *)sqlite3_column_text(s, 3);
        int kind = sqlite3_column_type(s, 11) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 11);
        int thread = sqlite3_column_type(s, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 5);
        if (!what || !want(f, what, kind, thread))
            continue;
        char t[32], b1[16], b2[16], b3[16];
        fmt_wall(sqlite3_column_int64(s, 1), t, sizeof t);
        int node = sqlite3_column_type(s, 8) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 8);
        int peer = sqlite3_column_type(s, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 9);
        int net = sqlite3_column_type(s, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 10);
        int cls = sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 12);
        const char *text = (const char *)sqlite3_column_text(s, 13);
        fprintf(out, "%s %10.3fs %-10s", t, (double)sqlite3_column_int64(s, 2) * 1e-6, what);
        if (kind >= 0 && kind <= 6)
            fprintf(out, " %s", eng_msg_kind_names[kind]);
        if (cls >= 0 && cls <= 3)
            fprintf(out, " (%s)", classes[cls]);
        if (sqlite3_column_type(s, 4) != SQLITE_NULL)
            fprintf(out, " %016" PRIx64, (uint64_t)sqlite3_column_int64(s, 4));
        if (node >= 0)
            fprintf(out, " at %s", nm(n.node, n.nnode, node, b1, sizeof b1));
        if (peer >= 0)
            fprintf(out, " %s %s", !strcmp(what, "received") ? "from" : "->",
                    nm(n.node, n.nnode, peer, b2, sizeof b2));
        if (net >= 0)
            fprintf(out, " over %s", nm(n.net, n.nnet, net, b3, sizeof b3));
        if (thread >= 0)
            fprintf(out, " thread %d", thread);
        if (!strcmp(what, "done") || !strcmp(what, "infeasible"))
            fprintf(out, " tag %d step %d", sqlite3_column_int(s, 6), sqlite3_column_int(s, 7));
        if (text && *text)
            fprintf(out, ": %s", text);
        fputc('\n', out);
    }
    sqlite3_finalize(s);
    names_free(&n);
    sqlite3_close(db);
    return rc;
}

int kz_inbox_print(const char *path, FILE *out, int *count, char *err, size_t errlen)
{
    sqlite3 *db;
    *count = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return KZ_EIO;
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT key, t_ns, what FROM pending WHERE state = 'open' ORDER BY key",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a kizuna journal", path);
        sqlite3_close(db);
        return KZ_EIO;
    }
    while (sqlite3_step(s) == SQLITE_ROW) {
        char t[32];
        fmt_wall(sqlite3_column_int64(s, 1), t, sizeof t);
        fprintf(out, "%-10" PRId64 " %s  %s\n", (int64_t)sqlite3_column_int64(s, 0), t,
                (const char *)sqlite3_column_text(s, 2));
        (*count)++;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return 0;
}

/* ---- repair ------------------------------------------------------------------------------ */

int kz_journal_repair(const char *dir, const char *node, bool accept, bool shown, FILE *out,
                      bool *damaged, char *err, size_t errlen)
{
    *damaged = false;
    char p[4096];
    db_path(p, sizeof p, dir, node);
    struct stat st;
    if (stat(p, &st)) {
        snprintf(err, errlen, "%s: no such journal%s", p,
                 errno == ENOENT ? " (a node makes its journal when it first starts)" : "");
        return errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO;
    }
    /* locked while checking, so a running node is not inspected (nor repaired) under it;
     * what is not a kizuna journal is refused first, with nothing made beside it */
    int fd;
    int64_t seq;
    struct jc_report r;
    int rc = jc_inspect(p, -1, false, &r, err, errlen);
    if (rc || (rc = jc_seq_open(p, &fd, &seq, err, errlen)))
        return rc;
    rc = jc_inspect(p, seq, true, &r, err, errlen);
    close(fd);
    if (rc)
        return rc;
    if (!r.damage) {
        fprintf(out, "%s: sound (quick_check ok, %" PRId64 " commits, the sidecar agrees)\n", p,
                r.commits);
        return 0;
    }
    *damaged = true;
    if (!shown)
        fprintf(out, "%s\n", r.what);
    if (!accept) {
        fprintf(out, "Repairing accepts that loss: the damaged files are kept as %s.damaged-TIME,"
                     " what can be read\nis copied into a new journal (or the loss is recorded "
                     "in it), its roots jump ahead so no id\nis used twice, and a `repaired` "
                     "event says what was lost. What was lost stays lost:\npeers that had a "
                     "receipt for it will not send it again.\n",
                     p);
        return 0;
    }
    char done[3072];
    if ((rc = jc_repair(p, done, sizeof done, err, errlen)))
        return rc;
    fprintf(out, "%s\n", done);
    return 0;
}

/* ---- the audit: every journal of a directory, against each other --------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

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
static int audit_pair(struct audit *A, sqlite3 *db, int r, const struct names *n,
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
        const char *to = nm(n->node, n->nnode, r, b2, sizeof b2);
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
                        nm(n->net, n->nnet, sqlite3_column_int(s, 5), b1, sizeof b1));
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
    struct names n;
    sqlite3 *db = open_report(path, &n, err, errlen);
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
                        (uint64_t)sqlite3_column_int64(s, 0), nm(n.node, n.nnode, r, b1, sizeof b1),
                        nm(n.node, n.nnode, sqlite3_column_int(s, 1), b2, sizeof b2),
                        nm(n.node, n.nnode, r, b1, sizeof b1));
        sqlite3_finalize(s);
    }
out:
    names_free(&n);
    sqlite3_close(db);
    return rc;
}

int kz_journal_audit(const char *dir, FILE *out, struct kz_audit *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open the directory", dir);
        return KZ_EIO;
    }
    char **files = NULL;
    size_t nf = 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 3 && !strcmp(de->d_name + l - 3, ".db")) {
            char **w = realloc(files, (nf + 1) * sizeof *w);
            if (!w || !(w[nf] = strdup(de->d_name))) {
                files = w ? w : files;
                rc = KZ_ENOMEM;
                break;
            }
            files = w;
            nf++;
        }
    }
    closedir(d);
    if (files)
        qsort(files, nf, sizeof *files, cmp_str);
    int *self = calloc(nf ? nf : 1, sizeof *self);
    if (!self)
        rc = KZ_ENOMEM;
    if (out && !rc)
        fprintf(out, "%-24s %9s %9s %9s %9s %9s %9s\n", "node", "sent", "superseded", "unacked",
                "received", "refused", "events");
    for (size_t i = 0; i < nf && !rc; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        sqlite3 *db;
        if (sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", p, db ? sqlite3_errmsg(db) : "cannot open");
            sqlite3_close(db);
            rc = KZ_EIO;
            break;
        }
        sqlite3_busy_timeout(db, 5000);
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
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    free(self);
    return rc;
}
