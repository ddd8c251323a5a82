/* cmd_check.c - `kizuna check FILE...`: load and validate structure files. */
#include <string.h>

#include "cli.h"

static void check_usage(FILE *out)
{
    fputs("usage: kizuna check [-q] [--no-warnings] FILE...\n\n"
          "Loads and validates structure files. Each problem is one line\n"
          "  FILE:LINE:COL: error|warning: [Knnn] message\n"
          "(rules in docs/checks.md). A summary goes to stderr unless -q.\n\n"
          "  -q, --quiet       no summary line\n"
          "  --no-warnings     print errors only\n\n"
          "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage.\n",
          out);
}

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

int cmd_check(int argc, char **argv)
{
    bool quiet = false, warnings = true;
    int first = 0, nfiles = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            check_usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
            quiet = true;
        } else if (!strcmp(argv[i], "--no-warnings")) {
            warnings = false;
        } else if (!strcmp(argv[i], "--")) {
            if (!first && i + 1 < argc)
                first = i + 1;
            nfiles += argc - i - 1;
            break;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "kizuna check: unknown option '%s'\n", argv[i]);
            check_usage(stderr);
            return EXIT_USAGE;
        } else {
            if (!first)
                first = i;
            nfiles++;
        }
    }
    if (!nfiles) {
        fputs("kizuna check: no files given\n", stderr);
        check_usage(stderr);
        return EXIT_USAGE;
    }
    size_t errors = 0, warns = 0;
    for (int i = first; i < argc; i++) {
        if (!strcmp(argv[i], "--") || (argv[i][0] == '-' && argv[i][1]))
            continue;
        kz_diags *d;
        if (kz_diags_create(&d)) {
            fputs("kizuna check: out of memory\n", stderr);
            return EXIT_RUNTIME;
        }
        kz_model *m = NULL;
        int rc = kz_model_load_file(argv[i], &m, d);
        if (rc == KZ_OK)
            rc = kz_model_check(m, d);
        if (rc == KZ_ENOMEM) {
            fputs("kizuna check: out of memory\n", stderr);
            kz_model_free(m);
            kz_diags_destroy(d);
            return EXIT_RUNTIME;
        }
        cli_print_diags(d, stdout, warnings);
        errors += kz_diags_errors(d);
        warns += kz_diags_warnings(d);
        kz_model_free(m);
        kz_diags_destroy(d);
    }
    if (!quiet)
        fprintf(stderr, "kizuna check: %d file%s, %zu error%s, %zu warning%s\n", nfiles,
                nfiles == 1 ? "" : "s", errors, errors == 1 ? "" : "s", warns,
                warns == 1 ? "" : "s");
    return errors ? EXIT_INPUT : EXIT_OK;
}
