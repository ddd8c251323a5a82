/* test_range.c - an assumption's range parsed (every form, every error and its column, remarks,
 * rg_find) and checked against its element (K038). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kizuna/error.h"
#include "model/dist.h"
#include "model/range.h"

static struct arena A;

static int teardown(void **state)
{
    (void)state;
    arena_free(&A);
    return 0;
}

/* Parses `text`, which must be well formed. */
static struct krange ok(const char *text)
{
    struct krange r;
    char err[300];
    int col = -1;
    int rc = rg_parse(text, &A, &r, err, sizeof err, &col);
    if (rc)
        fail_msg("'%s' did not parse: %s (column %d)", text, err, col);
    return r;
}

/* Parses `text`, which must be malformed at column `col` with a message containing `part`. */
static void bad(const char *text, int col, const char *part)
{
    struct krange r;
    char err[300];
    int got = -1;
    int rc = rg_parse(text, &A, &r, err, sizeof err, &got);
    if (rc != KZ_EPARSE)
        fail_msg("'%s' parsed (rc %d), expected an error at column %d", text, rc, col);
    if (got != col)
        fail_msg("'%s': error at column %d, expected %d (%s)", text, got, col, err);
    if (!strstr(err, part))
        fail_msg("'%s': message '%s' lacks '%s'", text, err, part);
    assert_int_equal(r.n, 0);
}

static void intervals(void **state)
{
    (void)state;
    struct krange r = ok("3m-30m");
    assert_int_equal(r.n, 1);
    assert_null(r.c[0].field);
    assert_int_equal(r.c[0].kind, RG_INTERVAL);
    assert_true(r.c[0].duration && !r.c[0].degrees && !r.c[0].rate);
    assert_true(r.c[0].lo == 180 && r.c[0].hi == 1800);
    assert_int_equal(r.c[0].col, 1);
    assert_null(r.remark);

    r = ok("median 1h30m-2h");
    assert_string_equal(r.c[0].field, "median");
    assert_true(r.c[0].lo == 5400 && r.c[0].hi == 7200);

    r = ok("-5 to -4");
    assert_true(r.c[0].lo == -5 && r.c[0].hi == -4 && !r.c[0].duration);
    r = ok("copies 2 - 8");
    assert_true(r.c[0].lo == 2 && r.c[0].hi == 8 && !r.c[0].duration);
    r = ok("5 to 10");
    assert_true(r.c[0].lo == 5 && r.c[0].hi == 10);
    /* a bare 0 goes with durations, as kz_parse_duration has it */
    r = ok("0-24h");
    assert_true(r.c[0].duration && r.c[0].lo == 0 && r.c[0].hi == 86400);
    r = ok("250ms-1.5d");
    assert_true(fabs(r.c[0].lo - 0.25) < 1e-12 && r.c[0].hi == 129600);
    /* low above high parses: the check reports it (K038) */
    r = ok("30m-3m");
    assert_true(r.c[0].lo == 1800 && r.c[0].hi == 180);
    /* rates, per second */
    r = ok("0.3/h-3/h");
    assert_true(r.c[0].rate && !r.c[0].duration);
    assert_true(fabs(r.c[0].lo - 0.3 / 3600) < 1e-15 && fabs(r.c[0].hi - 3.0 / 3600) < 1e-15);
    r = ok("2/m to 1/s");
    assert_true(fabs(r.c[0].lo - 2.0 / 60) < 1e-15 && r.c[0].hi == 1);
}

static void plus_minus(void **state)
{
    (void)state;
    struct krange r = ok("location +-0.01 deg (Kantei)");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.c[0].field, "location");
    assert_int_equal(r.c[0].kind, RG_PLUSMINUS);
    assert_true(r.c[0].degrees && !r.c[0].duration);
    assert_true(r.c[0].lo == -0.01 && r.c[0].hi == 0.01);
    assert_string_equal(r.remark, "Kantei");

    r = ok("location +-0.05deg");
    assert_true(r.c[0].degrees && r.c[0].hi == 0.05);
    r = ok("\xc2\xb1"
           "30s"); /* ± */
    assert_true(r.c[0].kind == RG_PLUSMINUS && r.c[0].duration && r.c[0].lo == -30);
    r = ok("+-2");
    assert_true(!r.c[0].degrees && r.c[0].hi == 2);
}

static void lists(void **state)
{
    (void)state;
    struct krange r = ok("[1, 2, 4]");
    assert_int_equal(r.c[0].kind, RG_LIST);
    assert_int_equal(r.c[0].nvals, 3);
    assert_true(r.c[0].vals[0] == 1 && r.c[0].vals[1] == 2 && r.c[0].vals[2] == 4);
    assert_true(r.c[0].lo == 1 && r.c[0].hi == 4);

    r = ok("utc_offset -5 or -4 (daylight saving)");
    assert_string_equal(r.c[0].field, "utc_offset");
    assert_int_equal(r.c[0].kind, RG_LIST);
    assert_int_equal(r.c[0].nvals, 2);
    assert_true(r.c[0].vals[0] == -5 && r.c[0].vals[1] == -4);
    assert_true(r.c[0].lo == -5 && r.c[0].hi == -4);
    assert_string_equal(r.remark, "daylight saving");

    /* in the order written; lo and hi are the extremes */
    r = ok("cells 8 or 2 or 4");
    assert_true(r.c[0].vals[0] == 8 && r.c[0].lo == 2 && r.c[0].hi == 8);
    r = ok("median [30s, 1m, 2m]");
    assert_true(r.c[0].duration && r.c[0].nvals == 3 && r.c[0].vals[2] == 120);
}

static void alternatives(void **state)
{
    (void)state;
    struct krange r = ok("alternatives: via SecDef; or via INDOPACOM (in war)");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.c[0].kind, RG_ALTERNATIVES);
    assert_null(r.c[0].field);
    /* the description runs to the end: its ';' and parentheses are its own */
    assert_string_equal(r.c[0].text, "via SecDef; or via INDOPACOM (in war)");
    assert_null(r.remark);

    r = ok("cells 6-12; alternatives: hypothetical HQ  ");
    assert_int_equal(r.n, 2);
    assert_string_equal(r.c[0].field, "cells");
    assert_int_equal(r.c[1].kind, RG_ALTERNATIVES);
    assert_int_equal(r.c[1].col, 13);
    assert_string_equal(r.c[1].text, "hypothetical HQ");
}

static void remarks_and_clauses(void **state)
{
    (void)state;
    struct krange r = ok("median 5s-1m (cue); max 1m-5m (machine (no open figure))");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.c[0].col, 1);
    assert_string_equal(r.c[1].field, "max");
    assert_int_equal(r.c[1].col, 21);
    assert_string_equal(r.remark, "cue; machine (no open figure)");

    r = ok("  copies 1-8;spacing 30s-2m");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.c[0].col, 3);
    assert_int_equal(r.c[1].col, 14);
    assert_true(r.c[1].lo == 30 && r.c[1].hi == 120);

    /* a remark with ';' inside does not split the range */
    r = ok("median 0.5s-10s (transmission; the gateway is the hub's)");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.remark, "transmission; the gateway is the hub's");
}

static void errors_at_their_column(void **state)
{
    (void)state;
    bad("", 1, "empty");
    bad("   ", 4, "empty");
    bad("statutory chain", 11, "expected a value after 'statutory'");
    bad("seconds", 8, "expected a value after 'seconds'");
    bad("minutes to an hour", 9, "after 'minutes'");
    bad("3m-", 4, "high end");
    bad("3m-30x", 4, "'30x' is not a number or a duration");
    bad("1m 2m", 4, "expected '-', 'to' or 'or'");
    bad("5m", 3, "expected '-', 'to' or 'or'");
    bad("[1, 2", 6, "expected ',' or ']'");
    bad("[1, x]", 5, "expected a value after ','");
    bad("1-2 (open", 5, "not closed");
    bad("1-2;", 5, "missing after ';'");
    bad("1-2; ;3-4", 6, "expected a value here");
    bad("0-24h after the cut", 7, "expected ';'");
    bad("+--1", 3, "cannot be negative");
    bad("-5m-1m", 1, "duration cannot be negative");
    bad("1s-30", 4, "unit differs");
    bad("30s-2deg", 5, "unit differs");
    bad("4/x-5/h", 1, "not a rate");
    bad("-2/h-1/h", 1, "rate cannot be negative");
    bad("1 or", 5, "after 'or'");
    bad("alternatives:", 14, "needs a description");
    bad("alternatives:   ", 17, "needs a description");
    bad("(a remark alone)", 1, "expected a value here");
    bad("median: 1m-2m", 7, "expected a value after 'median'");
    bad("1e3s-2m", 1, "not a number or a duration");
    /* columns count characters, not bytes: ± is two bytes, one column */
    bad("\xc2\xb1"
        "0.5 x",
        6, "expected ';'");
    bad("location +- km", 13, "after '+-'");
}

static void too_many_values(void **state)
{
    (void)state;
    char buf[600] = "[0";
    for (int i = 1; i <= RG_MAX_VALUES; i++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ", %d", i);
    strcat(buf, "]");
    bad(buf, (int)(strstr(buf, ", 64") - buf) + 3, "at most 64");
}

static void find(void **state)
{
    (void)state;
    struct krange r = ok("1m-2m; max 5m-10m; p90 3m-4m");
    assert_ptr_equal(rg_find(&r, NULL), &r.c[0]);
    assert_ptr_equal(rg_find(&r, "max"), &r.c[1]);
    assert_ptr_equal(rg_find(&r, "p90"), &r.c[2]);
    assert_null(rg_find(&r, "mode"));
    assert_null(rg_find(NULL, "max"));
    r = ok("max 5m-10m");
    assert_null(rg_find(&r, NULL));
}

/* ---- the check (K038) ---------------------------------------------------- */

struct seen {
    int n;
    int col[8];
    char msg[8][400];
};

static void collect(void *ctx, int col, const char *msg)
{
    struct seen *S = ctx;
    if (S->n < 8) {
        S->col[S->n] = col;
        snprintf(S->msg[S->n], sizeof S->msg[S->n], "%s", msg);
    }
    S->n++;
}

/* Checks `text` against distribution `d`; the problems found. */
static struct seen check_dist(const struct kz_dist *d, const char *text)
{
    struct krange r = ok(text);
    struct rg_field f[RG_DIST_FIELDS];
    struct rg_target t;
    rg_dist_target(d, f, &t);
    struct seen S = {0};
    size_t n = rg_check(&r, &t, collect, &S);
    assert_int_equal(n, (size_t)S.n);
    return S;
}

static void expect_one(struct seen S, int col, const char *part)
{
    if (S.n != 1)
        fail_msg("%d problems, expected 1 (%s)", S.n, S.n ? S.msg[0] : "none");
    assert_int_equal(S.col[0], col);
    if (!strstr(S.msg[0], part))
        fail_msg("message '%s' lacks '%s'", S.msg[0], part);
}

static struct kz_dist lognormal(double median, double p90, double max)
{
    struct kz_dist d = {.kind = KZ_DIST_LOGNORMAL, .p = {median, p90}, .max = max};
    d.mu = log(median);
    d.sigma = log(p90 / median) / KZ_Z90;
    return d;
}

static void dist_targets(void **state)
{
    (void)state;
    struct rg_field f[RG_DIST_FIELDS];
    struct rg_target t;
    struct kz_dist tri = {.kind = KZ_DIST_TRIANGULAR, .p = {30, 60, 120}};
    rg_dist_target(&tri, f, &t);
    assert_int_equal(t.n, 4);
    assert_int_equal(t.bare, 0);
    assert_string_equal(t.what, "a triangular distribution");
    assert_string_equal(f[0].name, "median");
    assert_true(fabs(f[0].value - kz_dist_median(&tri)) < 1e-12);
    assert_true(strcmp(f[1].name, "min") == 0 && f[1].value == 30);
    assert_true(strcmp(f[2].name, "mode") == 0 && f[2].value == 60);
    assert_true(strcmp(f[3].name, "max") == 0 && f[3].value == 120);

    struct kz_dist ln = lognormal(10, 60, 0);
    rg_dist_target(&ln, f, &t);
    assert_int_equal(t.n, 2); /* no max: not truncated */
    assert_true(strcmp(f[1].name, "p90") == 0 && f[1].value == 60);
    ln.max = 120;
    rg_dist_target(&ln, f, &t);
    assert_int_equal(t.n, 3);
    assert_true(strcmp(f[2].name, "max") == 0 && f[2].value == 120);

    struct kz_dist ex = {.kind = KZ_DIST_EXPONENTIAL, .p = {60}};
    rg_dist_target(&ex, f, &t);
    assert_int_equal(t.n, 2);
    assert_true(fabs(f[0].value - 60 * log(2.0)) < 1e-12);
    assert_true(strcmp(f[1].name, "mean") == 0 && f[1].value == 60);

    struct kz_dist fx = {.kind = KZ_DIST_FIXED, .p = {90}};
    rg_dist_target(&fx, f, &t);
    assert_true(t.n == 2 && strcmp(f[1].name, "value") == 0 && f[0].value == 90);
    struct kz_dist un = {.kind = KZ_DIST_UNIFORM, .p = {60, 120}};
    rg_dist_target(&un, f, &t);
    assert_true(t.n == 3 && f[0].value == 90 && strcmp(f[2].name, "max") == 0);
}

static void consistent_ranges_pass(void **state)
{
    (void)state;
    struct kz_dist ln = lognormal(10, 60, 120);
    assert_int_equal(check_dist(&ln, "median 2s-1m; max 1m-5m (meets at 1m)").n, 0);
    assert_int_equal(check_dist(&ln, "5s-20s; p90 30s-2m").n, 0);
    assert_int_equal(check_dist(&ln, "median +-5s").n, 0); /* +-D always holds the value */
    assert_int_equal(check_dist(&ln, "max [1m, 2m, 4m]").n, 0);
    assert_int_equal(check_dist(&ln, "alternatives: not public").n, 0);
    struct kz_dist un = {.kind = KZ_DIST_UNIFORM, .p = {300, 600}};
    assert_int_equal(check_dist(&un, "4m-11m").n, 0); /* the median, 7m30s */
    assert_int_equal(check_dist(&un, "min 4m-5m; max 10m to 11m").n, 0);
}

static void inconsistent_ranges_found(void **state)
{
    (void)state;
    struct kz_dist ln = lognormal(10, 60, 120);
    /* the median's high end above the max's low end */
    expect_one(check_dist(&ln, "median 2s-2m; max 1m-5m"), 1, "median's high end 2m");
    expect_one(check_dist(&ln, "2s-2m; max 1m-5m"), 1, "above the max's low end 1m");
    /* the element's value outside its own range */
    expect_one(check_dist(&ln, "median 1m-2m"), 1, "does not contain its median, 10s");
    expect_one(check_dist(&ln, "1m-2m; p90 30s-3m"), 1,
               "the range 1m-2m does not contain its median, 10s");
    expect_one(check_dist(&ln, "median 5s-20s; p90 2m-3m"), 16, "its p90, 1m");
    expect_one(check_dist(&ln, "max [1m, 3m]"), 1, "does not contain its max, 2m");
    /* low above high */
    expect_one(check_dist(&ln, "median 30s-5s"), 1, "the low end 30s is above the high end 5s");
    /* a field the element does not have */
    struct kz_dist tri = {.kind = KZ_DIST_TRIANGULAR, .p = {30, 60, 120}};
    expect_one(check_dist(&tri, "mode 40s-1m30s; p90 1m-2m"), 17,
               "'p90' is not one of its fields (median, min, mode, max) or 'alternatives:'");
    expect_one(check_dist(&ln, "mode 5s-1m"), 1, "'mode' is not one of its fields");
    struct kz_dist ln0 = lognormal(10, 60, 0);
    expect_one(check_dist(&ln0, "max 1m-5m"), 1, "'max' is not one of its fields (median, p90)");
    /* the same field twice, a bare clause being the median */
    expect_one(check_dist(&ln, "5s-20s; median 5s-1m"), 9,
               "median is given twice (first at column 1)");
    expect_one(check_dist(&ln, "max 1m-3m; max 1m-4m"), 12, "max is given twice");
    /* a plain number or a rate where a duration is meant */
    expect_one(check_dist(&ln, "median 5-20"), 1, "median takes durations");
    expect_one(check_dist(&ln, "median 1/h-2/h"), 1, "not rates");
    /* two problems: each reported at its clause */
    struct seen S = check_dist(&ln, "median 1m-2m; p90 30s-20s");
    assert_int_equal(S.n, 2);
    assert_int_equal(S.col[0], 1);
    assert_int_equal(S.col[1], 15);
}

static void element_fields(void **state)
{
    (void)state;
    const struct rg_field f[] = {
        {"location", RG_U_DEGREES, false, true, 0},   {"utc_offset", RG_U_NUMBER, true, false, -5},
        {"cells", RG_U_COUNT, true, false, 4},        {"spacing", RG_U_DURATION, true, false, 60},
        {"rate", RG_U_RATE, true, false, 1.0 / 3600},
    };
    const struct rg_target t = {"a node", f, 5, -1};
    struct {
        const char *text;
        int problems, col;
        const char *part;
    } cases[] = {
        {"location +-0.01 deg (Kantei); utc_offset -5 or -4; cells 2-8", 0, 0, ""},
        {"spacing 30s-2m; rate 0.5/h-2/h", 0, 0, ""},
        {"utc_offset -4 or -3", 1, 1, "does not contain its utc_offset, -5"},
        {"cells [2, 3]", 1, 1, "does not contain its cells, 4"},
        {"cells 1.5-8", 1, 1, "takes whole numbers (a count)"},
        {"cells 1m-8m", 1, 1, "cells takes whole plain numbers (a count), not durations"},
        {"spacing 30-120", 1, 1, "spacing takes durations (e.g. 30s-2m), not plain numbers"},
        {"utc_offset -5deg to -4deg", 1, 1, "takes plain numbers, not degrees"},
        {"location 35-36", 1, 1, "location takes +-D"},
        {"location +-1m", 1, 1, "location takes plain numbers (degrees), not durations"},
        {"rate 2/h-4/h", 1, 1, "does not contain its rate, 1/h"},
        {"2-8", 1, 1, "a clause needs a field (location, utc_offset, cells, spacing, rate)"},
        {"copies 2-8", 1, 1, "'copies' is not one of its fields"},
        {"cells 2-8; cells 3-5", 1, 12, "cells is given twice"},
        {"alternatives: Ichigaya or Yokota", 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct krange r = ok(cases[i].text);
        struct seen S = {0};
        rg_check(&r, &t, collect, &S);
        if (S.n != cases[i].problems)
            fail_msg("'%s': %d problems, expected %d (%s)", cases[i].text, S.n, cases[i].problems,
                     S.n ? S.msg[0] : "none");
        if (S.n && (S.col[0] != cases[i].col || !strstr(S.msg[0], cases[i].part)))
            fail_msg("'%s': '%s' at column %d, expected '%s' at %d", cases[i].text, S.msg[0],
                     S.col[0], cases[i].part, cases[i].col);
    }
    /* an element with no field of its own: only alternatives fit */
    const struct rg_target none = {"a relation", NULL, 0, -1};
    struct krange r = ok("max 1m-2m");
    struct seen S = {0};
    rg_check(&r, &none, collect, &S);
    assert_int_equal(S.n, 1);
    assert_non_null(strstr(S.msg[0], "it has none a sweep could vary: write 'alternatives: TEXT'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intervals),
        cmocka_unit_test(plus_minus),
        cmocka_unit_test(lists),
        cmocka_unit_test(alternatives),
        cmocka_unit_test(remarks_and_clauses),
        cmocka_unit_test(errors_at_their_column),
        cmocka_unit_test(too_many_values),
        cmocka_unit_test(find),
        cmocka_unit_test(dist_targets),
        cmocka_unit_test(consistent_ranges_pass),
        cmocka_unit_test(inconsistent_ranges_found),
        cmocka_unit_test(element_fields),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
