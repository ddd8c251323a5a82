/* range.h - an assumption's `range:` read by machine: intervals, plus-minus, value lists and
 * qualitative alternatives (docs/structure.md, "Ranges"). */
#ifndef KZ_RANGE_H
#define KZ_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/arena.h"

enum rg_kind {
    RG_INTERVAL,    /* LOW-HIGH */
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
    double lo, hi;      /* RG_INTERVAL: the ends; RG_PLUSMINUS: -D and +D; RG_LIST: the
                         * smallest and largest value */
    const double *vals; /* RG_LIST: the values in the order written */
    size_t nvals;
    const char *text;   /* RG_ALTERNATIVES: the description */
    int col;            /* 1-based column of the clause within the range's text */
};

/* A parsed range; `remark` is a trailing "(...)" comment without its parentheses, or NULL. */
struct krange {
    struct rg_clause *c;
    size_t n;
    const char *remark;
};

/*
 * Parses `text` into *out, allocating in `a` (everything lives as long as the arena). On a
 * malformed range returns -1 with a message in err[0..errlen) and the 1-based column
 * within `text` in *col; KZ_ENOMEM when the arena is full; 0 on success. Low above high
 * is reported by the checker (K038), not here.
 */
int rg_parse(const char *text, struct arena *a, struct krange *out, char *err, size_t errlen,
             int *col);

/* The clause for `field` (NULL: the bare clause), or NULL. */
const struct rg_clause *rg_find(const struct krange *r, const char *field);

#endif
