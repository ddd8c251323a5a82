/* cmd_show.c - `kizuna show` and `kizuna draw`: a structure as text or as an org chart. */
#include <string.h>

#include "cli.h"
#include "opt.h"

/* Phases named in a bad --phase message, at most. */
#define KZ_MAX_LISTED_PHASES 32

kz_model *cli_load_checked(const char *path, bool strict, int *exit_code)
{
    kz_diags *d;
    kz_model *m = NULL;
    if (kz_diags_create(&d)) {
        *exit_code = EXIT_RUNTIME;
        return NULL;
    }
    int rc = kz_model_load_file(path, &m, d);
    if (rc == KZ_OK) {
        /* Semantic problems are worth seeing but do not stop a picture being drawn; they do
         * stop a simulation, whose numbers would mean nothing. */
        rc = kz_model_check(m, d);
        if (rc == KZ_ECHECK && !strict)
            rc = KZ_OK;
    }
    cli_print_diags(d, stderr, false);
    kz_diags_destroy(d);
    if (rc != KZ_OK) {
        if (rc == KZ_ECHECK)
            fprintf(stderr, "kizuna: %s has errors; fix them before simulating\n", path);
        kz_model_free(m);
        *exit_code = rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        return NULL;
    }
    return m;
}

int cli_phase_for(const char *cmd, const kz_model *m, const char *phase, bool allow_all)
{
    if (!phase || (allow_all && !strcmp(phase, "all")))
        return -1;
    int p = kz_model_phase_find(m, phase);
    if (p >= 0)
        return p;
    const char *ids[KZ_MAX_LISTED_PHASES + 1];
    size_t n = 0;
    for (int i = 0; n < KZ_MAX_LISTED_PHASES && kz_model_phase_id(m, i); i++)
        ids[n++] = kz_model_phase_id(m, i);
    if (allow_all)
        ids[n++] = "all";
    cli_bad_value(cmd, "--phase", phase, ids, n);
    return -2;
}

/* Loads and checks `file` and resolves --phase into *p; NULL with *code set on failure. */
static kz_model *load_for_view(const char *cmd, const char *file, const char *phase, int *p,
                               int *code)
{
    kz_model *m = cli_load_checked(file, false, code);
    if (!m)
        return NULL;
    *p = cli_phase_for(cmd, m, phase, true);
    if (*p == -2) {
        kz_model_free(m);
        *code = EXIT_USAGE;
        return NULL;
    }
    return m;
}

static const char show_help[] =
    "usage: kizuna show FILE [--phase P] [--json]\n\n"
    "Prints each nation's chain of command as an indented tree, then coordination\n"
    "links, authorities and networks. --phase restricts to what holds in phase P.\n"
    "  --json       print the structure as JSON instead (docs/json.md, \"show\")\n";

static const char draw_help[] =
    "usage: kizuna draw FILE -o OUT.svg|OUT.png [--phase P]\n\n"
    "Draws the structure as an org chart with Graphviz: one cluster per nation,\n"
    "one edge style per relation type, networks and a legend. The format follows\n"
    "the output file's extension. --phase draws only what holds in phase P.\n";

int cmd_show(int argc, char **argv)
{
    const char *file = NULL, *phase = NULL;
    bool json = false;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--phase", &phase, 0),
        CLI_FLAG_OPT("--json", &json),
        {0},
    };
    const struct cli_cmd cmd = {.name = "show", .help = show_help, .opts = opts, .pos = &file,
                                .maxpos = 1, .minpos = 1, .posname = "FILE"};
    int code = cli_parse(&cmd, argc, argv), p;
    if (code != CLI_GO)
        return code;
    code = EXIT_OK;
    kz_model *m = load_for_view("show", file, phase, &p, &code);
    if (!m)
        return code;
    int rc = json ? kz_model_json(m, p, stdout) : kz_model_show(m, p, stdout);
    if (rc == KZ_OK && fflush(stdout) != 0)
        rc = KZ_EIO;
    if (rc != KZ_OK) {
        fprintf(stderr, "kizuna show: cannot write the structure: %s\n", kz_strerror(rc));
        code = EXIT_RUNTIME;
    }
    kz_model_free(m);
    return code;
}

int cmd_draw(int argc, char **argv)
{
    const char *file = NULL, *phase = NULL, *out = NULL;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--phase", &phase, 0),
        {.name = "-o", .alias = "--out", .kind = CLI_STR, .dst = &out, .flags = CLI_REQUIRED,
         .meta = "OUT.svg|OUT.png"},
        {0},
    };
    const struct cli_cmd cmd = {.name = "draw", .help = draw_help, .opts = opts, .pos = &file,
                                .maxpos = 1, .minpos = 1, .posname = "FILE"};
    int code = cli_parse(&cmd, argc, argv), p;
    if (code != CLI_GO)
        return code;
    const char *dot = strrchr(out, '.');
    const char *format = dot && !strcmp(dot, ".png")   ? "png"
                         : dot && !strcmp(dot, ".svg") ? "svg"
                                                       : NULL;
    if (!format)
        return cli_usage("draw", "'%s' must end in .svg or .png", out);
    code = EXIT_OK;
    kz_model *m = load_for_view("draw", file, phase, &p, &code);
    if (!m)
        return code;
    char err[300];
    int rc = kz_model_draw(m, p, out, format, err, sizeof err);
    if (rc != KZ_OK) {
        fprintf(stderr, "kizuna draw: %s\n", err);
        code = EXIT_RUNTIME;
    }
    kz_model_free(m);
    return code;
}
