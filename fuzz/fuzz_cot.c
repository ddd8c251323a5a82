/* fuzz_cot.c - libFuzzer target: an untrusted byte stream through the CoT scanner, fed in chunks
 * of varying size, and every event it yields through the parser, the writer and back. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cot_invariants.h"
#include "live/cot.h"
#include "live/takproto.h"

/*
 * Input: one byte of settings (bits 0-1: the cap, 256 << bits; bit 2: switch to protobuf after a
 * t-x-takp-q the server accepts, as the gateway does; bits 3-7 seed the chunk sizes), then the
 * stream. Invariants, beyond ASan and UBSan:
 *  - the scanner never holds more than the cap, one chunk and a partial end tag or header;
 *  - what the parser accepts, the writer writes, the parser accepts again and the writer then
 *    gives the same bytes (a fixed point: nothing accepted is lost or changed on the way out);
 *  - the protobuf round trip of every accepted event changes nothing (cot_invariants.h).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fixed_point(const struct cot_event *ev)
{
    cot_fixed_point(ev);
    takp_round_trip(ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t set = data[0];
    size_t cap = (size_t)256 << (set & 3);
    uint32_t rnd = (uint32_t)(set >> 3) * 2654435761u + 1;
    data++, size--;
    struct cot_scan s;
    if (cot_scan_init(&s, cap) != 0)
        abort();
    size_t i = 0;
    while (i < size) {
        rnd = rnd * 1103515245u + 12345u;
        size_t chunk = 1 + (rnd >> 16) % 700;
        if (chunk > size - i)
            chunk = size - i;
        if (cot_scan_feed(&s, data + i, chunk) != 0)
            abort();
        i += chunk;
        const unsigned char *m;
        size_t n;
        enum cot_scan_item it;
        while ((it = cot_scan_next(&s, &m, &n)) != COT_SCAN_NEED) {
            if (it != COT_SCAN_EVENT)
                continue;
            struct cot_event ev;
            char why[256];
            if (s.mode == COT_SCAN_XML) {
                if (cot_parse((const char *)m, n, &ev, why, sizeof why) != 0)
                    continue;
                check_fixed_point(&ev);
                if ((set & 4) && takp_accept(&ev))
                    cot_scan_set_mode(&s, COT_SCAN_PROTO);
            } else {
                if (n > cap)
                    abort();
                if (takp_decode(m, n, &ev, NULL, NULL, why, sizeof why) == 0)
                    check_fixed_point(&ev);
            }
        }
        if (s.len - s.pos > cap + chunk + TAKP_HEADER_MAX)
            abort();
    }
    cot_scan_free(&s);
    return 0;
}
