/* range.c - an assumption's `range:` parsed (placeholder until the parser lands). */
#include <stdio.h>
#include <string.h>

#include "range.h"

int rg_parse(const char *text, struct arena *a, struct krange *out, char *err, size_t errlen,
             int *col)
{
    (void)text;
    (void)a;
    memset(out, 0, sizeof *out);
    snprintf(err, errlen, "not implemented");
    *col = 1;
    return -1;
}

const struct rg_clause *rg_find(const struct krange *r, const char *field)
{
    for (size_t i = 0; r && i < r->n; i++)
        if ((!field && !r->c[i].field) || (field && r->c[i].field && !strcmp(field, r->c[i].field)))
            return &r->c[i];
    return NULL;
}
