/* The live-size line: total occupied width over time, whose peak is the
 * LOAD bound, so a picture shows at a glance how far a layout's height is
 * from the best possible. */
#include <stdlib.h>

#include "planner/problem_internal.h"
#include "svg/svg_internal.h"

/* Events are (time, change of live width) pairs packed in one int64 array,
 * filled by the piece visitor through a moving cursor. */
static void record_piece(void *context, int64_t t0, int64_t t1, int64_t w0, int64_t w1)
{
    int64_t **cursor = context, *e = *cursor;
    e[0] = t0, e[1] = w1 - w0, e[2] = t1, e[3] = w0 - w1;
    *cursor = e + 4;
}

static int by_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Emits a staircase, one corner pair per distinct time. With many times,
 * times closer than half a unit to the last corner are folded into the next
 * corner as a spike to the highest level they reached, so peaks survive.
 * Levels are doubles: a sum of int64 widths may exceed int64. */
static void emit_levels(const int64_t *events, size_t count, const mc_svg_frame *f, FILE *out)
{
    size_t distinct = 0;
    for (size_t e = 0; e < count; ++e) distinct += e == 0 || events[2 * e] != events[2 * e - 2];
    double column = distinct > 2000 ? 0.5 : 0.0;
    double live = 0.0, previous = 0.0, folded_peak = 0.0, last_x = -1e300;
    for (size_t e = 0; e < count;) {
        int64_t t = events[2 * e];
        for (; e < count && events[2 * e] == t; ++e) live += (double)events[2 * e + 1];
        double x = mc_svg_x(f, (double)t);
        if (x - last_x < column && e < count) {
            if (live > folded_peak) folded_peak = live;
            continue;
        }
        double top = folded_peak > previous ? folded_peak : previous;
        fprintf(out, " %.2f,%.2f %.2f,%.2f", x, mc_svg_y(f, top), x, mc_svg_y(f, live));
        previous = live;
        folded_peak = 0.0;
        last_x = x;
    }
}

mc_status mc_svg_write_profile(const mc_problem *problem, const mc_svg_frame *frame, FILE *out, mc_error *err)
{
    size_t pieces = 0, n = mc_problem_count(problem);
    for (size_t i = 0; i < n; ++i) pieces += 2 * mc_problem_buffer(problem, i)->gap_count + 1;
    int64_t *events = malloc((4 * pieces + 1) * sizeof(int64_t)), *cursor = events;
    if (!events) return mc_error_set(err, MC_ERR_NOMEM, "svg: out of memory for the live-size line");
    for (size_t i = 0; i < n; ++i) mc_occupancy_pieces(mc_problem_buffer(problem, i), record_piece, &cursor);
    size_t count = (size_t)(cursor - events) / 2;
    qsort(events, count, 2 * sizeof(int64_t), by_time);
    fprintf(out, "<polyline class=\"live\" fill=\"none\" stroke=\"#222\" stroke-width=\"1\" points=\"");
    emit_levels(events, count, frame, out);
    fprintf(out, "\"><title>live size (its peak is the LOAD bound, %lld)</title></polyline>\n",
            (long long)mc_problem_load(problem));
    free(events);
    return MC_OK;
}
