/* kizuna/diag.h - a list of located diagnostics (FILE:LINE:COL: error: [Knnn] message). */
#ifndef KIZUNA_DIAG_H
#define KIZUNA_DIAG_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

enum kz_severity { KZ_SEV_WARNING = 1, KZ_SEV_ERROR = 2 };

/*
 * One diagnostic. Line and column are 1-based; 0 means "the whole file".
 * `code` is the stable rule number (K001 is 1); docs/checks.md describes each.
 * Strings are owned by the kz_diags list that holds the diagnostic.
 */
struct kz_diag {
    const char *file;
    int line;
    int col;
    enum kz_severity severity;
    int code;
    const char *msg;
};

/* An append-only list of diagnostics, owned by the caller. */
typedef struct kz_diags kz_diags;

/* Creates an empty list in *out. Returns 0 or KZ_ENOMEM. */
int kz_diags_create(kz_diags **out);

/* Frees the list and every string it holds. NULL is accepted. */
void kz_diags_destroy(kz_diags *d);

/*
 * Appends a diagnostic; the file name and the formatted message are copied.
 * Returns 0 or KZ_ENOMEM (the list is then unchanged). After 10,000 entries
 * further ones are counted but not stored, so hostile input cannot exhaust memory.
 */
int kz_diags_add(kz_diags *d, const char *file, int line, int col, enum kz_severity sev, int code,
                 const char *fmt, ...) __attribute__((format(printf, 7, 8)));

size_t kz_diags_count(const kz_diags *d);
/* Number of error-severity diagnostics added, including any not stored. */
size_t kz_diags_errors(const kz_diags *d);
size_t kz_diags_warnings(const kz_diags *d);
/* Number of diagnostics dropped because of the storage cap. */
size_t kz_diags_dropped(const kz_diags *d);

/* The i-th diagnostic (0 <= i < count), valid until the list is destroyed. */
const struct kz_diag *kz_diags_get(const kz_diags *d, size_t i);

/* Sorts by file, line, column, then code, so output is stable. */
void kz_diags_sort(kz_diags *d);

/* Writes one diagnostic as `FILE:LINE:COL: error: [Knnn] message` plus newline. */
void kz_diag_print(const struct kz_diag *dg, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
