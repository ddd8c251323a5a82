/* cli_levers.c - `--set PATH=VALUE` on sim, compare and sweep (placeholder). */
#include <stdio.h>

#include "cli.h"

int cli_apply_sets(const char *cmd, kz_model *const *ms, size_t nm, kz_scenario *s,
                   char *const *sets, size_t nsets)
{
    (void)ms;
    (void)nm;
    (void)s;
    (void)sets;
    if (nsets)
        fprintf(stderr, "kizuna %s: --set is not implemented yet\n", cmd);
    return nsets ? EXIT_INPUT : EXIT_OK;
}
