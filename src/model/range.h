/* range.h - an assumption's `range:` read by machine: intervals, plus-minus, value lists and
 * qualitative alternatives (docs/structure.md, "Ranges"), and its check against the element. */
#ifndef KZ_RANGE_H
#define KZ_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "dist.h"
#include "../util/arena.h"

enum rg_kind {
    RG_INTERVAL,    /* LOW-HIGH or LOW to HIGH */
    RG_PLUSMINUS,   /* +-D around the value */
    RG_LIST,        /* [A, B, C] or "A or B": counts and choices */
    RG_ALTERNATIVES /* "alternatives: TEXT": a structural choice, described, never sampled */
};

/* One clause of a range: `[FIELD] SPEC`, clauses separated by ';'. */
struct rg_clause {
    const char *field; /* "median", "max", "p90", "mode", "min", "mean", "value", "location",
                        * "cells", "copies", ...; NULL: the element's own value (a
                        * distribution's median) */
    enum rg_kind kind;
    bool duration;      /* the values carried a time unit (they are then in seconds) */
    bool degrees;       /* the values carried `deg` (plain numbers otherwise) */
    bool rate;          /* the values were rates such as 4/h (they are then per second) */
    double lo, hi;      /* RG_INTERVAL: the ends as written (lo may be above hi: K038);
                         * RG_PLUSMINUS: -D and +D; RG_LIST: the smallest and largest value */
    const double *vals; /* RG_LIST: the values in the order written */
    size_t nvals;
    const char *text; /* RG_ALTERNATIVES: the description */
    int col;          /* 1-based column (in characters) of the clause within the range's text */
};

/* A parsed range; `remark` is the text of the "(...)" comments without their parentheses,
 * "; "-joined when several clauses carry one, or NULL. */
struct krange {
    struct rg_clause *c;
    size_t n;
    const char *remark;
};

#define RG_MAX_VALUES 64 /* values in one list */

/*
 * Parses `text` into *out, allocating in `a` (everything lives as long as the arena). On a
 * malformed range returns KZ_EPARSE with a message in err[0..errlen) and in *col the
 * 1-based column (in characters) within `text` of the offending character; KZ_ENOMEM when
 * the arena is full; 0 on success. Inconsistencies (low above high, a field the element
 * lacks, a value outside the range) are left to rg_check (K038).
 */
int rg_parse(const char *text, struct arena *a, struct krange *out, char *err, size_t errlen,
             int *col);

/* The clause for `field` (NULL: the bare clause), or NULL. */
const struct rg_clause *rg_find(const struct krange *r, const char *field);

/* ---- the check of a range against its element (K038) -------------------- */

enum rg_unit {
    RG_U_DURATION, /* seconds, written with a time unit (or a bare 0) */
    RG_U_COUNT,    /* whole plain numbers */
    RG_U_NUMBER,   /* plain numbers (utc_offset in hours, path_factor) */
    RG_U_DEGREES,  /* plain numbers or NUMBERdeg */
    RG_U_RATE      /* per second, written N/s, N/m, N/h or N/d */
};

/* A field an element offers its range. */
struct rg_field {
    const char *name;
    enum rg_unit unit;
    bool has_value;      /* false: nothing single to contain (a node's location) */
    bool plusminus_only; /* only +-D makes sense (location: both coordinates move) */
    double value;        /* the element's value, in the unit's base (seconds, per second ...) */
};

/* An element as its range sees it: what it is called and the fields it has. */
struct rg_target {
    const char *what; /* e.g. "a lognormal distribution", "a node" */
    const struct rg_field *f;
    size_t n;
    int bare; /* index in f of what a clause without a field means, or -1: a field is needed */
};

/* Called once per inconsistency: `col` is the clause's column within the range's text. */
typedef void rg_report_fn(void *ctx, int col, const char *msg);

/*
 * Reports (through fn) each inconsistency of `r` against `t` (docs/checks.md, K038): a field
 * `t` lacks, the same field twice (a bare clause counts as the field it means), a value of
 * the wrong unit (a duration where a count is meant, or the reverse; a count that is not
 * whole), +-D on a field that needs it missing, low above high, the element's value outside
 * its range (a list must contain it; +-D always does), and a median range whose high end
 * is above the low end of the same element's max range. `alternatives:` clauses are never
 * inconsistent. Returns the number of problems reported.
 */
size_t rg_check(const struct krange *r, const struct rg_target *t, rg_report_fn *fn, void *ctx);

#define RG_DIST_FIELDS 5

/* The target of a distribution: median (bare), and its parameters by kind (value; min, max;
 * min, mode, max; mean and max if truncated; p90 and max if truncated). `f` must hold
 * RG_DIST_FIELDS entries and outlive *out. */
void rg_dist_target(const struct kz_dist *d, struct rg_field *f, struct rg_target *out);

#endif
