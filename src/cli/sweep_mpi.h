/* sweep_mpi.h - kizuna sweep over MPI ranks under mpirun (built with KZ_HAVE_MPI), else alone. */
#ifndef KZ_CLI_SWEEP_MPI_H
#define KZ_CLI_SWEEP_MPI_H

#include <stdbool.h>
#include <stddef.h>

/* This process's place: rank 0 of 1 when not under mpirun (MPI then never initialised). */
struct swmpi {
    int rank, size;
    bool on; /* MPI_Init was called: swmpi_finalize must be */
};

/*
 * Initialises MPI only when the environment says this process was started by mpirun or
 * srun (OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK set), so a plain `kizuna sweep` and
 * every other command never touch MPI. Returns EXIT_OK, or an exit code after printing why
 * (MPI failed to start; or, built without MPI, started as one of several ranks - each
 * would run the whole sweep and write the same files).
 */
int swmpi_init(int *argc, char ***argv, struct swmpi *p);
void swmpi_finalize(struct swmpi *p);

/*
 * Collective: every rank reports its status (*code EXIT_OK or an exit code, msg what went
 * wrong). Returns the lowest failing rank, or -1 when every rank is fine; when one failed,
 * *code and msg[0..len) on every rank become that rank's. Alone: returns 0 or -1 for self.
 */
int swmpi_status(const struct swmpi *p, int *code, char *msg, size_t len);

/* Items [n r / size, n (r + 1) / size) of n are rank r's: contiguous blocks, in rank order. */
void swmpi_block(size_t n, int rank, int size, size_t *lo, size_t *hi);

/*
 * Collective: rank r's doubles (its block of items x width, in item order) into all[0..n
 * width) on rank 0, in item order (MPI_Gatherv: placed by rank, never by arrival). all is
 * read only on rank 0. Returns 0, or -1 with a message (a block too big for MPI's int
 * counts, or MPI failed).
 */
int swmpi_gather(const struct swmpi *p, const double *mine, double *all, size_t n, size_t width,
                 char *msg, size_t len);

#endif
