/* opt.c - cli_parse and the usage-error wording every kizuna command shares. */
#include <float.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kizuna/error.h"
#include "kizuna/util.h"
#include "opt.h"

/* Options of one command at most (the table is the command's, this bounds the scratch). */
#define MAX_OPTS 64
/* Values listed in full in a bad-value message, at most. */
#define MAX_LISTED 16

static void vusage(const char *cmd, const char *fmt, va_list ap)
{
    fprintf(stderr, "kizuna%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (kizuna%s%s --help)\n", cmd ? " " : "", cmd ? cmd : "");
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vusage(cmd, fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_bad_value(const char *cmd, const char *opt, const char *value, const char *const *cands,
                  size_t n)
{
    const char *s = kz_suggest(value, cands, n);
    char list[512] = "";
    size_t w = 0, shown = 0, valid = 0;
    for (size_t i = 0; i < n; i++)
        valid += cands[i] != NULL;
    for (size_t i = 0; i < n && shown < MAX_LISTED && w < sizeof list; i++) {
        if (!cands[i])
            continue;
        int k = snprintf(list + w, sizeof list - w, "%s%s", shown ? ", " : "", cands[i]);
        if (k < 0)
            break;
        w += (size_t)k;
        shown++;
    }
    if (w >= sizeof list)
        list[0] = '\0';
    bool all = shown == valid && list[0];
    if (s)
        return cli_usage(cmd, "unknown value '%s' for %s; did you mean '%s'?%s%s", value, opt, s,
                         all ? " one of: " : "", all ? list : "");
    if (all)
        return cli_usage(cmd, "unknown value '%s' for %s; one of: %s", value, opt, list);
    return cli_usage(cmd, "unknown value '%s' for %s", value, opt);
}

int cli_choice(const char *cmd, const char *opt, const char *value, const char *const *cands,
               size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (cands[i] && value && !strcmp(cands[i], value))
            return (int)i;
    cli_bad_value(cmd, opt, value ? value : "", cands, n);
    return -1;
}

bool cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out)
{
    if (kz_parse_long(s, lo, hi, out) == KZ_OK)
        return true;
    if (hi == LONG_MAX)
        cli_usage(cmd, "bad value '%s' for %s: expected a whole number from %ld up", s, opt, lo);
    else
        cli_usage(cmd, "bad value '%s' for %s: expected a whole number from %ld to %ld", s, opt, lo,
                  hi);
    return false;
}

/* The one wording of a bad number: "expected a number from 0 to 230", "above 0", "from 0 up". */
static void bad_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                       bool above)
{
    bool open_hi = hi >= DBL_MAX;
    if (above && open_hi)
        cli_usage(cmd, "bad value '%s' for %s: expected a number above %g", s, opt, lo);
    else if (above)
        cli_usage(cmd, "bad value '%s' for %s: expected a number above %g, at most %g", s, opt, lo,
                  hi);
    else if (open_hi)
        cli_usage(cmd, "bad value '%s' for %s: expected a number from %g up", s, opt, lo);
    else
        cli_usage(cmd, "bad value '%s' for %s: expected a number from %g to %g", s, opt, lo, hi);
}

bool cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi, double *out)
{
    if (kz_parse_double(s, lo, hi, out) == KZ_OK)
        return true;
    bad_double(cmd, opt, s, lo, hi, false);
    return false;
}

static size_t count_opts(const struct cli_opt *opts)
{
    size_t n = 0;
    while (opts && opts[n].name)
        n++;
    return n;
}

/* The option argv[i] names (its "--x" part before any '='), or NULL. */
static const struct cli_opt *find(const struct cli_opt *opts, const char *arg, size_t len)
{
    for (size_t k = 0; opts && opts[k].name; k++) {
        const char *a = opts[k].alias;
        if ((strlen(opts[k].name) == len && !strncmp(opts[k].name, arg, len)) ||
            (a && strlen(a) == len && !strncmp(a, arg, len)))
            return &opts[k];
    }
    return NULL;
}

static int unknown_option(const struct cli_cmd *c, const char *arg, size_t len)
{
    const char *names[2 * MAX_OPTS + 1];
    size_t n = 0;
    for (size_t k = 0; c->opts && c->opts[k].name && n + 2 < 2 * MAX_OPTS; k++) {
        names[n++] = c->opts[k].name;
        if (c->opts[k].alias)
            names[n++] = c->opts[k].alias;
    }
    names[n++] = "--help";
    char word[128];
    snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), arg);
    const char *s = kz_suggest(word, names, n);
    if (s)
        return cli_usage(c->name, "unknown option '%s'; did you mean '%s'?", word, s);
    return cli_usage(c->name, "unknown option '%s'", word);
}

/* Stores one option's value; 0 to go on, else an exit code (the error printed). */
static int store(const struct cli_cmd *c, const struct cli_opt *o, const char *v)
{
    switch (o->kind) {
    case CLI_FLAG:
        *(bool *)o->dst = true;
        return 0;
    case CLI_STR:
        *(const char **)o->dst = v;
        return 0;
    case CLI_STRS: {
        struct cli_strs *l = o->dst;
        if (l->n >= l->max)
            return cli_usage(c->name, "%s given more than %zu times", o->name, l->max);
        l->v[l->n++] = v;
        return 0;
    }
    case CLI_LONG:
        return cli_long(c->name, o->name, v, o->lo, o->hi, o->dst) ? 0 : EXIT_USAGE;
    case CLI_DOUBLE: {
        double d;
        bool above = (o->flags & CLI_ABOVE_LO) != 0;
        if (kz_parse_double(v, o->dlo, o->dhi, &d) != KZ_OK || (above && !(d > o->dlo))) {
            bad_double(c->name, o->name, v, o->dlo, o->dhi, above);
            return EXIT_USAGE;
        }
        *(double *)o->dst = d;
        return 0;
    }
    case CLI_CHOICE: {
        size_t n = 0;
        while (o->choices && o->choices[n])
            n++;
        if (cli_choice(c->name, o->name, v, o->choices, n) < 0)
            return EXIT_USAGE;
        *(const char **)o->dst = v;
        return 0;
    }
    case CLI_CALL:
        return o->fn ? o->fn(o, v, c->ctx) : 0;
    }
    return 0;
}

static bool takes_value(const struct cli_opt *o)
{
    return o->kind != CLI_FLAG && !(o->kind == CLI_CALL && (o->flags & CLI_NOVALUE));
}

/* One option at argv[*i]; advances *i past its value. 0 to go on, else an exit code. */
static int one_option(const struct cli_cmd *c, int argc, char **argv, int *i, bool *seen)
{
    const char *arg = argv[*i], *eq = strncmp(arg, "--", 2) ? NULL : strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct cli_opt *o = find(c->opts, arg, len);
    if (!o)
        return unknown_option(c, arg, len);
    const char *v = NULL;
    if (takes_value(o)) {
        if (eq)
            v = eq + 1;
        else if (*i + 1 < argc)
            v = argv[++*i];
        else
            return cli_usage(c->name, "option '%s' needs a value%s%s", o->name, o->meta ? " " : "",
                             o->meta ? o->meta : "");
    } else if (eq) {
        return cli_usage(c->name, "option '%s' takes no value", o->name);
    }
    seen[o - c->opts] = true;
    if (o->given)
        *o->given = true;
    return store(c, o, v);
}

static int positional(const struct cli_cmd *c, const char *arg, size_t *np)
{
    const char *what = c->posname ? c->posname : "argument";
    if (!c->pos || *np >= c->maxpos) {
        if (c->maxpos == 0)
            return cli_usage(c->name, "unexpected argument '%s'", arg);
        return cli_usage(c->name, "unexpected argument '%s' (at most %zu %s)", arg, c->maxpos,
                         what);
    }
    c->pos[(*np)++] = arg;
    return 0;
}

int cli_parse(const struct cli_cmd *c, int argc, char **argv)
{
    size_t nopts = count_opts(c->opts), np = 0;
    bool seen[MAX_OPTS] = {false};
    if (nopts > MAX_OPTS)
        return cli_usage(c->name, "internal error: more than %d options", MAX_OPTS);
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(c->help ? c->help : "", stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--")) {
            break;
        }
    bool options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc;
        if (options && !strcmp(a, "--")) {
            options = false;
            continue;
        }
        if (options && a[0] == '-' && a[1])
            rc = one_option(c, argc, argv, &i, seen);
        else
            rc = positional(c, a, &np);
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < nopts; k++)
        if ((c->opts[k].flags & CLI_REQUIRED) && !seen[k])
            return cli_usage(c->name, "missing %s%s%s", c->opts[k].name, c->opts[k].meta ? " " : "",
                             c->opts[k].meta ? c->opts[k].meta : "");
    if (np < c->minpos)
        return cli_usage(c->name, "missing %s", c->posname ? c->posname : "argument");
    if (c->npos)
        *c->npos = np;
    return CLI_GO;
}
