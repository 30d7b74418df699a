/* memcarve solve: MiniMalloc-compatible static planning from the command
 * line. Every layout is validated before it is written; the output file
 * appears only when the whole run succeeded. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "memcarve/csv.h"
#include "memcarve/planner.h"
#include "options.h"

/* Ctrl-C asks the solver to stop and keep the best layout found. The
 * library has no global state; the command line may. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
    (void)signal_number;
    interrupted = 1;
}

static bool should_stop(void *context)
{
    (void)context;
    return interrupted != 0;
}

static void show_progress(const mc_progress *p, void *context)
{
    (void)context;
    fprintf(stderr, "\r  %.1fs  nodes %" PRIu64 "  best %" PRId64 "  lower bound %" PRId64 "   ", p->seconds, p->nodes,
            p->best_height, p->lower_bound);
}

typedef struct solve_args {
    int64_t capacity;
    const char *input, *output, *preorders;
    bool validate, minimize, quiet;
    double timeout;
    int64_t node_limit;
} solve_args;

static const char solve_usage[] =
    "usage: memcarve solve --capacity=N --input=FILE [--output=FILE] [options]\n"
    "       memcarve --capacity=N --input=FILE --output=FILE [--validate] [--timeout=S] [--minimize_capacity]\n\n"
    "Gives every buffer of FILE (MiniMalloc CSV: id,lower,upper,size[,alignment,hint,gaps,offset]) an offset\n"
    "so that buffers alive together never overlap and all fit in N. Writes the input's columns plus offset\n"
    "(to stdout without --output). Exact: 'infeasible' means the search was exhausted.\n"
    "Exit status: 0 solved, 1 infeasible or stopped without a layout, 2 usage or input error.";

static int parse_solve_args(int argc, char **argv, int first, solve_args *a)
{
    mc_opt opts[] = {
        {"capacity", MC_OPT_INT, &a->capacity, "memory capacity (required, > 0)", false},
        {"input", MC_OPT_STRING, &a->input, "problem CSV file (required)", false},
        {"output", MC_OPT_STRING, &a->output, "layout CSV to write ('-' or absent: stdout)", false},
        {"validate", MC_OPT_FLAG, &a->validate, "print the validator's verdict (layouts are always validated)", false},
        {"timeout", MC_OPT_DOUBLE, &a->timeout, "stop after this many seconds, keeping the best layout", false},
        {"minimize-capacity", MC_OPT_FLAG, &a->minimize, "find the smallest height <= capacity, proven", false},
        {"minimize", MC_OPT_FLAG, &a->minimize, "same as --minimize-capacity", false},
        {"preordering-heuristics", MC_OPT_STRING, &a->preorders, "static preorders, e.g. WAT,TAW,TWA", false},
        {"node-limit", MC_OPT_INT, &a->node_limit, "stop after this many search nodes", false},
        {"quiet", MC_OPT_FLAG, &a->quiet, "no progress line and no report on stderr", false},
    };
    int rc = mc_parse_options(argc, argv, first, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL, solve_usage);
    if (rc != MC_EXIT_OK) return rc;
    if (!a->input) {
        fprintf(stderr, "memcarve: --input=FILE is required (see --help)\n");
        return MC_EXIT_USAGE;
    }
    if (!opts[0].seen) {
        fprintf(stderr, "memcarve: --capacity=N is required (see --help)\n");
        return MC_EXIT_USAGE;
    }
    if (a->capacity <= 0) {
        fprintf(stderr, "memcarve: --capacity: expected a positive integer, got %" PRId64 "\n", a->capacity);
        return MC_EXIT_USAGE;
    }
    if (a->node_limit < 0 || a->timeout < 0) {
        fprintf(stderr, "memcarve: --node-limit and --timeout must not be negative\n");
        return MC_EXIT_USAGE;
    }
    return MC_EXIT_OK;
}

static void print_report(const mc_report *r, FILE *out)
{
    const char *what = r->outcome == MC_OUTCOME_SOLVED       ? "solved"
                       : r->outcome == MC_OUTCOME_INFEASIBLE ? "infeasible"
                       : r->outcome == MC_OUTCOME_TIMEOUT    ? "timeout"
                                                             : "cancelled";
    fprintf(out,
            "memcarve: %s: height %" PRId64 ", LOAD %" PRId64 ", lower bound %" PRId64 ", proven %s, nodes %" PRIu64
            ", %.3f s\n",
            what, r->height, r->load, r->lower_bound, r->proven_optimal ? "yes" : "no", r->nodes, r->seconds);
}

/* Solves, validates and writes; returns the exit status. */
static int run_solve(const solve_args *a, const mc_csv *csv)
{
    const mc_problem *problem = mc_csv_problem(csv);
    size_t n = mc_problem_count(problem);
    int64_t *offsets = malloc((n + 1) * sizeof(int64_t));
    if (!offsets) {
        fprintf(stderr, "memcarve: out of memory for %zu offsets\n", n);
        return MC_EXIT_FAIL;
    }
    mc_solve_options o;
    mc_solve_options_init(&o);
    o.capacity = a->capacity;
    o.minimize = a->minimize;
    o.timeout_seconds = a->timeout;
    o.node_limit = (uint64_t)a->node_limit;
    o.preorders = a->preorders;
    o.should_stop = should_stop;
    bool terminal = !a->quiet && isatty(STDERR_FILENO);
    if (terminal) o.on_progress = show_progress;
    mc_report r;
    mc_error err;
    mc_error_clear(&err);
    int rc = MC_EXIT_OK;
    mc_status st = mc_solve(problem, &o, offsets, &r, &err);
    if (terminal && r.seconds >= o.progress_interval) fputc('\n', stderr);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve: %s: %s\n", a->input, err.message);
        rc = st == MC_ERR_NOMEM || st == MC_ERR_UNSUPPORTED ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    } else if (r.outcome != MC_OUTCOME_SOLVED) {
        fprintf(stderr, "memcarve: %s: %s\n", a->input, r.reason);
        if (!a->quiet) print_report(&r, stderr);
        rc = MC_EXIT_FAIL;
    } else if (mc_validate(problem, a->capacity, offsets, NULL, &err) != MC_OK) {
        fprintf(stderr, "memcarve: internal error, the layout failed validation: %s\n", err.message);
        rc = MC_EXIT_FAIL;
    } else {
        if (a->validate) fprintf(stderr, "memcarve: validation PASS, height %" PRId64 "\n", r.height);
        if (!a->quiet) print_report(&r, stderr);
        const char *path = a->output ? a->output : "-";
        if (mc_csv_write_file(csv, offsets, path, &err) != MC_OK) {
            fprintf(stderr, "memcarve: %s\n", err.message);
            rc = MC_EXIT_FAIL;
        }
    }
    free(offsets);
    return rc;
}

int mc_cmd_solve(int argc, char **argv)
{
    /* "memcarve solve ..." arrives with argv[0] == "solve"; the MiniMalloc
     * form "memcarve --capacity ..." with argv[0] == the program. Both
     * start parsing at argv[1]. */
    solve_args a = {0};
    int rc = parse_solve_args(argc, argv, 1, &a);
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    mc_csv *csv = NULL;
    mc_error err;
    mc_error_clear(&err);
    mc_status st = mc_csv_read_file(a.input, &csv, &err);
    if (st == MC_OK) st = mc_csv_check_capacity(csv, a.capacity, &err);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve: %s\n", err.message);
        mc_csv_destroy(csv);
        /* A buffer larger than the memory is a valid question with answer no. */
        return st == MC_ERR_NOMEM || st == MC_ERR_INFEASIBLE ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    }
    signal(SIGINT, on_interrupt);
    rc = run_solve(&a, csv);
    mc_csv_destroy(csv);
    return rc;
}
