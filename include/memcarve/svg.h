/*
 * memcarve/svg.h — pictures of layouts.
 *
 * The picture
 *   Time runs left to right, addresses bottom to top. Every occupancy piece
 *   of every buffer (its lifetime minus its gaps at full size, plus gap
 *   windows) is one <rect> with a <title> (shown on hover) and, when the
 *   rectangle is large enough, the buffer's id as a label. A dashed line
 *   marks the capacity, a polyline the live size over time (its peak is the
 *   LOAD bound) and vertical lines the barriers, a barrier at p drawn at
 *   p + 0.5: after the rectangles that end at p (last read p - 1) and
 *   before those that start at p + 1, the ones it separates.
 *   Each <rect> carries the exact integers it stands for, so scripts and
 *   tests can read a picture back: data-id, data-t0, data-t1 (time
 *   [t0, t1)) and data-a0, data-a1 (addresses [a0, a1)).
 *
 * Scale
 *   The plot is 1200 × 600 units whatever the input; coordinates are
 *   rounded to 0.01. Labels are skipped on rectangles too small to hold
 *   them; with more than 2000 distinct times the live-size line keeps the
 *   maximum per 0.5-unit column, so 100k buffers stay a few tens of MB.
 *
 * Contract
 *   `offsets` holds mc_problem_count() values >= 0; capacity > 0 (the axis
 *   runs to max(capacity, height)); `barriers` may be NULL. Nothing is
 *   validated about overlaps: draw any layout, even a wrong one. Reads only;
 *   thread-safe for distinct streams. O(p log p) for p pieces.
 */
#ifndef MEMCARVE_SVG_H
#define MEMCARVE_SVG_H

#include <stdint.h>
#include <stdio.h>

#include "memcarve/error.h"
#include "memcarve/planner.h"
#include "memcarve/sync.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the picture to a stream. MC_ERR_IO when the stream fails. */
mc_status mc_svg_write(const mc_problem *problem, const int64_t *offsets, int64_t capacity,
                       const mc_barriers *barriers, FILE *out, mc_error *err);

/* Writes atomically: a temporary file beside `path`, renamed on success, so
 * a failed run leaves no partial picture. "-" writes to stdout. */
mc_status mc_svg_write_file(const mc_problem *problem, const int64_t *offsets, int64_t capacity,
                            const mc_barriers *barriers, const char *path, mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_SVG_H */
