/* fuzz_levers.c - libFuzzer target: lines of bytes as lever assignments ("PATH=VALUE"), factor
 * settings ("F INDEX VALUE") and resets ("R") against tests/data/sim/levers.yaml and its
 * scenario, with the invariants of kizuna/levers.h checked after each: a refused assignment
 * leaves every byte as it was; whatever succeeds leaves every distribution valid; a reset
 * gives back the bytes as set. A short run at the end sees the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/kizuna.h"
#include "kizuna/levers.h"
#include "kizuna/sim.h"
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
    bool changed = false;
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
