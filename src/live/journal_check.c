/* journal_check.c - a journal that protects itself: permissions, integrity checks at open,
 * the commit sidecar that tells a lost write-ahead log, and the repair path. */
#include "journal_check.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kizuna/error.h"

/* A new journal, whole: made in a temporary file and renamed into place (jc_prepare). */
#define STR_(x) #x
#define STR(x)  STR_(x)
// clang-format off
static const char schema[] =
    "PRAGMA application_id=" STR(JC_APP_ID) ";"
    "PRAGMA user_version=" STR(JC_FORMAT) ";"
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE work(root INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER UNIQUE, oid INTEGER,"
    " t_ns INTEGER, from_node INTEGER, net INTEGER, kind INTEGER, sample BLOB,"
    " cmd_seq INTEGER, cmd TEXT, gen INTEGER, handled INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE outbox(id INTEGER PRIMARY KEY, root INTEGER, topic INTEGER,"
    " t_ns INTEGER, to_node INTEGER, net INTEGER, kind INTEGER, track_id TEXT, sample BLOB,"
    " sends INTEGER NOT NULL DEFAULT 0, last_ns INTEGER, acked_ns INTEGER,"
    " superseded_by INTEGER);"
    "CREATE TABLE event(seq INTEGER PRIMARY KEY AUTOINCREMENT, t_ns INTEGER,"
    " t_sim_us INTEGER, what TEXT, id INTEGER, thread INTEGER, tag INTEGER, aux INTEGER,"
    " node INTEGER, peer INTEGER, net INTEGER, kind INTEGER, cls INTEGER, text TEXT);"
    "CREATE TABLE command(seq INTEGER PRIMARY KEY AUTOINCREMENT, t_ns INTEGER,"
    " who TEXT, body TEXT, taken INTEGER NOT NULL DEFAULT 0, verdict TEXT, reason TEXT,"
    " verdict_ns INTEGER);"
    "CREATE TABLE names(kind INTEGER, idx INTEGER, id TEXT, PRIMARY KEY(kind, idx));"
    "CREATE TABLE pending(key INTEGER PRIMARY KEY, t_ns INTEGER, what TEXT,"
    " state TEXT, closed_ns INTEGER);"
    /* one row: the node's commits, counted in each of its transactions (jr_commit) */
    "CREATE TABLE commits(one INTEGER PRIMARY KEY CHECK(one = 1), n INTEGER NOT NULL);"
    "INSERT INTO commits VALUES(1, 0);";
// clang-format on

const char *const jc_tables[] = {"meta",  "work",    "outbox",  "event", "command",
                                 "names", "pending", "commits", NULL};

const char jc_indexes[] =
    "CREATE INDEX IF NOT EXISTS work_open ON work(handled) WHERE handled = 0;"
    "CREATE INDEX IF NOT EXISTS work_oid ON work(oid) WHERE oid IS NOT NULL;"
    /* what is still to be acknowledged: the re-send scan and the count */
    "CREATE INDEX IF NOT EXISTS outbox_open ON outbox(id)"
    " WHERE acked_ns IS NULL AND superseded_by IS NULL;"
    /* a track's instance (track_id, to): what a newer sample supersedes */
    "CREATE INDEX IF NOT EXISTS outbox_track ON outbox(track_id, to_node)"
    " WHERE acked_ns IS NULL AND superseded_by IS NULL AND track_id IS NOT NULL;";

/* Roots skipped after a loss: more than a lost log can have used (2^20 ~500-byte rows). */
#define ROOT_JUMP ((int64_t)1 << 20)

/* ---- names ------------------------------------------------------------------------------ */

/* DIR of DIR/NODE.db: "." without a slash, "/" for a file at the root */
static void dir_of(const char *path, char *buf, size_t n)
{
    const char *s = strrchr(path, '/');
    snprintf(buf, n, "%.*s", !s || s == path ? 1 : (int)(s - path), s ? path : ".");
}

/* NODE of DIR/NODE.db */
static void node_of(const char *path, char *buf, size_t n)
{
    const char *s = strrchr(path, '/');
    s = s ? s + 1 : path;
    size_t l = strlen(s);
    if (l > 3 && !strcmp(s + l - 3, ".db"))
        l -= 3;
    snprintf(buf, n, "%.*s", (int)l, s);
}

static void with(char *buf, size_t n, const char *path, const char *suffix)
{
    snprintf(buf, n, "%s%s", path, suffix);
}

/* The report's lines as one ("; " between them), for an error message or an event. */
static size_t join(const char *what, char *out, size_t n)
{
    size_t l = 0;
    for (const char *c = what; *c && l + 3 < n; c++) {
        if (*c == '\n') {
            out[l++] = ';';
            out[l++] = ' ';
        } else {
            out[l++] = *c;
        }
    }
    out[l] = '\0';
    return l;
}

/* Appends one line to a report. */
static void add(struct jc_report *r, unsigned bit, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(struct jc_report *r, unsigned bit, const char *fmt, ...)
{
    r->damage |= bit;
    size_t l = strlen(r->what);
    if (l && l + 1 < sizeof r->what)
        r->what[l++] = '\n';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->what + l, sizeof r->what - l, fmt, ap);
    va_end(ap);
}

/* ---- permissions and creation ----------------------------------------------------------- */

/* A journal holds classified traffic: only its owner may read it. A group- or world-
 * accessible file or folder of ours is tightened; one of another user is refused, since
 * we cannot make it private. */
static int private_mode(const char *path, bool dir, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st))
        return errno == ENOENT ? 0
                               : (snprintf(err, errlen, "%s: %s", path, strerror(errno)), KZ_EIO);
    if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a %s (a journal's %s must be one, not a link)", path,
                 dir ? "directory" : "regular file", dir ? "folder" : "files");
        return KZ_ECHECK;
    }
    if (!(st.st_mode & 077))
        return 0;
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen,
                 "%s: mode %04o lets other users in, and it belongs to uid %u, not to this "
                 "user (uid %u), so it cannot be made private; use a %s of your own",
                 path, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)geteuid(),
                 dir ? "journal directory" : "journal");
        return KZ_ECHECK;
    }
    if (chmod(path, (st.st_mode & 0700) | (dir ? 0700 : 0600))) {
        snprintf(err, errlen, "%s: cannot make it private: %s", path, strerror(errno));
        return KZ_EIO;
    }
    return 0;
}

static int mkdirs(const char *dir, char *err, size_t errlen)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s/", dir) >= (int)sizeof buf) {
        snprintf(err, errlen, "%s: path too long", dir);
        return KZ_ELIMIT;
    }
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0700) && errno != EEXIST) {
                snprintf(err, errlen, "%s: cannot create the directory: %s", buf, strerror(errno));
                return KZ_EIO;
            }
            *p = '/';
        }
    return 0;
}

static int fsync_path(const char *path, bool dir)
{
    int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* A journal with every table, made at `tmp` (0600; closed, so its log is folded in). */
static int make_journal(const char *tmp, sqlite3 **keep, char *err, size_t errlen)
{
    char side[4200];
    unlink(tmp); /* an earlier start that died before its rename */
    with(side, sizeof side, tmp, "-wal");
    unlink(side);
    with(side, sizeof side, tmp, "-shm");
    unlink(side);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        return KZ_EIO;
    }
    close(fd);
    sqlite3 *db = NULL;
    char *msg = NULL;
    int rc = KZ_EIO;
    if (sqlite3_open_v2(tmp, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema, NULL, NULL, &msg) != SQLITE_OK ||
        sqlite3_exec(db, jc_indexes, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", tmp, msg ? msg : db ? sqlite3_errmsg(db) : "no memory");
        goto out;
    }
    rc = 0;
out:
    sqlite3_free(msg);
    if (keep && !rc)
        *keep = db;
    else
        sqlite3_close(db);
    return rc;
}

/* Puts `tmp` in place as `path`, durably: a NODE.db that exists has all its tables. */
static int install(const char *tmp, const char *path, char *err, size_t errlen)
{
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    if (fsync_path(tmp, false) || rename(tmp, path) || fsync_path(dir, true)) {
        snprintf(err, errlen, "%s: cannot put the new journal in place: %s", path, strerror(errno));
        return KZ_EIO;
    }
    return 0;
}

int jc_seq_open(const char *path, int *fd, int64_t *seq, char *err, size_t errlen)
{
    char p[4200];
    with(p, sizeof p, path, ".seq");
    *fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (*fd < 0) {
        snprintf(err, errlen, "%s: %s", p, strerror(errno));
        return KZ_EIO;
    }
    /* held while the node runs: one node per journal, and no repair under a running node */
    if (flock(*fd, LOCK_EX | LOCK_NB)) {
        snprintf(err, errlen, "%s is in use by a running node (it holds %s): stop it first", path,
                 p);
        close(*fd);
        *fd = -1;
        return KZ_ECHECK;
    }
    char buf[64];
    ssize_t n = pread(*fd, buf, sizeof buf - 1, 0);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", p, strerror(errno));
        close(*fd);
        *fd = -1;
        return KZ_EIO;
    }
    buf[n] = '\0';
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (n == 0)
        *seq = -1;
    else if (end == buf || (*end && strcmp(end, "\n")) || errno || v < 0 || buf[0] == '-' ||
             buf[0] == ' ')
        *seq = -2;
    else
        *seq = v;
    return 0;
}

void jc_seq_write(int fd, int64_t n)
{
    /* fixed width, so a smaller count never leaves digits of a larger one behind */
    char buf[32];
    int l = snprintf(buf, sizeof buf, "%020" PRId64 "\n", n);
    if (pwrite(fd, buf, (size_t)l, 0) != l) {
        /* a sidecar behind the database only weakens the check; it never raises a false
         * alarm, so the commit that happened stands */
    }
}

int jc_prepare(const char *path, int *seq_fd, int64_t *seq, bool *fresh, char *err, size_t errlen)
{
    *fresh = false;
    *seq_fd = -1;
    char dir[4096], p[4200];
    dir_of(path, dir, sizeof dir);
    int rc = mkdirs(dir, err, errlen);
    if (rc || (rc = private_mode(dir, true, err, errlen)))
        return rc;
    static const char *const sides[] = {"", "-wal", "-shm", ".seq"};
    for (size_t i = 0; i < sizeof sides / sizeof *sides; i++) {
        with(p, sizeof p, path, sides[i]);
        if ((rc = private_mode(p, false, err, errlen)))
            return rc;
    }
    if ((rc = jc_seq_open(path, seq_fd, seq, err, errlen)))
        return rc;
    struct stat st;
    if (!lstat(path, &st)) {
        /* Empty, no count in the sidecar, no log: a reader opened the path before the first
         * start (the sqlite3 shell creates it). Made anew; with a count jc_inspect refuses. */
        with(p, sizeof p, path, "-wal");
        if (!(S_ISREG(st.st_mode) && st.st_size == 0 && *seq < 0 && access(p, F_OK) &&
              errno == ENOENT && !unlink(path)))
            return 0;
    } else if (errno != ENOENT) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        rc = KZ_EIO;
        goto fail;
    }
    with(p, sizeof p, path, ".init");
    if ((rc = make_journal(p, NULL, err, errlen)) || (rc = install(p, path, err, errlen)))
        goto fail;
    /* a sidecar left by a journal that was removed is not this one's */
    if (ftruncate(*seq_fd, 0)) {
        snprintf(err, errlen, "%s.seq: %s", path, strerror(errno));
        rc = KZ_EIO;
        goto fail;
    }
    jc_seq_write(*seq_fd, 0);
    *seq = 0;
    *fresh = true;
    return 0;
fail:
    close(*seq_fd);
    *seq_fd = -1;
    return rc;
}

/* ---- checks ----------------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The SQLite header: refuses what is not a kizuna journal of this format (KZ_ECHECK), and
 * tells a file shorter than its header says. */
static int header(const char *path, off_t size, struct jc_report *r, char *err, size_t errlen)
{
    unsigned char h[100] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return KZ_EIO;
    }
    ssize_t n = pread(fd, h, sizeof h, 0);
    close(fd);
    if (n < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return KZ_EIO;
    }
    if (n < 16 || memcmp(h, "SQLite format 3", 16)) {
        snprintf(err, errlen,
                 "%s: not an SQLite database, so not a kizuna journal (or its first page is "
                 "destroyed); refusing to touch it",
                 path);
        return KZ_ECHECK;
    }
    if (n < (ssize_t)sizeof h) {
        add(r, JC_TRUNCATED, "%s is truncated: %lld bytes, not even its header", path,
            (long long)size);
        return 0;
    }
    if (be32(h + 68) != JC_APP_ID) {
        snprintf(err, errlen,
                 "%s: an SQLite database but not a kizuna journal of this version (application "
                 "id 0x%08x; a journal of a kizuna before format %d has none: use a new journal "
                 "directory); refusing to touch it",
                 path, be32(h + 68), JC_FORMAT);
        return KZ_ECHECK;
    }
    if (be32(h + 60) != JC_FORMAT) {
        snprintf(err, errlen,
                 "%s: journal format %u, and this kizuna reads format %d; use another journal "
                 "directory",
                 path, be32(h + 60), JC_FORMAT);
        return KZ_ECHECK;
    }
    /* The size in the header is valid when its change counter matches (SQLite's rule); with
     * a write-ahead log the file may lag behind it, so only a file without one is measured. */
    char wal[4200];
    with(wal, sizeof wal, path, "-wal");
    struct stat ws;
    bool log = !stat(wal, &ws) && ws.st_size > 0;
    uint32_t psz = (uint32_t)h[16] << 8 | h[17];
    if (psz == 1)
        psz = 65536;
    int64_t want = (int64_t)be32(h + 28) * psz;
    if (!log && be32(h + 24) == be32(h + 92) && size < want)
        add(r, JC_TRUNCATED,
            "%s is truncated: %lld bytes where its header says %u pages of %u "
            "(%lld bytes)",
            path, (long long)size, be32(h + 28), psz, (long long)want);
    return 0;
}

/* Tables a journal must have and lacks; 0, or the SQLite error code of the query. */
static int tables(sqlite3 *db, char *missing, size_t n)
{
    missing[0] = '\0';
    sqlite3_stmt *s;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                "name = ?1",
                                -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    for (int i = 0; jc_tables[i] && rc == SQLITE_OK; i++) {
        sqlite3_bind_text(s, 1, jc_tables[i], -1, SQLITE_STATIC);
        int st = sqlite3_step(s);
        if (st == SQLITE_DONE) {
            size_t l = strlen(missing);
            snprintf(missing + l, n - l, "%s%s", l ? ", " : "", jc_tables[i]);
        } else if (st != SQLITE_ROW) {
            rc = st;
        }
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

int jc_reader_ok(const char *path, sqlite3 *db, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return KZ_EIO;
    }
    if (st.st_size == 0) {
        snprintf(err, errlen, "%s is empty (0 bytes): not a journal the node can run on", path);
        return KZ_ECHECK;
    }
    struct jc_report r = {0};
    int rc = header(path, st.st_size, &r, err, errlen);
    if (rc)
        return rc;
    char missing[256];
    if ((rc = tables(db, missing, sizeof missing)) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
        return KZ_EIO;
    }
    if (missing[0]) {
        snprintf(err, errlen, "%s lacks the tables %s: a damaged journal", path, missing);
        return KZ_ECHECK;
    }
    return 0;
}

int jc_inspect(const char *path, int64_t seq, bool full, struct jc_report *r, char *err,
               size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->commits = -1;
    r->seq = seq;
    struct stat st;
    if (stat(path, &st)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file; refusing to touch it", path);
        return KZ_ECHECK;
    }
    if (st.st_size == 0) {
        /* history is expected where a file exists: it was truncated or replaced */
        add(r, JC_EMPTY,
            "%s is empty (0 bytes): the whole journal is lost (truncated or "
            "replaced)",
            path);
        return 0;
    }
    int rc = header(path, st.st_size, r, err, errlen);
    if (rc)
        return rc;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        add(r, JC_CORRUPT, "%s cannot be opened: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    char missing[256];
    if (tables(db, missing, sizeof missing) != SQLITE_OK)
        add(r, JC_CORRUPT, "%s is damaged: its schema cannot be read (%s)", path,
            sqlite3_errmsg(db));
    else if (missing[0])
        add(r, JC_TABLES, "%s lacks the tables %s (dropped): their rows are lost", path, missing);
    sqlite3_stmt *s = NULL;
    if (full) {
        /* the b-trees, pages and records, without the slow cross-check of every index */
        if (sqlite3_prepare_v2(db, "PRAGMA quick_check(8)", -1, &s, NULL) != SQLITE_OK) {
            add(r, JC_CORRUPT, "%s is damaged: %s", path, sqlite3_errmsg(db));
        } else {
            int k;
            while ((k = sqlite3_step(s)) == SQLITE_ROW) {
                const char *t = (const char *)sqlite3_column_text(s, 0);
                if (t && strcmp(t, "ok") && strncmp(t, "*** in database", 15))
                    add(r, JC_CORRUPT, "%s is damaged: %s", path, t);
            }
            if (k != SQLITE_DONE)
                add(r, JC_CORRUPT, "%s is damaged: %s", path, sqlite3_errmsg(db));
        }
        sqlite3_finalize(s);
        s = NULL;
    }
    if (sqlite3_prepare_v2(db, "SELECT n FROM commits WHERE one = 1", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        r->commits = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
out:
    sqlite3_close(db);
    if (seq == -2)
        add(r, JC_SEQ, "%s.seq is garbled: cannot tell whether committed transactions were lost",
            path);
    else if (seq > r->commits && r->commits >= 0)
        add(r, JC_LOST,
            "%s: %" PRId64 " committed transactions are missing (the write-ahead log "
            "was deleted or damaged after a crash)",
            path, seq - r->commits);
    return 0;
}

void jc_refusal(const char *path, const struct jc_report *r, char *err, size_t errlen)
{
    char dir[4096], node[256];
    dir_of(path, dir, sizeof dir);
    node_of(path, node, sizeof node);
    size_t l = join(r->what, err, errlen);
    if (l + 1 < errlen)
        snprintf(err + l, errlen - l,
                 ". The node will not run on a damaged journal: `kizuna journal %s --repair %s` "
                 "shows what is lost and repairs it",
                 dir, node);
}

/* ---- repair ----------------------------------------------------------------------------- */

/* Copies the readable rows of table t; what could not be read goes to `note`. A damaged
 * page breaks a scan: it resumes after it, probing ever further rowids. */
static void salvage(sqlite3 *from, sqlite3 *to, const char *t, char *note, size_t n)
{
    char q[256];
    sqlite3_stmt *sel = NULL, *ins = NULL, *cols = NULL;
    int64_t copied = 0;
    size_t l = strlen(note);
    snprintf(q, sizeof q, "SELECT * FROM \"%s\"", t);
    if (sqlite3_prepare_v2(to, q, -1, &cols, NULL) != SQLITE_OK)
        goto out;
    int nc = sqlite3_column_count(cols);
    snprintf(q, sizeof q, "SELECT rowid, * FROM \"%s\" WHERE rowid > ?1 ORDER BY rowid", t);
    if (sqlite3_prepare_v2(from, q, -1, &sel, NULL) != SQLITE_OK) {
        l += (size_t)snprintf(note + l, n - l, "%s%s: unreadable (%s), every row lost",
                              l ? "; " : "", t, sqlite3_errmsg(from));
        goto out;
    }
    int have = sqlite3_column_count(sel) - 1; /* fewer: an older journal's, the rest NULL */
    if (have > nc || have < 1) {
        l += (size_t)snprintf(note + l, n - l, "%s%s: other columns than a journal's, not copied",
                              l ? "; " : "", t);
        goto out;
    }
    int k = snprintf(q, sizeof q, "INSERT OR IGNORE INTO \"%s\" VALUES(?", t);
    for (int i = 1; i < nc; i++)
        k += snprintf(q + k, sizeof q - (size_t)k, ",?");
    snprintf(q + k, sizeof q - (size_t)k, ")");
    if (sqlite3_prepare_v2(to, q, -1, &ins, NULL) != SQLITE_OK)
        goto out;
    int64_t last = INT64_MIN;
    sqlite3_bind_int64(sel, 1, last);
    int rc = sqlite3_step(sel);
    for (;;) {
        if (rc == SQLITE_ROW) {
            last = sqlite3_column_int64(sel, 0);
            for (int i = 0; i < have; i++)
                sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i + 1));
            if (sqlite3_step(ins) == SQLITE_DONE)
                copied++;
            sqlite3_reset(ins);
            rc = sqlite3_step(sel);
            continue;
        }
        if (rc == SQLITE_DONE)
            break;
        /* damage after `last`: probe ever further rowids for one that reads again, then go
         * on from there (the statement stands on that row: progress is certain) */
        int64_t base = last == INT64_MIN ? 0 : last, probe = base;
        for (int e = 0; e < 62 && base < INT64_MAX - ((int64_t)1 << e); e++) {
            probe = base + ((int64_t)1 << e);
            sqlite3_reset(sel);
            sqlite3_bind_int64(sel, 1, probe);
            if ((rc = sqlite3_step(sel)) == SQLITE_DONE || rc == SQLITE_ROW)
                break;
        }
        l = strlen(note);
        if (last == INT64_MIN)
            snprintf(note + l, n - l, "%s%s: the rows before rowid %" PRId64 " unreadable",
                     l ? "; " : "", t, probe);
        else if (rc == SQLITE_ROW)
            snprintf(note + l, n - l,
                     "%s%s: the rows after rowid %" PRId64 " up to %" PRId64 " unreadable",
                     l ? "; " : "", t, last, probe);
        else
            snprintf(note + l, n - l, "%s%s: the rows after rowid %" PRId64 " unreadable",
                     l ? "; " : "", t, last);
        if (rc != SQLITE_ROW)
            break;
    }
    l = strlen(note);
    snprintf(note + l, n - l, "%s%s: %" PRId64 " rows copied", l ? "; " : "", t, copied);
out:
    sqlite3_finalize(cols);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
}

static int exec1(sqlite3 *db, const char *sql, int64_t a, const char *text)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(s, 1, a);
    if (text)
        sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

static int64_t value(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* In one transaction of `db`: roots jump past any the lost transactions may have used (their
 * samples reached peers under ids made from them), the commit count passes the sidecar's,
 * and a `repaired` event says what was lost. Sets *commits to the new count. */
static int mark_repaired(sqlite3 *db, int64_t floor_root, int64_t seq, const char *text,
                         int64_t *commits)
{
    int64_t root = value(db, "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = "
                             "'work'), 0), coalesce((SELECT max(root) FROM work), 0))");
    if (root < floor_root)
        root = floor_root;
    root += ROOT_JUMP;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
        exec1(db, "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'work'", root, NULL) ||
        (sqlite3_changes(db) == 0 &&
         exec1(db, "INSERT INTO sqlite_sequence(name, seq) VALUES('work', ?1)", root, NULL)) ||
        exec1(db,
              "INSERT OR REPLACE INTO commits VALUES(1, max(coalesce((SELECT n FROM commits), "
              "0), ?1) + 1)",
              seq, NULL) ||
        exec1(db, "INSERT INTO event(t_ns, t_sim_us, what, text) VALUES(?1, 0, 'repaired', ?2)",
              now, text) ||
        (*commits = value(db, "SELECT n FROM commits")) < 0 ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static int copy_file(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    if (in < 0)
        return errno == ENOENT ? 0 : -1;
    out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    char buf[65536];
    ssize_t n;
    while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            goto out;
    rc = out >= 0 && n == 0 ? 0 : -1;
out:
    close(in);
    if (out >= 0)
        close(out);
    return rc;
}

int jc_repair(const char *path, char *done, size_t donelen, char *err, size_t errlen)
{
    done[0] = '\0';
    int fd = -1;
    int64_t seq;
    struct jc_report r;
    /* what is not a kizuna journal is refused before anything is made beside it */
    int rc = jc_inspect(path, -1, false, &r, err, errlen);
    if (rc || (rc = jc_seq_open(path, &fd, &seq, err, errlen)))
        return rc;
    sqlite3 *db = NULL, *old = NULL;
    char kept[4200], p[4200], text[4096], stamp[32];
    if ((rc = jc_inspect(path, seq, true, &r, err, errlen)))
        goto out;
    if (!r.damage) {
        snprintf(done, donelen, "%s is sound: nothing to repair", path);
        goto out;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    snprintf(kept, sizeof kept, "%s.damaged-%s", path, stamp);
    size_t l = join(r.what, text, sizeof text);
    int64_t commits = 0;
    rc = KZ_EIO;
    if (!(r.damage & (JC_EMPTY | JC_TRUNCATED | JC_TABLES | JC_CORRUPT))) {
        /* The database is sound but transactions are gone: it stays, its log is kept for
         * whoever investigates, and the loss is recorded in it. */
        with(p, sizeof p, path, "-wal");
        char keptwal[4300];
        with(keptwal, sizeof keptwal, kept, "-wal");
        if (copy_file(p, keptwal)) {
            snprintf(err, errlen, "%s: cannot keep a copy of it: %s", p, strerror(errno));
            goto out;
        }
        snprintf(text + l, sizeof text - l, "; accepted as lost");
        if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
            mark_repaired(db, 0, seq, text, &commits)) {
            snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
            goto out;
        }
        snprintf(done, donelen, "recorded the loss in %s%s%s; the node can start", path,
                 access(keptwal, F_OK) ? "" : "; its write-ahead log is kept as ",
                 access(keptwal, F_OK) ? "" : keptwal);
    } else {
        /* Whatever can be read goes into a new journal, which replaces the damaged one. */
        char note[2048] = "";
        with(p, sizeof p, path, ".repair");
        if ((rc = make_journal(p, &db, err, errlen)))
            goto out;
        rc = KZ_EIO;
        int64_t floor_root = 0;
        if (!(r.damage & JC_EMPTY) &&
            sqlite3_open_v2(path, &old, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
            /* else a file shorter than its header says is refused whole (SQLite's lockBtree);
             * with it the pages that are there can be read */
            sqlite3_exec(old, "PRAGMA writable_schema=ON", NULL, NULL, NULL);
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
            for (int i = 0; jc_tables[i]; i++)
                if (strcmp(jc_tables[i], "commits"))
                    salvage(old, db, jc_tables[i], note, sizeof note);
            sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
            floor_root = value(old, "SELECT seq FROM sqlite_sequence WHERE name = 'work'");
            int64_t c = value(old, "SELECT n FROM commits");
            if (c > seq)
                seq = c;
        }
        sqlite3_close(old);
        old = NULL;
        snprintf(text + l, sizeof text - l,
                 "; accepted as lost, what was readable copied (%s); "
                 "the damaged files are kept as %s",
                 note[0] ? note : "nothing", kept);
        if (mark_repaired(db, floor_root, seq, text, &commits)) {
            snprintf(err, errlen, "%s: %s", p, sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_close(db);
        db = NULL;
        /* The damaged files go aside, the log first: left in place it would be read as the
         * new journal's. NODE.db itself stays until the rename replaces it. */
        char side[4200], keptside[4300];
        with(side, sizeof side, path, "-wal");
        with(keptside, sizeof keptside, kept, "-wal");
        if (link(path, kept) || (rename(side, keptside) && errno != ENOENT)) {
            snprintf(err, errlen, "%s: cannot keep the damaged journal as %s: %s", path, kept,
                     strerror(errno));
            goto out;
        }
        /* kept as private as a journal (best effort: they are ours, we just made them) */
        chmod(kept, 0600);
        chmod(keptside, 0600);
        with(side, sizeof side, path, "-shm");
        unlink(side);
        if ((rc = install(p, path, err, errlen)))
            goto out;
        snprintf(done, donelen,
                 "made %s anew from what was readable (%s); the damaged files "
                 "are kept as %s; the node can start",
                 path, note[0] ? note : "nothing", kept);
    }
    jc_seq_write(fd, commits);
    rc = 0;
out:
    sqlite3_close(old);
    sqlite3_close(db);
    close(fd);
    return rc;
}
