/* test_route.c - routing: exact next hops on a small structure, and a 10,000-member mesh routed
 * in memory linear in members. */
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine/route.h"
#include "kizuna/kizuna.h"

static kz_model *load_mem(const char *text, size_t len)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = kz_model_load_mem("generated.yaml", text, len, &m, d);
    for (size_t i = 0; i < kz_diags_count(d); i++)
        kz_diag_print(kz_diags_get(d, i), stderr);
    kz_diags_destroy(d);
    assert_int_equal(rc, 0);
    return m;
}

static const char HEAD[] =
    "kizuna: 1\nname: gen\nsource: s\n"
    "nations: [{id: USA, source: s}, {id: JPN, source: s}]\n"
    "phases: [{id: peacetime, source: s}]\n"
    "decisions: [{id: d, phases: all, source: s}]\n"
    "defaults: {cells: 1, hours: \"24/7\", days: daily, processing: {relay: 0s, review: 0s, "
    "decide: 0s, approve: 0s, order: 0s, execute: 0s, report: 0s}}\n";

/*
 * Nodes, in index order: a and b (USA) in one place, c (JPN) in Sapporo, h (USA, the hub) in
 * Hawaii, s (JPN) in Washington. m-bi (S, a b c) and m-us (TS, a b) are meshes with the same
 * overhead, so a <-> b costs the same over either: the lower network wins the tie. star is a
 * hub network: its spokes a, s, c reach each other only through h.
 */
static const char SMALL[] =
    "nodes:\n"
    "  - {id: a, nation: USA, kind: force, location: [35.0, 139.0], utc_offset: 9, source: s}\n"
    "  - {id: b, nation: USA, kind: force, location: [35.0, 139.0], utc_offset: 9, source: s}\n"
    "  - {id: c, nation: JPN, kind: force, location: [43.0, 141.3], utc_offset: 9, source: s}\n"
    "  - {id: h, nation: USA, kind: force, location: [21.0, -158.0], utc_offset: -10, source: s}\n"
    "  - {id: s, nation: JPN, kind: force, location: [38.9, -77.0], utc_offset: -5, source: s}\n"
    "networks:\n"
    "  - {id: m-bi, classification: S, members: [a, b, c], releasable_to: [USA, JPN], "
    "latency: {overhead: 2s, path_factor: 1.0}, source: s}\n"
    "  - {id: m-us, classification: TS, members: [a, b], releasable_to: [USA], "
    "latency: {overhead: 2s, path_factor: 1.0}, source: s}\n"
    "  - {id: star, classification: S, topology: hub, hub: h, members: [h, a, s, c], "
    "releasable_to: [USA, JPN], latency: {overhead: 1s, path_factor: 1.0}, source: s}\n";

enum { A, B, C, H, S };
#define USA_ ((nation_mask)1 << 0)
#define JPN_ ((nation_mask)1 << 1)
#define NONE {HOP_NONE, -1}

static void expect(const struct hop *t, const struct hop want[5])
{
    for (int v = 0; v < 5; v++)
        for (int f = 0; f < 2; f++) { /* no disclosable set: both review states alike */
            if (t[2 * v + f].next != want[v].next || t[2 * v + f].net != want[v].net)
                fprintf(stderr, "node %d/%d: next %d net %d, want %d net %d\n", v, f,
                        t[2 * v + f].next, t[2 * v + f].net, want[v].next, want[v].net);
            assert_int_equal(t[2 * v + f].next, want[v].next);
            assert_int_equal(t[2 * v + f].net, want[v].net);
        }
}

static void test_small_mesh_routes(void **state)
{
    (void)state;
    char buf[4096];
    int len = snprintf(buf, sizeof buf, "%s%s", HEAD, SMALL);
    assert_true(len > 0 && (size_t)len < sizeof buf);
    kz_model *m = load_mem(buf, (size_t)len);
    struct router *r;
    assert_int_equal(router_create(m, &r), 0);
    assert_int_equal(router_edges(r), 0); /* no relations; the networks store no edges */
    uint8_t down[5] = {0}, netdown[3] = {0};
    uint64_t cuts[5] = {0};
    struct world w = {0, 0, down, netdown, cuts, 0, 0, NULL};
    nation_mask both = USA_ | JPN_;

    /* members of a mesh are one hop apart; a spoke goes through the hub */
    expect(router_table(r, G_NET, C, CL_S, both, 0, &w, false),
           (struct hop[5]){{C, 0}, {C, 0}, NONE, {C, 2}, {H, 2}});
    /* a -> b ties over m-bi and m-us: m-bi, the lower; h reaches b through a (a and b share a
     * place, so a is nearer than c); s through the hub */
    expect(router_table(r, G_NET, B, CL_S, both, 0, &w, false),
           (struct hop[5]){{B, 0}, NONE, {B, 0}, {A, 2}, {H, 2}});
    /* releasable to USA only: m-bi and star carry JPN members, m-us alone passes */
    expect(router_table(r, G_NET, B, CL_S, USA_, 0, &w, false),
           (struct hop[5]){{B, 1}, NONE, NONE, NONE, NONE});
    /* TS: only m-us is cleared, and c is not on it */
    expect(router_table(r, G_NET, C, CL_TS, both, 0, &w, false),
           (struct hop[5]){NONE, NONE, NONE, NONE, NONE});
    /* to a spoke: other spokes through the hub, b through a (tie again: m-bi) */
    expect(router_table(r, G_NET, S, CL_S, both, 0, &w, false),
           (struct hop[5]){{H, 2}, {A, 0}, {H, 2}, {S, 2}, NONE});
    /* a down: b goes round through c, and nothing leaves a */
    down[A] = 1;
    w.outages = 1;
    expect(router_table(r, G_NET, S, CL_S, both, 0, &w, false),
           (struct hop[5]){NONE, {C, 0}, {H, 2}, {S, 2}, NONE});
    /* ... which is a passing outage: structurally a still routes */
    expect(router_table(r, G_NET, S, CL_S, both, 0, &w, true),
           (struct hop[5]){{H, 2}, {A, 0}, {H, 2}, {S, 2}, NONE});
    router_free(r);
    kz_model_free(m);
}

#define BIG     10000
#define BIG_REL 100

/* Heap bytes in use (glibc; under ASan the allocator is not glibc's and this reads ~0). */
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/*
 * One mesh with 10,000 members and 100 command relations. Stored pair by pair the mesh was
 * 10^8 edges (over 3 GB); now the router must hold a few hundred bytes per member.
 */
static void test_big_mesh_linear(void **state)
{
    (void)state;
    size_t cap = 2u * 1024 * 1024, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    len += (size_t)snprintf(buf + len, cap - len, "%snodes:\n", HEAD);
    for (int i = 0; i < BIG; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "  - {id: n%d, nation: USA, kind: force, location: [%.2f, %.2f], "
                                "utc_offset: 0, source: s}\n",
                                i, -60.0 + (i % 121), -180.0 + 0.036 * i);
    len += (size_t)snprintf(buf + len, cap - len, "relations:\n");
    for (int i = 1; i <= BIG_REL; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "  - {type: OPCON, from: n0, to: n%d, source: s}\n", i);
    len += (size_t)snprintf(buf + len, cap - len,
                            "networks:\n  - {id: mesh, classification: S, releasable_to: [USA], "
                            "latency: {overhead: 1s, path_factor: 1.2}, source: s, members: [");
    for (int i = 0; i < BIG; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%sn%d", i ? ", " : "", i);
    len += (size_t)snprintf(buf + len, cap - len, "]}\n");
    assert_true(len < cap - 1);
    kz_model *m = load_mem(buf, len);
    free(buf);

    size_t before = heap_in_use();
    struct router *r;
    assert_int_equal(router_create(m, &r), 0);
    uint8_t *down = calloc(BIG, 1), netdown[1] = {0};
    uint64_t *cuts = calloc(BIG, sizeof *cuts);
    assert_true(down && cuts);
    struct world w = {0, 0, down, netdown, cuts, 0, 0, NULL};
    const struct hop *t = router_table(r, G_NET, BIG - 1, CL_S, USA_, 0, &w, false);
    assert_non_null(t);
    /* a mesh is one hop to anyone: the triangle inequality and a 1 s overhead make the
     * direct hop the shortest */
    for (int v = 0; v < BIG - 1; v++) {
        assert_int_equal(t[2 * v].next, BIG - 1);
        assert_int_equal(t[2 * v].net, 0);
    }
    assert_int_equal(t[2 * (BIG - 1)].next, HOP_NONE);
    const struct hop *o = router_table(r, G_CMD, BIG_REL, CL_S, USA_, 0, &w, false);
    assert_non_null(o);
    assert_int_equal(o[0].next, BIG_REL);
    assert_int_equal(o[2].next, HOP_NONE); /* n1 has no command over n100 */
    size_t grew = heap_in_use() - before;

    /* requests both ways and orders down each relation; the mesh adds none */
    assert_int_equal(router_edges(r), 3 * BIG_REL);
    size_t bound = 256u * BIG + 256u * 1024;
    fprintf(stderr, "router: %zu bytes reported, %zu heap bytes, bound %zu\n", router_bytes(r),
            grew, bound);
    assert_true(router_bytes(r) <= bound);
    assert_true(grew <= bound);
    router_free(r);
    free(down);
    free(cuts);
    kz_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_mesh_routes),
        cmocka_unit_test(test_big_mesh_linear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
