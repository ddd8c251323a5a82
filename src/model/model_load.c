/* model_load.c - reads a structure file (docs/structure.md) into a kz_model, reporting every format
 * error with its place. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kizuna/error.h"
#include "idmap.h"
#include "model_impl.h"
#include "ytree.h"

const char *const kz_node_kind_names[NK_COUNT] = {"national-command-authority",
                                                  "ministry",
                                                  "combatant-command",
                                                  "joint-headquarters",
                                                  "component",
                                                  "force",
                                                  "sensor",
                                                  "shooter",
                                                  "coordination-centre",
                                                  "agency"};
const char *const kz_grade_names[GR_COUNT] = {"none",   "civilian", "O-6",   "1-star",
                                              "2-star", "3-star",   "4-star"};
const char *const kz_action_names[ACT_COUNT] = {"relay", "review",  "decide", "approve",
                                                "order", "execute", "report"};
const char *const kz_rel_type_names[RT_COUNT] = {"COCOM",   "OPCON",        "TACON",   "ADCON",
                                                 "support", "coordination", "liaison", "DIRLAUTH"};
const char *const kz_classif_names[CL_COUNT] = {"U", "C", "S", "TS"};

static const char *const cap_names[] = {"foreign-disclosure", "fusion"};
static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

struct ld {
    const char *file;
    kz_diags *d;
    struct kz_model *m;
    int err; /* KZ_ECHECK once an error is reported; KZ_ENOMEM wins */
    struct idmap nations, phases, decisions, nodes, networks;
    const struct ynode *defaults;
};

/* ---- reporting ---------------------------------------------------------- */

static void report(struct ld *L, const struct ynode *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct ld *L, const struct ynode *n, int code, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (kz_diags_add(L->d, L->file, n ? n->line : 0, n ? n->col : 0, KZ_SEV_ERROR, code, "%s",
                     msg) != KZ_OK)
        L->err = KZ_ENOMEM;
    else if (L->err != KZ_ENOMEM)
        L->err = KZ_ECHECK;
}

static void *lalloc(struct ld *L, size_t size)
{
    void *p = arena_alloc(&L->m->arena, size);
    if (!p)
        L->err = KZ_ENOMEM;
    return p;
}

static const char *type_name(const struct ynode *n)
{
    return n->type == Y_MAP ? "a mapping" : n->type == Y_SEQ ? "a list" : "a scalar";
}

/* Levenshtein distance, bounded, for "did you mean" hints on unknown names. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t row[41];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = row[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return row[lb];
}

static const char *closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t dd = edit_distance(word, names[i]);
        if (dd < bd) {
            bd = dd;
            best = names[i];
        }
    }
    return best;
}

/* ---- typed accessors ---------------------------------------------------- */

static bool want(struct ld *L, const struct ynode *n, enum ytype t, const char *what)
{
    if (n->type == t && !(t == Y_SCALAR && ynode_is_null(n)))
        return true;
    report(L, n, 4, "%s must be %s, not %s", what,
           t == Y_MAP   ? "a mapping"
           : t == Y_SEQ ? "a list"
                        : "a value",
           ynode_is_null(n) ? "empty" : type_name(n));
    return false;
}

/* Reports keys of `map` that are not in `allowed` (NULL-terminated). */
static void check_keys(struct ld *L, const struct ynode *map, const char *const *allowed,
                       const char *what)
{
    size_t na = 0;
    while (allowed[na])
        na++;
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *k = map->kids[2 * i];
        if (k->type != Y_SCALAR) {
            report(L, k, 4, "keys of %s must be plain names, not %s", what, type_name(k));
            continue;
        }
        bool ok = false;
        for (size_t j = 0; j < na && !ok; j++)
            ok = strcmp(k->str, allowed[j]) == 0;
        if (!ok) {
            const char *hint = closest(k->str, allowed, na);
            report(L, k, 5, "unknown key '%s' in %s%s%s%s", k->str, what,
                   hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
    }
}

static const struct ynode *required(struct ld *L, const struct ynode *map, const char *key,
                                    const char *what)
{
    const struct ynode *v = ymap_get(map, key);
    if (!v)
        report(L, map, 6, "%s is missing the required key '%s'", what, key);
    return v;
}

static const char *str_of(struct ld *L, const struct ynode *n, const char *what)
{
    if (!want(L, n, Y_SCALAR, what))
        return NULL;
    if (strlen(n->str) != n->len) {
        report(L, n, 12, "%s contains a NUL byte", what);
        return NULL;
    }
    return n->str;
}

static bool valid_id(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

static const char *id_of(struct ld *L, const struct ynode *map, const char *what)
{
    const struct ynode *n = required(L, map, "id", what);
    const char *s = n ? str_of(L, n, "id") : NULL;
    if (s && !valid_id(s)) {
        report(L, n, 12, "id '%.64s' must be 1-64 letters, digits, '-', '_' or '.'", s);
        return NULL;
    }
    return s;
}

static bool number_of(struct ld *L, const struct ynode *n, const char *what, double lo, double hi,
                      double *out)
{
    if (!want(L, n, Y_SCALAR, what))
        return false;
    char *end;
    errno = 0;
    double v = strtod(n->str, &end);
    if (end == n->str || *end || errno == ERANGE || !isfinite(v) || strchr(n->str, 'x') ||
        strchr(n->str, 'X')) {
        report(L, n, 4, "%s must be a number, not '%.40s'", what, n->str);
        return false;
    }
    if (v < lo || v > hi) {
        report(L, n, 13, "%s %g is out of range [%g, %g]", what, v, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

static bool bool_of(struct ld *L, const struct ynode *n, const char *what, bool *out)
{
    if (!want(L, n, Y_SCALAR, what))
        return false;
    const char *s = n->str;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "yes")) {
        *out = true;
        return true;
    }
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "no")) {
        *out = false;
        return true;
    }
    report(L, n, 4, "%s must be true or false, not '%.40s'", what, s);
    return false;
}

/* Looks `n` up among `names`; reports K012 with a hint when it is not one of them. */
static int enum_of(struct ld *L, const struct ynode *n, const char *what, const char *const *names,
                   size_t count)
{
    const char *s = str_of(L, n, what);
    if (!s)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    const char *hint = closest(s, names, count);
    char list[300] = "";
    for (size_t i = 0; i < count; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (i + 1 < count)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    if (hint)
        report(L, n, 12, "%s '%.40s' is not valid (did you mean '%s'?)", what, s, hint);
    else
        report(L, n, 12, "%s '%.40s' is not one of: %s", what, s, list);
    return -1;
}

/* Resolves a reference to an element of a section. */
static int ref_of(struct ld *L, const struct idmap *map, const struct ynode *n, const char *kind)
{
    const char *s = str_of(L, n, kind);
    if (!s)
        return -1;
    int i = idmap_get(map, s);
    if (i < 0)
        report(L, n, 11, "unknown %s '%.64s'", kind, s);
    return i;
}

static bool refs_of(struct ld *L, const struct idmap *map, const struct ynode *n, const char *kind,
                    const char *what, struct refs *out)
{
    if (!want(L, n, Y_SEQ, what))
        return false;
    out->v = n->n ? lalloc(L, n->n * sizeof *out->v) : NULL;
    if (n->n && !out->v)
        return false;
    out->n = 0;
    for (size_t i = 0; i < n->n; i++) {
        int idx = ref_of(L, map, n->kids[i], kind);
        if (idx >= 0)
            out->v[out->n++] = (struct ref){idx, {n->kids[i]->line, n->kids[i]->col}};
    }
    return out->n == n->n;
}

static phase_mask phases_of(struct ld *L, const struct ynode *n)
{
    if (!n)
        return phase_all(L->m);
    if (n->type == Y_SCALAR && strcmp(n->str, "all") == 0)
        return phase_all(L->m);
    if (n->type == Y_SCALAR && !ynode_is_null(n)) {
        /* A single phase id written without brackets. */
        int i = idmap_get(&L->phases, n->str);
        if (i < 0)
            report(L, n, 17, "phase '%.64s' is not defined in 'phases'", n->str);
        return i < 0 ? 0 : 1u << i;
    }
    if (!want(L, n, Y_SEQ, "phases"))
        return 0;
    phase_mask mask = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *s = str_of(L, n->kids[i], "phase");
        if (!s)
            continue;
        int p = idmap_get(&L->phases, s);
        if (p < 0)
            report(L, n->kids[i], 17, "phase '%.64s' is not defined in 'phases'", s);
        else
            mask |= 1u << p;
    }
    return mask;
}

static nation_mask nations_of(struct ld *L, const struct ynode *n, const char *what)
{
    if (!want(L, n, Y_SEQ, what))
        return 0;
    nation_mask mask = 0;
    for (size_t i = 0; i < n->n; i++) {
        int x = ref_of(L, &L->nations, n->kids[i], "nation");
        if (x >= 0)
            mask |= (nation_mask)1 << x;
    }
    return mask;
}

/* Reads `source`, `assumption`, `range` and the element's position. */
static void meta_of(struct ld *L, const struct ynode *map, struct meta *out)
{
    out->pos = (struct pos){map->line, map->col};
    const struct ynode *s = ymap_get(map, "source");
    if (s && s->type == Y_SEQ) {
        size_t total = 1;
        for (size_t i = 0; i < s->n; i++) {
            if (!str_of(L, s->kids[i], "source"))
                return;
            total += s->kids[i]->len + 2;
        }
        char *buf = lalloc(L, total);
        if (!buf)
            return;
        for (size_t i = 0; i < s->n; i++) {
            if (i)
                strcat(buf, "; ");
            strcat(buf, s->kids[i]->str);
        }
        out->source = s->n ? buf : NULL;
    } else if (s) {
        out->source = str_of(L, s, "source");
    }
    const struct ynode *a = ymap_get(map, "assumption");
    if (a)
        bool_of(L, a, "assumption", &out->assumption);
    const struct ynode *r = ymap_get(map, "range");
    if (r && r->type == Y_SEQ && r->n == 2 && r->kids[0]->type == Y_SCALAR &&
        r->kids[1]->type == Y_SCALAR) {
        size_t len = r->kids[0]->len + r->kids[1]->len + 2;
        char *buf = lalloc(L, len);
        if (buf)
            snprintf(buf, len, "%s-%s", r->kids[0]->str, r->kids[1]->str);
        out->range = buf;
    } else if (r) {
        if (r->type == Y_SEQ)
            report(L, r, 4, "range must be a string or a list of two values");
        else
            out->range = str_of(L, r, "range");
    }
}

/* ---- durations and distributions ---------------------------------------- */

static bool duration_of(struct ld *L, const struct ynode *n, const char *what, double *secs)
{
    if (!want(L, n, Y_SCALAR, what))
        return false;
    int r = kz_parse_duration(n->str, secs);
    if (r == -1) {
        report(L, n, 14, "%s '%.40s' is not a duration with a unit (e.g. 250ms, 90s, 15m, 2h, 1d)",
               what, n->str);
        return false;
    }
    if (r == -2) {
        report(L, n, 15, "%s '%.40s' is negative", what, n->str);
        return false;
    }
    return true;
}

static const char *const dist_keys[] = {"dist",  "value",  "min", "mode",   "max",
                                        "mean",  "median", "p90", "source", "assumption",
                                        "range", "notes",  NULL};

static bool dist_of(struct ld *L, const struct ynode *n, const char *what, struct kz_dist *out)
{
    memset(out, 0, sizeof *out);
    if (n->type == Y_SCALAR) {
        if (!duration_of(L, n, what, &out->p[0]))
            return false;
        out->kind = KZ_DIST_FIXED;
        return true;
    }
    if (!want(L, n, Y_MAP, what))
        return false;
    check_keys(L, n, dist_keys, "a distribution");
    struct meta ignored;
    meta_of(L, n, &ignored);
    const struct ynode *k = required(L, n, "dist", what);
    if (!k)
        return false;
    static const char *const kinds[] = {"fixed", "uniform", "triangular", "exponential",
                                        "lognormal"};
    static const char *const params[][3] = {{"value", NULL, NULL},
                                            {"min", "max", NULL},
                                            {"min", "mode", "max"},
                                            {"mean", NULL, NULL},
                                            {"median", "p90", NULL}};
    int kind = enum_of(L, k, "dist", kinds, 5);
    if (kind < 0)
        return false;
    bool ok = true;
    for (int i = 0; i < 3 && params[kind][i]; i++) {
        const struct ynode *v = required(L, n, params[kind][i], "the distribution");
        char w[64];
        snprintf(w, sizeof w, "%s", params[kind][i]);
        if (!v || !duration_of(L, v, w, &out->p[i]))
            ok = false;
    }
    /* Parameters that belong to another kind are a sign of a mistake. */
    for (size_t i = 0; i < n->n; i++) {
        const char *key = n->kids[2 * i]->str;
        if (!key || n->kids[2 * i]->type != Y_SCALAR)
            continue;
        bool param = false, mine = false;
        for (int j = 0; j < 5; j++)
            for (int q = 0; q < 3 && params[j][q]; q++)
                if (!strcmp(key, params[j][q])) {
                    param = true;
                    mine = mine || j == kind;
                }
        if (param && !mine)
            report(L, n->kids[2 * i], 5, "'%s' is not a parameter of a %s distribution", key,
                   kinds[kind]);
    }
    if (!ok)
        return false;
    out->kind = (enum kz_dist_kind)(kind + 1);
    double *p = out->p;
    switch (out->kind) {
    case KZ_DIST_UNIFORM:
        if (p[0] > p[1]) {
            report(L, n, 16, "uniform distribution has min above max");
            return false;
        }
        break;
    case KZ_DIST_TRIANGULAR:
        if (!(p[0] <= p[1] && p[1] <= p[2] && p[0] < p[2])) {
            report(L, n, 16, "triangular distribution needs min <= mode <= max and min < max");
            return false;
        }
        break;
    case KZ_DIST_EXPONENTIAL:
        if (p[0] <= 0) {
            report(L, n, 16, "exponential distribution needs a positive mean");
            return false;
        }
        break;
    case KZ_DIST_LOGNORMAL:
        if (!(p[0] > 0)) {
            report(L, n, 16, "lognormal distribution needs a positive median");
            return false;
        }
        if (!(p[1] > p[0])) {
            report(L, ymap_get(n, "p90"), 16, "lognormal p90 must be above the median");
            return false;
        }
        out->mu = log(p[0]);
        out->sigma = log(p[1] / p[0]) / KZ_Z90;
        break;
    default:
        break;
    }
    return true;
}

/* ---- clock values ------------------------------------------------------- */

static bool utc_offset_of(struct ld *L, const struct ynode *n, int *minutes)
{
    if (!want(L, n, Y_SCALAR, "utc_offset"))
        return false;
    const char *s = n->str;
    if (!strncmp(s, "UTC", 3))
        s += 3;
    int sign = 1, h = 0, m = 0;
    char tail;
    if ((s[0] == '+' || s[0] == '-') && sscanf(s + 1, "%2d:%2d%c", &h, &m, &tail) == 2 &&
        strlen(s) == 6) {
        sign = s[0] == '-' ? -1 : 1;
        if (m >= 60) {
            report(L, n, 13, "utc_offset minutes must be below 60");
            return false;
        }
    } else {
        char *end;
        double v = strtod(s, &end);
        if (end == s || *end || !isfinite(v)) {
            report(L, n, 4, "utc_offset must be hours (9, -10, 5.5) or \"+09:00\", not '%.40s'",
                   n->str);
            return false;
        }
        if (v < -12 || v > 14) {
            report(L, n, 13, "utc_offset %g is out of range [-12, +14]", v);
            return false;
        }
        *minutes = (int)lround(v * 60);
        return true;
    }
    int total = sign * (h * 60 + m);
    if (total < -12 * 60 || total > 14 * 60) {
        report(L, n, 13, "utc_offset %s is out of range [-12:00, +14:00]", n->str);
        return false;
    }
    *minutes = total;
    return true;
}

static bool hours_of(struct ld *L, const struct ynode *n, struct node *nd)
{
    if (!want(L, n, Y_SCALAR, "hours"))
        return false;
    if (!strcmp(n->str, "24/7") || !strcmp(n->str, "always")) {
        nd->always = true;
        return true;
    }
    int h1, m1, h2, m2;
    char tail;
    if (sscanf(n->str, "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 || h1 > 24 ||
        h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 || h1 * 60 + m1 > 1440 ||
        h2 * 60 + m2 > 1440) {
        report(L, n, 18, "hours '%.40s' must be \"HH:MM-HH:MM\" (local time) or \"24/7\"", n->str);
        return false;
    }
    nd->always = false;
    nd->day_start_min = h1 * 60 + m1;
    nd->day_end_min = h2 * 60 + m2;
    if (nd->day_start_min == nd->day_end_min) {
        report(L, n, 18, "hours '%s' is an empty interval", n->str);
        return false;
    }
    return true;
}

static int day_index(const char *s)
{
    for (int i = 0; i < 7; i++)
        if (!strcmp(s, day_names[i]))
            return i;
    return -1;
}

static bool days_of(struct ld *L, const struct ynode *n, uint8_t *days)
{
    if (n->type == Y_SCALAR && !ynode_is_null(n)) {
        if (!strcmp(n->str, "daily")) {
            *days = 0x7f;
            return true;
        }
        char a[8], b[8], tail;
        if (sscanf(n->str, "%3s-%3s%c", a, b, &tail) == 2) {
            int i = day_index(a), j = day_index(b);
            if (i >= 0 && j >= 0) {
                *days = 0;
                for (int k = i;; k = (k + 1) % 7) {
                    *days = (uint8_t)(*days | (1u << k));
                    if (k == j)
                        break;
                }
                return true;
            }
        }
        report(L, n, 18, "days '%.40s' must be 'daily', a range like 'mon-fri', or a list", n->str);
        return false;
    }
    if (!want(L, n, Y_SEQ, "days"))
        return false;
    *days = 0;
    for (size_t i = 0; i < n->n; i++) {
        int k = n->kids[i]->type == Y_SCALAR ? day_index(n->kids[i]->str) : -1;
        if (k < 0) {
            report(L, n->kids[i], 18, "a day must be one of mon, tue, wed, thu, fri, sat, sun");
            return false;
        }
        *days = (uint8_t)(*days | (1u << k));
    }
    if (!*days) {
        report(L, n, 18, "days must name at least one day");
        return false;
    }
    return true;
}

/* ---- sections ----------------------------------------------------------- */

/* Checks that `n` is a list and allocates `*out` for its items. */
static size_t section(struct ld *L, const struct ynode *n, const char *what, size_t elem,
                      void **out)
{
    *out = NULL;
    if (!n || !want(L, n, Y_SEQ, what))
        return 0;
    if (n->n > KZ_MAX_ITEMS) {
        report(L, n, 13, "%s has %zu entries; at most %d are supported", what, n->n, KZ_MAX_ITEMS);
        return 0;
    }
    if (!n->n)
        return 0;
    *out = lalloc(L, n->n * elem);
    return *out ? n->n : 0;
}

/* Registers an id; reports K010 when it repeats. */
static bool register_id(struct ld *L, struct idmap *map, const char *id, int idx,
                        const struct ynode *at, const char *kind)
{
    int prev;
    int r = idmap_put(map, id, idx, &prev);
    if (r < 0) {
        L->err = KZ_ENOMEM;
        return false;
    }
    if (r == 1) {
        const struct ynode *idn = ymap_get(at, "id");
        report(L, idn ? idn : at, 10, "duplicate %s id '%s'", kind, id);
        return false;
    }
    return true;
}

static const char *name_of(struct ld *L, const struct ynode *map, const char *fallback)
{
    const struct ynode *n = ymap_get(map, "name");
    const char *s = n ? str_of(L, n, "name") : NULL;
    return s ? s : fallback;
}

static void load_nations(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {
        "id", "name", "national_command", "source", "assumption", "range", "notes", NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "nations", sizeof *m->nations, (void **)&m->nations);
    if (n > KZ_MAX_NATIONS) {
        report(L, sec, 13, "at most %d nations are supported", KZ_MAX_NATIONS);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "a nation"))
            continue;
        check_keys(L, e, keys, "a nation");
        struct nation *x = &m->nations[m->nnations];
        const char *id = id_of(L, e, "a nation");
        if (!id)
            continue;
        if (strlen(id) != 3 || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z' ||
            id[2] < 'A' || id[2] > 'Z') {
            report(L, ymap_get(e, "id"), 12,
                   "nation id '%s' must be an ISO 3166 alpha-3 code (three capital letters)", id);
            continue;
        }
        if (!register_id(L, &L->nations, id, (int)m->nnations, e, "nation"))
            continue;
        x->id = id;
        x->name = name_of(L, e, id);
        const struct ynode *nc = ymap_get(e, "national_command");
        if (nc)
            bool_of(L, nc, "national_command", &x->national_command);
        meta_of(L, e, &x->meta);
        m->nnations++;
    }
}

static void load_phase_ids(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"id",         "name",  "requires", "description", "source",
                                       "assumption", "range", "notes",    NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "phases", sizeof *m->phases, (void **)&m->phases);
    if (n > KZ_MAX_PHASES) {
        report(L, sec, 13, "at most %d phases are supported", KZ_MAX_PHASES);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "a phase"))
            continue;
        check_keys(L, e, keys, "a phase");
        const char *id = id_of(L, e, "a phase");
        if (!id || !register_id(L, &L->phases, id, (int)m->nphases, e, "phase"))
            continue;
        struct phase *p = &m->phases[m->nphases++];
        p->id = id;
        p->name = name_of(L, e, id);
        meta_of(L, e, &p->meta);
    }
}

/* Second pass over phases, once decisions are known. */
static void load_phase_requires(struct ld *L, const struct ynode *sec)
{
    struct kz_model *m = L->m;
    if (!sec || sec->type != Y_SEQ)
        return;
    for (size_t i = 0; i < sec->n; i++) {
        const struct ynode *e = sec->kids[i];
        const struct ynode *idn = e->type == Y_MAP ? ymap_get(e, "id") : NULL;
        const struct ynode *req = e->type == Y_MAP ? ymap_get(e, "requires") : NULL;
        int p = idn && idn->type == Y_SCALAR ? idmap_get(&L->phases, idn->str) : -1;
        if (p < 0 || !req)
            continue;
        /* Only the first definition of a duplicated id owns the phase. */
        if (m->phases[p].meta.pos.line != e->line || m->phases[p].meta.pos.col != e->col)
            continue;
        refs_of(L, &L->decisions, req, "decision", "requires", &m->phases[p].requires);
    }
}

static void load_decisions(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"id",     "name",       "phases", "principal", "description",
                                       "source", "assumption", "range",  "notes",     NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "decisions", sizeof *m->decisions, (void **)&m->decisions);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "a decision"))
            continue;
        check_keys(L, e, keys, "a decision");
        const char *id = id_of(L, e, "a decision");
        if (!id || !register_id(L, &L->decisions, id, (int)m->ndecisions, e, "decision"))
            continue;
        struct decision *x = &m->decisions[m->ndecisions++];
        x->id = id;
        x->name = name_of(L, e, id);
        x->legal = phases_of(L, ymap_get(e, "phases"));
        const struct ynode *pr = ymap_get(e, "principal");
        if (pr)
            bool_of(L, pr, "principal", &x->principal);
        meta_of(L, e, &x->meta);
    }
}

static const char *const node_keys[] = {
    "id",         "name",       "nation", "combined", "kind",   "grade",      "location",
    "utc_offset", "cells",      "hours",  "days",     "recall", "processing", "capabilities",
    "source",     "assumption", "range",  "notes",    NULL};

static void load_processing(struct ld *L, const struct ynode *p, struct kz_dist *proc)
{
    if (!want(L, p, Y_MAP, "processing"))
        return;
    for (size_t i = 0; i < p->n; i++) {
        const struct ynode *k = p->kids[2 * i], *v = p->kids[2 * i + 1];
        int a = enum_of(L, k, "action", kz_action_names, ACT_COUNT);
        if (a >= 0) {
            char what[40];
            snprintf(what, sizeof what, "processing.%s", kz_action_names[a]);
            dist_of(L, v, what, &proc[a]);
        }
    }
}

/* The node template: built-in values overlaid with `defaults:`; a node's own values win. */
static void node_template(struct ld *L, struct node *t)
{
    static const char *const keys[] = {"cells", "hours", "days", "recall", "processing", NULL};
    memset(t, 0, sizeof *t);
    t->cells = 1;
    t->always = true;
    t->days = 0x7f;
    t->nation = -1;
    const struct ynode *d = L->defaults, *v;
    if (!d || !want(L, d, Y_MAP, "defaults"))
        return;
    check_keys(L, d, keys, "defaults");
    double cells;
    if ((v = ymap_get(d, "cells")) && number_of(L, v, "cells", 1, 1000, &cells))
        t->cells = (int)cells;
    if ((v = ymap_get(d, "hours")))
        hours_of(L, v, t);
    if ((v = ymap_get(d, "days")))
        days_of(L, v, &t->days);
    if ((v = ymap_get(d, "recall")))
        dist_of(L, v, "recall", &t->recall);
    if ((v = ymap_get(d, "processing")))
        load_processing(L, v, t->proc);
}

static void load_nodes(struct ld *L, const struct ynode *sec)
{
    struct kz_model *m = L->m;
    struct node tmpl;
    node_template(L, &tmpl);
    size_t n = section(L, sec, "nodes", sizeof *m->nodes, (void **)&m->nodes);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "a node"))
            continue;
        check_keys(L, e, node_keys, "a node");
        const char *id = id_of(L, e, "a node");
        if (!id || !register_id(L, &L->nodes, id, (int)m->nnodes, e, "node"))
            continue;
        struct node *x = &m->nodes[m->nnodes++];
        *x = tmpl;
        x->id = id;
        x->name = name_of(L, e, id);
        const struct ynode *v;
        if ((v = required(L, e, "nation", "a node"))) {
            x->nation = ref_of(L, &L->nations, v, "nation");
            x->nation_pos = (struct pos){v->line, v->col};
        }
        if ((v = ymap_get(e, "combined")))
            x->combined = nations_of(L, v, "combined");
        if ((v = required(L, e, "kind", "a node"))) {
            int k = enum_of(L, v, "kind", kz_node_kind_names, NK_COUNT);
            x->kind = k < 0 ? NK_FORCE : (enum node_kind)k;
        }
        if ((v = ymap_get(e, "grade"))) {
            int g = enum_of(L, v, "grade", kz_grade_names, GR_COUNT);
            x->grade = g < 0 ? GR_NONE : (enum grade)g;
        }
        if ((v = required(L, e, "location", "a node"))) {
            const struct ynode *la = NULL, *lo = NULL;
            if (v->type == Y_SEQ && v->n == 2) {
                la = v->kids[0];
                lo = v->kids[1];
            } else if (v->type == Y_MAP) {
                static const char *const lk[] = {"lat",   "lon",   "source", "assumption",
                                                 "range", "notes", NULL};
                check_keys(L, v, lk, "a location");
                la = required(L, v, "lat", "location");
                lo = required(L, v, "lon", "location");
            } else {
                report(L, v, 4, "location must be {lat: .., lon: ..} or [lat, lon]");
            }
            if (la)
                number_of(L, la, "latitude", -90, 90, &x->lat);
            if (lo)
                number_of(L, lo, "longitude", -180, 180, &x->lon);
        }
        if ((v = required(L, e, "utc_offset", "a node")))
            utc_offset_of(L, v, &x->utc_offset_min);
        double cells;
        if ((v = ymap_get(e, "cells")) && number_of(L, v, "cells", 1, 1000, &cells)) {
            if (cells != floor(cells))
                report(L, v, 13, "cells must be a whole number");
            x->cells = (int)cells;
        }
        if ((v = ymap_get(e, "hours")))
            hours_of(L, v, x);
        if ((v = ymap_get(e, "days")))
            days_of(L, v, &x->days);
        if ((v = ymap_get(e, "recall")))
            dist_of(L, v, "recall", &x->recall);
        if ((v = ymap_get(e, "processing")))
            load_processing(L, v, x->proc);
        if ((v = ymap_get(e, "capabilities")) && want(L, v, Y_SEQ, "capabilities")) {
            for (size_t c = 0; c < v->n; c++) {
                int cap = enum_of(L, v->kids[c], "capability", cap_names, 2);
                if (cap >= 0)
                    x->caps |= 1u << cap;
            }
        }
        meta_of(L, e, &x->meta);
    }
}

static void load_relations(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"type",       "from",  "to",    "phases", "source",
                                       "assumption", "range", "notes", NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "relations", sizeof *m->relations, (void **)&m->relations);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "a relation"))
            continue;
        check_keys(L, e, keys, "a relation");
        const struct ynode *t = required(L, e, "type", "a relation");
        const struct ynode *f = required(L, e, "from", "a relation");
        const struct ynode *to = required(L, e, "to", "a relation");
        int type = t ? enum_of(L, t, "relation type", kz_rel_type_names, RT_COUNT) : -1;
        int a = f ? ref_of(L, &L->nodes, f, "node") : -1;
        int b = to ? ref_of(L, &L->nodes, to, "node") : -1;
        const struct ynode *ph = ymap_get(e, "phases");
        phase_mask mask = phases_of(L, ph);
        if (type < 0 || a < 0 || b < 0)
            continue;
        if (a == b) {
            report(L, to, 29, "relation from node '%s' to itself", m->nodes[a].id);
            continue;
        }
        struct relation *r = &m->relations[m->nrelations++];
        r->type = (enum rel_type)type;
        r->from = a;
        r->to = b;
        r->phases = mask;
        r->from_pos = (struct pos){f->line, f->col};
        r->to_pos = (struct pos){to->line, to->col};
        r->phases_pos = ph ? (struct pos){ph->line, ph->col} : (struct pos){e->line, e->col};
        meta_of(L, e, &r->meta);
    }
}

static void load_authorities(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"decision",   "holder",    "assets",   "executors",
                                       "phases",     "approvals", "delegate", "source",
                                       "assumption", "range",     "notes",    NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "authorities", sizeof *m->authorities, (void **)&m->authorities);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "an authority"))
            continue;
        check_keys(L, e, keys, "an authority");
        struct authority x;
        memset(&x, 0, sizeof x);
        x.delegate = -1;
        const struct ynode *v;
        bool ok = true;
        x.decision = (v = required(L, e, "decision", "an authority"))
                         ? ref_of(L, &L->decisions, v, "decision")
                         : -1;
        x.holder =
            (v = required(L, e, "holder", "an authority")) ? ref_of(L, &L->nodes, v, "node") : -1;
        if (v)
            x.holder_pos = (struct pos){v->line, v->col};
        x.assets = (v = required(L, e, "assets", "an authority"))
                       ? ref_of(L, &L->nations, v, "nation")
                       : -1;
        ok = x.decision >= 0 && x.holder >= 0 && x.assets >= 0;
        if ((v = ymap_get(e, "executors")))
            ok = refs_of(L, &L->nodes, v, "node", "executors", &x.executors) && ok;
        if ((v = ymap_get(e, "approvals")))
            ok = refs_of(L, &L->nodes, v, "node", "approvals", &x.approvals) && ok;
        v = ymap_get(e, "phases");
        x.phases = phases_of(L, v);
        x.phases_pos = v ? (struct pos){v->line, v->col} : (struct pos){e->line, e->col};
        if ((v = ymap_get(e, "delegate")) && want(L, v, Y_MAP, "delegate")) {
            static const char *const dk[] = {"to", "after", NULL};
            check_keys(L, v, dk, "delegate");
            const struct ynode *to = required(L, v, "to", "delegate");
            const struct ynode *after = required(L, v, "after", "delegate");
            x.delegate = to ? ref_of(L, &L->nodes, to, "node") : -1;
            if (!after || !dist_of(L, after, "delegate.after", &x.delegate_after) || x.delegate < 0)
                ok = false;
            else if (x.delegate == x.holder) {
                report(L, to, 29, "authority delegates to its own holder '%s'",
                       m->nodes[x.holder].id);
                ok = false;
            }
        }
        if (!ok)
            continue;
        meta_of(L, e, &x.meta);
        m->authorities[m->nauthorities++] = x;
    }
}

static void load_networks(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {
        "id",      "name",   "classification", "members",    "releasable_to", "topology", "hub",
        "latency", "phases", "source",         "assumption", "range",         "notes",    NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "networks", sizeof *m->networks, (void **)&m->networks);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!want(L, e, Y_MAP, "a network"))
            continue;
        check_keys(L, e, keys, "a network");
        const char *id = id_of(L, e, "a network");
        if (!id || !register_id(L, &L->networks, id, (int)m->nnetworks, e, "network"))
            continue;
        struct network *x = &m->networks[m->nnetworks++];
        x->id = id;
        x->name = name_of(L, e, id);
        x->hub = -1;
        x->path_factor = 1.0;
        const struct ynode *v;
        if ((v = required(L, e, "classification", "a network"))) {
            int c = enum_of(L, v, "classification", kz_classif_names, CL_COUNT);
            x->ceiling = c < 0 ? CL_U : (enum classif)c;
        }
        if ((v = required(L, e, "members", "a network")))
            refs_of(L, &L->nodes, v, "node", "members", &x->members);
        if ((v = required(L, e, "releasable_to", "a network"))) {
            x->releasable = nations_of(L, v, "releasable_to");
            x->releasable_pos = (struct pos){v->line, v->col};
        }
        if ((v = ymap_get(e, "topology"))) {
            static const char *const topo[] = {"mesh", "hub"};
            int t = enum_of(L, v, "topology", topo, 2);
            x->topology = t == 1 ? TOPO_HUB : TOPO_MESH;
        }
        const struct ynode *hub = ymap_get(e, "hub");
        if (hub)
            x->hub = ref_of(L, &L->nodes, hub, "node");
        if (x->topology == TOPO_HUB && !hub)
            report(L, e, 6, "a network with topology 'hub' needs a 'hub' node");
        if (hub && x->topology != TOPO_HUB)
            report(L, hub, 32, "'hub' is given but topology is not 'hub'");
        if (x->hub >= 0) {
            bool member = false;
            for (size_t k = 0; k < x->members.n; k++)
                member = member || x->members.v[k].idx == x->hub;
            if (!member)
                report(L, hub, 32, "hub '%s' is not a member of network '%s'", m->nodes[x->hub].id,
                       id);
        }
        if ((v = ymap_get(e, "latency")) && want(L, v, Y_MAP, "latency")) {
            static const char *const lk[] = {"overhead", "path_factor", NULL};
            check_keys(L, v, lk, "latency");
            const struct ynode *o = ymap_get(v, "overhead");
            if (o)
                dist_of(L, o, "latency.overhead", &x->overhead);
            const struct ynode *pf = ymap_get(v, "path_factor");
            if (pf)
                number_of(L, pf, "path_factor", 1.0, 10.0, &x->path_factor);
        }
        x->phases = phases_of(L, ymap_get(e, "phases"));
        meta_of(L, e, &x->meta);
    }
}

static void load_root(struct ld *L, const struct ynode *root)
{
    static const char *const keys[] = {
        "kizuna", "name",      "title",       "description", "source",    "assumption",
        "range",  "notes",     "nations",     "phases",      "decisions", "defaults",
        "nodes",  "relations", "authorities", "networks",    NULL};
    struct kz_model *m = L->m;
    if (!want(L, root, Y_MAP, "a structure file"))
        return;
    check_keys(L, root, keys, "the structure");
    const struct ynode *v;
    double version;
    /* Only format version 1 exists; number_of reports anything else (K013). */
    if ((v = required(L, root, "kizuna", "the structure")))
        (void)number_of(L, v, "format version 'kizuna'", 1, 1, &version);
    if ((v = required(L, root, "name", "the structure")))
        m->name = str_of(L, v, "name");
    if ((v = ymap_get(root, "title")))
        m->title = str_of(L, v, "title");
    if ((v = ymap_get(root, "description")))
        m->description = str_of(L, v, "description");
    meta_of(L, root, &m->meta);
    L->defaults = ymap_get(root, "defaults");

    load_nations(L, required(L, root, "nations", "the structure"));
    const struct ynode *phases = required(L, root, "phases", "the structure");
    load_phase_ids(L, phases);
    load_decisions(L, ymap_get(root, "decisions"));
    load_phase_requires(L, phases);
    load_nodes(L, required(L, root, "nodes", "the structure"));
    load_relations(L, ymap_get(root, "relations"));
    load_authorities(L, ymap_get(root, "authorities"));
    load_networks(L, ymap_get(root, "networks"));
}

int kz_model_load_mem(const char *name, const void *buf, size_t len, kz_model **out, kz_diags *d)
{
    struct ydoc doc;
    int rc;
    *out = NULL;
    if (len > KZ_MODEL_MAX_BYTES) {
        return kz_diags_add(d, name, 0, 0, KZ_SEV_ERROR, 1,
                            "file is %zu bytes; structure files are limited to %u bytes", len,
                            KZ_MODEL_MAX_BYTES)
                   ? KZ_ENOMEM
                   : KZ_ELIMIT;
    }
    rc = ydoc_parse(name, buf, len, &doc, d);
    if (rc)
        return rc;

    struct kz_model *m = calloc(1, sizeof *m);
    if (!m) {
        rc = KZ_ENOMEM;
        goto out_doc;
    }
    struct ld L = {.file = name, .d = d, .m = m};
    m->file = arena_strdup(&m->arena, name);
    if (!m->file) {
        rc = KZ_ENOMEM;
        goto out_model;
    }
    load_root(&L, doc.root);
    if (L.err) {
        rc = L.err;
        goto out_maps;
    }
    if (!m->name)
        m->name = "";
    if (!m->title)
        m->title = m->name;
    /* The model's strings point into the YAML tree: keep the tree's memory by
     * adopting its arena rather than copying every string. */
    arena_adopt(&m->arena, &doc.arena);
    idmap_free(&L.nations);
    idmap_free(&L.phases);
    idmap_free(&L.decisions);
    idmap_free(&L.nodes);
    idmap_free(&L.networks);
    ydoc_free(&doc);
    *out = m;
    return KZ_OK;

out_maps:
    idmap_free(&L.nations);
    idmap_free(&L.phases);
    idmap_free(&L.decisions);
    idmap_free(&L.nodes);
    idmap_free(&L.networks);
out_model:
    kz_model_free(m);
out_doc:
    ydoc_free(&doc);
    return rc;
}

int kz_model_load_file(const char *path, kz_model **out, kz_diags *d)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        return kz_diags_add(d, path, 0, 0, KZ_SEV_ERROR, 1, "cannot open: %s", strerror(errno))
                   ? KZ_ENOMEM
                   : KZ_EIO;
    }
    if (S_ISDIR(st.st_mode))
        return kz_diags_add(d, path, 0, 0, KZ_SEV_ERROR, 1, "is a directory, not a file")
                   ? KZ_ENOMEM
                   : KZ_EIO;
    FILE *f = fopen(path, "rb");
    if (!f)
        return kz_diags_add(d, path, 0, 0, KZ_SEV_ERROR, 1, "cannot open: %s", strerror(errno))
                   ? KZ_ENOMEM
                   : KZ_EIO;
    /* Read at most one byte past the limit: the size from stat may lie (pipes, /proc). */
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    int rc = KZ_OK;
    while (buf) {
        if (len == cap) {
            if (cap > KZ_MODEL_MAX_BYTES)
                break;
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (!buf)
        rc = KZ_ENOMEM;
    else if (ferror(f))
        rc = kz_diags_add(d, path, 0, 0, KZ_SEV_ERROR, 1, "read error: %s", strerror(errno))
                 ? KZ_ENOMEM
                 : KZ_EIO;
    fclose(f);
    if (rc == KZ_OK)
        rc = kz_model_load_mem(path, buf, len, out, d);
    free(buf);
    return rc;
}

void kz_model_free(kz_model *m)
{
    if (!m)
        return;
    arena_free(&m->arena);
    free(m);
}

const char *kz_model_name(const kz_model *m)
{
    return m->name;
}

const char *kz_model_title(const kz_model *m)
{
    return m->title;
}

void kz_model_counts(const kz_model *m, struct kz_model_counts *out)
{
    *out = (struct kz_model_counts){m->nnations,   m->nphases,      m->ndecisions, m->nnodes,
                                    m->nrelations, m->nauthorities, m->nnetworks};
}

int kz_model_phase_find(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nphases; i++)
        if (!strcmp(m->phases[i].id, id))
            return (int)i;
    return -1;
}

const char *kz_model_phase_id(const kz_model *m, int i)
{
    return i >= 0 && (size_t)i < m->nphases ? m->phases[i].id : NULL;
}

double kz_geo_km(double lat1, double lon1, double lat2, double lon2)
{
    const double r = 6371.0, rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * r * atan2(sqrt(a), sqrt(1 - a));
}
