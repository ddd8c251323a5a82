/* kizuna/util.h - small helpers shared by the library and the command: numbers, durations,
 * error messages, growing arrays and "did you mean". */
#ifndef KIZUNA_UTIL_H
#define KIZUNA_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The whole of `s` as a base-10 integer in [lo, hi]: no leading or trailing
 * text, no overflow. Returns 0 and sets *out, or KZ_EPARSE (not a whole
 * number) or KZ_ELIMIT (outside [lo, hi]) and leaves *out unchanged.
 */
int kz_parse_long(const char *s, long lo, long hi, long *out);

/*
 * The whole of `s` as a finite number in [lo, hi] (strtod syntax, the C
 * locale's decimal point). Returns 0 and sets *out, or KZ_EPARSE (not a
 * number, or not finite) or KZ_ELIMIT (outside [lo, hi]).
 */
int kz_parse_double(const char *s, double lo, double hi, double *out);

/* How kz_fmt_dur writes a duration. Each style is used by one kind of output. */
enum kz_dur_style {
    KZ_DUR_TABLE, /* tables on a terminal: "12.3s", "4m05s", "2h10m"; "-" NaN, "n/c" +inf */
    KZ_DUR_PROSE, /* reports: "850 ms", "42 s", "4m 12s", "1h 05m", "2d 03h"; "not reached"
                   * +inf, an em dash NaN */
    KZ_DUR_TICK   /* chart ticks and notes: "45s", "12m", "1h30m", "2d" */
};

/* Formats `secs` into buf[0..n) in `style`; always NUL-terminated when n > 0. */
void kz_fmt_dur(double secs, enum kz_dur_style style, char *buf, size_t n);

/*
 * printf into a caller-owned error buffer err[0..errlen); does nothing when
 * err is NULL or errlen is 0. The message is truncated to fit.
 */
void kz_set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Grows the array `v` of elements of `elsize` bytes, with room for *cap of
 * them, so that it holds at least `need`: the capacity doubles (from 8) until
 * it does. Returns the (possibly moved) array, with *cap updated; `v` itself
 * when it is already large enough. A NULL `v` is an empty array (whatever
 * *cap says) and always gets one, even for need 0, so NULL means failure only:
 * on overflow or allocation failure it returns NULL and leaves `v` and *cap as
 * they were (the caller still owns `v`).
 * New elements are not initialised. Typical use:
 *
 *     struct item *nv = kz_grow(list->v, &list->cap, list->n + 1, sizeof *nv);
 *     if (!nv)
 *         return KZ_ENOMEM;
 *     list->v = nv;
 */
void *kz_grow(void *v, size_t *cap, size_t need, size_t elsize);

/*
 * "Did you mean": the candidate closest to `word` (cands[0..n), NULL entries
 * skipped) by edit distance, where an adjacent swap counts as one edit and
 * case is ignored; a candidate that `word` is a unique prefix of also
 * matches. Returns the candidate (a pointer into cands) when it is within a
 * small distance (1 for words up to 4 characters, 2 up to 8, else 3), else
 * NULL; NULL too when `word` is itself a candidate. Ties go to the earlier
 * candidate.
 */
const char *kz_suggest(const char *word, const char *const *cands, size_t n);

#ifdef __cplusplus
}
#endif
#endif
