/* What the picture's parts share: the mapping from (time, address) to
 * drawing units. */
#ifndef MC_SVG_INTERNAL_H
#define MC_SVG_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "memcarve/svg.h"

#define MC_SVG_PLOT_WIDTH 1200.0
#define MC_SVG_PLOT_HEIGHT 600.0
#define MC_SVG_MARGIN 60.0

typedef struct mc_svg_frame {
    int64_t t_min, t_max;   /* time axis [t_min, t_max], t_max > t_min */
    int64_t a_max;          /* address axis [0, a_max], a_max > 0     */
} mc_svg_frame;

double mc_svg_x(const mc_svg_frame *f, double t);
double mc_svg_y(const mc_svg_frame *f, double address);

/* The live-size polyline (see svg.h). */
mc_status mc_svg_write_profile(const mc_problem *problem, const mc_svg_frame *frame, FILE *out, mc_error *err);

#endif
