/* Hill climbing over placement orders (TVM USMP's hill_climb): perturb the
 * order, re-place, keep the change when the height does not grow. */
#ifndef MC_HEURISTICS_CLIMB_H
#define MC_HEURISTICS_CLIMB_H

#include "heuristics/engine.h"

/* Starts from `order` (n entries) whose complete run has height *height;
 * on return `order` and *height are the best found and the engine holds
 * that layout. Each iteration costs one (often early-stopped) run. */
mc_status mc_climb(mc_engine *e, int32_t *order, mc_fit fit, unsigned iterations, uint64_t seed,
                   int64_t *height, mc_error *err);

#endif
