/* journal_fixture.h - what the journal tests (test_journal.c, test_verdict.c) share: a
 * temporary directory per test, the node's journal in it, and SQL on it. Included once per
 * test program, after cmocka.h. */
#ifndef KZ_JOURNAL_FIXTURE_H
#define KZ_JOURNAL_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "live/journal.h"

#define DIGEST 0xabcdef0123456789ull

/* ---- helpers ------------------------------------------------------------------------------ */

struct t {
    char dir[64];   /* the test's own temporary directory */
    char jdir[128]; /* DIR of the journals */
    char path[192]; /* DIR/n.db */
};

static int setup(void **state)
{
    alarm(60); /* each test bounded: a hang fails the run instead of stalling it */
    struct t *t = calloc(1, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "/tmp/kz-journal.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->jdir, sizeof t->jdir, "%s/j", t->dir);
    snprintf(t->path, sizeof t->path, "%s/n.db", t->jdir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
    if (!getenv("KZ_KEEP") && system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", t->dir);
    free(t);
    alarm(0);
    return 0;
}

static char err[4096];

static int open_node(const struct t *t, struct journal **j)
{
    err[0] = '\0';
    return jr_open(t->path, "n", DIGEST, true, j, err, sizeof err);
}

static void must_open(const struct t *t, struct journal **j)
{
    int rc = open_node(t, j);
    if (rc)
        fail_msg("jr_open: %d %s", rc, err);
}

static int64_t query(struct journal *j, const char *sql)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(jr_db(j), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

#endif
