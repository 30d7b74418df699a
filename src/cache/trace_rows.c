/* From a trace to a static-planning problem: one row per allocation with
 * its lifetime in event-index time. */
#include <inttypes.h>
#include <stdlib.h>

#include "cache/hashmap.h"
#include "common/checked.h"
#include "memcarve/cache.h"

static bool row_of_event(const mc_trace_event *e, int device)
{
    return device < 0 || e->device == device;
}

/* Pairs allocs with frees through an id -> row map; frees of blocks
 * allocated before the recording (unknown ids) are skipped, since they
 * were never part of the step. */
static mc_status pair_events(const mc_trace_event *events, size_t count, int device, mc_hmap *open,
                             mc_trace_row *rows, size_t *n, int64_t *time, mc_error *err)
{
    for (size_t i = 0; i < count; ++i) {
        const mc_trace_event *e = &events[i];
        if (!row_of_event(e, device)) continue;
        uint64_t key = e->id + 1;
        if (e->is_free) {
            uintptr_t r = (uintptr_t)mc_hmap_take(open, key);
            if (r) rows[r - 1].upper = (*time)++;
            continue;
        }
        if (mc_hmap_get(open, key))
            return mc_error_set(err, MC_ERR_INVALID, "trace event %zu: id %" PRIu64
                                " allocated again while still live", i, e->id);
        int64_t align = e->alignment ? (int64_t)e->alignment : 1;
        rows[*n] = (mc_trace_row){e->id, *time, -1, mc_align_up((int64_t)e->size, align), align};
        if (!mc_hmap_put(open, key, (void *)(uintptr_t)(*n + 1)))
            return mc_error_set(err, MC_ERR_NOMEM, "trace: out of host memory");
        ++*n;
        ++*time;
    }
    return MC_OK;
}

mc_status mc_trace_to_rows(const mc_trace_event *events, size_t count, int device,
                           mc_trace_row **rows_out, size_t *row_count, mc_error *err)
{
    *rows_out = NULL;
    *row_count = 0;
    mc_trace_row *rows = malloc((count ? count : 1) * sizeof *rows);
    mc_hmap open;
    if (!rows || !mc_hmap_init(&open, 64)) {
        free(rows);
        return mc_error_set(err, MC_ERR_NOMEM, "trace: out of host memory");
    }
    size_t n = 0;
    int64_t time = 0;
    mc_status st = pair_events(events, count, device, &open, rows, &n, &time, err);
    mc_hmap_free(&open);
    if (st != MC_OK) {
        free(rows);
        return st;
    }
    for (size_t i = 0; i < n; ++i)
        if (rows[i].upper < 0) rows[i].upper = time; /* never freed: live to the end */
    *rows_out = rows;
    *row_count = n;
    return MC_OK;
}

mc_status mc_trace_rows_write(const mc_trace_row *rows, size_t count, FILE *out, mc_error *err)
{
    int rc = fprintf(out, "id,lower,upper,size\n");
    for (size_t i = 0; i < count && rc >= 0; ++i)
        rc = fprintf(out, "%" PRIu64 ",%" PRId64 ",%" PRId64 ",%" PRId64 "\n", rows[i].id,
                     rows[i].lower, rows[i].upper, rows[i].size);
    return rc < 0 ? mc_error_set(err, MC_ERR_IO, "problem: write failed") : MC_OK;
}

typedef struct sweep_point {
    int64_t time, delta;
} sweep_point;

static int by_time(const void *a, const void *b)
{
    const sweep_point *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return (x->delta > y->delta) - (x->delta < y->delta); /* ends first: half-open */
}

int64_t mc_trace_rows_load(const mc_trace_row *rows, size_t count)
{
    sweep_point *points = malloc((2 * count + 1) * sizeof *points);
    if (!points) return -1;
    for (size_t i = 0; i < count; ++i) {
        points[2 * i] = (sweep_point){rows[i].lower, rows[i].size};
        points[2 * i + 1] = (sweep_point){rows[i].upper, -rows[i].size};
    }
    qsort(points, 2 * count, sizeof *points, by_time);
    int64_t live = 0, best = 0;
    for (size_t i = 0; i < 2 * count; ++i) {
        live += points[i].delta;
        if (live > best) best = live;
    }
    free(points);
    return best;
}
