/* grow.c - kz_grow and kz_set_err: the growing array and the error buffer every module uses. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kizuna/util.h"

void *kz_grow(void *v, size_t *cap, size_t need, size_t elsize)
{
    if (v && need <= *cap)
        return v;
    if (elsize == 0)
        return NULL;
    size_t c = v && *cap ? *cap : 8; /* no array yet: its capacity is 0 whatever *cap says */
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return NULL;
        c *= 2;
    }
    if (c > SIZE_MAX / elsize)
        return NULL;
    void *nv = realloc(v, c * elsize);
    if (!nv)
        return NULL;
    *cap = c;
    return nv;
}

void kz_set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
