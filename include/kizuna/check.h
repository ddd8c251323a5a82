/* kizuna/check.h - the result of checking several files: counts, repeats, the JSON document. */
#ifndef KIZUNA_CHECK_H
#define KIZUNA_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kizuna/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One checked file and its diagnostics. Both are borrowed: `file` and `d`
 * must outlive every call given them.
 */
struct kz_check_file {
    const char *file; /* as named on the command line */
    kz_diags *d;
};

/*
 * Sorts `d` (kz_diags_sort) and counts its errors and warnings, dropped ones
 * included. A diagnostic that repeats the one before it - same file, place,
 * severity, code and message, as when one scenario is checked against two
 * structures that both lack an id - counts once.
 */
void kz_check_count(kz_diags *d, size_t *errors, size_t *warnings);

/* True when diagnostic i of the sorted `d` repeats diagnostic i - 1 (print it once). */
bool kz_check_repeats(const kz_diags *d, size_t i);

/*
 * Writes the check document of docs/json.md ("check") for files[0..n), then a
 * newline: per file its counts and its diagnostics, sorted, each once;
 * warnings are listed only when `warnings` (they are counted either way).
 * Sorts each list. Returns 0, KZ_EINVAL, KZ_ENOMEM or KZ_EIO.
 */
int kz_check_json(FILE *out, const struct kz_check_file *files, size_t n, bool warnings);

#ifdef __cplusplus
}
#endif
#endif
