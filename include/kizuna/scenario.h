/* kizuna/scenario.h - crisis scenarios: loaded from YAML, checked against a structure. */
#ifndef KIZUNA_SCENARIO_H
#define KIZUNA_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kizuna/diag.h"
#include "kizuna/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A scenario (docs/scenario.md): the start time and phase, phase changes,
 * injects and background load, outages, and the measured threads - sequences
 * of steps (share, decide, order, report, delay) with a deadline. It names
 * nodes, decisions and phases by id, so one scenario runs over every
 * structure that defines them. Opaque and immutable once loaded.
 */
typedef struct kz_scenario kz_scenario;
/* Owned by the caller (kz_scenario_free). The strings the accessors return live as long as
 * the scenario. A scenario holds no pointer into any structure: it may outlive them. */

/* Loads a scenario file; problems go to `d` with their line and column.
 * Returns 0, KZ_EIO, KZ_EPARSE, KZ_ECHECK or KZ_ENOMEM (*out NULL unless 0). */
int kz_scenario_load_file(const char *path, kz_scenario **out, kz_diags *d);
int kz_scenario_load_mem(const char *name, const void *buf, size_t len, kz_scenario **out,
                         kz_diags *d);
void kz_scenario_free(kz_scenario *s);

const char *kz_scenario_name(const kz_scenario *s);
const char *kz_scenario_title(const kz_scenario *s);
/* Replications and seed the file asks for (defaults 1000 and 1). */
long kz_scenario_runs(const kz_scenario *s);
uint64_t kz_scenario_seed(const kz_scenario *s);

/*
 * Checks that every id the scenario uses exists in the structure (node,
 * decision, phase, network, nation) and reports each missing one at its place
 * in the scenario file. Returns 0 or KZ_ECHECK.
 */
int kz_scenario_bind_check(const kz_scenario *s, const kz_model *m, kz_diags *d);

/*
 * Checks a loaded scenario on its own, without a structure: the references it
 * makes within itself (K010 two steps of a thread with one id; K041 an order
 * without `by` whose decision no earlier decide step of its thread takes,
 * located at the order's decision and naming the decisions the thread does
 * take). kz_scenario_bind_check applies the same rules, with the structure's
 * ids known. Returns 0, KZ_ECHECK or KZ_ENOMEM.
 */
int kz_scenario_check(const kz_scenario *s, kz_diags *d);

/*
 * Sets *is_scenario when the file at `path` is a scenario: its top-level
 * mapping has the `kizuna-scenario` key (for a file that is not valid YAML, a
 * line that starts with it). An unreadable file is no scenario (the loader
 * that follows reports why). Returns 0 or KZ_ENOMEM.
 */
int kz_scenario_file_is(const char *path, bool *is_scenario);


/* ---- overrides (scenario_override.c; issue 11 item 9, validation cases) ----------------
 *
 * Changes to a loaded scenario for one use, e.g. a validation case that replays one
 * observed launch: one missile instead of a salvo, the launch's time of day. They break
 * the "immutable once loaded" rule on purpose, so apply them to a scenario loaded for that
 * use only, before it is run (never while a run or another thread reads it). Each returns
 * 0, KZ_EINVAL (NULL scenario, value out of range) or KZ_ENOTFOUND (no such thread).
 */

/* Copies of thread `thread` (its id), 1 to 64; the spacing stays. */
int kz_scenario_set_copies(kz_scenario *s, const char *thread, int copies);
/* A fixed start: t = 0 at minute `week_min_utc` of the week (0 = Monday 00:00 UTC; < 10080). */
int kz_scenario_set_start(kz_scenario *s, int week_min_utc);
/* A start drawn per replication, uniformly over the whole minutes from `lo_week_min_utc` to
 * `hi_week_min_utc` (both in [0, 10080)); hi before lo is a window over the week's end
 * (sun 23:50 to mon 00:10 UTC). */
int kz_scenario_set_start_window(kz_scenario *s, int lo_week_min_utc, int hi_week_min_utc);
/* Replications (1 to 1e8) and seed that the scenario asks for (kz_scenario_runs/_seed). */
int kz_scenario_set_runs(kz_scenario *s, long runs);
int kz_scenario_set_seed(kz_scenario *s, uint64_t seed);
/*
 * Parses a start as the scenario format writes it ("sat 02:30 UTC+9": a day mon..sun, a
 * local time HH:MM and an offset UTC+H, +H, +HH:MM or -H:MM; no offset is UTC) into the
 * week minute UTC. Returns 0 or KZ_EINVAL (not that form; "any" is not a time).
 */
int kz_scenario_parse_start(const char *text, int *week_min_utc);

#ifdef __cplusplus
}
#endif
#endif
