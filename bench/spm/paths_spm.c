/* Where W1's tails come from: the W1 trace of bench_spm (64 KiB heap,
 * B = 256, sizes 16..1024, <= 256 live, random batch frees, 2M operations
 * by default) with every call timed on its own and filed under the path it
 * took, worked out from the heap's state around the call (outside the
 * timed interval). The same trace on the system allocator gives the
 * machine's floor: how many calls a preemption or interrupt pushes over
 * the threshold when the code itself is short.
 *
 *   paths_spm [operations]
 *
 * Times are TSC cycles (x86 only), timer included, as in bench_spm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spm/spm_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>

#include "samples.h"
#include "w1_trace.h"

enum { POP, SPLIT, FRESH, RUN, FREE_RUN, FREE_REGION, FREE_PARK, FREE_RELEASE, NPATHS };
static const char *const path_name[NPATHS] = {
    "alloc: list pop",       "alloc: split larger", "alloc: fresh block", "alloc: block run",
    "free: block run",       "free: region",        "free: block parked", "free: block released"};


/* The path a small request will take: decided by the lists before it. */
static int alloc_path(const mc_spm *h, size_t size)
{
    if (size > spm_block_size(h) / 2) return RUN;
    uint32_t cls = spm_ceil_log2(size) > h->mshift ? spm_ceil_log2(size) - h->mshift : 0;
    if (h->head[cls] != SPM_NIL) return POP;
    for (uint32_t j = cls + 1; j < h->nclasses; ++j)
        if (h->head[j] != SPM_NIL) return SPLIT;
    return FRESH;
}

/* The path a free took: decided by what changed. */
static int free_path(const mc_spm *h, uint32_t used_before, uint32_t spare_before, uint32_t block)
{
    if (used_before - atomic_load_explicit(&h->used, memory_order_relaxed) >= spm_block_size(h)) return FREE_RUN;
    if (spm_bit(h, SPM_F, block) || (spare_before != SPM_NIL && spm_bit(h, SPM_F, spare_before)))
        return FREE_RELEASE;
    return h->spare != spare_before ? FREE_PARK : FREE_REGION;
}

static void replay_spm(const w1op *t, long ops, samples *s)
{
    static _Alignas(64) unsigned char arena[65536];
    static void *live[256];
    mc_spm *h;
    mc_spm_config c = {256, 0, NULL, 0};
    if (mc_spm_init(&h, arena, sizeof arena, &c, NULL) != MC_OK) exit(1);
    size_t n = 0;
    for (long k = 0; k < ops; ++k) {
        if (t[k].size) {
            int path = alloc_path(h, t[k].size);
            uint64_t t0 = __rdtsc();
            void *p = mc_spm_alloc(h, t[k].size);
            uint32_t d = (uint32_t)(__rdtsc() - t0);
            s[path].v[s[path].n++] = d;
            live[n++] = p;
            continue;
        }
        void *p = live[t[k].slot];
        live[t[k].slot] = live[--n];
        uint32_t used = atomic_load_explicit(&h->used, memory_order_relaxed), spare = h->spare;
        uint32_t block = (uint32_t)(((uint8_t *)p - h->base) >> h->bshift);
        uint64_t t0 = __rdtsc();
        mc_spm_free(h, p);
        uint32_t d = (uint32_t)(__rdtsc() - t0);
        int path = free_path(h, used, spare, block);
        s[path].v[s[path].n++] = d;
    }
}

static void replay_system(const w1op *t, long ops, size_t *alloc_over, size_t *free_over)
{
    static void *live[256];
    size_t n = 0;
    *alloc_over = *free_over = 0;
    for (long k = 0; k < ops; ++k) {
        uint64_t t0 = __rdtsc();
        if (t[k].size) {
            void *p = malloc(t[k].size);
            *alloc_over += (uint32_t)(__rdtsc() - t0) > 150;
            live[n++] = p;
            continue;
        }
        void *p = live[t[k].slot];
        live[t[k].slot] = live[--n];
        t0 = __rdtsc();
        free(p);
        *free_over += (uint32_t)(__rdtsc() - t0) > 150;
    }
    while (n) free(live[--n]);
}

int main(int argc, char **argv)
{
    long ops = argc > 1 ? atol(argv[1]) : 2000000;
    if (ops <= 0) {
        fprintf(stderr, "usage: paths_spm [operations]\n");
        return 2;
    }
    w1op *t = malloc((size_t)ops * sizeof *t);
    samples s[NPATHS];
    for (int i = 0; i < NPATHS; ++i) s[i] = (samples){malloc((size_t)ops * sizeof(uint32_t)), 0};
    if (!t) return 1;
    ops = make_w1(t, ops);
    size_t sys_alloc_over, sys_free_over;
    replay_system(t, ops, &sys_alloc_over, &sys_free_over);
    replay_spm(t, ops, s);
    size_t allocs = s[POP].n + s[SPLIT].n + s[FRESH].n + s[RUN].n;
    printf("W1 by path, 64 KiB heap, B = 256, %ld operations (cycles, timer included)\n", ops);
    printf("  %-22s %8s %7s %5s %5s %5s %6s %6s %6s\n", "", "calls", "share", "p50", "p90", "p99", "p99.9", ">150",
           ">185");
    for (int i = 0; i < NPATHS; ++i) {
        samples *x = &s[i];
        qsort(x->v, x->n, sizeof *x->v, cmp_u32);
        size_t of = i < FREE_RUN ? allocs : (size_t)ops - allocs;
        printf("  %-22s %8zu %6.2f%%", path_name[i], x->n, 100.0 * (double)x->n / (double)of);
        if (x->n)
            printf(" %5u %5u %5u %6u %6zu %6zu", x->v[x->n / 2], x->v[x->n * 9 / 10], x->v[x->n * 99 / 100],
                   x->v[x->n * 999 / 1000], count_over(x, 150), count_over(x, 185));
        printf("\n");
    }
    printf("  system allocator, same trace: %zu allocs and %zu frees over 150\n", sys_alloc_over, sys_free_over);
    return 0;
}
#else
int main(void)
{
    puts("paths_spm: x86 only (rdtsc)");
    return 0;
}
#endif
