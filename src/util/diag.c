/* diag.c - the located-diagnostics list behind kizuna/diag.h. */
#include "kizuna/diag.h"
#include "kizuna/error.h"
#include "kizuna/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DIAGS_MAX 10000

struct kz_diags {
    struct kz_diag *v;
    size_t n, cap;
    size_t errors, warnings, dropped;
};

int kz_diags_create(kz_diags **out)
{
    kz_diags *d = calloc(1, sizeof *d);
    if (!d)
        return KZ_ENOMEM;
    *out = d;
    return KZ_OK;
}

void kz_diags_destroy(kz_diags *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->v[i].file);
        free((char *)d->v[i].msg);
    }
    free(d->v);
    free(d);
}

int kz_diags_add(kz_diags *d, const char *file, int line, int col, enum kz_severity sev, int code,
                 const char *fmt, ...)
{
    if (sev == KZ_SEV_ERROR)
        d->errors++;
    else
        d->warnings++;
    if (d->n >= DIAGS_MAX) {
        d->dropped++;
        return KZ_OK;
    }
    struct kz_diag *v = kz_grow(d->v, &d->cap, d->n + 1, sizeof *v);
    if (!v)
        goto fail;
    d->v = v;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *f = strdup(file ? file : "<input>");
    char *m = strdup(buf);
    if (!f || !m) {
        free(f);
        free(m);
        goto fail;
    }
    d->v[d->n++] = (struct kz_diag){f, line, col, sev, code, m};
    return KZ_OK;
fail:
    if (sev == KZ_SEV_ERROR)
        d->errors--;
    else
        d->warnings--;
    return KZ_ENOMEM;
}

size_t kz_diags_count(const kz_diags *d)
{
    return d->n;
}

size_t kz_diags_errors(const kz_diags *d)
{
    return d->errors;
}

size_t kz_diags_warnings(const kz_diags *d)
{
    return d->warnings;
}

size_t kz_diags_dropped(const kz_diags *d)
{
    return d->dropped;
}

const struct kz_diag *kz_diags_get(const kz_diags *d, size_t i)
{
    return i < d->n ? &d->v[i] : NULL;
}

static int diag_cmp(const void *a, const void *b)
{
    const struct kz_diag *x = a, *y = b;
    int c = strcmp(x->file, y->file);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return strcmp(x->msg, y->msg);
}

void kz_diags_sort(kz_diags *d)
{
    if (d->n > 1)
        qsort(d->v, d->n, sizeof *d->v, diag_cmp);
}

void kz_diag_print(const struct kz_diag *dg, FILE *out)
{
    fprintf(out, "%s:%d:%d: %s: [K%03d] %s\n", dg->file, dg->line, dg->col,
            dg->severity == KZ_SEV_ERROR ? "error" : "warning", dg->code, dg->msg);
}
