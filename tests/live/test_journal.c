/* test_journal.c - the node's journal without DDS: each kind of damage refused at open and
 * repaired, command bounds, receipts, track coalescing, duplicates and replays, the audit.
 * `test_journal --bench` measures what the commit counter and its sidecar cost per commit. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kizuna/error.h"
#include "kizuna/live.h"
#include "live/journal.h"
#include "live/journal_check.h"
#include "journal_fixture.h"


/* The node refuses the journal, and says `why` and the repair command. */
static void refused(const struct t *t, const char *why)
{
    struct journal *j = NULL;
    int rc = open_node(t, &j);
    if (!rc)
        jr_close(j);
    assert_int_not_equal(rc, 0);
    if (getenv("KZ_VERBOSE"))
        printf("refused: %s\n", err);
    if (!strstr(err, why))
        fail_msg("refusal '%s' does not say '%s'", err, why);
    char hint[256];
    snprintf(hint, sizeof hint, "kizuna journal %s --repair n", t->jdir);
    if (!strstr(err, hint))
        fail_msg("refusal '%s' does not point at '%s'", err, hint);
}

/* kizuna journal DIR --repair n --yes, then the node starts on it. */
static void repair_then_open(const struct t *t, const char *what)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    bool damaged;
    int rc = kz_journal_repair(t->jdir, "n", false, false, out, &damaged, err, sizeof err);
    fflush(out);
    assert_int_equal(rc, 0);
    assert_true(damaged);
    if (!strstr(buf, what))
        fail_msg("diagnosis '%s' does not say '%s'", buf, what);
    rc = kz_journal_repair(t->jdir, "n", true, true, out, &damaged, err, sizeof err);
    fclose(out);
    if (rc)
        fail_msg("repair: %s", err);
    if (getenv("KZ_VERBOSE"))
        printf("%s", buf);
    free(buf);
    struct journal *j;
    must_open(t, &j);
    /* the loss is recorded, saying what it was */
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(jr_db(j), "SELECT text FROM event WHERE what = 'repaired'",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *text = (const char *)sqlite3_column_text(s, 0);
    if (!strstr(text, what))
        fail_msg("repaired event '%s' does not say '%s'", text, what);
    sqlite3_finalize(s);
    /* roots jump past any the lost transactions may have used */
    int64_t root;
    assert_int_equal(jr_begin(j), 0);
    assert_int_equal(jr_work_cmd(j, 1, "{cmd: stop}", -1, 1, &root), 0);
    assert_int_equal(jr_commit(j), 0);
    assert_true(root > (1 << 20));
    jr_close(j);
    /* and a second look finds it sound */
    out = fopen("/dev/null", "w");
    assert_int_equal(kz_journal_repair(t->jdir, "n", false, false, out, &damaged, err, sizeof err),
                     0);
    fclose(out);
    assert_false(damaged);
}


static void event(struct journal *j, int i)
{
    char text[160];
    snprintf(text, sizeof text,
             "event %d: some text to fill the pages of the journal, as a "
             "node's refusals with their reasons do",
             i);
    struct jr_event e = {.t_ns = i,
                         .what = "note",
                         .thread = -1,
                         .node = -1,
                         .peer = -1,
                         .net = -1,
                         .kind = -1,
                         .cls = -1,
                         .text = text};
    assert_int_equal(jr_event(j, &e), 0);
}

/* `n` transactions of one event each. */
static void commits(struct journal *j, int n)
{
    for (int i = 0; i < n; i++) {
        assert_int_equal(jr_begin(j), 0);
        event(j, i);
        assert_int_equal(jr_commit(j), 0);
    }
}

/* A journal of `n` events in one transaction, closed (so its log is folded in). */
static void filled(const struct t *t, int n)
{
    struct journal *j;
    must_open(t, &j);
    assert_int_equal(jr_begin(j), 0);
    for (int i = 0; i < n; i++)
        event(j, i);
    assert_int_equal(jr_commit(j), 0);
    jr_close(j);
}

/* A node that commits `n` transactions and dies without closing its journal (as SIGKILL
 * would): the committed transactions are in the write-ahead log only. */
static void crashed_node(const struct t *t, int n)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct journal *j;
        if (open_node(t, &j))
            _exit(2);
        for (int i = 0; i < n; i++)
            if (jr_begin(j) || (event(j, i), 0) || jr_commit(j))
                _exit(3);
        _exit(0);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static off_t size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : st.st_size;
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (unsigned)(st.st_mode & 07777);
}

static void scribble(const char *path, off_t at, size_t n)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    unsigned char *junk = malloc(n);
    for (size_t i = 0; i < n; i++)
        junk[i] = (unsigned char)(i * 37 + 11);
    assert_int_equal(pwrite(fd, junk, n, at), (ssize_t)n);
    free(junk);
    close(fd);
}

static kz_Msg sample(uint64_t id, uint64_t oid, int to, int net, const char *text)
{
    kz_Msg m;
    memset(&m, 0, sizeof m);
    m.id = id;
    m.oid = oid;
    m.digest = DIGEST;
    m.from = (int16_t)(id >> 48);
    m.to = (int16_t)to;
    m.net = (int16_t)net;
    m.kind = 1;
    snprintf(m.text, sizeof m.text, "%s", text);
    return m;
}

/* ---- damage, each refused with its reason and repaired ------------------------------------ */

static void test_fresh_private(void **state)
{
    struct t *t = *state;
    struct journal *j;
    must_open(t, &j);
    commits(j, 3);
    char p[256];
    assert_int_equal(mode_of(t->jdir), 0700);
    assert_int_equal(mode_of(t->path), 0600);
    snprintf(p, sizeof p, "%s-wal", t->path);
    assert_int_equal(mode_of(p), 0600);
    snprintf(p, sizeof p, "%s-shm", t->path);
    assert_int_equal(mode_of(p), 0600);
    snprintf(p, sizeof p, "%s.seq", t->path);
    assert_int_equal(mode_of(p), 0600);
    /* a second node on the same journal, or a repair under a running one, is refused */
    struct journal *k;
    assert_int_equal(open_node(t, &k), KZ_ECHECK);
    assert_non_null(strstr(err, "in use by a running node"));
    bool damaged;
    assert_int_equal(
        kz_journal_repair(t->jdir, "n", true, false, stdout, &damaged, err, sizeof err), KZ_ECHECK);
    jr_close(j);
    /* an existing folder and file others can read are made private */
    assert_int_equal(chmod(t->jdir, 0755), 0);
    assert_int_equal(chmod(t->path, 0644), 0);
    must_open(t, &j);
    jr_close(j);
    assert_int_equal(mode_of(t->jdir), 0700);
    assert_int_equal(mode_of(t->path), 0600);
    /* a clean restart, and one after a crash, raise no alarm */
    crashed_node(t, 20);
    must_open(t, &j);
    assert_int_equal(query(j, "SELECT count(*) FROM event"), 3 + 20);
    jr_close(j);
}

static void test_crash_before_sidecar(void **state)
{
    struct t *t = *state;
    crashed_node(t, 10);
    /* killed between a commit and its sidecar write: the database is ahead, which is fine */
    char p[256];
    snprintf(p, sizeof p, "%s.seq", t->path);
    FILE *f = fopen(p, "w");
    fprintf(f, "%020d\n", 9);
    fclose(f);
    struct journal *j;
    must_open(t, &j);
    jr_close(j);
}

static void test_corrupt_pages(void **state)
{
    struct t *t = *state;
    filled(t, 3000);
    assert_true(size_of(t->path) > 40 * 4096);
    scribble(t->path, 12 * 4096, 6 * 4096);
    refused(t, "is damaged");
    repair_then_open(t, "is damaged");
    struct journal *j;
    must_open(t, &j);
    int64_t n = query(j, "SELECT count(*) FROM event WHERE what = 'note'");
    jr_close(j);
    assert_true(n > 1000 && n < 3000); /* what was readable, and not what was not */
}

static void test_empty_file(void **state)
{
    struct t *t = *state;
    /* an empty file where no journal ever was (a reader opened the path first): made anew */
    assert_int_equal(mkdir(t->jdir, 0700), 0);
    int fd = open(t->path, O_WRONLY | O_CREAT, 0600);
    close(fd);
    struct journal *j0;
    assert_int_equal(open_node(t, &j0), 0);
    jr_close(j0);
    /* a journal with history, emptied: refused */
    crashed_node(t, 5);
    char wal[256];
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    unlink(wal);
    assert_int_equal(truncate(t->path, 0), 0);
    refused(t, "is empty (0 bytes)");
    /* a reader does not take it as a journal either */
    struct journal *j;
    assert_int_equal(jr_open(t->path, NULL, 0, false, &j, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "is empty"));
    repair_then_open(t, "is empty (0 bytes)");
}

static void test_wal_deleted(void **state)
{
    struct t *t = *state;
    crashed_node(t, 50);
    char wal[256];
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    assert_true(size_of(wal) > 0);
    assert_int_equal(unlink(wal), 0);
    /* kizuna send, journal and the exercise director do not trip on it */
    struct journal *j;
    assert_int_equal(jr_open(t->path, NULL, 0, false, &j, err, sizeof err), 0);
    jr_close(j);
    refused(t, "n.db: 50 committed transactions are missing (the write-ahead log was deleted "
               "or damaged after a crash)");
    repair_then_open(t, "50 committed transactions are missing");
}

static void test_wal_garbled(void **state)
{
    struct t *t = *state;
    crashed_node(t, 50);
    char wal[256];
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    off_t n = size_of(wal);
    assert_true(n > 8 * 4096);
    scribble(wal, n / 2, 4096);
    refused(t, "committed transactions are missing (the write-ahead log was deleted or damaged");
    repair_then_open(t, "committed transactions are missing");
    /* what the log held before the damage is kept */
    struct journal *j;
    must_open(t, &j);
    int64_t kept = query(j, "SELECT count(*) FROM event WHERE what = 'note'");
    jr_close(j);
    assert_true(kept > 5 && kept < 50);
}

static void test_dropped_table(void **state)
{
    struct t *t = *state;
    struct journal *j;
    must_open(t, &j);
    int64_t root;
    assert_int_equal(jr_begin(j), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(jr_work_cmd(j, i, "{cmd: stop}", -1, 1, &root), 0);
    event(j, 0);
    assert_int_equal(jr_commit(j), 0);
    jr_close(j);
    raw_sql(t->path, "DROP TABLE event");
    refused(t, "lacks the tables event");
    assert_int_equal(jr_open(t->path, NULL, 0, false, &j, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "lacks the tables event"));
    repair_then_open(t, "lacks the tables event");
    must_open(t, &j);
    assert_int_equal(query(j, "SELECT count(*) FROM work WHERE cmd IS NOT NULL"), 6);
    jr_close(j);
}

static void test_truncated(void **state)
{
    struct t *t = *state;
    filled(t, 3000);
    off_t n = size_of(t->path);
    assert_int_equal(truncate(t->path, n * 6 / 10), 0);
    refused(t, "is truncated");
    repair_then_open(t, "is truncated");
    struct journal *j;
    must_open(t, &j);
    int64_t kept = query(j, "SELECT count(*) FROM event WHERE what = 'note'");
    jr_close(j);
    assert_true(kept > 1000 && kept < 3000); /* the pages that are there */
}

static void test_not_a_journal(void **state)
{
    struct t *t = *state;
    assert_int_equal(mkdir(t->jdir, 0700), 0);
    FILE *f = fopen(t->path, "w");
    fputs("my notes, not a journal\n", f);
    fclose(f);
    struct journal *j;
    assert_int_equal(open_node(t, &j), KZ_ECHECK);
    assert_non_null(strstr(err, "not an SQLite database"));
    bool damaged;
    assert_int_equal(
        kz_journal_repair(t->jdir, "n", true, false, stdout, &damaged, err, sizeof err), KZ_ECHECK);
    assert_non_null(strstr(err, "refusing to touch it"));
    assert_int_equal(size_of(t->path), 24); /* untouched */
    /* an SQLite database of something else */
    unlink(t->path);
    raw_sql(t->path, "CREATE TABLE x(a); INSERT INTO x VALUES(1)");
    assert_int_equal(open_node(t, &j), KZ_ECHECK);
    assert_non_null(strstr(err, "not a kizuna journal"));
    assert_int_equal(
        kz_journal_repair(t->jdir, "n", true, false, stdout, &damaged, err, sizeof err), KZ_ECHECK);
}

/* ---- commands --------------------------------------------------------------------------- */

static void test_command_bounds(void **state)
{
    struct t *t = *state;
    struct journal *node, *send;
    must_open(t, &node);
    /* kizuna send opens it as a reader */
    assert_int_equal(jr_open(t->path, NULL, 0, false, &send, err, sizeof err), 0);
    char *big = malloc(70 * 1024 + 1);
    memset(big, 'x', 70 * 1024);
    big[70 * 1024] = '\0';
    int64_t seq;
    assert_int_equal(jr_cmd_put(send, "test", big, 1, &seq), KZ_EINVAL);
    assert_non_null(strstr(jr_errmsg(send), "at most 65536 bytes"));
    /* 60 KiB, with the marking after byte 8191: comes back whole, byte for byte */
    size_t n = 60 * 1024;
    int k = snprintf(big, n, "{cmd: share, kind: alert, to: [b], text: \"");
    memset(big + k, 'a', n - (size_t)k);
    strcpy(big + n - 60, "\", classification: TS, releasable: [USA]}");
    assert_int_equal(jr_cmd_put(send, "test", big, 1, &seq), 0);
    /* a row jr_cmd_put would not store (written by other means) is refused, not cut */
    raw_sql(t->path, "INSERT INTO command(t_ns, who, body) VALUES(2, 'x', CAST(X'61006263' AS "
                     "TEXT))");
    assert_int_equal(jr_cmd_put(send, "test", "{cmd: stop}", 3, NULL), 0);
    jr_close(send);
    char *body = NULL;
    int64_t got;
    assert_int_equal(jr_begin(node), 0);
    assert_int_equal(jr_cmd_next(node, 0, &got, &body), 1);
    assert_int_equal(got, seq);
    assert_int_equal(strlen(body), strlen(big));
    assert_memory_equal(body, big, strlen(big) + 1);
    free(body);
    assert_int_equal(jr_cmd_taken(node, got), 0);
    assert_int_equal(jr_cmd_next(node, got, &got, &body), 1);
    assert_string_equal(body, "{cmd: stop}");
    free(body);
    assert_int_equal(jr_commit(node), 0);
    assert_int_equal(query(node, "SELECT count(*) FROM event WHERE what = 'refused' AND text "
                                 "LIKE '%NUL byte%'"),
                     1);
    free(big);
    jr_close(node);
}

/* ---- the outbox --------------------------------------------------------------------------- */

static void test_acked_addressee(void **state)
{
    struct t *t = *state;
    struct journal *j;
    must_open(t, &j);
    kz_Msg m = sample((uint64_t)1 << 48 | 1 << 16, 0, 2, 1, "to node 2 over network 1");
    struct jr_acked info;
    assert_int_equal(jr_begin(j), 0);
    assert_int_equal(jr_out_add(j, 1, JR_MSG, &m, 1), 1);
    assert_int_equal(jr_out_add(j, 1, JR_MSG, &m, 1), 0);           /* a replayed root */
    assert_int_equal(jr_out_acked(j, m.id, 3, 1, 2, &info), 0);     /* another node */
    assert_int_equal(jr_out_acked(j, m.id, 2, 0, 2, &info), 0);     /* another network */
    assert_int_equal(jr_out_acked(j, m.id + 1, 2, 1, 2, &info), 0); /* unknown id */
    assert_int_equal(jr_out_unacked(j), 1);
    assert_int_equal(jr_out_acked(j, m.id, 2, 1, 2, &info), 1);
    assert_int_equal(info.topic, JR_MSG);
    assert_int_equal(jr_out_acked(j, m.id, 2, 1, 3, &info), 0); /* already */
    assert_int_equal(jr_out_unacked(j), 0);
    /* a track: its instance, and whether it was the last of it */
    kz_Msg tr = sample((uint64_t)1 << 48 | 2 << 16, 0, 4, 1, "");
    snprintf(tr.track_id, sizeof tr.track_id, "T7");
    assert_int_equal(jr_out_add(j, 2, JR_TRACK, &tr, 1), 1);
    assert_int_equal(jr_out_acked(j, tr.id, 4, 1, 2, &info), 1);
    assert_int_equal(info.topic, JR_TRACK);
    assert_string_equal(info.track_id, "T7");
    assert_int_equal(info.to, 4);
    assert_true(info.last);
    assert_int_equal(jr_commit(j), 0);
    jr_close(j);
}

static int due_count, due_last;
static int64_t due_id;
static int on_due(void *ctx, enum jr_topic topic, const kz_Msg *m)
{
    (void)ctx;
    due_count++;
    due_id = (int64_t)m->id;
    due_last = topic == JR_TRACK;
    return 0;
}

static void test_track_coalescing(void **state)
{
    struct t *t = *state;
    struct journal *j;
    must_open(t, &j);
    enum { N = 100000 };
    kz_Msg m = sample(0, 0, 2, 1, "");
    snprintf(m.track_id, sizeof m.track_id, "T1");
    for (int i = 0; i < N; i++) {
        if (i % 1000 == 0)
            assert_int_equal(jr_begin(j), 0);
        m.id = (uint64_t)1 << 48 | (uint64_t)(i + 1) << 16;
        m.lat = 30.0 + i * 1e-5;
        assert_int_equal(jr_out_add(j, i + 1, JR_TRACK, &m, i), 1);
        if (i % 1000 == 999)
            assert_int_equal(jr_commit(j), 0);
    }
    /* another instance (another receiver) is not superseded by them */
    kz_Msg other = m;
    other.id = (uint64_t)1 << 48 | (uint64_t)(N + 1) << 16;
    other.to = 3;
    assert_int_equal(jr_begin(j), 0);
    assert_int_equal(jr_out_add(j, N + 1, JR_TRACK, &other, N), 1);
    assert_int_equal(jr_out_unacked(j), 2);
    due_count = 0;
    assert_int_equal(jr_out_each_due(j, INT64_MAX / 4, 1, on_due, NULL), 0);
    assert_int_equal(due_count, 2);
    struct jr_acked info;
    /* a receipt for a superseded update acknowledges nothing */
    assert_int_equal(jr_out_acked(j, (uint64_t)1 << 48 | 5 << 16, 2, 1, 1, &info), 0);
    assert_int_equal(jr_out_acked(j, m.id, 2, 1, 1, &info), 1);
    assert_true(info.last);
    assert_int_equal(jr_out_unacked(j), 1);
    assert_int_equal(jr_commit(j), 0);
    jr_close(j);
}

/* ---- receiving --------------------------------------------------------------------------- */

static void test_work_wire(void **state)
{
    struct t *t = *state;
    struct journal *j;
    must_open(t, &j);
    assert_int_equal(jr_begin(j), 0);
    kz_Msg a = sample((uint64_t)3 << 48 | 1 << 16, 777, 0, 1, "first");
    int64_t r1, r;
    enum jr_seen seen;
    assert_int_equal(jr_work_wire(j, &a, 1, &r1, &seen), 0);
    assert_int_equal(seen, JR_NEW);
    assert_int_equal(jr_work_wire(j, &a, 2, &r, &seen), 0);
    assert_int_equal(seen, JR_DUP);
    assert_int_equal(r, r1);
    kz_Msg squat = a;
    snprintf(squat.text, sizeof squat.text, "other content under the same id");
    assert_int_equal(jr_work_wire(j, &squat, 3, &r, &seen), 0);
    assert_int_equal(seen, JR_COLLIDE);
    kz_Msg replay = a;
    replay.id++;
    assert_int_equal(jr_work_wire(j, &replay, 4, &r, &seen), 0);
    assert_int_equal(seen, JR_REPLAY);
    /* no origin id: nothing to compare */
    kz_Msg b = sample((uint64_t)3 << 48 | 2 << 16, 0, 0, 1, "b"), c = b;
    c.id++;
    assert_int_equal(jr_work_wire(j, &b, 5, &r, &seen), 0);
    assert_int_equal(seen, JR_NEW);
    assert_int_equal(jr_work_wire(j, &c, 6, &r, &seen), 0);
    assert_int_equal(seen, JR_NEW);
    assert_int_equal(jr_commit(j), 0);
    assert_int_equal(query(j, "SELECT count(*) FROM work"), 3); /* nothing refused was kept */
    jr_close(j);
}

/* ---- the audit --------------------------------------------------------------------------- */

static struct journal *node_journal(const struct t *t, const char *name)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s.db", t->jdir, name);
    struct journal *j;
    if (jr_open(p, name, DIGEST, true, &j, err, sizeof err))
        fail_msg("%s", err);
    assert_int_equal(jr_begin(j), 0);
    assert_int_equal(jr_name(j, 0, 0, "a"), 0);
    assert_int_equal(jr_name(j, 0, 1, "b"), 0);
    assert_int_equal(jr_name(j, 1, 0, "net"), 0);
    return j;
}

static char *audit(const struct t *t, struct kz_audit *res)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(kz_journal_audit(t->jdir, out, res, err, sizeof err), 0);
    fclose(out);
    return buf;
}

static void test_audit_content(void **state)
{
    struct t *t = *state;
    struct journal *a = node_journal(t, "a"), *b = node_journal(t, "b");
    struct jr_acked info;
    int64_t r;
    enum jr_seen seen;
    kz_Msg m[6];
    for (int i = 1; i <= 5; i++) {
        m[i] = sample((uint64_t)0 << 48 | (uint64_t)i << 16, (uint64_t)i << 16, 1, 0, "real");
        assert_int_equal(jr_out_add(a, i, i == 4 ? JR_TRACK : JR_MSG, &m[i], 1), 1);
    }
    /* 1: taken as sent; 2: another sample took its id first (collide); 3: acknowledged and
     * not kept (missing); 4: a superseded track and 5: unacknowledged, not expected */
    assert_int_equal(jr_work_wire(b, &m[1], 1, &r, &seen), 0);
    kz_Msg squat = m[2];
    snprintf(squat.text, sizeof squat.text, "squatter");
    assert_int_equal(jr_work_wire(b, &squat, 1, &r, &seen), 0);
    assert_int_equal(jr_work_wire(b, &m[2], 1, &r, &seen), 0);
    assert_int_equal(seen, JR_COLLIDE);
    for (int i = 1; i <= 3; i++)
        assert_int_equal(jr_out_acked(a, m[i].id, 1, 0, 2, &info), 1);
    kz_Msg newer = m[4];
    newer.id = 9 << 16;
    assert_int_equal(jr_out_add(a, 9, JR_TRACK, &newer, 1), 1);
    assert_int_equal(jr_work_wire(b, &newer, 1, &r, &seen), 0);
    assert_int_equal(jr_out_acked(a, newer.id, 1, 0, 2, &info), 1);
    assert_int_equal(jr_commit(a), 0);
    assert_int_equal(jr_commit(b), 0);
    struct kz_audit res;
    char *text = audit(t, &res);
    if (!strstr(text, "2 journals: 6 sent, 3 received, 1 collide, 1 missing, 0 duplicated, 0 "
                      "received but sent by no journal here, 1 unacknowledged"))
        fail_msg("audit:\n%s", text);
    assert_non_null(strstr(text, "collide: 0000000000020000 sent by a to b"));
    assert_non_null(strstr(text, "missing: 0000000000030000 sent by a to b"));
    assert_int_equal(res.missing, 2);
    free(text);
    /* kept by b, sent by nobody */
    kz_Msg forged = sample((uint64_t)0 << 48 | 77 << 16, 77, 1, 0, "forged");
    assert_int_equal(jr_begin(b), 0);
    assert_int_equal(jr_work_wire(b, &forged, 1, &r, &seen), 0);
    assert_int_equal(jr_commit(b), 0);
    text = audit(t, &res);
    if (!strstr(text, " 1 collide, 1 missing, 0 duplicated, 1 received but sent by no journal "
                      "here, 1 unacknowledged"))
        fail_msg("audit:\n%s", text);
    assert_non_null(strstr(text, "nobody sent: 00000000004d0000 in b's journal, from a"));
    assert_int_equal(res.unknown, 1);
    free(text);
    jr_close(a);
    jr_close(b);
}

static void test_audit_clean(void **state)
{
    struct t *t = *state;
    struct journal *a = node_journal(t, "a"), *b = node_journal(t, "b");
    struct jr_acked info;
    int64_t r;
    enum jr_seen seen;
    for (int i = 1; i <= 3; i++) {
        kz_Msg m = sample((uint64_t)i << 16, (uint64_t)i << 16, 1, 0, "x");
        assert_int_equal(jr_out_add(a, i, JR_MSG, &m, 1), 1);
        assert_int_equal(jr_work_wire(b, &m, 1, &r, &seen), 0);
        assert_int_equal(jr_out_acked(a, m.id, 1, 0, 2, &info), 1);
    }
    assert_int_equal(jr_commit(a), 0);
    assert_int_equal(jr_commit(b), 0);
    jr_close(a);
    jr_close(b);
    struct kz_audit res;
    char *text = audit(t, &res);
    if (!strstr(text, "2 journals: 3 sent, 3 received, 0 collide, 0 missing, 0 duplicated, 0 "
                      "received but sent by no journal here, 0 unacknowledged\n"))
        fail_msg("audit:\n%s", text);
    assert_int_equal(res.missing + res.unknown + res.duplicated, 0);
    free(text);
}

/* ---- what the commit counter costs ---------------------------------------------------------- */

static double clock_s(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Microseconds per commit of `n` one-event transactions: CPU time (what the counter and the
 * sidecar add; stable on a loaded machine) and wall time. */
static void per_commit(struct journal *j, int n, double *cpu, double *wall)
{
    double c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), w0 = clock_s(CLOCK_MONOTONIC);
    commits(j, n);
    *cpu += (clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / n * 1e6;
    *wall += (clock_s(CLOCK_MONOTONIC) - w0) / n * 1e6;
}

/* The same transactions through the node's handle (counter and sidecar) and through a
 * reader's (neither), alternating to share the machine's noise. */
static void bench(void **state)
{
    struct t *t = *state;
    struct journal *node, *plain;
    must_open(t, &node);
    assert_int_equal(jr_open(t->path, NULL, 0, false, &plain, err, sizeof err), 0);
    enum { N = 20000, ROUNDS = 5 };
    double cw = 0, ww = 0, c0 = 0, w0 = 0, x = 0, y = 0;
    per_commit(node, 2000, &x, &y); /* warm */
    for (int r = 0; r < ROUNDS; r++) {
        per_commit(node, N, &cw, &ww);
        per_commit(plain, N, &c0, &w0);
    }
    printf("per commit (one event each, %d x %d): CPU %.2f us with the counter and its sidecar, "
           "%.2f us without: %.2f us overhead (wall %.2f and %.2f us)\n",
           ROUNDS, N, cw / ROUNDS, c0 / ROUNDS, (cw - c0) / ROUNDS, ww / ROUNDS, w0 / ROUNDS);
    /* an idle step (a transaction that changes nothing) costs nothing more */
    double ic = 0, iw = 0, pc = 0, pw = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double a0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        for (int i = 0; i < N; i++)
            assert_int_equal(jr_begin(node) || jr_commit(node), 0);
        ic += (clock_s(CLOCK_PROCESS_CPUTIME_ID) - a0) / N * 1e6;
        a0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
        for (int i = 0; i < N; i++)
            assert_int_equal(jr_begin(plain) || jr_commit(plain), 0);
        pc += (clock_s(CLOCK_PROCESS_CPUTIME_ID) - a0) / N * 1e6;
    }
    (void)iw;
    (void)pw;
    printf("empty transaction: CPU %.2f us (node), %.2f us (reader)\n", ic / ROUNDS, pc / ROUNDS);
    jr_close(plain);
    jr_close(node);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "--bench")) {
        const struct CMUnitTest b[] = {cmocka_unit_test_setup_teardown(bench, setup, teardown)};
        return cmocka_run_group_tests(b, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crash_before_sidecar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_deleted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wal_garbled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dropped_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_journal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_command_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_acked_addressee, setup, teardown),
        cmocka_unit_test_setup_teardown(test_track_coalescing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_work_wire, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_clean, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
