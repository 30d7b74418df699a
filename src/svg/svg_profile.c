/* The live-size line: total occupied width over time, whose peak is the
 * LOAD bound, so a picture shows at a glance how far a layout's height is
 * from the best possible. */
#include <stdlib.h>

#include "planner/problem_internal.h"
#include "svg/svg_internal.h"

/* Emits a staircase, one corner pair per distinct time. With many times,
 * times closer than half a unit to the last corner are folded into the next
 * corner as a spike to the highest level they reached, so peaks survive.
 * Levels are doubles: a sum of int64 widths may exceed int64. */
static void emit_levels(const mc_width_event *events, size_t count, const mc_svg_frame *f, FILE *out)
{
    size_t distinct = 0;
    for (size_t e = 0; e < count; ++e) distinct += e == 0 || events[e].time != events[e - 1].time;
    double column = distinct > 2000 ? 0.5 : 0.0;
    double live = 0.0, previous = 0.0, folded_peak = 0.0, last_x = -1e300;
    for (size_t e = 0; e < count;) {
        int64_t t = events[e].time;
        for (; e < count && events[e].time == t; ++e) live += (double)events[e].delta;
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
    size_t count;
    mc_width_event *events = mc_width_events(problem, &count);
    if (!events) return mc_error_set(err, MC_ERR_NOMEM, "svg: out of memory for the live-size line");
    fprintf(out, "<polyline class=\"live\" fill=\"none\" stroke=\"#222\" stroke-width=\"1\" points=\"");
    emit_levels(events, count, frame, out);
    fprintf(out, "\"><title>live size (its peak is the LOAD bound, %lld)</title></polyline>\n",
            (long long)mc_problem_load(problem));
    free(events);
    return MC_OK;
}
