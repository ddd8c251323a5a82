/* sweep_mpi.c - kizuna sweep over MPI ranks under mpirun (built with KZ_HAVE_MPI), else alone. */
#include "sweep_mpi.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifdef KZ_HAVE_MPI
#include <mpi.h>
#endif

/* The failure message carried from a failing rank to the others: fixed, so every rank
 * takes part in one broadcast of the same size. */
#define MSG_MAX 512

/* Started by mpirun (OpenMPI), by srun or another PMIx/PMI launcher. */
static bool launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return true;
    return false;
}

void swmpi_block(size_t n, int rank, int size, size_t *lo, size_t *hi)
{
    /* n r / size without overflow for any n a sweep can hold */
    *lo = (size_t)((unsigned long long)n * (unsigned)rank / (unsigned)size);
    *hi = (size_t)((unsigned long long)n * (unsigned)(rank + 1) / (unsigned)size);
}

#ifdef KZ_HAVE_MPI

int swmpi_init(int *argc, char ***argv, struct swmpi *p)
{
    *p = (struct swmpi){0, 1, false};
    if (!launched())
        return EXIT_OK;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fputs("kizuna sweep: MPI_Init failed\n", stderr);
        return EXIT_RUNTIME;
    }
    p->on = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &p->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &p->size);
    return EXIT_OK;
}

void swmpi_finalize(struct swmpi *p)
{
    if (p->on)
        MPI_Finalize();
    p->on = false;
}

int swmpi_status(const struct swmpi *p, int *code, char *msg, size_t len)
{
    if (!p->on)
        return *code ? 0 : -1;
    int mine = *code ? p->rank : INT_MAX, first = INT_MAX;
    if (MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD) != MPI_SUCCESS) {
        snprintf(msg, len, "MPI_Allreduce failed");
        *code = EXIT_RUNTIME;
        return p->rank;
    }
    if (first == INT_MAX)
        return -1;
    char buf[MSG_MAX] = {0};
    int c = *code;
    if (p->rank == first)
        snprintf(buf, sizeof buf, "%s", msg);
    MPI_Bcast(&c, 1, MPI_INT, first, MPI_COMM_WORLD);
    MPI_Bcast(buf, MSG_MAX, MPI_CHAR, first, MPI_COMM_WORLD);
    buf[MSG_MAX - 1] = '\0';
    *code = c ? c : EXIT_RUNTIME;
    snprintf(msg, len, "%s", buf);
    return first;
}

int swmpi_gather(const struct swmpi *p, const double *mine, double *all, size_t n, size_t width,
                 char *msg, size_t len)
{
    size_t lo, hi;
    swmpi_block(n, p->rank, p->size, &lo, &hi);
    if (!p->on) {
        if (hi > lo)
            memcpy(all, mine, (hi - lo) * width * sizeof *all);
        return 0;
    }
    if (n * width > INT_MAX) {
        snprintf(msg, len, "%zu items x %zu doubles are more than one MPI gather takes", n, width);
        return -1;
    }
    int *counts = NULL, *displs = NULL;
    if (p->rank == 0) {
        counts = malloc((size_t)p->size * sizeof *counts);
        displs = malloc((size_t)p->size * sizeof *displs);
        if (!counts || !displs) { /* the others are in the gather already: end the job */
            fputs("kizuna sweep: rank 0: out of memory for the gather\n", stderr);
            MPI_Abort(MPI_COMM_WORLD, EXIT_RUNTIME);
        }
        for (int r = 0; r < p->size; r++) {
            size_t a, b;
            swmpi_block(n, r, p->size, &a, &b);
            counts[r] = (int)((b - a) * width);
            displs[r] = (int)(a * width);
        }
    }
    int rc = MPI_Gatherv(mine, (int)((hi - lo) * width), MPI_DOUBLE, all, counts, displs,
                         MPI_DOUBLE, 0, MPI_COMM_WORLD);
    free(counts);
    free(displs);
    if (rc != MPI_SUCCESS) {
        snprintf(msg, len, "MPI_Gatherv failed");
        return -1;
    }
    return 0;
}

#else /* no MPI: one process, and a clear refusal when mpirun started several */

int swmpi_init(int *argc, char ***argv, struct swmpi *p)
{
    (void)argc;
    (void)argv;
    *p = (struct swmpi){0, 1, false};
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    if (launched() && size && atoi(size) > 1) {
        const char *rank = getenv("OMPI_COMM_WORLD_RANK");
        if (!rank || atoi(rank) == 0)
            fputs("kizuna sweep: this kizuna was built without MPI (KZ_MPI=OFF); run it "
                  "without mpirun, or rebuild with libopenmpi-dev\n",
                  stderr);
        return EXIT_RUNTIME;
    }
    return EXIT_OK;
}

void swmpi_finalize(struct swmpi *p)
{
    (void)p;
}

int swmpi_status(const struct swmpi *p, int *code, char *msg, size_t len)
{
    (void)p;
    (void)msg;
    (void)len;
    return *code ? 0 : -1;
}

int swmpi_gather(const struct swmpi *p, const double *mine, double *all, size_t n, size_t width,
                 char *msg, size_t len)
{
    (void)p;
    (void)msg;
    (void)len;
    if (n)
        memcpy(all, mine, n * width * sizeof *all);
    return 0;
}

#endif
