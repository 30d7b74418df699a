/* The LOAD lower bound: at any instant the live pieces must be stacked
 * without overlap, so the largest total live width is a lower bound on any
 * layout's height. */
#include <stdlib.h>

#include "planner/problem_internal.h"

typedef struct load_event {
    int64_t time;
    int64_t delta;
} load_event;

typedef struct event_list {
    load_event *items;
    size_t count;
} event_list;

static void add_piece(void *context, int64_t t0, int64_t t1, int64_t w0, int64_t w1)
{
    event_list *list = context;
    list->items[list->count++] = (load_event){t0, w1 - w0};
    list->items[list->count++] = (load_event){t1, -(w1 - w0)};
}

/* Ends sort before starts at the same time: lifetimes are half-open. */
static int compare_events(const void *a, const void *b)
{
    const load_event *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return (x->delta > y->delta) - (x->delta < y->delta);
}

int64_t mc_problem_load(const mc_problem *problem)
{
    size_t pieces = 0;
    for (size_t i = 0; i < problem->count; ++i) pieces += 2 * problem->buffers[i].gap_count + 1;
    event_list list = {malloc(2 * pieces * sizeof(load_event) + 1), 0};
    if (!list.items) return -1;
    for (size_t i = 0; i < problem->count; ++i) mc_occupancy_pieces(&problem->buffers[i], add_piece, &list);
    qsort(list.items, list.count, sizeof(load_event), compare_events);
    /* Live widths are each <= INT64_MAX, but their sum need not be: saturate. */
    int64_t live = 0, best = 0;
    for (size_t e = 0; e < list.count; ++e) {
        if (__builtin_add_overflow(live, list.items[e].delta, &live)) live = INT64_MAX;
        if (live > best) best = live;
    }
    free(list.items);
    return best;
}
