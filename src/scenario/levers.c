/* levers.c - what-if levers over a loaded structure and scenario: every path, and
 * kz_levers_set ("PATH=VALUE"); the factors of the sweeps are in levers_factor.c. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/levers.h"
#include "kizuna/util.h"
#include "scenario/levers_impl.h"

/* The overrides a set of levers records (kz_levers_set allocates nothing: room made at open). */
#define LV_MAX_OVERRIDES 256
#define LV_OVERRIDE_TEXT 32768
#define LV_MAX_PATH      512
#define LV_MAX_SECS      1e9 /* the longest time kz_parse_duration and kz_dist_check take */

const char *const lv_field_names[F_COUNT] = {"median",     "p90",      "max",    "min",    "mode",
                                             "mean",       "value",    "cells",  "lat",    "lon",
                                             "utc_offset", "location", "copies", "spacing"};

/* ---- distributions ------------------------------------------------------------------ */

bool lv_param_ok(enum kz_dist_kind k, enum lv_field f)
{
    switch (f) {
    case F_MEDIAN:
        return k != KZ_DIST_NONE;
    case F_VALUE:
        return k == KZ_DIST_FIXED;
    case F_MIN:
        return k == KZ_DIST_UNIFORM || k == KZ_DIST_TRIANGULAR || k == KZ_DIST_PERT;
    case F_MODE:
        return k == KZ_DIST_TRIANGULAR || k == KZ_DIST_PERT;
    case F_MAX:
        return k != KZ_DIST_NONE && k != KZ_DIST_FIXED;
    case F_MEAN:
        return k == KZ_DIST_EXPONENTIAL;
    case F_P90:
        return k == KZ_DIST_LOGNORMAL;
    default:
        return false;
    }
}

/* Where field f of d lives (F_MEDIAN has no place: it is computed). */
static double *dist_slot(struct kz_dist *d, enum lv_field f)
{
    switch (f) {
    case F_VALUE:
    case F_MEAN:
    case F_MIN:
        return &d->p[0];
    case F_MODE:
    case F_P90:
        return &d->p[1];
    case F_MAX:
        return d->kind == KZ_DIST_UNIFORM                                 ? &d->p[1]
               : d->kind == KZ_DIST_TRIANGULAR || d->kind == KZ_DIST_PERT ? &d->p[2]
                                                                          : &d->max;
    default:
        return NULL;
    }
}

double lv_base(const struct lv_elem *e, enum lv_field f)
{
    switch (e->kind) {
    case EL_DIST: {
        struct kz_dist d = e->base.d;
        return f == F_MEDIAN ? kz_dist_median(&d) : *dist_slot(&d, f);
    }
    case EL_NODE:
        return f == F_CELLS ? e->base.n.cells
               : f == F_LAT ? e->base.n.lat
               : f == F_LON ? e->base.n.lon
               : f == F_UTC ? e->base.n.utc_min / 60.0
                            : 0; /* F_LOCATION: an offset, 0 as loaded */
    case EL_THREAD:
        return f == F_COPIES ? e->base.t.copies : e->base.t.spacing;
    }
    return 0;
}

/* The median scaled to v (v > 0), the shape kept: every time of the distribution times the
 * same factor (a lognormal's median set exactly, its p90 and max scaled). */
static int dist_scale(struct kz_dist *d, double v, bool clamp, char *why, size_t n)
{
    if (d->kind == KZ_DIST_FIXED) {
        d->p[0] = v;
        return 0;
    }
    double m0 = kz_dist_median(d);
    if (!(m0 > 0)) {
        snprintf(why, n, "its median is 0, so it has no shape to scale (set its parameters)");
        return -1;
    }
    double k = v / m0, top = fmax(fmax(d->p[0], d->p[1]), fmax(d->p[2], d->max));
    if (clamp && top * k > LV_MAX_SECS) {
        k = LV_MAX_SECS / top; /* the longest time at the longest a time may be */
        v = m0 * k;
    }
    for (int i = 0; i < 3; i++)
        d->p[i] = clamp ? fmin(d->p[i] * k, LV_MAX_SECS) : d->p[i] * k; /* top * k may round up */
    d->max = clamp ? fmin(d->max * k, LV_MAX_SECS) : d->max * k;
    if (d->kind == KZ_DIST_LOGNORMAL) {
        d->p[0] = v;
        if (clamp && !(d->p[1] > v))
            d->p[1] = nextafter(v, INFINITY);
    }
    return 0;
}

int lv_dist_apply(struct kz_dist *d, enum lv_field f, double v, bool clamp, char *why, size_t n)
{
    if (clamp)
        v = v >= 0 ? fmin(v, LV_MAX_SECS) : 0;
    if (f == F_MEDIAN) {
        if (!(v > 0) && d->kind != KZ_DIST_FIXED) {
            if (!clamp) {
                snprintf(why, n, "a median must be above 0");
                return -1;
            }
            v = 1e-6; /* a microsecond, the engine's tick */
        }
        if (dist_scale(d, v, clamp, why, n))
            return -1;
        kz_dist_derive(d);
        return 0;
    }
    double *p = d->p, *slot = dist_slot(d, f);
    bool tri = d->kind == KZ_DIST_TRIANGULAR || d->kind == KZ_DIST_PERT;
    if (clamp) {
        switch (f) {
        case F_MEAN:
            v = v > 0 ? v : 1e-6;
            if (d->max > 0 && v * log(2.0) > d->max)
                v = d->max / log(2.0);
            break;
        case F_MIN:
            v = fmin(v, p[1]);
            if (tri && !(v < p[2]))
                v = nextafter(p[2], -INFINITY);
            break;
        case F_MODE:
            v = fmin(fmax(v, p[0]), p[2]);
            break;
        case F_MAX:
            if (d->kind == KZ_DIST_UNIFORM)
                v = fmax(v, p[0]);
            else if (tri)
                v = fmax(fmax(v, p[1]), nextafter(p[0], INFINITY));
            else
                v = v > 0 ? v : 1e-6;
            break;
        case F_P90:
            v = fmax(v, nextafter(p[0], INFINITY));
            break;
        default:
            break;
        }
    }
    *slot = v;
    /* A truncation below the median: the median comes down to it (the max is the value the
     * factor set; the median is what cannot be taken). */
    if (clamp && f == F_MAX && d->max > 0 && kz_dist_median(d) > d->max) {
        (void)dist_scale(d, v, true, why, n); /* the median is above 0 here: it scales */
        d->max = v;
    }
    kz_dist_derive(d);
    return 0;
}

/* ---- building the table ------------------------------------------------------------- */

static char *vfmt(kz_levers *lv, const char *fmt, va_list ap)
{
    char buf[LV_MAX_PATH];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return arena_strdup(&lv->a, buf);
}

/* A new element; its index, or -1 when out of memory. */
static long add_elem(kz_levers *lv, enum lv_kind kind, void *p, const char *file,
                     const struct meta *meta, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static long add_elem(kz_levers *lv, enum lv_kind kind, void *p, const char *file,
                     const struct meta *meta, const char *fmt, ...)
{
    struct lv_elem *nv = kz_grow(lv->el, &lv->elcap, lv->nel + 1, sizeof *nv);
    if (!nv)
        return -1;
    lv->el = nv;
    struct lv_elem *e = &lv->el[lv->nel];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->file = file;
    e->meta = meta;
    e->group = -1;
    if (kind == EL_DIST)
        e->p.d = p;
    else if (kind == EL_NODE)
        e->p.n = p;
    else
        e->p.t = p;
    va_list ap;
    va_start(ap, fmt);
    e->prefix = vfmt(lv, fmt, ap);
    va_end(ap);
    return e->prefix ? (long)lv->nel++ : -1;
}

static int add_lever(kz_levers *lv, size_t elem, enum lv_field f)
{
    struct lv_lever *nv = kz_grow(lv->lv, &lv->lvcap, lv->nlv + 1, sizeof *nv);
    if (!nv)
        return KZ_ENOMEM;
    lv->lv = nv;
    char buf[LV_MAX_PATH];
    snprintf(buf, sizeof buf, "%s.%s", lv->el[elem].prefix, lv_field_names[f]);
    const char *path = arena_strdup(&lv->a, buf);
    if (!path)
        return KZ_ENOMEM;
    lv->lv[lv->nlv++] = (struct lv_lever){path, elem, f};
    return 0;
}

/* The parameters of a distribution in the order a reader looks for them. */
static const enum lv_field dist_fields[] = {F_VALUE, F_MIN, F_MODE, F_MEAN, F_MEDIAN, F_P90, F_MAX};

/* A distribution's levers (none when it is not given). */
static int add_dist(kz_levers *lv, struct kz_dist *d, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int add_dist(kz_levers *lv, struct kz_dist *d, const char *file, const char *fmt, ...)
{
    if (d->kind == KZ_DIST_NONE)
        return 0;
    char buf[LV_MAX_PATH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    long e = add_elem(lv, EL_DIST, d, file, d->meta, "%s", buf);
    if (e < 0)
        return KZ_ENOMEM;
    for (size_t i = 0; i < sizeof dist_fields / sizeof dist_fields[0]; i++)
        if (lv_param_ok(d->kind, dist_fields[i]) && add_lever(lv, (size_t)e, dist_fields[i]))
            return KZ_ENOMEM;
    return 0;
}

static int add_model(kz_levers *lv, kz_model *m)
{
    const char *f = m->file;
    int rc = 0;
    for (size_t i = 0; i < m->nnodes && !rc; i++) {
        struct node *x = &m->nodes[i];
        long e = add_elem(lv, EL_NODE, x, f, &x->meta, "node.%s", x->id);
        if (e < 0)
            return KZ_ENOMEM;
        rc = add_lever(lv, (size_t)e, F_CELLS) || add_lever(lv, (size_t)e, F_LAT) ||
                     add_lever(lv, (size_t)e, F_LON) || add_lever(lv, (size_t)e, F_UTC)
                 ? KZ_ENOMEM
                 : add_dist(lv, &x->recall, f, "node.%s.recall", x->id);
        for (int a = 0; a < ACT_COUNT && !rc; a++)
            rc = add_dist(lv, &x->proc[a], f, "node.%s.processing.%s", x->id, kz_action_names[a]);
        for (size_t k = 0; k < x->nprofiles && !rc; k++)
            for (int a = 0; a < ACT_COUNT && !rc; a++)
                if (x->profiles[k].has & (1u << a))
                    rc = add_dist(lv, &x->profiles[k].proc[a], f, "node.%s.profiles.%zu.%s", x->id,
                                  k, kz_action_names[a]);
    }
    for (size_t k = 0; k < m->nauthorities && !rc; k++)
        if (m->authorities[k].delegate >= 0)
            rc = add_dist(lv, &m->authorities[k].delegate_after, f, "authority.%zu.delegate.after",
                          k);
    for (size_t k = 0; k < m->nnetworks && !rc; k++) {
        struct network *nw = &m->networks[k];
        rc = add_dist(lv, &nw->overhead, f, "network.%s.latency.overhead", nw->id);
        if (!rc)
            rc = add_dist(lv, &nw->gateway, f, "network.%s.gateway", nw->id);
    }
    return rc;
}

static int add_scenario(kz_levers *lv, kz_scenario *s)
{
    const char *f = s->file;
    int rc = 0;
    for (size_t i = 0; i < s->nthreads && !rc; i++) {
        struct sthread *t = &s->threads[i];
        if (!t->id)
            continue;
        long e = add_elem(lv, EL_THREAD, t, f, NULL, "thread.%s", t->id);
        if (e < 0 || add_lever(lv, (size_t)e, F_COPIES) || add_lever(lv, (size_t)e, F_SPACING))
            return KZ_ENOMEM;
        rc = add_dist(lv, &t->start, f, "thread.%s.start", t->id);
        if (!rc)
            rc = add_dist(lv, &t->deadline, f, "thread.%s.deadline", t->id);
        for (size_t k = 0; k < t->nsteps && !rc; k++) {
            struct sstep *st = &t->steps[k];
            if (st->kind != ST_DELAY)
                continue;
            if (st->id)
                rc = add_dist(lv, &st->delay, f, "thread.%s.step.%s.delay", t->id, st->id);
            else
                rc = add_dist(lv, &st->delay, f, "thread.%s.step.%zu.delay", t->id, k);
        }
    }
    for (size_t k = 0; k < s->noutages && !rc; k++) {
        rc = add_dist(lv, &s->outages[k].at, f, "outage.%zu.at", k);
        if (!rc && s->outages[k].has_dur)
            rc = add_dist(lv, &s->outages[k].dur, f, "outage.%zu.for", k);
    }
    return rc;
}

/* The element's values as they are now, into its base. */
static void snapshot(struct lv_elem *e)
{
    if (e->kind == EL_DIST) {
        e->base.d = *e->p.d;
    } else if (e->kind == EL_NODE) {
        const struct node *x = e->p.n;
        e->base.n = (struct lv_node_vals){x->lat, x->lon, x->utc_offset_min, x->cells};
    } else {
        e->base.t = (struct lv_thread_vals){e->p.t->copies, e->p.t->spacing};
    }
}

int kz_levers_open(kz_model *m, kz_scenario *s, kz_levers **out)
{
    if (!out || (!m && !s))
        return KZ_EINVAL;
    *out = NULL;
    kz_levers *lv = calloc(1, sizeof *lv);
    if (!lv)
        return KZ_ENOMEM;
    lv->m = m;
    lv->s = s;
    int rc = m ? add_model(lv, m) : 0;
    if (!rc && s)
        rc = add_scenario(lv, s);
    if (!rc) {
        lv->paths = calloc(lv->nlv ? lv->nlv : 1, sizeof *lv->paths);
        lv->ov = calloc(LV_MAX_OVERRIDES, sizeof *lv->ov);
        lv->ovtext = malloc(LV_OVERRIDE_TEXT);
        rc = lv->paths && lv->ov && lv->ovtext ? 0 : KZ_ENOMEM;
    }
    for (size_t i = 0; !rc && i < lv->nlv; i++)
        lv->paths[i] = lv->lv[i].path;
    for (size_t i = 0; !rc && i < lv->nel; i++)
        snapshot(&lv->el[i]);
    if (!rc)
        rc = lv_factors_build(lv);
    if (rc) {
        kz_levers_free(lv);
        return rc;
    }
    *out = lv;
    return 0;
}

void kz_levers_free(kz_levers *lv)
{
    if (!lv)
        return;
    free(lv->el);
    free(lv->lv);
    free(lv->paths);
    free(lv->grp);
    free(lv->fac);
    free(lv->live);
    free(lv->ov);
    free(lv->ovtext);
    arena_free(&lv->a);
    free(lv);
}

size_t kz_levers_npaths(const kz_levers *lv)
{
    return lv ? lv->nlv : 0;
}

const char *kz_levers_path(const kz_levers *lv, size_t i)
{
    return lv && i < lv->nlv ? lv->lv[i].path : NULL;
}

size_t kz_levers_noverrides(const kz_levers *lv)
{
    return lv ? lv->nov : 0;
}

const char *kz_levers_override(const kz_levers *lv, size_t i)
{
    return lv && i < lv->nov ? lv->ov[i] : NULL;
}

/* ---- "did you mean" ----------------------------------------------------------------- */

/* How far candidate c is from path, dot-separated part by part: each part equal (0) or one
 * kz_suggest finds near (1); -1 when a part is neither or the parts do not line up. */
static int part_distance(const char *path, const char *c)
{
    int d = 0;
    while (*path || *c) {
        size_t lp = strcspn(path, "."), lc = strcspn(c, ".");
        char a[72], b[72];
        if (lp >= sizeof a || lc >= sizeof b)
            return -1;
        memcpy(a, path, lp);
        a[lp] = '\0';
        memcpy(b, c, lc);
        b[lc] = '\0';
        if (strcmp(a, b)) {
            const char *cand = b;
            if (!kz_suggest(a, &cand, 1))
                return -1;
            d++;
        }
        path += lp + (path[lp] == '.');
        c += lc + (c[lc] == '.');
        if (!*path != !*c)
            return -1;
    }
    return d;
}

/* The valid path nearest to `path`, or NULL. */
static const char *nearest(const kz_levers *lv, const char *path)
{
    const char *best = NULL;
    int bd = 0;
    for (size_t i = 0; i < lv->nlv; i++) {
        int d = part_distance(path, lv->lv[i].path);
        if (d > 0 && (!best || d < bd)) {
            best = lv->lv[i].path;
            bd = d;
        }
    }
    return best ? best : kz_suggest(path, lv->paths, lv->nlv);
}

/* ---- kz_levers_set ------------------------------------------------------------------ */

static bool is_duration(enum lv_field f)
{
    return f <= F_VALUE || f == F_SPACING;
}

/* VALUE of field f into *v (seconds, a count, degrees or hours). */
static int parse_value(const char *path, enum lv_field f, const char *text, double *v, char *err,
                       size_t errlen)
{
    if (is_duration(f)) {
        int rc = kz_parse_duration(text, v);
        if (rc == -1) {
            kz_set_err(err, errlen, "%s: '%s' is not a duration (e.g. 90s, 2m, 1h30m)", path, text);
            return KZ_EPARSE;
        }
        if (rc == -2) {
            kz_set_err(err, errlen, "%s: '%s' is negative; a time is at least 0", path, text);
            return KZ_ECHECK;
        }
        return 0;
    }
    if (f == F_CELLS || f == F_COPIES) {
        long hi = f == F_CELLS ? LV_MAX_CELLS : LV_MAX_COPIES, n;
        int rc = kz_parse_long(text, 1, hi, &n);
        if (rc == KZ_EPARSE) {
            kz_set_err(err, errlen, "%s: '%s' is not a whole number", path, text);
            return KZ_EPARSE;
        }
        if (rc) {
            kz_set_err(err, errlen, "%s: %s is out of range: 1 to %ld", path, text, hi);
            return KZ_ECHECK;
        }
        *v = (double)n;
        return 0;
    }
    double lo = f == F_LAT   ? -90
                : f == F_LON ? -180
                             : -12,
           hi = f == F_LAT   ? 90
                : f == F_LON ? 180
                             : 14;
    int rc = kz_parse_double(text, -1e9, 1e9, v);
    if (rc) {
        kz_set_err(err, errlen, "%s: '%s' is not a number%s", path, text,
                   f == F_UTC ? " of hours (e.g. 9, -5, 5.5)" : " of degrees");
        return KZ_EPARSE;
    }
    if (*v < lo || *v > hi) {
        kz_set_err(err, errlen, "%s: %s is out of range: %g to %g", path, text, lo, hi);
        return KZ_ECHECK;
    }
    return 0;
}

static const unsigned dist_mask = (1u << (F_VALUE + 1)) - 1u; /* F_MEDIAN .. F_VALUE */

/* Writes v into the lever's element and its base; the bits of the fields it fixed. */
static unsigned write_value(struct lv_elem *e, enum lv_field f, double v, const struct kz_dist *nd)
{
    switch (e->kind) {
    case EL_DIST:
        e->base.d = *nd;
        e->base.d.meta = NULL; /* a value given, no longer the assumption whose range it had */
        *e->p.d = e->base.d;
        return dist_mask;
    case EL_NODE:
        if (f == F_CELLS)
            e->base.n.cells = (int)v;
        else if (f == F_LAT)
            e->base.n.lat = v;
        else if (f == F_LON)
            e->base.n.lon = v;
        else
            e->base.n.utc_min = (int)lround(v * 60);
        return 1u << f;
    case EL_THREAD:
        if (f == F_COPIES)
            e->base.t.copies = (int)v;
        else
            e->base.t.spacing = v;
        return 1u << f;
    }
    return 0;
}

int kz_levers_set(kz_levers *lv, const char *assignment, char *err, size_t errlen)
{
    if (!lv || !assignment) {
        kz_set_err(err, errlen, "no levers or no assignment");
        return KZ_EINVAL;
    }
    const char *eq = strchr(assignment, '=');
    size_t lp = eq ? (size_t)(eq - assignment) : 0;
    if (!eq || lp == 0 || lp >= LV_MAX_PATH) {
        kz_set_err(err, errlen,
                   "expected PATH=VALUE (e.g. node.ID.processing.decide.median=2m), "
                   "not '%.80s'",
                   assignment);
        return KZ_EPARSE;
    }
    char path[LV_MAX_PATH];
    memcpy(path, assignment, lp);
    path[lp] = '\0';
    const char *text = eq + 1;
    const struct lv_lever *l = NULL;
    for (size_t i = 0; i < lv->nlv && !l; i++)
        if (!strcmp(lv->lv[i].path, path))
            l = &lv->lv[i];
    if (!l) {
        const char *near = nearest(lv, path);
        if (near)
            kz_set_err(err, errlen, "no lever '%s' (did you mean '%s'?)", path, near);
        else
            kz_set_err(err, errlen, "no lever '%s' (docs/levers.md lists the paths)", path);
        return KZ_ENOTFOUND;
    }
    size_t len = strlen(assignment) + 1;
    if (lv->nov == LV_MAX_OVERRIDES || lv->ovused + len > LV_OVERRIDE_TEXT) {
        kz_set_err(err, errlen, "%s: more than %d overrides (or %d bytes of them)", path,
                   LV_MAX_OVERRIDES, LV_OVERRIDE_TEXT);
        return KZ_ELIMIT;
    }
    double v;
    int rc = parse_value(path, l->field, text, &v, err, errlen);
    if (rc)
        return rc;
    struct lv_elem *e = &lv->el[l->elem];
    struct kz_dist nd = {0};
    if (e->kind == EL_DIST) {
        char why[160];
        nd = e->base.d;
        if (lv_dist_apply(&nd, l->field, v, false, why, sizeof why) ||
            kz_dist_check(&nd, why, sizeof why)) {
            kz_set_err(err, errlen, "%s=%s: %s", path, text, why);
            return KZ_ECHECK;
        }
    }
    lv_factors_pin(lv, l->elem, write_value(e, l->field, v, &nd));
    memcpy(lv->ovtext + lv->ovused, assignment, len);
    lv->ov[lv->nov++] = lv->ovtext + lv->ovused;
    lv->ovused += len;
    return 0;
}
