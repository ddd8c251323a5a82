/* test_validate.c - kizuna/validate.h: the validation format, its errors, quantiles, bands, runs;
 * the scenario overrides of kizuna/scenario.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/scenario.h"
#include "kizuna/validate.h"
#include "report/report_validation.h"
#include "scenario/scenario_impl.h"

#define VDIR KZ_SOURCE_DIR "/tests/data/validation"

/* A case with every required key; `extra` is spliced in at the case's indentation. */
static char *doc(const char *extra)
{
    static char buf[4096];
    snprintf(buf, sizeof buf,
             "kizuna-validation: 1\n"
             "title: t\n"
             "cases:\n"
             "  - id: c1\n"
             "    title: one\n"
             "    date: 2017-08-29\n"
             "    sources: [\"https://example.org/a\"]\n"
             "    observed: text\n"
             "    structure: legacy\n"
             "    scenario: nk-salvo\n"
             "    thread: launch-warning\n"
             "    from: start\n"
             "    to: warn-kantei\n"
             "%s",
             extra);
    return buf;
}

/* Loads `text`; returns the code, the diagnostics in *d (caller destroys). */
static int load(const char *text, kz_validation **v, kz_diags **d)
{
    assert_int_equal(kz_diags_create(d), KZ_OK);
    return kz_validation_load_mem("v.yaml", text, strlen(text), v, *d);
}

/* True when some diagnostic has `code` at line:col (col 0: any) and `msg` in its text. */
static bool has(kz_diags *d, int code, int line, int col, const char *msg)
{
    for (size_t i = 0; i < kz_diags_count(d); i++) {
        const struct kz_diag *g = kz_diags_get(d, i);
        if (g->code == code && g->line == line && (!col || g->col == col) &&
            (!msg || strstr(g->msg, msg)))
            return true;
    }
    for (size_t i = 0; i < kz_diags_count(d); i++) {
        const struct kz_diag *g = kz_diags_get(d, i);
        fprintf(stderr, "v.yaml:%d:%d: [K%03d] %s\n", g->line, g->col, g->code, g->msg);
    }
    return false;
}

static void expect_error(const char *extra, int code, int line, int col, const char *msg)
{
    kz_validation *v = (kz_validation *)1;
    kz_diags *d;
    assert_int_equal(load(doc(extra), &v, &d), KZ_ECHECK);
    assert_null(v);
    assert_true(has(d, code, line, col, msg));
    kz_diags_destroy(d);
}

static void quantiles(void **state)
{
    (void)state;
    double x[] = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
    assert_true(kz_vquantile(x, 10, 0.5) == 5);
    assert_true(kz_vquantile(x, 10, 0.1) == 1);
    assert_true(kz_vquantile(x, 10, 0.9) == 9);
    assert_true(kz_vquantile(x, 10, 0.91) == 10);
    double y[] = {INFINITY, 2, INFINITY, 1};
    assert_true(kz_vquantile(y, 4, 0.5) == 2);
    assert_true(isinf(kz_vquantile(y, 4, 0.9)));
    double one = 3;
    assert_true(kz_vquantile(&one, 1, 0.1) == 3);
    assert_true(isnan(kz_vquantile(x, 0, 0.5)));
    assert_true(isnan(kz_vquantile(x, 10, 0)));
    assert_true(isnan(kz_vquantile(x, 10, 1)));
}

static void bands(void **state)
{
    (void)state;
    assert_true(kz_vcase_judge(60, 30, 240));
    assert_true(kz_vcase_judge(30, 30, 240));
    assert_true(kz_vcase_judge(240, 30, 240));
    assert_false(kz_vcase_judge(29.9, 30, 240));
    assert_false(kz_vcase_judge(241, 30, 240));
    assert_false(kz_vcase_judge(NAN, 30, 240));
    assert_false(kz_vcase_judge(INFINITY, 30, 240));
    assert_true(kz_vcase_judge(INFINITY, 30, INFINITY));
}

static void loads_the_shipped_cases(void **state)
{
    (void)state;
    kz_diags *d;
    kz_validation *v;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(
        kz_validation_load_file(KZ_SOURCE_DIR "/data/validation/launch-warning.yaml", &v, d),
        KZ_OK);
    assert_true(kz_validation_ncases(v) >= 3);
    assert_non_null(strstr(kz_validation_title(v), "Prime Minister"));
    kz_validation_free(v);
    kz_diags_destroy(d);
}

static void format_errors(void **state)
{
    (void)state;
    /* no criterion; both criteria; an unknown key, with its place and a suggestion */
    expect_error("    figure: 4m\n", 6, 4, 5, "tolerance");
    expect_error("    figure: 4m\n    within: 10%\n    tolerance: {p50: [1m, 2m]}\n", 12, 15, 13,
                 "not both");
    expect_error("    figure: 4m\n    within: 10%\n    tolerence: 1\n", 5, 16, 5,
                 "did you mean 'tolerance'");
    /* bad values at their places */
    expect_error("    figure: 4m\n    within: 10%\n    quantity: p99\n", 12, 16, 15, "quantity");
    expect_error("    figure: {at_most: 4m, at_best: 1m}\n    within: 10%\n", 5, 14, 27, "at_best");
    expect_error("    figure: [5m, 4m]\n    within: 10%\n", 13, 14, 13, "lo <= hi");
    expect_error("    figure: 4\n    within: 10%\n", 14, 14, 13, NULL);
    expect_error("    figure: 4m\n    within: lots\n", 14, 15, 13, NULL);
    expect_error("    figure: 4m\n    within: 2000%\n", 13, 15, 13, "percentage");
    expect_error("    figure: 4m\n    quantity: p10\n    tolerance: {p90: [1m, 2m]}\n", 12, 16,
                 17, "p90 but quantity is p10");
    expect_error("    figure: 4m\n    tolerance: {p50: [3m, 2m]}\n", 13, 15, 22, "lo <= hi");
    expect_error("    figure: 4m\n    within: 10%\n    overrides: {copies: 0}\n", 13, 16, 25,
                 "copies");
    expect_error("    figure: 4m\n    within: 10%\n    overrides: {start: \"tue 25:00 UTC+9\"}\n",
                 12, 16, 25, "start");
    expect_error("    figure: 4m\n    within: 10%\n    overrides: {start: {from: \"tue 05:50\"}}\n",
                 6, 16, 24, "'to'");
    expect_error("    figure: 4m\n    within: 10%\n    overrides: {runz: 5}\n", 5, 16, 17,
                 "did you mean 'runs'");
    expect_error("    figure: 4m\n    within: 10%\n    calibration: maybe\n", 4, 16, 18, NULL);
    /* `to: start` is no step */
    kz_validation *v;
    kz_diags *d;
    char text[4096];
    snprintf(text, sizeof text, "%s", doc("    figure: 4m\n    within: 10%\n"));
    memcpy(strstr(text, "to: warn-kantei"), "to: start      ", 15);
    assert_int_equal(load(text, &v, &d), KZ_ECHECK);
    assert_true(has(d, 12, 13, 9, "'start' is only a from"));
    kz_diags_destroy(d);
}

static void top_level_errors(void **state)
{
    (void)state;
    kz_validation *v;
    kz_diags *d;
    assert_int_equal(load("", &v, &d), KZ_EPARSE);
    assert_true(kz_diags_errors(d) == 1 && !v);
    kz_diags_destroy(d);
    assert_int_equal(load("kizuna-validation: 2\ncases: []\n", &v, &d), KZ_ECHECK);
    assert_true(has(d, 13, 1, 20, "format version"));
    assert_true(has(d, 13, 2, 8, "1 to"));
    kz_diags_destroy(d);
    assert_int_equal(load("kizuna-validation: 1\ncase: []\n", &v, &d), KZ_ECHECK);
    assert_true(has(d, 5, 2, 1, "did you mean 'cases'"));
    kz_diags_destroy(d);
    assert_int_equal(load("- 1\n", &v, &d), KZ_ECHECK);
    assert_true(has(d, 4, 1, 1, "mapping"));
    kz_diags_destroy(d);
    assert_int_equal(load("kizuna-validation: 1\ncases: [\n", &v, &d), KZ_EPARSE);
    kz_diags_destroy(d);
    /* a case missing what it must say: each a K006 at the case */
    const char *bare = "kizuna-validation: 1\ncases:\n  - {id: x}\n";
    assert_int_equal(load(bare, &v, &d), KZ_ECHECK);
    const char *const need[] = {"title", "date", "sources", "observed", "structure", "scenario",
                                "thread", "from", "to", "figure", "tolerance"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
        assert_true(has(d, 6, 3, 5, need[i]));
    kz_diags_destroy(d);
}

static void case_fields(void **state)
{
    (void)state;
    kz_validation *v;
    kz_diags *d;
    /* duplicate ids */
    char two[8192];
    snprintf(two, sizeof two, "%s    figure: 4m\n    within: 1m\n%s", doc(""),
             strstr(doc("    figure: 4m\n    within: 1m\n"), "  - id: c1"));
    assert_int_equal(load(two, &v, &d), KZ_ECHECK);
    assert_true(has(d, 10, 16, 5, "duplicate case id 'c1'"));
    kz_diags_destroy(d);
    /* dates, sources, ids */
    const char *bad_date = "kizuna-validation: 1\ncases:\n  - {id: x, title: t, date: 2017-02-30,"
                           " sources: [\"ftp://x\"], observed: o, structure: s, scenario: c,"
                           " thread: t, from: \"a b\", to: b, figure: 1m, within: 1s}\n";
    assert_int_equal(load(bad_date, &v, &d), KZ_ECHECK);
    assert_true(has(d, 12, 3, 0, "YYYY-MM-DD"));
    assert_true(has(d, 12, 3, 0, "public address"));
    assert_true(has(d, 12, 3, 0, "step id"));
    kz_diags_destroy(d);
    const char *no_src = "kizuna-validation: 1\ncases:\n  - {id: x, title: t, date: 2017-02-28,"
                         " sources: [], observed: o, structure: s, scenario: c,"
                         " thread: t, from: start, to: b, figure: 1m, within: 1s}\n";
    assert_int_equal(load(no_src, &v, &d), KZ_ECHECK);
    assert_true(has(d, 13, 3, 0, "cites 1 to"));
    kz_diags_destroy(d);
}

/* Every good form of the figure, the criterion and the overrides loads. */
static void good_forms(void **state)
{
    (void)state;
    const char *const forms[] = {
        "    figure: 4m\n    within: 50%\n",
        "    figure: [3m, 5m]\n    within: 30s\n",
        "    figure: {at_most: 4m}\n    tolerance: {p50: [30s, 4m]}\n",
        "    figure: {at_least: 1m}\n    quantity: p10\n    within: 10%\n",
        "    figure: {at_least: 1m, at_most: 2m}\n    quantity: p90\n"
        "    tolerance: {p90: [1m, 2m]}\n",
        "    figure: 4m\n    within: 0%\n    calibration: true\n    notes: n\n",
        "    figure: 4m\n    within: 10%\n    overrides: {copies: 1, start: any, runs: 5, "
        "seed: 0}\n",
        "    figure: 4m\n    within: 10%\n    overrides: {copies: {jp-bmd: 1, us-bmd: 2}, "
        "start: \"sun 23:59 UTC-10\"}\n",
        "    figure: 4m\n    within: 10%\n    overrides:\n      start: {from: \"tue 05:50 UTC+9\","
        " to: \"tue 06:10 UTC+9\"}\n",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        kz_validation *v;
        kz_diags *d;
        int rc = load(doc(forms[i]), &v, &d);
        if (rc)
            (void)has(d, -1, -1, -1, NULL); /* prints them */
        assert_int_equal(rc, KZ_OK);
        assert_int_equal(kz_validation_ncases(v), 1);
        kz_validation_free(v);
        kz_diags_destroy(d);
    }
}

static void start_times(void **state)
{
    (void)state;
    int w = -1;
    assert_int_equal(kz_scenario_parse_start("tue 05:58 UTC+9", &w), KZ_OK);
    assert_int_equal(w, 1440 + 5 * 60 + 58 - 9 * 60);
    assert_int_equal(kz_scenario_parse_start("mon 00:00 UTC+9", &w), KZ_OK);
    assert_int_equal(w, 7 * 1440 - 540);
    assert_int_equal(kz_scenario_parse_start("sun 23:59", &w), KZ_OK);
    assert_int_equal(w, 7 * 1440 - 1);
    assert_int_equal(kz_scenario_parse_start("sat 02:30 -5:30", &w), KZ_OK);
    assert_int_equal(w, 5 * 1440 + 150 + 330);
    assert_int_equal(kz_scenario_parse_start("mon 01:00 +09:00", &w), KZ_OK);
    assert_int_equal(w, 7 * 1440 - 480);
    const char *const bad[] = {"any", "xyz 01:00", "mon 24:00", "mon 1:5", "mon 01:00 UTC+15",
                               "mon 01:00 UTC", "mon 01:00 UTC+9x", "", "monday 01:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(kz_scenario_parse_start(bad[i], &w), KZ_EINVAL);
}

static void overrides(void **state)
{
    (void)state;
    kz_diags *d;
    kz_scenario *s;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_scenario_load_file(VDIR "/chain.yaml", &s, d), KZ_OK);
    assert_int_equal(kz_scenario_set_copies(s, "warn", 3), KZ_OK);
    assert_int_equal(s->threads[0].copies, 3);
    assert_int_equal(kz_scenario_set_copies(s, "nope", 3), KZ_ENOTFOUND);
    assert_int_equal(kz_scenario_set_copies(s, "warn", 0), KZ_EINVAL);
    assert_int_equal(kz_scenario_set_copies(s, "warn", 65), KZ_EINVAL);
    assert_int_equal(kz_scenario_set_start_window(s, 100, 120), KZ_OK);
    assert_true(s->start_window && !s->start_any);
    assert_int_equal(s->start_win_lo, 100);
    assert_int_equal(s->start_win_len, 20);
    assert_int_equal(s->start_week_min_utc, 110);
    assert_int_equal(kz_scenario_set_start_window(s, 10070, 10), KZ_OK); /* over the week's end */
    assert_int_equal(s->start_win_len, 20);
    assert_int_equal(s->start_week_min_utc, 0);
    assert_int_equal(kz_scenario_set_start_window(s, 0, 10080), KZ_EINVAL);
    assert_int_equal(kz_scenario_set_start(s, 42), KZ_OK);
    assert_true(!s->start_window && !s->start_any && s->start_week_min_utc == 42);
    assert_int_equal(kz_scenario_set_start(s, -1), KZ_EINVAL);
    assert_int_equal(kz_scenario_set_runs(s, 7), KZ_OK);
    assert_int_equal(kz_scenario_runs(s), 7);
    assert_int_equal(kz_scenario_set_runs(s, 0), KZ_EINVAL);
    assert_int_equal(kz_scenario_set_seed(s, 9), KZ_OK);
    assert_int_equal(kz_scenario_seed(s), 9);
    kz_scenario_free(s);
    kz_diags_destroy(d);
}

/* The test cases run: a whole-thread segment and one between two steps of both copies, from
 * the step rows; the bands from within. */
static void runs_cases(void **state)
{
    (void)state;
    kz_diags *d;
    kz_validation *v;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_validation_load_file(VDIR "/pass.yaml", &v, d), KZ_OK);
    struct kz_vcase_result *r;
    size_t n;
    struct kz_validate_options o = {.threads = 1};
    int rc = kz_validation_run(v, &o, &r, &n, d);
    assert_int_equal(n, 2);
    const struct kz_vcase_result *a = &r[0], *b = &r[1];
    assert_string_equal(a->id, "whole-thread");
    assert_null(a->error);
    assert_true(a->pass);
    assert_true(fabs(a->p50_s - 20) < 0.1 && a->ended == 1 && a->runs == 20);
    assert_true(fabs(a->tol_lo_s - 18) < 1e-9 && fabs(a->tol_hi_s - 22) < 1e-9);
    assert_int_equal(a->bound, KZ_VB_EXACT);
    assert_false(a->calibration);
    assert_non_null(strstr(a->structure_path, "line.yaml"));
    assert_string_equal(b->id, "report-only");
    assert_true(b->calibration);
    assert_int_equal(b->nsources, 2);
    assert_string_equal(b->sources[1], "http://example.org/second");
    assert_int_equal(b->bound, KZ_VB_RANGE);
    assert_int_equal(rc, KZ_OK);
    assert_null(b->error);
    assert_true(b->pass && fabs(b->p50_s - 10) < 0.5 && b->seed == 7 && b->ended == 1);
    kz_validation_free(v); /* the results outlive it */
    assert_string_equal(a->title, "detection and report, one copy");
    kz_vcase_results_free(r, n);
    kz_diags_destroy(d);
}

static void cases_that_cannot_run(void **state)
{
    (void)state;
    kz_diags *d;
    kz_validation *v;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_validation_load_file(VDIR "/notrun.yaml", &v, d), KZ_OK);
    struct kz_vcase_result *r;
    size_t n;
    assert_int_equal(kz_validation_run(v, NULL, &r, &n, d), KZ_ECHECK);
    assert_int_equal(n, 1);
    assert_non_null(strstr(r[0].error, "did you mean 'warn'"));
    assert_true(has(d, 40, 11, 13, "no thread 'wran'"));
    assert_false(r[0].pass);
    assert_true(isnan(r[0].p50_s));
    kz_vcase_results_free(r, n);
    kz_validation_free(v);
    assert_int_equal(kz_validation_run(NULL, NULL, &r, &n, d), KZ_EINVAL);
    kz_diags_destroy(d);
    kz_vcase_results_free(NULL, 0);
    kz_validation_free(NULL);
}

/* The report's strip: one row per case, escaped, sources linked, a bar per case. */
static void report_strip(void **state)
{
    (void)state;
    kz_diags *d;
    kz_validation *v;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_validation_load_file(VDIR "/pass.yaml", &v, d), KZ_OK);
    struct kz_vcase_result *r;
    size_t n;
    (void)kz_validation_run(v, NULL, &r, &n, d);
    r[0].title = "a <b> & \"c\"";
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct rep_out o = {.f = f};
    rep_validation_html(&o, r, n);
    rep_validation_html(&o, NULL, 0);
    assert_int_equal(fclose(f), 0);
    assert_false(o.failed);
    assert_non_null(strstr(buf, "<section class=\"validation\""));
    assert_non_null(strstr(buf, "a &lt;b&gt; &amp; &quot;c&quot;"));
    assert_null(strstr(buf, "a <b>"));
    assert_non_null(strstr(buf, "<a href=\"https://example.org/observed\">[1]</a>"));
    assert_non_null(strstr(buf, ">calibration</span>"));
    assert_non_null(strstr(buf, "<span class=\"pass\">pass</span>"));
    assert_non_null(strstr(buf, "No validation cases."));
    size_t svgs = 0;
    for (const char *p = buf; (p = strstr(p, "<svg")); p++)
        svgs++;
    assert_int_equal(svgs, 2);
    free(buf);
    kz_vcase_results_free(r, n);
    kz_validation_free(v);
    kz_diags_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles),         cmocka_unit_test(bands),
        cmocka_unit_test(loads_the_shipped_cases), cmocka_unit_test(format_errors),
        cmocka_unit_test(top_level_errors),  cmocka_unit_test(case_fields),
        cmocka_unit_test(good_forms),        cmocka_unit_test(start_times),
        cmocka_unit_test(overrides),         cmocka_unit_test(runs_cases),
        cmocka_unit_test(cases_that_cannot_run), cmocka_unit_test(report_strip),
    };
    return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
