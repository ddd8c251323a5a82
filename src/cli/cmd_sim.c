/* cmd_sim.c - `kizuna sim`, `kizuna trace` and `kizuna compare`: scenarios run over structures. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/catalogue.h"
#include "kizuna/data.h"
#include "kizuna/report.h"
#include "kizuna/sim.h"
#include "kizuna/util.h"
#include "opt.h"

#define MAX_STRUCTURES 32

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

static void print_table(FILE *out, const kz_scenario *s, kz_sim_result *const *res, size_t n)
{
    struct kz_sim_totals t;
    kz_sim_result_totals(res[0], &t);
    fprintf(out, "scenario %s: %s\n%ld runs, seed %llu\n\n", kz_scenario_name(s),
            kz_scenario_title(s), t.runs, (unsigned long long)t.seed);
    fprintf(out, "%-12s %-18s %8s %8s %8s %8s %7s %6s  %s\n", "structure", "thread", "p50", "p90",
            "p99", "deadline", "met", "done", "waits longest at");
    for (size_t i = 0; i < n; i++) {
        kz_sim_result_totals(res[i], &t);
        for (size_t k = 0; k < kz_sim_result_nthreads(res[i]); k++) {
            const struct kz_thread_stats *th = kz_sim_result_thread(res[i], k);
            char a[16], b[16], c[16], d[16], wbuf[96];
            dur(th->p50_s, a, sizeof a);
            dur(th->p90_s, b, sizeof b);
            dur(th->p99_s, c, sizeof c);
            dur(th->deadline_mean_s, d, sizeof d);
            if (th->wait_node >= 0) {
                char ws[16];
                dur(th->wait_node_s, ws, sizeof ws);
                snprintf(wbuf, sizeof wbuf, "%s (%s, %s/run)", th->wait_node_id, th->wait_kind, ws);
            } else {
                snprintf(wbuf, sizeof wbuf, "-");
            }
            fprintf(out, "%-12.12s %-18.18s %8s %8s %8s %8s %6.1f%% %5.1f%%  %s\n",
                    k == 0 ? t.structure : "", th->id, a, b, c, d, th->deadline_met * 100,
                    th->completed * 100, wbuf);
            if (th->infeasible > 0)
                fprintf(out, "%-12s %-18s   infeasible in %.1f%% of runs: %s\n", "", "",
                        th->infeasible * 100, th->infeasible_why ? th->infeasible_why : "?");
        }
    }
    fprintf(out, "\np50/p90/p99: time from the thread's start to its deadline step "
                 "(n/c: not completed in that share of runs);\ndeadline: mean drawn deadline; "
                 "met: share of runs meeting it; done: share completed.\n");
}

/* ---- running one scenario over structures ------------------------------------------------ */

struct simopts {
    long runs;
    long seed;
    bool has_seed;
    long threads;
    bool keep_runs;
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
                                   .progress_ctx = &pr};
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
    "                  [--seed S] [--threads T] [--json] [--out DIR]\n\n"
    "Runs the scenario over each structure N times and prints, per structure and\n"
    "thread, p50/p90/p99 of the time to the deadline step, the share of runs that\n"
    "meet the deadline and the node where the thread waits longest.\n"
    "  --runs N     replications (default: the scenario's)\n"
    "  --seed S     seed (default: the scenario's); results do not depend on --threads\n"
    "  --threads T  worker threads (default: one per CPU)\n"
    "  --json       print the JSON document instead of the table (docs/json.md, \"sim\")\n"
    "  --out DIR    also write DIR/results.json, DIR/runs.csv, DIR/report.html;\n"
    "               DIR is made (and checked) before anything runs\n";

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
    const char *structs[MAX_STRUCTURES], *scen = NULL, *outdir = NULL;
    struct cli_strs st = {structs, 0, MAX_STRUCTURES};
    bool json = false;
    struct simopts so = {0, 0, false, 0, false};
    const struct cli_opt opts[] = {
        {.name = "--structure", .kind = CLI_STRS, .dst = &st, .flags = CLI_REQUIRED, .meta = "F"},
        {.name = "--scenario", .kind = CLI_STR, .dst = &scen, .flags = CLI_REQUIRED, .meta = "F"},
        CLI_LONG_OPT("--runs", &so.runs, 1, 100000000),
        {.name = "--seed", .kind = CLI_LONG, .dst = &so.seed, .lo = 0, .hi = LONG_MAX,
         .given = &so.has_seed},
        CLI_LONG_OPT("--threads", &so.threads, 1, 256),
        CLI_FLAG_OPT("--json", &json),
        CLI_STR_OPT("--out", &outdir, 0),
        {0},
    };
    const struct cli_cmd cmd = {.name = "sim", .help = sim_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if ((code = prepare_out("sim", outdir)))
        return code;
    size_t ns = st.n;
    so.keep_runs = outdir != NULL;
    kz_model *ms[MAX_STRUCTURES] = {0};
    kz_sim_result *res[MAX_STRUCTURES] = {0};
    kz_scenario *s = cli_load_scenario(scen, &code);
    for (size_t i = 0; s && i < ns && code == EXIT_OK; i++)
        if ((ms[i] = cli_load_checked(structs[i], true, &code)))
            (void)cli_fits(s, ms[i], &code);
    if (code == EXIT_OK && s)
        code = run_group(ms, ns, s, &so, res);
    if (code == EXIT_OK) {
        struct kz_report_group g = {s, res, ns};
        if (json)
            code = print_json("sim", &g, 1, false);
        else
            print_table(stdout, s, res, ns);
        char err[512];
        if (code == EXIT_OK && outdir) {
            if (kz_report_write(outdir, &g, 1, err, sizeof err)) {
                fprintf(stderr, "kizuna sim: %s\n", err);
                code = EXIT_RUNTIME;
            } else if (!json) {
                printf("\nwrote %s/results.json, %s/runs.csv, %s/report.html\n", outdir, outdir,
                       outdir);
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
    "usage: kizuna compare [--out DIR] [--data DIR] [--runs N] [--threads T] [--csv] [--json]\n\n"
    "Runs every shipped structure (DATA/structures/*.yaml, in the order of\n"
    "DATA/structures/ORDER) on every shipped scenario (DATA/scenarios/*.yaml) that\n"
    "fits it, prints one table per scenario and writes one report: DIR/report.html\n"
    "(default out/compare), DIR/results.json, DIR/runs.csv (one row per replication\n"
    "only with --csv: it is large). DATA defaults to $KIZUNA_DATA when it is set,\n"
    "else ./data when there is one, else the installed data (next to the binary, then\n"
    "the install prefix), else the source tree's. DIR is made (and checked) before\n"
    "anything runs.\n"
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

/* The report of compare: tables (or JSON) on stdout, the files in outdir. */
static int compare_out(const char *outdir, const struct kz_report_group *groups, size_t n,
                       bool json)
{
    char err[512];
    if (json) {
        int code = print_json("compare", groups, n, true);
        if (code)
            return code;
    }
    if (kz_report_write(outdir, groups, n, err, sizeof err)) {
        fprintf(stderr, "kizuna compare: %s\n", err);
        return EXIT_RUNTIME;
    }
    if (!json)
        printf("wrote %s/report.html, %s/results.json, %s/runs.csv\n", outdir, outdir, outdir);
    return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
    const char *outdir = "out/compare", *dir = NULL;
    bool json = false;
    struct simopts so = {0, 0, false, 0, false};
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--out", &outdir, 0),
        CLI_STR_OPT("--data", &dir, 0),
        CLI_FLAG_OPT("--csv", &so.keep_runs),
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
    for (size_t k = 0; k < nsc && code == EXIT_OK; k++) {
        kz_model *fit[MAX_STRUCTURES];
        size_t nf = fitting(scs[k], ms, nm, fit, &code);
        if (code)
            break;
        if (!nf) {
            fprintf(stderr, "kizuna compare: %s fits none of the structures; skipped\n",
                    cat.scenarios[k]);
            continue;
        }
        kz_sim_result **r = &res[ngroups * MAX_STRUCTURES];
        if ((code = run_group(fit, nf, scs[k], &so, r)))
            break;
        if (!json) {
            print_table(stdout, scs[k], r, nf);
            fputc('\n', stdout);
        }
        groups[ngroups++] = (struct kz_report_group){scs[k], r, nf};
    }
    if (code == EXIT_OK)
        code = compare_out(outdir, groups, ngroups, json);
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
