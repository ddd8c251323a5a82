/* test_sweep_report.c - a sweep's report: the JSON against the sweep's accessors, nulls, the CSV
 * rows, the page's charts, identical bytes for the same study, no complete-looking files after
 * a failure; and the tornado chart from plain arrays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kizuna/diag.h"
#include "kizuna/error.h"
#include "kizuna/levers.h"
#include "kizuna/model.h"
#include "kizuna/report.h"
#include "kizuna/scenario.h"
#include "kizuna/sweep.h"
#include "kizuna/sweep_report.h"
#include "report/report_sweep.h"
#include "files.h"

#define DATA    KZ_SOURCE_DIR "/tests/data/sim/"
#define SAMPLES 12
#define RUNS    40

static const char *const files[] = {"sweep.json", "tornado.csv", "settings.csv", "intervals.csv",
                                    "report.html"};
#define NFILES (sizeof files / sizeof files[0])

/* ---- helpers ------------------------------------------------------------------------------ */

static bool exists(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

static void remove_files(const char *dir)
{
    char path[256];
    for (size_t i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
        snprintf(path, sizeof path, "%s/%s.tmp", dir, files[i]);
        unlink(path);
    }
}

/* `text` as PLplot's svg driver writes a label: each character as a hexadecimal reference
 * (ASCII only here). malloc'd. */
static char *svg_text(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(8 * n + 1), *w = out;
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        w += sprintf(w, "&#x%x;", (unsigned char)text[i]);
    *w = '\0';
    return out;
}

/* Where label `text` is in an SVG drawn by PLplot, or NULL. */
static const char *svg_find(const char *svg, const char *text)
{
    char *t = svg_text(text);
    const char *at = strstr(svg, t);
    free(t);
    return at;
}

/* A JSON number or null as a double (null: NAN). */
static double num(const json_t *v)
{
    assert_non_null(v);
    if (json_is_null(v))
        return NAN;
    assert_true(json_is_number(v));
    return json_number_value(v);
}

/* v written with 9 significant digits reads back as w (both NAN or infinite: null). */
static void same(const json_t *v, double w)
{
    double x = num(v);
    if (!isfinite(w)) {
        assert_true(json_is_null(v));
        return;
    }
    assert_true(isfinite(x));
    if (fabs(x - w) > 1e-8 * fmax(1, fabs(w)))
        fail_msg("JSON %.17g, sweep %.17g", x, w);
}

/* A member of a JSON object and the sweep's number it must equal (same). */
struct field {
    const char *key;
    double want;
};

static void same_fields(const json_t *obj, const struct field *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(obj, f[i].key);
        if (!v)
            fail_msg("no member %s", f[i].key);
        same(v, f[i].want);
    }
}

/* ---- the study: one small sweep, run for real --------------------------------------------- */

struct study {
    kz_model *m;
    kz_scenario *s;
    kz_levers *lv;
    kz_sweep *w;
    double *all;
    struct kz_sweep_entry e;
    struct kz_sweep_study st;
    const char *overrides[1];
    char dir[192];
};

/* Plans, runs and folds the sweep of sweep_report.yaml with `methods`, one --set applied. */
static struct study *study_new(unsigned methods)
{
    struct study *x = calloc(1, sizeof *x);
    assert_non_null(x);
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    int rc = kz_model_load_file(DATA "sweep_report.yaml", &x->m, d);
    if (rc == KZ_OK)
        rc = kz_model_check(x->m, d);
    if (rc == KZ_OK)
        rc = kz_scenario_load_file(DATA "sweep_report-scenario.yaml", &x->s, d);
    if (rc == KZ_OK)
        rc = kz_scenario_bind_check(x->s, x->m, d);
    for (size_t i = 0; i < kz_diags_count(d); i++)
        kz_diag_print(kz_diags_get(d, i), stderr);
    kz_diags_destroy(d);
    assert_int_equal(rc, KZ_OK);
    assert_int_equal(kz_levers_open(x->m, x->s, &x->lv), KZ_OK);
    char err[256] = "";
    x->overrides[0] = "network.net.latency.overhead.median=4s";
    if (kz_levers_set(x->lv, x->overrides[0], err, sizeof err))
        fail_msg("kz_levers_set: %s", err);
    struct kz_sweep_options o = {
        .samples = SAMPLES, .runs = RUNS, .methods = methods, .threads = 2};
    if (kz_sweep_plan(x->lv, x->m, x->s, &o, &x->w, err, sizeof err))
        fail_msg("kz_sweep_plan: %s", err);
    size_t n = kz_sweep_nitems(x->w), width = kz_sweep_item_width(x->w);
    x->all = calloc(n * width, sizeof *x->all);
    assert_non_null(x->all);
    if (kz_sweep_eval(x->w, 0, n, x->all, NULL, NULL, err, sizeof err))
        fail_msg("kz_sweep_eval: %s", err);
    assert_int_equal(kz_sweep_fold(x->w, x->all), KZ_OK);
    x->e =
        (struct kz_sweep_entry){.structure = kz_model_name(x->m), .sweep = x->w, .levers = x->lv};
    x->st = (struct kz_sweep_study){.scenario = x->s,
                                    .entries = &x->e,
                                    .nentries = 1,
                                    .samples = SAMPLES,
                                    .runs = RUNS,
                                    .methods = methods,
                                    .seed = kz_scenario_seed(x->s),
                                    .only = NULL,
                                    .overrides = x->overrides,
                                    .noverrides = 1};
    assert_int_equal(ts_tempdir(x->dir, sizeof x->dir, "sweep-report"), 0);
    return x;
}

static void study_free(struct study *x)
{
    remove_files(x->dir);
    rmdir(x->dir);
    kz_sweep_free(x->w);
    kz_levers_free(x->lv);
    kz_scenario_free(x->s);
    kz_model_free(x->m);
    free(x->all);
    free(x);
}

static int setup(void **state)
{
    *state = study_new(KZ_SWEEP_LHS | KZ_SWEEP_OAT);
    return 0;
}

static int teardown(void **state)
{
    study_free(*state);
    return 0;
}

/* The JSON document of `st`, parsed. */
static json_t *json_of(const struct kz_sweep_study *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kz_sweep_report_json(f, st), KZ_OK);
    assert_int_equal(fclose(f), 0);
    assert_true(len > 0 && buf[len - 1] == '\n');
    json_error_t e;
    json_t *doc = json_loads(buf, 0, &e);
    if (!doc)
        fail_msg("sweep JSON does not parse: %s at %d:%d", e.text, e.line, e.column);
    free(buf);
    return doc;
}

/* ---- the JSON ------------------------------------------------------------------------------- */

static void json_is_the_sweep(void **state)
{
    struct study *x = *state;
    json_t *doc = json_of(&x->st);
    assert_string_equal(json_string_value(json_object_get(doc, "scenario")), "sweep-report");
    assert_int_equal(json_integer_value(json_object_get(doc, "samples")), SAMPLES);
    assert_int_equal(json_integer_value(json_object_get(doc, "runs")), RUNS);
    assert_int_equal(json_integer_value(json_object_get(doc, "seed")), kz_scenario_seed(x->s));
    json_t *methods = json_object_get(doc, "methods");
    assert_int_equal(json_array_size(methods), 2);
    assert_string_equal(json_string_value(json_array_get(methods, 0)), "lhs");
    assert_true(json_is_null(json_object_get(doc, "only")));
    json_t *ov = json_object_get(doc, "overrides");
    assert_int_equal(json_array_size(ov), 1);
    assert_string_equal(json_string_value(json_array_get(ov, 0)), x->overrides[0]);

    json_t *s0 = json_array_get(json_object_get(doc, "structures"), 0);
    assert_string_equal(json_string_value(json_object_get(s0, "name")), kz_model_name(x->m));
    assert_int_equal(json_integer_value(json_object_get(s0, "qualitative")),
                     kz_levers_nqualitative(x->lv));
    assert_int_equal(json_integer_value(json_object_get(s0, "settings")), SAMPLES);
    json_t *fa = json_object_get(s0, "factors");
    size_t nf = kz_sweep_nfactors(x->w);
    assert_true(nf >= 3);
    assert_int_equal(json_array_size(fa), nf);
    for (size_t k = 0; k < nf; k++) {
        const struct kz_factor *f = kz_levers_factor(x->lv, kz_sweep_factor(x->w, k));
        json_t *jf = json_array_get(fa, k);
        assert_string_equal(json_string_value(json_object_get(jf, "name")), f->name);
        assert_string_equal(json_string_value(json_object_get(jf, "file")), f->file);
        assert_int_equal(json_integer_value(json_object_get(jf, "line")), f->line);
        assert_int_equal(json_integer_value(json_object_get(jf, "col")), f->col);
        same(json_object_get(jf, "nominal"), f->nominal);
        same(json_object_get(jf, "lo"), f->lo);
        same(json_object_get(jf, "hi"), f->hi);
        if (f->duration)
            assert_string_equal(json_string_value(json_object_get(jf, "unit")), "s");
    }

    json_t *ta = json_object_get(s0, "threads");
    size_t nt = kz_sweep_nthreads(x->w);
    assert_int_equal(nt, 2);
    assert_int_equal(json_array_size(ta), nt);
    for (size_t t = 0; t < nt; t++) {
        const struct kz_sweep_thread *th = kz_sweep_thread(x->w, t);
        json_t *jt = json_array_get(ta, t);
        assert_string_equal(json_string_value(json_object_get(jt, "name")), th->id);
        const struct field tf[] = {{"p50_s", th->p50_s},
                                   {"p50_lo_s", th->p50_lo_s},
                                   {"p50_hi_s", th->p50_hi_s},
                                   {"met", th->met},
                                   {"asm_p50_p05_s", th->asm_p50_p05_s},
                                   {"asm_p50_p95_s", th->asm_p50_p95_s},
                                   {"asm_met_p05", th->asm_met_p05},
                                   {"asm_met_p95", th->asm_met_p95}};
        same_fields(jt, tf, sizeof tf / sizeof tf[0]);
        assert_int_equal(json_is_true(json_object_get(jt, "prcc_ok")), th->prcc_ok);
        /* The effects in the sweep's rank order, each with the sweep's numbers. */
        json_t *fx = json_object_get(jt, "effects");
        assert_int_equal(json_array_size(fx), nf);
        for (size_t r = 0; r < nf; r++) {
            const struct kz_sweep_effect *e = kz_sweep_effect(x->w, t, r);
            json_t *je = json_array_get(fx, r);
            assert_int_equal(json_integer_value(json_object_get(je, "rank")), r + 1);
            assert_string_equal(json_string_value(json_object_get(je, "factor")),
                                kz_levers_factor(x->lv, e->factor)->name);
            /* ... and the ends the one-at-a-time items ran, from the plan. */
            size_t k = rep_sweep_index(x->w, e->factor);
            assert_true(k < nf);
            const struct field ef[] = {{"p50_low_s", e->p50_lo_s},
                                       {"p50_high_s", e->p50_hi_s},
                                       {"met_low", e->met_lo},
                                       {"met_high", e->met_hi},
                                       {"swing_p50_s", e->swing_p50_s},
                                       {"swing_met", e->swing_met},
                                       {"prcc_p50", e->prcc_p50},
                                       {"prcc_met", e->prcc_met},
                                       {"low", kz_sweep_value(x->w, 1 + 2 * k, k)},
                                       {"high", kz_sweep_value(x->w, 2 + 2 * k, k)}};
            same_fields(je, ef, sizeof ef / sizeof ef[0]);
            if (r > 0) {
                const struct kz_sweep_effect *p = kz_sweep_effect(x->w, t, r - 1);
                assert_true(p->swing_p50_s >= e->swing_p50_s);
            }
        }
    }
    json_decref(doc);
}

/* Without one-at-a-time runs the OAT figures are null; without the Latin hypercube the
 * assumption interval and the PRCC are. */
static void json_nulls_for_what_did_not_run(void **state)
{
    (void)state;
    struct study *x = study_new(KZ_SWEEP_LHS);
    json_t *doc = json_of(&x->st);
    json_t *t0 = json_array_get(
        json_object_get(json_array_get(json_object_get(doc, "structures"), 0), "threads"), 0);
    json_t *e0 = json_array_get(json_object_get(t0, "effects"), 0);
    assert_true(isnan(kz_sweep_effect(x->w, 0, 0)->p50_lo_s));
    assert_true(json_is_null(json_object_get(e0, "p50_low_s")));
    assert_true(json_is_null(json_object_get(e0, "swing_p50_s")));
    assert_true(json_is_number(json_object_get(t0, "asm_p50_p05_s")));
    json_decref(doc);
    study_free(x);

    x = study_new(KZ_SWEEP_OAT);
    doc = json_of(&x->st);
    json_t *s0 = json_array_get(json_object_get(doc, "structures"), 0);
    t0 = json_array_get(json_object_get(s0, "threads"), 0);
    e0 = json_array_get(json_object_get(t0, "effects"), 0);
    assert_int_equal(json_integer_value(json_object_get(s0, "settings")), 0);
    assert_true(json_is_null(json_object_get(t0, "asm_p50_p05_s")));
    assert_true(json_is_null(json_object_get(t0, "asm_met_p95")));
    assert_true(json_is_false(json_object_get(t0, "prcc_ok")));
    assert_true(json_is_null(json_object_get(e0, "prcc_p50")));
    assert_true(json_is_number(json_object_get(e0, "p50_low_s")));
    json_decref(doc);
    /* The report of a sweep without LHS is still written: settings.csv has its header only. */
    char err[256] = "";
    if (kz_sweep_report_write(x->dir, &x->st, err, sizeof err))
        fail_msg("kz_sweep_report_write: %s", err);
    char path[256];
    snprintf(path, sizeof path, "%s/settings.csv", x->dir);
    char *csv = ts_slurp(path, NULL);
    assert_int_equal(ts_count(csv, "\r\n"), 1);
    free(csv);
    study_free(x);
}

/* ---- the files ------------------------------------------------------------------------------ */

/* Fields of one CSV line (no quoted separators in these files' names). */
static size_t fields(const char *line, const char *end)
{
    size_t n = 1;
    for (const char *p = line; p < end; p++)
        n += *p == ',';
    return n;
}

/* Every row of a CSV has the header's number of fields; returns the rows after the header. */
static size_t csv_rows(const char *csv)
{
    const char *eol = strstr(csv, "\r\n");
    assert_non_null(eol);
    size_t want = fields(csv, eol), rows = 0;
    for (const char *p = eol + 2; *p; rows++) {
        const char *e = strstr(p, "\r\n");
        assert_non_null(e);
        assert_int_equal(fields(p, e), want);
        p = e + 2;
    }
    return rows;
}

static void files_of_a_sweep(void **state)
{
    struct study *x = *state;
    char err[256] = "", path[256];
    assert_int_equal(kz_report_prepare(x->dir, err, sizeof err), KZ_OK);
    if (kz_sweep_report_write(x->dir, &x->st, err, sizeof err))
        fail_msg("kz_sweep_report_write: %s", err);
    for (size_t i = 0; i < NFILES; i++) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s.tmp", files[i]);
        assert_true(exists(x->dir, files[i]));
        assert_false(exists(x->dir, tmp));
    }
    size_t nf = kz_sweep_nfactors(x->w), nt = kz_sweep_nthreads(x->w);

    /* sweep.json is kz_sweep_report_json's document, byte for byte. */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(kz_sweep_report_json(f, &x->st), KZ_OK);
    fclose(f);
    size_t flen;
    snprintf(path, sizeof path, "%s/sweep.json", x->dir);
    char *file = ts_slurp(path, &flen);
    assert_int_equal(flen, len);
    assert_memory_equal(file, buf, len);
    free(file);
    free(buf);

    snprintf(path, sizeof path, "%s/tornado.csv", x->dir);
    char *csv = ts_slurp(path, NULL);
    assert_int_equal(csv_rows(csv), nf * nt);
    /* The first row is thread 0's largest swing. */
    const struct kz_factor *top = kz_levers_factor(x->lv, kz_sweep_effect(x->w, 0, 0)->factor);
    char want[256];
    snprintf(want, sizeof want, "\r\nsweep-report,%s,%s,1,%s,", kz_model_name(x->m),
             kz_sweep_thread(x->w, 0)->id, top->name);
    assert_non_null(strstr(csv, want));
    free(csv);

    snprintf(path, sizeof path, "%s/intervals.csv", x->dir);
    csv = ts_slurp(path, NULL);
    assert_int_equal(csv_rows(csv), nt);
    free(csv);

    /* settings.csv: a row per LHS setting, its factor values the plan's. */
    snprintf(path, sizeof path, "%s/settings.csv", x->dir);
    csv = ts_slurp(path, NULL);
    assert_int_equal(csv_rows(csv), SAMPLES);
    size_t first = 1 + 2 * nf;
    const char *row = strstr(csv, "\r\n") + 2;
    char lead[256];
    snprintf(lead, sizeof lead, "sweep-report,%s,0,%zu,", kz_model_name(x->m), first);
    assert_int_equal(strncmp(row, lead, strlen(lead)), 0);
    double v = strtod(row + strlen(lead), NULL);
    double planned = kz_sweep_value(x->w, first, 0);
    assert_true(fabs(v - planned) <= 1e-8 * fmax(1, fabs(planned)));
    free(csv);

    /* report.html: two charts per thread (the intervals, the tornado) naming the top factor,
     * the override in the header, the one-at-a-time caveat. */
    snprintf(path, sizeof path, "%s/report.html", x->dir);
    char *html = ts_slurp(path, NULL);
    assert_int_equal(ts_count(html, "<svg"), 2 * nt);
    assert_int_equal(ts_count(html, "aria-label=\"What moves the p50 most"), nt);
    /* Each tornado names its thread's top factor, and so does the table under it. */
    const char *at = html;
    for (size_t t = 0; t < nt; t++) {
        const struct kz_factor *ft = kz_levers_factor(x->lv, kz_sweep_effect(x->w, t, 0)->factor);
        at = strstr(at, "aria-label=\"What moves the p50 most");
        assert_non_null(at);
        const char *end = strstr(at, "</svg>");
        const char *label = svg_find(at, ft->name);
        assert_non_null(label);
        assert_true(label < end);
        char cell[160];
        snprintf(cell, sizeof cell, "<td class=\"n\">1</td><td><code>%s</code>", ft->name);
        assert_non_null(strstr(end, cell));
        at = end;
    }
    assert_non_null(strstr(html, x->overrides[0]));
    assert_non_null(strstr(html, "One-at-a-time: blind to interactions"));
    assert_non_null(strstr(html, "1 qualitative assumption in"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<?xml"));
    free(html);
}

/* The same study written twice: the same bytes in every file. */
static void same_bytes_twice(void **state)
{
    struct study *x = *state;
    char err[256] = "", other[192];
    assert_int_equal(ts_tempdir(other, sizeof other, "sweep-report"), 0);
    assert_int_equal(kz_sweep_report_write(x->dir, &x->st, err, sizeof err), KZ_OK);
    assert_int_equal(kz_sweep_report_write(other, &x->st, err, sizeof err), KZ_OK);
    for (size_t i = 0; i < NFILES; i++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "%s/%s", x->dir, files[i]);
        snprintf(b, sizeof b, "%s/%s", other, files[i]);
        size_t la, lb;
        char *ta = ts_slurp(a, &la), *tb = ts_slurp(b, &lb);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(ta, tb, la);
        free(ta);
        free(tb);
    }
    remove_files(other);
    rmdir(other);
}

/* A file that cannot take its name (report.html is a directory): KZ_EIO, and neither this
 * study's files, an earlier run's, nor a temporary one are left to look like a report. */
static void failure_leaves_no_report(void **state)
{
    struct study *x = *state;
    char err[256] = "", block[256];
    assert_int_equal(kz_sweep_report_write(x->dir, &x->st, err, sizeof err), KZ_OK);
    assert_true(exists(x->dir, "sweep.json"));
    snprintf(block, sizeof block, "%s/report.html", x->dir);
    assert_int_equal(unlink(block), 0);
    assert_int_equal(mkdir(block, 0777), 0);
    snprintf(block, sizeof block, "%s/report.html/keep", x->dir);
    FILE *f = fopen(block, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(kz_sweep_report_write(x->dir, &x->st, err, sizeof err), KZ_EIO);
    assert_non_null(strstr(err, "report.html"));
    for (size_t i = 0; i < NFILES - 1; i++) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%s.tmp", files[i]);
        assert_false(exists(x->dir, files[i]));
        assert_false(exists(x->dir, tmp));
    }
    assert_false(exists(x->dir, "report.html.tmp"));
    unlink(block);
    snprintf(block, sizeof block, "%s/report.html", x->dir);
    rmdir(block);
    /* A directory that does not exist: KZ_EIO naming it. */
    assert_int_equal(kz_sweep_report_write("/nonexistent/kz", &x->st, err, sizeof err), KZ_EIO);
    assert_non_null(strstr(err, "/nonexistent/kz"));
}

static void bad_arguments(void **state)
{
    struct study *x = *state;
    char err[128] = "";
    assert_int_equal(kz_sweep_report_json(NULL, &x->st), KZ_EINVAL);
    assert_int_equal(kz_sweep_report_json(stdout, NULL), KZ_EINVAL);
    assert_int_equal(kz_sweep_report_write(NULL, &x->st, err, sizeof err), KZ_EINVAL);
    assert_int_equal(kz_sweep_report_write(x->dir, NULL, err, sizeof err), KZ_EINVAL);
    struct kz_sweep_entry broken = x->e;
    broken.sweep = NULL;
    struct kz_sweep_study st = x->st;
    st.entries = &broken;
    assert_int_equal(kz_sweep_report_write(x->dir, &st, err, sizeof err), KZ_EINVAL);
    assert_false(exists(x->dir, "sweep.json.tmp"));
}

/* ---- the tornado from plain arrays ------------------------------------------------------------
 */

static void tornado_chart(void **state)
{
    (void)state;
    const struct chart_tornado_row rows[] = {
        {"node.hq.processing.decide.median", 5 * 60, 40 * 60},
        {"a#b<c", 19 * 60, 21 * 60},
        {"not.reached", 18 * 60, INFINITY},
        {"not.run", NAN, NAN},
    };
    char err[256] = "", *svg = NULL;
    size_t len = 0;
    assert_int_equal(chart_tornado("T", 20 * 60, rows, 4, &svg, &len, err, sizeof err), KZ_OK);
    assert_non_null(svg);
    assert_int_equal(strlen(svg), len);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(svg_find(svg, "node.hq.processing.decide.median"));
    assert_non_null(svg_find(svg, "a#b<c")); /* '#' shown as itself, not an escape */
    assert_non_null(svg_find(svg, "not reached"));
    assert_non_null(svg_find(svg, "nominal p50 20m 00s"));
    /* Rows are drawn in the order given. */
    assert_true(svg_find(svg, "decide.median") < svg_find(svg, "a#b"));
    free(svg);

    const struct chart_span p50 = {600, 580, 640, 300, INFINITY}, met = {0.8, 0.7, 0.9, NAN, NAN};
    assert_int_equal(chart_spans("S", &p50, &met, &svg, &len, err, sizeof err), KZ_OK);
    assert_non_null(svg_find(svg, "not reached"));
    assert_non_null(svg_find(svg, "not run"));
    free(svg);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(tornado_chart),
    };
    const struct CMUnitTest run[] = {
        cmocka_unit_test(json_is_the_sweep),
        cmocka_unit_test(json_nulls_for_what_did_not_run),
        cmocka_unit_test(files_of_a_sweep),
        cmocka_unit_test(same_bytes_twice),
        cmocka_unit_test(failure_leaves_no_report),
        cmocka_unit_test(bad_arguments),
    };
    int failed = cmocka_run_group_tests_name("sweep charts", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("report of a real sweep", run, setup, teardown);
    return failed;
}
