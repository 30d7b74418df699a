/* Shared by the sync tests: building problems from arrays, and a checker
 * for the sync rule written straight from its definition (pairs of
 * buffers), sharing nothing with the library's lifetime stretching. */
#ifndef MC_TEST_SYNC_SUPPORT_H
#define MC_TEST_SYNC_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "memcarve/sync.h"

typedef struct spec {
    const char *id;
    int64_t lower, upper, size;
} spec;

/* A problem of gap-less buffers; aborts the test on failure. */
mc_problem *make_problem(const spec *specs, size_t count);

/* A random gap-less problem: n buffers, times in [0, horizon), sizes in
 * [1, max_size]. */
mc_problem *random_problem(mc_test_rng *rng, size_t n, int64_t horizon, int64_t max_size);

/* A random barrier set over [0, horizon]. */
mc_barriers random_barriers(mc_test_rng *rng, int64_t horizon, int percent);

/* Whether a barrier lies strictly between a's last read and b's first write. */
bool separated(const mc_buffer *a, const mc_buffer *b, const mc_barriers *bars);

/* Checks every pair: buffers whose addresses overlap must be separated one
 * way or the other. Returns the number of violations (0: sync-safe). */
int sync_violations(const mc_problem *p, const int64_t *offsets, const mc_barriers *bars);

#endif
