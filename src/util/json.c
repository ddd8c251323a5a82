/* json.c - the values every JSON document of kizuna is built from (kizuna/json.h). */
#include "kizuna/json.h"
#include "kizuna/error.h"

#include <errno.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

json_t *kz_json_num(double v)
{
    if (!isfinite(v))
        return json_null();
    if (v == trunc(v) && fabs(v) < 1e9 && !(v == 0 && signbit(v)))
        return json_integer((json_int_t)v);
    return json_real(v);
}

json_t *kz_json_str(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = strdup(s);
    if (!copy)
        return NULL;
    for (unsigned char *p = (unsigned char *)copy; *p; p++)
        if (*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

bool kz_json_put(json_t *o, const char *key, json_t *v)
{
    if (!o) {
        json_decref(v);
        return false;
    }
    return v && json_object_set_new(o, key, v) == 0;
}

void kz_json_set(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (!kz_json_put(o, key, v))
        *ok = false;
}

bool kz_json_push(json_t *a, json_t *v)
{
    if (!a) {
        json_decref(v);
        return false;
    }
    return v && json_array_append_new(a, v) == 0;
}

int kz_json_write(FILE *out, json_t *doc, size_t flags)
{
    char *text = doc ? json_dumps(doc, flags) : NULL;
    json_decref(doc);
    if (!text)
        return KZ_ENOMEM;
    errno = 0;
    int rc = fputs(text, out) == EOF || fputc('\n', out) == EOF ? KZ_EIO : KZ_OK;
    free(text);
    return rc;
}
