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

#include "kizuna/catalogue.h"
#include "kizuna/data.h"
#include "kizuna/kizuna.h"
#include "kizuna/ports.h"
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

/* ---- issue 11: profiles, standing, approve, relay/gateway, pert, variants ---------------- */

#define ISSUE11 KZ_SOURCE_DIR "/tests/data/check/K000-issue11.yaml"

/* Loads `path` (which may end in "@VARIANT") and checks it: no diagnostic at all. */
static kz_model *load_clean(const char *path)
{
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    int rc = kz_model_load_file(path, &m, d);
    if (rc == KZ_OK)
        rc = kz_model_check(m, d);
    for (size_t i = 0; i < kz_diags_count(d); i++)
        fprintf(stderr, "%s:%d:%d: [K%03d] %s\n", path, kz_diags_get(d, i)->line,
                kz_diags_get(d, i)->col, kz_diags_get(d, i)->code, kz_diags_get(d, i)->msg);
    assert_int_equal(rc, KZ_OK);
    assert_int_equal(kz_diags_count(d), 0);
    kz_diags_destroy(d);
    return m;
}

static int decision_idx(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->ndecisions; i++)
        if (!strcmp(m->decisions[i].id, id))
            return (int)i;
    fail_msg("no decision %s", id);
    return -1;
}

static const struct network *network(const kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->nnetworks; i++)
        if (!strcmp(m->networks[i].id, id))
            return &m->networks[i];
    fail_msg("no network %s", id);
    return NULL;
}

/* Every new field lands in the C layout (no variant selected). */
static void issue11_values(void **state)
{
    (void)state;
    kz_model *m = load_clean(ISSUE11);
    assert_string_equal(kz_model_name(m), "t11");
    assert_int_equal(m->variant, -1);
    assert_int_equal(m->nvariants, 2);
    assert_string_equal(m->variants[0].id, "bmd-jjoc");
    assert_string_equal(m->variants[0].title, "JJOC holds the destruction order");
    assert_true(m->variants[0].meta.assumption);
    assert_string_equal(m->variants[1].title, "bmd-adc");
    int bmd = decision_idx(m, "bmd-destruction-order"), mso = decision_idx(m, "maritime-security-operation");

    const struct node *adc = node(m, "adc");
    assert_int_equal(adc->proc[ACT_DECIDE].kind, KZ_DIST_PERT);
    assert_true(adc->proc[ACT_DECIDE].p[0] == 10 && adc->proc[ACT_DECIDE].p[1] == 30 &&
                adc->proc[ACT_DECIDE].p[2] == 120);
    assert_true(fabs(kz_dist_mean(&adc->proc[ACT_DECIDE]) - 250.0 / 6) < 1e-9);
    /* only_in: [bmd-adc] is absent without a selection; except_in: [bmd-adc] is present */
    assert_int_equal(adc->nprofiles, 3);
    const struct profile *p = &adc->profiles[0];
    assert_int_equal(p->decision, bmd);
    assert_int_equal(p->prec, KZ_PREC_FLASH);
    assert_int_equal(p->has, 1u << ACT_ORDER);
    assert_int_equal(p->proc[ACT_ORDER].kind, KZ_DIST_LOGNORMAL);
    assert_true(p->proc[ACT_ORDER].p[0] == 20 && p->proc[ACT_ORDER].max == 180);
    assert_true(p->meta.assumption);
    assert_string_equal(p->meta.range, "order 10s-2m");
    assert_int_equal(p->meta.pos.line, 32);
    p = &adc->profiles[1];
    assert_int_equal(p->decision, -1);
    assert_int_equal(p->prec, KZ_PREC_FLASH);
    assert_int_equal(p->has, 1u << ACT_RELAY);
    assert_true(p->proc[ACT_RELAY].kind == KZ_DIST_FIXED && p->proc[ACT_RELAY].p[0] == 5);
    assert_int_equal(p->proc[ACT_DECIDE].kind, KZ_DIST_NONE);
    p = &adc->profiles[2];
    assert_int_equal(p->decision, mso);
    assert_int_equal(p->prec, -1);
    assert_true(p->proc[ACT_DECIDE].p[0] == 1200);
    assert_int_equal(node(m, "jjoc")->nprofiles, 0);
    assert_null(node(m, "jjoc")->profiles);

    /* the jjoc-held destruction order is only_in: [bmd-jjoc]: absent */
    assert_int_equal(m->nauthorities, 2);
    const struct authority *a = &m->authorities[0];
    assert_string_equal(m->nodes[a->holder].id, "adc");
    assert_true(a->standing);
    assert_false(a->concurrent);
    assert_string_equal(a->instrument, "Destruction order, SDF Law art. 82-3");
    assert_string_equal(a->standing_meta.source,
                        "http://uk.reuters.com/article/northkorea-missile-japan-idUKL4N1AP3LH");
    assert_int_equal(a->standing_meta.pos.line, 53);
    assert_int_equal(a->executors.n, 2);
    a = &m->authorities[1];
    assert_int_equal(a->decision, mso);
    assert_false(a->standing);
    assert_null(a->instrument);
    assert_true(a->concurrent);
    assert_int_equal(a->approvals.n, 2);

    assert_int_equal(m->nrelations, 7);
    assert_int_equal(m->nnetworks, 3);
    const struct network *nw = network(m, "jadge");
    assert_true(nw->automatic);
    assert_int_equal(nw->gateway.kind, KZ_DIST_LOGNORMAL);
    assert_true(nw->gateway.p[0] == 1 && nw->gateway.p[1] == 3 && nw->gateway.max == 10);
    nw = network(m, "phone");
    assert_false(nw->automatic);
    assert_int_equal(nw->gateway.kind, KZ_DIST_NONE);
    assert_true(kz_dist_mean(&nw->gateway) == 0);
    nw = network(m, "link"); /* the except_in one */
    assert_int_equal(nw->ceiling, CL_C);
    assert_false(nw->automatic);
    kz_model_free(m);
}

/* FILE@VARIANT: what each variant keeps and leaves out, and its name. */
static void issue11_variants(void **state)
{
    (void)state;
    kz_model *m = load_clean(ISSUE11 "@bmd-jjoc");
    assert_string_equal(kz_model_name(m), "t11@bmd-jjoc");
    assert_int_equal(m->variant, 0);
    assert_string_equal(m->file, ISSUE11);
    assert_int_equal(m->nauthorities, 2);
    assert_string_equal(m->nodes[m->authorities[0].holder].id, "jjoc");
    assert_false(m->authorities[0].standing);
    assert_int_equal(m->nrelations, 7);
    const struct network *nw = network(m, "link"); /* the only_in one, automatic, no gateway */
    assert_int_equal(nw->ceiling, CL_S);
    assert_true(nw->automatic);
    assert_int_equal(nw->gateway.kind, KZ_DIST_NONE);
    assert_int_equal(node(m, "adc")->nprofiles, 3);
    kz_model_free(m);

    m = load_clean(ISSUE11 "@bmd-adc");
    assert_string_equal(kz_model_name(m), "t11@bmd-adc");
    const struct node *adc = node(m, "adc");
    assert_int_equal(adc->nprofiles, 3);
    assert_int_equal(adc->profiles[2].has, (1u << ACT_DECIDE) | (1u << ACT_REVIEW));
    assert_true(adc->profiles[2].proc[ACT_DECIDE].p[0] == 600);
    assert_true(m->authorities[0].standing);
    assert_int_equal(network(m, "link")->ceiling, CL_C);
    kz_model_free(m);
}

/* A selected variant the file does not declare: K036, listing the declared ones. */
static void issue11_unknown_variant(void **state)
{
    (void)state;
    kz_diags *d;
    kz_model *m = NULL;
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_file(ISSUE11 "@bmd-jcoc", &m, d), KZ_ECHECK);
    assert_null(m);
    assert_int_equal(kz_diags_count(d), 1);
    const struct kz_diag *g = kz_diags_get(d, 0);
    assert_int_equal(g->code, 36);
    assert_int_equal(g->line, 7); /* the variants list */
    assert_int_equal(g->col, 3);
    assert_string_equal(g->file, ISSUE11);
    assert_non_null(strstr(g->msg, "did you mean 'bmd-jjoc'"));
    assert_non_null(strstr(g->msg, "bmd-jjoc, bmd-adc"));
    kz_diags_destroy(d);

    /* a file with no variants: at the whole file */
    assert_int_equal(kz_diags_create(&d), KZ_OK);
    assert_int_equal(kz_model_load_file(EXAMPLE "@x", &m, d), KZ_ECHECK);
    g = kz_diags_get(d, 0);
    assert_int_equal(g->code, 36);
    assert_int_equal(g->line, 0);
    assert_non_null(strstr(g->msg, "declares no variants"));
    kz_diags_destroy(d);

    /* a file whose name has an '@' is that file, not a variant of another */
    char dir[] = "/tmp/kz-at-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], cmd[600];
    snprintf(path, sizeof path, "%s/ex@v.yaml", dir);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", EXAMPLE, path);
    assert_int_equal(system(cmd), 0);
    m = load_clean(path);
    assert_string_equal(kz_model_name(m), "example");
    kz_model_free(m);
    unlink(path);
    rmdir(dir);
}

/* A shipped structure's variant by name: kz_data_path finds "structures/NAME@VARIANT.yaml" as
 * the file with the variant after it, and an ORDER line "NAME@VARIANT" puts the variant in the
 * catalogue. */
static void issue11_data_and_catalogue(void **state)
{
    (void)state;
    char dir[] = "/tmp/kz-data-XXXXXX", cmd[1200], buf[4096], err[512];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "mkdir -p %s/structures %s/scenarios && cp '%s' %s/structures/t11.yaml && "
             "cp '%s' %s/structures/other.yaml && touch %s/scenarios/s.yaml && "
             "printf '# order\\nother\\nt11@bmd-jjoc\\nt11\\nnope@x\\n' > %s/structures/ORDER",
             dir, dir, ISSUE11, dir, EXAMPLE, dir, dir, dir);
    assert_int_equal(system(cmd), 0);
    setenv(KZ_DATA_ENV, dir, 1);
    char want[600];
    snprintf(want, sizeof want, "%s/structures/t11.yaml@bmd-jjoc", dir);
    assert_int_equal(kz_data_path("structures/t11@bmd-jjoc.yaml", buf, sizeof buf, err, sizeof err), 0);
    assert_string_equal(buf, want);
    kz_model *m = load_clean(buf);
    assert_string_equal(kz_model_name(m), "t11@bmd-jjoc");
    assert_string_equal(kz_model_variant(m), "bmd-jjoc");
    assert_int_equal(kz_model_nvariants(m), 2);
    assert_string_equal(kz_model_variant_id(m, 1), "bmd-adc");
    assert_null(kz_model_variant_id(m, 2));
    kz_model_free(m);
    assert_int_equal(kz_data_path("structures/t11.yaml@bmd-adc", buf, sizeof buf, err, sizeof err), 0);
    snprintf(want, sizeof want, "%s/structures/t11.yaml@bmd-adc", dir);
    assert_string_equal(buf, want);
    assert_int_equal(kz_data_path("structures/nope@x.yaml", buf, sizeof buf, err, sizeof err),
                     KZ_ENOTFOUND);
    assert_int_equal(kz_data_path("structures/t11.yaml", buf, sizeof buf, err, sizeof err), 0);
    m = load_clean(buf);
    assert_null(kz_model_variant(m));
    kz_model_free(m);

    struct kz_catalogue c;
    assert_int_equal(kz_catalogue_load(dir, &c, err, sizeof err), 0);
    assert_int_equal(c.nstructures, 3);
    const char *order[] = {"/structures/other.yaml", "/structures/t11.yaml@bmd-jjoc",
                           "/structures/t11.yaml"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(c.structures[i]), k = strlen(order[i]);
        assert_true(n > k);
        assert_string_equal(c.structures[i] + n - k, order[i]);
    }
    kz_catalogue_free(&c);
    unsetenv(KZ_DATA_ENV);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
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
        cmocka_unit_test(issue11_values),
        cmocka_unit_test(issue11_variants),
        cmocka_unit_test(issue11_unknown_variant),
        cmocka_unit_test(issue11_data_and_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
