/* cmd_sweep.c - `kizuna sweep`: assumption settings x replications, intervals, tornado, PRCC. */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/catalogue.h"
#include "kizuna/data.h"
#include "kizuna/levers.h"
#include "kizuna/report.h"
#include "kizuna/sweep.h"
#include "kizuna/sweep_report.h"
#include "kizuna/util.h"
#include "opt.h"
#include "sweep_mpi.h"

#define MAX_STRUCTURES 32
#define MAX_SETS       64
/* Test-only (docs/sweep.md, "Failures"): the rank named here fails its evaluation, so the
 * failure path of a study over ranks can be tested without a real fault. */
#define FAIL_RANK_ENV "KIZUNA_SWEEP_FAIL_RANK"

static const char sweep_help[] =
    "usage: kizuna sweep [--structure F ...] --scenario F [--samples N] [--runs R]\n"
    "                    [--method lhs|oat|both] [--only GLOB[,GLOB...]] [--set PATH=VALUE ...]\n"
    "                    [--seed S] [--threads T] [--json] [--out DIR] [--progress]\n\n"
    "Runs the scenario over each structure under many settings of its assumptions\n"
    "(every `assumption: true` with a numeric `range:`) and prints, per structure and\n"
    "thread, the nominal p50 with its sampling interval (replications), the assumption\n"
    "interval (5th-95th percentile over the settings) of the p50 and of the share meeting\n"
    "the deadline, and the assumptions that move the p50 most (docs/sweep.md).\n"
    "  --structure F  a structure file, FILE@VARIANT, or a shipped name (jfhq); default:\n"
    "               every shipped structure the scenario fits, as kizuna compare picks them\n"
    "  --scenario F   a scenario file or a shipped name (nk-salvo)\n"
    "  --samples N  Latin-hypercube settings (default 200)\n"
    "  --runs R     replications per setting, the same draws for every setting (default 1000)\n"
    "  --method M   lhs (intervals, PRCC), oat (one at a time: the tornado) or both (default)\n"
    "  --only GLOB  sweep only the factors whose names match (comma-separated globs,\n"
    "               e.g. 'node.jjoc.*'); the others stay at their values\n"
    "  --set PATH=VALUE  change a value first, as on sim (repeatable; docs/sweep.md, \"Paths\")\n"
    "  --seed S     seed (default: the scenario's); results do not depend on --threads\n"
    "  --threads T  worker threads per run (default: one per CPU)\n"
    "  --json       print the JSON document instead of the table (docs/json.md, \"sweep\")\n"
    "  --out DIR    also write DIR/sweep.json, tornado.csv, settings.csv, intervals.csv,\n"
    "               report.html; DIR is made (and checked) before anything runs\n"
    "  --progress   a progress bar on stderr even when it is not a terminal\n"
    "Under mpirun (built with MPI) the settings are spread over the ranks; the output is\n"
    "the same bytes for any number of ranks and threads.\n";

struct args {
    const char *structs[MAX_STRUCTURES], *scen, *method, *only, *outdir;
    const char *sets[MAX_SETS];
    size_t nstructs, nsets;
    long samples, runs, seed, threads;
    bool has_seed, json, progress;
};

/* One structure of the study. */
struct entry {
    kz_model *m;
    kz_levers *lv;
    kz_sweep *w;
    double *all; /* rank 0: every item's doubles */
};

struct study {
    const struct swmpi *par;
    const struct args *a;
    kz_scenario *s;
    struct entry e[MAX_STRUCTURES];
    size_t n;
    char msg[512]; /* why this rank failed, for the others */
    bool said;     /* a helper has printed it already (alone, it is not repeated) */
    /* progress over this rank's items of every structure */
    size_t done, total;
    bool bar;
};

/* The message of a failure a helper has printed already (for the other ranks' sake). */
__attribute__((format(printf, 2, 3))) static int told(struct study *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->msg, sizeof st->msg, fmt, ap);
    va_end(ap);
    st->said = true;
    return 0;
}

/* ---- finding the files ---------------------------------------------------------------------- */

/* A path as given, or a shipped file's name ("nk-salvo", "jfhq@bmd") found in the data
 * directory's `kind` ("scenarios", "structures"); left as given when it is neither, so the
 * loader's message names it. A directory of that name (say, --out nk-salvo) is no file. */
static void resolve(const char *arg, const char *kind, char *buf, size_t len)
{
    struct stat sb;
    char rel[320];
    snprintf(buf, len, "%s", arg);
    if ((stat(arg, &sb) == 0 && !S_ISDIR(sb.st_mode)) || strchr(arg, '/') || strchr(arg, '.'))
        return;
    snprintf(rel, sizeof rel, "%s/%.200s.yaml", kind, arg);
    if (kz_data_path(rel, buf, len, NULL, 0) != 0)
        snprintf(buf, len, "%s", arg);
}

/* The data directory kizuna compare uses: ./data in a checkout when $KIZUNA_DATA is not set,
 * else where kz_data_path finds it (the rule of cmd_sim.c's data_dir, kept in step). */
static int data_dir(char *buf, size_t len, char *err, size_t errlen)
{
    const char *env = getenv(KZ_DATA_ENV);
    if ((!env || !*env) && access("data/structures", R_OK) == 0) {
        snprintf(buf, len, "data");
        return KZ_OK;
    }
    return kz_data_path("", buf, len, err, errlen);
}

/* Every shipped structure the scenario fits (none that does not: silently skipped). */
static int load_shipped(struct study *st)
{
    char dir[4096], err[512];
    int code = EXIT_OK, rc;
    if ((rc = data_dir(dir, sizeof dir, err, sizeof err)) != 0) {
        snprintf(st->msg, sizeof st->msg, "%s", err);
        return rc == KZ_ENOTFOUND ? EXIT_INPUT : EXIT_RUNTIME;
    }
    struct kz_catalogue cat;
    if ((rc = kz_catalogue_load(dir, &cat, err, sizeof err)) != 0) {
        snprintf(st->msg, sizeof st->msg, "%s", err);
        return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
    }
    for (size_t i = 0; i < cat.nstructures && st->n < MAX_STRUCTURES && !code; i++) {
        kz_model *m = cli_load_checked(cat.structures[i], true, &code);
        kz_diags *d;
        if (!m) {
            told(st, "cannot load %s (above)", cat.structures[i]);
            break;
        }
        if (kz_diags_create(&d)) {
            kz_model_free(m);
            code = EXIT_RUNTIME;
            break;
        }
        if (kz_scenario_bind_check(st->s, m, d) == 0)
            st->e[st->n++].m = m;
        else
            kz_model_free(m);
        kz_diags_destroy(d);
    }
    kz_catalogue_free(&cat);
    if (!code && !st->n) {
        snprintf(st->msg, sizeof st->msg, "%.100s fits none of the shipped structures (%.300s)",
                 kz_scenario_name(st->s), dir);
        code = EXIT_INPUT;
    }
    return code;
}

/* The scenario, the structures, --set, and each structure's levers and plan. */
static int prepare(struct study *st)
{
    const struct args *a = st->a;
    char path[4400];
    int code = EXIT_OK;
    resolve(a->scen, "scenarios", path, sizeof path);
    if (!(st->s = cli_load_scenario(path, &code)))
        return told(st, "cannot load the scenario %s (above)", path), code;
    if (!a->nstructs && (code = load_shipped(st)))
        return code;
    for (size_t i = 0; i < a->nstructs && !code; i++) {
        resolve(a->structs[i], "structures", path, sizeof path);
        if ((st->e[i].m = cli_load_checked(path, true, &code)))
            st->n++, (void)cli_fits(st->s, st->e[i].m, &code);
    }
    if (code)
        return told(st, "cannot load the structures (above)"), code;
    kz_model *ms[MAX_STRUCTURES];
    for (size_t i = 0; i < st->n; i++)
        ms[i] = st->e[i].m;
    if ((code = cli_apply_sets("sweep", ms, st->n, st->s, (char *const *)a->sets, a->nsets)))
        return told(st, "a --set could not be applied (above)"), code;
    unsigned methods = !strcmp(a->method, "lhs")   ? KZ_SWEEP_LHS
                       : !strcmp(a->method, "oat") ? KZ_SWEEP_OAT
                                                   : KZ_SWEEP_LHS | KZ_SWEEP_OAT;
    struct kz_sweep_options o = {.samples = a->samples,
                                 .runs = a->runs,
                                 .methods = methods,
                                 .only = a->only,
                                 .seed = (uint64_t)a->seed,
                                 .has_seed = a->has_seed,
                                 .threads = (int)a->threads};
    for (size_t i = 0; i < st->n; i++) {
        char err[400];
        int rc = kz_levers_open(st->e[i].m, st->s, &st->e[i].lv);
        if (!rc)
            rc = kz_sweep_plan(st->e[i].lv, st->e[i].m, st->s, &o, &st->e[i].w, err, sizeof err);
        else
            snprintf(err, sizeof err, "cannot open the levers");
        if (rc) {
            snprintf(st->msg, sizeof st->msg, "%.60s: %.400s", kz_model_name(st->e[i].m), err);
            return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        }
    }
    return EXIT_OK;
}

/* ---- running ------------------------------------------------------------------------------- */

static void bar(struct study *st)
{
    if (!st->bar || !st->total)
        return;
    int width = 30, fill = (int)((double)st->done / (double)st->total * width);
    fprintf(stderr, "\rsweep [%.*s%*s] %zu/%zu settings", fill, "##############################",
            width - fill, "", st->done, st->total);
    if (st->done >= st->total)
        fputc('\n', stderr);
}

struct tick {
    struct study *st;
    size_t base; /* items of the structures before this one */
};

static void on_item(void *ctx, size_t done)
{
    struct tick *t = ctx;
    t->st->done = t->base + done;
    bar(t->st);
}

/* The failure KIZUNA_SWEEP_FAIL_RANK asks of this rank, if it does. */
static bool injected(const struct swmpi *par)
{
    const char *v = getenv(FAIL_RANK_ENV);
    return v && *v && atoi(v) == par->rank;
}

/* The items of structure i that are this rank's: evaluated, then gathered on rank 0 after
 * every rank has said it is fine. Returns the lowest failing rank, or -1; *out the code. */
static int run_one(struct study *st, size_t i, size_t base, int *out)
{
    const struct swmpi *par = st->par;
    struct entry *e = &st->e[i];
    size_t n = kz_sweep_nitems(e->w), width = kz_sweep_item_width(e->w), lo, hi;
    swmpi_block(n, par->rank, par->size, &lo, &hi);
    double *mine = calloc((hi - lo) * width + 1, sizeof *mine);
    int code = EXIT_OK;
    if (par->rank == 0 && !(e->all = calloc(n * width + 1, sizeof *e->all)))
        code = EXIT_RUNTIME, snprintf(st->msg, sizeof st->msg, "out of memory");
    if (!mine)
        code = EXIT_RUNTIME, snprintf(st->msg, sizeof st->msg, "out of memory");
    if (!code && injected(par)) {
        code = EXIT_RUNTIME;
        snprintf(st->msg, sizeof st->msg, "failure injected for a test (%s=%d)", FAIL_RANK_ENV,
                 par->rank);
    }
    if (!code) {
        char err[512];
        struct tick t = {st, base};
        int rc = kz_sweep_eval(e->w, lo, hi, mine, on_item, &t, err, sizeof err);
        if (rc) {
            snprintf(st->msg, sizeof st->msg, "%.60s: %.440s", kz_model_name(e->m), err);
            code = rc == KZ_ECHECK || rc == KZ_EINVAL ? EXIT_INPUT : EXIT_RUNTIME;
        }
    }
    int bad = swmpi_status(par, &code, st->msg, sizeof st->msg);
    /* Every rank reaches the gather or none does; a gather that fails fails on all. */
    if (bad < 0 && swmpi_gather(par, mine, e->all, n, width, st->msg, sizeof st->msg))
        code = EXIT_RUNTIME, bad = par->rank;
    free(mine);
    *out = code;
    return bad;
}

/* ---- the table ------------------------------------------------------------------------------- */

static void dur(double s, char *buf, size_t n)
{
    kz_fmt_dur(s, KZ_DUR_TABLE, buf, n);
}

/* A factor's value in its unit: a duration, a count, a number. */
static void fval(const struct kz_factor *f, double v, char *buf, size_t n)
{
    if (f->duration)
        dur(v, buf, n);
    else if (f->integer)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%g", v);
}

static void pct(double f, char *buf, size_t n)
{
    if (isnan(f))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f%%", f * 100);
}

static void print_thread(const struct entry *e, size_t t, unsigned methods)
{
    const struct kz_sweep_thread *th = kz_sweep_thread(e->w, t);
    char a[16], b[16], c[16], d[16], x[16];
    dur(th->p50_s, a, sizeof a);
    dur(th->p50_lo_s, b, sizeof b);
    dur(th->p50_hi_s, c, sizeof c);
    dur(th->asm_p50_p05_s, d, sizeof d);
    dur(th->asm_p50_p95_s, x, sizeof x);
    printf("\n%s / %s: %s\n", kz_model_name(e->m), th->id, th->name ? th->name : "");
    printf("  p50 %-8s sampling 95%% [%s, %s]", a, b, c);
    if (methods & KZ_SWEEP_LHS)
        printf("   assumptions 5-95%% [%s, %s]", d, x);
    pct(th->met, a, sizeof a);
    pct(th->met_lo, b, sizeof b);
    pct(th->met_hi, c, sizeof c);
    pct(th->asm_met_p05, d, sizeof d);
    pct(th->asm_met_p95, x, sizeof x);
    printf("\n  met %-8s sampling 95%% [%s, %s]", a, b, c);
    if (methods & KZ_SWEEP_LHS)
        printf("   assumptions 5-95%% [%s, %s]", d, x);
    putchar('\n');
    size_t nf = kz_sweep_nfactors(e->w);
    if (!nf)
        return;
    printf("  moves the p50 most%s:\n",
           methods & KZ_SWEEP_OAT ? " (each alone, low .. high end)" : " (by |PRCC|)");
    for (size_t r = 0; r < nf && r < 3; r++) {
        const struct kz_sweep_effect *ef = kz_sweep_effect(e->w, t, r);
        const struct kz_factor *f = kz_levers_factor(e->lv, ef->factor);
        char lo[16], hi[16], prcc[24] = "";
        fval(f, f->lo, lo, sizeof lo);
        fval(f, f->hi, hi, sizeof hi);
        if (th->prcc_ok && !isnan(ef->prcc_p50))
            snprintf(prcc, sizeof prcc, "  PRCC %+.2f", ef->prcc_p50);
        char range[40];
        snprintf(range, sizeof range, "%s..%s", lo, hi);
        /* A factor is one range as written: an anchor or a default moves every element that
         * uses it, and the name is only the first of them - say so, or a reader would --set
         * that one element and see nothing move. */
        char label[160];
        if (f->uses > 1)
            snprintf(label, sizeof label, "%s (and %zu more, line %d)", f->name, f->uses - 1,
                     f->line);
        else
            snprintf(label, sizeof label, "%s", f->name);
        printf("    %-40s  %-14s", label, range);
        if (methods & KZ_SWEEP_OAT) {
            dur(ef->p50_lo_s, a, sizeof a);
            dur(ef->p50_hi_s, b, sizeof b);
            printf("  p50 %7s .. %s", a, b);
        }
        printf("%s\n", prcc);
    }
}

static void print_table(const struct study *st)
{
    struct kz_sweep_options o;
    kz_sweep_options_used(st->e[0].w, &o);
    printf("scenario %s: %s\n", kz_scenario_name(st->s), kz_scenario_title(st->s));
    printf("%s%ld runs per setting (the same draws for every setting), seed %llu\n",
           o.methods & KZ_SWEEP_LHS ? "" : "one at a time; ", o.runs, (unsigned long long)o.seed);
    if (o.methods & KZ_SWEEP_LHS)
        printf("%ld Latin-hypercube settings of the assumptions\n", o.samples);
    size_t qual = 0, badprcc = 0, nf = 0;
    for (size_t i = 0; i < st->n; i++) {
        const struct entry *e = &st->e[i];
        printf("\n%s: %zu assumptions swept\n", kz_model_name(e->m), kz_sweep_nfactors(e->w));
        for (size_t t = 0; t < kz_sweep_nthreads(e->w); t++) {
            print_thread(e, t, o.methods);
            badprcc += (o.methods & KZ_SWEEP_LHS) && kz_sweep_nfactors(e->w) &&
                       !kz_sweep_thread(e->w, t)->prcc_ok;
        }
        if (kz_levers_nqualitative(e->lv) > qual)
            qual = kz_levers_nqualitative(e->lv);
        if (kz_sweep_nfactors(e->w) > nf)
            nf = kz_sweep_nfactors(e->w);
    }
    printf("\nsampling: the 95%% interval from the replications at the nominal values; "
           "assumptions: where the\nanswer lands as the assumptions move over their ranges. "
           "Neither is the other.\n");
    if (o.methods & KZ_SWEEP_OAT)
        printf("The tornado moves one assumption at a time, the others at their values: it is "
               "blind to\ninteractions. PRCC (over the Latin-hypercube settings) is global, "
               "but sees only monotone relations.\n");
    if (badprcc)
        printf("PRCC not computed: %ld settings for up to %zu assumptions; it needs more than "
               "%zu (--samples %zu or more).\n",
               o.samples, nf, nf + 1, nf + 2);
    printf("%zu qualitative assumptions (alternatives, e.g. another holder) were not swept: "
           "compare them as variants.\n",
           qual);
}

/* ---- writing ----------------------------------------------------------------------------------
 */

static int write_out(struct study *st)
{
    struct kz_sweep_entry ents[MAX_STRUCTURES];
    struct kz_sweep_options o;
    kz_sweep_options_used(st->e[0].w, &o);
    for (size_t i = 0; i < st->n; i++)
        ents[i] = (struct kz_sweep_entry){kz_model_name(st->e[i].m), st->e[i].w, st->e[i].lv};
    struct kz_sweep_study sd = {.scenario = st->s,
                                .entries = ents,
                                .nentries = st->n,
                                .samples = o.samples,
                                .runs = o.runs,
                                .methods = o.methods,
                                .seed = o.seed,
                                .only = st->a->only,
                                .overrides = st->a->sets,
                                .noverrides = st->a->nsets};
    if (st->a->json) {
        int rc = kz_sweep_report_json(stdout, &sd);
        if (rc || fflush(stdout)) {
            snprintf(st->msg, sizeof st->msg, "cannot write the JSON");
            return EXIT_RUNTIME;
        }
    } else {
        print_table(st);
    }
    if (st->a->outdir) {
        if (kz_sweep_report_write(st->a->outdir, &sd, st->msg, sizeof st->msg))
            return EXIT_RUNTIME;
        if (!st->a->json)
            printf("\nwrote %s/sweep.json, tornado.csv, settings.csv, intervals.csv, "
                   "report.html\n",
                   st->a->outdir);
    }
    return EXIT_OK;
}

/* Rank 0: folds every structure and prints or writes; the others wait for its word.
 * Returns the failing rank (0) or -1; *out the code. */
static int finish(struct study *st, int *out)
{
    int code = EXIT_OK;
    if (st->par->rank == 0) {
        for (size_t i = 0; i < st->n && !code; i++)
            if (kz_sweep_fold(st->e[i].w, st->e[i].all))
                code = EXIT_RUNTIME, snprintf(st->msg, sizeof st->msg, "out of memory");
        if (!code)
            code = write_out(st);
    }
    int bad = swmpi_status(st->par, &code, st->msg, sizeof st->msg);
    *out = code;
    return bad;
}

/* ---- the command -------------------------------------------------------------------------------
 */

/* Parsing on ranks other than 0 is silent: every rank parses the same words, and one
 * message is enough. */
static int parse(const struct swmpi *par, int argc, char **argv, struct args *a)
{
    static const char *const methods[] = {"both", "lhs", "oat", NULL};
    struct cli_strs st = {a->structs, 0, MAX_STRUCTURES}, sets = {a->sets, 0, MAX_SETS};
    const struct cli_opt opts[] = {
        {.name = "--structure", .kind = CLI_STRS, .dst = &st, .meta = "F"},
        {.name = "--scenario",
         .kind = CLI_STR,
         .dst = &a->scen,
         .flags = CLI_REQUIRED,
         .meta = "F"},
        CLI_LONG_OPT("--samples", &a->samples, 1, 1000000),
        CLI_LONG_OPT("--runs", &a->runs, 1, 100000000),
        CLI_CHOICE_OPT("--method", &a->method, methods),
        CLI_STR_OPT("--only", &a->only, 0),
        {.name = "--set", .kind = CLI_STRS, .dst = &sets, .meta = "PATH=VALUE"},
        {.name = "--seed",
         .kind = CLI_LONG,
         .dst = &a->seed,
         .lo = 0,
         .hi = LONG_MAX,
         .given = &a->has_seed},
        CLI_LONG_OPT("--threads", &a->threads, 1, 256),
        CLI_FLAG_OPT("--json", &a->json),
        CLI_STR_OPT("--out", &a->outdir, 0),
        CLI_FLAG_OPT("--progress", &a->progress),
        {0},
    };
    const struct cli_cmd cmd = {.name = "sweep", .help = sweep_help, .opts = opts};
    int saved[2] = {-1, -1};
    if (par->rank > 0) {
        int null = open("/dev/null", O_WRONLY);
        for (int fd = 1; null >= 0 && fd <= 2; fd++) {
            fflush(fd == 1 ? stdout : stderr);
            saved[fd - 1] = dup(fd);
            dup2(null, fd);
        }
        if (null >= 0)
            close(null);
    }
    int code = cli_parse(&cmd, argc, argv);
    for (int fd = 1; fd <= 2; fd++)
        if (saved[fd - 1] >= 0) {
            fflush(fd == 1 ? stdout : stderr);
            dup2(saved[fd - 1], fd);
            close(saved[fd - 1]);
        }
    a->nstructs = st.n;
    a->nsets = sets.n;
    if (!a->method)
        a->method = "both";
    return code;
}

/* After a failure: rank 0 says which rank failed and why (alone, only what no helper has
 * said already). */
static void say_failure(const struct study *st, int bad)
{
    if (st->par->rank != 0 || !st->msg[0])
        return;
    if (st->par->on)
        fprintf(stderr, "kizuna sweep: rank %d: %s\n", bad, st->msg);
    else if (!st->said)
        fprintf(stderr, "kizuna sweep: %s\n", st->msg);
}

static int sweep(const struct swmpi *par, int argc, char **argv)
{
    struct args a = {0};
    int code = parse(par, argc, argv, &a);
    if (code != CLI_GO)
        return code;
    struct study *st = calloc(1, sizeof *st);
    if (!st)
        return EXIT_RUNTIME;
    st->par = par;
    st->a = &a;
    code = EXIT_OK;
    /* --out is checked before any work, by the one rank that writes. */
    if (par->rank == 0 && a.outdir && kz_report_prepare(a.outdir, st->msg, sizeof st->msg))
        code = EXIT_INPUT;
    if (!code)
        code = prepare(st);
    int bad = swmpi_status(par, &code, st->msg, sizeof st->msg);
    for (size_t i = 0; i < st->n && bad < 0; i++) {
        size_t lo, hi;
        swmpi_block(kz_sweep_nitems(st->e[i].w), par->rank, par->size, &lo, &hi);
        st->total += hi - lo;
    }
    st->bar = par->rank == 0 && (a.progress || isatty(STDERR_FILENO));
    for (size_t i = 0, base = 0; i < st->n && bad < 0; i++) {
        size_t lo, hi;
        bad = run_one(st, i, base, &code);
        swmpi_block(kz_sweep_nitems(st->e[i].w), par->rank, par->size, &lo, &hi);
        base += hi - lo;
    }
    if (bad < 0)
        bad = finish(st, &code);
    if (bad >= 0)
        say_failure(st, bad);
    for (size_t i = 0; i < st->n; i++) {
        kz_sweep_free(st->e[i].w);
        kz_levers_free(st->e[i].lv);
        kz_model_free(st->e[i].m);
        free(st->e[i].all);
    }
    kz_scenario_free(st->s);
    free(st);
    return code;
}

int cmd_sweep(int argc, char **argv)
{
    struct swmpi par;
    int code = swmpi_init(&argc, &argv, &par);
    if (code)
        return code;
    code = sweep(&par, argc, argv);
    swmpi_finalize(&par);
    return code;
}
