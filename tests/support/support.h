/* support.h - what the unit tests share: loaders that fail the test, a fake clock, a recording transport. */
#ifndef KZ_TEST_SUPPORT_H
#define KZ_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/des.h"
#include "kizuna/model.h"
#include "kizuna/ports.h"
#include "kizuna/scenario.h"

/* A structure or scenario from a file or from text; any diagnostic is printed and fails the
 * test (cmocka). The caller frees the result. */
kz_model *ts_model_file(const char *path);
kz_scenario *ts_scenario_file(const char *path);
kz_scenario *ts_scenario_text(const char *yaml);
/* The index of node or decision `id`; fails the test when the structure has none. */
int ts_node(const kz_model *m, const char *id);
int ts_decision(const kz_model *m, const char *id);

/* A fake clock: an event set the test pops by hand, so it decides when time moves. */
struct ts_clock {
    struct des q;
};
void ts_clock_init(struct ts_clock *c);
void ts_clock_free(struct ts_clock *c);
struct kz_clock ts_clock_port(struct ts_clock *c);
/* Pops the earliest event (the clock moves to it); false when none is left. */
bool ts_clock_pop(struct ts_clock *c, unsigned *kind, uint32_t *arg);
int64_t ts_clock_now_us(const struct ts_clock *c);

/* A transport that records every hop instead of carrying it. */
#define TS_HOPS_MAX 256
struct ts_hop {
    uint32_t msg;
    int from, to, net;
    int64_t t_us;
};
struct ts_wire {
    struct ts_clock *clock; /* for the hop's time; may be NULL */
    struct ts_hop hop[TS_HOPS_MAX];
    size_t n;
};
struct kz_transport ts_wire_port(struct ts_wire *w);

#endif
