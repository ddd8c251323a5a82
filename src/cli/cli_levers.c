/* cli_levers.c - `--set PATH=VALUE` on sim, compare and sweep: each assignment applied, through
 * kizuna/levers.h, to every structure and scenario that has its path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_sim.h"
#include "kizuna/error.h"
#include "kizuna/levers.h"

int cli_apply_sets(const char *cmd, kz_model *const *ms, size_t nm, kz_scenario *s,
                   char *const *sets, size_t nsets)
{
    return cli_apply_sets_all(cmd, ms, nm, s ? &s : NULL, s ? 1 : 0, sets, nsets);
}

/* Applies sets[i] to every lever set of lv[0..n); an error printed, or EXIT_OK. */
static int apply_one(const char *cmd, kz_levers **lv, size_t n, const char *set)
{
    char err[512], missing[512] = "";
    size_t applied = 0;
    for (size_t k = 0; k < n; k++) {
        int rc = kz_levers_set(lv[k], set, err, sizeof err);
        if (rc == KZ_OK) {
            applied++;
        } else if (rc == KZ_ENOTFOUND) {
            /* keep the first answer that has a suggestion: the structures come first, so a
             * node path is suggested from a structure, a thread path from the scenario */
            if (!*missing || (!strstr(missing, "did you mean") && strstr(err, "did you mean")))
                snprintf(missing, sizeof missing, "%s", err);
        } else {
            fprintf(stderr, "kizuna %s: --set: %s\n", cmd, err);
            return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        }
    }
    if (applied)
        return EXIT_OK;
    fprintf(stderr, "kizuna %s: --set: %s\n", cmd, *missing ? missing : "no structure or scenario");
    return EXIT_INPUT;
}

int cli_apply_sets_all(const char *cmd, kz_model *const *ms, size_t nm, kz_scenario *const *ss,
                       size_t ns, char *const *sets, size_t nsets)
{
    if (!nsets)
        return EXIT_OK;
    /* a structure's levers, then a scenario's alone: a scenario path is applied once per
     * scenario, however many structures it runs over */
    kz_levers **lv = calloc(nm + ns + 1, sizeof *lv);
    int code = lv ? EXIT_OK : EXIT_RUNTIME;
    size_t n = 0;
    for (size_t i = 0; code == EXIT_OK && i < nm + ns; i++) {
        int rc =
            i < nm ? kz_levers_open(ms[i], NULL, &lv[n]) : kz_levers_open(NULL, ss[i - nm], &lv[n]);
        if (rc == KZ_OK)
            n++;
        else if (rc != KZ_EINVAL) /* KZ_EINVAL: a NULL entry, nothing to set there */
            code = EXIT_RUNTIME;
    }
    if (code == EXIT_RUNTIME)
        fprintf(stderr, "kizuna %s: --set: out of memory\n", cmd);
    for (size_t i = 0; code == EXIT_OK && i < nsets; i++)
        code = apply_one(cmd, lv, n, sets[i]);
    for (size_t i = 0; lv && i < n; i++)
        kz_levers_free(lv[i]);
    free(lv);
    return code;
}
