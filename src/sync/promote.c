/* promoteReuse: the user names buffers whose memory should be reusable as
 * soon as possible; each needs a barrier between its last read and the next
 * first write of any buffer. Placing each missing barrier as late as
 * possible (just before that write) and handling the intervals by their
 * right end is the classic interval-stabbing greedy, so one inserted barrier
 * serves as many named buffers as any could. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/sort.h"
#include "sync/sync_internal.h"

typedef struct need {
    int64_t lo, hi;   /* some barrier must lie in [lo, hi] */
} need;

static int by_id(int32_t a, int32_t b, const void *context)
{
    const mc_problem *p = context;
    int c = strcmp(mc_problem_buffer(p, (size_t)a)->id, mc_problem_buffer(p, (size_t)b)->id);
    return c ? c : (a > b) - (a < b);
}

static int by_lower(int32_t a, int32_t b, const void *context)
{
    const mc_problem *p = context;
    int64_t x = mc_problem_buffer(p, (size_t)a)->lower, y = mc_problem_buffer(p, (size_t)b)->lower;
    return x != y ? (x < y ? -1 : 1) : (a > b) - (a < b);
}

static int by_hi(const void *a, const void *b)
{
    const need *x = a, *y = b;
    return (x->hi > y->hi) - (x->hi < y->hi);
}

/* The buffer named `id` in `sorted` (by id), or -1. */
static int32_t find_id(const mc_problem *p, const int32_t *sorted, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(mc_problem_buffer(p, (size_t)sorted[mid])->id, id);
        if (c == 0) return sorted[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

/* The first buffer (in `by_first_write`) written at or after t, or -1. */
static int32_t first_write_from(const mc_problem *p, const int32_t *by_first_write, size_t n, int64_t t)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mc_problem_buffer(p, (size_t)by_first_write[mid])->lower < t) lo = mid + 1;
        else hi = mid;
    }
    return lo < n ? by_first_write[lo] : -1;
}

/* Turns each named buffer into the interval a barrier must stab. */
static mc_status collect_needs(const mc_problem *p, const int32_t *by_name, const int32_t *by_first_write,
                               const char *const *ids, size_t id_count, need *needs, size_t *need_count,
                               mc_error *err)
{
    size_t n = mc_problem_count(p);
    for (size_t k = 0; k < id_count; ++k) {
        int32_t a = ids[k] ? find_id(p, by_name, n, ids[k]) : -1;
        if (a < 0)
            return mc_error_set(err, MC_ERR_INVALID, "promote-reuse: unknown buffer id '%s'",
                                ids[k] ? ids[k] : "(null)");
        const mc_buffer *buffer = mc_problem_buffer(p, (size_t)a);
        int32_t b = first_write_from(p, by_first_write, n, buffer->upper);
        if (b < 0) continue; /* nothing is written afterwards: nothing to reuse it */
        const mc_buffer *next = mc_problem_buffer(p, (size_t)b);
        if (next->lower == buffer->upper)
            return mc_error_set(err, MC_ERR_INVALID,
                                "promote-reuse '%s': its last read (time %" PRId64 ") is followed at time %" PRId64
                                " by the first write of '%s'; no barrier fits between (leave a free time between "
                                "operations)",
                                buffer->id, buffer->upper - 1, next->lower, next->id);
        if (next->lower - 1 < 0)
            return mc_error_set(err, MC_ERR_INVALID, "promote-reuse '%s': the barrier would be at a negative time",
                                buffer->id);
        needs[(*need_count)++] = (need){buffer->upper, next->lower - 1};
    }
    return MC_OK;
}

/* Stabs every interval, reusing given barriers, latest point first. */
static size_t stab(const mc_barriers *given, need *needs, size_t need_count, int64_t *inserted)
{
    qsort(needs, need_count, sizeof(need), by_hi);
    size_t count = 0;
    for (size_t k = 0; k < need_count; ++k) {
        if (mc_sync_any_in(given, needs[k].lo, needs[k].hi)) continue;
        if (count && inserted[count - 1] >= needs[k].lo) continue;
        inserted[count++] = needs[k].hi;
    }
    return count;
}

mc_status mc_promote_reuse(const mc_problem *problem, const mc_barriers *barriers, const char *const *ids,
                           size_t id_count, mc_barriers *out, mc_barriers *inserted, mc_error *err)
{
    if (!problem || !out || (id_count && !ids))
        return mc_error_set(err, MC_ERR_INVALID, "mc_promote_reuse: expected a problem, ids and out");
    mc_status status = mc_barriers_check(barriers, err);
    if (status != MC_OK) return status;
    size_t n = mc_problem_count(problem);
    if (n > (size_t)INT32_MAX) return mc_error_set(err, MC_ERR_UNSUPPORTED, "promote-reuse: more than 2^31 buffers");
    int32_t *order = malloc((3 * n + 1) * sizeof(int32_t));
    need *needs = malloc((id_count + 1) * sizeof(need));
    int64_t *added = malloc((id_count + 1) * sizeof(int64_t));
    if (!order || !needs || !added) status = mc_error_set(err, MC_ERR_NOMEM, "promote-reuse: out of memory");
    size_t need_count = 0, added_count = 0;
    if (status == MC_OK) {
        int32_t *by_name = order, *by_first_write = order + n, *scratch = order + 2 * n;
        for (size_t i = 0; i < n; ++i) by_name[i] = by_first_write[i] = (int32_t)i;
        mc_sort_indices(by_name, n, scratch, by_id, problem);
        mc_sort_indices(by_first_write, n, scratch, by_lower, problem);
        status = collect_needs(problem, by_name, by_first_write, ids, id_count, needs, &need_count, err);
    }
    if (status == MC_OK) added_count = stab(barriers, needs, need_count, added);
    mc_barriers result = {NULL, 0}, fresh = {NULL, 0};
    if (status == MC_OK) status = mc_sync_union(barriers, added, added_count, &result, err);
    if (status == MC_OK && inserted) status = mc_sync_union(NULL, added, added_count, &fresh, err);
    free(order);
    free(needs);
    free(added);
    if (status != MC_OK) {
        mc_barriers_free(&result);
        return status;
    }
    *out = result;
    if (inserted) *inserted = fresh;
    return MC_OK;
}
