/* Sync-aware planning on the shared benchmark graphs. Barriers are placed
 * every K time units (K = span/10, span/100, span/1000, and at every time);
 * for each set: the sync-aware LOAD, nvFuser's stack height, and the times
 * of the stack allocator, of lifetime stretching and of drawing the SVG.
 * Baseline measured in the same run: the stack with no barriers (no reuse
 * at all), and the original LOAD. Not a test; `--repeat=N` for longer runs.
 * usage: bench_sync [--repeat=N] [FILE.csv ...] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "memcarve/csv.h"
#include "memcarve/svg.h"
#include "memcarve/sync.h"

static const char *const default_files[] = {
    "/work/shared/benchmarks/idealloc/resnet50.csv",
    "/work/shared/benchmarks/idealloc/G_1.csv",
    "/work/shared/benchmarks/idealloc/S_1.csv",
};

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct timing {
    double stack_ms, extend_ms, svg_ms;
    int64_t height, sync_load;
} timing;

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), compare_double);
    return v[n / 2];
}

/* Median times of `repeat` runs of each operation under `bars`. */
static int measure(const mc_problem *p, const mc_barriers *bars, int repeat, int64_t *offsets, timing *t)
{
    double stack[64], extend[64], svg[64];
    FILE *sink = fopen("/dev/null", "w");
    if (!sink) return 1;
    for (int r = 0; r < repeat; ++r) {
        mc_error err;
        double t0 = mc_clock_seconds();
        if (mc_place_stack(p, bars, 16, offsets, &t->height, &err) != MC_OK) return fclose(sink), 1;
        double t1 = mc_clock_seconds();
        mc_problem *ext = NULL;
        if (mc_sync_extend(p, bars, &ext, &err) != MC_OK) return fclose(sink), 1;
        double t2 = mc_clock_seconds();
        t->sync_load = mc_problem_load(ext);
        mc_problem_destroy(ext);
        double t3 = mc_clock_seconds();
        if (mc_svg_write(p, offsets, t->height > 0 ? t->height : 1, bars, sink, &err) != MC_OK) return fclose(sink), 1;
        double t4 = mc_clock_seconds();
        stack[r] = (t1 - t0) * 1e3, extend[r] = (t2 - t1) * 1e3, svg[r] = (t4 - t3) * 1e3;
    }
    fclose(sink);
    t->stack_ms = median(stack, repeat), t->extend_ms = median(extend, repeat), t->svg_ms = median(svg, repeat);
    return 0;
}

static mc_barriers every(int64_t step, int64_t end)
{
    mc_barriers b = {malloc((size_t)(end / step + 2) * sizeof(int64_t)), 0};
    for (int64_t t = step - 1; b.positions && t < end; t += step) b.positions[b.count++] = t;
    return b;
}

static int run_file(const char *path, int repeat)
{
    mc_csv *csv = NULL;
    mc_error err;
    if (mc_csv_read_file(path, &csv, &err) != MC_OK) {
        printf("%-10s skipped: %s\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path, err.message);
        return 0;
    }
    const mc_problem *p = mc_csv_problem(csv);
    size_t n = mc_problem_count(p);
    int64_t end = 0, load = mc_problem_load(p), *offsets = malloc((n + 1) * sizeof(int64_t));
    for (size_t i = 0; i < n; ++i)
        if (mc_problem_buffer(p, i)->upper > end) end = mc_problem_buffer(p, i)->upper;
    const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    timing base;
    int rc = measure(p, NULL, repeat, offsets, &base);
    int64_t steps[] = {end / 10, end / 100, end / 1000, 1};
    for (int k = 0; rc == 0 && k < 4; ++k) {
        if (steps[k] < 1 || (k && steps[k] == steps[k - 1])) continue;
        mc_barriers bars = every(steps[k], end);
        timing t;
        rc = measure(p, &bars, repeat, offsets, &t);
        printf("%-13s %6zu %7zu %9.3f %9.3f %9.3f %8.2f %8.2f %8.2f %8.2f\n", name, n, bars.count,
               (double)t.sync_load / (double)load, (double)t.height / (double)load,
               (double)base.height / (double)load, t.stack_ms, base.stack_ms, t.extend_ms, t.svg_ms);
        mc_barriers_free(&bars);
    }
    free(offsets);
    mc_csv_destroy(csv);
    return rc;
}

int main(int argc, char **argv)
{
    int repeat = 5, first = 1;
    if (argc > 1 && !strncmp(argv[1], "--repeat=", 9)) repeat = atoi(argv[1] + 9), first = 2;
    if (repeat < 1 || repeat > 63) repeat = 5;
    printf("%-13s %6s %7s %9s %9s %9s %8s %8s %8s %8s\n", "file", "n", "syncs", "syncLOAD", "stack",
           "no-reuse", "stack ms", "base ms", "ext ms", "svg ms");
    printf("(heights are / LOAD of the original problem; base = the stack with no barriers; medians of %d runs)\n",
           repeat);
    int rc = 0;
    if (first < argc)
        for (int i = first; i < argc && rc == 0; ++i) rc = run_file(argv[i], repeat);
    else
        for (size_t i = 0; i < sizeof default_files / sizeof *default_files && rc == 0; ++i)
            rc = run_file(default_files[i], repeat);
    return rc;
}
