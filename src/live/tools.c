/* tools.c - operators' tools on node journals: queue commands and their verdicts, watch, inbox. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
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
#include "tools_impl.h"
#include "wallclock.h"
#include "kizuna/error.h"
#include "kizuna/live.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void tl_db_path(char *buf, size_t n, const char *dir, const char *node)
{
    snprintf(buf, n, "%s/%s.db", dir, node);
}

int kz_live_structure_of(const char *journal_dir, const char *node, char *path, size_t n,
                         char *err, size_t errlen)
{
    char p[4096];
    tl_db_path(p, sizeof p, journal_dir, node);
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
    tl_db_path(p, sizeof p, journal_dir, node);
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

/* ---- journals, read-only (tools_impl.h) -------------------------------------------------- */

void tl_names_free(struct tl_names *n)
{
    for (int i = 0; i < n->nnode; i++)
        free(n->node[i]);
    for (int i = 0; i < n->nnet; i++)
        free(n->net[i]);
    free(n->node);
    free(n->net);
    memset(n, 0, sizeof *n);
}

static int names_load(sqlite3 *db, struct tl_names *n)
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

const char *tl_nm(char **v, int n, int i, char *buf, size_t len)
{
    if (i >= 0 && i < n && v[i])
        return v[i];
    snprintf(buf, len, "#%d", i);
    return buf;
}

/* A journal opened read-only for a report, with its names (n NULL: none); NULL with err when
 * it cannot be. */
sqlite3 *tl_open_report(const char *path, struct tl_names *n, char *err, size_t errlen)
{
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    if (n)
        names_load(db, n);
    return db;
}

/* The names of DIR's journals (NODE of every NODE.db), sorted; *n of them, malloc'd. */
int tl_journal_files(const char *dir, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return KZ_ENOTFOUND;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) && !rc) {
        size_t l = strlen(de->d_name);
        if (l <= 3 || strcmp(de->d_name + l - 3, ".db"))
            continue;
        char **w = realloc(*out, (*n + 1) * sizeof *w);
        if (!w) {
            rc = KZ_ENOMEM;
            break;
        }
        *out = w;
        if (!(w[*n] = strdup(de->d_name)))
            rc = KZ_ENOMEM;
        else
            (*n)++;
    }
    closedir(d);
    if (*out)
        qsort(*out, *n, sizeof **out, cmp_str);
    return rc;
}

void tl_strs_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* ---- commands from flags ---------------------------------------------------------------- */

const char *const kz_live_precedences[] = {"flash", "immediate", "priority", "routine", NULL};
const char *const kz_live_classifications[] = {"U", "C", "S", "TS", NULL};

/* Ids [0, n) by name (id(m, i)), for a lookup with "did you mean". */
typedef const char *(*id_fn)(const kz_model *m, size_t i);
static const char *node_id(const kz_model *m, size_t i) { return m->nodes[i].id; }
static const char *nation_id(const kz_model *m, size_t i) { return m->nations[i].id; }
static const char *decision_id(const kz_model *m, size_t i) { return m->decisions[i].id; }
static const char *phase_id(const kz_model *m, size_t i) { return m->phases[i].id; }

/* The index of `v` among n ids, or -1 with err: "unknown WHAT 'v' for FLAG; did you mean ..". */
static int find(const kz_model *m, size_t n, id_fn id, const char *v, size_t len,
                const char *what, const char *flag, char *err, size_t errlen)
{
    const char **c = calloc(n ? n : 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++) {
        c[i] = id(m, i);
        if (strlen(c[i]) == len && !strncmp(c[i], v, len)) {
            free(c);
            return (int)i;
        }
    }
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)len, v);
    const char *near = c ? kz_suggest(word, c, n) : NULL;
    snprintf(err, errlen, "unknown %s '%s' for %s%s%s%s", what, word, flag,
             near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
    free(c);
    return -1;
}

/* A comma-separated list of ids: their indices into v (at most max), or -1 with err. */
static int find_list(const kz_model *m, size_t n, id_fn id, const char *list, const char *what,
                     const char *flag, int *v, int max, char *err, size_t errlen)
{
    int k = 0;
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        if (k == max) {
            snprintf(err, errlen, "%s: at most %d ids", flag, max);
            return -1;
        }
        if ((v[k++] = find(m, n, id, p, l, what, flag, err, errlen)) < 0)
            return -1;
        p += l + (p[l] == ',');
    }
    return k;
}

static int mask(const kz_model *m, const char *list, const char *flag, uint64_t *out, char *err,
                size_t errlen)
{
    int v[64];
    int k = find_list(m, m->nnations, nation_id, list, "nation", flag, v, 64, err, errlen);
    *out = 0;
    for (int i = 0; i < k; i++)
        *out |= (uint64_t)1 << v[i];
    return k < 0 ? KZ_EINVAL : 0;
}

static int one_of(const char *const *names, const char *v)
{
    for (int i = 0; v && names[i]; i++)
        if (!strcmp(names[i], v))
            return i;
    return -1;
}

/* The command `a` describes, checked against the structure. */
static int build(const kz_model *m, const struct kz_command_args *a, struct command *c, char *err,
                 size_t errlen)
{
    static const char *const kinds[] = {"track", "alert", "report", "request", "order",
                                        "phase", "decide", NULL};
    /* the defaults are cmd_parse's (precedence, classification, releasability ...): one place */
    kz_diags *d;
    if (kz_diags_create(&d))
        return KZ_ENOMEM;
    int rc = cmd_parse(m, "defaults", "{cmd: stop}", 11, c, d);
    kz_diags_destroy(d);
    if (rc)
        return rc;
    c->repeat = 1;
    int k = one_of(kinds, a->kind), x;
    if (k < 0) {
        const char *near = kz_suggest(a->kind, kinds, 7);
        snprintf(err, errlen, "unknown kind '%s'%s%s%s: one of track, alert, report, request, "
                              "order, phase", a->kind, near ? "; did you mean '" : "",
                 near ? near : "", near ? "'?" : "");
        return KZ_EINVAL;
    }
    static const enum cmd_kind ck[] = {C_SHARE, C_SHARE, C_SHARE, C_REQUEST, C_ORDER, C_PHASE,
                                       C_DECIDE};
    static const enum kz_msg_kind mk[] = {KZ_MSG_TRACK, KZ_MSG_ALERT, KZ_MSG_REPORT};
    c->kind = ck[k];
    c->msg = k < 3 ? mk[k] : KZ_MSG_TRACK;
    if ((x = one_of(kz_live_precedences, a->precedence)) >= 0)
        c->attr.prec = (enum kz_precedence)x;
    if ((x = one_of(kz_live_classifications, a->classification)) >= 0)
        c->attr.cls = (enum classif)x;
    if ((a->releasable && mask(m, a->releasable, "--releasable", &c->attr.releasable, err,
                               errlen)) ||
        (a->disclosable && mask(m, a->disclosable, "--disclosable", &c->attr.disclosable, err,
                                errlen)))
        return KZ_EINVAL;
    if (a->to && (c->nto = find_list(m, m->nnodes, node_id, a->to, "node", "--to", c->to,
                                     CMD_MAX_IDS, err, errlen)) < 0)
        return KZ_EINVAL;
    if (a->decision && (c->decision = find(m, m->ndecisions, decision_id, a->decision,
                                           strlen(a->decision), "decision", "--decision", err,
                                           errlen)) < 0)
        return KZ_EINVAL;
    if (a->assets && (c->assets = find(m, m->nnations, nation_id, a->assets, strlen(a->assets),
                                       "nation", "--assets", err, errlen)) < 0)
        return KZ_EINVAL;
    if (a->phase && (c->phase = find(m, m->nphases, phase_id, a->phase, strlen(a->phase),
                                     "phase", "--phase", err, errlen)) < 0)
        return KZ_EINVAL;
    if (a->category || a->affiliation) {
        if (k != 0) {
            snprintf(err, errlen, "--category and --affiliation are for a track");
            return KZ_EINVAL;
        }
        int cat = a->category ? one_of(kz_live_categories, a->category) : 0;
        int aff = a->affiliation ? one_of(kz_live_affiliations, a->affiliation) : 0;
        if (cat < 0 || aff < 0) {
            snprintf(err, errlen, "unknown %s '%s'", cat < 0 ? "--category" : "--affiliation",
                     cat < 0 ? a->category : a->affiliation);
            return KZ_EINVAL;
        }
        c->category = (uint8_t)cat;
        c->affil = (uint8_t)aff;
    }
    snprintf(c->body.track_id, sizeof c->body.track_id, "%s", a->track ? a->track : "");
    snprintf(c->body.text, sizeof c->body.text, "%s", a->text ? a->text : "");
    c->body.lat = a->lat;
    c->body.lon = a->lon;
    c->body.alt_m = a->alt;
    if (a->repeat > 1)
        c->repeat = a->repeat;
    c->rate = a->rate;
    c->update = a->update;
    c->key = a->key;
    c->approve = a->approve;
    /* what each kind cannot do without (the encoder needs it; cmd_parse would say so too) */
    const char *need = (c->kind == C_REQUEST || c->kind == C_ORDER) && c->decision < 0 ? "--decision"
                       : c->kind == C_PHASE && c->phase < 0                           ? "--phase"
                       : (c->kind == C_SHARE || c->kind == C_ORDER) && c->nto <= 0    ? "--to"
                                                                                      : NULL;
    if (need) {
        snprintf(err, errlen, "%s needs %s", a->kind, need);
        return KZ_EINVAL;
    }
    return 0;
}

int kz_live_command_text(const kz_model *m, const struct kz_command_args *a, char **text,
                         char *err, size_t errlen)
{
    *text = NULL;
    struct command c;
    int rc = build(m, a, &c, err, errlen);
    /* what the flags leave out, cmd_parse says when kz_live_command checks the text */
    return rc ? rc : cmd_encode(m, &c, text, err, errlen);
}

/* ---- verdicts ----------------------------------------------------------------------------- */

int kz_live_verdict(const char *journal_dir, const char *node, int64_t seq, struct kz_verdict *v,
                    char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    char p[4096];
    tl_db_path(p, sizeof p, journal_dir, node);
    sqlite3 *db = tl_open_report(p, NULL, err, errlen);
    if (!db)
        return KZ_EIO;
    sqlite3_stmt *s;
    int rc = 0;
    /* a journal whose node never ran this kizuna has no verdicts: taken or not, then */
    bool verdicts = sqlite3_prepare_v2(db, "SELECT taken, verdict, reason, verdict_ns FROM "
                                           "command WHERE seq = ?1",
                                       -1, &s, NULL) == SQLITE_OK;
    if (!verdicts &&
        sqlite3_prepare_v2(db, "SELECT taken FROM command WHERE seq = ?1", -1, &s, NULL) !=
            SQLITE_OK) {
        snprintf(err, errlen, "%s: not a kizuna journal (%s)", p, sqlite3_errmsg(db));
        sqlite3_close(db);
        return KZ_EIO;
    }
    sqlite3_bind_int64(s, 1, seq);
    int st = sqlite3_step(s);
    if (st == SQLITE_ROW && sqlite3_column_int(s, 0)) {
        const char *what = verdicts ? (const char *)sqlite3_column_text(s, 1) : NULL;
        const char *why = verdicts ? (const char *)sqlite3_column_text(s, 2) : NULL;
        v->state = !what                      ? KZ_VERDICT_TAKEN
                   : !strcmp(what, "refused") ? KZ_VERDICT_REFUSED
                                              : KZ_VERDICT_ACCEPTED;
        v->t_ns = verdicts ? sqlite3_column_int64(s, 3) : 0;
        snprintf(v->reason, sizeof v->reason, "%s", why ? why : "");
    } else if (st == SQLITE_DONE) {
        snprintf(err, errlen, "%s: no command %" PRId64, p, seq);
        rc = KZ_ENOTFOUND;
    } else if (st != SQLITE_ROW) {
        snprintf(err, errlen, "%s: %s", p, sqlite3_errmsg(db));
        rc = KZ_EIO;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

int kz_live_wait(const char *journal_dir, const char *node, int64_t seq, double timeout_s,
                 struct kz_verdict *v, char *err, size_t errlen)
{
    int64_t give_up = wall_ns() + (int64_t)(timeout_s * 1e9);
    for (;;) {
        int rc = kz_live_verdict(journal_dir, node, seq, v, err, errlen);
        if (rc || v->state != KZ_VERDICT_QUEUED || wall_ns() >= give_up)
            return rc;
        struct timespec nap = {0, 20 * 1000000L}; /* a node looks for commands every 5 ms */
        nanosleep(&nap, NULL);
    }
}

/* ---- which node ----------------------------------------------------------------------------- */



int kz_live_node_check(const char *journal_dir, const char *node, const kz_model *m, char *err,
                       size_t errlen)
{
    char p[4096];
    tl_db_path(p, sizeof p, journal_dir, node);
    struct stat st;
    if (!stat(p, &st))
        return 0;
    char **files = NULL;
    size_t nf = 0;
    struct tl_names nn = {0};
    int rc = tl_journal_files(journal_dir, &files, &nf);
    if (rc == KZ_ENOMEM)
        return rc;
    /* the structure's node ids: the model's, else those any journal here names */
    const char **ids = NULL;
    size_t nid = 0;
    const char *where = m ? m->name : journal_dir;
    if (m) {
        ids = calloc(m->nnodes + 1, sizeof *ids);
        for (size_t i = 0; ids && i < m->nnodes; i++)
            ids[nid++] = m->nodes[i].id;
    } else {
        for (size_t i = 0; i < nf && !nn.nnode; i++) {
            char fp[4096];
            snprintf(fp, sizeof fp, "%s/%s", journal_dir, files[i]);
            sqlite3 *db = tl_open_report(fp, &nn, err, errlen);
            sqlite3_close(db);
        }
        ids = calloc((size_t)nn.nnode + 1, sizeof *ids);
        for (int i = 0; ids && i < nn.nnode; i++)
            if (nn.node[i])
                ids[nid++] = nn.node[i];
    }
    bool known = false;
    for (size_t i = 0; i < nid; i++)
        known = known || !strcmp(ids[i], node);
    const char *near = known ? NULL : kz_suggest(node, ids, nid);
    char hint[300] = "";
    if (near)
        snprintf(hint, sizeof hint, "; did you mean '%s'?", near);
    if (known)
        snprintf(err, errlen, "node '%s' has no journal in %s yet: a node makes its journal "
                              "when it first starts (kizuna node --as %s --journal %s)",
                 node, journal_dir, node, journal_dir);
    else if (nid)
        snprintf(err, errlen, "no node '%s' in %s%s%s", node, m ? "structure " : "the journals of ",
                 where, hint);
    else
        snprintf(err, errlen, "no journal for node '%s' in %s: %s", node, journal_dir,
                 rc == KZ_ENOTFOUND ? "no such directory" : "no node has run there");
    free(ids);
    tl_names_free(&nn);
    tl_strs_free(files, nf);
    return nid && !known ? KZ_EINVAL : KZ_ENOTFOUND;
}

/* ---- reading ---------------------------------------------------------------------------- */



static const char *const classes[] = {"U", "C", "S", "TS"};

const char *const kz_journal_whats[] = {
    "sent",    "received", "refused", "done",      "infeasible", "decided", "executed",
    "delegated", "blocked", "unblocked", "waiting", "recall",    "phase",   "outage",
    "stream",  "started",  "stopped", "repaired",  "cot",        NULL};
const char *const kz_journal_kinds[] = {"track", "alert", "request", "decision", "order",
                                        "report", NULL};

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


static int col_int(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int(s, i);
}

/* The marking of a message: "S//REL TO USA, JPN" (nations by index without the structure). */
static void marking(const kz_Msg *msg, const kz_model *m, char *buf, size_t n)
{
    size_t l = (size_t)snprintf(buf, n, "%s//REL TO", msg->cls < 4 ? classes[msg->cls] : "?");
    const char *sep = " ";
    for (int i = 0; i < 64 && l < n; i++) {
        if (!(msg->releasable >> i & 1))
            continue;
        if (m && (size_t)i < m->nnations)
            l += (size_t)snprintf(buf + l, n - l, "%s%s", sep, m->nations[i].id);
        else if (!m)
            l += (size_t)snprintf(buf + l, n - l, "%s#%d", sep, i);
        sep = ", ";
    }
    if (*sep == ' ' && l < n)
        buf[l - 8] = '\0'; /* releasable to no nation: the classification alone */
}

/* The message an event is about, from the bytes the journal keeps of it (the outbox for what
 * was sent, `work` for what was received); false when it keeps none. */
static bool event_msg(sqlite3_stmt *s, kz_Msg *msg)
{
    const void *b = sqlite3_column_blob(s, 14);
    if (!b || sqlite3_column_bytes(s, 14) != (int)sizeof *msg)
        return false;
    memcpy(msg, b, sizeof *msg);
    msg->track_id[sizeof msg->track_id - 1] = '\0';
    msg->text[sizeof msg->text - 1] = '\0';
    return true;
}

int kz_journal_each(const char *path, const kz_model *m, const struct kz_journal_filter *f,
                    int64_t *last_seq, kz_journal_fn fn, void *ctx, char *err, size_t errlen)
{
    struct tl_names n;
    sqlite3 *db = tl_open_report(path, &n, err, errlen);
    if (!db)
        return KZ_EIO;
    sqlite3_stmt *s;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT e.seq, e.t_ns, e.t_sim_us, e.what, e.id, e.thread, e.tag, e.aux, "
                           "e.node, e.peer, e.net, e.kind, e.cls, e.text, CASE e.what "
                           "WHEN 'sent' THEN (SELECT sample FROM outbox WHERE id = e.id) "
                           "WHEN 'received' THEN (SELECT sample FROM work WHERE id = e.id) END "
                           "FROM event e WHERE e.seq > ?1 ORDER BY e.seq",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a kizuna journal (%s)", path, sqlite3_errmsg(db));
        tl_names_free(&n);
        sqlite3_close(db);
        return KZ_EIO;
    }
    sqlite3_bind_int64(s, 1, last_seq ? *last_seq : 0);
    int st;
    while (!rc && (st = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        if (last_seq)
            *last_seq = seq;
        struct kz_journal_event e = {.seq = seq, .thread = col_int(s, 5), .tag = -1, .step = -1};
        e.what = (const char *)sqlite3_column_text(s, 3);
        int kind = col_int(s, 11), cls = col_int(s, 12);
        if (!e.what || !want(f, e.what, kind, e.thread))
            continue;
        char b1[16], b2[16], b3[16], mark[256];
        e.wall_ns = sqlite3_column_int64(s, 1);
        e.sim_s = (double)sqlite3_column_int64(s, 2) * 1e-6;
        e.kind = kind >= 0 && kind <= 6 ? eng_msg_kind_names[kind] : NULL;
        e.cls = cls >= 0 && cls <= 3 ? classes[cls] : NULL;
        e.id = (uint64_t)sqlite3_column_int64(s, 4);
        int node = col_int(s, 8), peer = col_int(s, 9), net = col_int(s, 10);
        e.node = node >= 0 ? tl_nm(n.node, n.nnode, node, b1, sizeof b1) : NULL;
        e.peer = peer >= 0 ? tl_nm(n.node, n.nnode, peer, b2, sizeof b2) : NULL;
        e.net = net >= 0 ? tl_nm(n.net, n.nnet, net, b3, sizeof b3) : NULL;
        if (!strcmp(e.what, "done") || !strcmp(e.what, "infeasible")) {
            e.tag = sqlite3_column_int(s, 6);
            e.step = sqlite3_column_int(s, 7);
        }
        e.text = (const char *)sqlite3_column_text(s, 13);
        if (e.text && !*e.text)
            e.text = NULL;
        kz_Msg msg;
        if ((e.has_msg = event_msg(s, &msg))) {
            if (msg.kind == KZ_MSG_TRACK) {
                e.track_id = msg.track_id;
                e.lat = msg.lat;
                e.lon = msg.lon;
                e.alt_m = msg.alt_m;
            }
            e.msg_text = msg.text[0] ? msg.text : NULL;
            marking(&msg, m, mark, sizeof mark);
            e.marking = mark;
        }
        rc = fn(ctx, &e);
    }
    if (!rc && st != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        rc = KZ_EIO;
    }
    sqlite3_finalize(s);
    tl_names_free(&n);
    sqlite3_close(db);
    return rc;
}

void kz_journal_event_text(const struct kz_journal_event *e, char *buf, size_t n)
{
    char t[32];
    fmt_wall(e->wall_ns, t, sizeof t);
    size_t l = (size_t)snprintf(buf, n, "%s %10.3fs %-10s", t, e->sim_s, e->what);
#define ADD(...) (l += l < n ? (size_t)snprintf(buf + l, n - l, __VA_ARGS__) : 0)
    if (e->kind)
        ADD(" %s", e->kind);
    if (e->track_id)
        ADD(" %s at %.4f, %.4f, %.0f m", e->track_id, e->lat, e->lon, e->alt_m);
    if (e->msg_text)
        ADD(" \"%s\"", e->msg_text);
    if (e->marking)
        ADD(" (%s)", e->marking);
    else if (e->cls)
        ADD(" (%s)", e->cls);
    if (e->id)
        ADD(" %016" PRIx64, e->id);
    if (e->node)
        ADD(" at %s", e->node);
    if (e->peer)
        ADD(" %s %s", !strcmp(e->what, "received") ? "from" : "->", e->peer);
    if (e->net)
        ADD(" over %s", e->net);
    if (e->thread >= 0)
        ADD(" thread %d", e->thread);
    if (e->tag >= 0)
        ADD(" tag %d step %d", e->tag, e->step);
    if (e->text)
        ADD(": %s", e->text);
#undef ADD
}

static int print_one(void *out, const struct kz_journal_event *e)
{
    char line[1024];
    kz_journal_event_text(e, line, sizeof line);
    fprintf(out, "%s\n", line);
    return 0;
}

int kz_journal_print(const char *path, const kz_model *m, FILE *out,
                     const struct kz_journal_filter *f, int64_t *last_seq, char *err,
                     size_t errlen)
{
    return kz_journal_each(path, m, f, last_seq, print_one, out, err, errlen);
}

int kz_inbox_each(const char *path, kz_inbox_fn fn, void *ctx, char *err, size_t errlen)
{
    sqlite3 *db = tl_open_report(path, NULL, err, errlen);
    if (!db)
        return KZ_EIO;
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT key, t_ns, what FROM pending WHERE state = 'open' "
                               "ORDER BY key",
                           -1, &s, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: not a kizuna journal", path);
        sqlite3_close(db);
        return KZ_EIO;
    }
    int rc = 0;
    while (!rc && sqlite3_step(s) == SQLITE_ROW) {
        const char *what = (const char *)sqlite3_column_text(s, 2);
        struct kz_inbox_item it = {sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                                   what ? what : ""};
        rc = fn(ctx, &it);
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return rc;
}

void kz_wall_text(int64_t ns, char *buf, size_t n) { fmt_wall(ns, buf, n); }

int kz_journal_nodes(const char *dir, char ***nodes, size_t *n, char *err, size_t errlen)
{
    int rc = tl_journal_files(dir, nodes, n);
    if (rc == KZ_ENOTFOUND)
        snprintf(err, errlen, "%s: cannot open the directory", dir);
    for (size_t i = 0; i < *n; i++)
        (*nodes)[i][strlen((*nodes)[i]) - 3] = '\0';
    return rc;
}

void kz_journal_nodes_free(char **nodes, size_t n) { tl_strs_free(nodes, n); }

/* ---- live against simulated -------------------------------------------------------------- */

double kz_live_percentile(const struct kz_sim_result *sim, size_t thread, double took_s)
{
    if (!(took_s >= 0))
        return NAN;
    size_t cap = 4096;
    double *x = malloc(cap * sizeof *x), *fr = malloc(cap * sizeof *fr), q = 0;
    size_t k = x && fr ? kz_sim_result_cdf(sim, thread, x, fr, cap) : 0;
    if (!x || !fr)
        q = NAN;
    /* the empirical CDF at took_s: the share of all replications that took at most as long */
    for (size_t i = 0; i < k && x[i] <= took_s; i++)
        q = fr[i];
    free(x);
    free(fr);
    return q;
}

/* ---- repair ------------------------------------------------------------------------------ */

int kz_journal_repair(const char *dir, const char *node, bool accept, bool shown, FILE *out,
                      bool *damaged, char *err, size_t errlen)
{
    *damaged = false;
    char p[4096];
    tl_db_path(p, sizeof p, dir, node);
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
