/* bench_planner_scale: for every benchmark file, the height / LOAD and the
 * seconds of every method, then the scaling run of the heuristics on
 * generated instances. Times are also given as a ratio to best-fit's time
 * measured in the same run, because the machine is shared and noisy.
 *
 *   bench_planner_scale [--dir=D] [--auto-timeout=S] [--exact-timeout=S]
 *                       [--threads=T] [--scale-max=N] [--scale-all] [--repeat=R] [--no-files] [--full]
 *
 * Defaults (about 30 s): every file but S_1, auto and exact 1 s per file,
 * scaling up to 100k buffers, one run per heuristic. --full adds S_1 and
 * the 1M row and gives auto 5 s (the targets); options after it override.
 * --scale-all adds the multi-pass methods above 100k; --repeat=R reports
 * the median of R runs of each heuristic.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memcarve/csv.h"
#include "memcarve/generate.h"
#include "memcarve/heuristics.h"
#include "memcarve/planner.h"

typedef struct bench_args {
    const char *dir;
    double auto_timeout, exact_timeout;
    unsigned threads;
    long scale_max;
    int repeat;
    int files;
    bool scale_all, full;
} bench_args;

static double clock_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return clock_of(CLOCK_MONOTONIC);
}

/* The machine is shared: CPU time shows what the wall clock hides. */
static double cpu_now(void)
{
    return clock_of(CLOCK_PROCESS_CPUTIME_ID);
}

static const mc_method single_methods[] = {MC_METHOD_BEST_FIT, MC_METHOD_FIRST_FIT, MC_METHOD_GLOBAL_BEST_FIT,
                                           MC_METHOD_CONFLICT_GREEDY, MC_METHOD_ONLINE_BEST_FIT};
enum { SINGLE_COUNT = sizeof single_methods / sizeof single_methods[0] };

typedef struct outcome {
    int64_t height;   /* -1: none */
    double seconds, cpu;
    int proven;
} outcome;

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median time over `repeat` runs of one heuristic; exits on a wrong layout
 * because a benchmark of an invalid layout means nothing. */
static outcome run_single(const mc_problem *p, mc_method m, int64_t capacity, int repeat, int64_t *offsets)
{
    double times[16], cpus[16];
    outcome o = {-1, 0, 0, 0};
    if (repeat > 16) repeat = 16;
    for (int r = 0; r < repeat; ++r) {
        mc_error err;
        double t0 = now(), c0 = cpu_now();
        mc_status st = mc_place(p, m, offsets, &o.height, &err);
        times[r] = now() - t0;
        cpus[r] = cpu_now() - c0;
        if (st != MC_OK) {
            fprintf(stderr, "%s: %s\n", mc_method_name(m), err.message);
            exit(1);
        }
    }
    qsort(times, (size_t)repeat, sizeof(double), compare_double);
    qsort(cpus, (size_t)repeat, sizeof(double), compare_double);
    o.seconds = times[repeat / 2];
    o.cpu = cpus[repeat / 2];
    mc_error err;
    int64_t cap = o.height > capacity ? o.height : capacity;
    if (mc_validate(p, cap, offsets, NULL, &err) != MC_OK) {
        fprintf(stderr, "%s: INVALID layout: %s\n", mc_method_name(m), err.message);
        exit(1);
    }
    return o;
}

static outcome run_solver(const mc_problem *p, mc_method m, int64_t capacity, double timeout, unsigned threads,
                          int64_t *offsets)
{
    mc_solve_options so;
    mc_solve_options_init(&so);
    so.capacity = capacity;
    so.minimize = true;
    so.timeout_seconds = timeout;
    mc_report r;
    mc_error err;
    double t0 = now();
    mc_status st = m == MC_METHOD_AUTO ? mc_solve_auto(p, &so, threads, offsets, &r, &err)
                                       : mc_solve(p, &so, offsets, &r, &err);
    outcome o = {-1, now() - t0, 0, 0};
    if (st != MC_OK) {
        fprintf(stderr, "%s: %s\n", mc_method_name(m), err.message);
        return o;
    }
    if (m == MC_METHOD_EXACT && r.outcome != MC_OUTCOME_SOLVED) return o;
    o.height = r.height;
    o.proven = r.proven_optimal;
    int64_t cap = o.height > capacity ? o.height : capacity;
    if (mc_validate(p, cap, offsets, NULL, &err) != MC_OK) {
        fprintf(stderr, "%s: INVALID layout: %s\n", mc_method_name(m), err.message);
        exit(1);
    }
    return o;
}

static void print_cell(outcome o, int64_t load)
{
    if (o.height < 0) printf(" %8s %6.2fs%s", "--", o.seconds, " ");
    else printf(" %8.4f %6.3fs%s", (double)o.height / (double)load, o.seconds, o.proven ? "*" : " ");
}

static void bench_file(const bench_args *a, const char *rel, int64_t capacity)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", a->dir, rel);
    mc_csv *csv;
    mc_error err;
    if (mc_csv_read_file(path, &csv, &err) != MC_OK) {
        printf("%-28s skipped: %s\n", rel, err.message);
        return;
    }
    const mc_problem *p = mc_csv_problem(csv);
    size_t n = mc_problem_count(p);
    int64_t load = mc_problem_load(p);
    int64_t *offsets = malloc((n + 1) * sizeof(int64_t));
    if (!offsets) exit(1);
    printf("%-28s %6zu", rel, n);
    int64_t best_single = INT64_MAX;
    for (int m = 0; m < SINGLE_COUNT; ++m) {
        outcome o = run_single(p, single_methods[m], capacity, a->repeat, offsets);
        if (o.height < best_single) best_single = o.height;
        print_cell(o, load);
    }
    outcome au = run_solver(p, MC_METHOD_AUTO, capacity, a->auto_timeout, a->threads, offsets);
    print_cell(au, load);
    outcome ex = run_solver(p, MC_METHOD_EXACT, capacity, a->exact_timeout, 1, offsets);
    print_cell(ex, load);
    printf("  %s\n", au.height >= 0 && au.height <= best_single ? "ok" : "WORSE");
    fflush(stdout);
    free(offsets);
    mc_csv_destroy(csv);
}

static void bench_files(const bench_args *a)
{
    static const char *const idealloc[] = {"idealloc/S_1.csv", "idealloc/resnet50.csv", "idealloc/G_1.csv"};
    printf("height / LOAD and seconds (median of %d for heuristics); * = proven optimal;\n"
           "auto: timeout %.1f s, %u thread(s); exact: timeout %.1f s ('--' = no layout)\n\n",
           a->repeat, a->auto_timeout, a->threads, a->exact_timeout);
    printf("%-28s %6s", "file", "n");
    const char *heads[] = {"best-fit", "first-fit", "global-bf", "conflict", "online", "auto", "exact"};
    for (int m = 0; m < 7; ++m) printf(" %8s %7s", heads[m], "");
    printf("  auto<=best\n");
    /* S_1 alone takes a minute across all methods: --full only. */
    for (int i = a->full ? 0 : 1; i < 3; ++i) bench_file(a, idealloc[i], INT64_C(1) << 50);
    for (char c = 'A'; c <= 'K'; ++c) {
        char rel[64];
        snprintf(rel, sizeof rel, "minimalloc-challenging/%c.1048576.csv", c);
        bench_file(a, rel, 1048576);
    }
}

static void bench_scale(const bench_args *a)
{
    printf("\nscaling: generated 'random' instances (about 32 buffers alive at once), single thread,\n"
           "seconds (median of %d); 'per n log n' is relative to the 10k row\n\n",
           a->repeat);
    printf("%9s", "n");
    for (int m = 0; m < SINGLE_COUNT; ++m) printf(" %16s", mc_method_name(single_methods[m]));
    printf(" %12s %10s\n", "per n log n", "cpu s");
    double base = 0;
    for (long n = 10000; n <= a->scale_max; n *= 10) {
        mc_gen_options g = {MC_GEN_RANDOM, (size_t)n, 1, 0};
        mc_problem *p;
        mc_error err;
        if (mc_generate(&g, &p, NULL, &err) != MC_OK) {
            fprintf(stderr, "generate: %s\n", err.message);
            exit(1);
        }
        int64_t *offsets = malloc((size_t)n * sizeof(int64_t));
        if (!offsets) exit(1);
        printf("%9ld", n);
        double fastest = 1e30, fastest_cpu = 0;
        for (int m = 0; m < SINGLE_COUNT; ++m) {
            /* The multi-pass methods take tens of seconds at 1M: opt in. */
            bool multi = single_methods[m] == MC_METHOD_GLOBAL_BEST_FIT ||
                         single_methods[m] == MC_METHOD_CONFLICT_GREEDY;
            if (multi && n > 100000 && !a->scale_all) {
                printf(" %16s", "--");
                continue;
            }
            outcome o = run_single(p, single_methods[m], 1, a->repeat, offsets);
            if (o.seconds < fastest) {
                fastest = o.seconds;
                fastest_cpu = o.cpu;
            }
            printf(" %16.3f", o.seconds);
            fflush(stdout);
        }
        double per = fastest / ((double)n * log2((double)n));
        if (base == 0) base = per;
        printf(" %12.2f %10.3f\n", per / base, fastest_cpu);
        free(offsets);
        mc_problem_destroy(p);
    }
}

static int parse_args(int argc, char **argv, bench_args *a)
{
    for (int i = 1; i < argc; ++i) {
        const char *s = argv[i];
        if (strncmp(s, "--dir=", 6) == 0) a->dir = s + 6;
        else if (strncmp(s, "--auto-timeout=", 15) == 0) a->auto_timeout = atof(s + 15);
        else if (strncmp(s, "--exact-timeout=", 16) == 0) a->exact_timeout = atof(s + 16);
        else if (strncmp(s, "--threads=", 10) == 0) a->threads = (unsigned)atoi(s + 10);
        else if (strncmp(s, "--scale-max=", 12) == 0) a->scale_max = atol(s + 12);
        else if (strncmp(s, "--repeat=", 9) == 0) a->repeat = atoi(s + 9);
        else if (strcmp(s, "--no-files") == 0) a->files = 0;
        else if (strcmp(s, "--scale-all") == 0) a->scale_all = true;
        else if (strcmp(s, "--full") == 0) {
            a->full = true;
            a->scale_max = 1000000;
            a->auto_timeout = 5.0;
        }
        else {
            fprintf(stderr,
                    "usage: bench_planner_scale [--dir=D] [--auto-timeout=S] [--exact-timeout=S] [--threads=T]\n"
                    "                           [--scale-max=N] [--scale-all] [--repeat=R] [--no-files] [--full]\n");
            return 2;
        }
    }
    if (a->repeat < 1) a->repeat = 1;
    return 0;
}

int main(int argc, char **argv)
{
    bench_args a = {"/work/shared/benchmarks", 1.0, 1.0, 1, 100000, 1, 1, false, false};
    if (parse_args(argc, argv, &a) != 0) return 2;
    if (a.files) bench_files(&a);
    if (a.scale_max >= 10000) bench_scale(&a);
    return 0;
}
