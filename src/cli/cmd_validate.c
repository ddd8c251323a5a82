/* cmd_validate.c - kizuna validate: every validation case, model beside observed, pass or fail. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kizuna/data.h"
#include "kizuna/json.h"
#include "kizuna/util.h"
#include "kizuna/validate.h"
#include "opt.h"

#define MAX_FILES 64

static const char validate_help[] =
    "usage: kizuna validate [FILE ...] [--runs N] [--seed S] [--threads T] [--json]\n\n"
    "Runs every case of each validation file (default: DATA/validation/*.yaml; DATA as\n"
    "for the shipped structures: $KIZUNA_DATA, the installed tree, the source tree) and\n"
    "prints, per case, the observed public figure beside the model's p10/p50/p90 of the\n"
    "same segment of a thread, and whether the case's quantity falls in its band\n"
    "(docs/validation.md). Calibration cases are marked: they were used to set\n"
    "parameters, so only the held-out cases test the model.\n"
    "  --runs N     replications per case (default: the case's, else the scenario's)\n"
    "  --seed S     seed for every case (default: the case's, else the scenario's)\n"
    "  --threads T  worker threads (default: one per CPU)\n"
    "  --json       print the JSON document instead of the table (docs/json.md, \"validate\")\n"
    "Exit status: 0 every case passes, 1 a case fails or cannot be run, or a file is\n"
    "invalid, 2 usage.\n";

/* One file's outcome. */
struct vfile {
    const char *path;
    kz_validation *v;
    struct kz_vcase_result *r;
    size_t n;
};

static void dur(double s, char *buf, size_t n) { kz_fmt_dur(s, KZ_DUR_TABLE, buf, n); }

/* The observed figure as text: "4m00s", "3m00s-5m00s", "<= 4m00s", ">= 2m00s". */
static void observed_text(const struct kz_vcase_result *r, char *buf, size_t n)
{
    char a[16], b[16];
    dur(r->observed_lo_s, a, sizeof a);
    dur(r->observed_hi_s, b, sizeof b);
    switch (r->bound) {
    case KZ_VB_EXACT: snprintf(buf, n, "%s", a); break;
    case KZ_VB_RANGE: snprintf(buf, n, "%s-%s", a, b); break;
    case KZ_VB_UPPER: snprintf(buf, n, "<= %s", b); break;
    case KZ_VB_LOWER: snprintf(buf, n, ">= %s", a); break;
    }
}

static void print_file(FILE *out, const struct vfile *f)
{
    const char *title = kz_validation_title(f->v);
    fprintf(out, "validation %s%s%s\n", f->path, *title ? ": " : "", title);
    fprintf(out, "%-26s %-10s %-13s %8s %8s %8s  %-22s %s\n", "case", "date", "observed",
            "p10", "p50", "p90", "band", "result");
    for (size_t i = 0; i < f->n; i++) {
        const struct kz_vcase_result *r = &f->r[i];
        char obs[48], p10[16], p50[16], p90[16], lo[16], hi[16], band[40];
        observed_text(r, obs, sizeof obs);
        dur(r->p10_s, p10, sizeof p10);
        dur(r->p50_s, p50, sizeof p50);
        dur(r->p90_s, p90, sizeof p90);
        dur(r->tol_lo_s, lo, sizeof lo);
        dur(r->tol_hi_s, hi, sizeof hi);
        snprintf(band, sizeof band, "%s in [%s, %s]", kz_vquantity_names[r->quantity], lo,
                 isinf(r->tol_hi_s) ? "inf" : hi);
        fprintf(out, "%-26.26s %-10s %-13s %8s %8s %8s  %-22s %s%s\n", r->id, r->date, obs, p10,
                p50, p90, band, r->error ? "NOT RUN" : r->pass ? "pass" : "FAIL",
                r->calibration ? " (calibration)" : "");
        fprintf(out, "  %s: %s -> %s, over %s (%s); %ld runs, %.1f%% ended\n", r->thread,
                r->from, r->to, r->structure, r->scenario, r->runs, r->ended * 100);
        if (r->error)
            fprintf(out, "  not run: %s\n", r->error);
    }
}

/* ---- JSON (docs/json.md, "validate") -------------------------------------------------- */

static json_t *json_case(const struct kz_vcase_result *r)
{
    json_t *o = json_object(), *src = json_array(), *fig = json_object(), *tol = json_object();
    bool ok = o && src && fig && tol;
    for (size_t i = 0; i < r->nsources; i++)
        ok = kz_json_push(src, kz_json_str(r->sources[i])) && ok;
    kz_json_set(fig, "bound", kz_json_str(kz_vbound_names[r->bound]), &ok);
    kz_json_set(fig, "lo_s", kz_json_num(r->observed_lo_s), &ok);
    kz_json_set(fig, "hi_s", kz_json_num(r->observed_hi_s), &ok);
    kz_json_set(tol, "lo_s", kz_json_num(r->tol_lo_s), &ok);
    kz_json_set(tol, "hi_s", kz_json_num(r->tol_hi_s), &ok);
    const char *const keys[] = {"id", "title", "date", "file", "structure", "structure_path",
                                "scenario", "scenario_path", "thread", "from", "to",
                                "observed", "notes"};
    const char *const vals[] = {r->id, r->title, r->date, r->file, r->structure,
                                r->structure_path, r->scenario, r->scenario_path, r->thread,
                                r->from, r->to, r->observed, r->notes};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        kz_json_set(o, keys[i], kz_json_str(vals[i]), &ok);
    kz_json_set(o, "line", kz_json_num(r->line), &ok);
    kz_json_set(o, "col", kz_json_num(r->col), &ok);
    kz_json_set(o, "calibration", json_boolean(r->calibration), &ok);
    kz_json_set(o, "sources", src, &ok);
    kz_json_set(o, "figure", fig, &ok);
    kz_json_set(o, "quantity", kz_json_str(kz_vquantity_names[r->quantity]), &ok);
    kz_json_set(o, "tolerance", tol, &ok);
    kz_json_set(o, "model_s", kz_json_num(r->model_s), &ok);
    kz_json_set(o, "p10_s", kz_json_num(r->p10_s), &ok);
    kz_json_set(o, "p50_s", kz_json_num(r->p50_s), &ok);
    kz_json_set(o, "p90_s", kz_json_num(r->p90_s), &ok);
    kz_json_set(o, "ended", kz_json_num(r->ended), &ok);
    kz_json_set(o, "runs", kz_json_num((double)r->runs), &ok);
    kz_json_set(o, "seed", kz_json_num((double)r->seed), &ok);
    kz_json_set(o, "pass", json_boolean(r->pass), &ok);
    kz_json_set(o, "error", kz_json_str(r->error), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int print_json(const struct vfile *fs, size_t nf, size_t pass, size_t fail, size_t notrun)
{
    json_t *doc = json_object(), *files = json_array();
    bool ok = doc && files;
    for (size_t i = 0; i < nf; i++) {
        json_t *f = json_object(), *cases = json_array();
        bool fok = f && cases;
        kz_json_set(f, "file", kz_json_str(fs[i].path), &fok);
        kz_json_set(f, "title", kz_json_str(fs[i].v ? kz_validation_title(fs[i].v) : NULL), &fok);
        kz_json_set(f, "valid", json_boolean(fs[i].v != NULL), &fok);
        for (size_t k = 0; k < fs[i].n; k++)
            fok = kz_json_push(cases, json_case(&fs[i].r[k])) && fok;
        kz_json_set(f, "cases", cases, &fok);
        ok = fok && kz_json_push(files, f) && ok;
    }
    kz_json_set(doc, "files", files, &ok);
    kz_json_set(doc, "cases", kz_json_num((double)(pass + fail + notrun)), &ok);
    kz_json_set(doc, "passed", kz_json_num((double)pass), &ok);
    kz_json_set(doc, "failed", kz_json_num((double)fail), &ok);
    kz_json_set(doc, "not_run", kz_json_num((double)notrun), &ok);
    if (!ok) {
        json_decref(doc);
        doc = NULL;
    }
    int rc = kz_json_write(stdout, doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (rc == KZ_OK)
        return EXIT_OK;
    fprintf(stderr, "kizuna validate: cannot write the JSON: %s\n",
            rc == KZ_ENOMEM ? "out of memory" : strerror(errno));
    return EXIT_RUNTIME;
}

/* ---- the command -------------------------------------------------------------------- */

/* The .yaml files of DATA/validation into g (sorted); exit 1 with the reason when none. */
static int default_files(glob_t *g)
{
    char dir[4096], err[1024], pat[4200];
    if (kz_data_path("validation", dir, sizeof dir, err, sizeof err)) {
        fprintf(stderr, "kizuna validate: no validation directory: %s\n", err);
        return EXIT_INPUT;
    }
    snprintf(pat, sizeof pat, "%s/*.yaml", dir);
    if (glob(pat, 0, NULL, g) != 0 || g->gl_pathc == 0) {
        fprintf(stderr, "kizuna validate: no validation file in %s\n", dir);
        return EXIT_INPUT;
    }
    return EXIT_OK;
}

int cli_validation_run(const char *path, const struct kz_validate_options *o, kz_validation **v,
                       struct kz_vcase_result **r, size_t *n)
{
    kz_diags *d;
    if (kz_diags_create(&d))
        return KZ_ENOMEM;
    int rc = kz_validation_load_file(path, v, d);
    if (rc == KZ_OK)
        rc = kz_validation_run(*v, o, r, n, d);
    cli_print_diags(d, stderr, false);
    kz_diags_destroy(d);
    return rc;
}

/* Loads and runs one file. Returns the exit code it deserves. */
static int run_file(struct vfile *f, const struct kz_validate_options *o)
{
    int rc = cli_validation_run(f->path, o, &f->v, &f->r, &f->n);
    return rc == KZ_OK ? EXIT_OK : rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
}

int cmd_validate(int argc, char **argv)
{
    const char *pos[MAX_FILES];
    size_t npos = 0;
    bool json = false;
    long runs = 0, seed = 0, threads = 0;
    struct kz_validate_options vo = {0};
    const struct cli_opt opts[] = {
        CLI_LONG_OPT("--runs", &runs, 1, 100000000),
        {.name = "--seed", .kind = CLI_LONG, .dst = &seed, .lo = 0, .hi = LONG_MAX,
         .given = &vo.has_seed},
        CLI_LONG_OPT("--threads", &threads, 1, 256),
        CLI_FLAG_OPT("--json", &json),
        {0},
    };
    const struct cli_cmd cmd = {.name = "validate", .help = validate_help, .opts = opts,
                                .pos = pos, .npos = &npos, .maxpos = MAX_FILES,
                                .posname = "FILE"};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    vo.runs = runs;
    vo.seed = (uint64_t)seed;
    vo.threads = (int)threads;
    glob_t g = {0};
    if (npos == 0) {
        if ((code = default_files(&g))) {
            globfree(&g);
            return code;
        }
        for (size_t i = 0; i < g.gl_pathc && npos < MAX_FILES; i++)
            pos[npos++] = g.gl_pathv[i];
    }
    struct vfile fs[MAX_FILES] = {{0}};
    size_t pass = 0, fail = 0, notrun = 0;
    code = EXIT_OK;
    for (size_t i = 0; i < npos && code != EXIT_RUNTIME; i++) {
        fs[i].path = pos[i];
        int c = run_file(&fs[i], &vo);
        code = c > code ? c : code;
        for (size_t k = 0; k < fs[i].n; k++) {
            if (fs[i].r[k].error)
                notrun++;
            else if (fs[i].r[k].pass)
                pass++;
            else
                fail++;
        }
        if (!json && fs[i].v) {
            print_file(stdout, &fs[i]);
            fputc('\n', stdout);
        }
    }
    if (code != EXIT_RUNTIME && json) {
        int c = print_json(fs, npos, pass, fail, notrun);
        code = c > code ? c : code;
    } else if (code != EXIT_RUNTIME) {
        size_t all = pass + fail + notrun;
        printf("%zu case%s: %zu pass, %zu FAIL, %zu not run\n", all, all == 1 ? "" : "s", pass,
               fail, notrun);
    }
    if (code == EXIT_OK && (fail || notrun))
        code = EXIT_INPUT;
    for (size_t i = 0; i < npos; i++) {
        kz_vcase_results_free(fs[i].r, fs[i].n);
        kz_validation_free(fs[i].v);
    }
    globfree(&g);
    return code;
}
