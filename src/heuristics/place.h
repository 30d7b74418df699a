/* The single heuristics as (order, fit rule) recipes over one engine, so
 * that mc_place and the auto portfolio share them. */
#ifndef MC_HEURISTICS_PLACE_H
#define MC_HEURISTICS_PLACE_H

#include "heuristics/engine.h"
#include "heuristics/order.h"
#include "memcarve/heuristics.h"

/* Makes the order `kind` into `order` (n entries) and places it completely;
 * the engine holds the layout, *height its height. */
mc_status mc_place_recipe(mc_engine *e, mc_order_kind kind, mc_fit fit, int32_t *order, int64_t *height,
                          mc_error *err);

/* One method (not AUTO/EXACT/STACK) on an initialized engine: the engine
 * holds the layout afterwards. `order` has room for n entries. */
mc_status mc_place_method(mc_engine *e, mc_method method, int32_t *order, int64_t *height, mc_error *err);

/* Copies the engine's offsets (all buffers placed) to `offsets`. */
void mc_place_copy(const mc_engine *e, int64_t *offsets);

#endif
