/* wallclock.h - wall time for the live network (never mixed with scenario time, kz_time). */
#ifndef KZ_WALLCLOCK_H
#define KZ_WALLCLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds since 1970 (CLOCK_REALTIME): shared by the processes of one machine, so node
 * journals, the exercise epoch and one-way latencies agree. */
static inline int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
