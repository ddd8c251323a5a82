/* test_report.c - the report writers: JSON (jansson) escaping and nulls, durations, CSV quoting,
 * and a real small run written as JSON, CSV and HTML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kizuna/json.h"
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kizuna/kizuna.h"
#include "kizuna/report.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"
#include "report/report_impl.h"
#include "files.h"

#define DATA KZ_SOURCE_DIR "/tests/data/report/"
#define RUNS 50

/* ---- helpers ------------------------------------------------------------- */

/* What `emit` writes through a rep_out, as a malloc'd string. */
struct capture {
    FILE *f;
    char *buf;
    size_t len;
    struct rep_out o;
};

static struct rep_out *cap_open(struct capture *c)
{
    memset(c, 0, sizeof *c);
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    c->o.f = c->f;
    return &c->o;
}

static char *cap_close(struct capture *c)
{
    assert_false(c->o.failed);
    assert_int_equal(fclose(c->f), 0);
    return c->buf;
}

/* ---- JSON, numbers, durations, CSV fields ---------------------------------- */

static void json_string_escaping(void **state)
{
    (void)state;
    struct capture c;
    struct rep_out *o = cap_open(&c);
    const char *text = "a\"b\\c\nd\te\x01\x1f/\xc3\xa9";
    json_t *doc = json_pack("{s:s, s:n, s:s}", "s", text, "null", "empty", "");
    assert_int_equal(rep_json_emit(o, doc), KZ_OK);
    char *s = cap_close(&c);
    /* Escaped as JSON wants, UTF-8 passed through, and read back the same. */
    assert_non_null(strstr(s, "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001F/\xc3\xa9\""));
    json_error_t e;
    json_t *back = json_loads(s, 0, &e);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "s")), text);
    assert_true(json_is_null(json_object_get(back, "null")));
    assert_string_equal(json_string_value(json_object_get(back, "empty")), "");
    assert_int_equal(s[strlen(s) - 1], '\n');
    json_decref(back);
    free(s);
}

static void json_numbers_and_nulls(void **state)
{
    (void)state;
    const double v[] = {NAN, INFINITY, -INFINITY, 0, 0.1, 1.5, 252, 1e-7, 123456.789012, -3};
    const char *want[] = {"null", "null", "null", "0",          "0.1",
                          "1.5",  "252",  "1e-7", "123456.789", "-3"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        json_t *j = kz_json_num(v[i]);
        char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(9));
        assert_non_null(s);
        assert_string_equal(s, want[i]);
        free(s);
        json_decref(j);
    }

    /* A locale with a decimal comma does not leak into the JSON (when one is installed). */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        char buf[40];
        rep_fmt_num(1.5, buf, sizeof buf);
        assert_string_equal(buf, "1.5");
        json_t *j = kz_json_num(1.5);
        char *s = json_dumps(j, JSON_ENCODE_ANY | JSON_REAL_PRECISION(9));
        assert_string_equal(s, "1.5");
        free(s);
        json_decref(j);
        setlocale(LC_NUMERIC, "C");
    }
}

static void durations_for_readers(void **state)
{
    (void)state;
    static const struct {
        double s;
        enum kz_dur_style style;
        const char *text;
    } cases[] = {
        {0.85, KZ_DUR_PROSE, "850 ms"},      {4.25, KZ_DUR_PROSE, "4.2 s"},
        {42, KZ_DUR_PROSE, "42 s"},          {252, KZ_DUR_PROSE, "4m 12s"},
        {3599.7, KZ_DUR_PROSE, "1h 00m"},    {3725, KZ_DUR_PROSE, "1h 02m"},
        {90061, KZ_DUR_PROSE, "1d 01h"},     {86399, KZ_DUR_PROSE, "1d 00h"},
        {NAN, KZ_DUR_PROSE, "\xe2\x80\x94"}, {INFINITY, KZ_DUR_PROSE, "not reached"},
        {15, KZ_DUR_TABLE, "15.0s"},         {245, KZ_DUR_TABLE, "4m05s"},
        {7800, KZ_DUR_TABLE, "2h10m"},       {NAN, KZ_DUR_TABLE, "-"},
        {INFINITY, KZ_DUR_TABLE, "n/c"},     {45, KZ_DUR_TICK, "45s"},
        {720, KZ_DUR_TICK, "12m"},           {5400, KZ_DUR_TICK, "1h30m"},
        {172800, KZ_DUR_TICK, "2d"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[48];
        kz_fmt_dur(cases[i].s, cases[i].style, buf, sizeof buf);
        assert_string_equal(buf, cases[i].text);
    }
}

static void csv_quoting(void **state)
{
    (void)state;
    struct capture c;
    struct rep_out *o = cap_open(&c);
    const char *fields[] = {"plain", "a,b",    "say \"hi\"", "two\nlines", "cr\rhere",
                            " lead", "trail ", "",           NULL};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        rep_csv_field(o, fields[i]);
        rep_putc(o, '|');
    }
    char *s = cap_close(&c);
    assert_string_equal(s, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\"cr\rhere\"|\" lead\"|"
                           "\"trail \"|||");
    free(s);
}

static void html_escaping(void **state)
{
    (void)state;
    struct capture c;
    struct rep_out *o = cap_open(&c);
    rep_html(o, "<b>A & B's \"x\"</b>");
    char *s = cap_close(&c);
    assert_string_equal(s, "&lt;b&gt;A &amp; B&#39;s &quot;x&quot;&lt;/b&gt;");
    free(s);
}

static void bad_arguments(void **state)
{
    (void)state;
    char err[256] = "";
    struct kz_report_group g = {NULL, NULL, 0, 0};
    assert_int_equal(kz_report_json(NULL, &g), KZ_EINVAL);
    assert_int_equal(kz_report_json(stdout, NULL), KZ_EINVAL);
    assert_int_equal(kz_report_write(NULL, &g, 1, err, sizeof err), KZ_EINVAL);
    assert_int_equal(kz_report_write("/tmp", &g, 0, err, sizeof err), KZ_EINVAL);
    assert_true(err[0] != '\0');
}

/* ---- a real run ---------------------------------------------------------------- */

struct fixture {
    kz_model *m[2];
    kz_scenario *s;
    kz_sim_result *r[2];
    char dir[192];
};

/* text with its first `from` replaced by `to`, in a new allocation; `text` is freed. */
static char *replace(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t a = (size_t)(at - text), lf = strlen(from), lt = strlen(to), n = strlen(text);
    char *out = malloc(n - lf + lt + 1);
    assert_non_null(out);
    memcpy(out, text, a);
    memcpy(out + a, to, lt);
    memcpy(out + a + lt, at + lf, n - a - lf + 1);
    free(text);
    return out;
}

/* The mini structure; `slow`: the same under another name, with a slower decision. */
static kz_model *load_structure(bool slow)
{
    char *text = ts_slurp(DATA "mini-structure.yaml", NULL);
    if (slow) {
        text = replace(text, "\nname: mini\n", "\nname: mini-slow\n");
        text = replace(text, "decide: {dist: lognormal, median: 2m, p90: 6m}",
                       "decide: {dist: lognormal, median: 6m, p90: 20m}");
    }
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    int rc = kz_model_load_mem("mini-structure.yaml", text, strlen(text), &m, d);
    for (size_t i = 0; i < kz_diags_count(d); i++)
        kz_diag_print(kz_diags_get(d, i), stderr);
    assert_int_equal(rc, KZ_OK);
    assert_int_equal(kz_model_check(m, d), KZ_OK);
    kz_diags_destroy(d);
    free(text);
    return m;
}

static int setup_run(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->m[0] = load_structure(false);
    fx->m[1] = load_structure(true);
    assert_string_equal(kz_model_name(fx->m[1]), "mini-slow");
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_scenario_load_file(DATA "mini-scenario.yaml", &fx->s, d), KZ_OK);
    kz_diags_destroy(d);
    struct kz_sim_options o = {.runs = RUNS, .threads = 2, .keep_runs = true, .keep_steps = true};
    char err[256] = "";
    for (int i = 0; i < 2; i++) {
        int rc = kz_sim_run(fx->m[i], fx->s, &o, &fx->r[i], err, sizeof err);
        if (rc)
            fail_msg("kz_sim_run: %s", err);
    }
    assert_int_equal(ts_tempdir(fx->dir, sizeof fx->dir, "report"), 0);
    *state = fx;
    return 0;
}

static void remove_report(const char *dir)
{
    const char *files[] = {"results.json", "runs.csv", "steps.csv", "report.html"};
    char path[256];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
}

static int teardown_run(void **state)
{
    struct fixture *fx = *state;
    remove_report(fx->dir);
    rmdir(fx->dir);
    for (int i = 0; i < 2; i++) {
        kz_sim_result_free(fx->r[i]);
        kz_model_free(fx->m[i]);
    }
    kz_scenario_free(fx->s);
    free(fx);
    return 0;
}

/* Runs kz_report_write with fd 2 redirected to a file; fails if anything was printed. */
static int write_quietly(const char *dir, const struct kz_report_group *g, size_t n, char *err,
                         size_t errlen)
{
    char log[] = "/tmp/kz-report-stderr-XXXXXX";
    int fd = mkstemp(log);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fd, 2) >= 0);
    int rc = kz_report_write(dir, g, n, err, errlen);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    close(fd);
    if (st.st_size) {
        char *text = ts_slurp(log, NULL);
        fprintf(stderr, "printed during kz_report_write:\n%s\n", text);
        free(text);
    }
    unlink(log);
    assert_int_equal(st.st_size, 0);
    return rc;
}

static void json_of_a_run(void **state)
{
    struct fixture *fx = *state;
    struct kz_report_group g = {fx->s, fx->r, 2, 0};
    struct capture c;
    cap_open(&c);
    assert_int_equal(kz_report_json(c.f, &g), KZ_OK);
    char *s = cap_close(&c);
    assert_int_equal(s[strlen(s) - 1], '\n');
    /* Nothing a JSON parser would refuse, and the document of docs/json.md. */
    json_error_t e;
    json_t *d = json_loads(s, 0, &e);
    if (!d)
        fail_msg("not JSON: %s at line %d", e.text, e.line);
    assert_string_equal(json_string_value(json_object_get(d, "scenario")), "mini-raid");
    assert_int_equal(json_integer_value(json_object_get(d, "runs")), 50);
    assert_int_equal(json_integer_value(json_object_get(d, "seed")), 7);
    json_t *st = json_object_get(d, "structures");
    assert_int_equal(json_array_size(st), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(st, 0), "name")), "mini");
    assert_string_equal(json_string_value(json_object_get(json_array_get(st, 1), "name")),
                        "mini-slow");
    json_t *th = json_object_get(json_array_get(st, 0), "threads");
    assert_string_equal(json_string_value(json_object_get(json_array_get(th, 0), "name")),
                        "intercept");
    assert_string_equal(json_string_value(json_object_get(json_array_get(th, 1), "name")),
                        "inform");
    json_t *nd = json_array_get(json_object_get(json_array_get(st, 0), "nodes"), 0);
    assert_true(json_is_number(json_object_get(nd, "utilisation")));
    assert_true(json_is_number(json_object_get(nd, "mean_wait_s")));
    /* the critical path of a thread, its causes by name and its steps */
    json_t *t0 = json_array_get(th, 0);
    assert_non_null(json_object_get(t0, "cp_node"));
    assert_non_null(json_object_get(t0, "cp_cause"));
    json_t *cs = json_object_get(t0, "cause_s");
    assert_int_equal(json_object_size(cs), KZ_CAUSE_COUNT);
    for (int k = 0; k < KZ_CAUSE_COUNT; k++) {
        char key[32];
        snprintf(key, sizeof key, "%s", kz_cause_names[k]);
        for (char *q = key; *q; q++)
            *q = *q == '-' ? '_' : *q;
        assert_non_null(json_object_get(cs, key));
    }
    assert_non_null(json_object_get(cs, "off_hours"));
    json_t *steps = json_object_get(t0, "steps");
    assert_true(json_is_array(steps));
    assert_int_equal(json_array_size(steps), kz_sim_result_nsteps(fx->r[0], 0));
    /* paired against the first structure: one per thread of the other; a ranking per thread */
    assert_string_equal(json_string_value(json_object_get(d, "baseline")), "mini");
    json_t *pa = json_object_get(d, "paired");
    assert_int_equal(json_array_size(pa), 2);
    json_t *p0 = json_array_get(pa, 0);
    assert_string_equal(json_string_value(json_object_get(p0, "structure")), "mini-slow");
    assert_string_equal(json_string_value(json_object_get(p0, "thread")), "intercept");
    assert_int_equal(json_integer_value(json_object_get(p0, "n")), RUNS);
    assert_true(json_is_number(json_object_get(p0, "diff_mean_s")));
    assert_true(json_is_boolean(json_object_get(p0, "time_significant")));
    json_t *rk = json_object_get(d, "ranking");
    assert_int_equal(json_array_size(rk), 2);
    /* a decision three times slower: mini beats mini-slow on the intercept, significantly */
    json_t *r0 = json_array_get(rk, 0);
    assert_true(json_is_true(json_object_get(r0, "ranked")));
    assert_true(json_is_false(json_object_get(r0, "identical_chain")));
    assert_string_equal(json_string_value(json_object_get(r0, "best")), "mini");
    assert_true(json_is_true(json_object_get(p0, "time_significant")));
    assert_string_equal(json_string_value(json_object_get(p0, "favours")), "baseline");
    json_decref(d);
    free(s);

    /* one result twice: every thread an identical chain, exactly zero, nothing best */
    kz_sim_result *same[2] = {fx->r[0], fx->r[0]};
    struct kz_report_group g2 = {fx->s, same, 2, 0};
    cap_open(&c);
    assert_int_equal(kz_report_json(c.f, &g2), KZ_OK);
    s = cap_close(&c);
    d = json_loads(s, 0, &e);
    assert_non_null(d);
    rk = json_object_get(d, "ranking");
    for (size_t i = 0; i < json_array_size(rk); i++) {
        assert_true(json_is_true(json_object_get(json_array_get(rk, i), "identical_chain")));
        assert_true(json_is_null(json_object_get(json_array_get(rk, i), "best")));
    }
    pa = json_object_get(d, "paired");
    for (size_t i = 0; i < json_array_size(pa); i++) {
        json_t *p = json_array_get(pa, i);
        assert_true(json_is_true(json_object_get(p, "identical")));
        assert_true(json_number_value(json_object_get(p, "diff_mean_s")) == 0.0);
        assert_true(json_number_value(json_object_get(p, "diff_lo_s")) == 0.0);
    }
    json_decref(d);
    free(s);

    /* compare's document: the same objects under "scenarios". */
    struct kz_report_group two[2] = {g, g};
    cap_open(&c);
    assert_int_equal(kz_report_json_all(c.f, two, 2), KZ_OK);
    s = cap_close(&c);
    d = json_loads(s, 0, &e);
    assert_non_null(d);
    assert_int_equal(json_array_size(json_object_get(d, "scenarios")), 2);
    json_decref(d);
    free(s);
}

static void report_of_a_run(void **state)
{
    struct fixture *fx = *state;
    struct kz_report_group g = {fx->s, fx->r, 2, 0};
    char err[512] = "";
    int rc = write_quietly(fx->dir, &g, 1, err, sizeof err);
    if (rc)
        fail_msg("kz_report_write: %s", err);
    char path[256];

    /* results.json is exactly the kz_report_json document. */
    struct capture c;
    cap_open(&c);
    assert_int_equal(kz_report_json(c.f, &g), KZ_OK);
    char *doc = cap_close(&c);
    snprintf(path, sizeof path, "%s/results.json", fx->dir);
    char *json = ts_slurp(path, NULL);
    assert_string_equal(json, doc);
    free(json);
    free(doc);

    /* runs.csv: a header and one row per replication x thread x structure. */
    snprintf(path, sizeof path, "%s/runs.csv", fx->dir);
    char *csv = ts_slurp(path, NULL);
    assert_memory_equal(csv, "scenario,structure,run,thread,time_s,deadline_s,met,stopped_step\r\n",
                        66);
    assert_int_equal(ts_count(csv, "\r\n"), 1 + RUNS * 2 * 2);
    assert_non_null(strstr(csv, "\r\nmini-raid,mini,0,intercept,"));
    assert_non_null(strstr(csv, "\r\nmini-raid,mini-slow,49,inform,"));
    free(csv);

    /* steps.csv: its header, a column per cause, one row per kept kz_step_row. */
    snprintf(path, sizeof path, "%s/steps.csv", fx->dir);
    csv = ts_slurp(path, NULL);
    char head[512] = "scenario,structure,run,thread,copy,step,step_id,kind,start_s,end_s";
    for (int k = 0; k < KZ_CAUSE_COUNT; k++)
        snprintf(head + strlen(head), sizeof head - strlen(head), ",%s_s", kz_cause_names[k]);
    strcat(head, ",cp_node,cp_cause\r\n");
    assert_memory_equal(csv, head, strlen(head));
    size_t n0 = 0, n1 = 0;
    (void)kz_sim_result_steps(fx->r[0], &n0);
    (void)kz_sim_result_steps(fx->r[1], &n1);
    assert_int_equal(ts_count(csv, "\r\n"), 1 + n0 + n1);
    if (n0)
        assert_non_null(strstr(csv, "\r\nmini-raid,mini,0,intercept,0,0,"));
    free(csv);

    /* report.html: self-contained, the charts inline, every structure named. */
    snprintf(path, sizeof path, "%s/report.html", fx->dir);
    char *html = ts_slurp(path, NULL);
    assert_true(ts_count(html, "<svg class=\"chart\"") >= 5); /* 2 CDFs, the bars, 2 node charts */
    assert_int_equal(ts_count(html, "<svg"), ts_count(html, "</svg>"));
    assert_non_null(strstr(html, "<code>mini</code>"));
    assert_non_null(strstr(html, "<code>mini-slow</code>"));
    assert_non_null(strstr(html, "Mini raid: track, intercept order, report"));
    assert_non_null(strstr(html, "Track -&gt; intercept order -&gt; battery"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "src=\"http"));
    assert_null(strstr(html, "<?xml")); /* the SVG prologs are stripped when inlined */
    /* the paired table against the first structure; a waterfall per thread when there are
     * step statistics, else a note */
    assert_non_null(strstr(html, "Paired differences against <code>mini</code>"));
    assert_int_equal(ts_count(html, "<tr class=\"best\"><td>mini</td>"), 1); /* intercept only */
    assert_non_null(strstr(html, "critical path at"));
    if (kz_sim_result_nsteps(fx->r[0], 0))
        assert_int_equal(ts_count(html, "<svg class=\"chart wf\""), 2);
    else
        assert_non_null(strstr(html, "no waterfall"));
    free(html);
    snprintf(path, sizeof path, "%s/report.html.tmp", fx->dir);
    assert_int_equal(access(path, F_OK), -1); /* written aside, then renamed */
    remove_report(fx->dir);
}

/* kz_report_write_opts with no_run_rows: the CSVs keep their header only. */
static void report_without_rows(void **state)
{
    struct fixture *fx = *state;
    struct kz_report_group g = {fx->s, fx->r, 2, 1};
    struct kz_report_options ro = {.no_run_rows = true};
    char err[512] = "", path[256];
    assert_int_equal(kz_report_write_opts(fx->dir, &g, 1, &ro, err, sizeof err), KZ_OK);
    snprintf(path, sizeof path, "%s/runs.csv", fx->dir);
    char *csv = ts_slurp(path, NULL);
    assert_int_equal(ts_count(csv, "\r\n"), 1);
    free(csv);
    snprintf(path, sizeof path, "%s/steps.csv", fx->dir);
    csv = ts_slurp(path, NULL);
    assert_int_equal(ts_count(csv, "\r\n"), 1);
    free(csv);
    /* the baseline is the second structure now */
    snprintf(path, sizeof path, "%s/results.json", fx->dir);
    char *json = ts_slurp(path, NULL);
    json_t *d = json_loads(json, 0, NULL);
    assert_non_null(d);
    assert_string_equal(json_string_value(json_object_get(d, "baseline")), "mini-slow");
    json_t *p0 = json_array_get(json_object_get(d, "paired"), 0);
    assert_string_equal(json_string_value(json_object_get(p0, "structure")), "mini");
    json_decref(d);
    free(json);
    remove_report(fx->dir);
}

static void report_of_several_scenarios(void **state)
{
    struct fixture *fx = *state;
    kz_sim_result *one[1] = {fx->r[1]}, *same[2] = {fx->r[0], fx->r[0]};
    struct kz_report_group g[3] = {
        {fx->s, fx->r, 2, 0}, {fx->s, one, 1, 0}, {fx->s, same, 2, 0}};
    char err[512] = "";
    int rc = write_quietly(fx->dir, g, 3, err, sizeof err);
    if (rc)
        fail_msg("kz_report_write: %s", err);
    char path[256];
    snprintf(path, sizeof path, "%s/results.json", fx->dir);
    char *json = ts_slurp(path, NULL);
    json_t *d = json_loads(json, 0, NULL);
    assert_non_null(d);
    json_t *sc = json_object_get(d, "scenarios");
    assert_int_equal(json_array_size(sc), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(sc, 1), "scenario")),
                        "mini-raid");
    json_decref(d);
    free(json);
    snprintf(path, sizeof path, "%s/report.html", fx->dir);
    char *html = ts_slurp(path, NULL);
    assert_non_null(strstr(html, "<h2>Summary</h2>"));
    assert_non_null(strstr(html, "id=\"scenario-2\""));
    /* the same result twice: identical chains, said so, never highlighted */
    assert_non_null(strstr(html, "(identical chain, not ranked)"));
    assert_non_null(strstr(html, "<td colspan=\"5\">identical chain, not ranked</td>"));
    assert_non_null(strstr(html, "Identical chain, not ranked:"));
    free(html);
    remove_report(fx->dir);
}

static void unwritable_directory(void **state)
{
    struct fixture *fx = *state;
    struct kz_report_group g = {fx->s, fx->r, 2, 0};
    char err[512] = "";
    assert_int_equal(kz_report_write("/proc/nonexistent-kz/dir", &g, 1, err, sizeof err), KZ_EIO);
    assert_non_null(strstr(err, "cannot create directory '/proc/nonexistent-kz/dir'"));
    /* kz_report_prepare makes missing parents, before any work. */
    char deep[256];
    snprintf(deep, sizeof deep, "%s/a/b", fx->dir);
    assert_int_equal(kz_report_prepare(deep, err, sizeof err), KZ_OK);
    struct stat st;
    assert_int_equal(stat(deep, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    rmdir(deep);
    snprintf(deep, sizeof deep, "%s/a", fx->dir);
    rmdir(deep);
    /* A file where the directory should be. */
    char file[256];
    snprintf(file, sizeof file, "%s/plain-file", fx->dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    err[0] = '\0';
    assert_int_equal(kz_report_write(file, &g, 1, err, sizeof err), KZ_EIO);
    assert_non_null(strstr(err, "not a directory"));
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(json_string_escaping),  cmocka_unit_test(json_numbers_and_nulls),
        cmocka_unit_test(durations_for_readers), cmocka_unit_test(csv_quoting),
        cmocka_unit_test(html_escaping),         cmocka_unit_test(bad_arguments),
    };
    const struct CMUnitTest run[] = {
        cmocka_unit_test(json_of_a_run),
        cmocka_unit_test(report_of_a_run),
        cmocka_unit_test(report_without_rows),
        cmocka_unit_test(report_of_several_scenarios),
        cmocka_unit_test(unwritable_directory),
    };
    int failed = cmocka_run_group_tests_name("report writers", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("report of a real run", run, setup_run, teardown_run);
    return failed;
}
