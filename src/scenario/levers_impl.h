/* levers_impl.h - the lever table shared by levers.c (paths, kz_levers_set) and
 * levers_factor.c (factors, kz_levers_factor_set). */
#ifndef KZ_LEVERS_IMPL_H
#define KZ_LEVERS_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/levers.h"
#include "model/model_impl.h"
#include "scenario/scenario_impl.h"
#include "util/arena.h"

/* What a lever or a factor changes in its element. */
enum lv_field {
    F_MEDIAN, /* distributions (lv_param_ok says which kind has which) */
    F_P90,
    F_MAX,
    F_MIN,
    F_MODE,
    F_MEAN,
    F_VALUE,
    F_CELLS, /* nodes */
    F_LAT,
    F_LON,
    F_UTC,      /* hours */
    F_LOCATION, /* a factor only: lat and lon moved by one offset, in degrees */
    F_COPIES,   /* threads */
    F_SPACING,
    F_COUNT
};
extern const char *const lv_field_names[F_COUNT];

/* Limits of the loader's (model_load.c, scenario.c) for the counts and places it reads. */
#define LV_MAX_CELLS  1000
#define LV_MAX_COPIES 64

enum lv_kind { EL_DIST, EL_NODE, EL_THREAD };

/* The values of a node or a thread that levers change. */
struct lv_node_vals {
    double lat, lon;
    int utc_min, cells;
};
struct lv_thread_vals {
    int copies;
    double spacing;
};

/*
 * One element a lever writes into: a distribution, a node or a thread of the model or the
 * scenario. `base` is its value as loaded (after kz_levers_set): what a factor starts from
 * and what kz_levers_factor_reset puts back, byte for byte. `pinned` (bit per field) marks
 * what kz_levers_set fixed: no factor moves it any more.
 */
struct lv_elem {
    enum lv_kind kind;
    union {
        struct kz_dist *d;
        struct node *n;
        struct sthread *t;
    } p;
    union {
        struct kz_dist d;
        struct lv_node_vals n;
        struct lv_thread_vals t;
    } base;
    const char *prefix;      /* its paths without the field: "node.jjoc.processing.decide" */
    const char *file;        /* the file it was loaded from */
    const struct meta *meta; /* where its range is written, or NULL */
    unsigned pinned;
    long group; /* index of its range's group, or -1 */
};

/* A path and what it sets. */
struct lv_lever {
    const char *path;
    size_t elem;
    enum lv_field field;
};

/* Elements whose range is written at one place, and that range's factors. */
struct lv_group {
    const char *file;
    struct pos at;
    size_t *elems, nelems;
    size_t f0, nf; /* its factors: fac[f0 .. f0 + nf) */
};

struct lv_factor {
    struct kz_factor pub;
    enum lv_field field;
    size_t group;
    const struct rg_clause *c;
    char *name; /* pub.name's buffer: room for the longest element's path */
    double cur; /* the value set by kz_levers_factor_set, when `active` */
    bool active;
};

struct kz_levers {
    kz_model *m;
    kz_scenario *s;
    struct arena a; /* strings and the groups' element lists */
    struct lv_elem *el;
    size_t nel, elcap;
    struct lv_lever *lv;
    size_t nlv, lvcap;
    const char **paths; /* lv[i].path, for suggestions */
    struct lv_group *grp;
    size_t ngrp;
    struct lv_factor *fac;
    size_t nfac;
    size_t *live, nlive; /* the factors that still move an element, in order */
    size_t nqual;
    /* the overrides, in a buffer made at open (kz_levers_set allocates nothing) */
    char *ovtext;
    size_t ovused;
    const char **ov;
    size_t nov;
};

/* Whether a distribution of kind k has parameter f (F_MEDIAN: every kind). */
bool lv_param_ok(enum kz_dist_kind k, enum lv_field f);
/* The value of field f of element e's base (degrees, hours, seconds or a count; a location
 * offset is 0). */
double lv_base(const struct lv_elem *e, enum lv_field f);

/*
 * Writes v into field f of distribution d. clamp false: d is left invalid when v breaks it
 * (the caller checks with kz_dist_check); clamp true: v is first moved to the nearest value
 * d can take with its other parameters (kz_levers_factor_set's rule). Returns 0, or -1 when
 * the value cannot be applied at all (a median to scale from 0, a median of 0 or less),
 * with why[0..n). mu and sigma are derived again.
 */
int lv_dist_apply(struct kz_dist *d, enum lv_field f, double v, bool clamp, char *why, size_t n);

/* Builds the groups and the factors of lv (levers_factor.c), after every element is known.
 * Returns 0 or KZ_ENOMEM. */
int lv_factors_build(kz_levers *lv);
/* Element i was fixed (fields `mask`) by kz_levers_set: it leaves the factors that moved it
 * there (their uses drop; a factor left with none is no longer listed). */
void lv_factors_pin(kz_levers *lv, size_t i, unsigned mask);

#endif
