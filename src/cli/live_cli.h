/* live_cli.h - what the live commands (cmd_live.c, cmd_journal.c) share. */
#ifndef KZ_LIVE_CLI_H
#define KZ_LIVE_CLI_H

#include <stdio.h>

#include "cli.h"
#include "kizuna/error.h"
#include "opt.h"

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

#endif
