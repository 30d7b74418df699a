/* A complete fallback for the rare problems whose gap windows let buffers
 * interleave (model->canonical_complete is false): the canonical search may
 * miss such layouts, so before "infeasible" is claimed this search tries
 * every aligned offset of every buffer. Exponential; it exists to make the
 * answer true, and honours the same node budget and tick as mc_search. */
#ifndef MC_PLANNER_EXHAUSTIVE_H
#define MC_PLANNER_EXHAUSTIVE_H

#include "planner/search.h"

mc_search_result mc_exhaustive_search(const mc_model *model, int64_t capacity, const mc_search_limits *limits,
                                      int64_t *offsets);

#endif
