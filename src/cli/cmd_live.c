/* cmd_live.c - placeholder. */
#include "cli.h"

#define STUB(name)                  \
    int name(int argc, char **argv) \
    {                               \
        (void)argc;                 \
        (void)argv;                 \
        return EXIT_USAGE;          \
    }
STUB(cmd_node)
STUB(cmd_send)
STUB(cmd_watch)
STUB(cmd_inbox)
STUB(cmd_decide)
STUB(cmd_journal)
STUB(cmd_exercise)
