/* fuzz_levers.c - libFuzzer target: lines of bytes as lever assignments ("PATH=VALUE"), factor
 * settings ("F INDEX VALUE"), resets ("R") and sweeps ("O GLOBS") against
 * tests/data/sim/levers.yaml and its scenario, with the invariants of kizuna/levers.h checked
 * after each: a refused assignment leaves every byte as it was; whatever succeeds leaves every
 * distribution valid; a reset gives back the bytes as set. "O GLOBS" plans a small sweep over
 * the levers as they stand with the rest of the line as `only` (kizuna sweep --only): the
 * target splits it on ',' and trims blanks itself, and the plan must agree (kizuna/sweep.h):
 * the first glob over 255 bytes is refused as too long (naming its start), the first that
 * matches no factor as KZ_ENOTFOUND naming it (and, if it suggests one, a real factor's
 * name), none at all as "no pattern given"; else the factors swept are exactly those some
 * glob matches (at least one), in order, with item 0 at their nominals, OAT at their ends and
 * LHS within their ranges. Planning changes no byte; the first plan of an input also runs its
 * nominal item (one replication), which must put every factor back (the bytes as set). A
 * short run at the end sees the result. */
#include <fnmatch.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/kizuna.h"
#include "kizuna/levers.h"
#include "kizuna/sim.h"
#include "kizuna/sweep.h"
#include "model/model_impl.h"
#include "scenario/scenario_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DIR KZ_SOURCE_DIR "/tests/data/sim/"

/* Every byte a lever may write, in one buffer (the arrays the model and scenario hold). */
struct snap {
    unsigned char *p;
    size_t n, cap;
};

static void put(struct snap *s, const void *p, size_t n)
{
    if (n == 0)
        return; /* p may then be NULL (a node without profiles) */
    if (s->n + n > s->cap) {
        size_t cap = (s->n + n) * 2;
        unsigned char *np = realloc(s->p, cap);
        if (!np)
            abort();
        s->p = np;
        s->cap = cap;
    }
    memcpy(s->p + s->n, p, n);
    s->n += n;
}

static void take(struct snap *s, const kz_model *m, const kz_scenario *c)
{
    s->n = 0;
    put(s, m->nodes, m->nnodes * sizeof *m->nodes);
    for (size_t i = 0; i < m->nnodes; i++)
        put(s, m->nodes[i].profiles, m->nodes[i].nprofiles * sizeof *m->nodes[i].profiles);
    put(s, m->authorities, m->nauthorities * sizeof *m->authorities);
    put(s, m->networks, m->nnetworks * sizeof *m->networks);
    put(s, c->threads, c->nthreads * sizeof *c->threads);
    for (size_t i = 0; i < c->nthreads; i++)
        put(s, c->threads[i].steps, c->threads[i].nsteps * sizeof *c->threads[i].steps);
    put(s, c->outages, c->noutages * sizeof *c->outages);
}

static bool same(const struct snap *a, const struct snap *b)
{
    return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

static void valid(const struct kz_dist *d)
{
    char why[160];
    if (kz_dist_check(d, why, sizeof why)) {
        fprintf(stderr, "invalid distribution: %s\n", why);
        abort();
    }
}

/* Every distribution of both is one the loader would accept. */
static void all_valid(const kz_model *m, const kz_scenario *c)
{
    for (size_t i = 0; i < m->nnodes; i++) {
        const struct node *x = &m->nodes[i];
        valid(&x->recall);
        for (int a = 0; a < ACT_COUNT; a++)
            valid(&x->proc[a]);
        for (size_t k = 0; k < x->nprofiles; k++)
            for (int a = 0; a < ACT_COUNT; a++)
                valid(&x->profiles[k].proc[a]);
        if (x->cells < 1 || x->lat < -90 || x->lat > 90 || x->lon < -180 || x->lon > 180)
            abort();
    }
    for (size_t i = 0; i < m->nauthorities; i++)
        valid(&m->authorities[i].delegate_after);
    for (size_t i = 0; i < m->nnetworks; i++) {
        valid(&m->networks[i].overhead);
        valid(&m->networks[i].gateway);
    }
    for (size_t i = 0; i < c->nthreads; i++) {
        const struct sthread *t = &c->threads[i];
        valid(&t->start);
        valid(&t->deadline);
        for (size_t k = 0; k < t->nsteps; k++)
            valid(&t->steps[k].delay);
        if (t->copies < 1 || t->copies > 64 || !(t->spacing >= 0))
            abort();
    }
    for (size_t i = 0; i < c->noutages; i++) {
        valid(&c->outages[i].at);
        valid(&c->outages[i].dur);
    }
}

/* ---- "O GLOBS": a sweep's --only ------------------------------------------------------------ */

#define GLOB_MAX 255 /* the longest glob kz_sweep_plan takes */
#define SAMPLES  3

static void die(const char *what, const char *only, const char *err)
{
    fprintf(stderr, "only '%s': %s (err: '%s')\n", only, what, err ? err : "");
    abort();
}

/* The next glob of `only` at *p, trimmed of blanks (its start; its length in *len); *p moves
 * past its comma. */
static const char *next_glob(const char **p, size_t *len)
{
    const char *s = *p, *e = s + strcspn(s, ",");
    *p = *e ? e + 1 : e;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    *len = (size_t)(e - s);
    return s;
}

/* What kz_sweep_plan must make of `only`, worked out here: the factors some glob matches in
 * `on`; the first glob that fails (too long or matching nothing) in *bad, its length in
 * *badlen; the number of non-empty globs before it. */
static size_t expect_only(const kz_levers *lv, const char *only, bool *on, const char **bad,
                          size_t *badlen)
{
    size_t nf = kz_levers_nfactors(lv), nglobs = 0;
    *bad = NULL;
    for (const char *p = only; *p;) {
        size_t len;
        const char *g = next_glob(&p, &len);
        char glob[GLOB_MAX + 1];
        if (len > GLOB_MAX) {
            *bad = g, *badlen = len;
            break;
        }
        if (!len)
            continue;
        nglobs++;
        memcpy(glob, g, len);
        glob[len] = '\0';
        size_t hits = 0;
        for (size_t i = 0; i < nf; i++)
            if (fnmatch(glob, kz_levers_factor(lv, i)->name, 0) == 0)
                on[i] = true, hits++;
        if (!hits) {
            *bad = g, *badlen = len;
            break;
        }
    }
    return nglobs;
}

/* A refusal says what kizuna/sweep.h promises: the too-long glob's start, the glob matching
 * nothing (and any suggestion is a factor's name), or that no pattern was given. */
static void check_refusal(const kz_levers *lv, const char *only, int rc, const char *err,
                          const char *bad, size_t badlen)
{
    if (!err[0])
        die("refused without a reason", only, err);
    if (bad && badlen > GLOB_MAX) {
        char head[41];
        memcpy(head, bad, 40);
        head[40] = '\0';
        if (rc != KZ_EINVAL || !strstr(err, "too long") || !strstr(err, head))
            die("a glob over 255 bytes not refused as too long, by its start", only, err);
        return;
    }
    if (!bad) {
        if (rc != KZ_EINVAL || !strstr(err, "no pattern given"))
            die("no glob, and not \"no pattern given\"", only, err);
        return;
    }
    static const char pre[] = "no factor matches '", dym[] = "; did you mean '";
    const char *e = err + sizeof pre - 1;
    if (rc != KZ_ENOTFOUND || strncmp(err, pre, sizeof pre - 1) || strncmp(e, bad, badlen) ||
        e[badlen] != '\'')
        die("a glob matching nothing is not KZ_ENOTFOUND naming it", only, err);
    e += badlen + 1;
    if (!*e)
        return;
    if (strncmp(e, dym, sizeof dym - 1))
        die("more than the glob, and no suggestion", only, err);
    e += sizeof dym - 1;
    size_t n = strlen(e);
    if (n < 2 || strcmp(e + n - 2, "'?"))
        die("a suggestion not closed by '?", only, err);
    for (size_t i = 0; i < kz_levers_nfactors(lv); i++) {
        const char *name = kz_levers_factor(lv, i)->name;
        if (strlen(name) == n - 2 && !strncmp(e, name, n - 2))
            return;
    }
    die("the suggestion is no factor's name", only, err);
}

/* An LHS value of f: one its range allows (sw_factor_value: a listed value; a whole number
 * for a count; within the ends, to rounding). */
static bool in_range(const struct kz_factor *f, double v)
{
    if (f->vals && f->nvals) {
        for (size_t i = 0; i < f->nvals; i++)
            if (f->vals[i] == v)
                return true;
        return false;
    }
    double lo = f->lo, hi = f->hi;
    if (!(hi > lo))
        return v == lo;
    if (f->integer)
        return v == floor(v) && ((v >= ceil(lo) && v <= floor(hi)) || v == round(lo));
    double tol = 1e-9 * (fabs(lo) > fabs(hi) ? fabs(lo) : fabs(hi));
    return v >= lo - tol && v <= hi + tol;
}

/* A planned sweep: exactly the factors in `on`, in order; its items as kizuna/sweep.h lists. */
static void check_plan(const kz_levers *lv, const kz_sweep *w, const bool *on, const char *only)
{
    size_t nf = kz_sweep_nfactors(w), want = 0;
    for (size_t i = 0; i < kz_levers_nfactors(lv); i++)
        want += on[i];
    if (nf == 0 || nf != want)
        die("the factors swept are not those the globs match", only, NULL);
    if (kz_sweep_nitems(w) != 1 + 2 * nf + SAMPLES)
        die("items: not 1 + 2 x factors + samples", only, NULL);
    for (size_t k = 0; k < nf; k++) {
        size_t i = kz_sweep_factor(w, k);
        if (i >= kz_levers_nfactors(lv) || !on[i] || (k && i <= kz_sweep_factor(w, k - 1)))
            die("a factor swept that no glob matches, or out of order", only, NULL);
        const struct kz_factor *f = kz_levers_factor(lv, i);
        for (size_t item = 0; item < kz_sweep_nitems(w); item++) {
            double v = kz_sweep_value(w, item, k), x = f->nominal;
            if (item > 0 && item <= 2 * nf && (item - 1) / 2 == k)
                x = (item - 1) % 2 ? f->hi : f->lo;
            if (item <= 2 * nf ? v != x : !in_range(f, v))
                die("an item's value is not the plan's", only, f->name);
        }
    }
}

/* "O GLOBS": plans a sweep with `only`, checks it or its refusal; the first plan of an input
 * (*ran false) also runs item 0. */
static void sweep_only(kz_levers *lv, kz_model *m, kz_scenario *c, const char *only,
                       const struct snap *base, struct snap *before, struct snap *after, bool *ran)
{
    size_t nf = kz_levers_nfactors(lv), badlen = 0;
    bool *on = calloc(nf + 1, sizeof *on);
    if (!on)
        abort();
    const char *bad;
    size_t nglobs = expect_only(lv, only, on, &bad, &badlen);
    struct kz_sweep_options o = {
        .samples = SAMPLES, .runs = 1, .only = only, .seed = 1, .has_seed = true, .threads = 1};
    kz_sweep *w = NULL;
    char err[1024];
    take(before, m, c);
    int rc = kz_sweep_plan(lv, m, c, &o, &w, err, sizeof err);
    take(after, m, c);
    if (!same(before, after))
        die("planning changed the levers' bytes", only, err);
    if (rc == KZ_ENOMEM) {
        if (!err[0] || w)
            die("out of memory, unsaid or with a sweep", only, err);
    } else if (rc) {
        if (w)
            die("refused, with a sweep", only, err);
        check_refusal(lv, only, rc, err, bad, badlen);
    } else {
        if (!w || bad || !nglobs)
            die("planned, where a glob fails or none is given", only, err);
        check_plan(lv, w, on, only);
        if (!*ran) {
            *ran = true;
            double *out = malloc((kz_sweep_item_width(w) + 1) * sizeof *out);
            if (!out)
                abort();
            rc = kz_sweep_eval(w, 0, 1, out, NULL, NULL, err, sizeof err);
            free(out);
            if (rc && !err[0])
                die("item 0 failed without a reason", only, err);
            take(after, m, c);
            if (!same(after, base))
                die("item 0 did not put the factors back", only, err);
        }
    }
    kz_sweep_free(w);
    free(on);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kz_diags *d;
    if (kz_diags_create(&d))
        return 0;
    kz_model *m = NULL;
    kz_scenario *c = NULL;
    kz_levers *lv = NULL;
    if (kz_model_load_file(DIR "levers.yaml", &m, d) ||
        kz_scenario_load_file(DIR "levers-scenario.yaml", &c, d) || kz_levers_open(m, c, &lv))
        abort(); /* the shipped test files load */
    struct snap before = {0}, after = {0}, base = {0};
    take(&base, m, c);
    bool changed = false, ran = false;
    for (size_t at = 0; at < size;) {
        size_t n = 0;
        while (at + n < size && data[at + n] != '\n')
            n++;
        char line[1024];
        size_t k = n < sizeof line - 1 ? n : sizeof line - 1;
        memcpy(line, data + at, k);
        line[k] = '\0';
        at += n + 1;
        char err[512];
        if (line[0] == 'R' && line[1] == '\0') {
            kz_levers_factor_reset(lv);
            take(&after, m, c);
            if (!same(&after, &base))
                abort(); /* a reset gives the bytes back */
        } else if (line[0] == 'F' && line[1] == ' ') {
            char *end;
            unsigned long i = strtoul(line + 2, &end, 10);
            double v = strtod(end, NULL);
            take(&before, m, c);
            int rc = kz_levers_factor_set(lv, i, v);
            take(&after, m, c);
            if (rc != 0 && !same(&before, &after))
                abort();
            changed = changed || rc == 0;
        } else if (line[0] == 'O' && line[1] == ' ') {
            sweep_only(lv, m, c, line + 2, &base, &before, &after, &ran);
        } else {
            take(&before, m, c);
            int rc = kz_levers_set(lv, line, err, sizeof err);
            take(&after, m, c);
            if (rc != 0 && !same(&before, &after))
                abort(); /* refused: nothing changed */
            if (rc != 0 && !err[0])
                abort(); /* refused: said why */
            if (rc == 0) {
                changed = true;
                kz_levers_factor_reset(lv); /* the new base: as set, no factor */
                take(&base, m, c);
            }
        }
        all_valid(m, c);
    }
    if (changed) {
        /* what a lever leaves must run: two short replications */
        struct kz_sim_options o = {.runs = 2, .seed = 1, .has_seed = true, .threads = 1};
        kz_sim_result *r = NULL;
        char err[256];
        if (kz_sim_run(m, c, &o, &r, err, sizeof err) == 0)
            kz_sim_result_free(r);
    }
    free(before.p);
    free(after.p);
    free(base.p);
    kz_levers_free(lv);
    kz_scenario_free(c);
    kz_model_free(m);
    kz_diags_destroy(d);
    return 0;
}
