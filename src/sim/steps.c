/* steps.c - the simulator's per-step rows and critical-path aggregates. */
#include "kizuna/sim.h"

const char *const kz_cause_names[KZ_CAUSE_COUNT] = {
    "processing", "queue", "off-hours", "review", "link", "legal", "propagation", "delegation",
    "external"};
