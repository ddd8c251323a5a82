/* cli.h - the kizuna command's subcommands and their shared helpers. */
#ifndef KZ_CLI_H
#define KZ_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "kizuna/kizuna.h"
#include "kizuna/sim.h"
#include "kizuna/validate.h"

/* Exit codes (README.md): 0 success, 1 invalid input, 2 usage, 3+ runtime failures. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

int cmd_check(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_draw(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_node(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_inbox(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_journal(int argc, char **argv);
int cmd_exercise(int argc, char **argv);
int cmd_pki(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Loads validation file `path` into *v and runs its cases into *r, *n (validate, compare's
 * strip); problems printed to stderr. Returns the KZ code of the load or the run. */
int cli_validation_run(const char *path, const struct kz_validate_options *o, kz_validation **v,
                       struct kz_vcase_result **r, size_t *n);

/*
 * Applies every `--set PATH=VALUE` (sets[0..nsets)) to the structures ms[0..nm) and to the
 * scenario s (may be NULL), through kizuna/levers.h: a structure path applies to each
 * structure that has it, a scenario path once; a path that neither any structure nor the
 * scenario has, or a bad value, is an error naming the nearest valid path. Prints problems
 * to stderr as "kizuna CMD: ..."; returns EXIT_OK or EXIT_INPUT. (src/cli/cli_levers.c)
 */
int cli_apply_sets(const char *cmd, kz_model *const *ms, size_t nm, kz_scenario *s,
                   char *const *sets, size_t nsets);

/* True when argv[i] is -h or --help. */
bool cli_is_help(const char *arg);
/* Prints every diagnostic, sorted, to stderr or stdout. */
void cli_print_diags(kz_diags *d, FILE *out, bool warnings);
/* Loads and checks a structure; prints problems to stderr. `strict` (simulation) refuses a
 * structure with check errors; show/draw accept it. Returns the model, or NULL with
 * *exit_code set. */
kz_model *cli_load_checked(const char *path, bool strict, int *exit_code);
/* A scenario loaded, problems printed; NULL with *code set. */
kz_scenario *cli_load_scenario(const char *path, int *code);
/* Every id the scenario uses is in the structure; prints the places that are not. */
bool cli_fits(const kz_scenario *s, const kz_model *m, int *code);
/* Resolves --phase of command `cmd` ("show"); an unknown phase is a usage error printed with
 * a suggestion (opt.h's wording), returning -2. -1 means all (no --phase, or "all" when
 * allow_all: show and draw; a node starts in one phase). */
int cli_phase_for(const char *cmd, const kz_model *m, const char *phase, bool allow_all);

#endif
