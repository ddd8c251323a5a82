/* kizuna/simtime.h - engine time: microseconds since the start of a run, never wall-clock time. */
#ifndef KIZUNA_SIMTIME_H
#define KIZUNA_SIMTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A point in engine time, in whole microseconds after the run's start (t = 0).
 * A struct, not a bare integer, so that it cannot be mixed with wall-clock
 * values (time_t, struct timespec) or with seconds by accident. The simulator
 * advances it event by event; a live node maps its real clock onto it.
 * Integer microseconds make sums exact and order-independent, which keeps
 * Monte Carlo results identical whatever the number of worker threads.
 */
typedef struct kz_time {
    int64_t us;
} kz_time;

#define KZ_TIME_NEVER ((kz_time){INT64_MAX})

static inline kz_time kz_time_from_s(double s)
{
    return (kz_time){(int64_t)(s * 1e6 + (s >= 0 ? 0.5 : -0.5))};
}
static inline double kz_time_s(kz_time t) { return (double)t.us * 1e-6; }
static inline kz_time kz_time_add(kz_time t, int64_t us) { return (kz_time){t.us + us}; }
static inline int kz_time_before(kz_time a, kz_time b) { return a.us < b.us; }

#ifdef __cplusplus
}
#endif
#endif
