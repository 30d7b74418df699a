#include "heuristics/place.h"

#include <stdlib.h>
#include <string.h>

#include "heuristics/climb.h"

mc_status mc_place_recipe(mc_engine *e, mc_order_kind kind, mc_fit fit, int32_t *order, int64_t *height,
                          mc_error *err)
{
    if (mc_order_make(e->problem, kind, order) != MC_OK)
        return mc_error_set(err, MC_ERR_NOMEM, "out of memory ordering %d buffers", e->n);
    bool complete;
    return mc_engine_run(e, order, (size_t)e->n, fit, INT64_MAX, &complete, height, err);
}

/* TVM runs its hill climb for a fixed effort; ours is scaled so the whole
 * method stays within a small constant factor of one greedy pass. */
static unsigned climb_iterations(int32_t n)
{
    long it = 400000L / (n > 0 ? n : 1);
    return (unsigned)(it < 4 ? 4 : it > 64 ? 64 : it);
}

/* XLA's GlobalDecreasingSizeBestFitHeap tries a spatial and a temporal
 * order and keeps the lower heap; re-placing the winner leaves its layout
 * in the engine. */
static mc_status global_best_fit(mc_engine *e, int32_t *order, int64_t *height, mc_error *err)
{
    int64_t spatial, temporal;
    mc_status st = mc_place_recipe(e, MC_ORDER_SIZE, MC_FIT_BEST, order, &spatial, err);
    if (st == MC_OK) st = mc_place_recipe(e, MC_ORDER_LIFETIME, MC_FIT_BEST, order, &temporal, err);
    if (st != MC_OK || temporal < spatial) {
        *height = temporal;
        return st;
    }
    return mc_place_recipe(e, MC_ORDER_SIZE, MC_FIT_BEST, order, height, err);
}

mc_status mc_place_method(mc_engine *e, mc_method method, int32_t *order, int64_t *height, mc_error *err)
{
    switch (method) {
    case MC_METHOD_BEST_FIT: return mc_place_recipe(e, MC_ORDER_SIZE, MC_FIT_BEST, order, height, err);
    case MC_METHOD_FIRST_FIT: return mc_place_recipe(e, MC_ORDER_SIZE, MC_FIT_FIRST, order, height, err);
    case MC_METHOD_GLOBAL_BEST_FIT: return global_best_fit(e, order, height, err);
    case MC_METHOD_ONLINE_BEST_FIT: return mc_place_recipe(e, MC_ORDER_START, MC_FIT_BEST, order, height, err);
    case MC_METHOD_CONFLICT_GREEDY: {
        mc_status st = mc_place_recipe(e, MC_ORDER_CONFLICTS, MC_FIT_FIRST, order, height, err);
        if (st != MC_OK) return st;
        return mc_climb(e, order, MC_FIT_FIRST, climb_iterations(e->n), UINT64_C(0x5eed), height, err);
    }
    default:
        return mc_error_set(err, MC_ERR_INVALID, "method '%s' is not a single heuristic: use %s",
                            mc_method_name(method),
                            method == MC_METHOD_STACK ? "the sync planner" : "mc_solve_auto or mc_solve");
    }
}

void mc_place_copy(const mc_engine *e, int64_t *offsets)
{
    memcpy(offsets, e->offset, (size_t)e->n * sizeof(int64_t));
}

mc_status mc_place(const mc_problem *problem, mc_method method, int64_t *offsets, int64_t *height,
                   mc_error *err)
{
    if (!problem || !offsets) return mc_error_set(err, MC_ERR_INVALID, "mc_place: problem and offsets are required");
    if (method < MC_METHOD_BEST_FIT || method > MC_METHOD_ONLINE_BEST_FIT)
        return mc_place_method(NULL, method, NULL, NULL, err);
    mc_engine e;
    mc_status st = mc_engine_init(&e, problem, err);
    if (st != MC_OK) return st;
    int32_t *order = malloc(((size_t)e.n + 1) * sizeof(int32_t));
    int64_t h = 0;
    if (!order) st = mc_error_set(err, MC_ERR_NOMEM, "out of memory ordering %d buffers", e.n);
    else st = mc_place_method(&e, method, order, &h, err);
    if (st == MC_OK) {
        mc_place_copy(&e, offsets);
        if (height) *height = h;
    }
    free(order);
    mc_engine_free(&e);
    return st;
}
