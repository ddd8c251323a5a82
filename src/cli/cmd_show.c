/* cmd_show.c - `kizuna show` and `kizuna draw`: a structure as text or as an org chart. */
#include <string.h>

#include "cli.h"

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

int cli_phase(const kz_model *m, const char *phase)
{
    if (!phase || !strcmp(phase, "all"))
        return -1;
    int p = kz_model_phase_find(m, phase);
    if (p < 0) {
        fprintf(stderr, "kizuna: phase '%s' is not defined; phases are:", phase);
        for (int i = 0; kz_model_phase_id(m, i); i++)
            fprintf(stderr, " %s", kz_model_phase_id(m, i));
        fputc('\n', stderr);
        return -2;
    }
    return p;
}

/* Loads and checks `file` and resolves --phase into *p; NULL with *code set on failure. */
static kz_model *load_for_view(const char *file, const char *phase, int *p, int *code)
{
    kz_model *m = cli_load_checked(file, false, code);
    if (!m)
        return NULL;
    *p = cli_phase(m, phase);
    if (*p == -2) {
        kz_model_free(m);
        *code = EXIT_USAGE;
        return NULL;
    }
    return m;
}

static void show_usage(FILE *out)
{
    fputs("usage: kizuna show FILE [--phase P]\n\n"
          "Prints each nation's chain of command as an indented tree, then coordination\n"
          "links, authorities and networks. --phase restricts to what holds in phase P.\n",
          out);
}

static void draw_usage(FILE *out)
{
    fputs("usage: kizuna draw FILE -o OUT.svg|OUT.png [--phase P]\n\n"
          "Draws the structure as an org chart with Graphviz: one cluster per nation,\n"
          "one edge style per relation type, networks and a legend. The format follows\n"
          "the output file's extension. --phase draws only what holds in phase P.\n",
          out);
}

/* Parses FILE, --phase P and (for draw) -o OUT. Returns -1 on usage error, 1 on --help. */
static int parse(int argc, char **argv, bool want_out, const char **file, const char **phase,
                 const char **out)
{
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i]))
            return 1;
        if (!strcmp(argv[i], "--phase") || (want_out && !strcmp(argv[i], "-o"))) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kizuna: %s needs a value\n", argv[i]);
                return -1;
            }
            *(argv[i][1] == 'o' ? out : phase) = argv[i + 1];
            i++;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kizuna: unknown option '%s'\n", argv[i]);
            return -1;
        } else if (!*file) {
            *file = argv[i];
        } else {
            fprintf(stderr, "kizuna: one structure file only ('%s')\n", argv[i]);
            return -1;
        }
    }
    if (!*file) {
        fputs("kizuna: no structure file given\n", stderr);
        return -1;
    }
    if (want_out && !*out) {
        fputs("kizuna draw: -o OUT.svg|OUT.png is required\n", stderr);
        return -1;
    }
    return 0;
}

int cmd_show(int argc, char **argv)
{
    const char *file = NULL, *phase = NULL, *out = NULL;
    int r = parse(argc, argv, false, &file, &phase, &out);
    if (r) {
        show_usage(r > 0 ? stdout : stderr);
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    }
    int code = EXIT_OK, p;
    kz_model *m = load_for_view(file, phase, &p, &code);
    if (!m)
        return code;
    if (kz_model_show(m, p, stdout) != KZ_OK)
        code = EXIT_RUNTIME;
    kz_model_free(m);
    return code;
}

int cmd_draw(int argc, char **argv)
{
    const char *file = NULL, *phase = NULL, *out = NULL;
    int r = parse(argc, argv, true, &file, &phase, &out);
    if (r) {
        draw_usage(r > 0 ? stdout : stderr);
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    }
    const char *dot = strrchr(out, '.');
    const char *format = dot && !strcmp(dot, ".png")   ? "png"
                         : dot && !strcmp(dot, ".svg") ? "svg"
                                                       : NULL;
    if (!format) {
        fprintf(stderr, "kizuna draw: '%s' must end in .svg or .png\n", out);
        return EXIT_USAGE;
    }
    int code = EXIT_OK, p;
    kz_model *m = load_for_view(file, phase, &p, &code);
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
