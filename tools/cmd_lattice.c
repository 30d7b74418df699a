/* Placeholder until the lattice module lands; replaced by its implementation. */
#include <stdio.h>

#include "commands.h"
#include "options.h"

int mc_cmd_lattice(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "memcarve lattice: not built yet\n");
    return MC_EXIT_USAGE;
}
