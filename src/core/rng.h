/* rng.h - random streams: xoshiro256++ seeded by splitmix64 from (seed, stream), and duration draws. */
#ifndef KZ_RNG_H
#define KZ_RNG_H

#include <math.h>
#include <stdint.h>

#include "model/dist.h"

/*
 * Replication i of a run with seed S draws from the stream seeded by
 * splitmix64 over (S, i) alone, so its result does not depend on which
 * worker thread runs it or in what order: the stream is a pure function of
 * its counter. xoshiro256++ (Blackman and Vigna, 2018) is fast, passes
 * BigCrush, and its 2^256 period makes overlap between the splitmix-seeded
 * streams of a run negligible.
 */
struct rng {
    uint64_t s[4];
    double spare; /* second normal of the polar method */
    int has_spare;
};

static inline uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ull + 0x2545f4914f6cdd1dull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    r->has_spare = 0;
    r->spare = 0;
}

static inline uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[0] + s[3];
    uint64_t result = ((x << 23) | (x >> 41)) + s[0];
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform in (0, 1]: never 0, so log() is safe. */
static inline double rng_u01(struct rng *r)
{
    return ((double)(rng_next(r) >> 11) + 1.0) * 0x1.0p-53;
}

static inline double rng_exp(struct rng *r, double mean) { return -mean * log(rng_u01(r)); }

static inline double rng_normal(struct rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2.0 * rng_u01(r) - 1.0;
        v = 2.0 * rng_u01(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* Gamma(a, 1) for a >= 1: Marsaglia and Tsang (2000), a squeeze then the exact test. */
static inline double rng_gamma(struct rng *r, double a)
{
    double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = rng_normal(r), v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        double u = rng_u01(r), x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v;
    }
}

/* Beta-PERT {min, mode, max} (lambda 4): min + (max - min) X / (X + Y), X ~ Gamma(alpha),
 * Y ~ Gamma(beta), alpha = 1 + 4 (mode - min) / (max - min), beta = 1 + 4 (max - mode) /
 * (max - min); both at least 1, as Marsaglia-Tsang needs. */
static inline double rng_pert(struct rng *r, const double *p)
{
    double w = p[2] - p[0];
    if (!(w > 0.0))
        return p[0];
    double x = rng_gamma(r, 1.0 + 4.0 * (p[1] - p[0]) / w);
    double y = rng_gamma(r, 1.0 + 4.0 * (p[2] - p[1]) / w);
    return p[0] + w * (x / (x + y));
}

/* A draw in seconds from a duration distribution; KZ_DIST_NONE gives 0. */
static inline double rng_dist(struct rng *r, const struct kz_dist *d)
{
    switch (d->kind) {
    case KZ_DIST_FIXED:
        return d->p[0];
    case KZ_DIST_UNIFORM:
        return d->p[0] + (d->p[1] - d->p[0]) * rng_u01(r);
    case KZ_DIST_TRIANGULAR: {
        double a = d->p[0], c = d->p[1], b = d->p[2];
        if (b <= a)
            return a;
        double u = rng_u01(r), f = (c - a) / (b - a);
        return u < f ? a + sqrt(u * (b - a) * (c - a)) : b - sqrt((1.0 - u) * (b - a) * (b - c));
    }
    case KZ_DIST_EXPONENTIAL:
        return rng_exp(r, d->p[0]);
    case KZ_DIST_LOGNORMAL:
        return exp(d->mu + d->sigma * rng_normal(r));
    case KZ_DIST_PERT:
        return rng_pert(r, d->p);
    case KZ_DIST_NONE:
    default:
        return 0.0;
    }
}

/* A draw of `d`, truncated at its maximum when it has one: the untruncated draw given that it
 * is at most `max`, by rejection (accepted at least half the time: the loader holds max at or
 * above the median; after 64 refusals, p < 2^-64, the maximum itself). A distribution with no
 * maximum draws exactly as rng_dist, so the stream is unchanged for it. */
static inline double rng_dist_bounded(struct rng *r, const struct kz_dist *d)
{
    double x = rng_dist(r, d);
    for (int i = 0; d->max > 0 && x > d->max && i < 64; i++)
        x = rng_dist(r, d);
    return d->max > 0 && x > d->max ? d->max : x;
}

/* The same in whole microseconds. */
static inline int64_t rng_dist_us(struct rng *r, const struct kz_dist *d)
{
    double s = rng_dist_bounded(r, d);
    return s <= 0 ? 0 : (int64_t)(s * 1e6 + 0.5);
}

#endif
