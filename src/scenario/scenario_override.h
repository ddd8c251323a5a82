/* scenario_override.h - an `overrides:` block (a validation case's) read from YAML and applied. */
#ifndef KZ_SCENARIO_OVERRIDE_H
#define KZ_SCENARIO_OVERRIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "kizuna/scenario.h"
#include "model/yread.h"

enum so_start { SO_SCENARIO, SO_FIXED, SO_WINDOW, SO_ANY };

struct so_copies {
    const char *thread; /* NULL: the thread the block is for */
    int copies;
    struct pos pos;
};

/* What an overrides block says (docs/validation.md); zero: nothing overridden. */
struct soverrides {
    struct so_copies *copies;
    size_t ncopies;
    enum so_start start;
    int start_lo, start_hi; /* week minutes UTC: the fixed start, or the window */
    long runs;              /* 0: the scenario's */
    bool has_seed;
    uint64_t seed;
};

/*
 * Reads `{copies: N | {THREAD: N, ...}, start: "sun 05:58 UTC+9" | any | {from: T, to: T},
 * runs: N, seed: S}` into *o (allocating in L's arena), every problem reported at its place.
 */
void so_read(struct yread *L, const struct ynode *n, struct soverrides *o);

/*
 * Applies *o to s; `thread` is the thread a bare `copies: N` is for. Returns NULL, or the
 * first thread id that s lacks (with its place in *at; the rest is applied).
 */
const char *so_apply(kz_scenario *s, const struct soverrides *o, const char *thread,
                     struct pos *at);

#endif
