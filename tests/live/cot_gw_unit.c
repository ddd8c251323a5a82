/* cot_gw_unit.c - a track's category and affiliation, in commands and on the wire (no sockets):
 * the names agree with the codec's, commands carry them both ways, the origin's proof covers
 * them, the decoder refuses what is out of range, and the sample's size is what it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "live/command.h"
#include "live/cot.h"
#include "live/wire.h"

#define BILATERAL KZ_SOURCE_DIR "/tests/data/live/bilateral.yaml"

static kz_model *M;

static int setup(void **state)
{
    (void)state;
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    assert_int_equal(kz_model_load_file(BILATERAL, &M, d), 0);
    kz_diags_destroy(d);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    kz_model_free(M);
    return 0;
}

/* The command language's names are the codec's, index for index (a copy: see command.c). */
static void names_are_the_codecs(void **state)
{
    (void)state;
    for (int i = 0; i < COT_CAT_COUNT; i++)
        assert_string_equal(kz_live_categories[i], cot_category_names[i]);
    assert_null(kz_live_categories[COT_CAT_COUNT]);
    for (int i = 0; i < COT_AFF_COUNT; i++)
        assert_string_equal(kz_live_affiliations[i], cot_affil_names[i]);
    assert_null(kz_live_affiliations[COT_AFF_COUNT]);
}

static int parse(const char *text, struct command *c, char *msg, size_t n)
{
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = cmd_parse(M, "cmd", text, strlen(text), c, d);
    msg[0] = '\0';
    if (kz_diags_count(d)) {
        const struct kz_diag *g = kz_diags_get(d, 0);
        snprintf(msg, n, "%d:%d: %s", g->line, g->col, g->msg);
    }
    kz_diags_destroy(d);
    return rc;
}

static void commands_carry_them_both_ways(void **state)
{
    (void)state;
    struct command c, back;
    char msg[300], err[300];
    assert_int_equal(parse("{cmd: share, kind: track, to: [jp1], track: T1, category: missile,"
                           " affiliation: hostile}",
                           &c, msg, sizeof msg),
                     0);
    assert_int_equal(c.category, COT_CAT_MISSILE);
    assert_int_equal(c.affil, COT_AFF_HOSTILE);
    char *text = NULL;
    assert_int_equal(cmd_encode(M, &c, &text, err, sizeof err), 0);
    assert_non_null(strstr(text, "\"category\":\"missile\""));
    assert_int_equal(parse(text, &back, msg, sizeof msg), 0);
    free(text);
    assert_int_equal(back.category, COT_CAT_MISSILE);
    assert_int_equal(back.affil, COT_AFF_HOSTILE);
    /* unknown is the default and is not written */
    assert_int_equal(parse("{cmd: share, kind: track, to: [jp1], track: T1}", &c, msg, sizeof msg),
                     0);
    assert_int_equal(c.category, COT_CAT_UNKNOWN);
    assert_int_equal(cmd_encode(M, &c, &text, err, sizeof err), 0);
    assert_null(strstr(text, "category"));
    free(text);
    /* bad input is located */
    assert_int_equal(parse("{cmd: share, kind: track, to: [jp1], track: T1, category: aircraft}",
                           &c, msg, sizeof msg),
                     KZ_ECHECK);
    assert_non_null(strstr(msg, "1:59:"));
    assert_int_equal(
        parse("{cmd: share, kind: alert, to: [jp1], affiliation: hostile}", &c, msg, sizeof msg),
        KZ_ECHECK);
    assert_non_null(strstr(msg, "only a track has a category and an affiliation"));
}

/* A sample as a node sends it: a track from us1 to jp1 over bilat. */
static kz_Msg sample(void)
{
    struct eng_wire w;
    memset(&w, 0, sizeof w);
    w.h.thread = -1;
    w.h.kind = KZ_MSG_TRACK;
    w.h.precedence = KZ_PREC_IMMEDIATE;
    w.h.classification = CL_S;
    w.h.releasable = 3;
    w.h.origin = 0;
    w.h.destination = 3;
    w.h.created.us = 1000;
    w.dst = 3;
    w.purpose = 1;
    w.graph = G_NET;
    w.opkind = ENG_OPK_SHARE;
    w.attr = (struct eng_attr){-1, KZ_PREC_IMMEDIATE, CL_S, 3, 0};
    w.decision = w.assets = w.requester = w.auth = -1;
    struct wire_hop hop = {(uint64_t)0 << 48 | 1u << 16, 7, 0, 3, 0, 123456789, 1u << 16};
    struct wire_body b;
    memset(&b, 0, sizeof b);
    snprintf(b.track_id, sizeof b.track_id, "T-1");
    kz_Msg s;
    wire_encode(42, &w, &hop, &b, &s);
    s.category = COT_CAT_AIR;
    s.affil = COT_AFF_HOSTILE;
    return s;
}

static void the_wire_carries_and_proves_them(void **state)
{
    (void)state;
    assert_string_equal(M->nodes[0].id, "us1");
    assert_string_equal(M->nodes[3].id, "jp1");
    /* the octets took padding: the sample is as large as before, which the journal and the
     * fuzz corpora rely on */
    print_message("sizeof(kz_Msg) = %zu\n", sizeof(kz_Msg));
    assert_int_equal(sizeof(kz_Msg), 448);
    kz_Msg s = sample(), t = s;
    uint8_t sha[32] = {0}, a[WIRE_ORIGIN_MAX], b[WIRE_ORIGIN_MAX];
    size_t na = wire_origin_bytes(&s, sha, a);
    t.category = COT_CAT_MISSILE; /* a relay that changes what the track is */
    size_t nb = wire_origin_bytes(&t, sha, b);
    assert_int_equal(na, nb);
    assert_memory_not_equal(a, b, na);
    t = s;
    t.affil = COT_AFF_FRIEND;
    wire_origin_bytes(&t, sha, b);
    assert_memory_not_equal(a, b, na);
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body body;
    char why[300];
    assert_int_equal(wire_decode(M, 42, &s, &w, &hop, &body, why, sizeof why), 0);
    t = s;
    t.category = COT_CAT_COUNT;
    assert_int_equal(wire_decode(M, 42, &t, &w, &hop, &body, why, sizeof why), -1);
    assert_non_null(strstr(why, "category"));
    t = s;
    t.kind = KZ_MSG_ALERT; /* only a track has them */
    assert_int_equal(wire_decode(M, 42, &t, &w, &hop, &body, why, sizeof why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_the_codecs),
        cmocka_unit_test(commands_carry_them_both_ways),
        cmocka_unit_test(the_wire_carries_and_proves_them),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
