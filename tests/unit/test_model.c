/* test_model.c - loading the worked example into the model, file errors, show and draw. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kizuna/kizuna.h"
#include "model/model_impl.h"

#define EXAMPLE KZ_SOURCE_DIR "/tests/data/example.yaml"

static kz_model *load_example(void)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_file(EXAMPLE, &m, d), KZ_OK);
    assert_int_equal(kz_model_check(m, d), KZ_OK);
    assert_int_equal(kz_diags_count(d), 0);
    kz_diags_destroy(d);
    return m;
}

static const struct node *node(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnodes; i++)
        if (!strcmp(m->nodes[i].id, id))
            return &m->nodes[i];
    fail_msg("no node %s", id);
    return NULL;
}

static void example_values(void **state)
{
    (void)state;
    kz_model *m = load_example();
    struct kz_model_counts c;
    kz_model_counts(m, &c);
    assert_int_equal(c.nations, 2);
    assert_int_equal(c.phases, 3);
    assert_int_equal(c.nodes, 6);
    assert_int_equal(c.relations, 5);
    assert_int_equal(c.authorities, 1);
    assert_int_equal(c.networks, 1);
    assert_string_equal(kz_model_name(m), "example");
    assert_int_equal(kz_model_phase_find(m, "gray-zone"), 1);
    assert_int_equal(kz_model_phase_find(m, "wartime"), -1);

    const struct node *jjoc = node(m, "jjoc");
    assert_int_equal(jjoc->cells, 4);
    assert_int_equal(jjoc->utc_offset_min, 540);
    assert_true(jjoc->always);
    assert_true(jjoc->caps & CAP_FOREIGN_DISCLOSURE);
    /* Defaults apply where a node says nothing: the PM keeps office hours Monday to Friday. */
    const struct node *pm = node(m, "pm");
    assert_false(pm->always);
    assert_int_equal(pm->day_start_min, 8 * 60);
    assert_int_equal(pm->day_end_min, 18 * 60);
    assert_int_equal(pm->days, 0x1f);
    assert_int_equal(pm->recall.kind, KZ_DIST_TRIANGULAR);
    assert_true(pm->recall.p[1] == 1800);
    assert_int_equal(pm->proc[ACT_DECIDE].kind, KZ_DIST_LOGNORMAL);
    assert_true(fabs(pm->proc[ACT_DECIDE].mu - log(900)) < 1e-12);
    assert_true(fabs(pm->proc[ACT_DECIDE].sigma - log(4) / KZ_Z90) < 1e-12);
    /* ... and a node's own value wins over the default. */
    const struct node *usfj = node(m, "usfj");
    assert_int_equal(usfj->proc[ACT_RELAY].kind, KZ_DIST_FIXED);
    assert_true(usfj->proc[ACT_RELAY].p[0] == 30);
    assert_int_equal(node(m, "potus")->utc_offset_min, -300);
    assert_true(fabs(node(m, "defmin")->lat - 35.693) < 1e-12);

    const struct authority *a = &m->authorities[0];
    assert_string_equal(m->nodes[a->holder].id, "defmin");
    assert_int_equal(a->approvals.n, 1);
    assert_string_equal(m->nodes[a->approvals.v[0].idx].id, "pm");
    assert_string_equal(m->nodes[a->delegate].id, "jjoc");
    assert_true(a->delegate_after.p[0] == 1800);
    assert_int_equal(a->phases, (1u << 1) | (1u << 2));
    const struct network *nw = &m->networks[0];
    assert_int_equal(nw->ceiling, CL_S);
    assert_true(nw->path_factor == 1.5);
    assert_int_equal(nw->members.n, 2);
    kz_model_free(m);
}

static void great_circle(void **state)
{
    (void)state;
    /* domain-facts.md A3b: INDOPACOM (Camp Smith) - USFJ (Yokota) is 6,228 km. */
    double km = kz_geo_km(21.38583, -157.90639, 35.74861, 139.34861);
    assert_true(fabs(km - 6228) < 2);
    assert_true(kz_geo_km(10, 20, 10, 20) == 0);
}

static void file_errors(void **state)
{
    (void)state;
    kz_diags *d;
    kz_model *m = (kz_model *)1;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_file("/nonexistent/x.yaml", &m, d), KZ_EIO);
    assert_null(m);
    assert_int_equal(kz_model_load_file(KZ_SOURCE_DIR "/tests", &m, d), KZ_EIO);
    assert_int_equal(kz_diags_count(d), 2);
    assert_int_equal(kz_diags_get(d, 0)->code, 1);
    assert_non_null(strstr(kz_diags_get(d, 1)->msg, "directory"));
    kz_diags_destroy(d);

    /* Too large: refused before parsing. */
    size_t big = KZ_MODEL_MAX_BYTES + 10;
    char *buf = malloc(big);
    assert_non_null(buf);
    memset(buf, ' ', big);
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_mem("big.yaml", buf, big, &m, d), KZ_ELIMIT);
    assert_int_equal(kz_diags_get(d, 0)->code, 1);
    kz_diags_destroy(d);
    free(buf);
}

static void schema_errors_return_no_model(void **state)
{
    (void)state;
    const char *text = "kizuna: 1\nname: x\nnations: []\nphases: []\nnodes: 5\n";
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_mem("x.yaml", text, strlen(text), &m, d), KZ_ECHECK);
    assert_null(m);
    assert_int_equal(kz_diags_get(d, 0)->code, 4);
    assert_int_equal(kz_diags_get(d, 0)->line, 5);
    kz_diags_destroy(d);
}

/* kz_model_show of all phases, as a string the caller frees. */
static char *show_text(const kz_model *m)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(kz_model_show(m, -1, f), KZ_OK);
    fclose(f);
    return text;
}

static void show_prints_trees(void **state)
{
    (void)state;
    kz_model *m = load_example();
    char *text = show_text(m);
    /* The JPN chain nests four deep, in order. */
    const char *pm = strstr(text, "  pm  (Prime Minister");
    const char *dm = strstr(text, "      COCOM -> defmin");
    const char *jj = strstr(text, "          COCOM -> jjoc");
    const char *fl = strstr(text, "              OPCON -> jsdf-sdf");
    assert_non_null(pm);
    assert_true(pm < dm && dm < jj && jj < fl);
    assert_non_null(strstr(text, "usfj <-coordination-> jjoc"));
    assert_non_null(strstr(text, "delegates to jjoc after 30m"));
    assert_non_null(strstr(text, "maritime-security-operation: held by defmin for JPN assets "
                                 "[gray-zone, armed-attack]"));
    free(text);
    kz_model_free(m);
}

static void show_expands_under_operational_superior(void **state)
{
    (void)state;
    /* c7f is under pacflt (ADCON, listed first) and usfj (OPCON): it and its ship are
     * shown in full under usfj, and only referred to under pacflt. */
    const char *text =
        "kizuna: 1\nname: t\nnations: [{id: USA, source: s}]\nphases: [{id: p, source: s}]\n"
        "nodes:\n"
        "  - {id: potus, nation: USA, kind: national-command-authority, location: [0, 0], "
        "utc_offset: 0, source: s}\n"
        "  - {id: pacflt, nation: USA, kind: component, location: [0, 0], utc_offset: 0, source: "
        "s}\n"
        "  - {id: usfj, nation: USA, kind: joint-headquarters, location: [0, 0], utc_offset: 0, "
        "source: s}\n"
        "  - {id: c7f, nation: USA, kind: force, location: [0, 0], utc_offset: 0, source: s}\n"
        "  - {id: ship, nation: USA, kind: shooter, location: [0, 0], utc_offset: 0, source: s}\n"
        "relations:\n"
        "  - {type: COCOM, from: potus, to: pacflt, source: s}\n"
        "  - {type: COCOM, from: potus, to: usfj, source: s}\n"
        "  - {type: ADCON, from: pacflt, to: c7f, source: s}\n"
        "  - {type: OPCON, from: usfj, to: c7f, source: s}\n"
        "  - {type: OPCON, from: c7f, to: ship, source: s}\n";
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_mem("t.yaml", text, strlen(text), &m, d), KZ_OK);
    char *out = show_text(m);
    assert_non_null(strstr(out, "ADCON -> c7f  (c7f; force)  (see under usfj)"));
    const char *full = strstr(out, "OPCON -> c7f  (c7f; force)\n");
    assert_non_null(full);
    assert_non_null(strstr(full, "OPCON -> ship"));
    free(out);
    kz_model_free(m);
    kz_diags_destroy(d);
}

static void draw_svg_and_errors(void **state)
{
    (void)state;
    kz_model *m = load_example();
    char path[] = "/tmp/kz-draw-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[256];
    assert_int_equal(kz_model_draw(m, 1, path, "svg", err, sizeof err), KZ_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char svg[1 << 20];
    size_t n = fread(svg, 1, sizeof svg - 1, f);
    svg[n] = '\0';
    fclose(f);
    assert_non_null(strstr(svg, "<svg"));
    assert_non_null(strstr(svg, "cluster_USA"));
    assert_non_null(strstr(svg, "cluster_JPN"));
    assert_non_null(strstr(svg, "Bilateral secret network"));
    assert_non_null(strstr(svg, "Legend"));
    unlink(path);
    assert_int_equal(kz_model_draw(m, -1, path, "gif", err, sizeof err), KZ_EINVAL);
    assert_non_null(strstr(err, "gif"));
    assert_int_equal(kz_model_draw(m, -1, "/nonexistent/dir/x.svg", "svg", err, sizeof err),
                     KZ_EIO);
    kz_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_values),
        cmocka_unit_test(great_circle),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(schema_errors_return_no_model),
        cmocka_unit_test(show_prints_trees),
        cmocka_unit_test(show_expands_under_operational_superior),
        cmocka_unit_test(draw_svg_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
