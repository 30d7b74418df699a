/* The problem model: buffers are checked once, on entry, so every later
 * stage (solver, validator, writers) may rely on the contract in planner.h
 * without re-checking, and on sums such as offset + size never overflowing
 * once a capacity has been checked. */
#include "planner/problem_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"

mc_buffer mc_buffer_make(const char *id, int64_t lower, int64_t upper, int64_t size)
{
    mc_buffer b = {.id = id, .lower = lower, .upper = upper, .size = size, .alignment = 1,
                   .fixed_offset = MC_NO_OFFSET, .hint = MC_NO_OFFSET, .gaps = NULL, .gap_count = 0};
    return b;
}

mc_problem *mc_problem_create(void)
{
    return calloc(1, sizeof(mc_problem));
}

void mc_problem_destroy(mc_problem *problem)
{
    if (!problem) return;
    for (size_t i = 0; i < problem->count; ++i) {
        free((char *)problem->buffers[i].id);
        free((mc_gap *)problem->buffers[i].gaps);
    }
    free(problem->buffers);
    free(problem);
}

size_t mc_problem_count(const mc_problem *problem)
{
    return problem->count;
}

const mc_buffer *mc_problem_buffer(const mc_problem *problem, size_t index)
{
    return index < problem->count ? &problem->buffers[index] : NULL;
}

static const char *display_id(const mc_buffer *b)
{
    return b->id ? b->id : "(unnamed)";
}

static mc_status check_gaps(const mc_buffer *b, mc_error *err)
{
    int64_t previous_upper = b->lower;
    for (size_t g = 0; g < b->gap_count; ++g) {
        const mc_gap *gap = &b->gaps[g];
        if (gap->upper <= gap->lower)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': gap %zu: expected lo < hi, got %" PRId64 "-%" PRId64,
                                display_id(b), g + 1, gap->lower, gap->upper);
        if (gap->lower < b->lower || gap->upper > b->upper)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': gap %zu: expected inside the lifetime [%" PRId64
                                ", %" PRId64 "), got [%" PRId64 ", %" PRId64 ")",
                                display_id(b), g + 1, b->lower, b->upper, gap->lower, gap->upper);
        if (gap->lower < previous_upper)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': gap %zu: expected gaps sorted and disjoint, but it starts"
                                " at %" PRId64 " before the previous gap ends at %" PRId64,
                                display_id(b), g + 1, gap->lower, previous_upper);
        previous_upper = gap->upper;
        if (gap->has_window &&
            (gap->window_lower < 0 || gap->window_lower > gap->window_upper || gap->window_upper > b->size))
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': gap %zu: expected a window 0 <= wlo <= whi <= size (%" PRId64
                                "), got %" PRId64 ":%" PRId64,
                                display_id(b), g + 1, b->size, gap->window_lower, gap->window_upper);
    }
    return MC_OK;
}

/* The contract of planner.h, checked field by field so the message can say
 * which field is wrong. */
static mc_status check_buffer(const mc_buffer *b, mc_error *err)
{
    const char *id = display_id(b);
    int64_t end;
    if (b->size < 0)
        return mc_error_set(err, MC_ERR_INVALID, "buffer '%s': size: expected >= 0, got %" PRId64, id,
                            b->size);
    if (b->upper <= b->lower)
        return mc_error_set(err, MC_ERR_INVALID,
                            "buffer '%s': lifetime: expected lower < upper, got [%" PRId64 ", %" PRId64 ")",
                            id, b->lower, b->upper);
    if (b->alignment < 1)
        return mc_error_set(err, MC_ERR_INVALID, "buffer '%s': alignment: expected >= 1, got %" PRId64, id,
                            b->alignment);
    if (b->fixed_offset != MC_NO_OFFSET) {
        if (b->fixed_offset < 0)
            return mc_error_set(err, MC_ERR_INVALID, "buffer '%s': offset: expected >= 0, got %" PRId64, id,
                                b->fixed_offset);
        if (b->fixed_offset % b->alignment != 0)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': offset: expected a multiple of the alignment %" PRId64
                                ", got %" PRId64,
                                id, b->alignment, b->fixed_offset);
        if (!mc_add_i64(b->fixed_offset, b->size, &end))
            return mc_error_set(err, MC_ERR_OVERFLOW,
                                "buffer '%s': offset + size overflows int64 (%" PRId64 " + %" PRId64 ")", id,
                                b->fixed_offset, b->size);
    }
    if (b->hint < MC_NO_OFFSET)
        return mc_error_set(err, MC_ERR_INVALID, "buffer '%s': hint: expected >= 0 or -1, got %" PRId64, id,
                            b->hint);
    if (b->gap_count && !b->gaps)
        return mc_error_set(err, MC_ERR_INVALID, "buffer '%s': gap_count is %zu but gaps is NULL", id,
                            b->gap_count);
    return check_gaps(b, err);
}

static char *copy_id(const char *id, size_t index)
{
    char fallback[32];
    if (!id) {
        snprintf(fallback, sizeof fallback, "%zu", index);
        id = fallback;
    }
    size_t length = strlen(id) + 1;
    char *copy = malloc(length);
    if (copy) memcpy(copy, id, length);
    return copy;
}

mc_status mc_problem_add(mc_problem *problem, const mc_buffer *buffer, mc_error *err)
{
    mc_status status = check_buffer(buffer, err);
    if (status != MC_OK) return status;
    if (problem->count == problem->capacity) {
        size_t grown = problem->capacity ? problem->capacity * 2 : 16;
        if (grown > SIZE_MAX / sizeof(mc_buffer))
            return mc_error_set(err, MC_ERR_NOMEM, "too many buffers");
        mc_buffer *more = realloc(problem->buffers, grown * sizeof(mc_buffer));
        if (!more) return mc_error_set(err, MC_ERR_NOMEM, "out of memory adding buffer %zu", problem->count);
        problem->buffers = more;
        problem->capacity = grown;
    }
    mc_buffer copy = *buffer;
    copy.id = copy_id(buffer->id, problem->count);
    mc_gap *gaps = NULL;
    if (buffer->gap_count) {
        gaps = malloc(buffer->gap_count * sizeof(mc_gap));
        if (gaps) memcpy(gaps, buffer->gaps, buffer->gap_count * sizeof(mc_gap));
    }
    if (!copy.id || (buffer->gap_count && !gaps)) {
        free((char *)copy.id);
        free(gaps);
        return mc_error_set(err, MC_ERR_NOMEM, "out of memory adding buffer %zu", problem->count);
    }
    copy.gaps = gaps;
    problem->buffers[problem->count++] = copy;
    return MC_OK;
}

mc_status mc_problem_check_capacity(const mc_problem *problem, int64_t capacity, mc_error *err)
{
    if (capacity <= 0)
        return mc_error_set(err, MC_ERR_INVALID, "capacity: expected a positive integer, got %" PRId64,
                            capacity);
    for (size_t i = 0; i < problem->count; ++i) {
        const mc_buffer *b = &problem->buffers[i];
        if (b->size > capacity)
            return mc_error_set(err, MC_ERR_INFEASIBLE,
                                "buffer '%s': size %" PRId64 " exceeds the capacity %" PRId64, b->id, b->size,
                                capacity);
        if (b->fixed_offset != MC_NO_OFFSET && b->fixed_offset > capacity - b->size)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': offset: fixed offset %" PRId64 " + size %" PRId64
                                " exceeds the capacity %" PRId64,
                                b->id, b->fixed_offset, b->size, capacity);
    }
    return MC_OK;
}

/* --------------------------------------------------------------- occupancy */

void mc_occupancy_pieces(const mc_buffer *b, mc_piece_visitor visit, void *context)
{
    int64_t t = b->lower;
    for (size_t g = 0; g < b->gap_count; ++g) {
        const mc_gap *gap = &b->gaps[g];
        if (gap->lower > t && b->size > 0) visit(context, t, gap->lower, 0, b->size);
        if (gap->has_window && gap->window_upper > gap->window_lower)
            visit(context, gap->lower, gap->upper, gap->window_lower, gap->window_upper);
        t = gap->upper;
    }
    if (b->upper > t && b->size > 0) visit(context, t, b->upper, 0, b->size);
}

typedef struct piece_cursor {
    mc_piece *next;
} piece_cursor;

static void keep_piece(void *context, int64_t t0, int64_t t1, int64_t w0, int64_t w1)
{
    piece_cursor *cursor = context;
    *cursor->next++ = (mc_piece){t0, t1, w0, w1};
}

bool mc_pieces_collect(const mc_problem *problem, mc_pieces *out)
{
    /* A buffer with g gaps has at most g + 1 stretches between them and g
     * windows. */
    size_t bound = 0;
    for (size_t i = 0; i < problem->count; ++i) bound += 2 * problem->buffers[i].gap_count + 1;
    out->items = malloc((bound + 1) * sizeof(mc_piece));
    out->first = malloc((problem->count + 1) * sizeof(size_t));
    out->count = 0;
    if (!out->items || !out->first) {
        mc_pieces_free(out);
        return false;
    }
    piece_cursor cursor = {out->items};
    for (size_t i = 0; i < problem->count; ++i) {
        out->first[i] = (size_t)(cursor.next - out->items);
        mc_occupancy_pieces(&problem->buffers[i], keep_piece, &cursor);
    }
    out->count = (size_t)(cursor.next - out->items);
    out->first[problem->count] = out->count;
    return true;
}

void mc_pieces_free(mc_pieces *pieces)
{
    free(pieces->items);
    free(pieces->first);
    pieces->items = NULL;
    pieces->first = NULL;
    pieces->count = 0;
}
