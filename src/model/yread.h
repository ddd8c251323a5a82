/* yread.h - typed reading of a YAML tree with a diagnostic at the place of every problem. */
#ifndef KZ_YREAD_H
#define KZ_YREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/diag.h"
#include "dist.h"
#include "model_impl.h"
#include "ytree.h"

/*
 * Shared by the structure and the scenario loaders. Each reader reports what
 * is wrong with the node it was given as an error at the node's line and
 * column (codes as in docs/checks.md: K004 wrong type, K005 unknown key, K006
 * missing key, K012 bad value, K013 out of range, K014 bad duration, K015
 * negative, K016 bad distribution) and returns false, NULL or -1, so that a
 * loader can keep going and report every problem in one pass.
 */
struct yread {
    const char *file;
    kz_diags *d;
    struct arena *arena; /* where yr_lalloc and yr_meta_of allocate */
    int err;             /* KZ_ECHECK once an error is reported; KZ_ENOMEM wins */
};

void yr_report(struct yread *L, const struct ynode *n, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void *yr_lalloc(struct yread *L, size_t size);
bool yr_want(struct yread *L, const struct ynode *n, enum ytype t, const char *what);
/* Reports keys of `map` that are not in `allowed` (NULL-terminated), with a "did you mean". */
void yr_check_keys(struct yread *L, const struct ynode *map, const char *const *allowed,
                   const char *what);
const struct ynode *yr_required(struct yread *L, const struct ynode *map, const char *key,
                                const char *what);
const char *yr_str_of(struct yread *L, const struct ynode *n, const char *what);
/* The mapping's `id`, checked to be 1-64 letters, digits, '-', '_' or '.'. */
const char *yr_id_of(struct yread *L, const struct ynode *map, const char *what);
bool yr_number_of(struct yread *L, const struct ynode *n, const char *what, double lo, double hi,
                  double *out);
bool yr_bool_of(struct yread *L, const struct ynode *n, const char *what, bool *out);
/* Index of the scalar among `names`, or -1 after reporting K012 with a hint. */
int yr_enum_of(struct yread *L, const struct ynode *n, const char *what, const char *const *names,
               size_t count);
/* An error or a warning at a place that is not a node's (a column inside a string). */
void yr_report_at(struct yread *L, int line, int col, enum kz_severity sev, int code,
                  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/*
 * Reads `source`, `assumption`, `range`, `notes` and the element's position. The range
 * (a string, or a list of two values read as "LOW-HIGH") is parsed into out->rng, in the
 * arena; out->range_pos is the place of its first character (inside any quotes), so that a
 * clause's column is range_pos.col + clause.col - 1. An unparsable range is error K037 at
 * the offending character (out->rng is then NULL).
 */
void yr_meta_of(struct yread *L, const struct ynode *map, struct meta *out);
/* Reports each inconsistency of mt->rng against `t` (rg_check) as error K038 at its clause,
 * for elements whose range is checked as they load (a scenario's, a location's). Nothing
 * when mt has no parsed range. */
void yr_range_check(struct yread *L, const struct meta *mt, const struct rg_target *t);
/* For an element whose meta is not kept (a location, a scenario's thread): reads the meta of
 * `map` (yr_meta_of, K037), then warns K031 when it is an assumption without a range, naming
 * it `name` (e.g. "thread 'jp-bmd'"), and checks its range against `t` (K038). */
void yr_meta_checked(struct yread *L, const struct ynode *map, const char *name,
                     const struct rg_target *t);
/* The distribution's meta (K031 when an assumption has no range, K038) as yr_range_check. */
void yr_dist_range_check(struct yread *L, const struct kz_dist *d);
bool yr_duration_of(struct yread *L, const struct ynode *n, const char *what, double *secs);
/* A duration (fixed) or a mapping {dist: fixed|uniform|triangular|exponential|lognormal|pert, ...}.
 * A mapping that carries source, assumption, range or notes gets out->meta (yr_meta_of, in
 * the arena); otherwise out->meta is NULL. Each read of a YAML alias gets a meta of its own,
 * equal to the others and with the same range_pos: one written range is recognised by its
 * place (the file and range_pos), not by the pointer. */
bool yr_dist_of(struct yread *L, const struct ynode *n, const char *what, struct kz_dist *out);

/*
 * Reads a whole file into a malloc'd buffer (*out, caller frees). Files over
 * `max` bytes are read only to max + 1 bytes, so the loader can refuse them.
 * Problems go to `d` as [K001] at the file. Returns 0, KZ_EIO or KZ_ENOMEM.
 */
int yr_read_file(const char *path, size_t max, char **out, size_t *outlen, kz_diags *d);

#endif
