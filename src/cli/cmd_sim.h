/* cmd_sim.h - what `kizuna sim` (cmd_sim.c) and `kizuna compare` (cmd_compare.c) share: running
 * a scenario over structures, its table and JSON, and --set over several scenarios. */
#ifndef KZ_CLI_CMD_SIM_H
#define KZ_CLI_CMD_SIM_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "kizuna/report.h"

#define MAX_STRUCTURES 32
/* Paired differences need every run's row (24 bytes a thread); above this many runs they are
 * not kept for them (only for --out's CSVs), so a long run does not run out of memory. */
#define PAIRED_MAX_RUNS 2000000L
/* `--set PATH=VALUE` options a command takes. */
#define MAX_SETS 64

/* The run options of sim and compare. */
struct simopts {
    long runs;
    long seed;
    bool has_seed;
    long threads;
    bool keep_runs;
    bool keep_steps;
};

/* Runs s over ms[0..nm) into res[] (a progress bar on a terminal); problems on stderr.
 * Returns EXIT_OK, EXIT_INPUT or EXIT_RUNTIME. */
int sim_run_group(kz_model **ms, size_t nm, const kz_scenario *s, const struct simopts *so,
                  kz_sim_result **res);
/* The text table of a group (its header names the overrides ov[0..nov)), and the paired
 * differences when there are several structures. */
void sim_print_table(FILE *out, const struct kz_report_group *g, const char *const *ov, size_t nov);
/* The index of the structure named `name` in ms[0..n) into *at (0 when name is NULL): a
 * usage error of command `cmd`, with a suggestion, when none has that name. */
int sim_pick_baseline(const char *cmd, const char *name, kz_model *const *ms, size_t n, size_t *at);
/* The --out directory made and checked before any work: exit 1 with the reason if unusable. */
int sim_prepare_out(const char *cmd, const char *dir);
/* The groups as JSON on stdout (one document, or {"scenarios": [...]} when all is set), with
 * o's overrides (o may be NULL). */
int sim_print_json(const char *cmd, const struct kz_report_group *g, size_t n, bool all,
                   const struct kz_report_options *o);

/* cli_apply_sets (cli.h) over several scenarios: a scenario path applies to each scenario
 * that has it (compare). (cli_levers.c) */
int cli_apply_sets_all(const char *cmd, kz_model *const *ms, size_t nm, kz_scenario *const *ss,
                       size_t ns, char *const *sets, size_t nsets);

#endif
