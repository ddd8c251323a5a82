/* sweep.c - assumption settings, replications under each, and their summaries (kizuna/sweep.h). */
#include "kizuna/sweep.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/paired.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"
#include "kizuna/validate.h"
#include "scenario/scenario_impl.h"
#include "stats.h"
#include "sweep_stats.h"

#define DEFAULT_SAMPLES 200
#define DEFAULT_RUNS    1000

/* The doubles of one thread in one item (kz_sweep_item_width is nthreads times this). */
enum { V_P50, V_P50_LO, V_P50_HI, V_MET, V_MET_LO, V_MET_HI, V_DONE, V_WIDTH };

struct kz_sweep {
    kz_levers *lv;
    const kz_model *m;
    const kz_scenario *s;
    long samples, runs;
    unsigned methods;
    uint64_t seed;
    int threads;
    size_t nf;       /* swept factors */
    size_t *fac;     /* their indices into the levers' factors, increasing */
    double *nominal; /* their values at plan time */
    size_t noat, nlhs, nitems, nthreads;
    double *lhs; /* nlhs x nf: the LHS settings' values */
    double cap;  /* the horizon: what an incomplete p50 counts as in a swing */
    struct kz_sweep_thread *th;
    struct kz_sweep_effect *eff; /* nthreads x nf, each thread's sorted */
    bool folded;
    double *res;           /* nitems x width: the folded items' doubles */
    double *cdf_x, *cdf_f; /* eval's scratch: one CDF */
};

/* ---- the plan ------------------------------------------------------------------------------ */

/* Marks in `on` the factors that the glob list `only` matches; a glob that matches none is
 * KZ_ENOTFOUND with the nearest factor name in err. */
static int match_only(const kz_levers *lv, const char *only, bool *on, char *err, size_t errlen)
{
    size_t nf = kz_levers_nfactors(lv), nglobs = 0;
    const char *p = only;
    while (*p) {
        size_t len = strcspn(p, ",");
        char glob[256];
        while (len && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len >= sizeof glob) {
            snprintf(err, errlen, "only: pattern '%.40s...' is too long", p);
            return KZ_EINVAL;
        }
        memcpy(glob, p, len);
        glob[len] = '\0';
        p += strcspn(p, ",");
        if (*p == ',')
            p++;
        if (!len)
            continue;
        nglobs++;
        size_t hits = 0;
        for (size_t i = 0; i < nf; i++)
            if (fnmatch(glob, kz_levers_factor(lv, i)->name, 0) == 0)
                on[i] = true, hits++;
        if (hits)
            continue;
        const char **names = malloc((nf + 1) * sizeof *names);
        if (!names)
            return KZ_ENOMEM;
        for (size_t i = 0; i < nf; i++)
            names[i] = kz_levers_factor(lv, i)->name;
        const char *near = kz_suggest(glob, names, nf);
        snprintf(err, errlen, "no factor matches '%s'%s%s%s", glob, near ? "; did you mean '" : "",
                 near ? near : "", near ? "'?" : "");
        free(names);
        return KZ_ENOTFOUND;
    }
    if (!nglobs) {
        snprintf(err, errlen, "only: no pattern given");
        return KZ_EINVAL;
    }
    return KZ_OK;
}

static int pick_factors(kz_sweep *w, const char *only, char *err, size_t errlen)
{
    size_t nf = kz_levers_nfactors(w->lv);
    bool *on = calloc(nf + 1, sizeof *on);
    if (!on)
        return KZ_ENOMEM;
    int rc = KZ_OK;
    if (only)
        rc = match_only(w->lv, only, on, err, errlen);
    else
        for (size_t i = 0; i < nf; i++)
            on[i] = true;
    for (size_t i = 0; rc == KZ_OK && i < nf; i++)
        w->nf += on[i];
    if (rc == KZ_OK && (!(w->fac = calloc(w->nf + 1, sizeof *w->fac)) ||
                        !(w->nominal = calloc(w->nf + 1, sizeof *w->nominal))))
        rc = KZ_ENOMEM;
    for (size_t i = 0, k = 0; rc == KZ_OK && i < nf; i++)
        if (on[i]) {
            w->fac[k] = i;
            w->nominal[k++] = kz_levers_factor(w->lv, i)->nominal;
        }
    free(on);
    return rc;
}

/* The LHS settings: a hypercube over the swept factors mapped into their ranges. */
static int plan_lhs(kz_sweep *w)
{
    if (!w->nlhs)
        return KZ_OK;
    if (w->nlhs > SIZE_MAX / w->nf / sizeof *w->lhs)
        return KZ_ENOMEM;
    if (!(w->lhs = malloc(w->nlhs * w->nf * sizeof *w->lhs)))
        return KZ_ENOMEM;
    sw_lhs(w->nlhs, w->nf, w->seed, w->fac, w->lhs);
    for (size_t i = 0; i < w->nlhs; i++)
        for (size_t k = 0; k < w->nf; k++)
            w->lhs[i * w->nf + k] =
                sw_factor_value(kz_levers_factor(w->lv, w->fac[k]), w->lhs[i * w->nf + k]);
    return KZ_OK;
}

int kz_sweep_plan(kz_levers *lv, const kz_model *m, const kz_scenario *s,
                  const struct kz_sweep_options *o, kz_sweep **out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out)
        return KZ_EINVAL;
    *out = NULL;
    char dummy[2];
    if (!err || !errlen)
        err = dummy, errlen = sizeof dummy;
    if (!lv || !m || !s || !o || o->samples < 0 || o->runs < 0 || o->threads < 0 ||
        (o->methods & ~(unsigned)(KZ_SWEEP_LHS | KZ_SWEEP_OAT))) {
        snprintf(err, errlen, "bad sweep options");
        return KZ_EINVAL;
    }
    kz_sweep *w = calloc(1, sizeof *w);
    if (!w)
        return KZ_ENOMEM;
    w->lv = lv;
    w->m = m;
    w->s = s;
    w->samples = o->samples ? o->samples : DEFAULT_SAMPLES;
    w->runs = o->runs ? o->runs : DEFAULT_RUNS;
    w->methods = o->methods ? o->methods : KZ_SWEEP_LHS | KZ_SWEEP_OAT;
    w->seed = o->has_seed ? o->seed : kz_scenario_seed(s);
    w->threads = o->threads;
    w->cap = kz_paired_cap_s(s);
    w->nthreads = s->nthreads;
    int rc = pick_factors(w, o->only, err, errlen);
    if (rc)
        goto fail;
    /* With nothing to vary, only the nominal setting is run. */
    w->noat = w->nf && (w->methods & KZ_SWEEP_OAT) ? 2 * w->nf : 0;
    w->nlhs = w->nf && (w->methods & KZ_SWEEP_LHS) ? (size_t)w->samples : 0;
    w->nitems = 1 + w->noat + w->nlhs;
    rc = KZ_ENOMEM;
    if (!(w->th = calloc(w->nthreads + 1, sizeof *w->th)) ||
        !(w->eff = calloc(w->nthreads * w->nf + 1, sizeof *w->eff)) ||
        !(w->cdf_x = malloc(HIST_BINS * sizeof *w->cdf_x)) ||
        !(w->cdf_f = malloc(HIST_BINS * sizeof *w->cdf_f)) || (rc = plan_lhs(w)))
        goto fail;
    for (size_t t = 0; t < w->nthreads; t++) {
        w->th[t].id = s->threads[t].id;
        w->th[t].name = s->threads[t].name;
    }
    *out = w;
    return KZ_OK;
fail:
    if (rc == KZ_ENOMEM)
        snprintf(err, errlen, "out of memory planning the sweep");
    kz_sweep_free(w);
    return rc;
}

void kz_sweep_free(kz_sweep *w)
{
    if (!w)
        return;
    free(w->fac);
    free(w->nominal);
    free(w->lhs);
    free(w->th);
    free(w->eff);
    free(w->res);
    free(w->cdf_x);
    free(w->cdf_f);
    free(w);
}

void kz_sweep_options_used(const kz_sweep *w, struct kz_sweep_options *out)
{
    if (!w || !out)
        return;
    *out = (struct kz_sweep_options){.samples = w->samples,
                                     .runs = w->runs,
                                     .methods = w->methods,
                                     .seed = w->seed,
                                     .has_seed = true,
                                     .threads = w->threads};
}

size_t kz_sweep_nitems(const kz_sweep *w)
{
    return w ? w->nitems : 0;
}
size_t kz_sweep_item_width(const kz_sweep *w)
{
    return w ? w->nthreads * V_WIDTH : 0;
}
size_t kz_sweep_nfactors(const kz_sweep *w)
{
    return w ? w->nf : 0;
}
size_t kz_sweep_factor(const kz_sweep *w, size_t k)
{
    return w && k < w->nf ? w->fac[k] : 0;
}

double kz_sweep_value(const kz_sweep *w, size_t item, size_t k)
{
    if (!w || item >= w->nitems || k >= w->nf)
        return NAN;
    if (item == 0)
        return w->nominal[k];
    if (item <= w->noat) {
        size_t j = (item - 1) / 2;
        if (j != k)
            return w->nominal[k];
        const struct kz_factor *f = kz_levers_factor(w->lv, w->fac[k]);
        return (item - 1) % 2 ? f->hi : f->lo;
    }
    return w->lhs[(item - 1 - w->noat) * w->nf + k];
}

/* ---- evaluation ---------------------------------------------------------------------------- */

/* What item `item` is, for messages: "the nominal setting", "node.x.decide.median at its
 * high end", "LHS setting 12". */
static void describe(const kz_sweep *w, size_t item, char *buf, size_t n)
{
    if (item == 0)
        snprintf(buf, n, "the nominal setting");
    else if (item <= w->noat)
        snprintf(buf, n, "%s at its %s end", kz_levers_factor(w->lv, w->fac[(item - 1) / 2])->name,
                 (item - 1) % 2 ? "high" : "low");
    else
        snprintf(buf, n, "LHS setting %zu", item - w->noat);
}

/* Sets the factors item `item` moves (none for the nominal, one for OAT, all for LHS), in
 * factor order, so any clamping between factors of one distribution is the same each time. */
static int set_item(kz_sweep *w, size_t item)
{
    if (item == 0)
        return KZ_OK;
    if (item <= w->noat) {
        size_t k = (item - 1) / 2;
        return kz_levers_factor_set(w->lv, w->fac[k], kz_sweep_value(w, item, k));
    }
    for (size_t k = 0; k < w->nf; k++) {
        int rc = kz_levers_factor_set(w->lv, w->fac[k], kz_sweep_value(w, item, k));
        if (rc)
            return rc;
    }
    return KZ_OK;
}

/* One result's doubles: per thread the p50 and its order-statistic interval, the share met
 * and its Wilson interval, the share completed. */
static void extract(kz_sweep *w, const kz_sim_result *r, double *d)
{
    for (size_t t = 0; t < w->nthreads; t++, d += V_WIDTH) {
        const struct kz_thread_stats *th = kz_sim_result_thread(r, t);
        size_t np = kz_sim_result_cdf(r, t, w->cdf_x, w->cdf_f, HIST_BINS);
        long lo, hi;
        sw_median_ranks(th->n, &lo, &hi);
        double a = sw_cdf_rank(w->cdf_x, w->cdf_f, np, th->n, lo);
        double b = sw_cdf_rank(w->cdf_x, w->cdf_f, np, th->n, hi);
        /* The bounds are the middles of their bins, as the p50 is of its: the same bin may
         * differ from it in the last bit, which must not put the p50 outside. */
        d[V_P50] = th->p50_s;
        d[V_P50_LO] = a < th->p50_s ? a : th->p50_s;
        d[V_P50_HI] = b > th->p50_s ? b : th->p50_s;
        d[V_MET] = th->deadline_met;
        d[V_MET_LO] = th->deadline_lo;
        d[V_MET_HI] = th->deadline_hi;
        d[V_DONE] = th->completed;
    }
}

int kz_sweep_eval(kz_sweep *w, size_t lo, size_t hi, double *out,
                  void (*progress)(void *ctx, size_t done), void *ctx, char *err, size_t errlen)
{
    char dummy[2], what[320], e[512];
    if (!err || !errlen)
        err = dummy, errlen = sizeof dummy;
    err[0] = '\0';
    if (!w || lo > hi || hi > w->nitems || (!out && hi > lo)) {
        snprintf(err, errlen, "bad sweep items");
        return KZ_EINVAL;
    }
    size_t width = kz_sweep_item_width(w);
    for (size_t item = lo; item < hi; item++) {
        describe(w, item, what, sizeof what);
        kz_levers_factor_reset(w->lv);
        int rc = set_item(w, item);
        kz_sim_result *r = NULL;
        struct kz_sim_options so = {
            .runs = w->runs, .seed = w->seed, .has_seed = true, .threads = w->threads};
        if (rc)
            snprintf(e, sizeof e, "a factor could not be set");
        else
            rc = kz_sim_run(w->m, w->s, &so, &r, e, sizeof e);
        kz_levers_factor_reset(w->lv);
        if (rc == KZ_OK && kz_sim_result_nthreads(r) != w->nthreads) {
            snprintf(e, sizeof e, "%zu measured threads, the plan has %zu",
                     kz_sim_result_nthreads(r), w->nthreads);
            rc = KZ_EINVAL;
        }
        if (rc) {
            kz_sim_result_free(r);
            snprintf(err, errlen, "item %zu (%s): %s", item, what, e);
            return rc;
        }
        extract(w, r, out + (item - lo) * width);
        kz_sim_result_free(r);
        if (progress)
            progress(ctx, item - lo + 1);
    }
    return KZ_OK;
}

/* ---- the fold -------------------------------------------------------------------------------- */

/* An incomplete p50 (INFINITY) counts as the horizon in a swing and a rank. */
static double capped(const kz_sweep *w, double p50)
{
    return isinf(p50) && isfinite(w->cap) ? w->cap : p50;
}

/* Largest p50 swing first; then larger met swing; then factor order. Without OAT (swings
 * NAN): largest |PRCC| of the p50, then of the share met; NAN after any number. */
static double key(double v)
{
    return isnan(v) ? -1 : fabs(v);
}

static int cmp_effect(const void *pa, const void *pb)
{
    const struct kz_sweep_effect *a = pa, *b = pb;
    double ka[2] = {key(a->swing_p50_s), key(a->swing_met)};
    double kb[2] = {key(b->swing_p50_s), key(b->swing_met)};
    if (isnan(a->swing_p50_s) && isnan(b->swing_p50_s)) {
        ka[0] = key(a->prcc_p50), ka[1] = key(a->prcc_met);
        kb[0] = key(b->prcc_p50), kb[1] = key(b->prcc_met);
    }
    for (int i = 0; i < 2; i++)
        if (ka[i] != kb[i])
            return ka[i] > kb[i] ? -1 : 1;
    return (a->factor > b->factor) - (a->factor < b->factor);
}

/* Thread t's assumption interval, over the LHS items: 5th-95th percentile by nearest rank
 * (kz_vquantile; an incomplete p50 sorts last). */
static void fold_interval(kz_sweep *w, const double *all, size_t t, double *tmp)
{
    struct kz_sweep_thread *th = &w->th[t];
    size_t width = kz_sweep_item_width(w), first = 1 + w->noat;
    th->asm_p50_p05_s = th->asm_p50_p95_s = th->asm_met_p05 = th->asm_met_p95 = NAN;
    if (!w->nlhs)
        return;
    for (int v = 0; v < 2; v++) {
        for (size_t i = 0; i < w->nlhs; i++)
            tmp[i] = all[(first + i) * width + t * V_WIDTH + (v ? V_MET : V_P50)];
        double q05 = kz_vquantile(tmp, w->nlhs, 0.05), q95 = kz_vquantile(tmp, w->nlhs, 0.95);
        if (v)
            th->asm_met_p05 = q05, th->asm_met_p95 = q95;
        else
            th->asm_p50_p05_s = q05, th->asm_p50_p95_s = q95;
    }
}

/* Thread t's effects: OAT swings and PRCC, then sorted. */
static int fold_effects(kz_sweep *w, const double *all, size_t t, double *tmp, double *prcc)
{
    size_t width = kz_sweep_item_width(w), first = 1 + w->noat;
    struct kz_sweep_effect *e = &w->eff[t * w->nf];
    for (size_t k = 0; k < w->nf; k++) {
        e[k] = (struct kz_sweep_effect){.factor = w->fac[k],
                                        .p50_lo_s = NAN,
                                        .p50_hi_s = NAN,
                                        .met_lo = NAN,
                                        .met_hi = NAN,
                                        .swing_p50_s = NAN,
                                        .swing_met = NAN,
                                        .prcc_p50 = NAN,
                                        .prcc_met = NAN};
        if (w->noat) {
            const double *a = all + (1 + 2 * k) * width + t * V_WIDTH, *b = a + width;
            e[k].p50_lo_s = a[V_P50];
            e[k].p50_hi_s = b[V_P50];
            e[k].met_lo = a[V_MET];
            e[k].met_hi = b[V_MET];
            e[k].swing_p50_s = fabs(capped(w, b[V_P50]) - capped(w, a[V_P50]));
            e[k].swing_met = fabs(b[V_MET] - a[V_MET]);
        }
    }
    w->th[t].prcc_ok = w->nlhs > w->nf + 1;
    for (int v = 0; w->th[t].prcc_ok && v < 2; v++) {
        for (size_t i = 0; i < w->nlhs; i++) {
            double y = all[(first + i) * width + t * V_WIDTH + (v ? V_MET : V_P50)];
            tmp[i] = v ? y : capped(w, y);
        }
        int rc = sw_prcc(w->lhs, w->nlhs, w->nf, tmp, prcc);
        if (rc)
            return rc;
        for (size_t k = 0; k < w->nf; k++)
            *(v ? &e[k].prcc_met : &e[k].prcc_p50) = prcc[k];
    }
    qsort(e, w->nf, sizeof *e, cmp_effect);
    return KZ_OK;
}

int kz_sweep_fold(kz_sweep *w, const double *all)
{
    if (!w || !all)
        return KZ_EINVAL;
    size_t width = kz_sweep_item_width(w);
    double *tmp = malloc((w->nlhs + 1) * sizeof *tmp), *prcc = malloc((w->nf + 1) * sizeof *prcc);
    double *res = realloc(w->res, (w->nitems * width + 1) * sizeof *res);
    w->folded = false;
    if (res)
        w->res = res;
    int rc = tmp && prcc && res ? KZ_OK : KZ_ENOMEM;
    if (rc == KZ_OK)
        memcpy(w->res, all, w->nitems * width * sizeof *res);
    for (size_t t = 0; rc == KZ_OK && t < w->nthreads; t++) {
        struct kz_sweep_thread *th = &w->th[t];
        const double *d = all + t * V_WIDTH; /* item 0 */
        th->p50_s = d[V_P50];
        th->p50_lo_s = d[V_P50_LO];
        th->p50_hi_s = d[V_P50_HI];
        th->met = d[V_MET];
        th->met_lo = d[V_MET_LO];
        th->met_hi = d[V_MET_HI];
        fold_interval(w, all, t, tmp);
        rc = fold_effects(w, all, t, tmp, prcc);
    }
    free(tmp);
    free(prcc);
    w->folded = rc == KZ_OK;
    return rc;
}

int kz_sweep_item_thread(const kz_sweep *w, size_t item, size_t t, struct kz_sweep_item *out)
{
    if (!w || !w->folded || item >= w->nitems || t >= w->nthreads || !out)
        return KZ_EINVAL;
    const double *d = w->res + item * kz_sweep_item_width(w) + t * V_WIDTH;
    *out = (struct kz_sweep_item){d[V_P50],    d[V_P50_LO], d[V_P50_HI], d[V_MET],
                                  d[V_MET_LO], d[V_MET_HI], d[V_DONE]};
    return KZ_OK;
}

size_t kz_sweep_nthreads(const kz_sweep *w)
{
    return w ? w->nthreads : 0;
}

const struct kz_sweep_thread *kz_sweep_thread(const kz_sweep *w, size_t t)
{
    return w && t < w->nthreads ? &w->th[t] : NULL;
}

const struct kz_sweep_effect *kz_sweep_effect(const kz_sweep *w, size_t t, size_t rank)
{
    return w && w->folded && t < w->nthreads && rank < w->nf ? &w->eff[t * w->nf + rank] : NULL;
}
