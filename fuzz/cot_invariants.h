/* cot_invariants.h - what the CoT fuzz targets (fuzz_cot.c, fuzz_takproto.c) check of every
 * event the codec accepted: the XML is a fixed point, and the protobuf round trip changes
 * nothing. Included once per target; aborts (a finding) when an invariant breaks. */
#ifndef KZ_FUZZ_COT_INVARIANTS_H
#define KZ_FUZZ_COT_INVARIANTS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/cot.h"
#include "live/takproto.h"

/* What the parser accepts, the writer writes, the parser accepts again and the writer then gives
 * the same bytes: nothing accepted is lost or changed on the way out. */
static void cot_fixed_point(const struct cot_event *ev)
{
    static char x1[16384], x2[16384];
    size_t l1, l2;
    char why[256];
    struct cot_event back;
    if (cot_write(ev, x1, sizeof x1, &l1) != 0)
        abort(); /* every accepted event fits: its fields are bounded */
    if (cot_parse(x1, l1, &back, why, sizeof why) != 0) {
        fprintf(stderr, "written event refused: %s\n%s\n", why, x1);
        abort();
    }
    if (cot_write(&back, x2, sizeof x2, &l2) != 0 || l1 != l2 || memcmp(x1, x2, l1) != 0) {
        fprintf(stderr, "not a fixed point:\n%s\n%s\n", x1, x2);
        abort();
    }
}

/* The event encodes as a TakMessage, decodes again and writes the same XML as before. */
static void takp_round_trip(const struct cot_event *ev)
{
    static uint8_t pb[16384];
    static char x1[16384], x2[16384];
    size_t pl, l1, l2;
    char why[256];
    struct cot_event back;
    if (takp_encode(ev, pb, sizeof pb, &pl) != 0)
        abort();
    if (takp_decode(pb, pl, &back, NULL, NULL, why, sizeof why) != 0) {
        fprintf(stderr, "encoded event refused: %s\n", why);
        abort();
    }
    /* Flow tags come back as facts, not as tags to add: compare the rest. */
    back.flow_kizuna = ev->flow_kizuna;
    memcpy(back.flow_from, ev->flow_from, sizeof back.flow_from);
    if (cot_write(ev, x1, sizeof x1, &l1) != 0 || cot_write(&back, x2, sizeof x2, &l2) != 0 ||
        l1 != l2 || memcmp(x1, x2, l1) != 0) {
        fprintf(stderr, "protobuf round trip changed the event:\n%s\n%s\n", x1, x2);
        abort();
    }
}

#endif
