/* trace_out.h - kizuna trace's text: one line per engine record and director note. */
#ifndef KZ_TRACE_OUT_H
#define KZ_TRACE_OUT_H

#include <stdio.h>

#include "core/des.h"
#include "engine/engine.h"
#include "scenario/plan.h"

/* Where a replication's trace goes (f NULL: nowhere) and what it reads the time and ids from. */
struct trace_out {
    FILE *f;
    const struct des *q;
    const struct plan *p;
};

/* One line, prefixed with the simulated time. */
void trout_line(struct trace_out *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The engine's trace hook (ctx: a struct trace_out). */
void trout_rec(void *ctx, const struct trace_rec *r);

#endif
