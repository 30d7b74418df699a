#include "heuristics/order.h"

#include <stdlib.h>

#include "heuristics/radix.h"

/* ids of all buffers sorted by `keys` (ascending), and the sorted keys. */
static bool sorted_by(const int64_t *keys, size_t n, int32_t *ids, int64_t *values)
{
    for (size_t i = 0; i < n; ++i) ids[i] = (int32_t)i;
    if (!mc_radix_sort(ids, keys, n, false)) return false;
    for (size_t i = 0; i < n; ++i) values[i] = keys[ids[i]];
    return true;
}

/* Buffers whose lifetimes overlap each one's: all, minus those that ended
 * by its start, minus those starting at or after its end. Two merge-like
 * sweeps over sorted endpoints, O(n log n) for the sorts, no pairs. */
static bool conflict_counts(const mc_problem *problem, int64_t *out)
{
    size_t n = mc_problem_count(problem), cnt = n ? n : 1;
    int64_t *lowers = malloc(cnt * sizeof(int64_t)), *uppers = malloc(cnt * sizeof(int64_t));
    int64_t *sorted_lowers = malloc(cnt * sizeof(int64_t)), *sorted_uppers = malloc(cnt * sizeof(int64_t));
    int32_t *by_lower = malloc(cnt * sizeof(int32_t)), *by_upper = malloc(cnt * sizeof(int32_t));
    bool ok = lowers && uppers && sorted_lowers && sorted_uppers && by_lower && by_upper;
    for (size_t i = 0; ok && i < n; ++i) {
        lowers[i] = mc_problem_buffer(problem, i)->lower;
        uppers[i] = mc_problem_buffer(problem, i)->upper;
    }
    ok = ok && sorted_by(lowers, n, by_lower, sorted_lowers) && sorted_by(uppers, n, by_upper, sorted_uppers);
    if (ok) {
        size_t ended = 0, started = 0;
        for (size_t k = 0; k < n; ++k) { /* by ascending start */
            int32_t i = by_lower[k];
            while (ended < n && sorted_uppers[ended] <= lowers[i]) ++ended;
            out[i] = (int64_t)(n - ended);
        }
        for (size_t k = 0; k < n; ++k) { /* by ascending end */
            int32_t i = by_upper[k];
            while (started < n && sorted_lowers[started] < uppers[i]) ++started;
            out[i] -= (int64_t)(n - started);
        }
    }
    free(lowers);
    free(uppers);
    free(sorted_lowers);
    free(sorted_uppers);
    free(by_lower);
    free(by_upper);
    return ok;
}

static void fill_keys(const mc_problem *problem, mc_order_kind kind, int64_t *first, int64_t *second)
{
    size_t n = mc_problem_count(problem);
    for (size_t i = 0; i < n; ++i) {
        const mc_buffer *b = mc_problem_buffer(problem, i);
        int64_t life = b->upper - b->lower;
        switch (kind) {
        case MC_ORDER_SIZE: first[i] = b->size; second[i] = life; break;
        case MC_ORDER_LIFETIME: first[i] = life; second[i] = b->size; break;
        case MC_ORDER_AREA: {
            /* Saturate: a product beyond int64 only needs to sort last-equal. */
            int64_t area;
            first[i] = __builtin_mul_overflow(b->size, life, &area) ? INT64_MAX : area;
            second[i] = b->size;
            break;
        }
        case MC_ORDER_CONFLICTS: second[i] = b->size; break; /* first: filled by caller */
        case MC_ORDER_START: first[i] = -b->lower; second[i] = 0; break;
        default: first[i] = second[i] = 0; break;
        }
    }
}

/* Both keys descend; ties keep index order because both passes are stable
 * and start from the identity. */
static bool sort_two_keys(int32_t *order, size_t n, int64_t *first, int64_t *second, int64_t *gathered)
{
    for (size_t i = 0; i < n; ++i) order[i] = (int32_t)i;
    if (!mc_radix_sort(order, second, n, true)) return false;
    for (size_t i = 0; i < n; ++i) gathered[i] = first[order[i]];
    return mc_radix_sort(order, gathered, n, true);
}

mc_status mc_order_make(const mc_problem *problem, mc_order_kind kind, int32_t *order)
{
    size_t n = mc_problem_count(problem);
    size_t cnt = n ? n : 1;
    int64_t *first = malloc(cnt * sizeof(int64_t)), *second = malloc(cnt * sizeof(int64_t));
    int64_t *gathered = malloc(cnt * sizeof(int64_t));
    mc_status st = MC_ERR_NOMEM;
    if (first && second && gathered && (kind != MC_ORDER_CONFLICTS || conflict_counts(problem, first))) {
        fill_keys(problem, kind, first, second);
        if (sort_two_keys(order, n, first, second, gathered)) st = MC_OK;
    }
    free(first);
    free(second);
    free(gathered);
    return st;
}
