/* The two synthetic kinds: a perfect tiling with a known optimum and
 * bounded-concurrency random lifetimes for scaling runs. */
#include <stdlib.h>

#include "generate/builder.h"

typedef struct rect { int64_t t0, t1, a0, a1; } rect;

/* Cuts rects[i] in two along time or address (chosen in proportion to its
 * extent relative to the box), appending the second half. */
static int split(mc_gen_builder *b, rect *rects, size_t i, size_t *count, int64_t span, int64_t height)
{
    rect r = rects[i];
    int64_t w = r.t1 - r.t0, h = r.a1 - r.a0;
    if (w < 2 && h < 2) return 0;
    /* Compare w/span with h/height without division. */
    int cut_time = h < 2 || (w >= 2 && mc_gen_range(b, 0, 1) == 0 && (double)w * (double)height >=
                                            0.25 * (double)h * (double)span);
    rect second = r;
    if (cut_time) {
        int64_t at = mc_gen_range(b, r.t0 + 1, r.t1 - 1);
        rects[i].t1 = second.t0 = at;
    } else {
        int64_t at = mc_gen_range(b, r.a0 + 1, r.a1 - 1);
        rects[i].a1 = second.a0 = at;
    }
    rects[(*count)++] = second;
    return 1;
}

mc_status mc_gen_tiling(mc_gen_builder *b, size_t buffers, int64_t height)
{
    int64_t span = 2 * (int64_t)buffers;
    rect *rects = malloc(buffers * sizeof(rect));
    if (!rects) return mc_error_set(b->err, MC_ERR_NOMEM, "out of memory for %zu rectangles", buffers);
    rects[0] = (rect){0, span, 0, height};
    size_t count = 1;
    /* Breadth first keeps the pieces of similar size; the box has 2n time
     * steps, so a splittable piece always exists while count < n. */
    for (size_t i = 0; count < buffers; i = (i + 1) % count) split(b, rects, i, &count, span, height);
    mc_status st = MC_OK;
    for (size_t i = 0; i < count && st == MC_OK; ++i)
        st = mc_gen_emit(b, rects[i].t0, rects[i].t1, rects[i].a1 - rects[i].a0);
    free(rects);
    return st;
}

mc_status mc_gen_random(mc_gen_builder *b, size_t buffers)
{
    int64_t span = (int64_t)buffers;
    mc_status st = MC_OK;
    for (size_t i = 0; i < buffers && st == MC_OK; ++i) {
        int64_t lower = mc_gen_range(b, 0, span - 1);
        int64_t length = mc_gen_range(b, 1, 64);
        int64_t bits = mc_gen_range(b, 0, 15);
        int64_t size = (INT64_C(1) << bits) + mc_gen_range(b, 0, (INT64_C(1) << bits) - 1);
        st = mc_gen_emit(b, lower, lower + length, size);
    }
    return st;
}
