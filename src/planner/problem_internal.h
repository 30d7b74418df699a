/* The representation behind mc_problem, shared by the planner's files. */
#ifndef MC_PLANNER_PROBLEM_INTERNAL_H
#define MC_PLANNER_PROBLEM_INTERNAL_H

#include <stdbool.h>

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

/* Every buffer's pieces in one array: buffer i owns
 * items[first[i] .. first[i + 1]). */
typedef struct mc_piece {
    int64_t t0, t1, w0, w1;
} mc_piece;

typedef struct mc_pieces {
    mc_piece *items;
    size_t *first; /* count + 1 entries */
    size_t count;  /* pieces in all */
} mc_pieces;

bool mc_pieces_collect(const mc_problem *problem, mc_pieces *out); /* false: out of memory */
void mc_pieces_free(mc_pieces *pieces);

/* The live width over time as (time, change) events sorted by time, ends
 * before starts at equal times (lifetimes are half-open). NULL: no memory. */
typedef struct mc_width_event {
    int64_t time, delta;
} mc_width_event;

mc_width_event *mc_width_events(const mc_problem *problem, size_t *count);

#endif
