/* test_verdict.c - commands' verdicts in the journal and the operators' tools that read them
 * (kz_live_verdict, kz_live_wait), and telling an unknown node from one without a journal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kizuna/error.h"
#include "kizuna/live.h"
#include "live/journal.h"
#include "journal_fixture.h"

/* A command's verdict is given in the transaction that takes it, and readers find it by its
 * seq: refused with the first refusal journaled on its root's account, else accepted at the
 * commit; a command refused before it had a root (it cannot be parsed) too. A refusal after
 * that transaction does not change it. */
static void test_verdicts(void **state)
{
    struct t *t = *state;
    struct journal *node, *send;
    must_open(t, &node);
    assert_int_equal(jr_open(t->path, NULL, 0, false, &send, err, sizeof err), 0);
    int64_t s1, s2, s3, s4, r1, r2;
    assert_int_equal(jr_cmd_put(send, "t", "{cmd: stop}", 1, &s1), 0);
    assert_int_equal(jr_cmd_put(send, "t", "{cmd: stop}", 2, &s2), 0);
    assert_int_equal(jr_cmd_put(send, "t", "{cmd: stop}", 3, &s3), 0);
    assert_int_equal(jr_cmd_put(send, "t", "{cmd: stop}", 4, &s4), 0);
    struct kz_verdict v;
    assert_int_equal(kz_live_verdict(t->jdir, "n", s1, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_QUEUED);
    assert_int_equal(kz_live_wait(t->jdir, "n", s1, 0.05, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_QUEUED); /* no node takes it: the wait runs out */
    assert_int_equal(jr_begin(node), 0);
    assert_int_equal(jr_cmd_taken(node, s1), 0);
    assert_int_equal(jr_work_cmd(node, s1, "{cmd: stop}", -1, 10, &r1), 0);
    assert_int_equal(jr_cmd_taken(node, s2), 0);
    assert_int_equal(jr_work_cmd(node, s2, "{cmd: stop}", -1, 10, &r2), 0);
    assert_int_equal(jr_cmd_taken(node, s3), 0);
    assert_int_equal(jr_cmd_refused(node, s3, "command 3:1:1: unknown key", 11), 0);
    struct jr_event e = {.t_ns = 12, .what = "refused", .thread = -1, .node = 0, .peer = -1,
                         .net = -1, .kind = -1, .cls = -1, .text = "no chain of command",
                         .root = r2};
    assert_int_equal(jr_event(node, &e), 0);
    e.text = "a second reason";
    assert_int_equal(jr_event(node, &e), 0);
    assert_int_equal(jr_commit(node), 0);
    assert_int_equal(kz_live_verdict(t->jdir, "n", s1, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_ACCEPTED);
    assert_true(v.t_ns > 0);
    assert_int_equal(kz_live_wait(t->jdir, "n", s2, 1, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_REFUSED);
    assert_string_equal(v.reason, "no chain of command");
    assert_int_equal(kz_live_verdict(t->jdir, "n", s3, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_REFUSED);
    assert_string_equal(v.reason, "command 3:1:1: unknown key");
    /* later: a refusal on s1's account no longer changes its verdict; s4 is still queued */
    assert_int_equal(jr_begin(node), 0);
    e.root = r1;
    assert_int_equal(jr_event(node, &e), 0);
    assert_int_equal(jr_commit(node), 0);
    assert_int_equal(kz_live_verdict(t->jdir, "n", s1, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_ACCEPTED);
    assert_int_equal(kz_live_verdict(t->jdir, "n", s4, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_QUEUED);
    assert_int_equal(kz_live_verdict(t->jdir, "n", 99, &v, err, sizeof err), KZ_ENOTFOUND);
    jr_close(send);
    jr_close(node);
}

/* A journal made before verdicts: its node adds the columns; readers of one it has not opened
 * yet still see whether a command was taken. */
static void test_verdict_columns_added(void **state)
{
    struct t *t = *state;
    struct journal *node;
    must_open(t, &node);
    int64_t s1;
    assert_int_equal(jr_cmd_put(node, "t", "{cmd: stop}", 1, &s1), 0);
    jr_close(node);
    /* as a journal of the kizuna before: the command table without the verdict columns */
    raw_sql(t->path, "CREATE TABLE c2(seq INTEGER PRIMARY KEY AUTOINCREMENT, t_ns INTEGER, "
                     "who TEXT, body TEXT, taken INTEGER NOT NULL DEFAULT 0);"
                     "INSERT INTO c2 SELECT seq, t_ns, who, body, 1 FROM command;"
                     "DROP TABLE command; ALTER TABLE c2 RENAME TO command;");
    struct kz_verdict v;
    assert_int_equal(kz_live_verdict(t->jdir, "n", s1, &v, err, sizeof err), 0);
    assert_int_equal(v.state, KZ_VERDICT_TAKEN);
    must_open(t, &node);
    assert_int_equal(query(node, "SELECT count(*) FROM pragma_table_info('command') WHERE "
                                 "name IN ('verdict', 'reason', 'verdict_ns')"),
                     3);
    jr_close(node);
}

/* An unknown node is told apart from a known one without a journal, with the closest id. */
static void test_node_check(void **state)
{
    struct t *t = *state;
    struct journal *node;
    must_open(t, &node);
    assert_int_equal(jr_begin(node), 0);
    assert_int_equal(jr_name(node, 0, 0, "n"), 0);
    assert_int_equal(jr_name(node, 0, 1, "usfj"), 0);
    assert_int_equal(jr_commit(node), 0);
    jr_close(node);
    assert_int_equal(kz_live_node_check(t->jdir, "n", NULL, err, sizeof err), 0);
    assert_int_equal(kz_live_node_check(t->jdir, "usf", NULL, err, sizeof err), KZ_EINVAL);
    assert_non_null(strstr(err, "no node 'usf'"));
    assert_non_null(strstr(err, "did you mean 'usfj'?"));
    assert_int_equal(kz_live_node_check(t->jdir, "usfj", NULL, err, sizeof err), KZ_ENOTFOUND);
    assert_non_null(strstr(err, "has no journal in"));
    char nowhere[256];
    snprintf(nowhere, sizeof nowhere, "%s/none", t->dir);
    assert_int_equal(kz_live_node_check(nowhere, "usfj", NULL, err, sizeof err), KZ_ENOTFOUND);
    assert_non_null(strstr(err, "no such directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verdicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verdict_columns_added, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_check, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
