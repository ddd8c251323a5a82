/* num.c - the one parser of numbers given as text (options, journal filters). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "kizuna/error.h"
#include "kizuna/util.h"

int kz_parse_long(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s)
        return KZ_EPARSE;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end)
        return KZ_EPARSE;
    if (errno == ERANGE || v < lo || v > hi)
        return KZ_ELIMIT;
    *out = v;
    return KZ_OK;
}

int kz_parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s)
        return KZ_EPARSE;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || isnan(v))
        return KZ_EPARSE;
    if (errno == ERANGE || isinf(v) || v < lo || v > hi)
        return KZ_ELIMIT;
    *out = v;
    return KZ_OK;
}
