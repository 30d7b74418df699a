/* The representation behind mc_problem, shared by the planner's files. */
#ifndef MC_PLANNER_PROBLEM_INTERNAL_H
#define MC_PLANNER_PROBLEM_INTERNAL_H

#include "memcarve/planner.h"

struct mc_problem {
    mc_buffer *buffers;  /* ids and gaps owned by the problem */
    size_t count, capacity;
};

/* A piece of a buffer's occupancy: during [t0, t1) it occupies
 * [offset + w0, offset + w1). Only non-empty pieces are visited, in time
 * order: the lifetime minus its gaps at full extent, plus gap windows. */
typedef void (*mc_piece_visitor)(void *context, int64_t t0, int64_t t1, int64_t w0, int64_t w1);
void mc_occupancy_pieces(const mc_buffer *buffer, mc_piece_visitor visit, void *context);

#endif
