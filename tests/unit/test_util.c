/* test_util.c - kizuna/util.h and kizuna/catalogue.h: numbers, did-you-mean, growing arrays,
 * error buffers, and the shipped data's catalogue in ORDER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/catalogue.h"
#include "kizuna/error.h"
#include "kizuna/util.h"

static void whole_numbers(void **state)
{
    (void)state;
    long v = 42;
    assert_int_equal(kz_parse_long("17", 0, 100, &v), KZ_OK);
    assert_int_equal(v, 17);
    assert_int_equal(kz_parse_long("-3", -5, 5, &v), KZ_OK);
    assert_int_equal(v, -3);
    v = 42;
    assert_int_equal(kz_parse_long("", 0, 100, &v), KZ_EPARSE);
    assert_int_equal(kz_parse_long("12x", 0, 100, &v), KZ_EPARSE);
    assert_int_equal(kz_parse_long("1.5", 0, 100, &v), KZ_EPARSE);
    assert_int_equal(kz_parse_long("abc", 0, 100, &v), KZ_EPARSE);
    assert_int_equal(kz_parse_long(NULL, 0, 100, &v), KZ_EPARSE);
    assert_int_equal(kz_parse_long("101", 0, 100, &v), KZ_ELIMIT);
    assert_int_equal(kz_parse_long("0", 1, 100, &v), KZ_ELIMIT);
    assert_int_equal(kz_parse_long("99999999999999999999999", 0, LONG_MAX, &v), KZ_ELIMIT);
    assert_int_equal(v, 42); /* unchanged by every failure */
}

static void real_numbers(void **state)
{
    (void)state;
    double d = 7;
    assert_int_equal(kz_parse_double("2.5", 0, 10, &d), KZ_OK);
    assert_true(d == 2.5);
    assert_int_equal(kz_parse_double("-33.5", -90, 90, &d), KZ_OK);
    assert_true(d == -33.5);
    assert_int_equal(kz_parse_double("1e3", 0, 1e6, &d), KZ_OK);
    assert_true(d == 1000);
    d = 7;
    assert_int_equal(kz_parse_double("nan", -1e9, 1e9, &d), KZ_EPARSE);
    assert_int_equal(kz_parse_double("inf", -1e9, 1e9, &d), KZ_ELIMIT);
    assert_int_equal(kz_parse_double("2.5s", 0, 10, &d), KZ_EPARSE);
    assert_int_equal(kz_parse_double("11", 0, 10, &d), KZ_ELIMIT);
    assert_int_equal(kz_parse_double("1e999", 0, 1e300, &d), KZ_ELIMIT);
    assert_true(d == 7);
}

static void did_you_mean(void **state)
{
    (void)state;
    const char *cmds[] = {"check", "show", "draw", "sim", "trace", "compare", "node", "send"};
    size_t n = sizeof cmds / sizeof cmds[0];
    assert_string_equal(kz_suggest("smi", cmds, n), "sim");    /* a swap is one edit */
    assert_string_equal(kz_suggest("chek", cmds, n), "check"); /* a deletion */
    assert_string_equal(kz_suggest("comapre", cmds, n), "compare");
    assert_string_equal(kz_suggest("SHOW", cmds, n), "show");    /* case only */
    assert_string_equal(kz_suggest("comp", cmds, n), "compare"); /* a unique prefix */
    assert_null(kz_suggest("sim", cmds, n));                     /* the word itself */
    assert_null(kz_suggest("xyzzy", cmds, n));
    assert_null(kz_suggest("", cmds, n));
    assert_null(kz_suggest(NULL, cmds, n));
    const char *whats[] = {"sent", "received", "refused", "done", NULL, "decided"};
    assert_string_equal(kz_suggest("recieved", whats, 6), "received");
    assert_string_equal(kz_suggest("refsed", whats, 6), "refused");
    assert_string_equal(kz_suggest("decded", whats, 6), "decided"); /* past a NULL entry */
    const char *opts[] = {"--runs", "--seed", "--threads", "--json", "--out", "--structure"};
    assert_string_equal(kz_suggest("--run", opts, 6), "--runs");
    assert_string_equal(kz_suggest("--jsno", opts, 6), "--json");
    assert_string_equal(kz_suggest("--struct", opts, 6), "--structure");
    assert_null(kz_suggest("--verbose", opts, 6));
}

static void growing(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    for (size_t n = 0; n < 1000; n++) {
        int *nv = kz_grow(v, &cap, n + 1, sizeof *nv);
        assert_non_null(nv);
        v = nv;
        v[n] = (int)n;
        assert_true(cap >= n + 1);
    }
    assert_int_equal(cap, 1024); /* doubling from 8 */
    for (size_t n = 0; n < 1000; n++)
        assert_int_equal(v[n], (int)n);
    assert_ptr_equal(kz_grow(v, &cap, 10, sizeof *v), v); /* large enough already */
    size_t before = cap;
    assert_null(kz_grow(v, &cap, SIZE_MAX, sizeof *v)); /* overflow: nothing changes */
    assert_int_equal(cap, before);
    assert_int_equal(v[999], 999);
    free(v);
    /* No array yet: one is made even for need 0, so NULL always means failure. */
    cap = 0;
    v = kz_grow(NULL, &cap, 0, sizeof *v);
    assert_non_null(v);
    assert_int_equal(cap, 8);
    free(v);
}

static void error_buffer(void **state)
{
    (void)state;
    char err[8] = "x";
    kz_set_err(err, sizeof err, "cannot open '%s'", "file.yaml");
    assert_string_equal(err, "cannot "); /* truncated to fit, terminated */
    kz_set_err(NULL, 10, "ignored");
    kz_set_err(err, 0, "ignored");
    assert_string_equal(err, "cannot ");
}

static void catalogue_in_order(void **state)
{
    (void)state;
    struct kz_catalogue c;
    char err[256] = "";
    int rc = kz_catalogue_load(KZ_SOURCE_DIR "/data", &c, err, sizeof err);
    if (rc)
        fail_msg("kz_catalogue_load: %s", err);
    const char *want[] = {"legacy", "jjoc-2025", "jfhq", "jfhq-4star", "cjtf", "cfc-korea"};
    assert_true(c.nstructures >= 6);
    for (size_t i = 0; i < 6; i++) {
        char path[512];
        snprintf(path, sizeof path, KZ_SOURCE_DIR "/data/structures/%s.yaml", want[i]);
        assert_string_equal(c.structures[i], path);
    }
    assert_int_equal(c.nscenarios, 5);
    for (size_t i = 1; i < c.nscenarios; i++)
        assert_true(strcmp(c.scenarios[i - 1], c.scenarios[i]) < 0); /* by name */
    kz_catalogue_free(&c);
    assert_null(c.structures);
    kz_catalogue_free(&c); /* twice is fine */

    rc = kz_catalogue_load(KZ_SOURCE_DIR "/tests/unit", &c, err, sizeof err);
    assert_int_equal(rc, KZ_ENOTFOUND);
    assert_non_null(strstr(err, "no structures or scenarios under"));
    assert_int_equal(c.nstructures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_numbers), cmocka_unit_test(real_numbers),
        cmocka_unit_test(did_you_mean),  cmocka_unit_test(growing),
        cmocka_unit_test(error_buffer),  cmocka_unit_test(catalogue_in_order),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
