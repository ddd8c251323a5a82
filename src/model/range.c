/* range.c - an assumption's `range:` parsed (the grammar of docs/structure.md, "Ranges") and
 * checked against the element that carries it (K038). */
#include "range.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"

/* ---- parsing ------------------------------------------------------------- */

enum vunit { VU_PLAIN, VU_DEG, VU_DUR, VU_RATE };

struct val {
    double v;
    enum vunit u;
    size_t at; /* byte offset where it starts */
};

struct rp {
    const char *s;
    size_t i;
    struct arena *a;
    char *err;
    size_t errlen;
    int *col;
    char *remark; /* joined remarks, malloc'd while parsing */
    int rc;
};

/* Column in characters (UTF-8 continuation bytes do not count) of byte offset `off`. */
static int col_of(const char *s, size_t off)
{
    int c = 1;
    for (size_t i = 0; i < off && s[i]; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static int fail(struct rp *P, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct rp *P, size_t at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(P->err, P->errlen, fmt, ap);
    va_end(ap);
    *P->col = col_of(P->s, at);
    return P->rc = KZ_EPARSE;
}

static void skip_spaces(struct rp *P)
{
    while (P->s[P->i] == ' ' || P->s[P->i] == '\t' || P->s[P->i] == '\n')
        P->i++;
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True when the word `w` is at P->i and ends there (not the start of a longer word). */
static bool at_word(const struct rp *P, const char *w)
{
    size_t n = strlen(w);
    return !strncmp(P->s + P->i, w, n) && !is_alpha(P->s[P->i + n]) && !is_digit(P->s[P->i + n]) &&
           P->s[P->i + n] != '_';
}

static bool at_plusminus(const struct rp *P, size_t *len)
{
    if (P->s[P->i] == '+' && P->s[P->i + 1] == '-') {
        *len = 2;
        return true;
    }
    if ((unsigned char)P->s[P->i] == 0xC2 && (unsigned char)P->s[P->i + 1] == 0xB1) { /* ± */
        *len = 2;
        return true;
    }
    return false;
}

static bool value_start(const struct rp *P)
{
    char c = P->s[P->i];
    if (c == '-')
        c = P->s[P->i + 1];
    return is_digit(c) || (c == '.' && is_digit(P->s[P->i + (P->s[P->i] == '-') + 1]));
}

static const char grammar_hint[] =
    " (a clause is [FIELD] LOW-HIGH, LOW to HIGH, +-D, [A, B, ...] or A or B, or "
    "'alternatives: TEXT')";

/* A plain decimal: digits with at most one '.', at least one digit. */
static bool plain_number(const char *t, size_t n, double *out)
{
    int dots = 0, digits = 0;
    for (size_t k = 0; k < n; k++) {
        if (t[k] == '.')
            dots++;
        else if (is_digit(t[k]))
            digits++;
        else
            return false;
    }
    if (dots > 1 || !digits)
        return false;
    char buf[64];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, t, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return isfinite(*out);
}

/* VALUE: [-]NUMBER, NUMBER with a duration unit, NUMBER[ ]deg, NUMBER/UNIT (a rate). */
static int value_of(struct rp *P, struct val *out)
{
    const char *s = P->s;
    size_t start = P->i;
    bool neg = s[P->i] == '-';
    if (neg)
        P->i++;
    if (!is_digit(s[P->i]) && !(s[P->i] == '.' && is_digit(s[P->i + 1])))
        return fail(P, start, "expected a value here%s", grammar_hint);
    size_t b = P->i;
    while (is_digit(s[P->i]) || s[P->i] == '.' || is_alpha(s[P->i]) || s[P->i] == '/')
        P->i++;
    const char *t = s + b;
    size_t n = P->i - b;
    char tok[64];
    if (n >= sizeof tok)
        return fail(P, start, "value too long");
    memcpy(tok, t, n);
    tok[n] = '\0';
    out->at = start;
    double v;
    if (plain_number(t, n, &v)) {
        out->u = VU_PLAIN;
        /* `0.01 deg`: the unit may stand apart */
        size_t save = P->i;
        skip_spaces(P);
        if (at_word(P, "deg")) {
            P->i += 3;
            out->u = VU_DEG;
        } else {
            P->i = save;
        }
    } else if (n > 3 && !strcmp(tok + n - 3, "deg") && plain_number(t, n - 3, &v)) {
        out->u = VU_DEG;
    } else if (strchr(tok, '/')) {
        char *slash = strchr(tok, '/');
        static const char units[] = "smhd";
        static const double per[] = {1, 60, 3600, 86400};
        const char *u = slash[1] && !slash[2] ? strchr(units, slash[1]) : NULL;
        if (!u || !plain_number(tok, (size_t)(slash - tok), &v))
            return fail(P, start, "'%s' is not a rate (a number per s, m, h or d, e.g. 4/h)", tok);
        if (neg)
            return fail(P, start, "a rate cannot be negative");
        v /= per[u - units];
        out->u = VU_RATE;
    } else {
        int r = kz_parse_duration(tok, &v);
        if (r != 0)
            return fail(P, start,
                        "'%s' is not a number or a duration (e.g. 3, 0.5, 90s, 15m, 1h30m, 2d)",
                        tok);
        if (neg)
            return fail(P, start, "a duration cannot be negative");
        out->u = VU_DUR;
    }
    out->v = neg ? -v : v;
    return 0;
}

/* The clause's unit from its values: a duration admits a bare 0; degrees admit plain numbers. */
static int unit_of(struct rp *P, const struct val *v, size_t n, struct rg_clause *c)
{
    enum vunit u = VU_PLAIN;
    for (size_t k = 0; k < n; k++)
        if (v[k].u != VU_PLAIN && u == VU_PLAIN)
            u = v[k].u;
    for (size_t k = 0; k < n; k++) {
        bool ok = v[k].u == u || (v[k].u == VU_PLAIN && (u == VU_DEG || v[k].v == 0));
        if (!ok)
            return fail(P, v[k].at,
                        "this value's unit differs from the others' in the clause"
                        " (write every value of a clause in the same kind of unit)");
    }
    c->duration = u == VU_DUR;
    c->degrees = u == VU_DEG;
    c->rate = u == VU_RATE;
    return 0;
}

/* `(remark)`, nested parentheses allowed; appended to P->remark. */
static int remark_of(struct rp *P)
{
    size_t open = P->i, depth = 0, k = P->i;
    for (; P->s[k]; k++) {
        if (P->s[k] == '(')
            depth++;
        else if (P->s[k] == ')' && --depth == 0)
            break;
    }
    if (!P->s[k])
        return fail(P, open, "this '(' is not closed");
    size_t b = open + 1, e = k;
    while (b < e && P->s[b] == ' ')
        b++;
    while (e > b && P->s[e - 1] == ' ')
        e--;
    size_t old = P->remark ? strlen(P->remark) : 0;
    char *r = realloc(P->remark, old + (e - b) + 3);
    if (!r)
        return P->rc = KZ_ENOMEM;
    if (old)
        memcpy(r + old, "; ", 2), old += 2;
    memcpy(r + old, P->s + b, e - b);
    r[old + (e - b)] = '\0';
    P->remark = r;
    P->i = k + 1;
    return 0;
}

/* spec := VALUE '-' VALUE | VALUE 'to' VALUE | '+-' VALUE | '[' VALUE, ... ']' | VALUE ('or'
 * VALUE)+ */
static int spec_of(struct rp *P, struct rg_clause *c)
{
    struct val v[RG_MAX_VALUES];
    size_t n = 0, pm;
    if (at_plusminus(P, &pm)) {
        P->i += pm;
        skip_spaces(P);
        if (!value_start(P))
            return fail(P, P->i, "expected a value after '+-'");
        if (value_of(P, &v[0]))
            return P->rc;
        if (v[0].v < 0)
            return fail(P, v[0].at, "the D of +-D cannot be negative");
        c->kind = RG_PLUSMINUS;
        c->lo = -v[0].v;
        c->hi = v[0].v;
        return unit_of(P, v, 1, c);
    }
    bool bracket = P->s[P->i] == '[';
    if (bracket) {
        P->i++;
        skip_spaces(P);
    }
    if (!value_start(P))
        return fail(P, P->i, "expected a value here%s", grammar_hint);
    if (value_of(P, &v[n++]))
        return P->rc;
    skip_spaces(P);
    if (bracket) {
        while (P->s[P->i] == ',') {
            P->i++;
            skip_spaces(P);
            if (n == RG_MAX_VALUES)
                return fail(P, P->i, "a list holds at most 64 values");
            if (!value_start(P))
                return fail(P, P->i, "expected a value after ','");
            if (value_of(P, &v[n++]))
                return P->rc;
            skip_spaces(P);
        }
        if (P->s[P->i] != ']')
            return fail(P, P->i, "expected ',' or ']' in the list");
        P->i++;
        c->kind = RG_LIST;
    } else if (P->s[P->i] == '-' || at_word(P, "to")) {
        P->i += P->s[P->i] == '-' ? 1 : 2;
        skip_spaces(P);
        if (!value_start(P))
            return fail(P, P->i, "expected the high end of the interval here");
        if (value_of(P, &v[n++]))
            return P->rc;
        c->kind = RG_INTERVAL;
        c->lo = v[0].v;
        c->hi = v[1].v;
    } else if (at_word(P, "or")) {
        while (at_word(P, "or")) {
            P->i += 2;
            skip_spaces(P);
            if (n == RG_MAX_VALUES)
                return fail(P, P->i, "a list holds at most 64 values");
            if (!value_start(P))
                return fail(P, P->i, "expected a value after 'or'");
            if (value_of(P, &v[n++]))
                return P->rc;
            skip_spaces(P);
        }
        c->kind = RG_LIST;
    } else {
        return fail(P, P->i,
                    "expected '-', 'to' or 'or' after the value (a range needs two "
                    "ends, +-D or a list)");
    }
    if (unit_of(P, v, n, c))
        return P->rc;
    if (c->kind == RG_LIST) {
        double *vals = arena_alloc(P->a, n * sizeof *vals);
        if (!vals)
            return P->rc = KZ_ENOMEM;
        c->lo = c->hi = v[0].v;
        for (size_t k = 0; k < n; k++) {
            vals[k] = v[k].v;
            c->lo = fmin(c->lo, v[k].v);
            c->hi = fmax(c->hi, v[k].v);
        }
        c->vals = vals;
        c->nvals = n;
    }
    return 0;
}

/* clause := 'alternatives:' TEXT | [FIELD] spec, then any '(remark)'. */
static int clause_of(struct rp *P, struct rg_clause *c, bool *last)
{
    const char *s = P->s;
    c->col = col_of(s, P->i);
    static const char alt[] = "alternatives:";
    if (!strncmp(s + P->i, alt, sizeof alt - 1)) {
        /* the description runs to the end: it may hold ';' and parentheses of its own */
        P->i += sizeof alt - 1;
        skip_spaces(P);
        size_t e = strlen(s);
        while (e > P->i && (s[e - 1] == ' ' || s[e - 1] == '\n'))
            e--;
        if (e == P->i)
            return fail(P, P->i, "'alternatives:' needs a description of the choices");
        c->kind = RG_ALTERNATIVES;
        c->text = arena_strndup(P->a, s + P->i, e - P->i);
        if (!c->text)
            return P->rc = KZ_ENOMEM;
        P->i = strlen(s);
        *last = true;
        return 0;
    }
    if (is_alpha(s[P->i])) {
        size_t b = P->i;
        while (is_alpha(s[P->i]) || is_digit(s[P->i]) || s[P->i] == '_')
            P->i++;
        c->field = arena_strndup(P->a, s + b, P->i - b);
        if (!c->field)
            return P->rc = KZ_ENOMEM;
        skip_spaces(P);
        size_t pm;
        if (!value_start(P) && s[P->i] != '[' && !at_plusminus(P, &pm)) {
            char what[300];
            snprintf(what, sizeof what, "expected a value after '%.40s'%s", c->field, grammar_hint);
            return fail(P, P->i, "%s", what);
        }
    }
    if (spec_of(P, c))
        return P->rc;
    skip_spaces(P);
    while (s[P->i] == '(') {
        if (remark_of(P))
            return P->rc;
        skip_spaces(P);
    }
    return 0;
}

int rg_parse(const char *text, struct arena *a, struct krange *out, char *err, size_t errlen,
             int *col)
{
    memset(out, 0, sizeof *out);
    *col = 1;
    if (errlen)
        err[0] = '\0';
    struct rp P = {.s = text ? text : "", .a = a, .err = err, .errlen = errlen, .col = col};
    size_t cap = 1;
    for (const char *p = P.s; *p; p++)
        cap += *p == ';';
    out->c = arena_alloc(a, cap * sizeof *out->c);
    if (!out->c)
        return KZ_ENOMEM;
    skip_spaces(&P);
    if (!P.s[P.i]) {
        fail(&P, P.i, "the range is empty%s", grammar_hint);
        goto done;
    }
    for (;;) {
        bool last = false;
        struct rg_clause *c = &out->c[out->n];
        if (clause_of(&P, c, &last))
            goto done;
        out->n++;
        if (last || !P.s[P.i])
            break;
        if (P.s[P.i] != ';') {
            fail(&P, P.i,
                 "expected ';' and another clause, or the end of the range (a remark goes in "
                 "parentheses; free text is 'alternatives: TEXT')");
            goto done;
        }
        P.i++;
        skip_spaces(&P);
        if (!P.s[P.i]) {
            fail(&P, P.i, "a clause is missing after ';'");
            goto done;
        }
    }
    if (P.remark && !(out->remark = arena_strdup(a, P.remark)))
        P.rc = KZ_ENOMEM;
done:
    free(P.remark);
    if (P.rc) {
        out->n = 0;
        out->remark = NULL;
    }
    return P.rc;
}

const struct rg_clause *rg_find(const struct krange *r, const char *field)
{
    for (size_t i = 0; r && i < r->n; i++)
        if ((!field && !r->c[i].field) || (field && r->c[i].field && !strcmp(field, r->c[i].field)))
            return &r->c[i];
    return NULL;
}

/* ---- the check against the element (K038) -------------------------------- */

#define RG_MAX_FIELDS 16

static const char *unit_wanted(enum rg_unit u)
{
    switch (u) {
    case RG_U_DURATION:
        return "durations (e.g. 30s-2m)";
    case RG_U_COUNT:
        return "whole plain numbers (a count)";
    case RG_U_NUMBER:
        return "plain numbers";
    case RG_U_DEGREES:
        return "plain numbers (degrees)";
    default:
        return "rates (e.g. 2/h-6/h)";
    }
}

static const char *unit_given(const struct rg_clause *c)
{
    return c->duration ? "durations" : c->rate ? "rates" : c->degrees ? "degrees" : "plain numbers";
}

static bool unit_ok(const struct rg_clause *c, enum rg_unit u)
{
    bool plain = !c->duration && !c->degrees && !c->rate;
    switch (u) {
    case RG_U_DURATION:
        return c->duration || (plain && c->lo == 0 && c->hi == 0);
    case RG_U_COUNT:
    case RG_U_NUMBER:
        return plain;
    case RG_U_DEGREES:
        return plain || c->degrees;
    default:
        return c->rate;
    }
}

static bool whole(double v)
{
    return v == floor(v);
}

static bool clause_whole(const struct rg_clause *c)
{
    if (!whole(c->lo) || !whole(c->hi))
        return false;
    for (size_t k = 0; k < c->nvals; k++)
        if (!whole(c->vals[k]))
            return false;
    return true;
}

static void fmt_value(enum rg_unit u, double v, char *buf, size_t n)
{
    if (u == RG_U_DURATION)
        kz_format_duration(v, buf, n);
    else if (u == RG_U_RATE)
        snprintf(buf, n, "%g/h", v * 3600);
    else
        snprintf(buf, n, "%g", v);
}

/* The clause as text again ("3m-30m", "+-0.01", "[2, 4, 8]"), for messages. */
static void fmt_clause(const struct rg_clause *c, enum rg_unit u, char *buf, size_t n)
{
    char a[32], b[32];
    size_t used;
    switch (c->kind) {
    case RG_INTERVAL:
        fmt_value(u, c->lo, a, sizeof a);
        fmt_value(u, c->hi, b, sizeof b);
        snprintf(buf, n, "%s %s%s%s", c->field ? c->field : "the range", a,
                 c->lo < 0 || c->hi < 0 ? " to " : "-", b);
        break;
    case RG_PLUSMINUS:
        fmt_value(u, c->hi, a, sizeof a);
        snprintf(buf, n, "%s +-%s", c->field ? c->field : "the range", a);
        break;
    default:
        used = (size_t)snprintf(buf, n, "%s [", c->field ? c->field : "the range");
        for (size_t k = 0; k < c->nvals && used < n; k++) {
            fmt_value(u, c->vals[k], a, sizeof a);
            used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "", a);
        }
        if (used < n)
            snprintf(buf + used, n - used, "]");
        break;
    }
}

static bool near(double a, double b)
{
    return fabs(a - b) <= 1e-9 * fmax(1, fmax(fabs(a), fabs(b)));
}

/* The clause's ends in the field's unit (+-D around the value). */
static double end_of(const struct rg_clause *c, const struct rg_field *f, bool high)
{
    double base = c->kind == RG_PLUSMINUS ? f->value : 0;
    return base + (high ? c->hi : c->lo);
}

static int field_index(const struct rg_target *t, const char *name)
{
    for (size_t k = 0; k < t->n && k < RG_MAX_FIELDS; k++)
        if (!strcmp(t->f[k].name, name))
            return (int)k;
    return -1;
}

static void field_list(const struct rg_target *t, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < t->n && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", k ? ", " : "", t->f[k].name);
}

/* Checks one clause against its field; returns the problems reported (0 or 1). */
static size_t check_clause(const struct rg_clause *c, const struct rg_field *f,
                           const struct rg_target *t, rg_report_fn *fn, void *ctx)
{
    char msg[400], cl[160], v[32], lo[32], hi[32];
    fmt_clause(c, f->unit, cl, sizeof cl);
    if (!unit_ok(c, f->unit)) {
        snprintf(msg, sizeof msg, "range of %s: %s takes %s, not %s", t->what, f->name,
                 unit_wanted(f->unit), unit_given(c));
    } else if (f->unit == RG_U_COUNT && !clause_whole(c)) {
        snprintf(msg, sizeof msg, "range of %s: %s: %s takes whole numbers (a count)", t->what, cl,
                 f->name);
    } else if (f->plusminus_only && c->kind != RG_PLUSMINUS) {
        snprintf(msg, sizeof msg,
                 "range of %s: %s takes +-D (it moves the coordinates by up to D degrees)", t->what,
                 f->name);
    } else if (c->kind == RG_INTERVAL && c->lo > c->hi) {
        fmt_value(f->unit, c->lo, lo, sizeof lo);
        fmt_value(f->unit, c->hi, hi, sizeof hi);
        snprintf(msg, sizeof msg, "range of %s: %s: the low end %s is above the high end %s",
                 t->what, f->name, lo, hi);
    } else if (f->has_value && c->kind != RG_PLUSMINUS) {
        bool in = false;
        if (c->kind == RG_INTERVAL)
            in = (f->value >= c->lo || near(f->value, c->lo)) &&
                 (f->value <= c->hi || near(f->value, c->hi));
        for (size_t k = 0; k < c->nvals && !in; k++)
            in = near(f->value, c->vals[k]);
        if (in)
            return 0;
        fmt_value(f->unit, f->value, v, sizeof v);
        snprintf(msg, sizeof msg, "range of %s: %s does not contain its %s, %s", t->what, cl,
                 f->name, v);
    } else {
        return 0;
    }
    fn(ctx, c->col, msg);
    return 1;
}

size_t rg_check(const struct krange *r, const struct rg_target *t, rg_report_fn *fn, void *ctx)
{
    const struct rg_clause *by[RG_MAX_FIELDS] = {0};
    bool good[RG_MAX_FIELDS] = {0};
    char msg[400], fields[200];
    size_t problems = 0;
    field_list(t, fields, sizeof fields);
    for (size_t i = 0; r && i < r->n; i++) {
        const struct rg_clause *c = &r->c[i];
        if (c->kind == RG_ALTERNATIVES)
            continue;
        int k = c->field ? field_index(t, c->field) : t->bare;
        if (k < 0) {
            char head[120];
            if (c->field)
                snprintf(head, sizeof head, "'%.40s' is not one of its fields", c->field);
            else
                snprintf(head, sizeof head, "a clause needs a field");
            if (t->n)
                snprintf(msg, sizeof msg, "range of %s: %s (%s) or 'alternatives:'", t->what, head,
                         fields);
            else
                snprintf(msg, sizeof msg,
                         "range of %s: %s, and it has none a sweep could vary: write "
                         "'alternatives: TEXT'",
                         t->what, head);
            fn(ctx, c->col, msg);
            problems++;
            continue;
        }
        if (by[k]) {
            snprintf(msg, sizeof msg, "range of %s: %s is given twice (first at column %d)%s",
                     t->what, t->f[k].name, by[k]->col,
                     k == t->bare ? "; a clause without a field is the same" : "");
            fn(ctx, c->col, msg);
            problems++;
            continue;
        }
        by[k] = c;
        size_t p = check_clause(c, &t->f[k], t, fn, ctx);
        problems += p;
        good[k] = !p; /* a broken clause takes no part in the median-max rule */
    }
    int med = field_index(t, "median"), max = field_index(t, "max");
    if (med >= 0 && max >= 0 && good[med] && good[max]) {
        double mhi = end_of(by[med], &t->f[med], true), xlo = end_of(by[max], &t->f[max], false);
        if (mhi > xlo && !near(mhi, xlo)) {
            char a[32], b[32];
            fmt_value(RG_U_DURATION, mhi, a, sizeof a);
            fmt_value(RG_U_DURATION, xlo, b, sizeof b);
            snprintf(msg, sizeof msg,
                     "range of %s: the median's high end %s is above the max's low end %s (a "
                     "sweep could set a median above the max)",
                     t->what, a, b);
            fn(ctx, by[med]->col, msg);
            problems++;
        }
    }
    return problems;
}

void rg_dist_target(const struct kz_dist *d, struct rg_field *f, struct rg_target *out)
{
    static const char *const what[] = {"a distribution",
                                       "a fixed distribution",
                                       "a uniform distribution",
                                       "a triangular distribution",
                                       "an exponential distribution",
                                       "a lognormal distribution",
                                       "a pert distribution"};
    size_t n = 0;
    f[n++] = (struct rg_field){"median", RG_U_DURATION, true, false, kz_dist_median(d)};
    switch (d->kind) {
    case KZ_DIST_FIXED:
        f[n++] = (struct rg_field){"value", RG_U_DURATION, true, false, d->p[0]};
        break;
    case KZ_DIST_UNIFORM:
        f[n++] = (struct rg_field){"min", RG_U_DURATION, true, false, d->p[0]};
        f[n++] = (struct rg_field){"max", RG_U_DURATION, true, false, d->p[1]};
        break;
    case KZ_DIST_TRIANGULAR:
    case KZ_DIST_PERT:
        f[n++] = (struct rg_field){"min", RG_U_DURATION, true, false, d->p[0]};
        f[n++] = (struct rg_field){"mode", RG_U_DURATION, true, false, d->p[1]};
        f[n++] = (struct rg_field){"max", RG_U_DURATION, true, false, d->p[2]};
        break;
    case KZ_DIST_EXPONENTIAL:
        f[n++] = (struct rg_field){"mean", RG_U_DURATION, true, false, d->p[0]};
        break;
    case KZ_DIST_LOGNORMAL:
        f[n++] = (struct rg_field){"p90", RG_U_DURATION, true, false, d->p[1]};
        break;
    default:
        break;
    }
    if (d->max > 0 && (d->kind == KZ_DIST_EXPONENTIAL || d->kind == KZ_DIST_LOGNORMAL))
        f[n++] = (struct rg_field){"max", RG_U_DURATION, true, false, d->max};
    size_t kind = (size_t)d->kind < sizeof what / sizeof *what ? (size_t)d->kind : 0;
    *out = (struct rg_target){what[kind], f, n, 0};
}
