/* memcarve check: validates a layout CSV (a problem file plus an offset
 * column) with the independent validator. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "memcarve/csv.h"
#include "memcarve/planner.h"
#include "options.h"

static const char check_usage[] =
    "usage: memcarve check --capacity=N --input=LAYOUT.csv\n\n"
    "Checks that the offsets in LAYOUT.csv (the offset column) form a valid layout: offsets >= 0 and\n"
    "aligned, offset + size <= N, and no two buffers alive at the same time overlap (gaps and windows\n"
    "respected). Prints the height. Exit status: 0 valid, 1 invalid, 2 usage or input error.";

int mc_cmd_check(int argc, char **argv)
{
    int64_t capacity = 0;
    const char *input = NULL;
    mc_opt opts[] = {
        {"capacity", MC_OPT_INT, &capacity, "memory capacity (required, > 0)", false},
        {"input", MC_OPT_STRING, &input, "layout CSV with an offset column (required)", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, 2, NULL, 0, NULL, check_usage);
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    if (!input || !opts[0].seen || capacity <= 0) {
        fprintf(stderr, "memcarve check: --input=FILE and a positive --capacity=N are required (see --help)\n");
        return MC_EXIT_USAGE;
    }
    mc_csv *csv = NULL;
    mc_error err;
    mc_error_clear(&err);
    if (mc_csv_read_file(input, &csv, &err) != MC_OK) {
        fprintf(stderr, "memcarve check: %s\n", err.message);
        return MC_EXIT_USAGE;
    }
    /* The offset column was read as fixed offsets: those are the layout. */
    const mc_problem *problem = mc_csv_problem(csv);
    size_t n = mc_problem_count(problem);
    int64_t *offsets = malloc((n + 1) * sizeof(int64_t));
    rc = MC_EXIT_OK;
    for (size_t i = 0; offsets && i < n && rc == MC_EXIT_OK; ++i) {
        offsets[i] = mc_problem_buffer(problem, i)->fixed_offset;
        if (offsets[i] == MC_NO_OFFSET) {
            fprintf(stderr, "memcarve check: %s:%zu: field 'offset': expected an offset for every buffer\n", input,
                    mc_csv_line(csv, i));
            rc = MC_EXIT_USAGE;
        }
    }
    int64_t height = 0;
    if (!offsets) {
        fprintf(stderr, "memcarve check: out of memory\n");
        rc = MC_EXIT_FAIL;
    } else if (rc == MC_EXIT_OK && mc_validate(problem, capacity, offsets, &height, &err) != MC_OK) {
        printf("INVALID: %s\n", err.message);
        rc = MC_EXIT_FAIL;
    } else if (rc == MC_EXIT_OK) {
        printf("VALID: %zu buffers, height %" PRId64 ", capacity %" PRId64 ", LOAD %" PRId64 "\n", n, height, capacity,
               mc_problem_load(problem));
    }
    free(offsets);
    mc_csv_destroy(csv);
    return rc;
}
