/* cmd_sim.c - `kizuna sim`, `kizuna trace` and `kizuna compare`: scenarios run over structures. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/catalogue.h"
#include "kizuna/data.h"
#include "kizuna/paired.h"
#include "kizuna/report.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"
#include "kizuna/validate.h"
#include "opt.h"

#define MAX_STRUCTURES 32
/* Paired differences need every run's row (24 bytes a thread); above this many runs they are
 * not kept for them (only for --out's CSVs), so a long run does not run out of memory. */
#define PAIRED_MAX_RUNS 2000000L

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

static void print_table(FILE *out, const kz_scenario *s, kz_sim_result *const *res, size_t n,
                        size_t base)
{
    struct tgroup g = {s, res, n, base < n ? base : 0, kz_paired_cap_s(s)};
    struct kz_sim_totals t;
    kz_sim_result_totals(res[0], &t);
    fprintf(out, "scenario %s: %s\n%ld runs, seed %llu\n\n", kz_scenario_name(s),
            kz_scenario_title(s), t.runs, (unsigned long long)t.seed);
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

struct simopts {
    long runs;
    long seed;
    bool has_seed;
    long threads;
    bool keep_runs;
    bool keep_steps;
};

static int run_group(kz_model **ms, size_t nm, const kz_scenario *s, const struct simopts *so,
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
    "                  [--seed S] [--threads T] [--baseline NAME] [--json] [--out DIR]\n\n"
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
    "  --json       print the JSON document instead of the table (docs/json.md, \"sim\")\n"
    "  --out DIR    also write DIR/results.json, DIR/runs.csv, DIR/steps.csv,\n"
    "               DIR/report.html; DIR is made (and checked) before anything runs\n";

/*
 * The index of the structure named `name` in ms[0..n) into *at (0 when name is NULL): a
 * usage error, with a suggestion, when none has that name.
 */
static int pick_baseline(const char *cmd, const char *name, kz_model *const *ms, size_t n,
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

/* The --out directory made and checked before any work: exit 1 with the reason if unusable. */
static int prepare_out(const char *cmd, const char *dir)
{
    char err[512];
    if (dir && kz_report_prepare(dir, err, sizeof err)) {
        fprintf(stderr, "kizuna %s: %s\n", cmd, err);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

/* The group as JSON on stdout (one document, or {"scenarios": [...]} when all is set). */
static int print_json(const char *cmd, const struct kz_report_group *g, size_t n, bool all)
{
    int rc = all ? kz_report_json_all(stdout, g, n) : kz_report_json(stdout, g);
    if (rc == KZ_OK && fflush(stdout) == 0)
        return EXIT_OK;
    fprintf(stderr, "kizuna %s: cannot write the JSON: %s\n", cmd,
            rc == KZ_ENOMEM ? "out of memory" : strerror(errno));
    return EXIT_RUNTIME;
}

int cmd_sim(int argc, char **argv)
{
    const char *structs[MAX_STRUCTURES], *scen = NULL, *outdir = NULL, *baseline = NULL;
    struct cli_strs st = {structs, 0, MAX_STRUCTURES};
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
        {0},
    };
    const struct cli_cmd cmd = {.name = "sim", .help = sim_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if ((code = prepare_out("sim", outdir)))
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
        code = pick_baseline("sim", baseline, ms, ns, &base);
    if (code == EXIT_OK && s)
        code = run_group(ms, ns, s, &so, res);
    if (code == EXIT_OK) {
        struct kz_report_group g = {.scenario = s, .results = res, .nresults = ns,
                                    .baseline = base};
        if (json)
            code = print_json("sim", &g, 1, false);
        else
            print_table(stdout, s, res, ns, base);
        char err[512];
        if (code == EXIT_OK && outdir) {
            if (kz_report_write(outdir, &g, 1, err, sizeof err)) {
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

/* ---- compare ---------------------------------------------------------------------------- */

static const char compare_help[] =
    "usage: kizuna compare [--out DIR] [--data DIR] [--runs N] [--threads T] [--csv] [--json]\n"
    "                      [--baseline NAME] [--validation F | --no-validation]\n\n"
    "Runs every shipped structure (DATA/structures/*.yaml, in the order of\n"
    "DATA/structures/ORDER) on every shipped scenario (DATA/scenarios/*.yaml) that\n"
    "fits it, prints one table per scenario and writes one report: DIR/report.html\n"
    "(default out/compare), DIR/results.json, DIR/runs.csv (one row per replication\n"
    "only with --csv: it is large). DATA defaults to $KIZUNA_DATA when it is set,\n"
    "else ./data when there is one, else the installed data (next to the binary, then\n"
    "the install prefix), else the source tree's. DIR is made (and checked) before\n"
    "anything runs.\n"
    "  --baseline NAME  the structure the others are compared with, pair by pair\n"
    "               (default: the first in ORDER that fits the scenario)\n"
    "  --csv        also fill DIR/runs.csv and DIR/steps.csv (one row per step)\n"
    "  --validation F  run the validation cases of F (docs/validation.md) and add\n"
    "               them to report.html as its validation strip (default: every\n"
    "               DATA/validation/*.yaml; --no-validation: no strip)\n"
    "  --json       print {\"scenarios\": [...]}, one `kizuna sim --json` document per\n"
    "               scenario, instead of the tables (docs/json.md, \"compare\")\n";

/*
 * compare's data directory without --data: ./data when it holds structures (a checkout) and
 * $KIZUNA_DATA is not set, else where kz_data_path finds the shipped data ($KIZUNA_DATA, the
 * installed tree next to the binary, the install prefix, the source tree).
 */
static int data_dir(char *buf, size_t len, char *err, size_t errlen)
{
    const char *env = getenv(KZ_DATA_ENV);
    if ((!env || !*env) && access("data/structures", R_OK) == 0) {
        snprintf(buf, len, "data");
        return KZ_OK;
    }
    return kz_data_path("", buf, len, err, errlen);
}

/* The structures that define every id scenario s uses, into fit[]; their number. */
static size_t fitting(const kz_scenario *s, kz_model *const *ms, size_t nm, kz_model **fit,
                      int *code)
{
    size_t nf = 0;
    for (size_t i = 0; i < nm; i++) {
        kz_diags *d;
        if (kz_diags_create(&d)) {
            *code = EXIT_RUNTIME;
            return 0;
        }
        if (kz_scenario_bind_check(s, ms[i], d) == 0)
            fit[nf++] = ms[i];
        kz_diags_destroy(d);
    }
    return nf;
}

/* The validation cases shown in compare's report: the file --validation names, or by
 * default every .yaml file of DATA/validation (none there: no strip). Each file's results stay
 * owned by its own holder; `all` copies them side by side for the report. */
#define MAX_VFILES 16
struct vset {
    kz_validation *v[MAX_VFILES];
    struct kz_vcase_result *r[MAX_VFILES];
    size_t n[MAX_VFILES], nf;
    struct kz_vcase_result *all;
    size_t nall;
};

static void vset_free(struct vset *vs)
{
    for (size_t i = 0; i < vs->nf; i++) {
        kz_vcase_results_free(vs->r[i], vs->n[i]);
        kz_validation_free(vs->v[i]);
    }
    free(vs->all);
}

/* Runs one file into the set (a case that cannot run is shown as such; its problems on
 * stderr). Exit 1 when the file itself cannot be loaded. */
static int run_validation(const char *path, const struct simopts *so, struct vset *vs)
{
    if (vs->nf == MAX_VFILES)
        return EXIT_OK;
    struct kz_validate_options o = {.runs = so->runs, .threads = (int)so->threads};
    size_t i = vs->nf;
    int rc = cli_validation_run(path, &o, &vs->v[i], &vs->r[i], &vs->n[i]);
    if (vs->v[i])
        vs->nf++;
    if (rc == KZ_ENOMEM)
        return EXIT_RUNTIME;
    return vs->v[i] ? EXIT_OK : EXIT_INPUT;
}

static int run_validations(const char *vfile, const char *dir, const struct simopts *so,
                           struct vset *vs)
{
    int code = EXIT_OK;
    if (vfile) {
        code = run_validation(vfile, so, vs);
    } else {
        char pat[4200];
        glob_t g;
        snprintf(pat, sizeof pat, "%s/validation/*.yaml", dir);
        if (glob(pat, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc && code == EXIT_OK; i++)
                code = run_validation(g.gl_pathv[i], so, vs);
            globfree(&g);
        }
    }
    for (size_t i = 0; i < vs->nf; i++)
        vs->nall += vs->n[i];
    if (code != EXIT_OK || vs->nall == 0)
        return code;
    if (!(vs->all = calloc(vs->nall, sizeof *vs->all)))
        return EXIT_RUNTIME;
    for (size_t i = 0, k = 0; i < vs->nf; k += vs->n[i], i++)
        if (vs->n[i])
            memcpy(&vs->all[k], vs->r[i], vs->n[i] * sizeof *vs->all);
    return EXIT_OK;
}

/* The report of compare: tables (or JSON) on stdout, the files in outdir. */
static int compare_out(const char *outdir, const struct kz_report_group *groups, size_t n,
                       bool json, bool csv, const struct kz_vcase_result *vr, size_t nv)
{
    char err[512];
    if (json) {
        int code = print_json("compare", groups, n, true);
        if (code)
            return code;
    }
    /* The rows are always kept (the paired differences); the files get them with --csv. */
    struct kz_report_options ro = {.no_run_rows = !csv, .validation = vr, .nvalidation = nv};
    if (kz_report_write_opts(outdir, groups, n, &ro, err, sizeof err)) {
        fprintf(stderr, "kizuna compare: %s\n", err);
        return EXIT_RUNTIME;
    }
    if (!json)
        printf("wrote %s/report.html, %s/results.json, %s/runs.csv, %s/steps.csv\n", outdir,
               outdir, outdir, outdir);
    return EXIT_OK;
}

/* What every scenario of compare is run with. */
struct cmp {
    kz_model *const *ms;
    size_t nm;
    const kz_model *base; /* --baseline's structure, or NULL: the first that fits */
    const struct simopts *so;
    bool json;
};

/* Scenario s (file path) over the structures that fit it, into r[] and *g; *ran false when
 * none fits (skipped, said on stderr). */
static int compare_one(const struct cmp *c, const kz_scenario *s, const char *path,
                       kz_sim_result **r, struct kz_report_group *g, bool *ran)
{
    int code = EXIT_OK;
    kz_model *fit[MAX_STRUCTURES];
    size_t nf = fitting(s, c->ms, c->nm, fit, &code), base = 0;
    *ran = false;
    if (code)
        return code;
    if (!nf) {
        fprintf(stderr, "kizuna compare: %s fits none of the structures; skipped\n", path);
        return EXIT_OK;
    }
    for (size_t i = 0; c->base && i < nf; i++)
        if (fit[i] == c->base)
            base = i;
    if (c->base && fit[base] != c->base)
        fprintf(stderr, "kizuna compare: %s does not fit %s; compared with %s there\n",
                kz_model_name(c->base), kz_scenario_name(s), kz_model_name(fit[0]));
    struct simopts so = *c->so;
    so.keep_runs = so.keep_steps || (so.runs ? so.runs : kz_scenario_runs(s)) <= PAIRED_MAX_RUNS;
    if ((code = run_group(fit, nf, s, &so, r)))
        return code;
    if (!c->json) {
        print_table(stdout, s, r, nf, base);
        fputc('\n', stdout);
    }
    *g = (struct kz_report_group){.scenario = s, .results = r, .nresults = nf, .baseline = base};
    *ran = true;
    return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
    const char *outdir = "out/compare", *dir = NULL, *baseline = NULL, *vfile = NULL;
    bool json = false, csv = false, novalidation = false;
    struct simopts so = {0, 0, false, 0, true, false};
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--out", &outdir, 0),
        CLI_FLAG_OPT("--no-validation", &novalidation),
        CLI_STR_OPT("--data", &dir, 0),
        CLI_STR_OPT("--baseline", &baseline, 0),
        CLI_STR_OPT("--validation", &vfile, 0),
        CLI_FLAG_OPT("--csv", &csv),
        CLI_FLAG_OPT("--json", &json),
        CLI_LONG_OPT("--runs", &so.runs, 1, 100000000),
        CLI_LONG_OPT("--threads", &so.threads, 1, 256),
        {0},
    };
    const struct cli_cmd cmd = {.name = "compare", .help = compare_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv), rc;
    if (code != CLI_GO)
        return code;
    char found[4096], err[512];
    if (!dir && (rc = data_dir(found, sizeof found, err, sizeof err)) != 0) {
        fprintf(stderr, "kizuna compare: %s\n", err);
        return rc == KZ_ENOTFOUND ? EXIT_INPUT : EXIT_RUNTIME;
    }
    if (!dir)
        dir = found;
    struct kz_catalogue cat;
    rc = kz_catalogue_load(dir, &cat, err, sizeof err);
    if (rc) {
        fprintf(stderr, "kizuna compare: %s\n", err);
        return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
    }
    if ((code = prepare_out("compare", outdir))) {
        kz_catalogue_free(&cat);
        return code;
    }
    size_t nm = cat.nstructures < MAX_STRUCTURES ? cat.nstructures : MAX_STRUCTURES;
    size_t nsc = cat.nscenarios;
    kz_model *ms[MAX_STRUCTURES] = {0};
    kz_scenario **scs = calloc(nsc + 1, sizeof *scs);
    kz_sim_result **res = calloc((nsc + 1) * MAX_STRUCTURES, sizeof *res);
    struct kz_report_group *groups = calloc(nsc + 1, sizeof *groups);
    size_t ngroups = 0;
    if (!scs || !res || !groups) {
        code = EXIT_RUNTIME;
        goto out;
    }
    for (size_t i = 0; i < nm && code == EXIT_OK; i++)
        ms[i] = cli_load_checked(cat.structures[i], true, &code);
    for (size_t k = 0; k < nsc && code == EXIT_OK; k++)
        scs[k] = cli_load_scenario(cat.scenarios[k], &code);
    size_t bi = 0;
    if (code == EXIT_OK)
        code = pick_baseline("compare", baseline, ms, nm, &bi);
    so.keep_steps = csv;
    struct cmp c = {ms, nm, baseline ? ms[bi] : NULL, &so, json};
    for (size_t k = 0; k < nsc && code == EXIT_OK; k++) {
        bool ran;
        code = compare_one(&c, scs[k], cat.scenarios[k], &res[ngroups * MAX_STRUCTURES],
                           &groups[ngroups], &ran);
        ngroups += ran;
    }
    struct vset vs = {0};
    if (code == EXIT_OK && !novalidation)
        code = run_validations(vfile, dir, &so, &vs);
    if (code == EXIT_OK)
        code = compare_out(outdir, groups, ngroups, json, csv, vs.all, vs.nall);
    vset_free(&vs);
out:
    for (size_t i = 0; res && i < (nsc + 1) * MAX_STRUCTURES; i++)
        kz_sim_result_free(res[i]);
    for (size_t k = 0; scs && k < nsc; k++)
        kz_scenario_free(scs[k]);
    for (size_t i = 0; i < nm; i++)
        kz_model_free(ms[i]);
    free(scs);
    free(res);
    free(groups);
    kz_catalogue_free(&cat);
    return code;
}
