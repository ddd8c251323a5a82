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
#include "kizuna/report.h"
#include "kizuna/sim.h"

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

static bool parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return false;
    *out = v;
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

void cli_fmt_s(double s, char *buf, size_t n)
{
    if (isnan(s))
        snprintf(buf, n, "-");
    else if (isinf(s))
        snprintf(buf, n, "n/c");
    else if (s < 60)
        snprintf(buf, n, "%.1fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
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
            cli_fmt_s(th->p50_s, a, sizeof a);
            cli_fmt_s(th->p90_s, b, sizeof b);
            cli_fmt_s(th->p99_s, c, sizeof c);
            cli_fmt_s(th->deadline_mean_s, d, sizeof d);
            if (th->wait_node >= 0) {
                char ws[16];
                cli_fmt_s(th->wait_node_s, ws, sizeof ws);
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
        struct kz_sim_options o = {so->runs,      (uint64_t)so->seed, so->has_seed,
                                   (int)so->threads, so->keep_runs,   on_progress,
                                   &pr};
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

static void sim_usage(FILE *out)
{
    fputs("usage: kizuna sim --structure F [--structure F ...] --scenario F [--runs N]\n"
          "                  [--seed S] [--threads T] [--json] [--out DIR]\n\n"
          "Runs the scenario over each structure N times and prints, per structure and\n"
          "thread, p50/p90/p99 of the time to the deadline step, the share of runs that\n"
          "meet the deadline and the node where the thread waits longest.\n"
          "  --runs N     replications (default: the scenario's)\n"
          "  --seed S     seed (default: the scenario's); results do not depend on --threads\n"
          "  --threads T  worker threads (default: one per CPU)\n"
          "  --json       print the JSON document of design.md instead of the table\n"
          "  --out DIR    also write DIR/results.json, DIR/runs.csv, DIR/report.html\n",
          out);
}

int cmd_sim(int argc, char **argv)
{
    const char *structs[MAX_STRUCTURES], *scen = NULL, *outdir = NULL;
    size_t ns = 0;
    bool json = false;
    struct simopts so = {0, 0, false, 0, false};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (cli_is_help(a)) {
            sim_usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--structure") && has) {
            if (ns == MAX_STRUCTURES) {
                fprintf(stderr, "kizuna sim: at most %d structures\n", MAX_STRUCTURES);
                return EXIT_USAGE;
            }
            structs[ns++] = argv[++i];
        } else if (!strcmp(a, "--scenario") && has) {
            scen = argv[++i];
        } else if (!strcmp(a, "--runs") && has) {
            if (!parse_long(argv[++i], 1, 100000000, &so.runs))
                goto bad_value;
        } else if (!strcmp(a, "--seed") && has) {
            if (!parse_long(argv[++i], 0, LONG_MAX, &so.seed))
                goto bad_value;
            so.has_seed = true;
        } else if (!strcmp(a, "--threads") && has) {
            if (!parse_long(argv[++i], 1, 256, &so.threads))
                goto bad_value;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--out") && has) {
            outdir = argv[++i];
        } else {
            fprintf(stderr, "kizuna sim: unknown or incomplete option '%s'\n", a);
            sim_usage(stderr);
            return EXIT_USAGE;
        }
        continue;
    bad_value:
        fprintf(stderr, "kizuna sim: bad value '%s' for %s\n", argv[i], a);
        return EXIT_USAGE;
    }
    if (!ns || !scen) {
        fprintf(stderr, "kizuna sim: --structure and --scenario are required\n");
        sim_usage(stderr);
        return EXIT_USAGE;
    }
    so.keep_runs = outdir != NULL;
    int code = EXIT_OK;
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
        if (json) {
            if (kz_report_json(stdout, &g) || fflush(stdout)) {
                fprintf(stderr, "kizuna sim: cannot write the JSON: %s\n", strerror(errno));
                code = EXIT_RUNTIME;
            }
        } else {
            print_table(stdout, s, res, ns);
        }
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

/* ---- trace ------------------------------------------------------------------------------------- */

int cmd_trace(int argc, char **argv)
{
    const char *structure = NULL, *scen = NULL;
    long run = 0, seed = 0;
    bool has_seed = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (cli_is_help(a)) {
            fputs("usage: kizuna trace --structure F --scenario F [--run I] [--seed S]\n\n"
                  "Runs replication I (default 0) alone and prints every message, queue and\n"
                  "wait, each explained: queue, off-hours (principal recall), review (foreign\n"
                  "disclosure), link (outage), legal (waiting for a phase).\n",
                  stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--structure") && has) {
            structure = argv[++i];
        } else if (!strcmp(a, "--scenario") && has) {
            scen = argv[++i];
        } else if (!strcmp(a, "--run") && has) {
            if (!parse_long(argv[++i], 0, 100000000, &run)) {
                fprintf(stderr, "kizuna trace: bad run '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--seed") && has) {
            if (!parse_long(argv[++i], 0, LONG_MAX, &seed)) {
                fprintf(stderr, "kizuna trace: bad seed '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
            has_seed = true;
        } else {
            fprintf(stderr, "kizuna trace: unknown or incomplete option '%s'\n", a);
            return EXIT_USAGE;
        }
    }
    if (!structure || !scen) {
        fprintf(stderr, "kizuna trace: --structure and --scenario are required\n");
        return EXIT_USAGE;
    }
    int code = EXIT_OK;
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

/* ---- compare ----------------------------------------------------------------------------------- */

/* Rank of a structure file in DIR/structures/ORDER (one name per line), or a large number. */
static int order_rank(const char *dir, const char *path)
{
    char p[1024], line[256];
    snprintf(p, sizeof p, "%s/structures/ORDER", dir);
    FILE *f = fopen(p, "r");
    if (!f)
        return 1000;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    int rank = 0, found = 1000;
    while (fgets(line, sizeof line, f) && found == 1000) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || !line[0])
            continue;
        size_t n = strlen(line);
        if (!strncmp(base, line, n) && !strcmp(base + n, ".yaml"))
            found = rank;
        rank++;
    }
    fclose(f);
    return found;
}

int cmd_compare(int argc, char **argv)
{
    const char *outdir = "out/compare", *dir = NULL;
    struct simopts so = {0, 0, false, 0, false};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (cli_is_help(a)) {
            fputs("usage: kizuna compare [--out DIR] [--data DIR] [--runs N] [--threads T] [--csv]\n\n"
                  "Runs every shipped structure (DATA/structures/*.yaml) on every shipped\n"
                  "scenario (DATA/scenarios/*.yaml) that fits it, prints one table per\n"
                  "scenario and writes one report: DIR/report.html (default out/compare),\n"
                  "DIR/results.json, DIR/runs.csv (one row per replication only with --csv:\n"
                  "it is large). DATA defaults to ./data, else the installed data directory.\n",
                  stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--out") && has) {
            outdir = argv[++i];
        } else if (!strcmp(a, "--data") && has) {
            dir = argv[++i];
        } else if (!strcmp(a, "--csv")) {
            so.keep_runs = true;
        } else if (!strcmp(a, "--runs") && has) {
            if (!parse_long(argv[++i], 1, 100000000, &so.runs)) {
                fprintf(stderr, "kizuna compare: bad runs '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
        } else if (!strcmp(a, "--threads") && has) {
            if (!parse_long(argv[++i], 1, 256, &so.threads)) {
                fprintf(stderr, "kizuna compare: bad threads '%s'\n", argv[i]);
                return EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "kizuna compare: unknown or incomplete option '%s'\n", a);
            return EXIT_USAGE;
        }
    }
    if (!dir)
        dir = access("data/structures", R_OK) == 0 ? "data" : KZ_DATA_DIR;
    char pat[1024];
    glob_t gs = {0}, gc = {0};
    snprintf(pat, sizeof pat, "%s/structures/*.yaml", dir);
    int g1 = glob(pat, 0, NULL, &gs);
    snprintf(pat, sizeof pat, "%s/scenarios/*.yaml", dir);
    int g2 = glob(pat, 0, NULL, &gc);
    int code = EXIT_OK;
    if (g1 || g2) {
        fprintf(stderr, "kizuna compare: no structures or scenarios under %s\n", dir);
        globfree(&gs);
        globfree(&gc);
        return EXIT_INPUT;
    }
    size_t nm = gs.gl_pathc < MAX_STRUCTURES ? gs.gl_pathc : MAX_STRUCTURES;
    /* list the structures in the order DATA/structures/ORDER gives (stable: glob sorted) */
    for (size_t i = 1; i < nm; i++)
        for (size_t j = i; j > 0 && order_rank(dir, gs.gl_pathv[j - 1]) >
                                      order_rank(dir, gs.gl_pathv[j]);
             j--) {
            char *t = gs.gl_pathv[j];
            gs.gl_pathv[j] = gs.gl_pathv[j - 1];
            gs.gl_pathv[j - 1] = t;
        }
    size_t nsc = gc.gl_pathc;
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
        ms[i] = cli_load_checked(gs.gl_pathv[i], true, &code);
    for (size_t k = 0; k < nsc && code == EXIT_OK; k++)
        scs[k] = cli_load_scenario(gc.gl_pathv[k], &code);
    for (size_t k = 0; k < nsc && code == EXIT_OK; k++) {
        /* a scenario runs on the structures that define every id it uses */
        kz_model *fit[MAX_STRUCTURES];
        size_t nf = 0;
        for (size_t i = 0; i < nm; i++) {
            kz_diags *d;
            if (kz_diags_create(&d)) {
                code = EXIT_RUNTIME;
                break;
            }
            if (kz_scenario_bind_check(scs[k], ms[i], d) == 0)
                fit[nf++] = ms[i];
            kz_diags_destroy(d);
        }
        if (!nf) {
            fprintf(stderr, "kizuna compare: %s fits none of the structures; skipped\n",
                    gc.gl_pathv[k]);
            continue;
        }
        kz_sim_result **r = &res[ngroups * MAX_STRUCTURES];
        code = run_group(fit, nf, scs[k], &so, r);
        if (code)
            break;
        print_table(stdout, scs[k], r, nf);
        fputc('\n', stdout);
        groups[ngroups++] = (struct kz_report_group){scs[k], r, nf};
    }
    if (code == EXIT_OK) {
        char err[512];
        if (kz_report_write(outdir, groups, ngroups, err, sizeof err)) {
            fprintf(stderr, "kizuna compare: %s\n", err);
            code = EXIT_RUNTIME;
        } else {
            printf("wrote %s/report.html, %s/results.json, %s/runs.csv\n", outdir, outdir,
                   outdir);
        }
    }
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
    globfree(&gs);
    globfree(&gc);
    return code;
}
