/* mm1.c - the M/M/1 reference model (lambda 0.9, mu 1, FIFO) on kizuna's DES kernel, timed and checked against W = 10. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/des.h"
#include "core/rng.h"

/*
 * Rates are fixed so the result can be checked against theory:
 * W = 1 / (mu - lambda) = 10 s. Model time is integer microseconds, like
 * the engine's; the 1 us rounding of draws whose mean is ~1e6 us biases W
 * by well under 1e-5 s.
 */
#define LAMBDA 0.9
#define MU 1.0
#define W_THEORY (1.0 / (MU - LAMBDA))
#define W_TOLERANCE 0.5
#define MEAN_IAT_US (1e6 / LAMBDA)
#define MEAN_SVC_US (1e6 / MU)

enum { EV_ARRIVAL = 0, EV_DEPARTURE = 1 };

/* A FIFO of arrival times; at rho 0.9 it rarely holds more than a few hundred. */
#define RING_INIT (1u << 16)

struct mm1 {
    struct des q;
    struct rng r;
    int64_t *ring;  /* arrival times of the objects in the system, head in service */
    size_t mask;    /* ring capacity - 1 (a power of two) */
    size_t head, len;
    long to_arrive; /* arrivals still to generate */
    int64_t sojourn_sum_us;
    long departed;
    bool oom;
};

/* Per-replication results, reduced in replication order so output does not depend on threads. */
struct rep_result {
    int64_t sojourn_sum_us;
    long departed;
    uint64_t dispatched;
};

struct job {
    long objects, reps;
    uint64_t seed;
    atomic_long next_rep;
    struct rep_result *res;
    atomic_bool failed;
};

static int64_t draw_us(struct rng *r, double mean_us)
{
    return (int64_t)(rng_exp(r, mean_us) + 0.5);
}

/* Cold path: doubling the ring, kept out of line so the event loop stays small. */
static __attribute__((noinline, cold)) bool ring_grow(struct mm1 *m)
{
    size_t cap = m->mask + 1, ncap = cap * 2;
    int64_t *nr = malloc(ncap * sizeof *nr);
    if (!nr)
        return false;
    for (size_t i = 0; i < m->len; i++)
        nr[i] = m->ring[(m->head + i) & m->mask];
    free(m->ring);
    m->ring = nr;
    m->mask = ncap - 1;
    m->head = 0;
    return true;
}

static void on_arrival(struct mm1 *m)
{
    int64_t now = m->q.now;
    if (m->len > m->mask && !ring_grow(m)) {
        m->oom = true;
        return;
    }
    m->ring[(m->head + m->len) & m->mask] = now;
    if (m->len++ == 0 && des_push(&m->q, now + draw_us(&m->r, MEAN_SVC_US), EV_DEPARTURE, 0))
        m->oom = true;
    if (--m->to_arrive > 0 &&
        des_push(&m->q, now + draw_us(&m->r, MEAN_IAT_US), EV_ARRIVAL, 0))
        m->oom = true;
}

static void on_departure(struct mm1 *m)
{
    int64_t now = m->q.now;
    m->sojourn_sum_us += now - m->ring[m->head];
    m->departed++;
    m->head = (m->head + 1) & m->mask;
    if (--m->len > 0 && des_push(&m->q, now + draw_us(&m->r, MEAN_SVC_US), EV_DEPARTURE, 0))
        m->oom = true;
}

/* One replication of `objects` objects from an empty system at t = 0. */
static bool run_rep(struct mm1 *m, long objects, uint64_t seed, long rep, struct rep_result *out)
{
    des_reset(&m->q);
    rng_seed(&m->r, seed, (uint64_t)rep);
    m->head = m->len = 0;
    m->to_arrive = objects;
    m->sojourn_sum_us = 0;
    m->departed = 0;
    m->oom = false;
    uint64_t before = m->q.dispatched; /* des_reset keeps the counter running */
    if (objects > 0 && des_push(&m->q, draw_us(&m->r, MEAN_IAT_US), EV_ARRIVAL, 0))
        return false;
    unsigned kind;
    uint32_t arg;
    while (des_pop(&m->q, &kind, &arg)) {
        if (kind == EV_ARRIVAL)
            on_arrival(m);
        else
            on_departure(m);
        if (__builtin_expect(m->oom, 0))
            return false;
    }
    out->sojourn_sum_us = m->sojourn_sum_us;
    out->departed = m->departed;
    out->dispatched = m->q.dispatched - before;
    return true;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    struct mm1 m = {0};
    m.mask = RING_INIT - 1;
    m.ring = malloc(RING_INIT * sizeof *m.ring);
    if (!m.ring || des_init(&m.q, 16) != 0) {
        atomic_store(&j->failed, true);
        free(m.ring);
        return NULL;
    }
    for (;;) {
        long rep = atomic_fetch_add_explicit(&j->next_rep, 1, memory_order_relaxed);
        if (rep >= j->reps || atomic_load_explicit(&j->failed, memory_order_relaxed))
            break;
        if (!run_rep(&m, j->objects, j->seed, rep, &j->res[rep])) {
            atomic_store(&j->failed, true);
            break;
        }
    }
    des_free(&m.q);
    free(m.ring);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void usage(FILE *out)
{
    fputs("usage: kz_bench_mm1 [--objects N] [--reps R] [--threads T] [--seed S] [--check]\n"
          "  M/M/1 (lambda 0.9, mu 1, FIFO) on kizuna's DES kernel; R replications of N\n"
          "  objects each (default 1 x 1000000) over T threads (default 1).\n"
          "  --check: exit 1 unless |W - 10| <= 0.5 (meant for N >= 1000000).\n",
          out);
}

static bool parse_long(const char *s, long min, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min)
        return false;
    *out = v;
    return true;
}

int main(int argc, char **argv)
{
    long objects = 1000000, reps = 1, threads = 1, seed = 1;
    bool check = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        long *dst = NULL, min = 1;
        if (!strcmp(a, "--objects"))
            dst = &objects;
        else if (!strcmp(a, "--reps"))
            dst = &reps;
        else if (!strcmp(a, "--threads"))
            dst = &threads;
        else if (!strcmp(a, "--seed"))
            dst = &seed, min = 0;
        else if (!strcmp(a, "--check")) {
            check = true;
            continue;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "kz_bench_mm1: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
        if (i + 1 >= argc || !parse_long(argv[++i], min, dst)) {
            fprintf(stderr, "kz_bench_mm1: %s needs an integer >= %ld\n", a, min);
            return 2;
        }
    }
    /* The kernel's 32-bit insertion counter allows 2^32 pushes per replication (2 per object). */
    if (objects > 2000000000L || threads > 1024) {
        fputs("kz_bench_mm1: --objects at most 2e9, --threads at most 1024\n", stderr);
        return 2;
    }

    struct job j = {.objects = objects, .reps = reps, .seed = (uint64_t)seed};
    atomic_init(&j.next_rep, 0);
    atomic_init(&j.failed, false);
    j.res = calloc((size_t)reps, sizeof *j.res);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!j.res || !tid) {
        fputs("kz_bench_mm1: out of memory\n", stderr);
        return 3;
    }

    long started = 0;
    double t0 = now_s();
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, worker, &j) != 0)
            break;
    for (long i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    double wall = now_s() - t0;
    if (started == 0 || atomic_load(&j.failed)) {
        fputs("kz_bench_mm1: a worker failed (out of memory or no thread)\n", stderr);
        return 3;
    }

    int64_t sum_us = 0;
    long departed = 0;
    uint64_t dispatched = 0;
    for (long i = 0; i < reps; i++) {
        sum_us += j.res[i].sojourn_sum_us;
        departed += j.res[i].departed;
        dispatched += j.res[i].dispatched;
    }
    double w = departed ? (double)sum_us * 1e-6 / (double)departed : 0.0;
    double total_objects = (double)objects * (double)reps;

    printf("model: M/M/1 lambda=%.1f mu=%.1f FIFO, kizuna DES kernel (4-ary heap)\n", LAMBDA, MU);
    printf("replications: %ld x %ld objects, %ld thread%s, seed %ld\n", reps, objects, started,
           started == 1 ? "" : "s", seed);
    printf("objects: %.0f\n", total_objects);
    printf("dispatched events: %" PRIu64 "\n", dispatched);
    printf("wall seconds: %.6f\n", wall);
    printf("events/s: %.0f\n", (double)dispatched / wall);
    printf("objects/s: %.0f\n", total_objects / wall);
    printf("replications/s: %.1f\n", (double)reps / wall);
    printf("ns/event: %.2f\n", wall * 1e9 / (double)dispatched);
    printf("W: %.4f (theory %.0f)\n", w, W_THEORY);

    free(j.res);
    free(tid);
    if (check && !(fabs(w - W_THEORY) <= W_TOLERANCE)) {
        fprintf(stderr, "kz_bench_mm1: check failed: |W - %.0f| = %.4f > %.1f\n", W_THEORY,
                fabs(w - W_THEORY), W_TOLERANCE);
        return 1;
    }
    return 0;
}
