/* memcarve: dispatches to a subcommand. With no subcommand but an option
 * (memcarve --capacity=N --input=F ...) it behaves like MiniMalloc's
 * `minimalloc` command, so existing scripts keep working. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"solve", mc_cmd_solve, "place buffers in memory (MiniMalloc-compatible flags)"},
    {"check", mc_cmd_check, "validate a layout CSV (input columns plus offset)"},
    {"gen", mc_cmd_gen, "generate a planning problem (transformer, CNN, tiling with known optimum)"},
    {"draw", mc_cmd_draw, "draw a layout as SVG: time across, address up"},
    {"sync", mc_cmd_sync, "GPU shared memory: plan with barriers, promote reuse, insert barriers"},
    {"lattice", mc_cmd_lattice, "smallest modular mapping for array contraction"},
    {"spm", mc_cmd_spm, "scratch-pad heap: run an allocation trace, print statistics"},
    {"cache", mc_cmd_cache, "caching device allocator: turn a trace into a planning problem"},
};

static void print_usage(FILE *out)
{
    fprintf(out, "usage: memcarve <command> [options]   (memcarve <command> --help)\n"
                 "       memcarve --capacity=N --input=FILE [--output=FILE] ...  (same as solve)\n\n"
                 "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_usage(stderr);
        return MC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        print_usage(stdout);
        return MC_EXIT_OK;
    }
    if (argv[1][0] == '-') return mc_cmd_solve(argc, argv);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "memcarve: unknown command '%s'\n", argv[1]);
    print_usage(stderr);
    return MC_EXIT_USAGE;
}
