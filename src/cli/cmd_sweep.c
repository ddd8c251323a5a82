/* cmd_sweep.c - `kizuna sweep`: assumption settings x replications, sensitivity (placeholder). */
#include <stdio.h>

#include "cli.h"

int cmd_sweep(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("kizuna sweep: not implemented\n", stderr);
    return EXIT_RUNTIME;
}
