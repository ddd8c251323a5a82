/* kizuna/error.h - error codes shared by every kizuna module. */
#ifndef KIZUNA_ERROR_H
#define KIZUNA_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every fallible kizuna function returns 0 (KZ_OK) on success or one of these
 * negative codes. Details (file, line, column, message) travel separately, in
 * a caller-owned kz_diags list or error buffer named by each function.
 */
enum kz_err {
    KZ_OK = 0,
    KZ_ENOMEM = -1,    /* an allocation failed */
    KZ_EINVAL = -2,    /* an argument was invalid (a programming error) */
    KZ_EIO = -3,       /* a file could not be opened, read or written */
    KZ_EPARSE = -4,    /* input is not well-formed (YAML syntax, types) */
    KZ_ECHECK = -5,    /* input is well-formed but breaks a rule */
    KZ_ENOTFOUND = -6, /* a named thing does not exist */
    KZ_ELIMIT = -7,    /* input exceeds a documented limit */
    KZ_EGRAPH = -8     /* a graphics library (Graphviz, PLplot) failed */
};

/* Returns a static, lowercase description of an error code; never NULL. */
const char *kz_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
