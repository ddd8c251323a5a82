/* catalogue.c - kz_catalogue_load: the structure and scenario files of a data directory, in
 * the order DIR/structures/ORDER gives. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/catalogue.h"
#include "kizuna/error.h"
#include "kizuna/util.h"

/* The names of DIR/structures/ORDER, one per line (comments and blanks skipped). */
struct order {
    char **names;
    size_t n, cap;
};

static void order_free(struct order *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->names[i]);
    free(o->names);
}

/* Reads the ORDER file; a missing file is an empty order. 0 or KZ_ENOMEM. */
static int order_read(const char *dir, struct order *o)
{
    char p[4096], line[256];
    snprintf(p, sizeof p, "%s/structures/ORDER", dir);
    FILE *f = fopen(p, "r");
    if (!f)
        return KZ_OK;
    int rc = KZ_OK;
    while (rc == KZ_OK && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || !line[0])
            continue;
        char **nv = kz_grow(o->names, &o->cap, o->n + 1, sizeof *nv);
        char *name = nv ? strdup(line) : NULL;
        if (nv)
            o->names = nv;
        if (!name)
            rc = KZ_ENOMEM;
        else
            o->names[o->n++] = name;
    }
    fclose(f);
    return rc;
}

/* Rank of a structure file ("DIR/structures/NAME.yaml") or of a variant of one
 * ("DIR/structures/NAME.yaml@VARIANT") in the order, or o->n (after every listed one). */
static size_t rank(const struct order *o, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *ext = strstr(base, ".yaml");
    size_t nlen = ext ? (size_t)(ext - base) : strlen(base);
    const char *variant = ext ? ext + strlen(".yaml") : ""; /* "" or "@VARIANT" */
    for (size_t i = 0; i < o->n; i++) {
        const char *name = o->names[i];
        if (!strncmp(name, base, nlen) && !strcmp(name + nlen, variant))
            return i;
    }
    return o->n;
}

/* Whether the glob holds DIR/structures/NAME.yaml for an ORDER line "NAME@VARIANT". */
static const char *variant_file(const glob_t *g, const char *line)
{
    const char *at = strchr(line, '@');
    if (!at || at == line || !at[1])
        return NULL;
    size_t n = (size_t)(at - line);
    for (size_t i = 0; i < g->gl_pathc; i++) {
        const char *b = strrchr(g->gl_pathv[i], '/');
        b = b ? b + 1 : g->gl_pathv[i];
        if (!strncmp(b, line, n) && !strcmp(b + n, ".yaml"))
            return g->gl_pathv[i];
    }
    return NULL;
}

/* Appends "FILE@VARIANT" for every ORDER line naming a variant of a file the glob holds
 * (a line naming a variant of a missing file is skipped, as a missing file is); 0 or
 * KZ_ENOMEM. */
static int add_variants(const struct order *o, const glob_t *g, struct kz_catalogue *c)
{
    size_t cap = c->nstructures;
    for (size_t i = 0; i < o->n; i++) {
        const char *file = variant_file(g, o->names[i]);
        if (!file)
            continue;
        char **nv = kz_grow(c->structures, &cap, c->nstructures + 1, sizeof *nv);
        if (!nv)
            return KZ_ENOMEM;
        c->structures = nv;
        size_t len = strlen(file) + strlen(strchr(o->names[i], '@')) + 1;
        char *p = malloc(len);
        if (!p)
            return KZ_ENOMEM;
        snprintf(p, len, "%s%s", file, strchr(o->names[i], '@'));
        c->structures[c->nstructures++] = p;
    }
    return KZ_OK;
}

/* The glob's paths copied into *out; 0 or KZ_ENOMEM. */
static int take(const glob_t *g, char ***out, size_t *n)
{
    *out = calloc(g->gl_pathc ? g->gl_pathc : 1, sizeof **out);
    if (!*out)
        return KZ_ENOMEM;
    for (size_t i = 0; i < g->gl_pathc; i++) {
        if (!((*out)[i] = strdup(g->gl_pathv[i])))
            return KZ_ENOMEM;
        *n = i + 1;
    }
    return KZ_OK;
}

/* Insertion sort by rank: stable, so unlisted files keep glob's name order. */
static void sort_by_order(const struct order *o, char **v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && rank(o, v[j - 1]) > rank(o, v[j]); j--) {
            char *t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

int kz_catalogue_load(const char *dir, struct kz_catalogue *c, char *err, size_t errlen)
{
    if (!c)
        return KZ_EINVAL;
    memset(c, 0, sizeof *c);
    if (!dir) {
        kz_set_err(err, errlen, "catalogue: no data directory");
        return KZ_EINVAL;
    }
    char pat[4096];
    glob_t gs = {0}, gc = {0};
    struct order o = {0};
    snprintf(pat, sizeof pat, "%s/structures/*.yaml", dir);
    int g1 = glob(pat, 0, NULL, &gs);
    snprintf(pat, sizeof pat, "%s/scenarios/*.yaml", dir);
    int g2 = glob(pat, 0, NULL, &gc);
    int rc = KZ_OK;
    if (g1 || g2) {
        kz_set_err(err, errlen, "no structures or scenarios under %s", dir);
        rc = g1 == GLOB_NOSPACE || g2 == GLOB_NOSPACE ? KZ_ENOMEM : KZ_ENOTFOUND;
        goto out;
    }
    if ((rc = order_read(dir, &o)) || (rc = take(&gs, &c->structures, &c->nstructures)) ||
        (rc = take(&gc, &c->scenarios, &c->nscenarios)) || (rc = add_variants(&o, &gs, c))) {
        kz_set_err(err, errlen, "out of memory");
        goto out;
    }
    sort_by_order(&o, c->structures, c->nstructures);
out:
    if (rc)
        kz_catalogue_free(c);
    order_free(&o);
    globfree(&gs);
    globfree(&gc);
    return rc;
}

void kz_catalogue_free(struct kz_catalogue *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->structures && i < c->nstructures; i++)
        free(c->structures[i]);
    for (size_t i = 0; c->scenarios && i < c->nscenarios; i++)
        free(c->scenarios[i]);
    free(c->structures);
    free(c->scenarios);
    memset(c, 0, sizeof *c);
}
