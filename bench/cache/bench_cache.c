/* Replay benchmark of the caching allocator over a simulated back end.
 * Every figure is the median of --runs runs; the policies are compared with
 * each other in the same run, since the machine is shared and noisy.
 *   bench_cache [--runs=N] [--scale=N] [--latency-ns=N]               */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/workload.h"
#include "../common/median.h"

typedef struct row {
    const char *workload, *label;
    unsigned threads;
    mc_replay_result r;
} row;

/* Runs one configuration `runs` times; the timings are medians, the
 * counts are deterministic and come from the last run. */
static int measure(const mc_workload *wl, mc_replay_config c, int runs, mc_replay_result *out)
{
    double a50[16], a99[16], f50[16], f99[16], pair[16], secs[16];
    for (int i = 0; i < runs; ++i) {
        mc_error err;
        if (mc_replay(wl, &c, out, &err) != MC_OK) {
            fprintf(stderr, "bench_cache: %s\n", err.message);
            return 1;
        }
        a50[i] = out->alloc_p50, a99[i] = out->alloc_p99, f50[i] = out->free_p50;
        f99[i] = out->free_p99, pair[i] = out->pair_ns, secs[i] = out->seconds;
    }
    out->alloc_p50 = mc_bench_median(a50, runs), out->alloc_p99 = mc_bench_median(a99, runs);
    out->free_p50 = mc_bench_median(f50, runs), out->free_p99 = mc_bench_median(f99, runs);
    out->pair_ns = mc_bench_median(pair, runs), out->seconds = mc_bench_median(secs, runs);
    return 0;
}

static void print_row(const row *w)
{
    const mc_replay_result *r = &w->r;
    printf("%-15s %-10s %3u %8.0f %9.0f %8.0f %9.0f %8.1f %7.2f%% %8llu %7.3f %9.1f", w->workload,
           w->label, w->threads, r->alloc_p50, r->alloc_p99, r->free_p50, r->free_p99, r->pair_ns,
           100 * r->hit_rate, (unsigned long long)r->backend_calls,
           r->peak_allocated ? (double)r->peak_reserved / (double)r->peak_allocated : 0,
           (double)r->peak_reserved / 1048576.0);
    if (r->plan_load > 0)
        printf("  arena/LOAD %.4f, peak reserved/LOAD %.4f", (double)r->plan_height / (double)r->plan_load,
               (double)r->peak_reserved / (double)r->plan_load);
    printf("\n");
}

static long flag(int argc, char **argv, const char *name, long fallback)
{
    size_t n = strlen(name);
    for (int i = 1; i < argc; ++i)
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=') return strtol(argv[i] + n + 1, NULL, 10);
    return fallback;
}

/* The baseline for thread scaling: the same measurement on a loop that
 * shares nothing, so a loaded machine shows up as a low ceiling. */
static void *spin(void *arg)
{
    volatile uint64_t x = 0;
    for (uint64_t i = 0; i < 60000000u; ++i) x += i;
    *(uint64_t *)arg = x;
    return NULL;
}

static double seconds_of(int threads)
{
    struct timespec a, b;
    pthread_t t[2];
    uint64_t sink[2];
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < threads; ++i) pthread_create(&t[i], NULL, spin, &sink[i]);
    for (int i = 0; i < threads; ++i) pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
}

static double machine_scaling(void)
{
    return 2 * seconds_of(1) / seconds_of(2);
}

static const row *find(const row *rows, int n, const char *workload, const char *label, unsigned threads)
{
    for (int i = 0; i < n; ++i)
        if (!strcmp(rows[i].workload, workload) && !strcmp(rows[i].label, label) && rows[i].threads == threads)
            return &rows[i];
    return NULL;
}

static void verdict(const char *what, double value, const char *op, double target, bool met)
{
    printf("  %-58s %10.3f %s %-8g %s\n", what, value, op, target, met ? "MET" : "NOT MET");
}

static void targets(const row *rows, int n, double ceiling)
{
    const row *churn = find(rows, n, "churn", "adaptive", 1);
    const row *churn2 = find(rows, n, "churn", "adaptive", 2);
    const row *var = find(rows, n, "training-var", "adaptive", 1);
    const row *seg = find(rows, n, "training-var", "segments", 1);
    const row *fixed = find(rows, n, "training-fixed", "adaptive", 1);
    const row *plan = find(rows, n, "training-fixed", "plan", 1);
    printf("\ntargets\n");
    double pair = churn->r.alloc_p50 + churn->r.free_p50;
    verdict("churn, adaptive: alloc p50 + free p50 (ns)", pair, "<=", 50, pair <= 50);
    printf("  (churn, adaptive: wall ns per alloc+free pair, harness loop included: %.1f)\n", churn->r.pair_ns);
    verdict("training-fixed, adaptive: hit rate after step 1 (%)", 100 * fixed->r.hit_rate, ">=", 99,
            fixed->r.hit_rate >= 0.99);
    verdict("training-var, adaptive: hit rate after step 1 (%)", 100 * var->r.hit_rate, ">=", 99,
            var->r.hit_rate >= 0.99);
    double ours = (double)var->r.peak_reserved / (double)var->r.peak_allocated;
    double theirs = (double)seg->r.peak_reserved / (double)seg->r.peak_allocated;
    verdict("training-var: adaptive peak reserved / peak allocated", ours, "<=", 1.10, ours <= 1.10);
    verdict("training-var: adaptive / segments peak reserved", ours / theirs, "<", 1, ours < theirs);
    double whole = (double)plan->r.peak_reserved / (double)plan->r.plan_load;
    verdict("training-fixed, plan: peak reserved / LOAD of what it serves", whole, "<=", 1.01, whole <= 1.01);
    printf("  (arena / LOAD %.4f; LOAD = most bytes live at once in the recording,\n"
           "   weights and optimizer state included; peak allocated / LOAD %.4f)\n",
           (double)plan->r.plan_height / (double)plan->r.plan_load,
           (double)plan->r.peak_allocated / (double)plan->r.plan_load);
    double speedup = 2 * churn->r.pair_ns / churn2->r.pair_ns;
    verdict("churn, adaptive: 2-thread / 1-thread throughput", speedup, ">=", 1.7, speedup >= 1.7);
    printf("  (same ratio for a loop sharing nothing, this run: %.3f)\n", ceiling);
}

int main(int argc, char **argv)
{
    int runs = (int)flag(argc, argv, "--runs", 3);
    unsigned scale = (unsigned)flag(argc, argv, "--scale", 1);
    long latency = flag(argc, argv, "--latency-ns", 5000);
    if (runs < 1 || runs > 16 || scale < 1 || scale > 100 || latency < 0) {
        fprintf(stderr, "usage: bench_cache [--runs=1..16] [--scale=1..100] [--latency-ns=N]\n");
        return 2;
    }
    static const struct {
        const char *label;
        mc_cache_policy policy;
        bool plan;
    } policies[] = {{"none", MC_CACHE_POLICY_NONE, false},
                    {"exact-lru", MC_CACHE_POLICY_EXACT_LRU, false},
                    {"segments", MC_CACHE_POLICY_SEGMENTS, false},
                    {"adaptive", MC_CACHE_POLICY_ADAPTIVE, false},
                    {"plan", MC_CACHE_POLICY_ADAPTIVE, true}};
    row rows[64];
    int n = 0;
    printf("%-15s %-10s %3s %8s %9s %8s %9s %8s %8s %8s %7s %9s\n", "workload", "policy", "thr",
           "alloc50", "alloc99", "free50", "free99", "pair-ns", "hit", "be-calls", "res/all",
           "res-MiB");
    for (mc_wl_which w = MC_WL_TRAINING_FIXED; w <= MC_WL_RANDOM; ++w) {
        mc_workload wl;
        mc_error err;
        if (mc_workload_make(w, scale, 12345, &wl, &err) != MC_OK) {
            fprintf(stderr, "bench_cache: %s\n", err.message);
            return 1;
        }
        for (unsigned p = 0; p < sizeof policies / sizeof policies[0]; ++p)
            for (unsigned threads = 1; threads <= (w == MC_WL_CHURN ? 2u : 1u); ++threads) {
                if (policies[p].plan && (w == MC_WL_CHURN || w == MC_WL_RANDOM)) continue;
                mc_replay_config c = {.policy = policies[p].policy, .plan = policies[p].plan,
                                      .latency_ns = (uint64_t)latency, .threads = threads,
                                      /* Churn without a cache pays the back-end latency on
                                       * every call, so only the cached churn runs 50 times. */
                                      .repeat = w == MC_WL_CHURN && p > 0 ? 50 : 1};
                row *r = &rows[n++];
                *r = (row){.workload = wl.name, .label = policies[p].label, .threads = threads};
                if (measure(&wl, c, runs, &r->r)) return 1;
                print_row(r);
                fflush(stdout);
            }
        mc_workload_free(&wl);
    }
    targets(rows, n, machine_scaling());
    return 0;
}
