/* memcarve cache: the caching allocator's command line.
 *   trace-to-problem  trace CSV -> MiniMalloc problem CSV (id,lower,upper,size)
 *   replay            run a benchmark workload against a policy, print stats */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache/workload.h"
#include "commands.h"
#include "memcarve/cache.h"
#include "options.h"

static const char overview[] =
    "usage: memcarve cache <action> [options]   (memcarve cache <action> --help)\n\n"
    "actions:\n"
    "  trace-to-problem  turn an exported allocation trace into a static-planning problem\n"
    "  replay            replay a workload (training-fixed, training-var, churn, random)\n"
    "                    against a caching policy over a simulated back end";

/* Reads a whole file; on failure prints why and returns NULL. */
static char *slurp(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "memcarve cache: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    for (size_t got = 1; text && got > 0;) {
        if (n == cap) {
            char *grown = realloc(text, cap *= 2);
            if (!grown) free(text);
            text = grown;
            if (!text) break;
        }
        got = fread(text + n, 1, cap - n, f);
        n += got;
    }
    bool failed = ferror(f) || !text;
    fclose(f);
    if (failed) {
        free(text);
        fprintf(stderr, "memcarve cache: cannot read '%s'\n", path);
        return NULL;
    }
    *length = n;
    return text;
}

/* Writes through a temporary file beside `path`, renamed on success, so a
 * failed run never leaves a half-written output. */
static int write_atomically(const char *path, mc_status (*emit)(FILE *, void *, mc_error *), void *context)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 8);
    if (!tmp) return MC_EXIT_FAIL;
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    mc_error err = {0};
    mc_status st = f ? emit(f, context, &err) : mc_error_set(&err, MC_ERR_IO, "cannot create a file beside '%s': %s", path, strerror(errno));
    if (f && fclose(f) != 0 && st == MC_OK) st = mc_error_set(&err, MC_ERR_IO, "cannot write '%s'", path);
    if (!f && fd >= 0) close(fd);
    if (st == MC_OK && rename(tmp, path) != 0)
        st = mc_error_set(&err, MC_ERR_IO, "cannot rename onto '%s': %s", path, strerror(errno));
    if (st != MC_OK) {
        remove(tmp);
        fprintf(stderr, "memcarve cache: %s\n", err.message);
    }
    free(tmp);
    return st == MC_OK ? MC_EXIT_OK : MC_EXIT_USAGE;
}

typedef struct problem {
    const mc_trace_row *rows;
    size_t count;
} problem;

static mc_status emit_problem(FILE *f, void *context, mc_error *err)
{
    const problem *p = context;
    return mc_trace_rows_write(p->rows, p->count, f, err);
}

static int trace_to_problem(int argc, char **argv)
{
    const char *trace = NULL, *output = NULL;
    int64_t device = -1;
    mc_opt opts[] = {
        {"trace", MC_OPT_STRING, &trace, "trace CSV (event,op,id,size,alignment,device) to read", false},
        {"output", MC_OPT_STRING, &output, "problem CSV (id,lower,upper,size) to write", false},
        {"device", MC_OPT_INT, &device, "keep only this device's events (-1: all, default)", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL,
                              "usage: memcarve cache trace-to-problem --trace=FILE --output=FILE [--device=N]\n\n"
                              "One row per allocation; lifetime [alloc event, free event) counted in the\n"
                              "trace's events; sizes rounded up to their alignment; never-freed blocks\n"
                              "live to the end. Prints the row count and the LOAD lower bound.");
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    if (!trace || !output) {
        fprintf(stderr, "memcarve cache trace-to-problem: --trace and --output are required (see --help)\n");
        return MC_EXIT_USAGE;
    }
    if (device < -1 || device > 1023) {
        fprintf(stderr, "memcarve cache trace-to-problem: --device: expected -1..1023, got %lld\n", (long long)device);
        return MC_EXIT_USAGE;
    }
    size_t length;
    char *text = slurp(trace, &length);
    if (!text) return MC_EXIT_USAGE;
    mc_trace_event *events = NULL;
    mc_trace_row *rows = NULL;
    size_t count = 0, row_count = 0;
    mc_error err;
    mc_status st = mc_trace_parse(text, length, trace, &events, &count, &err);
    if (st == MC_OK) st = mc_trace_to_rows(events, count, (int)device, &rows, &row_count, &err);
    free(text);
    free(events);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve cache: %s\n", err.message);
        return MC_EXIT_USAGE;
    }
    problem p = {rows, row_count};
    rc = write_atomically(output, emit_problem, &p);
    if (rc == MC_EXIT_OK)
        printf("%zu buffers, LOAD %lld\n", row_count, (long long)mc_trace_rows_load(rows, row_count));
    free(rows);
    return rc;
}

static void print_result(const char *workload, const char *policy, const mc_replay_result *r)
{
    printf("workload %s, policy %s\n", workload, policy);
    printf("  alloc p50/p99 ns   %.0f / %.0f\n", r->alloc_p50, r->alloc_p99);
    printf("  free p50/p99 ns    %.0f / %.0f\n", r->free_p50, r->free_p99);
    printf("  wall ns per pair   %.1f\n", r->pair_ns);
    printf("  hit rate           %.2f%% (after the first step)\n", 100 * r->hit_rate);
    printf("  back-end calls     %llu\n", (unsigned long long)r->backend_calls);
    printf("  peak reserved      %llu bytes\n", (unsigned long long)r->peak_reserved);
    printf("  peak allocated     %llu bytes\n", (unsigned long long)r->peak_allocated);
    if (r->plan_load > 0)
        printf("  arena / LOAD       %lld / %lld; peak reserved / LOAD %.4f\n", (long long)r->plan_height,
               (long long)r->plan_load, (double)r->peak_reserved / (double)r->plan_load);
}

static int replay(int argc, char **argv)
{
    const char *workload = "training-var", *policy = "adaptive", *trace_out = NULL;
    bool plan = false;
    int64_t threads = 1, scale = 1, latency = 5000, seed = 12345;
    mc_opt opts[] = {
        {"workload", MC_OPT_STRING, &workload, "training-fixed, training-var (default), churn or random", false},
        {"policy", MC_OPT_STRING, &policy, "adaptive (default), none, exact-lru or segments", false},
        {"plan", MC_OPT_FLAG, &plan, "profile steps 1-2 (weights too), plan them, serve every step from one arena", false},
        {"threads", MC_OPT_INT, &threads, "1 (default) or 2 copies at once (throughput only)", false},
        {"scale", MC_OPT_INT, &scale, "multiply the workload length (1..1000, default 1)", false},
        {"latency-ns", MC_OPT_INT, &latency, "simulated back-end latency per call (default 5000)", false},
        {"seed", MC_OPT_INT, &seed, "workload seed (default 12345)", false},
        {"trace-out", MC_OPT_STRING, &trace_out, "write the trace of step 2 to this CSV", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL,
                              "usage: memcarve cache replay [--workload=W] [--policy=P] [--plan] ...");
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    mc_replay_config config = {.plan = plan, .threads = (unsigned)threads};
    mc_wl_which which;
    const char *bad = !mc_workload_parse(workload, &which)            ? "--workload: expected training-fixed, training-var, churn or random"
                      : !mc_cache_policy_parse(policy, &config.policy) ? "--policy: expected adaptive, none, exact-lru or segments"
                      : threads < 1 || threads > 2                     ? "--threads: expected 1 or 2"
                      : scale < 1 || scale > 1000                      ? "--scale: expected 1..1000"
                      : latency < 0 || latency > 1000000000            ? "--latency-ns: expected 0..1e9"
                                                                       : NULL;
    if (bad) {
        fprintf(stderr, "memcarve cache replay: %s\n", bad);
        return MC_EXIT_USAGE;
    }
    config.latency_ns = (uint64_t)latency;
    mc_workload wl;
    mc_replay_result result;
    mc_error err;
    mc_status st = mc_workload_make(which, (unsigned)scale, (uint64_t)seed, &wl, &err);
    FILE *out = NULL;
    if (st == MC_OK && trace_out && !(out = fopen(trace_out, "w")))
        st = mc_error_set(&err, MC_ERR_IO, "cannot open '%s': %s", trace_out, strerror(errno));
    config.trace_out = out;
    if (st == MC_OK) st = mc_replay(&wl, &config, &result, &err);
    if (out && fclose(out) != 0 && st == MC_OK) st = mc_error_set(&err, MC_ERR_IO, "cannot write '%s'", trace_out);
    if (st != MC_OK && out) remove(trace_out);
    mc_workload_free(&wl);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve cache replay: %s\n", err.message);
        return st == MC_ERR_IO || st == MC_ERR_INVALID ? MC_EXIT_USAGE : MC_EXIT_FAIL;
    }
    print_result(workload, plan ? "plan" : policy, &result);
    return MC_EXIT_OK;
}

int mc_cmd_cache(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "%s\n", overview);
        return MC_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        printf("%s\n", overview);
        return MC_EXIT_OK;
    }
    if (!strcmp(argv[1], "trace-to-problem")) return trace_to_problem(argc - 1, argv + 1);
    if (!strcmp(argv[1], "replay")) return replay(argc - 1, argv + 1);
    fprintf(stderr, "memcarve cache: unknown action '%s'\n%s\n", argv[1], overview);
    return MC_EXIT_USAGE;
}
