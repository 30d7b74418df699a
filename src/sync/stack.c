/* nvFuser's stack allocator. Memory is a stack; a buffer is not pushed when
 * it is first written but parked on a waiting list, and the list is pushed
 * only when a barrier could free something. Pushing latest-last-read first
 * puts the shortest-lived buffers on top, where the next barrier can pop
 * them. Everything above the top of the stack is free, and a popped buffer
 * was last read before the barrier that popped it while everything pushed
 * later is first written after that barrier, so the layout is sync-safe. */
#include <inttypes.h>
#include <stdlib.h>

#include "common/checked.h"
#include "common/sort.h"
#include "sync/sync_internal.h"

typedef struct stack_state {
    const mc_problem *problem;
    int64_t alignment;
    int64_t *offsets;
    int32_t *by_lower;          /* all buffers, by first write          */
    int32_t *waiting, *stack, *scratch;
    size_t next, waiting_count, stack_count;
    int64_t waiting_min_upper;  /* earliest release among the waiting   */
    int64_t height;
} stack_state;

static const mc_buffer *buffer_at(const stack_state *s, int32_t i) { return mc_problem_buffer(s->problem, (size_t)i); }

static int by_lower(int32_t a, int32_t b, const void *context)
{
    const mc_problem *p = context;
    int64_t x = mc_problem_buffer(p, (size_t)a)->lower, y = mc_problem_buffer(p, (size_t)b)->lower;
    return x != y ? (x < y ? -1 : 1) : (a > b) - (a < b);
}

/* Latest last read first; ties: higher index first (nvFuser breaks ties by
 * the later-created tensor first), so the order is deterministic. */
static int by_upper_descending(int32_t a, int32_t b, const void *context)
{
    const mc_problem *p = context;
    int64_t x = mc_problem_buffer(p, (size_t)a)->upper, y = mc_problem_buffer(p, (size_t)b)->upper;
    return x != y ? (x > y ? -1 : 1) : (a < b) - (a > b);
}


static mc_status push(stack_state *s, int32_t i, mc_error *err)
{
    const mc_buffer *b = buffer_at(s, i);
    int64_t top = 0, step, offset, end;
    if (s->stack_count) {
        int32_t under = s->stack[s->stack_count - 1];
        top = s->offsets[under] + buffer_at(s, under)->size;
    }
    /* Offsets must be multiples of both alignments: step = their lcm. */
    if (!mc_mul_i64(s->alignment / mc_gcd_i64(s->alignment, b->alignment), b->alignment, &step) ||
        !mc_add_i64(offset = mc_align_up(top, step), b->size, &end) || offset == INT64_MAX - INT64_MAX % step)
        return mc_error_set(err, MC_ERR_OVERFLOW, "buffer '%s': its stack offset overflows int64", b->id);
    s->offsets[i] = offset;
    if (end > s->height) s->height = end;
    s->stack[s->stack_count++] = i;
    return MC_OK;
}

static mc_status push_waiting(stack_state *s, mc_error *err)
{
    mc_sort_indices(s->waiting, s->waiting_count, s->scratch, by_upper_descending, s->problem);
    mc_status status = MC_OK;
    for (size_t k = 0; status == MC_OK && k < s->waiting_count; ++k) status = push(s, s->waiting[k], err);
    s->waiting_count = 0;
    s->waiting_min_upper = INT64_MAX;
    return status;
}

/* Everything first written at or before barrier p joins the waiting list
 * (a write at p is not separated by p). Then, as in nvFuser: with buffers
 * waiting, nothing may be popped unless one of them is dead, in which case
 * they are all pushed first; then dead buffers leave the top. */
static mc_status at_barrier(stack_state *s, int64_t p, size_t n, mc_error *err)
{
    for (; s->next < n && buffer_at(s, s->by_lower[s->next])->lower <= p; ++s->next) {
        int32_t i = s->by_lower[s->next];
        s->waiting[s->waiting_count++] = i;
        if (buffer_at(s, i)->upper < s->waiting_min_upper) s->waiting_min_upper = buffer_at(s, i)->upper;
    }
    if (s->waiting_count) {
        if (s->waiting_min_upper > p) return MC_OK;
        mc_status status = push_waiting(s, err);
        if (status != MC_OK) return status;
    }
    while (s->stack_count && buffer_at(s, s->stack[s->stack_count - 1])->upper <= p) --s->stack_count;
    return MC_OK;
}

static mc_status check_stack_input(const mc_problem *problem, int64_t alignment, const int64_t *offsets,
                                   mc_error *err)
{
    if (!problem || !offsets) return mc_error_set(err, MC_ERR_INVALID, "mc_place_stack: expected a problem and offsets");
    if (alignment < 1)
        return mc_error_set(err, MC_ERR_INVALID, "stack alignment: expected an integer >= 1, got %" PRId64, alignment);
    size_t n = mc_problem_count(problem);
    if (n > (size_t)INT32_MAX) return mc_error_set(err, MC_ERR_UNSUPPORTED, "stack: more than 2^31 buffers");
    for (size_t i = 0; i < n; ++i)
        if (mc_problem_buffer(problem, i)->fixed_offset != MC_NO_OFFSET)
            return mc_error_set(err, MC_ERR_UNSUPPORTED,
                                "buffer '%s': the stack method cannot keep fixed offsets (use the exact solver)",
                                mc_problem_buffer(problem, i)->id);
    return MC_OK;
}

mc_status mc_place_stack(const mc_problem *problem, const mc_barriers *barriers, int64_t alignment, int64_t *offsets,
                         int64_t *height, mc_error *err)
{
    mc_status status = check_stack_input(problem, alignment, offsets, err);
    if (status == MC_OK) status = mc_barriers_check(barriers, err);
    if (status != MC_OK) return status;
    size_t n = mc_problem_count(problem);
    int32_t *memory = malloc(4 * (n + 1) * sizeof(int32_t));
    if (!memory) return mc_error_set(err, MC_ERR_NOMEM, "stack: out of memory for %zu buffers", n);
    stack_state s = {problem, alignment, offsets, memory, memory + n + 1, memory + 2 * (n + 1),
                     memory + 3 * (n + 1), 0, 0, 0, INT64_MAX, 0};
    for (size_t i = 0; i < n; ++i) s.by_lower[i] = (int32_t)i;
    mc_sort_indices(s.by_lower, n, s.scratch, by_lower, problem);
    size_t barrier_count = barriers ? barriers->count : 0;
    for (size_t k = 0; status == MC_OK && k < barrier_count; ++k)
        status = at_barrier(&s, barriers->positions[k], n, err);
    /* The end of the program acts as a final barrier: whatever still waits
     * is pushed on top (popping afterwards changes nothing). */
    if (status == MC_OK) status = at_barrier(&s, INT64_MAX, n, err);
    free(memory);
    if (status == MC_OK && height) *height = s.height;
    return status;
}
