/* error.c - text for kizuna's error codes. */
#include "kizuna/error.h"

const char *kz_strerror(int err)
{
    switch (err) {
    case KZ_OK:
        return "success";
    case KZ_ENOMEM:
        return "out of memory";
    case KZ_EINVAL:
        return "invalid argument";
    case KZ_EIO:
        return "input/output error";
    case KZ_EPARSE:
        return "malformed input";
    case KZ_ECHECK:
        return "input breaks a rule";
    case KZ_ENOTFOUND:
        return "not found";
    case KZ_ELIMIT:
        return "limit exceeded";
    case KZ_EGRAPH:
        return "graphics library failure";
    default:
        return "unknown error";
    }
}
