/* test_command.c - the one encoder of node commands against the one parser: what is encoded parses back the same. */
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
#include "support.h"

#define LINE KZ_SOURCE_DIR "/tests/data/sim/line.yaml"

static void parse(const kz_model *m, const char *text, struct command *c)
{
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    int rc = cmd_parse(m, "cmd", text, strlen(text), c, d);
    for (size_t i = 0; i < kz_diags_count(d); i++)
        kz_diag_print(kz_diags_get(d, i), stderr);
    kz_diags_destroy(d);
    assert_int_equal(rc, 0);
}

static void same(const struct command *a, const struct command *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->msg, b->msg);
    assert_int_equal(a->nto, b->nto);
    assert_memory_equal(a->to, b->to, (size_t)a->nto * sizeof *a->to);
    assert_int_equal(a->decision, b->decision);
    assert_int_equal(a->assets, b->assets);
    assert_int_equal(a->phase, b->phase);
    assert_int_equal(a->action, b->action);
    assert_int_equal(a->attr.thread, b->attr.thread);
    assert_int_equal(a->attr.prec, b->attr.prec);
    assert_int_equal(a->attr.cls, b->attr.cls);
    assert_int_equal(a->attr.releasable, b->attr.releasable);
    assert_int_equal(a->attr.disclosable, b->attr.disclosable);
    assert_string_equal(a->body.track_id, b->body.track_id);
    assert_string_equal(a->body.text, b->body.text);
    assert_true(a->body.lat == b->body.lat && a->body.lon == b->body.lon &&
                a->body.alt_m == b->body.alt_m);
    assert_int_equal(a->tag, b->tag);
    assert_int_equal(a->aux, b->aux);
    assert_int_equal(a->outage_id, b->outage_id);
    assert_int_equal(a->okind, b->okind);
    assert_int_equal(a->nids, b->nids);
    assert_memory_equal(a->ids, b->ids, (size_t)a->nids * sizeof *a->ids);
    assert_int_equal(a->down, b->down);
    assert_int_equal(a->key, b->key);
    assert_int_equal(a->approve, b->approve);
    assert_int_equal(a->repeat, b->repeat);
    assert_true(a->rate == b->rate);
    assert_int_equal(a->update, b->update);
}

static void round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{cmd: share, kind: track, to: [x, y], track: T1, lat: 35.5, lon: 139.25, alt: 1200.125,"
        " precedence: flash, classification: C, releasable: [USA], disclosable: [JPN]}",
        "{cmd: share, kind: alert, to: [hq], text: 'launch: \"two\" tracks', tag: 4, aux: 2,"
        " thread: 1}",
        "{cmd: share, kind: track, to: [x], track: S, repeat: 100, rate: 12.5, update: true}",
        "{cmd: share, kind: report, to: [c], text: r}",
        "{cmd: request, decision: strike, assets: USA, precedence: priority}",
        "{cmd: order, decision: order-x, to: [shooter], classification: TS}",
        "{cmd: phase, phase: armed-attack}",
        "{cmd: outage, id: 5, kind: network, ids: [local, net-ab], down: false}",
        "{cmd: outage, id: 63, kind: link, ids: [a, b]}",
        "{cmd: decide, key: 1234567, answer: approve}",
        "{cmd: decide, key: 17, answer: deny, text: not now}",
        "{cmd: stop}",
        "{cmd: load, action: review, precedence: routine}",
    };
    kz_model *m = ts_model_file(LINE);
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        struct command a, b;
        parse(m, texts[i], &a);
        char *j1 = NULL, *j2 = NULL, err[128];
        assert_int_equal(cmd_encode(m, &a, &j1, err, sizeof err), 0);
        parse(m, j1, &b);
        same(&a, &b);
        assert_int_equal(cmd_encode(m, &b, &j2, err, sizeof err), 0);
        assert_string_equal(j1, j2);
        free(j1);
        free(j2);
    }
    kz_model_free(m);
}

static void bad_kind_refused(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    struct command c = {.kind = (enum cmd_kind)99};
    char *j = NULL, err[128] = "";
    assert_int_equal(cmd_encode(m, &c, &j, err, sizeof err), KZ_EINVAL);
    assert_null(j);
    assert_non_null(strstr(err, "99"));
    kz_model_free(m);
}

/* Every index the encoder reads is checked: a command built by hand with one missing (-1) or
 * beyond the structure is refused with what is wrong, never read out of bounds. */
static void indices_checked(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    struct command ok;
    parse(m, "{cmd: request, decision: strike}", &ok);
    struct command bad[6];
    for (int i = 0; i < 6; i++)
        bad[i] = ok;
    bad[0].decision = -1;
    bad[1].decision = (int)m->ndecisions;
    bad[2].kind = C_PHASE, bad[2].phase = -1;
    bad[3].kind = C_ORDER, bad[3].nto = 1, bad[3].to[0] = (int)m->nnodes;
    bad[4].kind = C_SHARE, bad[4].nto = CMD_MAX_IDS + 1;
    bad[5].attr.cls = CL_COUNT;
    static const char *const what[] = {"decision", "decision", "phase", "executors",
                                       "recipients", "classification"};
    for (int i = 0; i < 6; i++) {
        char *j = NULL, err[160] = "";
        assert_int_equal(cmd_encode(m, &bad[i], &j, err, sizeof err), KZ_EINVAL);
        assert_null(j);
        assert_non_null(strstr(err, what[i]));
    }
    kz_model_free(m);
}

/* kz_live_command_text (kizuna send's flags) carries a track's --category and --affiliation into
 * the command, and refuses them on another kind or with an unknown name. */
static void send_flags_category(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    const char *to = m->nodes[1].id;
    struct kz_command_args a = {.kind = "track", .to = to, .track = "T1", .lat = 35, .lon = 139,
                                .category = "missile", .affiliation = "hostile"};
    char *text = NULL, err[256] = "";
    assert_int_equal(kz_live_command_text(m, &a, &text, err, sizeof err), 0);
    struct command c;
    parse(m, text, &c);
    assert_string_equal(kz_live_categories[c.category], "missile");
    assert_string_equal(kz_live_affiliations[c.affil], "hostile");
    free(text);
    a.affiliation = NULL; /* one alone: the other stays unknown */
    assert_int_equal(kz_live_command_text(m, &a, &text, err, sizeof err), 0);
    parse(m, text, &c);
    assert_string_equal(kz_live_categories[c.category], "missile");
    assert_int_equal(c.affil, 0);
    free(text);
    a.kind = "alert";
    text = NULL;
    assert_int_equal(kz_live_command_text(m, &a, &text, err, sizeof err), KZ_EINVAL);
    assert_null(text);
    assert_non_null(strstr(err, "are for a track"));
    a.kind = "track";
    a.category = "submarine";
    assert_int_equal(kz_live_command_text(m, &a, &text, err, sizeof err), KZ_EINVAL);
    assert_non_null(strstr(err, "'submarine'"));
    kz_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(bad_kind_refused),
        cmocka_unit_test(indices_checked),
        cmocka_unit_test(send_flags_category),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
