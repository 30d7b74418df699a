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
#include "common/clock.h"
#include "memcarve/csv.h"
#include "memcarve/heuristics.h"
#include "memcarve/planner.h"
#include "memcarve/svg.h"
#include "memcarve/sync.h"
#include "options.h"

/* Up to this many buffers the default method is the exact solver; above,
 * "auto" (heuristics, local search, then exact where it can finish). */
#define MC_EXACT_DEFAULT_MAX 5000

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

/* The live line on a terminal: rewritten in place, cleared at the end. */
static void show_progress(const mc_progress *p, void *context)
{
    (void)context;
    char best[32] = "none", gap[32] = "-";
    if (p->best_height >= 0) {
        snprintf(best, sizeof best, "%" PRId64, p->best_height);
        if (p->lower_bound > 0)
            snprintf(gap, sizeof gap, "%.2f%%", 100.0 * (double)(p->best_height - p->lower_bound) / (double)p->lower_bound);
    }
    fprintf(stderr, "\r  %.1f s  nodes %" PRIu64 "  best %s  lower bound %" PRId64 "  gap %s   ", p->seconds, p->nodes,
            best, p->lower_bound, gap);
}

typedef struct solve_args {
    int64_t capacity;
    const char *input, *output, *preorders, *method, *syncs, *svg;
    bool validate, minimize, quiet;
    double timeout;
    int64_t node_limit, threads;
} solve_args;

static const char solve_usage[] =
    "usage: memcarve solve --capacity=N --input=FILE [--output=FILE] [options]\n"
    "       memcarve --capacity=N --input=FILE --output=FILE [--validate] [--timeout=S] [--minimize_capacity]\n\n"
    "Gives every buffer of FILE (MiniMalloc CSV: id,lower,upper,size[,alignment,hint,gaps,offset]) an offset\n"
    "so that buffers alive together never overlap and all fit in N. Writes the input's columns plus offset\n"
    "(to stdout without --output). The exact method's 'infeasible' means the search was exhausted.\n"
    "Methods: exact (default up to 5000 buffers), auto (default above), best-fit, first-fit, global-best-fit,\n"
    "conflict-greedy, online, stack (nvFuser's, needs --syncs).\n"
    "Exit status: 0 solved, 1 infeasible / does not fit / stopped without a layout, 2 usage or input error.";

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
        {"method", MC_OPT_STRING, &a->method, "exact, auto, best-fit, first-fit, global-best-fit, ...", false},
        {"threads", MC_OPT_INT, &a->threads, "threads for --method=auto (1 or 2)", false},
        {"syncs", MC_OPT_STRING, &a->syncs, "barrier positions (one per line): plan sync-aware reuse", false},
        {"svg", MC_OPT_STRING, &a->svg, "also draw the layout as an SVG picture", false},
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
    if (a->threads < 0 || a->threads > 2) {
        fprintf(stderr, "memcarve: --threads: expected 1 or 2, got %" PRId64 "\n", a->threads);
        return MC_EXIT_USAGE;
    }
    if (a->node_limit < 0 || a->timeout < 0) {
        fprintf(stderr, "memcarve: --node-limit and --timeout must not be negative\n");
        return MC_EXIT_USAGE;
    }
    return MC_EXIT_OK;
}

/* One line: the outcome, then the numbers a user compares. */
static void print_report(const mc_report *r, const char *method, FILE *out)
{
    const char *what = r->outcome == MC_OUTCOME_SOLVED       ? "solved"
                       : r->outcome == MC_OUTCOME_INFEASIBLE ? "infeasible"
                       : r->outcome == MC_OUTCOME_CANCELLED  ? "cancelled"
                       : r->height >= 0                      ? "does not fit"
                                                             : "timeout";
    double gap = r->height >= 0 && r->lower_bound > 0
                     ? 100.0 * (double)(r->height - r->lower_bound) / (double)r->lower_bound
                     : 0;
    fprintf(out,
            "memcarve: %s (%s): height %" PRId64 ", LOAD %" PRId64 ", lower bound %" PRId64 ", gap %.2f%%, "
            "proven optimal %s, nodes %" PRIu64 ", %.3f s\n",
            what, method, r->height, r->load, r->lower_bound, gap, r->proven_optimal ? "yes" : "no", r->nodes,
            r->seconds);
}

/* What a method needs besides the problem. */
typedef struct plan {
    const mc_problem *problem; /* what is planned: sync-stretched if --syncs */
    const mc_barriers *barriers;
    mc_method method;
    bool method_chosen;
    mc_solve_options options;
    unsigned threads;
} plan;

/* A single heuristic: one layout, answered against the capacity. */
static mc_status run_heuristic(const plan *p, int64_t *offsets, mc_report *r, mc_error *err)
{
    double start = mc_clock_seconds();
    int64_t height = 0;
    mc_status st = p->method == MC_METHOD_STACK
                       ? mc_place_stack(p->problem, p->barriers, 1, offsets, &height, err)
                       : mc_place(p->problem, p->method, offsets, &height, err);
    if (st != MC_OK) return st;
    r->height = height;
    r->load = mc_problem_load(p->problem);
    r->lower_bound = r->load;
    r->proven_optimal = height <= r->lower_bound;
    r->seconds = mc_clock_seconds() - start;
    r->outcome = height <= p->options.capacity ? MC_OUTCOME_SOLVED : MC_OUTCOME_TIMEOUT;
    if (r->outcome != MC_OUTCOME_SOLVED)
        snprintf(r->reason, sizeof r->reason, "does not fit: best height %" PRId64 " > capacity %" PRId64, height,
                 p->options.capacity);
    return MC_OK;
}

static mc_status run_method(plan *p, int64_t *offsets, mc_report *r, mc_error *err)
{
    memset(r, 0, sizeof *r);
    r->height = -1;
    switch (p->method) {
    case MC_METHOD_EXACT: {
        mc_status st = mc_solve(p->problem, &p->options, offsets, r, err);
        if (st != MC_ERR_UNSUPPORTED || p->method_chosen) return st;
        p->method = MC_METHOD_AUTO; /* too large for exact search: fall back */
        mc_error_clear(err);
        return run_method(p, offsets, r, err);
    }
    case MC_METHOD_AUTO: return mc_solve_auto(p->problem, &p->options, p->threads, offsets, r, err);
    default: return run_heuristic(p, offsets, r, err);
    }
}

/* Chooses the method, reads barriers and stretches lifetimes if asked. */
static int prepare(const solve_args *a, const mc_problem *input, plan *p, mc_barriers *barriers,
                   mc_problem **stretched)
{
    mc_error err;
    p->problem = input;
    p->barriers = NULL;
    p->method_chosen = a->method != NULL;
    p->method = mc_problem_count(input) <= MC_EXACT_DEFAULT_MAX ? MC_METHOD_EXACT : MC_METHOD_AUTO;
    if (a->method && mc_method_parse(a->method, &p->method, &err) != MC_OK) {
        fprintf(stderr, "memcarve: --method: %s\n", err.message);
        return MC_EXIT_USAGE;
    }
    if (p->method == MC_METHOD_STACK && !a->syncs) {
        fprintf(stderr, "memcarve: --method=stack needs --syncs=FILE (barrier positions)\n");
        return MC_EXIT_USAGE;
    }
    if (!a->syncs) return MC_EXIT_OK;
    if (mc_barriers_read_file(a->syncs, barriers, &err) != MC_OK) {
        fprintf(stderr, "memcarve: %s\n", err.message);
        return MC_EXIT_USAGE;
    }
    p->barriers = barriers;
    if (p->method == MC_METHOD_STACK) return MC_EXIT_OK; /* plans with barriers itself */
    if (mc_sync_extend(input, barriers, stretched, &err) != MC_OK) {
        fprintf(stderr, "memcarve: %s: %s\n", a->syncs, err.message);
        return err.status == MC_ERR_NOMEM ? MC_EXIT_FAIL : MC_EXIT_USAGE;
    }
    p->problem = *stretched;
    return MC_EXIT_OK;
}

/* Validates, reports and writes the layout and picture. */
static int finish(const solve_args *a, const plan *p, const mc_csv *csv, const int64_t *offsets, const mc_report *r)
{
    mc_error err;
    const char *method = mc_method_name(p->method);
    if (r->outcome != MC_OUTCOME_SOLVED) {
        fprintf(stderr, "memcarve: %s: %s\n", a->input, r->reason);
        if (!a->quiet) print_report(r, method, stderr);
        return MC_EXIT_FAIL;
    }
    if (mc_validate(p->problem, a->capacity, offsets, NULL, &err) != MC_OK) {
        fprintf(stderr, "memcarve: internal error, the layout failed validation: %s\n", err.message);
        return MC_EXIT_FAIL;
    }
    if (a->validate) fprintf(stderr, "memcarve: validation PASS, height %" PRId64 "\n", r->height);
    if (!a->quiet) print_report(r, method, stderr);
    if (a->svg && mc_svg_write_file(mc_csv_problem(csv), offsets, a->capacity, p->barriers, a->svg, &err) != MC_OK) {
        fprintf(stderr, "memcarve: %s\n", err.message);
        return MC_EXIT_FAIL;
    }
    if (mc_csv_write_file(csv, offsets, a->output ? a->output : "-", &err) != MC_OK) {
        fprintf(stderr, "memcarve: %s\n", err.message);
        return MC_EXIT_FAIL;
    }
    return MC_EXIT_OK;
}

/* Solves, validates and writes; returns the exit status. */
static int run_solve(const solve_args *a, const mc_csv *csv)
{
    const mc_problem *problem = mc_csv_problem(csv);
    size_t n = mc_problem_count(problem);
    mc_barriers barriers = {0};
    mc_problem *stretched = NULL;
    plan p;
    int rc = prepare(a, problem, &p, &barriers, &stretched);
    int64_t *offsets = rc == MC_EXIT_OK ? malloc((n + 1) * sizeof(int64_t)) : NULL;
    if (rc == MC_EXIT_OK && !offsets) {
        fprintf(stderr, "memcarve: out of memory for %zu offsets\n", n);
        rc = MC_EXIT_FAIL;
    }
    if (rc == MC_EXIT_OK) {
        mc_solve_options_init(&p.options);
        p.options.capacity = a->capacity;
        p.options.minimize = a->minimize;
        p.options.timeout_seconds = a->timeout;
        p.options.node_limit = (uint64_t)a->node_limit;
        p.options.preorders = a->preorders;
        p.options.should_stop = should_stop;
        p.threads = a->threads ? (unsigned)a->threads : 1;
        bool terminal = !a->quiet && isatty(STDERR_FILENO);
        if (terminal) p.options.on_progress = show_progress;
        mc_report r;
        mc_error err;
        mc_error_clear(&err);
        mc_status st = run_method(&p, offsets, &r, &err);
        if (terminal && r.seconds >= p.options.progress_interval) fputs("\r\033[K", stderr); /* clear it */
        if (st != MC_OK) {
            fprintf(stderr, "memcarve: %s: %s\n", a->input, err.message);
            rc = st == MC_ERR_NOMEM || st == MC_ERR_UNSUPPORTED || st == MC_ERR_INFEASIBLE ? MC_EXIT_FAIL
                                                                                          : MC_EXIT_USAGE;
        } else {
            rc = finish(a, &p, csv, offsets, &r);
        }
    }
    free(offsets);
    mc_problem_destroy(stretched);
    mc_barriers_free(&barriers);
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
