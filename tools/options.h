/* Command-line options for every subcommand: "--name=value", "--name value"
 * and bare "--flag", with '_' and '-' interchangeable in names (so
 * MiniMalloc's --minimize_capacity and --minimize-capacity both work). */
#ifndef MC_TOOLS_OPTIONS_H
#define MC_TOOLS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* Exit statuses shared by every subcommand. */
enum { MC_EXIT_OK = 0, MC_EXIT_FAIL = 1, MC_EXIT_USAGE = 2, MC_EXIT_HELP = 100 };

typedef enum mc_opt_kind { MC_OPT_FLAG, MC_OPT_INT, MC_OPT_DOUBLE, MC_OPT_STRING } mc_opt_kind;

typedef struct mc_opt {
    const char *name;     /* without the leading "--", spelled with '-'  */
    mc_opt_kind kind;
    void *target;         /* bool*, int64_t*, double*, const char**        */
    const char *help;     /* one line for --help                           */
    bool seen;            /* set by the parser                             */
} mc_opt;

/* Parses argv[first..argc). Non-option words go to positional[] (at most
 * max_positional; *positional_count receives the count). Returns MC_EXIT_OK,
 * MC_EXIT_HELP after printing help for --help/-h, or MC_EXIT_USAGE after
 * printing one message that names the offending option. */
int mc_parse_options(int argc, char **argv, int first, mc_opt *opts, size_t opt_count,
                     const char **positional, size_t max_positional, size_t *positional_count,
                     const char *usage);

/* Prints "usage" and the option table to stdout. */
void mc_print_help(const char *usage, const mc_opt *opts, size_t opt_count);

#endif
