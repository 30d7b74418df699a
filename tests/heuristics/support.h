/* Instance builders and checks shared by the heuristics tests. */
#ifndef MC_TEST_HEURISTICS_SUPPORT_H
#define MC_TEST_HEURISTICS_SUPPORT_H

#include "check.h"
#include "memcarve/heuristics.h"
#include "memcarve/planner.h"

/* Every single heuristic, for loops. */
extern const mc_method single_methods[];
extern const size_t single_method_count;

/* Random problem: n buffers over times [0, span), sizes 1..max_size; when
 * `rich`, also alignments, gaps (with and without windows), size-0 buffers
 * and fixed offsets that cannot collide (each in its own address band). */
mc_problem *random_problem(mc_test_rng *rng, size_t n, int64_t span, int64_t max_size, int rich);

/* Adds a plain buffer; aborts the test on failure. */
void add_plain(mc_problem *p, const char *id, int64_t lower, int64_t upper, int64_t size);
void add_fixed(mc_problem *p, const char *id, int64_t lower, int64_t upper, int64_t size, int64_t offset);

/* Places with `method`, checks MC_OK, that the validator accepts the layout
 * at its own height and agrees on the height; returns the height (-1 on
 * failure). `offsets` needs room for every buffer. */
int64_t place_checked(const mc_problem *p, mc_method method, int64_t *offsets);

/* The smallest height by trying every offset in [0, limit) for every
 * buffer (tiny problems only): independent of every planner. */
int64_t brute_force_height(const mc_problem *p, int64_t limit);

#endif
