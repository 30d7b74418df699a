/* Planning a recorded step: the quick placement first, then the exact
 * planner when the quick one left room above LOAD. */
#include <stdlib.h>

#include "memcarve/cache.h"
#include "memcarve/planner.h"

static mc_status to_problem(const mc_trace_row *rows, size_t count, mc_problem **out, mc_error *err)
{
    mc_problem *problem = mc_problem_create();
    if (!problem) return mc_error_set(err, MC_ERR_NOMEM, "plan: out of host memory");
    mc_status st = MC_OK;
    for (size_t i = 0; i < count && st == MC_OK; ++i) {
        mc_buffer b = mc_buffer_make(NULL, rows[i].lower, rows[i].upper, rows[i].size);
        b.alignment = rows[i].alignment;
        st = mc_problem_add(problem, &b, err);
    }
    if (st != MC_OK) {
        mc_problem_destroy(problem);
        return st;
    }
    *out = problem;
    return MC_OK;
}

/* Tries to beat `*height` with the exact planner; on success overwrites
 * offsets and height. Failure to improve is not an error. */
static mc_status try_solver(const mc_trace_row *rows, size_t count, double timeout, int64_t *offsets,
                            int64_t *height, mc_error *err)
{
    mc_problem *problem = NULL;
    mc_status st = to_problem(rows, count, &problem, err);
    if (st != MC_OK) return st;
    int64_t *better = malloc(count * sizeof *better);
    mc_solve_options options;
    mc_solve_options_init(&options);
    options.capacity = *height;
    options.minimize = true;
    options.timeout_seconds = timeout;
    mc_report report;
    if (!better) st = mc_error_set(err, MC_ERR_NOMEM, "plan: out of host memory");
    else st = mc_solve(problem, &options, better, &report, err);
    if (st == MC_OK && report.outcome == MC_OUTCOME_SOLVED && report.height < *height &&
        mc_trace_rows_check(rows, count, better, NULL, NULL) == MC_OK) {
        for (size_t i = 0; i < count; ++i) offsets[i] = better[i];
        *height = report.height;
    }
    free(better);
    mc_problem_destroy(problem);
    return st;
}

mc_status mc_trace_rows_plan(const mc_trace_row *rows, size_t count, double timeout_seconds,
                             int64_t *offsets, int64_t *height, mc_error *err)
{
    mc_status st = mc_trace_rows_place(rows, count, offsets, height, err);
    if (st != MC_OK) return st;
    if (count > 0 && timeout_seconds > 0 && *height > mc_trace_rows_load(rows, count))
        st = try_solver(rows, count, timeout_seconds, offsets, height, err);
    if (st == MC_OK) st = mc_trace_rows_check(rows, count, offsets, height, err);
    return st;
}
