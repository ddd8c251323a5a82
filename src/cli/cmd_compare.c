/* cmd_compare.c - `kizuna compare`: every shipped structure on every shipped scenario that
 * fits it, one table per scenario and one report (the run, table and JSON of cmd_sim.c). */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_sim.h"
#include "kizuna/catalogue.h"
#include "kizuna/data.h"
#include "kizuna/validate.h"
#include "opt.h"

static const char compare_help[] =
    "usage: kizuna compare [--out DIR] [--data DIR] [--runs N] [--threads T] [--csv] [--json]\n"
    "                      [--baseline NAME] [--validation F | --no-validation]\n"
    "                      [--set PATH=VALUE ...]\n\n"
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
    "  --set PATH=VALUE  what if: run with one value changed (repeatable), e.g.\n"
    "               node.jjoc.processing.decide.median=2m; a path applies to every\n"
    "               structure and scenario that has it, and must exist in one\n"
    "               (docs/levers.md); recorded in the tables, the JSON and the report\n"
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
                       bool json, const struct kz_report_options *ro)
{
    char err[512];
    if (json) {
        int code = sim_print_json("compare", groups, n, true, ro);
        if (code)
            return code;
    }
    if (kz_report_write_opts(outdir, groups, n, ro, err, sizeof err)) {
        fprintf(stderr, "kizuna compare: %s\n", err);
        return EXIT_RUNTIME;
    }
    if (!json)
        printf("wrote %s/report.html, %s/results.json, %s/runs.csv, %s/steps.csv\n", outdir, outdir,
               outdir, outdir);
    return EXIT_OK;
}

/* What every scenario of compare is run with. */
struct cmp {
    kz_model *const *ms;
    size_t nm;
    const kz_model *base; /* --baseline's structure, or NULL: the first that fits */
    const struct simopts *so;
    bool json;
    const char *const *sets; /* --set, as given */
    size_t nsets;
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
    if ((code = sim_run_group(fit, nf, s, &so, r)))
        return code;
    *g = (struct kz_report_group){.scenario = s, .results = r, .nresults = nf, .baseline = base};
    if (!c->json) {
        sim_print_table(stdout, g, c->sets, c->nsets);
        fputc('\n', stdout);
    }
    *ran = true;
    return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
    const char *outdir = "out/compare", *dir = NULL, *baseline = NULL, *vfile = NULL;
    bool json = false, csv = false, novalidation = false;
    struct simopts so = {0, 0, false, 0, true, false};
    const char *sets[MAX_SETS];
    struct cli_strs se = {sets, 0, MAX_SETS};
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
        {.name = "--set", .kind = CLI_STRS, .dst = &se, .meta = "PATH=VALUE"},
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
    if ((code = sim_prepare_out("compare", outdir))) {
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
    if (code == EXIT_OK)
        code = cli_apply_sets_all("compare", ms, nm, scs, nsc, (char *const *)sets, se.n);
    size_t bi = 0;
    if (code == EXIT_OK)
        code = sim_pick_baseline("compare", baseline, ms, nm, &bi);
    so.keep_steps = csv;
    struct cmp c = {ms, nm, baseline ? ms[bi] : NULL, &so, json, sets, se.n};
    for (size_t k = 0; k < nsc && code == EXIT_OK; k++) {
        bool ran;
        code = compare_one(&c, scs[k], cat.scenarios[k], &res[ngroups * MAX_STRUCTURES],
                           &groups[ngroups], &ran);
        ngroups += ran;
    }
    struct vset vs = {0};
    if (code == EXIT_OK && !novalidation)
        code = run_validations(vfile, dir, &so, &vs);
    /* The rows are always kept (the paired differences); the files get them with --csv. */
    struct kz_report_options ro = {.no_run_rows = !csv,
                                   .validation = vs.all,
                                   .nvalidation = vs.nall,
                                   .overrides = sets,
                                   .noverrides = se.n};
    if (code == EXIT_OK)
        code = compare_out(outdir, groups, ngroups, json, &ro);
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
