/* The sync-aware problem: each lifetime is stretched to the first barrier
 * after the buffer's last read, because until a barrier every thread may
 * still be reading it. After that, ordinary interval conflicts are exactly
 * the sync rule, so every planner becomes sync-aware for free. */
#include <stdlib.h>

#include "sync/sync_internal.h"

/* min(p + 1, end) for the first barrier p >= t; `end` when none. The clip
 * keeps times bounded (p + 1 cannot overflow) and changes no conflict:
 * nothing starts at or after `end`. */
static int64_t release_time(const mc_barriers *barriers, int64_t t, int64_t end)
{
    size_t i = mc_sync_first_at_or_after(barriers, t);
    if (!barriers || i == barriers->count || barriers->positions[i] >= end) return end;
    return barriers->positions[i] + 1;
}

/* A gap frees addresses only once a barrier has passed; gaps that never see
 * one before they end are dropped. Writes the kept gaps to `gaps`. */
static size_t shrink_gaps(const mc_buffer *b, const mc_barriers *barriers, int64_t end, mc_gap *gaps)
{
    size_t kept = 0;
    for (size_t g = 0; g < b->gap_count; ++g) {
        mc_gap gap = b->gaps[g];
        gap.lower = release_time(barriers, gap.lower, end);
        if (gap.lower < gap.upper) gaps[kept++] = gap;
    }
    return kept;
}

static size_t most_gaps(const mc_problem *problem)
{
    size_t most = 0;
    for (size_t i = 0; i < mc_problem_count(problem); ++i) {
        size_t g = mc_problem_buffer(problem, i)->gap_count;
        if (g > most) most = g;
    }
    return most;
}

mc_status mc_sync_extend(const mc_problem *problem, const mc_barriers *barriers, mc_problem **out, mc_error *err)
{
    if (!problem || !out) return mc_error_set(err, MC_ERR_INVALID, "mc_sync_extend: expected a problem and out");
    *out = NULL;
    mc_status status = mc_barriers_check(barriers, err);
    if (status != MC_OK) return status;
    mc_problem *extended = mc_problem_create();
    mc_gap *gaps = malloc((most_gaps(problem) + 1) * sizeof(mc_gap));
    if (!extended || !gaps) status = mc_error_set(err, MC_ERR_NOMEM, "out of memory extending lifetimes");
    int64_t end = mc_sync_end(problem);
    for (size_t i = 0; status == MC_OK && i < mc_problem_count(problem); ++i) {
        mc_buffer b = *mc_problem_buffer(problem, i);
        b.upper = release_time(barriers, b.upper, end);
        b.gap_count = shrink_gaps(&b, barriers, end, gaps);
        b.gaps = gaps;
        status = mc_problem_add(extended, &b, err);
    }
    free(gaps);
    if (status != MC_OK) {
        mc_problem_destroy(extended);
        return status;
    }
    *out = extended;
    return MC_OK;
}
