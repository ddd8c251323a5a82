/* cmd_check.c - `kizuna check [--structure F] FILE...`: structures; scenarios alone or bound. */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "opt.h"
#include "kizuna/check.h"
#include "kizuna/data.h"
#include "kizuna/scenario.h"
#include "kizuna/util.h"

#define MAX_CHECK_STRUCTURES 32

static const char check_help[] =
    "usage: kizuna check [-q] [--no-warnings] [--json] [--structure F]... FILE...\n\n"
    "Loads and validates structure and scenario files. Each problem is one line\n"
    "  FILE:LINE:COL: error|warning: [Knnn] message\n"
    "(rules in docs/checks.md and docs/scenario.md). A summary goes to stderr unless -q.\n\n"
    "A scenario (a file with the `kizuna-scenario` key) is checked on its own -\n"
    "its format and the references within it - unless --structure is given; then\n"
    "every id it uses is checked against each structure F as well (K040).\n"
    "F is a path, or the name of a shipped structure: jfhq is DATA/structures/jfhq.yaml,\n"
    "DATA being $KIZUNA_DATA, else the installed data (docs/architecture.md).\n\n"
    "  --structure F     check the scenarios against structure F (repeatable)\n"
    "  -q, --quiet       no summary line\n"
    "  --no-warnings     print errors only\n"
    "  --json            print one JSON document instead (docs/json.md, \"check\")\n\n"
    "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage, 3 runtime failure.\n";

void cli_print_diags(kz_diags *d, FILE *out, bool warnings)
{
    kz_diags_sort(d);
    for (size_t i = 0; i < kz_diags_count(d); i++) {
        const struct kz_diag *dg = kz_diags_get(d, i);
        if (warnings || dg->severity == KZ_SEV_ERROR)
            kz_diag_print(dg, out);
    }
    if (kz_diags_dropped(d))
        fprintf(out, "kizuna: %zu further diagnostics not shown\n", kz_diags_dropped(d));
}

/* One run of the command: its options, what it found, and (--json) the files' lists. */
struct run {
    bool warnings, json;
    size_t files, errors, warns, scenarios_alone;
    struct kz_check_file *kept; /* --json: every file's diagnostics, printed at the end */
    size_t nkept;
};

/* A --structure file's errors alone, in a list of their own (its warnings are not this
 * run's business). Returns NULL when out of memory. */
static kz_diags *errors_of(kz_diags *d)
{
    kz_diags *e;
    if (kz_diags_create(&e))
        return NULL;
    for (size_t i = 0; i < kz_diags_count(d); i++) {
        const struct kz_diag *g = kz_diags_get(d, i);
        if (g->severity == KZ_SEV_ERROR &&
            kz_diags_add(e, g->file, g->line, g->col, g->severity, g->code, "%s", g->msg)) {
            kz_diags_destroy(e);
            return NULL;
        }
    }
    return e;
}

/* A file is checked: count its findings, print them (each once) or keep them for the JSON.
 * Takes `d`. Returns EXIT_OK or EXIT_RUNTIME. */
static int finish(struct run *R, const char *file, kz_diags *d)
{
    size_t e, w;
    kz_check_count(d, &e, &w);
    R->errors += e;
    R->warns += w;
    if (R->json) {
        R->kept[R->nkept++] = (struct kz_check_file){file, d};
        return EXIT_OK;
    }
    for (size_t i = 0; i < kz_diags_count(d); i++) {
        const struct kz_diag *g = kz_diags_get(d, i);
        if (!kz_check_repeats(d, i) && (R->warnings || g->severity == KZ_SEV_ERROR))
            kz_diag_print(g, stdout);
    }
    if (kz_diags_dropped(d))
        printf("kizuna: %zu further diagnostics not shown\n", kz_diags_dropped(d));
    kz_diags_destroy(d);
    return EXIT_OK;
}

/* The shipped structures' names (DATA/structures/NAME.yaml) into names[], for "did you mean". */
static size_t shipped_names(char names[][64], size_t max)
{
    char dir[4096], pat[4200];
    glob_t g = {0};
    size_t n = 0;
    if (kz_data_path("structures", dir, sizeof dir, NULL, 0) != 0)
        return 0;
    snprintf(pat, sizeof pat, "%s/*.yaml", dir);
    if (glob(pat, 0, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc && n < max; i++) {
            const char *b = strrchr(g.gl_pathv[i], '/');
            b = b ? b + 1 : g.gl_pathv[i];
            size_t len = strlen(b) - strlen(".yaml");
            if (len < 64)
                snprintf(names[n++], 64, "%.*s", (int)len, b);
        }
    globfree(&g);
    return n;
}

/* A path as given, or a shipped structure's name ("jfhq") resolved in the data directory. */
static int structure_path(const char *arg, char *buf, size_t len)
{
    struct stat sb;
    if (stat(arg, &sb) == 0 || strchr(arg, '/') || strchr(arg, '.')) {
        snprintf(buf, len, "%s", arg);
        return EXIT_OK;
    }
    char rel[300], err[1024];
    snprintf(rel, sizeof rel, "structures/%.200s.yaml", arg);
    if (kz_data_path(rel, buf, len, err, sizeof err) == 0)
        return EXIT_OK;
    char names[MAX_CHECK_STRUCTURES][64];
    const char *cands[MAX_CHECK_STRUCTURES];
    size_t n = shipped_names(names, MAX_CHECK_STRUCTURES);
    for (size_t i = 0; i < n; i++)
        cands[i] = names[i];
    const char *hint = kz_suggest(arg, cands, n);
    return cli_usage("check", "no structure file '%s', and %s%s%s%s", arg, err,
                     hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
}

/* Loads and checks the --structure files; their errors are findings too (a wrong structure). */
static int load_structures(struct run *R, char *const *paths, int n, kz_model **ms)
{
    for (int i = 0; i < n; i++) {
        kz_diags *d, *e = NULL;
        bool scen;
        if (kz_scenario_file_is(paths[i], &scen))
            return EXIT_RUNTIME;
        if (scen)
            return cli_usage("check", "'%s' is a scenario; --structure takes a structure file",
                             paths[i]);
        if (kz_diags_create(&d))
            return EXIT_RUNTIME;
        int rc = kz_model_load_file(paths[i], &ms[i], d);
        if (rc == KZ_OK)
            rc = kz_model_check(ms[i], d);
        if (rc != KZ_ENOMEM)
            e = errors_of(d);
        kz_diags_destroy(d);
        if (!e)
            return EXIT_RUNTIME;
        if (kz_diags_errors(e))
            finish(R, paths[i], e);
        else
            kz_diags_destroy(e);
    }
    return EXIT_OK;
}

/* One scenario file: bound to every structure that loaded, else alone (no --structure, or
 * none of them loaded: their errors are printed, the scenario's own still count). */
static int check_scenario(struct run *R, const char *path, kz_model **ms, int nms, kz_diags *d)
{
    kz_scenario *s = NULL;
    int rc = kz_scenario_load_file(path, &s, d), bound = 0;
    for (int i = 0; rc == KZ_OK && i < nms; i++)
        bound += ms[i] != NULL;
    if (rc == KZ_OK && bound == 0) {
        rc = kz_scenario_check(s, d);
        R->scenarios_alone += nms == 0;
    }
    for (int i = 0; rc != KZ_ENOMEM && s && i < nms; i++)
        if (ms[i]) {
            int r = kz_scenario_bind_check(s, ms[i], d);
            if (r)
                rc = r;
        }
    kz_scenario_free(s);
    return rc;
}

static int check_structure(const char *path, kz_diags *d)
{
    kz_model *m = NULL;
    int rc = kz_model_load_file(path, &m, d);
    if (rc == KZ_OK)
        rc = kz_model_check(m, d);
    kz_model_free(m);
    return rc;
}

static int check_file(struct run *R, const char *path, kz_model **ms, int nms)
{
    bool scen;
    kz_diags *d;
    if (kz_scenario_file_is(path, &scen) || kz_diags_create(&d))
        return EXIT_RUNTIME;
    int rc = scen ? check_scenario(R, path, ms, nms, d) : check_structure(path, d);
    R->files++;
    if (rc == KZ_ENOMEM) {
        kz_diags_destroy(d);
        return EXIT_RUNTIME;
    }
    return finish(R, path, d);
}

/* The summary line(s) on stderr. */
static void summary(const struct run *R, char *const *structs, int nstruct)
{
    size_t n = R->scenarios_alone;
    if (n)
        fprintf(stderr,
                "kizuna check: %zu scenario%s checked on %s own; --structure F checks %s ids "
                "against a structure\n",
                n, n == 1 ? "" : "s", n == 1 ? "its" : "their", n == 1 ? "its" : "their");
    fprintf(stderr, "kizuna check: %zu file%s", R->files, R->files == 1 ? "" : "s");
    for (int i = 0; i < nstruct; i++)
        fprintf(stderr, "%s%s", i ? ", " : " against ", structs[i]);
    fprintf(stderr, ", %zu error%s, %zu warning%s\n", R->errors, R->errors == 1 ? "" : "s",
            R->warns, R->warns == 1 ? "" : "s");
}

int cmd_check(int argc, char **argv)
{
    bool quiet = false, nowarn = false, json = false;
    const char *sargs[MAX_CHECK_STRUCTURES];
    struct cli_strs st = {sargs, 0, MAX_CHECK_STRUCTURES};
    static char spaths[MAX_CHECK_STRUCTURES][4096];
    char *structs[MAX_CHECK_STRUCTURES];
    kz_model *ms[MAX_CHECK_STRUCTURES] = {0};
    struct run R = {0};
    size_t nfiles = 0;
    int nstruct = 0;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    R.kept = calloc((size_t)argc + MAX_CHECK_STRUCTURES, sizeof *R.kept);
    int code = EXIT_RUNTIME;
    if (!files || !R.kept) {
        fputs("kizuna check: out of memory\n", stderr);
        goto out;
    }
    const struct cli_opt opts[] = {
        {.name = "--structure", .kind = CLI_STRS, .dst = &st, .meta = "F"},
        {.name = "--quiet", .alias = "-q", .kind = CLI_FLAG, .dst = &quiet},
        CLI_FLAG_OPT("--no-warnings", &nowarn),
        CLI_FLAG_OPT("--json", &json),
        {0},
    };
    const struct cli_cmd cmd = {.name = "check",
                                .help = check_help,
                                .opts = opts,
                                .pos = files,
                                .npos = &nfiles,
                                .maxpos = (size_t)argc,
                                .minpos = 1,
                                .posname = "FILE"};
    code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        goto out;
    R.warnings = !nowarn;
    R.json = json;
    code = EXIT_OK;
    for (size_t i = 0; i < st.n && code == EXIT_OK; i++, nstruct++) {
        code = structure_path(sargs[i], spaths[i], sizeof spaths[i]);
        structs[i] = spaths[i];
    }
    if (code != EXIT_OK)
        goto out;
    code = load_structures(&R, structs, nstruct, ms);
    for (size_t i = 0; code == EXIT_OK && i < nfiles; i++)
        code = check_file(&R, files[i], ms, nstruct);
    if (code == EXIT_USAGE)
        goto out;
    if (code == EXIT_RUNTIME)
        fputs("kizuna check: out of memory\n", stderr);
    if (code == EXIT_OK && json) {
        int rc = kz_check_json(stdout, R.kept, R.nkept, R.warnings);
        if (rc == KZ_OK && fflush(stdout))
            rc = KZ_EIO;
        if (rc) {
            fprintf(stderr, "kizuna check: cannot write the JSON: %s\n", kz_strerror(rc));
            code = EXIT_RUNTIME;
        }
    }
    if (code == EXIT_OK) {
        if (!quiet)
            summary(&R, structs, nstruct);
        code = R.errors ? EXIT_INPUT : EXIT_OK;
    }
out:
    for (size_t i = 0; i < R.nkept; i++)
        kz_diags_destroy(R.kept[i].d);
    for (int i = 0; i < nstruct; i++)
        kz_model_free(ms[i]);
    free(R.kept);
    free((void *)files);
    return code;
}
