/* des.h - the discrete-event kernel: a pending-event set ordered by time, then insertion order. */
#ifndef KZ_DES_H
#define KZ_DES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kizuna/error.h"
#include "kizuna/simtime.h"

/*
 * An event is 16 bytes: its time and one word that packs a sequence number
 * (high 32 bits), a kind (8 bits) and an argument (24 bits). Ordering by
 * (time, word) therefore orders simultaneous events by insertion order, so a
 * run is deterministic whatever the heap does with ties. The set is an
 * implicit 4-ary heap: shallower than a binary heap and its four children
 * share a cache line. Cancellation is lazy: the model stamps its records
 * with a generation and ignores stale events, which keeps the heap free of
 * a handle map.
 *
 * Memory is allocated by des_init and only grows when the set outgrows it
 * (doubling); a queue reused across replications stops allocating once it
 * has seen the largest one, so the hot path does not allocate.
 */
struct des_ev {
    int64_t t;
    uint64_t w;
};

struct des {
    struct des_ev *h;
    size_t n, cap;
    uint32_t seq;
    int64_t now;
    uint64_t dispatched; /* since des_init: des_reset keeps counting, for per-worker totals */
};

#define DES_ARG_MAX 0xffffffu

int des_init(struct des *q, size_t cap);
void des_free(struct des *q);
/* Empties the set and sets the clock to 0; keeps the memory. */
void des_reset(struct des *q);
/* Grows the set; called by des_push when full. Returns 0 or -1 (out of memory). */
int des_grow(struct des *q);

static inline bool des_less(const struct des_ev *a, const struct des_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->w < b->w);
}

/* Schedules (kind, arg) at absolute time t (t >= now). Returns 0, KZ_ENOMEM, or KZ_ELIMIT when
 * kind > 255, arg > DES_ARG_MAX or the run has had 2^32 pushes. */
static inline int des_push(struct des *q, int64_t t, unsigned kind, uint32_t arg)
{
    if (kind > 0xffu || arg > DES_ARG_MAX || q->seq == UINT32_MAX)
        return KZ_ELIMIT; /* does not fit the packing, or 2^32 pushes in one run (FIFO would wrap) */
    if (q->n == q->cap && des_grow(q) != 0)
        return KZ_ENOMEM;
    struct des_ev e = {t, ((uint64_t)q->seq++ << 32) | ((uint64_t)(kind & 0xffu) << 24) |
                              (arg & DES_ARG_MAX)};
    size_t i = q->n++;
    while (i > 0) {
        size_t p = (i - 1) >> 2;
        if (!des_less(&e, &q->h[p]))
            break;
        q->h[i] = q->h[p];
        i = p;
    }
    q->h[i] = e;
    return 0;
}

/* Removes the earliest event, advances the clock to it. Returns false when the set is empty. */
static inline bool des_pop(struct des *q, unsigned *kind, uint32_t *arg)
{
    if (q->n == 0)
        return false;
    struct des_ev top = q->h[0];
    struct des_ev last = q->h[--q->n];
    size_t n = q->n, i = 0;
    for (;;) {
        size_t c = (i << 2) + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t j = c + 1; j < end; j++)
            if (des_less(&q->h[j], &q->h[best]))
                best = j;
        if (!des_less(&q->h[best], &last))
            break;
        q->h[i] = q->h[best];
        i = best;
    }
    if (n > 0)
        q->h[i] = last;
    q->now = top.t;
    q->dispatched++;
    *kind = (unsigned)(top.w >> 24) & 0xffu;
    *arg = (uint32_t)top.w & DES_ARG_MAX;
    return true;
}

static inline kz_time des_now(const struct des *q) { return (kz_time){q->now}; }

#endif
