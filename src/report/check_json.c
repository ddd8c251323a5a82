/* check_json.c - kz_check_json: the `kizuna check --json` document; counts without repeats. */
#include "kizuna/check.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/json.h"

bool kz_check_repeats(const kz_diags *d, size_t i)
{
    if (i == 0 || i >= kz_diags_count(d))
        return false;
    const struct kz_diag *a = kz_diags_get(d, i - 1), *b = kz_diags_get(d, i);
    return a->line == b->line && a->col == b->col && a->code == b->code &&
           a->severity == b->severity && !strcmp(a->file, b->file) && !strcmp(a->msg, b->msg);
}

void kz_check_count(kz_diags *d, size_t *errors, size_t *warnings)
{
    kz_diags_sort(d);
    size_t e = kz_diags_errors(d), w = kz_diags_warnings(d);
    for (size_t i = 1; i < kz_diags_count(d); i++)
        if (kz_check_repeats(d, i)) {
            if (kz_diags_get(d, i)->severity == KZ_SEV_ERROR)
                e--;
            else
                w--;
        }
    *errors = e;
    *warnings = w;
}

static json_t *diag_obj(const struct kz_diag *g)
{
    char code[16];
    snprintf(code, sizeof code, "K%03d", g->code);
    json_t *o = json_object();
    if (o && kz_json_put(o, "file", json_string(g->file)) && kz_json_put(o, "line", json_integer(g->line)) &&
        kz_json_put(o, "col", json_integer(g->col)) &&
        kz_json_put(o, "severity", json_string(g->severity == KZ_SEV_ERROR ? "error" : "warning")) &&
        kz_json_put(o, "code", json_string(code)) && kz_json_put(o, "message", json_string(g->msg)))
        return o;
    json_decref(o);
    return NULL;
}

static json_t *file_obj(const struct kz_check_file *f, bool warnings, size_t *errors, size_t *warns)
{
    size_t e, w;
    kz_check_count(f->d, &e, &w);
    *errors += e;
    *warns += w;
    json_t *o = json_object(), *a = json_array();
    bool ok = o && a && kz_json_put(o, "file", json_string(f->file)) &&
              kz_json_put(o, "errors", json_integer((json_int_t)e)) &&
              kz_json_put(o, "warnings", json_integer((json_int_t)w));
    for (size_t i = 0; ok && i < kz_diags_count(f->d); i++) {
        const struct kz_diag *g = kz_diags_get(f->d, i);
        if (kz_check_repeats(f->d, i) || (!warnings && g->severity != KZ_SEV_ERROR))
            continue;
        ok = json_array_append_new(a, diag_obj(g)) == 0;
    }
    if (ok && kz_json_put(o, "diagnostics", a))
        return o;
    if (!ok)
        json_decref(a);
    json_decref(o);
    return NULL;
}

int kz_check_json(FILE *out, const struct kz_check_file *files, size_t n, bool warnings)
{
    if (!out || (n && !files))
        return KZ_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!files[i].file || !files[i].d)
            return KZ_EINVAL;
    size_t errors = 0, warns = 0;
    json_t *doc = json_object(), *a = json_array();
    bool ok = doc && a;
    for (size_t i = 0; ok && i < n; i++)
        ok = json_array_append_new(a, file_obj(&files[i], warnings, &errors, &warns)) == 0;
    if (ok)
        ok = kz_json_put(doc, "files", a);
    else
        json_decref(a);
    ok = ok && kz_json_put(doc, "errors", json_integer((json_int_t)errors)) &&
         kz_json_put(doc, "warnings", json_integer((json_int_t)warns));
    if (!ok) {
        json_decref(doc);
        return KZ_ENOMEM;
    }
    return kz_json_write(out, doc, JSON_INDENT(2));
}
