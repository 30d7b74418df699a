/* The W1 request trace shared by bench_spm and paths_spm, so that both
 * replay exactly the same requests: sizes 16..1024 (powers of two), at most
 * 256 live, frees in random batches. Also the benchmarks' random numbers
 * (splitmix64, one stream per program). */
#ifndef MC_BENCH_SPM_W1_TRACE_H
#define MC_BENCH_SPM_W1_TRACE_H

#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}
static size_t rnd_range(size_t lo, size_t hi) { return lo + (size_t)(rnd() % (hi - lo + 1)); }

/* One step of the trace: allocate `size` bytes into the next live slot, or
 * (size 0) free live slot `slot`, moving the last live slot into its place. */
typedef struct w1op {
    uint32_t size, slot;
} w1op;

/* Fills t with `ops` steps (seeded, so every call gives the same trace). */
static long make_w1(w1op *t, long ops)
{
    size_t n = 0;
    long k = 0;
    rng_state = 42;
    while (k < ops) {
        if (n < 256 && (n == 0 || (rnd() & 1))) {
            t[k++] = (w1op){(uint32_t)16 << rnd_range(0, 6), (uint32_t)n++};
            continue;
        }
        for (size_t b = rnd_range(1, n); b > 0 && n > 0 && k < ops; --b, --n)
            t[k++] = (w1op){0, (uint32_t)rnd_range(0, n - 1)};
    }
    return k;
}

#endif
