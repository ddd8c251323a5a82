/* fuzz_takproto.c - libFuzzer target: untrusted TAK protocol v1 bytes through the 0xBF framing
 * (the scanner in protobuf mode) and the TakMessage decoder, and back through the encoder. */
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
 * Input: one byte of settings (bit 0: the rest is one TakMessage payload, as a mesh datagram
 * after its BF 01 BF header; else a stream of frames fed in chunks whose sizes bits 1-7 seed),
 * then the bytes. Invariants, beyond ASan and UBSan:
 *  - a decoded event encodes, decodes again and the two write the same XML;
 *  - a frame's payload is never longer than the cap;
 *  - the XML of a decoded event parses and is a fixed point (the protobuf path lets in nothing
 *    XML would refuse).
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { CAP = 4096 };

static void check(const uint8_t *p, size_t n)
{
    struct cot_event ev;
    char why[256];
    uint32_t lo, hi;
    if (takp_decode(p, n, &ev, &lo, &hi, why, sizeof why) != 0)
        return;
    takp_round_trip(&ev);
    cot_fixed_point(&ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t set = data[0];
    data++, size--;
    if (set & 1) {
        check(data, size);
        return 0;
    }
    struct cot_scan s;
    if (cot_scan_init(&s, CAP) != 0)
        abort();
    cot_scan_set_mode(&s, COT_SCAN_PROTO);
    uint32_t rnd = (uint32_t)(set >> 1) * 2654435761u + 7;
    for (size_t i = 0; i < size;) {
        rnd = rnd * 1103515245u + 12345u;
        size_t chunk = 1 + (rnd >> 16) % 600;
        if (chunk > size - i)
            chunk = size - i;
        if (cot_scan_feed(&s, data + i, chunk) != 0)
            abort();
        i += chunk;
        const unsigned char *m;
        size_t n;
        enum cot_scan_item it;
        while ((it = cot_scan_next(&s, &m, &n)) != COT_SCAN_NEED)
            if (it == COT_SCAN_EVENT) {
                if (n > CAP)
                    abort();
                check(m, n);
            }
        if (s.len - s.pos > CAP + chunk + TAKP_HEADER_MAX)
            abort();
    }
    cot_scan_free(&s);
    return 0;
}
