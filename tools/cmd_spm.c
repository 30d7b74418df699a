/* Placeholder until the spm module lands; replaced by its implementation. */
#include <stdio.h>

#include "commands.h"
#include "options.h"

int mc_cmd_spm(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "memcarve spm: not built yet\n");
    return MC_EXIT_USAGE;
}
