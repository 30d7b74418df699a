/* Benchmark (not a test): the exact planner on MiniMalloc's challenging set,
 * decision at 1048576 and minimization, every layout validated. With
 * --minimalloc=BINARY the same files are given to MiniMalloc's command in
 * the same run, so the ratio column compares like with like on a shared,
 * noisy machine. Times are medians of --runs runs.
 *
 * usage: bench_challenging [--dir=DIR] [--runs=N] [--minimize-timeout=S]
 *                          [--minimalloc=BINARY]                          */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memcarve/csv.h"
#include "memcarve/planner.h"
#include "../common/median.h"

#define CAPACITY 1048576
#define RUNS_MAX 15

typedef struct config {
    const char *dir, *minimalloc;
    int runs;
    double minimize_timeout;
} config;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Solves `runs` times; returns the median seconds, the last report. */
static double time_solve(const mc_problem *p, bool minimize, double timeout, int runs, mc_report *r, bool *valid)
{
    double seconds[RUNS_MAX];
    int64_t *offsets = malloc(mc_problem_count(p) * sizeof(int64_t));
    *valid = true;
    for (int i = 0; i < runs; ++i) {
        mc_solve_options o;
        mc_solve_options_init(&o);
        o.capacity = CAPACITY;
        o.minimize = minimize;
        o.timeout_seconds = timeout;
        double start = now();
        mc_solve(p, &o, offsets, r, NULL);
        seconds[i] = now() - start;
        if (r->outcome == MC_OUTCOME_SOLVED && mc_validate(p, CAPACITY, offsets, NULL, NULL) != MC_OK) *valid = false;
        if (r->outcome != MC_OUTCOME_SOLVED) *valid = false;
    }
    free(offsets);
    return mc_bench_median(seconds, runs);
}

/* Runs MiniMalloc's command on the file; median wall seconds, -1 on failure. */
static double time_minimalloc(const config *c, const char *path, int runs)
{
    char command[8192];
    snprintf(command, sizeof command, "%s --capacity=%d --input=%s --output=/dev/null >/dev/null 2>&1", c->minimalloc,
             CAPACITY, path);
    double seconds[RUNS_MAX];
    for (int i = 0; i < runs; ++i) {
        double start = now();
        if (system(command) != 0) return -1;
        seconds[i] = now() - start;
    }
    return mc_bench_median(seconds, runs);
}

static void parse(int argc, char **argv, config *c)
{
    for (int i = 1; i < argc; ++i) {
        if (!strncmp(argv[i], "--dir=", 6)) c->dir = argv[i] + 6;
        else if (!strncmp(argv[i], "--runs=", 7)) c->runs = atoi(argv[i] + 7);
        else if (!strncmp(argv[i], "--minimalloc=", 13)) c->minimalloc = argv[i] + 13;
        else if (!strncmp(argv[i], "--minimize-timeout=", 19)) c->minimize_timeout = atof(argv[i] + 19);
        else {
            fprintf(stderr, "usage: %s [--dir=DIR] [--runs=N] [--minimize-timeout=S] [--minimalloc=BINARY]\n", argv[0]);
            exit(2);
        }
    }
    if (c->runs < 1 || c->runs > RUNS_MAX) c->runs = 3;
}

int main(int argc, char **argv)
{
    config c = {"../shared/benchmarks/minimalloc-challenging", NULL, 3, 30};
    parse(argc, argv, &c);
    printf("MiniMalloc challenging set, capacity %d, median of %d runs, every layout validated\n\n", CAPACITY, c.runs);
    printf("%-4s %7s | %9s %9s %6s %9s %8s | %9s %7s | %9s %9s %6s %8s\n", "inst", "buffers", "height", "LOAD", "valid",
           "nodes", "seconds", "minimalloc", "ratio", "min.height", "bound", "proven", "seconds");
    double total = 0, total_mm = 0, total_min = 0;
    int proven = 0;
    for (char name = 'A'; name <= 'K'; ++name) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%c.1048576.csv", c.dir, name);
        mc_csv *csv = NULL;
        mc_error err;
        if (mc_csv_read_file(path, &csv, &err) != MC_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        const mc_problem *p = mc_csv_problem(csv);
        mc_report r, m;
        bool valid, valid_min;
        double t = time_solve(p, false, 0, c.runs, &r, &valid);
        double mm = c.minimalloc ? time_minimalloc(&c, path, c.runs) : -1;
        double tm = time_solve(p, true, c.minimize_timeout, 1, &m, &valid_min);
        total += t;
        total_min += tm;
        if (mm > 0) total_mm += mm;
        proven += m.proven_optimal;
        char theirs[32] = "-", ratio[32] = "-";
        if (mm > 0) {
            snprintf(theirs, sizeof theirs, "%.3f", mm);
            snprintf(ratio, sizeof ratio, "%.1fx", mm / t);
        }
        printf("%-4c %7zu | %9" PRId64 " %9" PRId64 " %6s %9" PRIu64 " %8.3f | %9s %7s | %9" PRId64 " %9" PRId64
               " %6s %8.2f\n",
               name, mc_problem_count(p), r.height, r.load, valid ? "yes" : "NO", r.nodes, t, theirs, ratio, m.height,
               m.lower_bound, m.proven_optimal ? "yes" : "no", tm);
        fflush(stdout);
        mc_csv_destroy(csv);
    }
    printf("\ntotal decision %.3f s", total);
    if (total_mm > 0) printf(", MiniMalloc %.3f s (%.1fx)", total_mm, total_mm / total);
    printf("; minimize %.2f s with %d of 11 proven optimal (timeout %.0f s each)\n", total_min, proven,
           c.minimize_timeout);
    return 0;
}
