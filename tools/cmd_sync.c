/* memcarve sync: planning for memories reused only across barriers (GPU
 * shared memory). Reads a problem and a syncs file, optionally adds
 * barriers (--promote-reuse, --insert-barriers), lays the buffers out with
 * nvFuser's stack allocator or the exact solver, validates the layout
 * against the sync rule and writes it. Outputs appear only on success. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memcarve/csv.h"
#include "memcarve/svg.h"
#include "memcarve/sync.h"
#include "options.h"

int mc_cmd_sync(int argc, char **argv);

typedef struct sync_args {
    const char *input, *syncs, *method, *promote, *output, *syncs_output, *svg;
    int64_t capacity, alignment;
    bool insert, quiet;
    double timeout;
} sync_args;

static const char sync_usage[] =
    "usage: memcarve sync --input=FILE --capacity=N [--syncs=FILE] [--method=stack|exact]\n"
    "                     [--promote-reuse=ID,...] [--insert-barriers] [--output=FILE] [--syncs-output=FILE]\n\n"
    "Lays out FILE (MiniMalloc CSV) so that two buffers share addresses only when a barrier (a time in the\n"
    "syncs file, one integer per line) lies strictly between the last read (upper - 1) of one and the first\n"
    "write (lower) of the other. --promote-reuse adds a barrier just before the next first write after each\n"
    "named buffer's last read; --insert-barriers adds the fewest barriers that make the layout fit N.\n"
    "Inserted barriers are listed on stderr and written, with the given ones, to --syncs-output.\n"
    "Exit status: 0 laid out, 1 does not fit (or stopped), 2 usage or input error.";

static int parse_sync_args(int argc, char **argv, sync_args *a)
{
    mc_opt opts[] = {
        {"input", MC_OPT_STRING, &a->input, "problem CSV file (required)", false},
        {"capacity", MC_OPT_INT, &a->capacity, "memory capacity (required, > 0)", false},
        {"syncs", MC_OPT_STRING, &a->syncs, "barrier positions, one non-negative integer per line, increasing", false},
        {"method", MC_OPT_STRING, &a->method, "stack (nvFuser's allocator, default) or exact", false},
        {"alignment", MC_OPT_INT, &a->alignment, "stack method: offsets are multiples of this (default 16)", false},
        {"promote-reuse", MC_OPT_STRING, &a->promote, "comma-separated ids: a barrier after each one's last read", false},
        {"insert-barriers", MC_OPT_FLAG, &a->insert, "add the fewest barriers that make the layout fit", false},
        {"timeout", MC_OPT_DOUBLE, &a->timeout, "exact method: seconds per solver call (0: none)", false},
        {"output", MC_OPT_STRING, &a->output, "layout CSV to write ('-' or absent: stdout)", false},
        {"syncs-output", MC_OPT_STRING, &a->syncs_output, "write all barriers (given and inserted) here", false},
        {"svg", MC_OPT_STRING, &a->svg, "also draw the layout to this SVG file", false},
        {"quiet", MC_OPT_FLAG, &a->quiet, "no report on stderr", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL, sync_usage);
    if (rc != MC_EXIT_OK) return rc;
    const char *problem = !a->input                        ? "--input=FILE is required"
                          : !opts[1].seen || a->capacity <= 0 ? "--capacity: expected a positive integer"
                          : a->alignment < 1                 ? "--alignment: expected an integer >= 1"
                          : a->timeout < 0                   ? "--timeout: expected a number >= 0"
                                                             : NULL;
    if (problem) {
        fprintf(stderr, "memcarve sync: %s (see --help)\n", problem);
        return MC_EXIT_USAGE;
    }
    if (strcmp(a->method, "stack") && strcmp(a->method, "exact")) {
        fprintf(stderr, "memcarve sync: --method: unknown method '%s' (expected stack or exact)\n", a->method);
        return MC_EXIT_USAGE;
    }
    return MC_EXIT_OK;
}

/* Splits "A,B,C" in place; an empty id is a usage error. */
static int split_ids(char *list, const char **ids, size_t *count)
{
    *count = 0;
    for (char *start = list;;) {
        char *comma = strchr(start, ',');
        if (comma) *comma = '\0';
        if (!*start) {
            fprintf(stderr, "memcarve sync: --promote-reuse: expected comma-separated buffer ids, got an empty id\n");
            return MC_EXIT_USAGE;
        }
        ids[(*count)++] = start;
        if (!comma) return MC_EXIT_OK;
        start = comma + 1;
    }
}

static void print_positions(const char *label, const mc_barriers *b)
{
    fprintf(stderr, "memcarve sync: %s:", label);
    if (!b->count) fputs(" none", stderr);
    for (size_t k = 0; k < b->count; ++k) fprintf(stderr, "%s %" PRId64, k ? "," : "", b->positions[k]);
    fputc('\n', stderr);
}

static int promote(const sync_args *a, const mc_problem *problem, mc_barriers *bars)
{
    size_t length = strlen(a->promote), count = 0;
    char *list = malloc(length + 1);
    const char **ids = malloc((length / 2 + 2) * sizeof(char *));
    int rc = list && ids ? MC_EXIT_OK : MC_EXIT_FAIL;
    if (rc == MC_EXIT_OK) rc = split_ids(memcpy(list, a->promote, length + 1), ids, &count);
    mc_barriers all = {NULL, 0}, added = {NULL, 0};
    mc_error err;
    mc_error_clear(&err);
    if (rc == MC_EXIT_OK && mc_promote_reuse(problem, bars, ids, count, &all, &added, &err) != MC_OK) {
        fprintf(stderr, "memcarve sync: %s: %s\n", a->input, err.message);
        rc = err.status == MC_ERR_NOMEM ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    }
    if (rc == MC_EXIT_OK) {
        if (!a->quiet) print_positions("promote-reuse inserted barriers", &added);
        mc_barriers_free(bars);
        *bars = all;
    }
    mc_barriers_free(&added);
    free(list);
    free(ids);
    return rc;
}

/* Lays out with the chosen method under `bars`; on a layout, *height. */
static mc_status place(const sync_args *a, const mc_problem *problem, const mc_barriers *bars, int64_t *offsets,
                       int64_t *height, mc_error *err)
{
    if (!strcmp(a->method, "stack")) {
        mc_status st = mc_place_stack(problem, bars, a->alignment, offsets, height, err);
        if (st == MC_OK && *height > a->capacity)
            return mc_error_set(err, MC_ERR_INFEASIBLE,
                                "the stack layout needs %" PRId64 ", more than the capacity %" PRId64
                                " (try --insert-barriers or --promote-reuse)",
                                *height, a->capacity);
        return st;
    }
    /* Exact: the smallest height on the sync-aware problem, proven unless
     * the time limit cuts the search (then the best layout found). */
    mc_problem *extended = NULL;
    mc_solve_options o;
    mc_solve_options_init(&o);
    o.capacity = a->capacity;
    o.minimize = true;
    o.timeout_seconds = a->timeout;
    mc_report r;
    mc_status st = mc_sync_extend(problem, bars, &extended, err);
    if (st == MC_OK) st = mc_solve(extended, &o, offsets, &r, err);
    mc_problem_destroy(extended);
    if (st != MC_OK) return st;
    if (r.outcome != MC_OUTCOME_SOLVED)
        return mc_error_set(err, r.outcome == MC_OUTCOME_INFEASIBLE ? MC_ERR_INFEASIBLE : MC_ERR_TIMEOUT, "%s%s",
                            r.reason, r.outcome == MC_OUTCOME_INFEASIBLE ? " (try --insert-barriers)" : "");
    *height = r.height;
    return MC_OK;
}

static mc_status insert(const sync_args *a, const mc_problem *problem, mc_barriers *bars, int64_t *offsets,
                        int64_t *height, mc_error *err)
{
    bool stack = !strcmp(a->method, "stack");
    mc_sync_planner planner = {stack ? mc_sync_plan_stack : mc_sync_plan_exact,
                               stack ? (void *)&a->alignment : (void *)&a->timeout, !stack};
    mc_barriers all = {NULL, 0}, added = {NULL, 0};
    mc_insert_report report;
    mc_status st = mc_insert_barriers(problem, bars, a->capacity, &planner, 0, &all, &added, offsets, &report, err);
    if (st != MC_OK) return st;
    if (!a->quiet) {
        print_positions("inserted barriers", &added);
        fprintf(stderr, "memcarve sync: %zu inserted (%s), %zu candidates, %zu planner calls\n", added.count,
                report.fewest_proven ? "proven fewest" : "no single one redundant", report.candidates,
                report.planner_calls);
    }
    *height = report.height;
    mc_barriers_free(bars);
    mc_barriers_free(&added);
    *bars = all;
    return MC_OK;
}

/* Checks the layout against the sync rule, then writes every output. */
static int finish(const sync_args *a, const mc_csv *csv, const mc_barriers *bars, const int64_t *offsets,
                  int64_t height)
{
    const mc_problem *problem = mc_csv_problem(csv);
    mc_problem *extended = NULL;
    mc_error err;
    mc_error_clear(&err);
    mc_status st = mc_sync_extend(problem, bars, &extended, &err);
    if (st == MC_OK) st = mc_validate(extended, a->capacity, offsets, NULL, &err);
    mc_problem_destroy(extended);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve sync: internal error, the layout failed validation: %s\n", err.message);
        return MC_EXIT_FAIL;
    }
    if (!a->quiet)
        fprintf(stderr, "memcarve sync: %s: height %" PRId64 ", capacity %" PRId64 ", %zu barriers\n", a->method,
                height, a->capacity, bars->count);
    st = mc_csv_write_file(csv, offsets, a->output ? a->output : "-", &err);
    if (st == MC_OK && a->syncs_output) st = mc_barriers_write_file(bars, a->syncs_output, &err);
    if (st == MC_OK && a->svg) st = mc_svg_write_file(problem, offsets, a->capacity, bars, a->svg, &err);
    if (st != MC_OK) fprintf(stderr, "memcarve sync: %s\n", err.message);
    return st == MC_OK ? MC_EXIT_OK : MC_EXIT_FAIL;
}

static int run_sync(const sync_args *a, const mc_csv *csv, mc_barriers *bars)
{
    const mc_problem *problem = mc_csv_problem(csv);
    int rc = a->promote ? promote(a, problem, bars) : MC_EXIT_OK;
    if (rc != MC_EXIT_OK) return rc;
    int64_t *offsets = malloc((mc_problem_count(problem) + 1) * sizeof(int64_t)), height = 0;
    mc_error err;
    mc_error_clear(&err);
    mc_status st = !offsets  ? mc_error_set(&err, MC_ERR_NOMEM, "out of memory")
                   : a->insert ? insert(a, problem, bars, offsets, &height, &err)
                               : place(a, problem, bars, offsets, &height, &err);
    if (st == MC_OK) {
        rc = finish(a, csv, bars, offsets, height);
    } else {
        fprintf(stderr, "memcarve sync: %s: %s\n", a->input, err.message);
        bool merits = st == MC_ERR_INFEASIBLE || st == MC_ERR_TIMEOUT || st == MC_ERR_NOMEM || st == MC_ERR_CANCELLED;
        rc = merits ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    }
    free(offsets);
    return rc;
}

int mc_cmd_sync(int argc, char **argv)
{
    sync_args a = {NULL, NULL, "stack", NULL, NULL, NULL, NULL, 0, 16, false, false, 0.0};
    int rc = parse_sync_args(argc, argv, &a);
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    mc_csv *csv = NULL;
    mc_barriers bars = {NULL, 0};
    mc_error err;
    mc_error_clear(&err);
    mc_status st = mc_csv_read_file(a.input, &csv, &err);
    if (st == MC_OK) st = mc_csv_check_capacity(csv, a.capacity, &err);
    if (st == MC_OK && a.syncs) st = mc_barriers_read_file(a.syncs, &bars, &err);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve sync: %s\n", err.message);
        rc = st == MC_ERR_NOMEM || st == MC_ERR_INFEASIBLE ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    } else {
        rc = run_sync(&a, csv, &bars);
    }
    mc_barriers_free(&bars);
    mc_csv_destroy(csv);
    return rc;
}
