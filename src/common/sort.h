/* A stable merge sort of int32 items with a context-aware comparator: C17's
 * qsort has no context argument, and the planner sorts indices by keys kept
 * in other arrays. O(n log n), `scratch` must hold n items. */
#ifndef MC_COMMON_SORT_H
#define MC_COMMON_SORT_H

#include <stddef.h>
#include <stdint.h>

/* Negative when a must come before b. */
typedef int (*mc_index_compare)(int32_t a, int32_t b, const void *context);

void mc_sort_indices(int32_t *items, size_t count, int32_t *scratch, mc_index_compare compare,
                     const void *context);

#endif
