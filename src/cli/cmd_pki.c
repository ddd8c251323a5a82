/* cmd_pki.c - `kizuna pki init`: placeholder. */
#include "cli.h"

int cmd_pki(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return EXIT_USAGE;
}
