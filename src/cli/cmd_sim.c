/* cmd_sim.c - `kizuna sim` and `kizuna trace`: a scenario run over structures; the table, the
 * JSON and the report that `kizuna compare` (cmd_compare.c) shares. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/paired.h"
#include "kizuna/report.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"
#include "cmd_sim.h"
#include "opt.h"

kz_scenario *cli_load_scenario(const char *path, int *code)
{
    kz_diags *d;
    kz_scenario *s = NULL;
    if (kz_diags_create(&d)) {
        *code = EXIT_RUNTIME;
        return NULL;
    }
    int rc = kz_scenario_load_file(path, &s, d);
    cli_print_diags(d, stderr, false);
    kz_diags_destroy(d);
    if (rc != KZ_OK) {
        *code = rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        return NULL;
    }
    return s;
}

/* Every id the scenario uses must be in the structure; prints the places that are not. */
bool cli_fits(const kz_scenario *s, const kz_model *m, int *code)
{
    kz_diags *d;
    if (kz_diags_create(&d)) {
        *code = EXIT_RUNTIME;
        return false;
    }
    int rc = kz_scenario_bind_check(s, m, d);
    cli_print_diags(d, stderr, false);
    kz_diags_destroy(d);
    if (rc) {
        *code = rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        return false;
    }
    return true;
}

/* ---- progress ----------------------------------------------------------------------- */

struct progress {
    struct timespec t0;
    const char *label;
    bool shown;
};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* A bar on stderr once a run has lasted a second, and only for a terminal. */
static void on_progress(void *ctx, long done, long total)
{
    struct progress *p = ctx;
    if (!isatty(STDERR_FILENO) || since(&p->t0) < 1.0)
        return;
    int width = 30, fill = total > 0 ? (int)((double)done / (double)total * width) : width;
    fprintf(stderr, "\r%-24.24s [%.*s%*s] %ld/%ld", p->label, fill,
            "##############################", width - fill, "", done, total);
    p->shown = true;
    if (done >= total)
        fputc('\n', stderr);
}

/* ---- the table ------------------------------------------------------------------------ */

/* A duration in the table: 12.3s, 4m05s, 2h10m; "-" for none, "n/c" for not completed. */
static void dur(double s, char *buf, size_t n)
{
    kz_fmt_dur(s, KZ_DUR_TABLE, buf, n);
}

/* A signed duration: "+1m20s", "-12.3s", "0.0s"; "-" for NaN. */
static void sdur(double s, char *buf, size_t n)
{
    if (fabs(s) < 0.05)
        s = 0; /* what would print as -0.0s */
    char b[16];
    kz_fmt_dur(fabs(s), KZ_DUR_TABLE, b, sizeof b);
    if (isnan(s))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%s%s", s > 0 ? "+" : s < 0 ? "-" : "", b);
}

/* The critical-path cell: "hq (legal, 30m00s/run)", "-" when the result has none. */
static void cp_cell(const struct kz_thread_stats *th, char *buf, size_t n)
{
    if (th->cp_node < 0 || !th->cp_node_id) {
        snprintf(buf, n, "-");
        return;
    }
    char cs[16];
    dur(th->cp_node_s, cs, sizeof cs);
    snprintf(buf, n, "%s (%s, %s/run)", th->cp_node_id, th->cp_cause ? th->cp_cause : "-", cs);
}

/* A group as the table shows it: its results, the baseline, the censoring cap. */
struct tgroup {
    const kz_scenario *s;
    kz_sim_result *const *res;
    size_t n, base;
    double cap;
};

/* How thread k ranks; nothing ranked (best -1) when it cannot be said. */
static struct kz_paired_rank rank_of(const struct tgroup *g, size_t k)
{
    struct kz_paired_rank rk = {-1, false};
    if (g->n < 2 || kz_paired_rank((const kz_sim_result *const *)g->res, g->n, k, g->cap, &rk))
        rk = (struct kz_paired_rank){-1, false};
    return rk;
}

static void table_rows(FILE *out, const struct tgroup *g)
{
    struct kz_sim_totals t;
    for (size_t i = 0; i < g->n; i++) {
        kz_sim_result_totals(g->res[i], &t);
        for (size_t k = 0; k < kz_sim_result_nthreads(g->res[i]); k++) {
            const struct kz_thread_stats *th = kz_sim_result_thread(g->res[i], k);
            char a[16], b[16], c[16], d[16], cp[128];
            dur(th->p50_s, a, sizeof a);
            dur(th->p90_s, b, sizeof b);
            dur(th->p99_s, c, sizeof c);
            dur(th->deadline_mean_s, d, sizeof d);
            cp_cell(th, cp, sizeof cp);
            fprintf(out, "%-12.12s %-18.18s %8s %8s %8s %8s %6.1f%% %5.1f%% %4s  %s\n",
                    k == 0 ? t.structure : "", th->id, a, b, c, d, th->deadline_met * 100,
                    th->completed * 100, rank_of(g, k).best == (long)i ? "*" : "", cp);
            if (th->infeasible > 0)
                fprintf(out, "%-12s %-18s   infeasible in %.1f%% of runs: %s\n", "", "",
                        th->infeasible * 100, th->infeasible_why ? th->infeasible_why : "?");
        }
    }
}

/* A difference of fractions in percentage points, rounded to 0.1 with no "-0.0". */
static double pts(double f)
{
    double v = round(f * 1000) / 10;
    return v == 0 ? 0 : v;
}

/* One structure's paired difference against the baseline for thread k. */
static void paired_line(FILE *out, const char *thread, const char *structure,
                        const struct kz_paired *p)
{
    char m[24], lo[24], hi[24], md[24], tm[96], mt[64];
    bool tsig = p->lo_s > 0 || p->hi_s < 0, msig = p->met_lo > 0 || p->met_hi < 0;
    sdur(p->mean_s, m, sizeof m);
    sdur(p->lo_s, lo, sizeof lo);
    sdur(p->hi_s, hi, sizeof hi);
    sdur(p->p50_s, md, sizeof md);
    snprintf(tm, sizeof tm, "%s [%s, %s]%s", m, lo, hi, tsig ? " *" : "");
    snprintf(mt, sizeof mt, "%+.1f [%+.1f, %+.1f]%s", pts(p->met), pts(p->met_lo), pts(p->met_hi),
             msig ? " *" : "");
    fprintf(out, "%-18.18s %-12.12s %-28s %8s  %-24s %ld\n", thread, structure, tm, md, mt,
            p->censored);
}

static void paired_table(FILE *out, const struct tgroup *g)
{
    struct kz_sim_totals t;
    kz_sim_result_totals(g->res[g->base], &t);
    char cap[16];
    dur(g->cap, cap, sizeof cap);
    fprintf(out, "\npaired against %s over the same %ld replications (other minus %s; a run "
                 "not completed counts\nat the horizon, %s; 95%% intervals, * excludes 0):\n",
            t.structure, t.runs, t.structure, cap);
    struct kz_run_row probe;
    if (!kz_sim_result_run(g->res[g->base], 0, 0, &probe)) {
        fprintf(out, "not computed: above %ld runs the per-run rows are not kept\n",
                PAIRED_MAX_RUNS);
        return;
    }
    fprintf(out, "%-18s %-12s %-28s %8s  %-24s %s\n", "thread", "structure",
            "time diff mean [95% CI]", "p50 diff", "met diff, pts [95% CI]", "censored");
    for (size_t k = 0; k < kz_sim_result_nthreads(g->res[0]); k++) {
        const char *id = kz_sim_result_thread(g->res[0], k)->id;
        struct kz_paired_rank rk = rank_of(g, k);
        if (rk.identical) {
            fprintf(out, "%-18.18s identical chain, not ranked\n", id);
            continue;
        }
        bool first = true;
        for (size_t i = 0; i < g->n; i++) {
            struct kz_paired p;
            if (i == g->base || kz_paired_thread(g->res[g->base], g->res[i], k, g->cap, &p))
                continue;
            kz_sim_result_totals(g->res[i], &t);
            paired_line(out, first ? id : "", t.structure, &p);
            first = false;
        }
        if (rk.best >= 0) {
            kz_sim_result_totals(g->res[rk.best], &t);
            fprintf(out, "%-18s best: %s (significantly ahead of every other structure)\n", "",
                    t.structure);
        }
    }
}

void sim_print_table(FILE *out, const struct kz_report_group *rg, const char *const *ov,
                     size_t nov)
{
    const kz_scenario *s = rg->scenario;
    size_t n = rg->nresults, base = rg->baseline;
    kz_sim_result *const *res = rg->results;
    struct tgroup g = {s, res, n, base < n ? base : 0, kz_paired_cap_s(s)};
    struct kz_sim_totals t;
    kz_sim_result_totals(res[0], &t);
    fprintf(out, "scenario %s: %s\n%ld runs, seed %llu", kz_scenario_name(s),
            kz_scenario_title(s), t.runs, (unsigned long long)t.seed);
    for (size_t i = 0; ov && i < nov; i++)
        fprintf(out, "%s%s", i ? ", " : "; what if: ", ov[i]);
    fputs("\n\n", out);
    fprintf(out, "%-12s %-18s %8s %8s %8s %8s %7s %6s %4s  %s\n", "structure", "thread", "p50",
            "p90", "p99", "deadline", "met", "done", "best", "critical path at");
    table_rows(out, &g);
    fprintf(out, "\np50/p90/p99: time from the thread's start to its deadline step "
                 "(n/c: not completed in that share of runs);\ndeadline: mean drawn deadline; "
                 "met: share of runs meeting it; done: share completed;\nbest: * when ahead of "
                 "every other structure, paired and significant (below);\ncritical path at: the "
                 "node with most time on the thread's critical path, its largest cause there.\n");
    if (n > 1)
        paired_table(out, &g);
}

/* ---- running one scenario over structures ------------------------------------------------ */

int sim_run_group(kz_model **ms, size_t nm, const kz_scenario *s, const struct simopts *so,
                     kz_sim_result **res)
{
    for (size_t i = 0; i < nm; i++) {
        struct progress pr = {.label = kz_model_name(ms[i])};
        clock_gettime(CLOCK_MONOTONIC, &pr.t0);
        struct kz_sim_options o = {.runs = so->runs,
                                   .seed = (uint64_t)so->seed,
                                   .has_seed = so->has_seed,
                                   .threads = (int)so->threads,
                                   .keep_runs = so->keep_runs,
                                   .progress = on_progress,
                                   .progress_ctx = &pr,
                                   .keep_steps = so->keep_steps};
        char err[512];
        int rc = kz_sim_run(ms[i], s, &o, &res[i], err, sizeof err);
        if (rc) {
            fprintf(stderr, "kizuna: %s over %s: %s\n", kz_scenario_name(s), kz_model_name(ms[i]),
                    err);
            return rc == KZ_ECHECK || rc == KZ_EINVAL ? EXIT_INPUT : EXIT_RUNTIME;
        }
    }
    return EXIT_OK;
}

static const char sim_help[] =
    "usage: kizuna sim --structure F [--structure F ...] --scenario F [--runs N]\n"
    "                  [--seed S] [--threads T] [--baseline NAME] [--set PATH=VALUE ...]\n"
    "                  [--json] [--out DIR]\n\n"
    "Runs the scenario over each structure N times and prints, per structure and\n"
    "thread, p50/p90/p99 of the time to the deadline step, the share of runs that\n"
    "meet the deadline and the node with most time on the critical path. With\n"
    "several structures, also each one's paired difference against the baseline\n"
    "(replication i of every structure sees the same draws).\n"
    "  --baseline NAME  the structure the others are compared with (default: the\n"
    "               first --structure)\n"
    "  --runs N     replications (default: the scenario's)\n"
    "  --seed S     seed (default: the scenario's); results do not depend on --threads\n"
    "  --threads T  worker threads (default: one per CPU)\n"
    "  --set PATH=VALUE  what if: run with one value changed, e.g.\n"
    "               node.jjoc.processing.decide.median=2m, thread.jp-bmd.copies=8\n"
    "               (repeatable; a structure path applies to every structure that has\n"
    "               it; the paths: docs/levers.md); recorded in every output\n"
    "  --json       print the JSON document instead of the table (docs/json.md, \"sim\")\n"
    "  --out DIR    also write DIR/results.json, DIR/runs.csv, DIR/steps.csv,\n"
    "               DIR/report.html; DIR is made (and checked) before anything runs\n";

int sim_pick_baseline(const char *cmd, const char *name, kz_model *const *ms, size_t n,
                      size_t *at)
{
    *at = 0;
    if (!name)
        return EXIT_OK;
    const char *names[MAX_STRUCTURES];
    for (size_t i = 0; i < n; i++) {
        names[i] = kz_model_name(ms[i]);
        if (!strcmp(names[i], name)) {
            *at = i;
            return EXIT_OK;
        }
    }
    return cli_bad_value(cmd, "--baseline", name, names, n);
}

int sim_prepare_out(const char *cmd, const char *dir)
{
    char err[512];
    if (dir && kz_report_prepare(dir, err, sizeof err)) {
        fprintf(stderr, "kizuna %s: %s\n", cmd, err);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

int sim_print_json(const char *cmd, const struct kz_report_group *g, size_t n, bool all,
                   const struct kz_report_options *o)
{
    int rc = all ? kz_report_json_all_opts(stdout, g, n, o) : kz_report_json_opts(stdout, g, o);
    if (rc == KZ_OK && fflush(stdout) == 0)
        return EXIT_OK;
    fprintf(stderr, "kizuna %s: cannot write the JSON: %s\n", cmd,
            rc == KZ_ENOMEM ? "out of memory" : strerror(errno));
    return EXIT_RUNTIME;
}

int cmd_sim(int argc, char **argv)
{
    const char *structs[MAX_STRUCTURES], *scen = NULL, *outdir = NULL, *baseline = NULL;
    const char *sets[MAX_SETS];
    struct cli_strs st = {structs, 0, MAX_STRUCTURES}, se = {sets, 0, MAX_SETS};
    bool json = false;
    struct simopts so = {0, 0, false, 0, false, false};
    const struct cli_opt opts[] = {
        {.name = "--structure", .kind = CLI_STRS, .dst = &st, .flags = CLI_REQUIRED, .meta = "F"},
        {.name = "--scenario", .kind = CLI_STR, .dst = &scen, .flags = CLI_REQUIRED, .meta = "F"},
        CLI_LONG_OPT("--runs", &so.runs, 1, 100000000),
        {.name = "--seed", .kind = CLI_LONG, .dst = &so.seed, .lo = 0, .hi = LONG_MAX,
         .given = &so.has_seed},
        CLI_LONG_OPT("--threads", &so.threads, 1, 256),
        CLI_FLAG_OPT("--json", &json),
        CLI_STR_OPT("--out", &outdir, 0),
        CLI_STR_OPT("--baseline", &baseline, 0),
        {.name = "--set", .kind = CLI_STRS, .dst = &se, .meta = "PATH=VALUE"},
        {0},
    };
    const struct cli_cmd cmd = {.name = "sim", .help = sim_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if ((code = sim_prepare_out("sim", outdir)))
        return code;
    size_t ns = st.n, base = 0;
    kz_model *ms[MAX_STRUCTURES] = {0};
    kz_sim_result *res[MAX_STRUCTURES] = {0};
    kz_scenario *s = cli_load_scenario(scen, &code);
    /* Rows for the CSVs, and for the paired differences whenever there are two structures. */
    long runs = so.runs ? so.runs : s ? kz_scenario_runs(s) : 0;
    so.keep_runs = outdir != NULL || (ns > 1 && runs <= PAIRED_MAX_RUNS);
    so.keep_steps = outdir != NULL;
    for (size_t i = 0; s && i < ns && code == EXIT_OK; i++)
        if ((ms[i] = cli_load_checked(structs[i], true, &code)))
            (void)cli_fits(s, ms[i], &code);
    if (code == EXIT_OK && s)
        code = cli_apply_sets("sim", ms, ns, s, (char *const *)sets, se.n);
    if (code == EXIT_OK && s)
        code = sim_pick_baseline("sim", baseline, ms, ns, &base);
    if (code == EXIT_OK && s)
        code = sim_run_group(ms, ns, s, &so, res);
    if (code == EXIT_OK) {
        struct kz_report_group g = {.scenario = s, .results = res, .nresults = ns,
                                    .baseline = base};
        struct kz_report_options ro = {.overrides = sets, .noverrides = se.n};
        if (json)
            code = sim_print_json("sim", &g, 1, false, &ro);
        else
            sim_print_table(stdout, &g, sets, se.n);
        char err[512];
        if (code == EXIT_OK && outdir) {
            if (kz_report_write_opts(outdir, &g, 1, &ro, err, sizeof err)) {
                fprintf(stderr, "kizuna sim: %s\n", err);
                code = EXIT_RUNTIME;
            } else if (!json) {
                printf("\nwrote %s/results.json, %s/runs.csv, %s/steps.csv, %s/report.html\n",
                       outdir, outdir, outdir, outdir);
            }
        }
    }
    for (size_t i = 0; i < ns; i++) {
        kz_sim_result_free(res[i]);
        kz_model_free(ms[i]);
    }
    kz_scenario_free(s);
    return code;
}

/* ---- trace ------------------------------------------------------------------------------ */

static const char trace_help[] =
    "usage: kizuna trace --structure F --scenario F [--run I] [--seed S]\n\n"
    "Runs replication I (default 0) alone and prints every message, queue and\n"
    "wait, each explained: queue, off-hours (principal recall), review (foreign\n"
    "disclosure), link (outage), legal (waiting for a phase).\n";

int cmd_trace(int argc, char **argv)
{
    const char *structure = NULL, *scen = NULL;
    long run = 0, seed = 0;
    bool has_seed = false;
    const struct cli_opt opts[] = {
        {.name = "--structure", .kind = CLI_STR, .dst = &structure, .flags = CLI_REQUIRED,
         .meta = "F"},
        {.name = "--scenario", .kind = CLI_STR, .dst = &scen, .flags = CLI_REQUIRED, .meta = "F"},
        CLI_LONG_OPT("--run", &run, 0, 100000000),
        {.name = "--seed", .kind = CLI_LONG, .dst = &seed, .lo = 0, .hi = LONG_MAX,
         .given = &has_seed},
        {0},
    };
    const struct cli_cmd cmd = {.name = "trace", .help = trace_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    code = EXIT_OK;
    kz_scenario *s = cli_load_scenario(scen, &code);
    kz_model *m = s ? cli_load_checked(structure, true, &code) : NULL;
    if (m && cli_fits(s, m, &code)) {
        char err[512];
        int rc = kz_sim_trace(m, s, has_seed ? (uint64_t)seed : kz_scenario_seed(s), run, stdout,
                              err, sizeof err);
        if (rc) {
            fprintf(stderr, "kizuna trace: %s\n", err);
            code = rc == KZ_ECHECK ? EXIT_INPUT : EXIT_RUNTIME;
        }
    }
    kz_model_free(m);
    kz_scenario_free(s);
    return code;
}

