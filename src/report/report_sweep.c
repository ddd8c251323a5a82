/* report_sweep.c - a sweep's JSON document and CSV files, and the directory they are written to
 * (every file under a temporary name, all renamed once all are complete). */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/json.h"
#include "kizuna/util.h"
#include "report_sweep.h"

/* ---- the study's shared facts ---------------------------------------------------------- */

const char *rep_sweep_scenario(const struct kz_sweep_study *st)
{
    const char *s = st->scenario ? kz_scenario_name(st->scenario) : NULL;
    return s ? s : "scenario";
}

const char *rep_sweep_title(const struct kz_sweep_study *st)
{
    const char *t = st->scenario ? kz_scenario_title(st->scenario) : NULL;
    return t && *t ? t : rep_sweep_scenario(st);
}

size_t rep_sweep_index(const kz_sweep *w, size_t factor)
{
    size_t nf = kz_sweep_nfactors(w);
    for (size_t k = 0; k < nf; k++)
        if (kz_sweep_factor(w, k) == factor)
            return k;
    return nf;
}

void rep_sweep_ends(const struct kz_sweep_entry *e, unsigned methods, size_t k, double *lo,
                    double *hi)
{
    const struct kz_factor *f = kz_levers_factor(e->levers, kz_sweep_factor(e->sweep, k));
    *lo = f ? f->lo : NAN;
    *hi = f ? f->hi : NAN;
    /* sweep.h: item 0 is the nominal, then the low and the high end of each factor. */
    if ((methods & KZ_SWEEP_OAT) && 2 + 2 * k < kz_sweep_nitems(e->sweep)) {
        *lo = kz_sweep_value(e->sweep, 1 + 2 * k, k);
        *hi = kz_sweep_value(e->sweep, 2 + 2 * k, k);
    }
}

void rep_sweep_value(const struct kz_factor *f, double v, char *buf, size_t n)
{
    if (f->duration)
        kz_fmt_dur(v, KZ_DUR_PROSE, buf, n);
    else
        rep_fmt_num(v, buf, n);
}

/* The first LHS item and how many there are (none without LHS). */
static void lhs_items(const struct kz_sweep_study *st, const kz_sweep *w, size_t *first, size_t *n)
{
    size_t items = kz_sweep_nitems(w);
    size_t f = 1 + ((st->methods & KZ_SWEEP_OAT) ? 2 * kz_sweep_nfactors(w) : 0);
    *first = f;
    *n = (st->methods & KZ_SWEEP_LHS) && items > f ? items - f : 0;
}

/* ---- JSON -------------------------------------------------------------------------------- */

/* A seed as JSON: an integer when json_int_t holds it. */
static json_t *seed_json(uint64_t v)
{
    return v <= INT64_MAX ? json_integer((json_int_t)v) : json_real((double)v);
}

static const char *unit_name(const struct kz_factor *f)
{
    return f->duration ? "s" : f->integer ? "count" : NULL;
}

static json_t *factor_obj(const struct kz_factor *f)
{
    json_t *o = json_object(), *vals = NULL;
    bool ok = o != NULL;
    kz_json_set(o, "name", kz_json_str(f->name), &ok);
    kz_json_set(o, "uses", json_integer((json_int_t)f->uses), &ok);
    kz_json_set(o, "file", kz_json_str(f->file), &ok);
    kz_json_set(o, "line", json_integer(f->line), &ok);
    kz_json_set(o, "col", json_integer(f->col), &ok);
    kz_json_set(o, "unit", kz_json_str(unit_name(f)), &ok);
    kz_json_set(o, "nominal", kz_json_num(f->nominal), &ok);
    kz_json_set(o, "lo", kz_json_num(f->lo), &ok);
    kz_json_set(o, "hi", kz_json_num(f->hi), &ok);
    if (f->vals) {
        vals = json_array();
        for (size_t i = 0; vals && i < f->nvals && ok; i++)
            ok = kz_json_push(vals, kz_json_num(f->vals[i]));
    } else {
        vals = json_null();
    }
    kz_json_set(o, "values", vals, &ok);
    kz_json_set(o, "source", kz_json_str(f->source), &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *effect_obj(const struct kz_sweep_study *st, const struct kz_sweep_entry *e,
                          const struct kz_sweep_effect *x, size_t rank)
{
    const struct kz_factor *f = kz_levers_factor(e->levers, x->factor);
    size_t k = rep_sweep_index(e->sweep, x->factor);
    double lo = NAN, hi = NAN;
    if (k < kz_sweep_nfactors(e->sweep))
        rep_sweep_ends(e, st->methods, k, &lo, &hi);
    json_t *o = json_object();
    bool ok = o != NULL && f != NULL;
    kz_json_set(o, "rank", json_integer((json_int_t)rank + 1), &ok);
    kz_json_set(o, "factor", kz_json_str(f ? f->name : NULL), &ok);
    kz_json_set(o, "low", kz_json_num(lo), &ok);
    kz_json_set(o, "high", kz_json_num(hi), &ok);
    kz_json_set(o, "p50_low_s", kz_json_num(x->p50_lo_s), &ok);
    kz_json_set(o, "p50_high_s", kz_json_num(x->p50_hi_s), &ok);
    kz_json_set(o, "met_low", kz_json_num(x->met_lo), &ok);
    kz_json_set(o, "met_high", kz_json_num(x->met_hi), &ok);
    kz_json_set(o, "swing_p50_s", kz_json_num(x->swing_p50_s), &ok);
    kz_json_set(o, "swing_met", kz_json_num(x->swing_met), &ok);
    kz_json_set(o, "prcc_p50", kz_json_num(x->prcc_p50), &ok);
    kz_json_set(o, "prcc_met", kz_json_num(x->prcc_met), &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *thread_obj(const struct kz_sweep_study *st, const struct kz_sweep_entry *e, size_t t)
{
    const struct kz_sweep_thread *th = kz_sweep_thread(e->sweep, t);
    json_t *o = json_object(), *fx = json_array();
    bool ok = o && fx && th;
    if (!ok) {
        json_decref(o);
        json_decref(fx);
        return NULL;
    }
    kz_json_set(o, "name", kz_json_str(th->id), &ok);
    kz_json_set(o, "title", kz_json_str(th->name), &ok);
    kz_json_set(o, "p50_s", kz_json_num(th->p50_s), &ok);
    kz_json_set(o, "p50_lo_s", kz_json_num(th->p50_lo_s), &ok);
    kz_json_set(o, "p50_hi_s", kz_json_num(th->p50_hi_s), &ok);
    kz_json_set(o, "met", kz_json_num(th->met), &ok);
    kz_json_set(o, "met_lo", kz_json_num(th->met_lo), &ok);
    kz_json_set(o, "met_hi", kz_json_num(th->met_hi), &ok);
    kz_json_set(o, "asm_p50_p05_s", kz_json_num(th->asm_p50_p05_s), &ok);
    kz_json_set(o, "asm_p50_p95_s", kz_json_num(th->asm_p50_p95_s), &ok);
    kz_json_set(o, "asm_met_p05", kz_json_num(th->asm_met_p05), &ok);
    kz_json_set(o, "asm_met_p95", kz_json_num(th->asm_met_p95), &ok);
    kz_json_set(o, "prcc_ok", json_boolean(th->prcc_ok), &ok);
    size_t nf = kz_sweep_nfactors(e->sweep);
    for (size_t r = 0; ok && r < nf; r++) {
        const struct kz_sweep_effect *x = kz_sweep_effect(e->sweep, t, r);
        ok = x && kz_json_push(fx, effect_obj(st, e, x, r));
    }
    kz_json_set(o, "effects", fx, &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *structure_obj(const struct kz_sweep_study *st, const struct kz_sweep_entry *e)
{
    json_t *o = json_object(), *fa = json_array(), *ta = json_array();
    bool ok = o && fa && ta;
    size_t first, nlhs;
    lhs_items(st, e->sweep, &first, &nlhs);
    kz_json_set(o, "name", kz_json_str(e->structure), &ok);
    kz_json_set(o, "items", json_integer((json_int_t)kz_sweep_nitems(e->sweep)), &ok);
    kz_json_set(o, "settings", json_integer((json_int_t)nlhs), &ok);
    for (size_t k = 0; ok && k < kz_sweep_nfactors(e->sweep); k++) {
        const struct kz_factor *f = kz_levers_factor(e->levers, kz_sweep_factor(e->sweep, k));
        ok = f && kz_json_push(fa, factor_obj(f));
    }
    kz_json_set(o, "qualitative", json_integer((json_int_t)kz_levers_nqualitative(e->levers)), &ok);
    for (size_t t = 0; ok && t < kz_sweep_nthreads(e->sweep); t++)
        ok = kz_json_push(ta, thread_obj(st, e, t));
    /* kz_json_set takes the arrays' references also when ok is already false. */
    kz_json_set(o, "factors", fa, &ok);
    kz_json_set(o, "threads", ta, &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

static json_t *study_doc(const struct kz_sweep_study *st)
{
    json_t *o = json_object(), *m = json_array(), *ov = json_array(), *sa = json_array();
    bool ok = o && m && ov && sa;
    kz_json_set(o, "scenario", kz_json_str(rep_sweep_scenario(st)), &ok);
    kz_json_set(o, "title", kz_json_str(rep_sweep_title(st)), &ok);
    kz_json_set(o, "samples", json_integer(st->samples), &ok);
    kz_json_set(o, "runs", json_integer(st->runs), &ok);
    kz_json_set(o, "seed", seed_json(st->seed), &ok);
    if (ok && (st->methods & KZ_SWEEP_LHS))
        ok = kz_json_push(m, json_string("lhs"));
    if (ok && (st->methods & KZ_SWEEP_OAT))
        ok = kz_json_push(m, json_string("oat"));
    kz_json_set(o, "methods", m, &ok);
    kz_json_set(o, "only", kz_json_str(st->only), &ok);
    for (size_t i = 0; ok && i < st->noverrides; i++)
        ok = kz_json_push(ov, kz_json_str(st->overrides[i]));
    kz_json_set(o, "overrides", ov, &ok);
    for (size_t i = 0; ok && i < st->nentries; i++)
        ok = kz_json_push(sa, structure_obj(st, &st->entries[i]));
    kz_json_set(o, "structures", sa, &ok);
    if (ok)
        return o;
    json_decref(o);
    return NULL;
}

/* The study can be read: every pointer it promises is there. */
static bool study_ok(const struct kz_sweep_study *st)
{
    if (!st || (st->nentries && !st->entries) || (st->noverrides && !st->overrides))
        return false;
    for (size_t i = 0; i < st->nentries; i++)
        if (!st->entries[i].sweep || !st->entries[i].levers)
            return false;
    for (size_t i = 0; i < st->noverrides; i++)
        if (!st->overrides[i])
            return false;
    return true;
}

/* As every document of docs/json.md: two-space indents, 9 significant digits. */
#define SWEEP_JSON_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(9))

int kz_sweep_report_json(FILE *out, const struct kz_sweep_study *st)
{
    if (!out || !study_ok(st))
        return KZ_EINVAL;
    int rc = kz_json_write(out, study_doc(st), SWEEP_JSON_FLAGS);
    if (rc == 0 && fflush(out) == EOF)
        rc = KZ_EIO;
    return rc;
}

/* ---- CSV --------------------------------------------------------------------------------- */

/* A number as the JSON has it; nothing for null (report_csv.c's rule). */
static void csv_num(struct rep_out *o, double v)
{
    char b[40];
    rep_fmt_num(v, b, sizeof b);
    if (strcmp(b, "null") != 0)
        rep_puts(o, b);
}

/* "scenario,structure," of a row. */
static void row_start(struct rep_out *o, const struct kz_sweep_study *st,
                      const struct kz_sweep_entry *e)
{
    rep_csv_field(o, rep_sweep_scenario(st));
    rep_putc(o, ',');
    rep_csv_field(o, e->structure);
    rep_putc(o, ',');
}

static void tornado_csv(struct rep_out *o, const struct kz_sweep_study *st)
{
    rep_puts(o, "scenario,structure,thread,rank,factor,unit,low,high,p50_low_s,p50_high_s,"
                "met_low,met_high,swing_p50_s,swing_met,prcc_p50,prcc_met\r\n");
    for (size_t i = 0; i < st->nentries; i++) {
        const struct kz_sweep_entry *e = &st->entries[i];
        size_t nf = kz_sweep_nfactors(e->sweep);
        for (size_t t = 0; t < kz_sweep_nthreads(e->sweep); t++)
            for (size_t r = 0; r < nf && !o->failed; r++) {
                const struct kz_sweep_effect *x = kz_sweep_effect(e->sweep, t, r);
                const struct kz_factor *f = x ? kz_levers_factor(e->levers, x->factor) : NULL;
                if (!f)
                    continue;
                double lo = NAN, hi = NAN;
                size_t k = rep_sweep_index(e->sweep, x->factor);
                if (k < nf)
                    rep_sweep_ends(e, st->methods, k, &lo, &hi);
                row_start(o, st, e);
                rep_csv_field(o, kz_sweep_thread(e->sweep, t)->id);
                rep_printf(o, ",%zu,", r + 1);
                rep_csv_field(o, f->name);
                rep_putc(o, ',');
                rep_csv_field(o, unit_name(f));
                const double v[] = {lo,          hi,         x->p50_lo_s,    x->p50_hi_s,
                                    x->met_lo,   x->met_hi,  x->swing_p50_s, x->swing_met,
                                    x->prcc_p50, x->prcc_met};
                for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                    rep_putc(o, ',');
                    csv_num(o, v[j]);
                }
                rep_puts(o, "\r\n");
            }
    }
}

static void intervals_csv(struct rep_out *o, const struct kz_sweep_study *st)
{
    rep_puts(o, "scenario,structure,thread,p50_s,p50_lo_s,p50_hi_s,asm_p50_p05_s,asm_p50_p95_s,"
                "met,met_lo,met_hi,asm_met_p05,asm_met_p95,prcc_ok\r\n");
    for (size_t i = 0; i < st->nentries; i++) {
        const struct kz_sweep_entry *e = &st->entries[i];
        for (size_t t = 0; t < kz_sweep_nthreads(e->sweep) && !o->failed; t++) {
            const struct kz_sweep_thread *th = kz_sweep_thread(e->sweep, t);
            row_start(o, st, e);
            rep_csv_field(o, th->id);
            const double v[] = {th->p50_s,         th->p50_lo_s,   th->p50_hi_s, th->asm_p50_p05_s,
                                th->asm_p50_p95_s, th->met,        th->met_lo,   th->met_hi,
                                th->asm_met_p05,   th->asm_met_p95};
            for (size_t j = 0; j < sizeof v / sizeof v[0]; j++) {
                rep_putc(o, ',');
                csv_num(o, v[j]);
            }
            rep_printf(o, ",%d\r\n", th->prcc_ok ? 1 : 0);
        }
    }
}

/* The factor names of every structure, each once, in the order first met: settings.csv's
 * columns. *out is malloc'd (names borrowed from the levers); KZ_ENOMEM. */
static int factor_columns(const struct kz_sweep_study *st, const char ***out, size_t *n)
{
    size_t cap = 0, got = 0;
    const char **names = NULL;
    for (size_t i = 0; i < st->nentries; i++) {
        const struct kz_sweep_entry *e = &st->entries[i];
        for (size_t k = 0; k < kz_sweep_nfactors(e->sweep); k++) {
            const struct kz_factor *f = kz_levers_factor(e->levers, kz_sweep_factor(e->sweep, k));
            bool seen = !f || !f->name;
            for (size_t j = 0; j < got && !seen; j++)
                seen = strcmp(names[j], f->name) == 0;
            if (seen)
                continue;
            const char **nn = kz_grow(names, &cap, got + 1, sizeof *nn);
            if (!nn) {
                free(names);
                return KZ_ENOMEM;
            }
            names = nn;
            names[got++] = f->name;
        }
    }
    *out = names;
    *n = got;
    return 0;
}

/* The column index of factor k of entry e among the names. */
static size_t column_of(const char *const *names, size_t n, const char *name)
{
    for (size_t j = 0; j < n; j++)
        if (name && strcmp(names[j], name) == 0)
            return j;
    return n;
}

/* The index of thread `id` in sweep w (tried at `hint` first), or kz_sweep_nthreads(w). */
static size_t thread_of(const kz_sweep *w, size_t hint, const char *id)
{
    size_t n = kz_sweep_nthreads(w);
    if (hint < n && strcmp(kz_sweep_thread(w, hint)->id, id) == 0)
        return hint;
    for (size_t t = 0; t < n; t++)
        if (strcmp(kz_sweep_thread(w, t)->id, id) == 0)
            return t;
    return n;
}

/* One row per LHS setting: its index, its item, the value of every factor (empty for a
 * factor of another structure), then each thread's p50 and share met in that setting. The
 * threads are the first structure's (one scenario: the same for all). */
static int settings_csv(struct rep_out *o, const struct kz_sweep_study *st)
{
    const char **names = NULL;
    size_t nn = 0;
    if (factor_columns(st, &names, &nn))
        return KZ_ENOMEM;
    double *row = calloc(nn ? nn : 1, sizeof *row);
    if (!row) {
        free(names);
        return KZ_ENOMEM;
    }
    const kz_sweep *w0 = st->nentries ? st->entries[0].sweep : NULL;
    size_t nt = w0 ? kz_sweep_nthreads(w0) : 0;
    rep_puts(o, "scenario,structure,setting,item");
    for (size_t j = 0; j < nn; j++) {
        rep_putc(o, ',');
        rep_csv_field(o, names[j]);
    }
    for (size_t t = 0; t < nt; t++) {
        const char *id = kz_sweep_thread(w0, t)->id;
        rep_putc(o, ',');
        rep_csv_field(o, id);
        rep_puts(o, ".p50_s,");
        rep_csv_field(o, id);
        rep_puts(o, ".met");
    }
    rep_puts(o, "\r\n");
    for (size_t i = 0; i < st->nentries; i++) {
        const struct kz_sweep_entry *e = &st->entries[i];
        size_t first, nlhs, nf = kz_sweep_nfactors(e->sweep);
        lhs_items(st, e->sweep, &first, &nlhs);
        for (size_t s = 0; s < nlhs && !o->failed; s++) {
            for (size_t j = 0; j < nn; j++)
                row[j] = NAN;
            for (size_t k = 0; k < nf; k++) {
                const struct kz_factor *f =
                    kz_levers_factor(e->levers, kz_sweep_factor(e->sweep, k));
                size_t j = column_of(names, nn, f ? f->name : NULL);
                if (j < nn)
                    row[j] = kz_sweep_value(e->sweep, first + s, k);
            }
            row_start(o, st, e);
            rep_printf(o, "%zu,%zu", s, first + s);
            for (size_t j = 0; j < nn; j++) {
                rep_putc(o, ',');
                csv_num(o, row[j]);
            }
            for (size_t t = 0; t < nt; t++) {
                struct kz_sweep_item it = {.p50_s = NAN, .met = NAN};
                size_t te = thread_of(e->sweep, t, kz_sweep_thread(w0, t)->id);
                if (te < kz_sweep_nthreads(e->sweep) &&
                    kz_sweep_item_thread(e->sweep, first + s, te, &it) != 0)
                    it.p50_s = it.met = NAN;
                rep_putc(o, ',');
                csv_num(o, it.p50_s);
                rep_putc(o, ',');
                csv_num(o, it.met);
            }
            rep_puts(o, "\r\n");
        }
    }
    free(row);
    free(names);
    return 0;
}

/* ---- the directory ----------------------------------------------------------------------- */

enum file { F_JSON, F_TORNADO, F_SETTINGS, F_INTERVALS, F_HTML, NFILES };
static const char *const file_names[NFILES] = {"sweep.json", "tornado.csv", "settings.csv",
                                               "intervals.csv", "report.html"};

/* Writes file w to `path`. 0, KZ_EIO, KZ_ENOMEM or KZ_EGRAPH with a message in err. */
static int write_one(const char *path, enum file w, const struct kz_sweep_study *st, char *err,
                     size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        kz_set_err(err, errlen, "cannot create '%s': %s", path, strerror(errno));
        return KZ_EIO;
    }
    struct rep_out o = {.f = f};
    int rc = 0;
    switch (w) {
    case F_JSON:
        errno = 0;
        rc = kz_json_write(f, study_doc(st), SWEEP_JSON_FLAGS);
        if (rc == KZ_EIO) {
            o.failed = true;
            o.err_no = errno ? errno : EIO;
            rc = 0;
        }
        break;
    case F_TORNADO:
        tornado_csv(&o, st);
        break;
    case F_SETTINGS:
        rc = settings_csv(&o, st);
        break;
    case F_INTERVALS:
        intervals_csv(&o, st);
        break;
    case F_HTML:
        rc = rep_sweep_html(&o, st, err, errlen);
        break;
    case NFILES:
        break;
    }
    if (rc == KZ_ENOMEM)
        kz_set_err(err, errlen, "sweep report: out of memory");
    errno = 0;
    if (fclose(f) == EOF && !o.failed) {
        o.failed = true;
        o.err_no = errno ? errno : EIO;
    }
    if (rc == 0 && o.failed) {
        kz_set_err(err, errlen, "cannot write '%s': %s", path, strerror(o.err_no));
        rc = KZ_EIO;
    }
    return rc;
}

int kz_sweep_report_write(const char *dir, const struct kz_sweep_study *st, char *err,
                          size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!dir || !*dir || !study_ok(st)) {
        kz_set_err(err, errlen, "sweep report: no directory or no study");
        return KZ_EINVAL;
    }
    char *path[NFILES] = {NULL}, *tmp[NFILES] = {NULL};
    size_t dl = strlen(dir), made = 0, renamed = 0;
    bool written = false;
    int rc = 0;
    for (size_t i = 0; i < NFILES && rc == 0; i++) {
        size_t n = dl + strlen(file_names[i]) + 6;
        path[i] = malloc(n);
        tmp[i] = malloc(n);
        if (!path[i] || !tmp[i]) {
            kz_set_err(err, errlen, "sweep report: out of memory");
            rc = KZ_ENOMEM;
            break;
        }
        snprintf(path[i], n, "%s/%s", dir, file_names[i]);
        snprintf(tmp[i], n, "%s.tmp", path[i]);
    }
    /* Every file complete under its temporary name before any takes its own. */
    for (size_t i = 0; i < NFILES && rc == 0; i++) {
        made = i + 1;
        rc = write_one(tmp[i], (enum file)i, st, err, errlen);
    }
    written = rc == 0;
    for (size_t i = 0; i < NFILES && rc == 0; i++) {
        if (rename(tmp[i], path[i]) != 0) {
            kz_set_err(err, errlen, "cannot rename '%s' to '%s': %s", tmp[i], path[i],
                       strerror(errno));
            rc = KZ_EIO;
        } else {
            renamed = i + 1;
        }
    }
    if (rc != 0) {
        /* No temporary file left; and once a rename has failed, no file of either this study
         * or an earlier one (the set would be a mix of the two). */
        for (size_t i = renamed; i < made; i++)
            remove(tmp[i]);
        for (size_t i = 0; written && i < NFILES; i++)
            remove(path[i]);
    }
    for (size_t i = 0; i < NFILES; i++) {
        free(path[i]);
        free(tmp[i]);
    }
    return rc;
}
