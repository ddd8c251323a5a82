/* test_semantics.c - the engine and director rules of issue 11 as a planner depends on them:
 * standing authorities, machine relay, superseded work, concurrent approvals, profiles,
 * common random numbers, one deadline per salvo, critical paths that add up, and M/G/1. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "kizuna/sim.h"
#include "model/model_impl.h"
#include "support.h"

#define LINE KZ_SOURCE_DIR "/tests/data/sim/line.yaml"

/* The tests change a loaded structure in memory (its layout is model_impl.h): the engine's
 * rules are what is under test here, the loader's keys have their own tests. */
static struct kz_dist fixed(double s) { return (struct kz_dist){.kind = KZ_DIST_FIXED, .p = {s}}; }

static struct kz_dist expo(double mean)
{
    return (struct kz_dist){.kind = KZ_DIST_EXPONENTIAL, .p = {mean}};
}

static kz_sim_result *sim(const kz_model *m, const kz_scenario *s, long runs, bool steps)
{
    struct kz_sim_options o = {.runs = runs, .seed = 11, .has_seed = true, .threads = 2,
                               .keep_runs = true, .keep_steps = steps};
    kz_sim_result *r = NULL;
    char err[256] = "";
    int rc = kz_sim_run(m, s, &o, &r, err, sizeof err);
    if (rc)
        fprintf(stderr, "kz_sim_run: %s\n", err);
    assert_int_equal(rc, 0);
    return r;
}

static double run_time(const kz_sim_result *r, long run, size_t thread)
{
    struct kz_run_row row;
    assert_true(kz_sim_result_run(r, run, thread, &row));
    return row.time_s;
}

static const char DECIDE_AT_HQ[] = "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 2h\n"
                                   "threads:\n  - id: d\n    deadline: 1h\n    steps:\n"
                                   "      - {decide: order-x, by: hq, assets: USA}\n";

/* A standing authority: the holder asking itself gets the decision at once - no request
 * written, no decide work - where the same authority not in force takes report + decide. */
static void standing_takes_no_holder_time(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    kz_scenario *s = ts_scenario_text(DECIDE_AT_HQ);
    struct node *hq = &m->nodes[ts_node(m, "hq")];
    hq->proc[ACT_REPORT] = fixed(10);
    hq->proc[ACT_DECIDE] = fixed(60);
    kz_sim_result *r = sim(m, s, 3, false);
    assert_true(fabs(run_time(r, 0, 0) - 70.0) < 1e-6);
    kz_sim_result_free(r);
    m->authorities[0].standing = true;
    r = sim(m, s, 3, false);
    for (long i = 0; i < 3; i++)
        assert_true(run_time(r, i, 0) == 0.0);
    assert_true(kz_sim_result_node(r, (size_t)ts_node(m, "hq"))->jobs == 0);
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

static const char SHARE_A_C[] = "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 2h\n"
                                "threads:\n  - id: t\n    deadline: 1h\n    steps:\n"
                                "      - {share: track, from: a, to: [c]}\n";

/* An automatic relay adds exactly its gateway time: a -> b -> c over two automatic networks
 * takes the propagation plus 2 s, not b's 5 minutes of relaying by hand. */
static void automatic_relay_adds_gateway(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    kz_scenario *s = ts_scenario_text(SHARE_A_C);
    m->nodes[ts_node(m, "b")].proc[ACT_RELAY] = fixed(300);
    kz_sim_result *r = sim(m, s, 2, false);
    double by_hand = run_time(r, 0, 0);
    kz_sim_result_free(r);
    for (size_t k = 0; k < m->nnetworks; k++)
        if (!strcmp(m->networks[k].id, "net-ab") || !strcmp(m->networks[k].id, "net-bc")) {
            m->networks[k].automatic = true;
            m->networks[k].gateway = fixed(2);
        }
    r = sim(m, s, 2, false);
    double machine = run_time(r, 0, 0);
    assert_true(fabs(by_hand - machine - 298.0) < 3e-6);
    assert_true(kz_sim_result_node(r, (size_t)ts_node(m, "b"))->jobs == 0);
    kz_sim_result_free(r);
    /* only one automatic network: b's people relay it again */
    m->networks[0].automatic = false;
    r = sim(m, s, 2, false);
    assert_true(fabs(run_time(r, 0, 0) - by_hand) < 3e-6);
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

/* Routing sees the machine: of two ways from s to d, by h1's people in 10 s or over automatic
 * networks through h2 in 1 s, the track takes the second, though h2's people would take 60 s;
 * with the networks manual again it goes by h1. */
static void routing_sees_machine_relay(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(KZ_SOURCE_DIR "/tests/data/sim/relay.yaml");
    kz_scenario *s = ts_scenario_text("kizuna-scenario: 1\nname: t\nphase: peacetime\n"
                                      "horizon: 1h\nthreads:\n  - id: t\n    deadline: 1h\n"
                                      "    steps:\n      - {share: track, from: s, to: [d]}\n");
    kz_sim_result *r = sim(m, s, 1, false);
    double t = run_time(r, 0, 0);
    assert_true(t > 1.0 && t < 1.01);
    kz_sim_result_free(r);
    for (size_t k = 0; k < m->nnetworks; k++)
        m->networks[k].automatic = false;
    r = sim(m, s, 1, false);
    t = run_time(r, 0, 0);
    assert_true(t > 10.0 && t < 10.01);
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

static const char DECIDE_BY_X[] = "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 2h\n"
                                  "threads:\n  - id: d\n    deadline: 1h\n    deadline_at: it\n    steps:\n"
                                  "      - {id: it, decide: order-x, by: x, assets: USA}\n"
                                  "      - {delay: 1h}\n";

/* The delegate decides 60 s after the request reached the holder; the holder's ten-minute
 * decide is cancelled then, so its busy time is what it worked, and its utilisation drops. */
static void superseded_work_cancelled(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    kz_scenario *s = ts_scenario_text(DECIDE_BY_X);
    int hq = ts_node(m, "hq"), y = ts_node(m, "y");
    m->nodes[hq].proc[ACT_DECIDE] = fixed(600);
    m->nodes[y].proc[ACT_DECIDE] = fixed(5);
    struct authority *au = &m->authorities[0];
    au->delegate = y;
    au->delegate_after = fixed(60);
    kz_sim_result *r = sim(m, s, 2, true);
    double took = run_time(r, 0, 0);
    assert_true(took > 75.0 - 1e-3 && took < 75.1); /* x writes 10 s, 60 s timer, y 5 s, light */
    /* its critical path: x's report, the holder's timer, y's decide, and light between */
    size_t n;
    const struct kz_step_row *row = kz_sim_result_steps(r, &n);
    assert_int_equal(n, 2 * 2);
    assert_true(fabs(row[0].cause_s[KZ_CAUSE_DELEGATION] - 60.0) < 1e-6);
    assert_true(fabs(row[0].cause_s[KZ_CAUSE_PROCESSING] - 15.0) < 1e-6);
    assert_true(row[0].cause_s[KZ_CAUSE_PROPAGATION] > 0 && row[0].cause_s[KZ_CAUSE_PROPAGATION] < 0.01);
    assert_int_equal(row[0].node, hq); /* the 60 s wait for the timer is at the holder */
    assert_int_equal(row[0].cause, KZ_CAUSE_DELEGATION);
    const struct kz_node_stats *h = kz_sim_result_node(r, (size_t)hq);
    /* 3,600 s + the decide step of simulated time, 1 cell: hq worked from the request's
     * arrival (10 s) until y decided (75 s) - 65 s, not its 600 */
    double busy = h->utilisation * (3600.0 + took);
    assert_true(fabs(busy - 65.0) < 0.1);
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

/* approve: concurrent asks every approver at once: the decision waits for the slowest
 * answer, not for the sum of them. */
static void concurrent_approvals(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    kz_scenario *s = ts_scenario_text(DECIDE_AT_HQ);
    int c = ts_node(m, "c"), y = ts_node(m, "y");
    m->nodes[c].proc[ACT_APPROVE] = fixed(100);
    m->nodes[y].proc[ACT_APPROVE] = fixed(40);
    static struct ref two[2];
    two[0] = (struct ref){c, {0, 0}};
    two[1] = (struct ref){y, {0, 0}};
    m->authorities[0].approvals = (struct refs){two, 2};
    kz_sim_result *r = sim(m, s, 1, false);
    double in_order = run_time(r, 0, 0);
    kz_sim_result_free(r);
    m->authorities[0].concurrent = true;
    r = sim(m, s, 1, false);
    double at_once = run_time(r, 0, 0);
    kz_sim_result_free(r);
    /* c answers in 100 s, y in 40 s, plus light to Washington and back */
    assert_true(in_order > 140.0 && in_order < 140.2);
    assert_true(at_once > 100.0 && at_once < 100.2);
    kz_scenario_free(s);
    kz_model_free(m);
}

/* The most specific profile wins: decision and precedence, then decision, then precedence,
 * then the node's own processing. */
static void profiles_most_specific(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    int hq = ts_node(m, "hq"), ox = ts_decision(m, "order-x");
    struct node *n = &m->nodes[hq];
    n->proc[ACT_DECIDE] = fixed(100);
    static struct profile pr[3];
    pr[0] = (struct profile){.decision = -1, .prec = KZ_PREC_FLASH, .has = 1u << ACT_DECIDE};
    pr[0].proc[ACT_DECIDE] = fixed(10);
    pr[1] = (struct profile){.decision = ox, .prec = -1, .has = 1u << ACT_DECIDE};
    pr[1].proc[ACT_DECIDE] = fixed(20);
    pr[2] = (struct profile){.decision = ox, .prec = KZ_PREC_FLASH, .has = 1u << ACT_DECIDE};
    pr[2].proc[ACT_DECIDE] = fixed(5);
    n->profiles = pr;
    n->nprofiles = 3;
    static const char *const prec[] = {"flash", "immediate"};
    const double want[] = {5, 20};
    for (int i = 0; i < 2; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s    precedence: %s\n", DECIDE_AT_HQ, prec[i]);
        /* the precedence key goes on the thread, before `steps` */
        char *st = strstr(text, "    steps:");
        snprintf(text, sizeof text,
                 "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 2h\nthreads:\n"
                 "  - id: d\n    deadline: 1h\n    precedence: %s\n    steps:\n"
                 "      - {decide: order-x, by: hq, assets: USA}\n",
                 prec[i]);
        (void)st;
        kz_scenario *s = ts_scenario_text(text);
        kz_sim_result *r = sim(m, s, 1, false);
        assert_true(fabs(run_time(r, 0, 0) - want[i]) < 1e-6);
        kz_sim_result_free(r);
        kz_scenario_free(s);
    }
    n->nprofiles = 0;
    n->profiles = NULL;
    kz_model_free(m);
}

static const char TWO_THREADS[] = "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 4h\n"
                                  "start: any\nthreads:\n"
                                  "  - id: mine\n    deadline: 1h\n    steps:\n"
                                  "      - {report: r, from: x, to: [y]}\n"
                                  "  - id: other\n    deadline: 1h\n    steps:\n"
                                  "      - {report: r, from: srv, to: [y]}\n";

/* Common random numbers: two structures that differ only in srv's reporting give thread
 * `mine` (x's report, random) the same time in every replication; with one stream for all,
 * srv's extra draws would shift x's. */
static void common_random_numbers(void **state)
{
    (void)state;
    kz_model *a = ts_model_file(LINE), *b = ts_model_file(LINE);
    kz_scenario *s = ts_scenario_text(TWO_THREADS);
    a->nodes[ts_node(a, "x")].proc[ACT_REPORT] = expo(60);
    b->nodes[ts_node(b, "x")].proc[ACT_REPORT] = expo(60);
    b->nodes[ts_node(b, "srv")].proc[ACT_REPORT] = expo(30);
    kz_sim_result *ra = sim(a, s, 200, false), *rb = sim(b, s, 200, false);
    int differ = 0;
    for (long i = 0; i < 200; i++) {
        assert_true(run_time(ra, i, 0) == run_time(rb, i, 0));
        differ += run_time(ra, i, 1) != run_time(rb, i, 1);
    }
    assert_true(differ > 190); /* and the thread that does differ, differs */
    kz_sim_result_free(ra);
    kz_sim_result_free(rb);
    kz_scenario_free(s);
    kz_model_free(a);
    kz_model_free(b);
}

/* A salvo faces one engagement window: three copies of a 5-minute thread against a deadline
 * uniform on 0-10 min meet it half the time; drawn per copy, an eighth of the time. */
static void one_deadline_per_salvo(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    static const char *const per[] = {"", "    deadline_per: copy\n"};
    const double want[] = {0.5, 0.125};
    for (int i = 0; i < 2; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 1h\nthreads:\n"
                 "  - id: salvo\n    copies: 3\n    spacing: 0s\n"
                 "    deadline: {dist: uniform, min: 0s, max: 10m}\n%s    steps:\n"
                 "      - {delay: 5m}\n",
                 per[i]);
        kz_scenario *s = ts_scenario_text(text);
        kz_sim_result *r = sim(m, s, 4000, false);
        double met = kz_sim_result_thread(r, 0)->deadline_met;
        assert_true(fabs(met - want[i]) < 0.03);
        kz_sim_result_free(r);
        kz_scenario_free(s);
    }
    kz_model_free(m);
}

/* deadline_per takes salvo or copy; anything else is an error at its place, and the shipped
 * seed file with `copy` loads. */
static void deadline_per_checked(void **state)
{
    (void)state;
    static const char bad[] = "kizuna-scenario: 1\nname: t\nphase: peacetime\nthreads:\n"
                              "  - id: s\n    deadline: 1m\n    deadline_per: missile\n"
                              "    steps:\n      - {delay: 1m}\n";
    kz_diags *d;
    assert_int_equal(kz_diags_create(&d), 0);
    kz_scenario *s = NULL;
    assert_int_not_equal(kz_scenario_load_mem("bad.yaml", bad, sizeof bad - 1, &s, d), 0);
    assert_null(s);
    assert_true(kz_diags_count(d) >= 1);
    const struct kz_diag *g = kz_diags_get(d, 0);
    assert_int_equal(g->line, 7);
    assert_int_equal(g->col, 19);
    assert_non_null(strstr(g->msg, "deadline_per"));
    kz_diags_destroy(d);
    s = ts_scenario_file(KZ_SOURCE_DIR "/tests/data/sim/salvo.yaml");
    kz_scenario_free(s);
}

/* Every step row's causes add up to its duration, and a thread's mean critical path by cause
 * adds up to its mean time; the delay is external, the relays are processing. */
static void critical_paths_add_up(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    m->nodes[ts_node(m, "b")].proc[ACT_RELAY] = expo(30);
    m->nodes[ts_node(m, "a")].proc[ACT_RELAY] = expo(10);
    kz_scenario *s = ts_scenario_text(
        "kizuna-scenario: 1\nname: t\nphase: peacetime\nhorizon: 4h\nthreads:\n"
        "  - id: t\n    copies: 2\n    spacing: 5s\n    deadline: 1h\n    steps:\n"
        "      - {delay: {dist: uniform, min: 10s, max: 20s}}\n"
        "      - {share: track, from: a, to: [c]}\n");
    kz_sim_result *r = sim(m, s, 300, true);
    size_t n;
    const struct kz_step_row *rows = kz_sim_result_steps(r, &n);
    assert_int_equal(n, 300 * 2 * 2);
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        for (int c = 0; c < KZ_CAUSE_COUNT; c++)
            sum += rows[i].cause_s[c];
        assert_true(rows[i].end_s >= rows[i].start_s);
        assert_true(fabs(sum - (rows[i].end_s - rows[i].start_s)) < 1e-5);
        if (rows[i].step == 0)
            assert_true(rows[i].cause_s[KZ_CAUSE_EXTERNAL] >= 10.0);
    }
    const struct kz_thread_stats *t = kz_sim_result_thread(r, 0);
    double sum = 0;
    for (int c = 0; c < KZ_CAUSE_COUNT; c++)
        sum += t->cause_s[c];
    assert_true(fabs(sum - t->mean_s) < 1e-5);
    assert_string_equal(t->cp_node_id, "b"); /* b's 30 s mean relay is the largest */
    assert_string_equal(t->cp_cause, "processing");
    assert_int_equal(kz_sim_result_nsteps(r, 0), 2);
    assert_string_equal(kz_sim_result_step(r, 0, 1)->kind, "share");
    kz_sim_result_free(r);
    kz_scenario_free(s);
    kz_model_free(m);
}

/* M/G/1 with lognormal service (median 40 s, p90 80 s) at 45 jobs/h: the mean wait in queue
 * matches Pollaczek-Khinchine, lambda E[S^2] / (2 (1 - rho)), within the 99 % interval of 30
 * independent 200-hour replications. */
static void mg1_pollaczek_khinchine(void **state)
{
    (void)state;
    kz_model *m = ts_model_file(LINE);
    int srv = ts_node(m, "srv");
    m->nodes[srv].cells = 1;
    double sigma = log(2.0) / KZ_Z90, mu = log(40.0);
    m->nodes[srv].proc[ACT_REVIEW] =
        (struct kz_dist){.kind = KZ_DIST_LOGNORMAL, .p = {40, 80}, .mu = mu, .sigma = sigma};
    kz_scenario *s = ts_scenario_text(
        "kizuna-scenario: 1\nname: mg1\nphase: peacetime\nhorizon: 200h\nruns: 1\n"
        "background:\n  - {node: srv, action: review, rate: 45/h}\n"
        "threads:\n  - id: clock\n    deadline: 300h\n    steps:\n      - {delay: 200h}\n");
    const int n = 30;
    double sum = 0, sumsq = 0;
    for (int i = 0; i < n; i++) {
        struct kz_sim_options o = {.runs = 1, .seed = (uint64_t)(500 + i), .has_seed = true,
                                   .threads = 1};
        kz_sim_result *r = NULL;
        char err[128];
        assert_int_equal(kz_sim_run(m, s, &o, &r, err, sizeof err), 0);
        double w = kz_sim_result_node(r, (size_t)srv)->mean_wait_s;
        sum += w;
        sumsq += w * w;
        kz_sim_result_free(r);
    }
    double lambda = 45.0 / 3600.0, es = exp(mu + sigma * sigma / 2),
           es2 = exp(2 * mu + 2 * sigma * sigma), rho = lambda * es;
    double wq = lambda * es2 / (2 * (1 - rho));
    double mean = sum / n, sd = sqrt((sumsq - n * mean * mean) / (n - 1));
    double half = 2.756 * sd / sqrt(n);
    fprintf(stderr, "M/G/1 Wq: simulated %.2f s +- %.2f (99%%), P-K %.2f s (rho %.3f)\n", mean,
            half, wq, rho);
    assert_true(rho > 0.5 && rho < 0.7);
    assert_true(fabs(mean - wq) <= half);
    assert_true(half < 0.15 * wq);
    kz_scenario_free(s);
    kz_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standing_takes_no_holder_time),
        cmocka_unit_test(automatic_relay_adds_gateway),
        cmocka_unit_test(routing_sees_machine_relay),
        cmocka_unit_test(superseded_work_cancelled),
        cmocka_unit_test(concurrent_approvals),
        cmocka_unit_test(profiles_most_specific),
        cmocka_unit_test(common_random_numbers),
        cmocka_unit_test(one_deadline_per_salvo),
        cmocka_unit_test(deadline_per_checked),
        cmocka_unit_test(critical_paths_add_up),
        cmocka_unit_test(mg1_pollaczek_khinchine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
