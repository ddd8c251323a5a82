/* cmd_export.c - `kizuna export`: a structure and a node's tracks as GeoJSON or KML (placeholder). */
#include <stdio.h>

#include "cli.h"

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("kizuna export: not implemented\n", stderr);
    return EXIT_RUNTIME;
}
