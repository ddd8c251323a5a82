/* steps.c - the simulator's per-step rows and critical-path aggregates. */
typedef int kz_unused_steps;
