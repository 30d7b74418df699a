/* Offline placement of trace rows, for when no planner is at hand, and the
 * check that any planner's offsets are a valid layout. */
#include <inttypes.h>
#include <stdlib.h>

#include "common/checked.h"
#include "memcarve/cache.h"

static bool overlap_in_time(const mc_trace_row *a, const mc_trace_row *b)
{
    return a->lower < b->upper && b->lower < a->upper;
}

typedef struct span {
    int64_t lo, hi;
} span;

static int by_lo(const void *a, const void *b)
{
    const span *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* First fit: the lowest aligned offset clear of every placed row that is
 * alive at the same time as row i. */
static int64_t first_fit(const mc_trace_row *rows, const size_t *placed, size_t placed_count,
                         const int64_t *offsets, size_t i, span *scratch)
{
    size_t n = 0;
    for (size_t k = 0; k < placed_count; ++k) {
        size_t j = placed[k];
        if (overlap_in_time(&rows[i], &rows[j]))
            scratch[n++] = (span){offsets[j], offsets[j] + rows[j].size};
    }
    qsort(scratch, n, sizeof *scratch, by_lo);
    int64_t at = 0;
    for (size_t k = 0; k < n; ++k) {
        if (at + rows[i].size <= scratch[k].lo) break;
        if (scratch[k].hi > at) at = mc_align_up(scratch[k].hi, rows[i].alignment);
    }
    return at;
}

static int64_t place_in_order(const mc_trace_row *rows, size_t count, const size_t *order,
                              int64_t *offsets, span *scratch)
{
    int64_t height = 0;
    for (size_t k = 0; k < count; ++k) {
        size_t i = order[k];
        offsets[i] = first_fit(rows, order, k, offsets, i, scratch);
        if (offsets[i] + rows[i].size > height) height = offsets[i] + rows[i].size;
    }
    return height;
}

/* qsort has no context argument; the rows ride along in the keys. */
typedef struct keyed {
    int64_t size, lower;
    size_t index;
} keyed;

static int by_size_desc(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return (x->lower > y->lower) - (x->lower < y->lower);
}

mc_status mc_trace_rows_place(const mc_trace_row *rows, size_t count, int64_t *offsets,
                              int64_t *height, mc_error *err)
{
    size_t m = count ? count : 1;
    size_t *order = calloc(m, sizeof *order);
    keyed *keys = malloc(m * sizeof *keys);
    span *scratch = malloc(m * sizeof *scratch);
    int64_t *other = malloc(m * sizeof *other);
    mc_status st = MC_OK;
    if (!order || !keys || !scratch || !other) {
        st = mc_error_set(err, MC_ERR_NOMEM, "place: out of host memory");
    } else {
        for (size_t i = 0; i < count; ++i) order[i] = i; /* rows come in allocation order */
        int64_t by_time_height = place_in_order(rows, count, order, other, scratch);
        for (size_t i = 0; i < count; ++i) keys[i] = (keyed){rows[i].size, rows[i].lower, i};
        qsort(keys, count, sizeof *keys, by_size_desc);
        for (size_t i = 0; i < count; ++i) order[i] = keys[i].index;
        *height = place_in_order(rows, count, order, offsets, scratch);
        if (by_time_height < *height) {
            for (size_t i = 0; i < count; ++i) offsets[i] = other[i];
            *height = by_time_height;
        }
    }
    free(order);
    free(keys);
    free(scratch);
    free(other);
    return st;
}

static int by_lower(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return (x->lower > y->lower) - (x->lower < y->lower);
}

static mc_status check_pairs(const mc_trace_row *rows, const keyed *keys, size_t count,
                             const int64_t *offsets, mc_error *err)
{
    /* Rows sorted by start: only rows started earlier and not yet ended can
     * collide with the next one, so the scan stops at the first ended one
     * after pruning them from a live list. */
    size_t *live = malloc((count ? count : 1) * sizeof *live), nlive = 0;
    if (!live) return mc_error_set(err, MC_ERR_NOMEM, "check: out of host memory");
    mc_status st = MC_OK;
    for (size_t k = 0; k < count && st == MC_OK; ++k) {
        size_t i = keys[k].index;
        size_t kept = 0;
        for (size_t q = 0; q < nlive; ++q) {
            size_t j = live[q];
            if (rows[j].upper <= rows[i].lower) continue;
            live[kept++] = j;
            if (offsets[i] < offsets[j] + rows[j].size && offsets[j] < offsets[i] + rows[i].size &&
                rows[i].size > 0 && rows[j].size > 0)
                st = mc_error_set(err, MC_ERR_INVALID,
                                  "plan: rows %zu (id %" PRIu64 ") and %zu (id %" PRIu64
                                  ") are alive together and overlap in memory",
                                  j, rows[j].id, i, rows[i].id);
        }
        nlive = kept;
        live[nlive++] = i;
    }
    free(live);
    return st;
}

mc_status mc_trace_rows_check(const mc_trace_row *rows, size_t count, const int64_t *offsets,
                              int64_t *height, mc_error *err)
{
    int64_t top = 0;
    for (size_t i = 0; i < count; ++i) {
        int64_t end;
        if (rows[i].alignment < 1 || rows[i].size < 0 || rows[i].lower < 0 || rows[i].upper <= rows[i].lower)
            return mc_error_set(err, MC_ERR_INVALID,
                                "plan: row %zu (id %" PRIu64 "): expected lower >= 0, upper > lower, "
                                "size >= 0 and alignment >= 1", i, rows[i].id);
        if (offsets[i] < 0 || offsets[i] % rows[i].alignment || !mc_add_i64(offsets[i], rows[i].size, &end))
            return mc_error_set(err, MC_ERR_INVALID,
                                "plan: row %zu (id %" PRIu64 "): offset %" PRId64
                                " is negative, unaligned to %" PRId64 " or too large",
                                i, rows[i].id, offsets[i], rows[i].alignment);
        if (end > top) top = end;
    }
    keyed *keys = malloc((count ? count : 1) * sizeof *keys);
    if (!keys) return mc_error_set(err, MC_ERR_NOMEM, "check: out of host memory");
    for (size_t i = 0; i < count; ++i) keys[i] = (keyed){rows[i].size, rows[i].lower, i};
    qsort(keys, count, sizeof *keys, by_lower);
    mc_status st = check_pairs(rows, keys, count, offsets, err);
    free(keys);
    if (st == MC_OK && height) *height = top;
    return st;
}
