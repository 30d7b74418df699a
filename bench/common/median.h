/* The median every benchmark reports: sorts `v` in place; with an even
 * count, the mean of the two middle values. Benchmarks only. */
#ifndef MC_BENCH_MEDIAN_H
#define MC_BENCH_MEDIAN_H

#include <stdlib.h>

static int mc_bench_compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double mc_bench_median(double *v, int count)
{
    qsort(v, (size_t)count, sizeof *v, mc_bench_compare_doubles);
    return count % 2 ? v[count / 2] : (v[count / 2 - 1] + v[count / 2]) / 2;
}

#endif
