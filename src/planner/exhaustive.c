#include "planner/exhaustive.h"

#include <stdlib.h>

#include "common/checked.h"

typedef struct walker {
    const mc_model *m;
    int64_t capacity;
    const mc_search_limits *limits;
    uint64_t budget_left;
    int64_t *offset; /* -1: not placed */
} walker;

/* The smallest offset >= o at which b's pieces miss those of placed a,
 * considering one blocking pair of spans at a time; o itself if none. */
static int64_t clear_of(const walker *w, int32_t a, int32_t b, int64_t o)
{
    const mc_model *m = w->m;
    for (int32_t i = m->span_start[a]; i < m->span_start[a + 1]; ++i)
        for (int32_t j = m->span_start[b]; j < m->span_start[b + 1]; ++j) {
            const mc_span *x = &m->spans[i], *y = &m->spans[j];
            if (x->section_upper <= y->section_lower || y->section_upper <= x->section_lower) continue;
            int64_t a0 = w->offset[a] + x->window_lower, a1 = w->offset[a] + x->window_upper;
            if (o + y->window_lower < a1 && a0 < o + y->window_upper) return a1 - y->window_lower;
        }
    return o;
}

/* The lowest aligned offset >= o where b fits among placed buffers. */
static int64_t next_fit(const walker *w, int32_t b, int64_t o)
{
    const mc_model *m = w->m;
    for (;;) {
        o = mc_align_up(o, m->alignment[b]);
        if (o > w->capacity - m->size[b]) return -1;
        int64_t moved = o;
        for (int32_t k = m->overlap_start[b]; k < m->overlap_start[b + 1] && moved == o; ++k) {
            int32_t a = m->overlaps[k].other;
            if (w->offset[a] >= 0) moved = clear_of(w, a, b, o);
        }
        if (moved == o) return o;
        o = moved;
    }
}

static mc_search_result place_from(walker *w, int32_t b)
{
    if (b == w->m->count) return MC_SEARCH_FOUND;
    if (w->budget_left == 0) return MC_SEARCH_ABORTED;
    --w->budget_left;
    uint64_t nodes = ++*w->limits->nodes;
    if ((nodes & 1023) == 0 && w->limits->tick && w->limits->tick(w->limits->context)) return MC_SEARCH_STOPPED;
    int64_t fixed = w->m->fixed_offset[b];
    for (int64_t o = next_fit(w, b, fixed >= 0 ? fixed : 0); o >= 0; o = next_fit(w, b, o + 1)) {
        if (fixed >= 0 && o != fixed) break;
        w->offset[b] = o;
        mc_search_result r = place_from(w, b + 1);
        w->offset[b] = -1;
        if (r != MC_SEARCH_EXHAUSTED) {
            if (r == MC_SEARCH_FOUND) w->offset[b] = o;
            return r;
        }
    }
    return MC_SEARCH_EXHAUSTED;
}

mc_search_result mc_exhaustive_search(const mc_model *model, int64_t capacity, const mc_search_limits *limits,
                                      int64_t *offsets)
{
    walker w = {model, capacity, limits, limits->node_budget, offsets};
    for (int32_t b = 0; b < model->count; ++b) offsets[b] = -1;
    return place_from(&w, 0);
}
