/* yread.c - typed reading of a YAML tree with a diagnostic at the place of every problem. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kizuna/error.h"
#include "yread.h"

/* ---- reporting ---------------------------------------------------------- */

void yr_report(struct yread *L, const struct ynode *n, int code, const char *fmt, ...)
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

void yr_report_at(struct yread *L, int line, int col, enum kz_severity sev, int code,
                  const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (kz_diags_add(L->d, L->file, line, col, sev, code, "%s", msg) != KZ_OK)
        L->err = KZ_ENOMEM;
    else if (sev == KZ_SEV_ERROR && L->err != KZ_ENOMEM)
        L->err = KZ_ECHECK;
}

void *yr_lalloc(struct yread *L, size_t size)
{
    void *p = arena_alloc(L->arena, size);
    if (!p)
        L->err = KZ_ENOMEM;
    return p;
}

static const char *yr_type_name(const struct ynode *n)
{
    return n->type == Y_MAP ? "a mapping" : n->type == Y_SEQ ? "a list" : "a scalar";
}

/* Levenshtein distance, bounded, for "did you mean" hints on unknown names. */
static size_t yr_edit_distance(const char *a, const char *b)
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

static const char *yr_closest(const char *word, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t dd = yr_edit_distance(word, names[i]);
        if (dd < bd) {
            bd = dd;
            best = names[i];
        }
    }
    return best;
}

/* ---- typed accessors ---------------------------------------------------- */

bool yr_want(struct yread *L, const struct ynode *n, enum ytype t, const char *what)
{
    if (n->type == t && !(t == Y_SCALAR && ynode_is_null(n)))
        return true;
    yr_report(L, n, 4, "%s must be %s, not %s", what,
              t == Y_MAP   ? "a mapping"
              : t == Y_SEQ ? "a list"
                           : "a value",
              ynode_is_null(n) ? "empty" : yr_type_name(n));
    return false;
}

/* Reports keys of `map` that are not in `allowed` (NULL-terminated). */
void yr_check_keys(struct yread *L, const struct ynode *map, const char *const *allowed,
                   const char *what)
{
    size_t na = 0;
    while (allowed[na])
        na++;
    for (size_t i = 0; i < map->n; i++) {
        const struct ynode *k = map->kids[2 * i];
        if (k->type != Y_SCALAR) {
            yr_report(L, k, 4, "keys of %s must be plain names, not %s", what, yr_type_name(k));
            continue;
        }
        bool ok = false;
        for (size_t j = 0; j < na && !ok; j++)
            ok = strcmp(k->str, allowed[j]) == 0;
        if (!ok) {
            const char *hint = yr_closest(k->str, allowed, na);
            yr_report(L, k, 5, "unknown key '%s' in %s%s%s%s", k->str, what,
                      hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "");
        }
    }
}

const struct ynode *yr_required(struct yread *L, const struct ynode *map, const char *key,
                                const char *what)
{
    const struct ynode *v = ymap_get(map, key);
    if (!v)
        yr_report(L, map, 6, "%s is missing the required key '%s'", what, key);
    return v;
}

const char *yr_str_of(struct yread *L, const struct ynode *n, const char *what)
{
    if (!yr_want(L, n, Y_SCALAR, what))
        return NULL;
    if (strlen(n->str) != n->len) {
        yr_report(L, n, 12, "%s contains a NUL byte", what);
        return NULL;
    }
    return n->str;
}

static bool yr_valid_id(const char *s)
{
    if (!*s || strlen(s) > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_' || *s == '.'))
            return false;
    return true;
}

const char *yr_id_of(struct yread *L, const struct ynode *map, const char *what)
{
    const struct ynode *n = yr_required(L, map, "id", what);
    const char *s = n ? yr_str_of(L, n, "id") : NULL;
    if (s && !yr_valid_id(s)) {
        yr_report(L, n, 12, "id '%.64s' must be 1-64 letters, digits, '-', '_' or '.'", s);
        return NULL;
    }
    return s;
}

bool yr_number_of(struct yread *L, const struct ynode *n, const char *what, double lo, double hi,
                  double *out)
{
    if (!yr_want(L, n, Y_SCALAR, what))
        return false;
    char *end;
    errno = 0;
    double v = strtod(n->str, &end);
    if (end == n->str || *end || errno == ERANGE || !isfinite(v) || strchr(n->str, 'x') ||
        strchr(n->str, 'X')) {
        yr_report(L, n, 4, "%s must be a number, not '%.40s'", what, n->str);
        return false;
    }
    if (v < lo || v > hi) {
        yr_report(L, n, 13, "%s %g is out of range [%g, %g]", what, v, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool yr_bool_of(struct yread *L, const struct ynode *n, const char *what, bool *out)
{
    if (!yr_want(L, n, Y_SCALAR, what))
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
    yr_report(L, n, 4, "%s must be true or false, not '%.40s'", what, s);
    return false;
}

/* Looks `n` up among `names`; reports K012 with a hint when it is not one of them. */
int yr_enum_of(struct yread *L, const struct ynode *n, const char *what, const char *const *names,
               size_t count)
{
    const char *s = yr_str_of(L, n, what);
    if (!s)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0)
            return (int)i;
    const char *hint = yr_closest(s, names, count);
    char list[300] = "";
    for (size_t i = 0; i < count; i++) {
        strncat(list, names[i], sizeof list - strlen(list) - 1);
        if (i + 1 < count)
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    if (hint)
        yr_report(L, n, 12, "%s '%.40s' is not valid (did you mean '%s'?)", what, s, hint);
    else
        yr_report(L, n, 12, "%s '%.40s' is not one of: %s", what, s, list);
    return -1;
}

/* The place of column `col` of the range's text: inside the string, or in the list's item. */
static struct pos range_place(const struct ynode *r, const struct meta *mt, int col)
{
    if (r->type != Y_SEQ)
        return (struct pos){mt->range_pos.line, mt->range_pos.col + col - 1};
    /* "LOW-HIGH" from [LOW, HIGH]: the column falls in one of the two items */
    const struct ynode *a = r->kids[0], *b = r->kids[1];
    int la = (int)a->len;
    if (col <= la)
        return (struct pos){a->line, a->col + col - 1};
    if (col == la + 1)
        return (struct pos){b->line, b->col};
    return (struct pos){b->line, b->col + col - la - 2};
}

/* Parses mt->range into mt->rng, or reports K037 at the offending character. */
static void range_of(struct yread *L, const struct ynode *r, struct meta *mt)
{
    struct krange *k = yr_lalloc(L, sizeof *k);
    if (!k)
        return;
    char err[300];
    int col;
    int rc = rg_parse(mt->range, L->arena, k, err, sizeof err, &col);
    if (rc == KZ_ENOMEM) {
        L->err = KZ_ENOMEM;
        return;
    }
    if (rc) {
        struct pos p = range_place(r, mt, col);
        yr_report_at(L, p.line, p.col, KZ_SEV_ERROR, 37, "unreadable range: %s", err);
        return;
    }
    mt->rng = k;
}

struct k038 {
    struct yread *L;
    const struct meta *mt;
};

static void k038_report(void *ctx, int col, const char *msg)
{
    struct k038 *K = ctx;
    yr_report_at(K->L, K->mt->range_pos.line, K->mt->range_pos.col + col - 1, KZ_SEV_ERROR, 38,
                 "%s", msg);
}

void yr_range_check(struct yread *L, const struct meta *mt, const struct rg_target *t)
{
    if (!mt || !mt->rng)
        return;
    struct k038 K = {L, mt};
    rg_check(mt->rng, t, k038_report, &K);
}

static void k031(struct yread *L, const struct meta *mt, const char *name)
{
    if (mt->assumption && !mt->range)
        yr_report_at(L, mt->pos.line, mt->pos.col, KZ_SEV_WARNING, 31,
                     "%s is an assumption without a 'range'", name);
}

void yr_meta_checked(struct yread *L, const struct ynode *map, const char *name,
                     const struct rg_target *t)
{
    struct meta mt = {0};
    yr_meta_of(L, map, &mt);
    k031(L, &mt, name);
    yr_range_check(L, &mt, t);
}

void yr_dist_range_check(struct yread *L, const struct kz_dist *d)
{
    if (!d->meta)
        return;
    k031(L, d->meta, "the distribution");
    struct rg_field f[RG_DIST_FIELDS];
    struct rg_target t;
    rg_dist_target(d, f, &t);
    yr_range_check(L, d->meta, &t);
}

/* Reads `source`, `assumption`, `range` and the element's position. */
void yr_meta_of(struct yread *L, const struct ynode *map, struct meta *out)
{
    out->pos = (struct pos){map->line, map->col};
    const struct ynode *s = ymap_get(map, "source");
    if (s && s->type == Y_SEQ) {
        size_t total = 1;
        for (size_t i = 0; i < s->n; i++) {
            if (!yr_str_of(L, s->kids[i], "source"))
                return;
            total += s->kids[i]->len + 2;
        }
        char *buf = yr_lalloc(L, total);
        if (!buf)
            return;
        for (size_t i = 0; i < s->n; i++) {
            if (i)
                strcat(buf, "; ");
            strcat(buf, s->kids[i]->str);
        }
        out->source = s->n ? buf : NULL;
    } else if (s) {
        out->source = yr_str_of(L, s, "source");
    }
    const struct ynode *a = ymap_get(map, "assumption");
    if (a)
        yr_bool_of(L, a, "assumption", &out->assumption);
    const struct ynode *nt = ymap_get(map, "notes");
    if (nt)
        out->notes = yr_str_of(L, nt, "notes");
    const struct ynode *r = ymap_get(map, "range");
    if (r && r->type == Y_SEQ && r->n == 2 && r->kids[0]->type == Y_SCALAR &&
        r->kids[1]->type == Y_SCALAR) {
        size_t len = r->kids[0]->len + r->kids[1]->len + 2;
        char *buf = yr_lalloc(L, len);
        if (buf)
            snprintf(buf, len, "%s-%s", r->kids[0]->str, r->kids[1]->str);
        out->range = buf;
        out->range_pos = (struct pos){r->line, r->col};
    } else if (r) {
        if (r->type == Y_SEQ)
            yr_report(L, r, 4, "range must be a string or a list of two values");
        else
            out->range = yr_str_of(L, r, "range");
        out->range_pos = (struct pos){r->line, r->col};
    }
    /* ytree places a quoted scalar at its first character inside the quotes */
    if (out->range)
        range_of(L, r, out);
}

/* ---- durations and distributions ---------------------------------------- */

bool yr_duration_of(struct yread *L, const struct ynode *n, const char *what, double *secs)
{
    if (!yr_want(L, n, Y_SCALAR, what))
        return false;
    int r = kz_parse_duration(n->str, secs);
    if (r == -1) {
        yr_report(L, n, 14,
                  "%s '%.40s' is not a duration with a unit (e.g. 250ms, 90s, 15m, 2h, 1d)", what,
                  n->str);
        return false;
    }
    if (r == -2) {
        yr_report(L, n, 15, "%s '%.40s' is negative", what, n->str);
        return false;
    }
    return true;
}

static const char *const dist_keys[] = {"dist",  "value",  "min", "mode",   "max",
                                        "mean",  "median", "p90", "source", "assumption",
                                        "range", "notes",  NULL};

/* The meta of distribution map `n`, or NULL when it carries none of source, assumption,
 * range, notes (a distribution without them needs no allocation). */
static const struct meta *dist_meta(struct yread *L, const struct ynode *n)
{
    if (!ymap_get(n, "source") && !ymap_get(n, "assumption") && !ymap_get(n, "range") &&
        !ymap_get(n, "notes"))
        return NULL;
    struct meta *m = yr_lalloc(L, sizeof *m);
    if (m)
        yr_meta_of(L, n, m);
    return m;
}

bool yr_dist_of(struct yread *L, const struct ynode *n, const char *what, struct kz_dist *out)
{
    memset(out, 0, sizeof *out);
    if (n->type == Y_SCALAR) {
        if (!yr_duration_of(L, n, what, &out->p[0]))
            return false;
        out->kind = KZ_DIST_FIXED;
        return true;
    }
    if (!yr_want(L, n, Y_MAP, what))
        return false;
    yr_check_keys(L, n, dist_keys, "a distribution");
    out->meta = dist_meta(L, n);
    const struct ynode *k = yr_required(L, n, "dist", what);
    if (!k)
        return false;
    static const char *const kinds[] = {"fixed",       "uniform",   "triangular",
                                        "exponential", "lognormal", "pert"};
    static const char *const params[][3] = {{"value", NULL, NULL},   {"min", "max", NULL},
                                            {"min", "mode", "max"},  {"mean", NULL, NULL},
                                            {"median", "p90", NULL}, {"min", "mode", "max"}};
    int kind = yr_enum_of(L, k, "dist", kinds, 6);
    if (kind < 0)
        return false;
    bool ok = true;
    for (int i = 0; i < 3 && params[kind][i]; i++) {
        const struct ynode *v = yr_required(L, n, params[kind][i], "the distribution");
        char w[64];
        snprintf(w, sizeof w, "%s", params[kind][i]);
        if (!v || !yr_duration_of(L, v, w, &out->p[i]))
            ok = false;
    }
    /* Parameters that belong to another kind are a sign of a mistake. */
    for (size_t i = 0; i < n->n; i++) {
        const char *key = n->kids[2 * i]->str;
        if (!key || n->kids[2 * i]->type != Y_SCALAR)
            continue;
        bool param = false, mine = false;
        for (int j = 0; j < 6; j++)
            for (int q = 0; q < 3 && params[j][q]; q++)
                if (!strcmp(key, params[j][q])) {
                    param = true;
                    mine = mine || j == kind;
                }
        bool bound = !strcmp(key, "max") && (kind == 3 || kind == 4); /* a truncation */
        if (param && !mine && !bound)
            yr_report(L, n->kids[2 * i], 5, "'%s' is not a parameter of a %s distribution", key,
                      kinds[kind]);
    }
    if (!ok)
        return false;
    out->kind = (enum kz_dist_kind)(kind + 1);
    /* the loader's rules are kz_dist_check's (shared with the levers); a lognormal's p90 is
     * blamed at the p90, a maximum at the max */
    char why[200];
    if (kz_dist_check(out, why, sizeof why)) {
        bool at_p90 = out->kind == KZ_DIST_LOGNORMAL && out->p[0] > 0;
        yr_report(L, at_p90 ? ymap_get(n, "p90") : n, 16, "%s", why);
        return false;
    }
    kz_dist_derive(out);
    const struct ynode *mx = ymap_get(n, "max");
    if (mx && (out->kind == KZ_DIST_EXPONENTIAL || out->kind == KZ_DIST_LOGNORMAL)) {
        if (!yr_duration_of(L, mx, "max", &out->max))
            return false;
        /* at or above the median: a draw is then accepted at least half the time, and a
         * bound below it would be a different distribution, not a tail cut off; a written
         * max of 0 (kz_dist_check's "none") is as wrong as any other below the median */
        if (out->max <= 0 || kz_dist_check(out, why, sizeof why)) {
            char med[32];
            kz_format_duration(kz_dist_median(out), med, sizeof med);
            yr_report(L, mx, 16, "a distribution's max must be at or above its median (%s)", med);
            return false;
        }
    }
    return true;
}

/* ---- files -------------------------------------------------------------- */

int yr_read_file(const char *path, size_t max, char **out, size_t *outlen, kz_diags *d)
{
    *out = NULL;
    *outlen = 0;
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
            if (cap > max)
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
    if (rc != KZ_OK) {
        free(buf);
        return rc;
    }
    *out = buf;
    *outlen = len;
    return KZ_OK;
}
