/* Placeholder until the cache module lands; replaced by its implementation. */
#include <stdio.h>

#include "commands.h"
#include "options.h"

int mc_cmd_cache(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "memcarve cache: not built yet\n");
    return MC_EXIT_USAGE;
}
