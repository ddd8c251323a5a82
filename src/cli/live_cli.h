/* live_cli.h - what the live commands (cmd_live.c, cmd_journal.c) share. */
#ifndef KZ_LIVE_CLI_H
#define KZ_LIVE_CLI_H

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "kizuna/error.h"
#include "opt.h"
#include "kizuna/json.h"

#define DEFAULT_JOURNAL "kizuna-journal"

/* kizuna send and decide: queued, but the node did not take the command within the wait. */
enum { EXIT_TIMEOUT = 4 };

/* kz_live_node_check's refusal `rc` with its message: a usage error for a node the structure
 * does not have (KZ_EINVAL), invalid input for one without a journal. Returns the exit code. */
static inline int live_bad_node(const char *cmd, int rc, const char *err)
{
    if (rc == KZ_EINVAL)
        return cli_usage(cmd, "%s", err);
    fprintf(stderr, "kizuna %s: %s\n", cmd, err);
    return EXIT_INPUT;
}

/* journal --audit --json's object (cmd_journal.c), for exercise --json too; NULL when out of
 * memory. */
struct kz_audit;
json_t *live_audit_json(const char *dir, const struct kz_audit *a);

/* Prints a JSON document (indented by two) or a JSON line (compact), and drops `o`; false when
 * out of memory (or !ok: a value could not be made). */
static inline bool live_json_emit(json_t *o, bool ok, bool line)
{
    size_t how = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9) |
                 (line ? JSON_COMPACT : JSON_INDENT(2));
    char *s = ok && o ? json_dumps(o, how) : NULL;
    json_decref(o);
    if (!s)
        return false;
    puts(s);
    free(s);
    return true;
}


#endif
