/* steps_cost.c - what per-step output costs the simulator: kz_sim_run with and without
 * keep_steps on one structure and scenario, alternately, median of the wall times. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/kizuna.h"
#include "kizuna/sim.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int load(const char *sp, const char *cp, kz_model **m, kz_scenario **s)
{
    kz_diags *d = NULL;
    int rc = kz_diags_create(&d);
    if (!rc)
        rc = kz_model_load_file(sp, m, d);
    if (!rc)
        rc = kz_scenario_load_file(cp, s, d);
    if (rc)
        fprintf(stderr, "steps_cost: cannot load %s / %s\n", sp, cp);
    kz_diags_destroy(d);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: kz_bench_steps STRUCTURE SCENARIO RUNS THREADS REPEATS\n");
        return 2;
    }
    kz_model *m = NULL;
    kz_scenario *s = NULL;
    if (load(argv[1], argv[2], &m, &s))
        return 3;
    long runs = atol(argv[3]);
    int threads = atoi(argv[4]), reps = atoi(argv[5]);
    if (runs < 1 || threads < 1 || reps < 1 || reps > 15)
        return 2;
    double off[15], on[15];
    size_t rows = 0;
    uint64_t events = 0;
    for (int i = 0; i < 2 * reps; i++) {
        bool steps = i % 2 == 1;
        struct kz_sim_options o = {.runs = runs, .threads = threads, .keep_steps = steps};
        kz_sim_result *r = NULL;
        char err[256];
        if (kz_sim_run(m, s, &o, &r, err, sizeof err)) {
            fprintf(stderr, "steps_cost: %s\n", err);
            return 3;
        }
        struct kz_sim_totals t;
        kz_sim_result_totals(r, &t);
        (steps ? on : off)[i / 2] = t.wall_s;
        if (steps)
            (void)kz_sim_result_steps(r, &rows);
        events = t.events;
        kz_sim_result_free(r);
    }
    qsort(off, (size_t)reps, sizeof *off, cmp);
    qsort(on, (size_t)reps, sizeof *on, cmp);
    double a = off[reps / 2], b = on[reps / 2];
    printf("runs: %ld\nthreads: %d\nevents: %llu\nstep rows: %zu\n", runs, threads,
           (unsigned long long)events, rows);
    printf("wall seconds off: %.4f\nwall seconds on: %.4f\nratio on/off: %.3f\n", a, b, b / a);
    kz_scenario_free(s);
    kz_model_free(m);
    return 0;
}
