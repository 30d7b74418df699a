/* Benchmarks for the SMA scratch-pad heap (issue 4 workloads W1, W3-W6).
 * Every timing table carries the system allocator measured in the same run
 * as the baseline, because the machine is shared and absolute numbers move.
 *
 *   bench_spm            a few seconds: W1 at 200k operations
 *   bench_spm --long     W1 at 2M operations (o1heap's perftest size)
 *
 * Times are TSC cycles (rdtsc) on x86, nanoseconds elsewhere; each sample
 * includes the cost of reading the counter, printed as "timer". */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memcarve/spm.h"
#include "samples.h"
#include "w1_trace.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
static inline uint64_t ticks(void) { return __rdtsc(); }
static const char unit[] = "cycles";
#else
static inline uint64_t ticks(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}
static const char unit[] = "ns";
#endif


static _Alignas(64) unsigned char arena[1 << 20];

/* ---- percentiles ---------------------------------------------------- */

static uint32_t pct(const samples *s, double p)
{
    if (!s->n) return 0;
    size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
    return s->v[i];
}

static void print_row(const char *name, samples *s)
{
    qsort(s->v, s->n, sizeof *s->v, cmp_u32);
    printf("  %-22s %8zu %7u %7u %8u %9u", name, s->n, pct(s, 0.5), pct(s, 0.99), pct(s, 0.9999),
           s->n ? s->v[s->n - 1] : 0);
}

static uint32_t timer_overhead(void)
{
    static uint32_t v[10001];
    samples s = {v, 0};
    for (int i = 0; i < 10001; ++i) {
        uint64_t t0 = ticks();
        v[s.n++] = (uint32_t)(ticks() - t0);
    }
    qsort(v, s.n, sizeof *v, cmp_u32);
    return pct(&s, 0.5);
}

/* ---- W1: o1heap-style random churn ------------------------------------ */

typedef void *(*alloc_fn)(void *ctx, size_t n);
typedef void (*free_fn)(void *ctx, void *p);

static void *spm_a(void *ctx, size_t n) { return mc_spm_alloc(ctx, n); }
static void spm_f(void *ctx, void *p) { mc_spm_free(ctx, p); }
static void *sys_a(void *ctx, size_t n)
{
    (void)ctx;
    return malloc(n);
}
static void sys_f(void *ctx, void *p)
{
    (void)ctx;
    free(p);
}
/* Does nothing but hand back a distinct pointer: replaying the trace with it
 * measures the harness, which the amortized figures subtract. */
static void *null_a(void *ctx, size_t n)
{
    (void)n;
    return (char *)ctx + 1;
}
static void null_f(void *ctx, void *p)
{
    (void)ctx;
    (void)p;
}

/* A heap under test: `make` builds it over (arena, size) and returns its
 * context, or NULL when it cannot. */
typedef struct allocator {
    const char *name;
    void *(*make)(void *mem, size_t size);
    alloc_fn a;
    free_fn f;
} allocator;

static void *make_spm(void *mem, size_t size, size_t block)
{
    mc_spm *h;
    mc_spm_config c = {block, 0, NULL, 0};
    return mc_spm_init(&h, mem, size, &c, NULL) == MC_OK ? h : NULL;
}
static void *make_spm128(void *mem, size_t size) { return make_spm(mem, size, 128); }
static void *make_spm256(void *mem, size_t size) { return make_spm(mem, size, 256); }
static void *make_sys(void *mem, size_t size)
{
    (void)size;
    return mem;
}

/* An outside comparison build may define BENCH_SPM_EXTRA as more table
 * rows (allocators built elsewhere); the committed benchmark has none. */
#ifndef BENCH_SPM_EXTRA
#define BENCH_SPM_EXTRA
#endif
static const allocator w1_heaps[] = {
    {"spm B=128", make_spm128, spm_a, spm_f},
    {"spm B=256", make_spm256, spm_a, spm_f},
    BENCH_SPM_EXTRA{"system", make_sys, sys_a, sys_f},
};

/* Replays the trace. With samples, every call is timed on its own (timer
 * included); without, only the whole replay is, and that total is returned.
 * Live blocks are freed afterwards, outside the measurement. */
static uint64_t replay_w1(const w1op *t, long ops, void *ctx, alloc_fn a, free_fn f, samples *sa, samples *sf,
                          long *failed)
{
    static void *live[256];
    size_t n = 0;
    *failed = 0;
    uint64_t start = ticks();
    for (long k = 0; k < ops; ++k) {
        uint64_t t0 = sa ? ticks() : 0;
        if (t[k].size) {
            void *p = a(ctx, t[k].size);
            if (sa) sa->v[sa->n++] = (uint32_t)(ticks() - t0);
            *failed += p == NULL;
            live[n++] = p;
        } else {
            void *p = live[t[k].slot];
            live[t[k].slot] = live[--n];
            f(ctx, p);
            if (sf) sf->v[sf->n++] = (uint32_t)(ticks() - t0);
        }
    }
    uint64_t total = ticks() - start;
    while (n) f(ctx, live[--n]);
    return total;
}

/* Mean of the lowest 99.9% (sorted samples): preemptions on a shared
 * machine would otherwise dominate it. */
static double mean(const samples *s)
{
    double sum = 0;
    size_t keep = s->n - s->n / 1000;
    for (size_t i = 0; i < keep; ++i) sum += s->v[i];
    return keep ? sum / (double)keep : 0;
}

static void sort_doubles(double *v, int n)
{
    for (int i = 1; i < n; ++i)
        for (int j = i; j > 0 && v[j] < v[j - 1]; --j) {
            double x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

static double median_of(double *v, int n)
{
    sort_doubles(v, n);
    return v[n / 2];
}

/* Median of `reps` untimed replays on fresh heaps, in cycles per operation. */
static double amortized(const allocator *al, const w1op *t, long ops, int reps)
{
    double v[9];
    long failed;
    for (int r = 0; r < reps; ++r) {
        void *ctx = al->make(arena, 65536);
        v[r] = (double)replay_w1(t, ops, ctx, al->a, al->f, NULL, NULL, &failed) / (double)ops;
    }
    return median_of(v, reps);
}

/* Batches: BATCH allocations with W1's sizes timed as one, then frees of
 * all of them in random order timed as one, repeated; per-call cycles
 * (failed allocations included), median over the rounds. One counter read
 * per batch, so neither the counter's 26-cycle step nor its cost weighs on
 * the figure the way they do on single-call samples. */
enum { BATCH = 96, BATCH_ROUNDS = 301 };

static void batch_round(const allocator *al, void *ctx, double *alloc_cost, double *free_cost)
{
    static void *p[BATCH];
    static uint32_t size[BATCH], order[BATCH];
    for (uint32_t i = 0; i < BATCH; ++i) {
        size[i] = (uint32_t)16 << rnd_range(0, 6);
        order[i] = i;
    }
    for (uint32_t i = BATCH - 1; i > 0; --i) { /* Fisher-Yates */
        uint32_t j = (uint32_t)rnd_range(0, i), x = order[i];
        order[i] = order[j];
        order[j] = x;
    }
    uint64_t t0 = ticks();
    for (uint32_t i = 0; i < BATCH; ++i) p[i] = al->a(ctx, size[i]);
    uint64_t t1 = ticks();
    for (uint32_t i = 0; i < BATCH; ++i)
        if (p[order[i]]) al->f(ctx, p[order[i]]);
    uint64_t t2 = ticks();
    *alloc_cost = (double)(t1 - t0) / BATCH;
    *free_cost = (double)(t2 - t1) / BATCH;
}

static void batch_amortized(const allocator *al, double *alloc_cost, double *free_cost)
{
    static double va[BATCH_ROUNDS], vf[BATCH_ROUNDS];
    void *ctx = al->make(arena, 65536);
    rng_state = 7; /* every allocator gets the same batches */
    for (int r = 0; r < BATCH_ROUNDS; ++r) batch_round(al, ctx, &va[r], &vf[r]);
    *alloc_cost = median_of(va, BATCH_ROUNDS);
    *free_cost = median_of(vf, BATCH_ROUNDS);
}

/* Per-call minimum over REPLAYS replays of the trace, each on a fresh heap
 * in the same arena. Every replay asks the heap for exactly the same work,
 * so the minimum keeps each call's own cost and drops what the machine
 * added to one replay (a preemption, an interrupt, a line evicted by
 * another process). A scratch-pad has neither cache nor preemption, so
 * this is the figure that carries over to one; the single-replay rows keep
 * the machine in. `ma` and `mf` receive the minima (ops entries each). */
enum { REPLAYS = 5 };

static void fold_min(uint32_t *m, const samples *s, int first)
{
    for (size_t i = 0; i < s->n; ++i)
        if (first || s->v[i] < m[i]) m[i] = s->v[i];
}

static void replay_min(const allocator *al, const w1op *t, long ops, samples *sa, samples *sf, samples *ma,
                       samples *mf)
{
    long failed;
    for (int r = 0; r < REPLAYS; ++r) {
        sa->n = sf->n = 0;
        replay_w1(t, ops, al->make(arena, 65536), al->a, al->f, sa, sf, &failed);
        fold_min(ma->v, sa, r == 0);
        fold_min(mf->v, sf, r == 0);
    }
    ma->n = sa->n;
    mf->n = sf->n;
}

static void print_min_rows(const w1op *t, long ops, samples *sa, samples *sf, uint32_t timer)
{
    samples ma = {malloc((size_t)ops * sizeof(uint32_t)), 0}, mf = {malloc((size_t)ops * sizeof(uint32_t)), 0};
    if (!ma.v || !mf.v) goto done;
    printf("  per-call minimum over %d replays on fresh heaps (what the heap itself costs; see docs/bench/spm.md):\n",
           REPLAYS);
    printf("  %-22s %8s %7s %7s %8s %9s %7s %6s %6s\n", "", "count", "p50", "p99", "p99.99", "max", "mean-t", ">150",
           ">185");
    for (size_t i = 0; i < sizeof w1_heaps / sizeof *w1_heaps; ++i) {
        const allocator *al = &w1_heaps[i];
        replay_min(al, t, ops, sa, sf, &ma, &mf);
        samples *rows[2] = {&ma, &mf};
        for (int k = 0; k < 2; ++k) {
            char label[64];
            size_t o150 = count_over(rows[k], 150), o185 = count_over(rows[k], 185);
            snprintf(label, sizeof label, "%s %s", al->name, k ? "free" : "alloc");
            print_row(label, rows[k]);
            printf(" %7.1f %6zu %6zu\n", mean(rows[k]) - timer, o150, o185);
        }
    }
done:
    free(ma.v);
    free(mf.v);
}

static void bench_w1(long ops)
{
    w1op *t = malloc((size_t)ops * sizeof *t);
    samples sa = {malloc((size_t)ops * sizeof(uint32_t)), 0}, sf = {malloc((size_t)ops * sizeof(uint32_t)), 0};
    if (!t || !sa.v || !sf.v) return;
    ops = make_w1(t, ops);
    uint32_t timer = timer_overhead();
    printf("W1  64 KiB heap, sizes 16..1024, <= 256 live, random batch frees, %ld operations (%s)\n", ops, unit);
    printf("  timer (back-to-back pair) median: %u; single-op rows include it, 'mean-t' subtracts it\n", timer);
    printf("  %-22s %8s %7s %7s %8s %9s %7s\n", "", "count", "p50", "p99", "p99.99", "max", "mean-t");
    double base = amortized(&(allocator){"null", make_sys, null_a, null_f}, t, ops, 5);
    double amort[sizeof w1_heaps / sizeof *w1_heaps];
    for (size_t i = 0; i < sizeof w1_heaps / sizeof *w1_heaps; ++i) {
        const allocator *al = &w1_heaps[i];
        long failed;
        sa.n = sf.n = 0;
        replay_w1(t, ops, al->make(arena, 65536), al->a, al->f, &sa, &sf, &failed);
        char label[64];
        double ma = mean(&sa) - timer, mf = mean(&sf) - timer;
        snprintf(label, sizeof label, "%s alloc", al->name);
        print_row(label, &sa);
        printf(" %7.1f\n", ma);
        snprintf(label, sizeof label, "%s free", al->name);
        print_row(label, &sf);
        printf(" %7.1f\n", mf);
        if (failed) printf("  %-22s %ld of %zu allocations failed (heap full)\n", "", failed, sa.n);
        amort[i] = amortized(al, t, ops, 5) - base;
    }
    print_min_rows(t, ops, &sa, &sf, timer);
    printf("  amortized, untimed replay minus an empty allocator (%.1f), median of 5, per operation:\n", base);
    for (size_t i = 0; i < sizeof w1_heaps / sizeof *w1_heaps; ++i)
        printf("  %-22s %7.1f %s/op  (%.2fx system)\n", w1_heaps[i].name, amort[i], unit,
               amort[i] / amort[sizeof w1_heaps / sizeof *w1_heaps - 1]);
    double null_a_cost, null_f_cost;
    batch_amortized(&(allocator){"null", make_sys, null_a, null_f}, &null_a_cost, &null_f_cost);
    printf("  batches of %d allocs then %d frees (W1 sizes, random free order), %s per call minus an\n"
           "  empty allocator (%.1f / %.1f), median of %d batches:\n",
           BATCH, BATCH, unit, null_a_cost, null_f_cost, BATCH_ROUNDS);
    for (size_t i = 0; i < sizeof w1_heaps / sizeof *w1_heaps; ++i) {
        double ca, cf;
        batch_amortized(&w1_heaps[i], &ca, &cf);
        printf("  %-22s alloc %6.1f  free %6.1f\n", w1_heaps[i].name, ca - null_a_cost, cf - null_f_cost);
    }
    free(t);
    free(sa.v);
    free(sf.v);
}

/* ---- W3: fill a fresh heap with one size ------------------------------ */

static size_t largest_single(size_t size, size_t block)
{
    size_t lo = 0, hi = size;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        mc_spm *h;
        mc_spm_config c = {block, 0, NULL, 0};
        if (mc_spm_init(&h, arena, size, &c, NULL) == MC_OK && mc_spm_alloc(h, mid)) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

static void bench_w3(void)
{
    static const size_t sizes[] = {8, 16, 32, 64, 100, 128, 256, 500, 1000};
    /* The default block size first, then 64 KiB with each block size that
     * the default has used there, so a change of default shows its effect. */
    static const struct {
        size_t arena, block;
    } rows[] = {{4096, 0}, {65536, 0}, {65536, 128}, {65536, 256}};
    printf("\nW3  fresh heap filled with one size: %% of the arena handed out\n");
    printf("  %-12s", "arena, B");
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; ++s) printf(" %6zuB", sizes[s]);
    printf("  largest single\n");
    for (size_t a = 0; a < sizeof rows / sizeof *rows; ++a) {
        size_t size = rows[a].arena, block = rows[a].block ? rows[a].block : mc_spm_default_block(size);
        mc_spm_config c = {block, 0, NULL, 0};
        printf("  %-6zu %-5zu", size, block);
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; ++s) {
            mc_spm *h;
            mc_spm_init(&h, arena, size, &c, NULL);
            size_t n = 0;
            while (mc_spm_alloc(h, sizes[s])) ++n;
            printf(" %6.1f%%", 100.0 * (double)(n * sizes[s]) / (double)size);
        }
        size_t big = largest_single(size, block);
        printf("  %zu (%.1f%%)%s\n", big, 100.0 * (double)big / (double)size, rows[a].block ? "" : " default");
    }
}

/* ---- W4: smallest arena that runs a random trace ------------------------ */

typedef struct top {
    uint32_t id;
    uint32_t size; /* 0 = free */
} top;

#define TRACE_OPS 20000

static size_t make_trace(top *t, size_t lo, size_t hi, uint64_t seed)
{
    static uint32_t live[TRACE_OPS], sizes[TRACE_OPS];
    size_t n = 0, cur = 0, peak = 0, target = 200;
    rng_state = seed;
    for (size_t i = 0; i < TRACE_OPS; ++i) {
        if (i % 2000 == 0) target = rnd_range(50, 400);
        if (n && (n >= target ? rnd() % 4 != 0 : rnd() % 3 == 0)) {
            size_t k = rnd_range(0, n - 1);
            t[i] = (top){live[k], 0};
            cur -= sizes[live[k]];
            live[k] = live[--n];
        } else {
            uint32_t s = (uint32_t)rnd_range(lo, hi);
            sizes[i] = s;
            t[i] = (top){(uint32_t)i, s};
            live[n++] = (uint32_t)i;
            cur += s;
            if (cur > peak) peak = cur;
        }
    }
    return peak;
}

static bool replay_ok(const top *t, size_t size, size_t block)
{
    static void *ptr[TRACE_OPS];
    mc_spm *h;
    mc_spm_config c = {block, 0, NULL, 0};
    if (mc_spm_init(&h, arena, size, &c, NULL) != MC_OK) return false;
    for (size_t i = 0; i < TRACE_OPS; ++i) {
        if (!t[i].size) {
            mc_spm_free(h, ptr[t[i].id]);
        } else if (!(ptr[t[i].id] = mc_spm_alloc(h, t[i].size))) {
            return false;
        }
    }
    return true;
}

static size_t min_arena(const top *t, size_t peak, size_t block)
{
    size_t lo = peak / 2, hi = peak * 4;
    if (hi > sizeof arena || !replay_ok(t, hi, block)) return 0;
    while (hi - lo > 8) {
        size_t mid = lo + (hi - lo) / 2;
        if (replay_ok(t, mid, block)) hi = mid;
        else lo = mid;
    }
    return hi;
}

static void bench_w4(void)
{
    static top t[TRACE_OPS];
    static const size_t ranges[][2] = {{8, 64}, {8, 512}};
    /* 0: mc_spm_default_block() picks for each arena the bisection tries. */
    static const size_t blocks[] = {32, 64, 128, 256, 0};
    enum { NB = sizeof blocks / sizeof *blocks };
    printf("\nW4  smallest arena H that runs a random 20k-op trace without a failure, as H/M\n");
    printf("    (M = peak live requested bytes; H includes all metadata; median of 5 traces; %zu-bit build)\n",
           sizeof(void *) * 8);
    printf("  %-10s", "objects");
    for (size_t b = 0; b + 1 < NB; ++b) printf("   B=%-5zu", blocks[b]);
    printf("   default (median H, its B)\n");
    for (size_t r = 0; r < 2; ++r) {
        printf("  %zu-%-7zu", ranges[r][0], ranges[r][1]);
        for (size_t b = 0; b < NB; ++b) {
            double ratio[5], arena_h[5];
            for (int s = 0; s < 5; ++s) {
                size_t peak = make_trace(t, ranges[r][0], ranges[r][1], 1000 + (uint64_t)s);
                size_t h = min_arena(t, peak, blocks[b]);
                ratio[s] = h ? (double)h / (double)peak : 99.0;
                arena_h[s] = (double)h;
            }
            printf("   %-7.3f", median_of(ratio, 5));
            if (!blocks[b]) {
                size_t h = (size_t)median_of(arena_h, 5);
                printf(" (%zu B, B=%zu)", h, mc_spm_default_block(h));
            }
        }
        printf("\n");
    }
}

/* ---- W5: alloc(1024) in a heap with 512 holes ------------------------- */

static void bench_w5(void)
{
    static const size_t sizes[] = {65536, 1 << 20};
    printf("\nW5  alloc(1024)+free with 512 one-block holes in front of the free space, B=32 (%s)\n", unit);
    printf("  %-10s %8s %8s %8s\n", "arena", "p50", "p99", "max");
    static uint32_t v[2000];
    for (size_t a = 0; a < 2; ++a) {
        mc_spm *h;
        mc_spm_config c = {32, 0, NULL, 0};
        mc_spm_init(&h, arena, sizes[a], &c, NULL);
        static void *p[1024];
        for (size_t i = 0; i < 1024; ++i) p[i] = mc_spm_alloc(h, 32);
        for (size_t i = 0; i < 1024; i += 2) mc_spm_free(h, p[i]);
        samples s = {v, 0};
        for (int i = 0; i < 2000; ++i) {
            uint64_t t0 = ticks();
            void *q = mc_spm_alloc(h, 1024);
            uint64_t t1 = ticks();
            mc_spm_free(h, q);
            v[s.n++] = (uint32_t)(t1 - t0);
        }
        qsort(v, s.n, sizeof *v, cmp_u32);
        printf("  %-10zu %8u %8u %8u\n", sizes[a], pct(&s, 0.5), pct(&s, 0.99), v[s.n - 1]);
    }
}

/* ---- W6: two threads ---------------------------------------------------- */

typedef struct w6 {
    void *ctx;
    alloc_fn a;
    free_fn f;
    long ops;
    uint64_t seed;
} w6;

static void *w6_run(void *arg)
{
    w6 *w = arg;
    void *live[64] = {0};
    uint64_t s = w->seed;
    for (long i = 0; i < w->ops; ++i) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        size_t k = (size_t)(s >> 58);
        if (live[k]) {
            w->f(w->ctx, live[k]);
            live[k] = NULL;
        } else {
            live[k] = w->a(w->ctx, (size_t)16 << ((s >> 40) % 5));
        }
    }
    for (size_t k = 0; k < 64; ++k)
        if (live[k]) w->f(w->ctx, live[k]);
    return NULL;
}

static double w6_time(void *ctx, alloc_fn a, free_fn f, long ops)
{
    w6 w[2] = {{ctx, a, f, ops, 1}, {ctx, a, f, ops, 2}};
    pthread_t t[2];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 2; ++i) pthread_create(&t[i], NULL, w6_run, &w[i]);
    for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    return 2.0 * (double)ops / sec / 1e6;
}

static void bench_w6(long ops)
{
    printf("\nW6  two threads, 64 KiB heap, sizes 16..256, %ld operations each (Mops/s, both threads)\n", ops);
    double sys = w6_time(NULL, sys_a, sys_f, ops);
    static const struct {
        const char *name;
        unsigned flags;
    } modes[] = {{"coarse lock", MC_SPM_THREADS_COARSE}, {"lock per class", MC_SPM_THREADS_FINE}};
    for (size_t m = 0; m < 2; ++m) {
        mc_spm *h;
        mc_spm_config c = {128, modes[m].flags, NULL, 0};
        mc_spm_init(&h, arena, 65536, &c, NULL);
        double r = w6_time(h, spm_a, spm_f, ops);
        printf("  spm %-16s %7.2f  (%.2fx system malloc)\n", modes[m].name, r, r / sys);
    }
    printf("  %-20s %7.2f\n", "system malloc", sys);
}

int main(int argc, char **argv)
{
    bool longer = argc > 1 && strcmp(argv[1], "--long") == 0;
    if (argc > 1 && !longer) {
        fprintf(stderr, "usage: bench_spm [--long]\n");
        return 2;
    }
    bench_w1(longer ? 2000000 : 200000);
    bench_w3();
    bench_w4();
    bench_w5();
    bench_w6(longer ? 2000000 : 300000);
    return 0;
}
