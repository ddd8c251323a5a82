/* validate.c - validation cases: observed public events beside the model's figures. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/data.h"
#include "kizuna/error.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"
#include "stats.h"
#include "kizuna/validate.h"
#include "model/yread.h"
#include "scenario/scenario_impl.h"
#include "scenario/scenario_override.h"

#define MAX_CASES   256
#define MAX_SOURCES 32
#define MAX_THREADS 64

const char *const kz_vquantity_names[3] = {"p10", "p50", "p90"};
const char *const kz_vbound_names[4] = {"exact", "range", "upper", "lower"};
static const double quantile_q[3] = {0.10, 0.50, 0.90};

/* One case as loaded; every string points into the validation's arena. */
struct vcase {
    const char *id, *title, *date, *observed, *notes;
    const char **sources;
    size_t nsources;
    const char *structure, *scenario, *thread, *from, *to;
    struct pos pos, structure_pos, scenario_pos, thread_pos, from_pos, to_pos;
    bool calibration;
    struct soverrides ov;
    enum kz_vquantity q;
    enum kz_vbound bound;
    double lo, hi, tol_lo, tol_hi;
};

struct kz_validation {
    struct arena arena;
    const char *file, *title;
    struct vcase *cases;
    size_t ncases;
};

/* ---- the pure parts ------------------------------------------------------------------ */

double kz_vquantile(double *x, size_t n, double q)
{
    if (!x || n == 0 || !(q > 0 && q < 1))
        return NAN;
    stats_sort(x, n);
    size_t k = (size_t)ceil(q * (double)n);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return x[k - 1];
}

bool kz_vcase_judge(double model_s, double tol_lo_s, double tol_hi_s)
{
    if (isnan(model_s) || isnan(tol_lo_s) || isnan(tol_hi_s))
        return false;
    return model_s >= tol_lo_s && model_s <= tol_hi_s;
}

/* ---- loading -------------------------------------------------------------------------- */

struct vl {
    struct yread r;
    struct kz_validation *v;
};

static struct pos pos_of(const struct ynode *n) { return (struct pos){n->line, n->col}; }

/* A required text value (a string) of map[key]; NULL after reporting. */
static const char *text_of(struct vl *L, const struct ynode *map, const char *key,
                           struct pos *where)
{
    const struct ynode *n = yr_required(&L->r, map, key, "a case");
    if (!n)
        return NULL;
    if (where)
        *where = pos_of(n);
    return yr_str_of(&L->r, n, key);
}

/* A name (letters, digits, '-', '_', '.', '@', '/') or a path: anything without control bytes. */
static const char *ref_of(struct vl *L, const struct ynode *map, const char *key,
                          struct pos *where)
{
    const char *s = text_of(L, map, key, where);
    if (!s)
        return NULL;
    bool ok = *s && strlen(s) < 1024;
    for (const char *p = s; ok && *p; p++)
        ok = (unsigned char)*p >= 0x20 && *p != 0x7f;
    if (!ok) {
        yr_report(&L->r, ymap_get(map, key), 12, "%s '%.40s' must be a name or a path", key, s);
        return NULL;
    }
    return s;
}

static const char *step_ref_of(struct vl *L, const struct ynode *map, const char *key,
                               struct pos *where)
{
    const char *s = text_of(L, map, key, where);
    bool ok = s && *s && strlen(s) <= 64;
    for (const char *p = s; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '-' || *p == '_' || *p == '.';
    if (s && !ok) {
        yr_report(&L->r, ymap_get(map, key), 12,
                  "%s '%.40s' must be a step id (1-64 letters, digits, '-', '_' or '.')", key, s);
        return NULL;
    }
    return s;
}

/* "YYYY-MM-DD", a plausible calendar date. */
static bool date_ok(const char *s)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    return y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1];
}

static void sources_of(struct vl *L, const struct ynode *map, struct vcase *c)
{
    const struct ynode *n = yr_required(&L->r, map, "sources", "a case");
    if (!n)
        return;
    if (n->type == Y_SCALAR && !ynode_is_null(n)) {
        c->sources = yr_lalloc(&L->r, sizeof *c->sources);
        if (c->sources && (c->sources[0] = yr_str_of(&L->r, n, "a source")))
            c->nsources = 1;
    } else if (yr_want(&L->r, n, Y_SEQ, "sources")) {
        if (n->n == 0 || n->n > MAX_SOURCES) {
            yr_report(&L->r, n, 13, "sources has %zu items; a case cites 1 to %d", n->n,
                      MAX_SOURCES);
            return;
        }
        c->sources = yr_lalloc(&L->r, n->n * sizeof *c->sources);
        for (size_t i = 0; c->sources && i < n->n; i++)
            if ((c->sources[c->nsources] = yr_str_of(&L->r, n->kids[i], "a source")))
                c->nsources++;
    }
    for (size_t i = 0; i < c->nsources; i++) {
        const char *s = c->sources[i];
        if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
            yr_report(&L->r, n->type == Y_SEQ ? n->kids[i] : n, 12,
                      "source '%.60s' must be a public address (http:// or https://)", s);
    }
}

/* `figure: 4m`, `[3m, 5m]`, or `{at_most: 4m}` / `{at_least: 2m}` / both. */
static void figure_of(struct vl *L, const struct ynode *n, struct vcase *c)
{
    if (n->type == Y_SEQ) {
        if (n->n != 2) {
            yr_report(&L->r, n, 12, "figure must be a duration, [lo, hi] or {at_most: D}");
            return;
        }
        if (yr_duration_of(&L->r, n->kids[0], "figure", &c->lo) &&
            yr_duration_of(&L->r, n->kids[1], "figure", &c->hi)) {
            c->bound = KZ_VB_RANGE;
            if (c->lo > c->hi)
                yr_report(&L->r, n, 13, "figure [lo, hi] needs lo <= hi");
        }
    } else if (n->type == Y_MAP) {
        static const char *const keys[] = {"at_most", "at_least", NULL};
        yr_check_keys(&L->r, n, keys, "figure");
        const struct ynode *most = ymap_get(n, "at_most"), *least = ymap_get(n, "at_least");
        c->lo = 0;
        c->hi = INFINITY;
        if (!most && !least)
            yr_report(&L->r, n, 6, "figure needs at_most or at_least");
        if (most && !yr_duration_of(&L->r, most, "at_most", &c->hi))
            return;
        if (least && !yr_duration_of(&L->r, least, "at_least", &c->lo))
            return;
        c->bound = most && least ? KZ_VB_RANGE : most ? KZ_VB_UPPER : KZ_VB_LOWER;
        if (c->lo > c->hi)
            yr_report(&L->r, n, 13, "figure needs at_least <= at_most");
    } else if (yr_duration_of(&L->r, n, "figure", &c->lo)) {
        c->hi = c->lo;
        c->bound = KZ_VB_EXACT;
    }
}

/* `within: 50%` or `within: 1m` around the observed figure. */
static void within_of(struct vl *L, const struct ynode *n, struct vcase *c)
{
    const char *s = yr_str_of(&L->r, n, "within");
    if (!s)
        return;
    size_t len = strlen(s);
    if (len > 1 && s[len - 1] == '%') {
        char buf[32];
        double p;
        snprintf(buf, sizeof buf, "%.*s", (int)(len - 1), s);
        if (len - 1 >= sizeof buf || kz_parse_double(buf, 0, 1000, &p) != KZ_OK) {
            yr_report(&L->r, n, 13, "within '%.40s' must be a percentage from 0%% to 1000%%", s);
            return;
        }
        c->tol_lo = c->lo * (1 - (p > 100 ? 100 : p) / 100);
        c->tol_hi = c->hi * (1 + p / 100);
        return;
    }
    double d;
    if (yr_duration_of(&L->r, n, "within", &d)) {
        c->tol_lo = c->lo > d ? c->lo - d : 0;
        c->tol_hi = c->hi + d;
    }
}

/* `tolerance: {p50: [lo, hi]}`: the quantity and the band it must fall in. */
static void tolerance_of(struct vl *L, const struct ynode *n, struct vcase *c, bool has_q)
{
    if (!yr_want(&L->r, n, Y_MAP, "tolerance"))
        return;
    if (n->n != 1) {
        yr_report(&L->r, n, 12, "tolerance names one quantity (p10, p50 or p90), e.g. "
                                "{p50: [2m, 4m]}");
        return;
    }
    int q = yr_enum_of(&L->r, n->kids[0], "tolerance's quantity", kz_vquantity_names, 3);
    if (q < 0)
        return;
    if (has_q && q != (int)c->q) {
        yr_report(&L->r, n->kids[0], 12, "tolerance is for %s but quantity is %s",
                  kz_vquantity_names[q], kz_vquantity_names[c->q]);
        return;
    }
    c->q = (enum kz_vquantity)q;
    const struct ynode *b = n->kids[1];
    if (!yr_want(&L->r, b, Y_SEQ, "tolerance's band"))
        return;
    if (b->n != 2) {
        yr_report(&L->r, b, 12, "tolerance's band must be [lo, hi]");
        return;
    }
    if (yr_duration_of(&L->r, b->kids[0], "tolerance", &c->tol_lo) &&
        yr_duration_of(&L->r, b->kids[1], "tolerance", &c->tol_hi) && c->tol_lo > c->tol_hi)
        yr_report(&L->r, b, 13, "tolerance [lo, hi] needs lo <= hi");
}

static const char *const case_keys[] = {
    "id",     "title",     "date",   "sources",  "observed", "notes",    "calibration",
    "structure", "scenario", "thread", "from",   "to",       "overrides", "figure",
    "quantity", "tolerance", "within", NULL};

static void load_case(struct vl *L, const struct ynode *n, struct vcase *c)
{
    if (!yr_want(&L->r, n, Y_MAP, "a case"))
        return;
    yr_check_keys(&L->r, n, case_keys, "a case");
    c->pos = pos_of(n);
    c->id = yr_id_of(&L->r, n, "a case");
    c->title = text_of(L, n, "title", NULL);
    if ((c->date = text_of(L, n, "date", NULL)) && !date_ok(c->date))
        yr_report(&L->r, ymap_get(n, "date"), 12, "date '%.20s' must be YYYY-MM-DD", c->date);
    sources_of(L, n, c);
    c->observed = text_of(L, n, "observed", NULL);
    const struct ynode *v;
    if ((v = ymap_get(n, "notes")))
        c->notes = yr_str_of(&L->r, v, "notes");
    if ((v = ymap_get(n, "calibration")))
        yr_bool_of(&L->r, v, "calibration", &c->calibration);
    c->structure = ref_of(L, n, "structure", &c->structure_pos);
    c->scenario = ref_of(L, n, "scenario", &c->scenario_pos);
    c->thread = step_ref_of(L, n, "thread", &c->thread_pos);
    c->from = step_ref_of(L, n, "from", &c->from_pos);
    c->to = step_ref_of(L, n, "to", &c->to_pos);
    if (c->to && !strcmp(c->to, "start"))
        yr_report(&L->r, ymap_get(n, "to"), 12, "to must be a step id; 'start' is only a from");
    if ((v = ymap_get(n, "overrides")))
        so_read(&L->r, v, &c->ov);
    if ((v = yr_required(&L->r, n, "figure", "a case")))
        figure_of(L, v, c);
    c->q = KZ_VQ_P50;
    const struct ynode *qn = ymap_get(n, "quantity");
    int q = qn ? yr_enum_of(&L->r, qn, "quantity", kz_vquantity_names, 3) : -1;
    if (q >= 0)
        c->q = (enum kz_vquantity)q;
    const struct ynode *tol = ymap_get(n, "tolerance"), *wit = ymap_get(n, "within");
    if (tol && wit)
        yr_report(&L->r, wit, 12, "a case gives tolerance or within, not both");
    else if (!tol && !wit)
        yr_report(&L->r, n, 6, "a case is missing the required key 'tolerance' (or 'within')");
    else if (tol)
        tolerance_of(L, tol, c, q >= 0);
    else
        within_of(L, wit, c);
}

static void load_root(struct vl *L, const struct ynode *root)
{
    static const char *const keys[] = {"kizuna-validation", "title", "description", "notes",
                                       "cases", NULL};
    if (!yr_want(&L->r, root, Y_MAP, "a validation file"))
        return;
    yr_check_keys(&L->r, root, keys, "the validation file");
    const struct ynode *v;
    double x;
    if ((v = yr_required(&L->r, root, "kizuna-validation", "the validation file")))
        (void)yr_number_of(&L->r, v, "format version 'kizuna-validation'", 1, 1, &x);
    if ((v = ymap_get(root, "title")))
        L->v->title = yr_str_of(&L->r, v, "title");
    if ((v = ymap_get(root, "description")))
        (void)yr_str_of(&L->r, v, "description");
    if ((v = ymap_get(root, "notes")))
        (void)yr_str_of(&L->r, v, "notes");
    const struct ynode *cs = yr_required(&L->r, root, "cases", "the validation file");
    if (!cs || !yr_want(&L->r, cs, Y_SEQ, "cases"))
        return;
    if (cs->n == 0 || cs->n > MAX_CASES) {
        yr_report(&L->r, cs, 13, "cases has %zu items; 1 to %d are allowed", cs->n, MAX_CASES);
        return;
    }
    L->v->cases = yr_lalloc(&L->r, cs->n * sizeof *L->v->cases);
    for (size_t i = 0; L->v->cases && i < cs->n; i++) {
        struct vcase *c = &L->v->cases[L->v->ncases];
        load_case(L, cs->kids[i], c);
        for (size_t j = 0; c->id && j < L->v->ncases; j++)
            if (L->v->cases[j].id && !strcmp(L->v->cases[j].id, c->id))
                yr_report(&L->r, cs->kids[i], 10, "duplicate case id '%s'", c->id);
        L->v->ncases++;
    }
}

int kz_validation_load_mem(const char *name, const void *buf, size_t len, kz_validation **out,
                           kz_diags *d)
{
    if (!out || !name || (!buf && len) || !d)
        return KZ_EINVAL;
    *out = NULL;
    if (len > KZ_VALIDATION_MAX_BYTES)
        return kz_diags_add(d, name, 0, 0, KZ_SEV_ERROR, 1,
                            "file is %zu bytes; validation files are limited to %u bytes", len,
                            KZ_VALIDATION_MAX_BYTES)
                   ? KZ_ENOMEM
                   : KZ_ELIMIT;
    struct ydoc doc;
    int rc = ydoc_parse(name, buf ? buf : "", len, &doc, d);
    if (rc)
        return rc;
    struct kz_validation *v = calloc(1, sizeof *v);
    if (!v) {
        ydoc_free(&doc);
        return KZ_ENOMEM;
    }
    struct vl L = {.r = {.file = name, .d = d, .arena = &v->arena}, .v = v};
    if (!(v->file = arena_strdup(&v->arena, name)))
        L.r.err = KZ_ENOMEM;
    else if (!doc.root)
        yr_report(&L.r, NULL, 6, "the validation file is empty");
    else
        load_root(&L, doc.root);
    arena_adopt(&v->arena, &doc.arena); /* strings point into the tree */
    ydoc_free(&doc);
    if (L.r.err) {
        kz_validation_free(v);
        return L.r.err;
    }
    if (!v->title)
        v->title = "";
    *out = v;
    return KZ_OK;
}

int kz_validation_load_file(const char *path, kz_validation **out, kz_diags *d)
{
    if (!out || !path || !d)
        return KZ_EINVAL;
    *out = NULL;
    char *buf;
    size_t len;
    int rc = yr_read_file(path, KZ_VALIDATION_MAX_BYTES, &buf, &len, d);
    if (rc == 0)
        rc = kz_validation_load_mem(path, buf, len, out, d);
    free(buf);
    return rc;
}

void kz_validation_free(kz_validation *v)
{
    if (!v)
        return;
    arena_free(&v->arena);
    free(v);
}

const char *kz_validation_file(const kz_validation *v) { return v ? v->file : NULL; }
const char *kz_validation_title(const kz_validation *v) { return v ? v->title : NULL; }
size_t kz_validation_ncases(const kz_validation *v) { return v ? v->ncases : 0; }

/* ---- running ------------------------------------------------------------------------- */

/* The result array lives in a holder with the arena its strings are in. */
struct vholder {
    struct arena arena;
    size_t n;
    struct kz_vcase_result r[];
};

static struct vholder *holder_of(struct kz_vcase_result *r)
{
    return (struct vholder *)(void *)((char *)r - offsetof(struct vholder, r));
}

void kz_vcase_results_free(struct kz_vcase_result *r, size_t n)
{
    (void)n;
    if (!r)
        return;
    struct vholder *h = holder_of(r);
    arena_free(&h->arena);
    free(h);
}

/* What one case's run needs. */
struct vrun {
    const kz_validation *v;
    const struct vcase *c;
    const struct kz_validate_options *o;
    kz_diags *d;
    struct arena *arena;
    struct kz_vcase_result *res;
    int err; /* KZ_ECHECK once the case failed to run; KZ_ENOMEM wins */
};

static const char *keep(struct vrun *R, const char *s)
{
    if (!s)
        return NULL;
    char *p = arena_strdup(R->arena, s);
    if (!p)
        R->err = KZ_ENOMEM;
    return p;
}

/* The case cannot be run: a diagnostic at `at` in the validation file, and the case's error. */
static void case_fail(struct vrun *R, struct pos at, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void case_fail(struct vrun *R, struct pos at, int code, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (kz_diags_add(R->d, R->v->file, at.line, at.col, KZ_SEV_ERROR, code, "case '%s': %s",
                     R->c->id, msg))
        R->err = KZ_ENOMEM;
    else if (R->err != KZ_ENOMEM)
        R->err = KZ_ECHECK;
    if (!R->res->error)
        R->res->error = keep(R, msg);
}

/*
 * A structure or scenario named in a case: a path (it has a '/', ends in ".yaml" or has
 * ".yaml@VARIANT") taken from the validation file's directory unless absolute, or a shipped
 * name found by kz_data_path as SUB/NAME.yaml (NAME may be NAME@VARIANT).
 */
static int resolve(struct vrun *R, const char *ref, const char *sub, char *buf, size_t len,
                   char *err, size_t errlen)
{
    size_t n = strlen(ref);
    if (strchr(ref, '/') || strstr(ref, ".yaml@") || (n > 5 && !strcmp(ref + n - 5, ".yaml"))) {
        if (R->o->shipped_only) {
            kz_set_err(err, errlen, "a path, and only shipped names are allowed here");
            return KZ_EINVAL;
        }
        const char *file = R->v->file, *slash = strrchr(file, '/');
        int w = ref[0] == '/' || !slash ? snprintf(buf, len, "%s", ref)
                                        : snprintf(buf, len, "%.*s/%s", (int)(slash - file),
                                                   file, ref);
        if (w < 0 || (size_t)w >= len) {
            kz_set_err(err, errlen, "the path is too long");
            return KZ_ELIMIT;
        }
        return KZ_OK;
    }
    char rel[1100];
    snprintf(rel, sizeof rel, "%s/%s.yaml", sub, ref);
    return kz_data_path(rel, buf, len, err, errlen);
}

/* The index of `id` among ids[0..n) (a scenario's threads, a thread's steps), or -1 after a
 * diagnostic with a suggestion: "OWNER has no WHAT 'id'". */
static int find_id(struct vrun *R, const char *const *ids, size_t n, const char *id,
                   struct pos at, const char *owner, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] && !strcmp(ids[i], id))
            return (int)i;
    const char *hint = kz_suggest(id, ids, n);
    case_fail(R, at, 40, "%s has no %s '%s'%s%s%s", owner, what, id,
              hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
    return -1;
}

static int find_thread(struct vrun *R, const kz_scenario *s, const char *id, struct pos at)
{
    const char *ids[MAX_THREADS], *own = s->name ? s->name : "the scenario";
    size_t n = s->nthreads < MAX_THREADS ? s->nthreads : MAX_THREADS;
    for (size_t i = 0; i < n; i++)
        ids[i] = s->threads[i].id;
    char owner[128];
    snprintf(owner, sizeof owner, "scenario '%s'", own);
    return find_id(R, ids, n, id, at, owner, "thread");
}

static int find_step(struct vrun *R, const struct sthread *th, const char *id, struct pos at)
{
    const char *ids[64];
    size_t n = th->nsteps < 64 ? th->nsteps : 64;
    for (size_t i = 0; i < n; i++)
        ids[i] = th->steps[i].id;
    char owner[128];
    snprintf(owner, sizeof owner, "thread '%s'", th->id ? th->id : "?");
    return find_id(R, ids, n, id, at, owner, "step");
}

/* The case's overrides applied to its own copy of the scenario. */
static void apply_overrides(struct vrun *R, kz_scenario *s)
{
    struct pos at;
    const char *bad = so_apply(s, &R->c->ov, R->c->thread, &at);
    if (bad)
        (void)find_thread(R, s, bad, at); /* reports it, with a suggestion */
}

/*
 * The segment in every run: the slowest copy's time from the end of step `from` (the copy's
 * start when from < 0) to the end of step `to`; INFINITY when a copy never got there.
 * Returns 0, KZ_ENOTFOUND (no step rows) or KZ_ENOMEM.
 */
static int measure(const kz_sim_result *res, long runs, int t, int copies, int from, int to,
                   double *seg)
{
    size_t nrows;
    const struct kz_step_row *rows = kz_sim_result_steps(res, &nrows);
    if (!rows || nrows == 0)
        return KZ_ENOTFOUND;
    size_t cells = (size_t)runs * (size_t)copies;
    double *base = malloc(cells * sizeof *base), *end = malloc(cells * sizeof *end);
    if (!base || !end) {
        free(base);
        free(end);
        return KZ_ENOMEM;
    }
    for (size_t i = 0; i < cells; i++)
        base[i] = end[i] = -1;
    for (size_t i = 0; i < nrows; i++) {
        const struct kz_step_row *w = &rows[i];
        if (w->thread != t || w->run < 0 || w->run >= runs || w->copy < 0 || w->copy >= copies)
            continue;
        size_t k = (size_t)w->run * (size_t)copies + (size_t)w->copy;
        if (from < 0 && w->step == 0)
            base[k] = w->start_s;
        else if (from >= 0 && w->step == from)
            base[k] = w->end_s;
        if (w->step == to)
            end[k] = w->end_s;
    }
    for (long r = 0; r < runs; r++) {
        double worst = 0;
        for (int c = 0; c < copies; c++) {
            size_t k = (size_t)r * (size_t)copies + (size_t)c;
            double x = base[k] < 0 || end[k] < 0 ? INFINITY : end[k] - base[k];
            worst = x > worst ? x : worst;
        }
        seg[r] = worst;
    }
    free(base);
    free(end);
    return KZ_OK;
}

/* The model's figures for the case, from a finished run. */
static void figures(struct vrun *R, const kz_sim_result *res, const kz_scenario *s, int t,
                    int from, int to)
{
    struct kz_sim_totals tot;
    kz_sim_result_totals(res, &tot);
    R->res->runs = tot.runs;
    R->res->seed = tot.seed;
    if (tot.runs <= 0)
        return;
    double *seg = malloc((size_t)tot.runs * sizeof *seg);
    int rc = seg ? measure(res, tot.runs, t, s->threads[t].copies, from, to, seg) : KZ_ENOMEM;
    if (rc == KZ_ENOTFOUND)
        case_fail(R, R->c->pos, 41,
                  "the simulator kept no step rows (kz_sim_result_steps), so the segment "
                  "cannot be measured");
    if (rc) {
        if (rc == KZ_ENOMEM)
            R->err = KZ_ENOMEM;
        free(seg);
        return;
    }
    size_t ended = 0;
    for (long i = 0; i < tot.runs; i++)
        ended += isfinite(seg[i]);
    R->res->ended = (double)ended / (double)tot.runs;
    double *q[3] = {&R->res->p10_s, &R->res->p50_s, &R->res->p90_s};
    for (int k = 0; k < 3; k++)
        *q[k] = kz_vquantile(seg, (size_t)tot.runs, quantile_q[k]);
    R->res->model_s = *q[R->c->q];
    R->res->pass = kz_vcase_judge(R->res->model_s, R->res->tol_lo_s, R->res->tol_hi_s);
    free(seg);
}

/* The case as written, into its result (strings copied: the result outlives the validation). */
static void describe(struct vrun *R)
{
    const struct vcase *c = R->c;
    struct kz_vcase_result *r = R->res;
    const char **src = arena_alloc(R->arena, (c->nsources ? c->nsources : 1) * sizeof *src);
    if (!src)
        R->err = KZ_ENOMEM;
    for (size_t i = 0; src && i < c->nsources; i++)
        src[i] = keep(R, c->sources[i]);
    *r = (struct kz_vcase_result){
        .id = keep(R, c->id), .title = keep(R, c->title), .date = keep(R, c->date),
        .file = keep(R, R->v->file), .line = c->pos.line, .col = c->pos.col,
        .observed = keep(R, c->observed), .notes = keep(R, c->notes), .sources = src,
        .nsources = src ? c->nsources : 0, .structure = keep(R, c->structure),
        .scenario = keep(R, c->scenario), .thread = keep(R, c->thread),
        .from = keep(R, c->from), .to = keep(R, c->to), .quantity = c->q, .bound = c->bound,
        .observed_lo_s = c->lo, .observed_hi_s = c->hi, .tol_lo_s = c->tol_lo,
        .tol_hi_s = c->tol_hi, .model_s = NAN, .p10_s = NAN, .p50_s = NAN, .p90_s = NAN,
        .calibration = c->calibration};
}

/* Loads what the case names: the structure (checked) and the scenario (fitted to it). */
static void load_pair(struct vrun *R, kz_model **m, kz_scenario **s)
{
    char path[4096], err[1024];
    const struct vcase *c = R->c;
    if (resolve(R, c->structure, "structures", path, sizeof path, err, sizeof err)) {
        case_fail(R, c->structure_pos, 40, "structure '%s' not found: %s", c->structure, err);
        return;
    }
    R->res->structure_path = keep(R, path);
    int rc = kz_model_load_file(path, m, R->d);
    if (rc == KZ_OK && (rc = kz_model_check(*m, R->d)) == KZ_ECHECK)
        rc = KZ_ECHECK;
    if (rc) {
        case_fail(R, c->structure_pos, 40, "structure %s does not load cleanly (%s)", path,
                  kz_strerror(rc));
        return;
    }
    if (resolve(R, c->scenario, "scenarios", path, sizeof path, err, sizeof err)) {
        case_fail(R, c->scenario_pos, 40, "scenario '%s' not found: %s", c->scenario, err);
        return;
    }
    R->res->scenario_path = keep(R, path);
    if ((rc = kz_scenario_load_file(path, s, R->d)) == KZ_OK)
        rc = kz_scenario_bind_check(*s, *m, R->d);
    if (rc)
        case_fail(R, c->scenario_pos, 40, "scenario %s does not %s structure %s (%s)", path,
                  *s ? "fit" : "load, for", kz_model_name(*m), kz_strerror(rc));
}

static void run_case(struct vrun *R)
{
    const struct vcase *c = R->c;
    describe(R);
    kz_model *m = NULL;
    kz_scenario *s = NULL;
    kz_sim_result *res = NULL;
    load_pair(R, &m, &s);
    int t = R->err ? -1 : find_thread(R, s, c->thread, c->thread_pos), from = -1, to = -1;
    if (t >= 0) {
        if (strcmp(c->from, "start"))
            from = find_step(R, &s->threads[t], c->from, c->from_pos);
        to = find_step(R, &s->threads[t], c->to, c->to_pos);
        if (!R->err && from >= to)
            case_fail(R, c->from_pos, 41, "step '%s' does not come before step '%s'", c->from,
                      c->to);
        apply_overrides(R, s);
    }
    if (!R->err) {
        struct kz_sim_options so = {.runs = R->o->runs, .seed = R->o->seed,
                                    .has_seed = R->o->has_seed, .threads = R->o->threads,
                                    .keep_steps = true};
        char err[512];
        int rc = kz_sim_run(m, s, &so, &res, err, sizeof err);
        if (rc == KZ_ENOMEM)
            R->err = KZ_ENOMEM;
        else if (rc)
            case_fail(R, c->pos, 41, "the simulation failed: %s", err);
        else
            figures(R, res, s, t, from, to);
    }
    kz_sim_result_free(res);
    kz_scenario_free(s);
    kz_model_free(m);
}

int kz_validation_run(const kz_validation *v, const struct kz_validate_options *o,
                      struct kz_vcase_result **out, size_t *n, kz_diags *d)
{
    if (!v || !out || !n || !d)
        return KZ_EINVAL;
    *out = NULL;
    *n = 0;
    struct kz_validate_options none = {0};
    struct vholder *h = calloc(1, sizeof *h + v->ncases * sizeof h->r[0]);
    if (!h)
        return KZ_ENOMEM;
    int rc = KZ_OK;
    for (size_t i = 0; i < v->ncases && rc != KZ_ENOMEM; i++) {
        struct vrun R = {v, &v->cases[i], o ? o : &none, d, &h->arena, &h->r[i], 0};
        run_case(&R);
        if (R.err)
            rc = R.err == KZ_ENOMEM || rc == KZ_OK ? R.err : rc;
        h->n = i + 1;
    }
    if (rc == KZ_ENOMEM) {
        kz_vcase_results_free(h->r, h->n);
        return KZ_ENOMEM;
    }
    *out = h->r;
    *n = h->n;
    return rc;
}
