/* The LOAD lower bound: at any instant the live pieces must be stacked
 * without overlap, so the largest total live width is a lower bound on any
 * layout's height. */
#include <stdlib.h>

#include "planner/problem_internal.h"

/* Ends sort before starts at the same time: lifetimes are half-open. */
static int compare_events(const void *a, const void *b)
{
    const mc_width_event *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    return (x->delta > y->delta) - (x->delta < y->delta);
}

mc_width_event *mc_width_events(const mc_problem *problem, size_t *count)
{
    mc_pieces pieces;
    if (!mc_pieces_collect(problem, &pieces)) return NULL;
    mc_width_event *events = malloc((2 * pieces.count + 1) * sizeof(mc_width_event));
    if (events) {
        for (size_t k = 0; k < pieces.count; ++k) {
            const mc_piece *p = &pieces.items[k];
            events[2 * k] = (mc_width_event){p->t0, p->w1 - p->w0};
            events[2 * k + 1] = (mc_width_event){p->t1, p->w0 - p->w1};
        }
        *count = 2 * pieces.count;
        qsort(events, *count, sizeof(mc_width_event), compare_events);
    }
    mc_pieces_free(&pieces);
    return events;
}

int64_t mc_problem_load(const mc_problem *problem)
{
    size_t count;
    mc_width_event *events = mc_width_events(problem, &count);
    if (!events) return -1;
    /* Live widths are each <= INT64_MAX, but their sum need not be: saturate. */
    int64_t live = 0, best = 0;
    for (size_t e = 0; e < count; ++e) {
        if (__builtin_add_overflow(live, events[e].delta, &live)) live = INT64_MAX;
        if (live > best) best = live;
    }
    free(events);
    return best;
}
