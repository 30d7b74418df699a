/* memcarve draw: an SVG picture of a layout CSV (a problem plus its offset
 * column), with the capacity, the live-size line and optional barriers. A
 * layout that breaks the (sync-aware) rules is still drawn, with a
 * warning, because a picture is how one finds out why. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "memcarve/csv.h"
#include "memcarve/svg.h"
#include "memcarve/sync.h"
#include "options.h"

int mc_cmd_draw(int argc, char **argv);

static const char draw_usage[] =
    "usage: memcarve draw --input=LAYOUT.csv [--capacity=N] [--syncs=FILE] [--output=F.svg]\n\n"
    "Draws LAYOUT.csv (the input columns plus offset, as memcarve solve writes it): time across, address up,\n"
    "one rectangle per buffer (hover for details), the capacity, the live size (LOAD) and the barriers.\n"
    "Exit status: 0 drawn, 1 the picture could not be written, 2 usage or input error.";

/* The offset column was read as fixed offsets: those are the layout. */
static int layout_offsets(const mc_csv *csv, const char *input, int64_t *offsets, int64_t *height)
{
    const mc_problem *problem = mc_csv_problem(csv);
    *height = 0;
    for (size_t i = 0; i < mc_problem_count(problem); ++i) {
        const mc_buffer *b = mc_problem_buffer(problem, i);
        offsets[i] = b->fixed_offset;
        if (offsets[i] == MC_NO_OFFSET) {
            fprintf(stderr, "memcarve draw: %s:%zu: field 'offset': expected an offset for every buffer (a layout)\n",
                    input, mc_csv_line(csv, i));
            return MC_EXIT_USAGE;
        }
        if (offsets[i] + b->size > *height) *height = offsets[i] + b->size;
    }
    return MC_EXIT_OK;
}

/* Warns (without failing) when the layout is not sync-safe. */
static void warn_if_invalid(const mc_problem *problem, const mc_barriers *bars, int64_t capacity,
                            const int64_t *offsets)
{
    mc_problem *extended = NULL;
    mc_error err;
    mc_error_clear(&err);
    mc_status st = mc_sync_extend(problem, bars, &extended, &err);
    if (st == MC_OK) st = mc_validate(extended, capacity, offsets, NULL, &err);
    if (st != MC_OK) fprintf(stderr, "memcarve draw: warning: the layout is not valid%s: %s\n",
                             bars->count ? " with these barriers" : "", err.message);
    mc_problem_destroy(extended);
}

static int draw(const mc_csv *csv, const char *input, int64_t capacity, const mc_barriers *bars, const char *output)
{
    const mc_problem *problem = mc_csv_problem(csv);
    int64_t *offsets = malloc((mc_problem_count(problem) + 1) * sizeof(int64_t)), height = 0;
    if (!offsets) {
        fprintf(stderr, "memcarve draw: out of memory\n");
        return MC_EXIT_FAIL;
    }
    int rc = layout_offsets(csv, input, offsets, &height);
    if (rc == MC_EXIT_OK) {
        if (capacity <= 0) capacity = height > 0 ? height : 1;
        warn_if_invalid(problem, bars, capacity, offsets);
        mc_error err;
        mc_error_clear(&err);
        if (mc_svg_write_file(problem, offsets, capacity, bars, output, &err) != MC_OK) {
            fprintf(stderr, "memcarve draw: %s\n", err.message);
            rc = MC_EXIT_FAIL;
        }
    }
    free(offsets);
    return rc;
}

int mc_cmd_draw(int argc, char **argv)
{
    const char *input = NULL, *syncs = NULL, *output = "-";
    int64_t capacity = 0;
    mc_opt opts[] = {
        {"input", MC_OPT_STRING, &input, "layout CSV with an offset column (required)", false},
        {"capacity", MC_OPT_INT, &capacity, "memory capacity to mark (default: the layout's height)", false},
        {"syncs", MC_OPT_STRING, &syncs, "barrier positions, one integer per line", false},
        {"output", MC_OPT_STRING, &output, "SVG file to write ('-' or absent: stdout)", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL, draw_usage);
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    if (!input || (opts[1].seen && capacity <= 0)) {
        fprintf(stderr, "memcarve draw: %s (see --help)\n",
                input ? "--capacity: expected a positive integer" : "--input=LAYOUT.csv is required");
        return MC_EXIT_USAGE;
    }
    mc_csv *csv = NULL;
    mc_barriers bars = {NULL, 0};
    mc_error err;
    mc_error_clear(&err);
    mc_status st = mc_csv_read_file(input, &csv, &err);
    if (st == MC_OK && syncs) st = mc_barriers_read_file(syncs, &bars, &err);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve draw: %s\n", err.message);
        rc = st == MC_ERR_NOMEM ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    } else {
        rc = draw(csv, input, capacity, &bars, output);
    }
    mc_barriers_free(&bars);
    mc_csv_destroy(csv);
    return rc;
}
