/* sweep_gather.c - kz_bench_gather: what kizuna sweep's gather of one structure's results costs
 * under mpirun, timed on the same code (src/cli/sweep_mpi.c) with the real item count and width. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/sweep_mpi.h"
#include "kizuna/diag.h"
#include "kizuna/levers.h"
#include "kizuna/model.h"
#include "kizuna/scenario.h"
#include "kizuna/sweep.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int usage(void)
{
    fputs("usage: mpirun -n K kz_bench_gather STRUCTURE.yaml SCENARIO.yaml SAMPLES [REPS]\n"
          "Plans the sweep kizuna sweep would run (both methods), then times REPS (default\n"
          "200) times what it does once per structure after the items are run: every rank's\n"
          "status (swmpi_status) and the gather of every item's doubles on rank 0\n"
          "(swmpi_gather). Prints items, width, bytes and the gather's median and p90 in s.\n",
          stderr);
    return 2;
}

/* Loads the pair and plans its sweep; *n items of *width doubles. 0 or 1 (printed why). */
static int plan(const char *sf, const char *cf, long samples, size_t *n, size_t *width)
{
    kz_diags *d = NULL;
    kz_model *m = NULL;
    kz_scenario *s = NULL;
    kz_levers *lv = NULL;
    kz_sweep *w = NULL;
    char err[512] = "";
    int rc = kz_diags_create(&d);
    if (!rc)
        rc = kz_model_load_file(sf, &m, d);
    if (!rc)
        rc = kz_scenario_load_file(cf, &s, d);
    if (!rc)
        rc = kz_levers_open(m, s, &lv);
    struct kz_sweep_options o = {.samples = samples, .runs = 1, .threads = 1};
    if (!rc)
        rc = kz_sweep_plan(lv, m, s, &o, &w, err, sizeof err);
    if (rc) {
        for (size_t i = 0; d && i < kz_diags_count(d); i++)
            kz_diag_print(kz_diags_get(d, i), stderr);
        fprintf(stderr, "kz_bench_gather: cannot plan the sweep of %s on %s %s\n", sf, cf, err);
    } else {
        *n = kz_sweep_nitems(w);
        *width = kz_sweep_item_width(w);
    }
    kz_sweep_free(w);
    kz_levers_free(lv);
    kz_scenario_free(s);
    kz_model_free(m);
    kz_diags_destroy(d);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5)
        return usage();
    long samples = atol(argv[3]), reps = argc > 4 ? atol(argv[4]) : 200;
    if (samples < 1 || reps < 1)
        return usage();
    struct swmpi par;
    if (swmpi_init(&argc, &argv, &par) != 0 || !par.on) {
        fputs("kz_bench_gather: start it with mpirun\n", stderr);
        return 1;
    }
    size_t n = 0, width = 0;
    int bad = plan(argv[1], argv[2], samples, &n, &width);
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (bad) {
        swmpi_finalize(&par);
        return 1;
    }
    size_t lo, hi;
    swmpi_block(n, par.rank, par.size, &lo, &hi);
    double *mine = calloc((hi - lo) * width + 1, sizeof *mine);
    double *all = par.rank == 0 ? calloc(n * width + 1, sizeof *all) : NULL;
    double *t = calloc((size_t)reps, sizeof *t);
    if (!mine || !t || (par.rank == 0 && !all)) {
        fputs("kz_bench_gather: out of memory\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 3);
    }
    for (size_t i = 0; i < (hi - lo) * width; i++)
        mine[i] = (double)(lo * width + i);
    char msg[512];
    int failed = 0;
    for (long r = 0; r < reps && !failed; r++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        int code = 0;
        failed = swmpi_status(&par, &code, msg, sizeof msg) >= 0 ||
                 swmpi_gather(&par, mine, all, n, width, msg, sizeof msg) != 0;
        /* Done when rank 0 has every item: its clock is the one that counts. */
        t[r] = MPI_Wtime() - t0;
    }
    if (!failed && par.rank == 0) {
        for (size_t i = 0; i < n * width; i++)
            if (all[i] != (double)i) {
                fprintf(stderr, "kz_bench_gather: item double %zu arrived wrong\n", i);
                failed = 1;
                break;
            }
        qsort(t, (size_t)reps, sizeof *t, cmp);
        printf("ranks: %d\nitems: %zu\nwidth: %zu\nbytes: %zu\n", par.size, n, width,
               n * width * sizeof(double));
        printf("gather s median: %.9f\ngather s p90: %.9f\nreps: %ld\n", t[reps / 2],
               t[(size_t)((double)reps * 0.9)], reps);
    }
    free(mine);
    free(all);
    free(t);
    swmpi_finalize(&par);
    return failed ? 1 : 0;
}
