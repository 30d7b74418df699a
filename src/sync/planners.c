/* The planners mc_insert_barriers can use out of the box: the exact solver
 * on the sync-aware problem, and nvFuser's stack allocator, which needs the
 * barriers themselves rather than the stretched lifetimes. */
#include <inttypes.h>

#include "sync/sync_internal.h"

mc_status mc_sync_plan_exact(const mc_problem *original, const mc_problem *extended, const mc_barriers *barriers,
                             int64_t capacity, int64_t *offsets, int64_t *height, void *context, mc_error *err)
{
    (void)original;
    (void)barriers;
    mc_solve_options options;
    mc_solve_options_init(&options);
    options.capacity = capacity;
    options.timeout_seconds = context ? *(const double *)context : 0.0;
    mc_report report;
    mc_status status = mc_solve(extended, &options, offsets, &report, err);
    if (status != MC_OK) return status;
    switch (report.outcome) {
    case MC_OUTCOME_SOLVED: *height = report.height; return MC_OK;
    case MC_OUTCOME_INFEASIBLE: return mc_error_set(err, MC_ERR_INFEASIBLE, "%s", report.reason);
    case MC_OUTCOME_TIMEOUT: return mc_error_set(err, MC_ERR_TIMEOUT, "%s", report.reason);
    default: return mc_error_set(err, MC_ERR_CANCELLED, "%s", report.reason);
    }
}

mc_status mc_sync_plan_stack(const mc_problem *original, const mc_problem *extended, const mc_barriers *barriers,
                             int64_t capacity, int64_t *offsets, int64_t *height, void *context, mc_error *err)
{
    (void)extended;
    int64_t alignment = context ? *(const int64_t *)context : 1;
    mc_status status = mc_place_stack(original, barriers, alignment, offsets, height, err);
    if (status == MC_OK && *height > capacity)
        return mc_error_set(err, MC_ERR_INFEASIBLE, "stack height %" PRId64 " exceeds the capacity %" PRId64, *height,
                            capacity);
    return status;
}
