/* tools.c - operators' tools on node journals: queue commands, watch, inbox, journal, audit. */
#include <dirent.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "engine/engine.h"
#include "journal.h"
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

int kz_journal_print(const char *path, FILE *out, const struct kz_journal_filter *f,
                     int64_t *last_seq, char *err, size_t errlen)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return KZ_EIO;
    }
    sqlite3_busy_timeout(db, 5000);
    struct names n;
    names_load(db, &n);
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

/* ---- the audit: every journal of a directory, against each other --------------------------- */

struct idrow {
    uint64_t id;
    int a, b; /* outbox: sender, receiver; work: receiver, sender */
    bool acked;
};

static int cmp_id(const void *x, const void *y)
{
    uint64_t a = ((const struct idrow *)x)->id, b = ((const struct idrow *)y)->id;
    return a < b ? -1 : a > b;
}

static int push(struct idrow **v, size_t *n, size_t *cap, struct idrow r)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        struct idrow *w = realloc(*v, c * sizeof *w);
        if (!w)
            return KZ_ENOMEM;
        *v = w;
        *cap = c;
    }
    (*v)[(*n)++] = r;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
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
            if (!w) {
                rc = KZ_ENOMEM;
                break;
            }
            files = w;
            files[nf++] = strdup(de->d_name);
        }
    }
    closedir(d);
    if (files)
        qsort(files, nf, sizeof *files, cmp_str);
    struct idrow *sent = NULL, *got = NULL;
    size_t ns = 0, cs = 0, ng = 0, cg = 0;
    if (out)
        fprintf(out, "%-24s %9s %9s %9s %9s %9s\n", "node", "sent", "unacked", "received",
                "refused", "events");
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
        sqlite3_stmt *s = NULL;
        int64_t c_sent = 0, c_unacked = 0, c_recv = 0, c_ref = 0, c_ev = 0;
        if (sqlite3_prepare_v2(db, "SELECT id, to_node, acked_ns IS NOT NULL, "
                                   "(SELECT value FROM meta WHERE key='node') FROM outbox",
                               -1, &s, NULL) == SQLITE_OK) {
            while (sqlite3_step(s) == SQLITE_ROW && !rc) {
                uint64_t id = (uint64_t)sqlite3_column_int64(s, 0);
                bool acked = sqlite3_column_int(s, 2);
                rc = push(&sent, &ns, &cs,
                          (struct idrow){id, (int)(id >> 48), sqlite3_column_int(s, 1), acked});
                c_sent++;
                c_unacked += !acked;
            }
        }
        sqlite3_finalize(s);
        if (sqlite3_prepare_v2(db, "SELECT id, from_node FROM work WHERE id IS NOT NULL", -1, &s,
                               NULL) == SQLITE_OK) {
            while (sqlite3_step(s) == SQLITE_ROW && !rc) {
                uint64_t id = (uint64_t)sqlite3_column_int64(s, 0);
                rc = push(&got, &ng, &cg, (struct idrow){id, -1, sqlite3_column_int(s, 1), false});
                c_recv++;
            }
        }
        sqlite3_finalize(s);
        if (sqlite3_prepare_v2(db,
                               "SELECT sum(what='refused'), count(*) FROM event", -1, &s,
                               NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW) {
            c_ref = sqlite3_column_int64(s, 0);
            c_ev = sqlite3_column_int64(s, 1);
        }
        sqlite3_finalize(s);
        sqlite3_close(db);
        char name[256];
        snprintf(name, sizeof name, "%s", files[i]);
        name[strlen(name) - 3] = '\0';
        if (out)
            fprintf(out, "%-24s %9" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64
                         "\n",
                    name, c_sent, c_unacked, c_recv, c_ref, c_ev);
        res->journals++;
        res->sent += c_sent;
        res->unacked += c_unacked;
        res->received += c_recv;
        res->refused += c_ref;
    }
    if (!rc) {
        /* every sent id received exactly once; nothing received that nobody sent */
        qsort(sent, ns, sizeof *sent, cmp_id);
        qsort(got, ng, sizeof *got, cmp_id);
        size_t a = 0, b = 0;
        while (a < ns || b < ng) {
            if (b < ng && b + 1 < ng && got[b].id == got[b + 1].id) {
                res->duplicated++;
                b++;
                continue;
            }
            if (b == ng || (a < ns && sent[a].id < got[b].id)) {
                res->missing++;
                if (out && res->missing <= 10)
                    fprintf(out, "missing: %016" PRIx64 " sent by #%d to #%d, never journaled "
                                 "by its receiver\n",
                            sent[a].id, sent[a].a, sent[a].b);
                a++;
            } else if (a == ns || got[b].id < sent[a].id) {
                res->unknown++;
                b++;
            } else {
                a++;
                b++;
            }
        }
        if (out)
            fprintf(out,
                    "%d journals: %" PRId64 " sent, %" PRId64 " received, %" PRId64
                    " missing, %" PRId64 " duplicated, %" PRId64 " received but sent by no "
                    "journal here, %" PRId64 " unacknowledged\n",
                    res->journals, res->sent, res->received, res->missing, res->duplicated,
                    res->unknown, res->unacked);
    }
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    free(sent);
    free(got);
    return rc;
}
