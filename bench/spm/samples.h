/* Timed samples shared by bench_spm and paths_spm: a series of per-call
 * times, its sort order, and how many calls went over a threshold (the
 * issue's tail targets are 150 and 185 cycles). */
#ifndef MC_BENCH_SPM_SAMPLES_H
#define MC_BENCH_SPM_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

typedef struct samples {
    uint32_t *v;
    size_t n;
} samples;

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static size_t count_over(const samples *s, uint32_t limit)
{
    size_t c = 0;
    for (size_t i = 0; i < s->n; ++i) c += s->v[i] > limit;
    return c;
}

#endif
