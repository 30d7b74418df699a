/* The placement engine every heuristic shares: the buffers' occupancy
 * pieces in an interval tree, and "give buffer b the lowest / best-fitting
 * offset that collides with nothing placed so far".
 *
 * Pieces are known up front, so the tree is a static balanced tree over the
 * pieces sorted by start time (node of range [lo, hi) is its middle
 * element); only the per-node "largest end among placed pieces below"
 * changes, which makes insertion and removal O(log P) with no rebalancing.
 * Removal lets local search undo the suffix of a placement order instead of
 * re-placing everything. */
#ifndef MC_HEURISTICS_ENGINE_H
#define MC_HEURISTICS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memcarve/planner.h"

typedef enum mc_fit { MC_FIT_BEST, MC_FIT_FIRST } mc_fit;

typedef struct mc_forbid { int64_t lo, hi; } mc_forbid; /* offsets [lo, hi) */

/* During [start, end) the owner occupies [off + w0, off + w1). One record
 * holds everything a tree query touches, so a visited node costs one or two
 * cache lines. */
typedef struct mc_hpiece {
    int64_t start, end, w0, w1;
    int64_t off;        /* the owner's offset, MC_NO_OFFSET while unplaced */
    int64_t max_end;    /* largest end of a placed piece in this subtree, or INT64_MIN */
    int32_t owner;
} mc_hpiece;

typedef struct mc_engine {
    const mc_problem *problem;
    int32_t n, piece_count;
    mc_hpiece *piece;   /* sorted by start: the tree, node [lo, hi) at its middle */
    int32_t *first;     /* pieces of buffer b: slots first[b] .. first[b+1] */
    int32_t *slot;      /* ... of this array, holding tree positions      */
    int64_t *offset;    /* per buffer: MC_NO_OFFSET while unplaced */
    mc_forbid *forbid;  /* scratch for one placement */
    mc_forbid *radix;   /* scratch for sorting it */
    int32_t *forbid_owner;
    size_t forbid_count, forbid_cap;
} mc_engine;

mc_status mc_engine_init(mc_engine *e, const mc_problem *problem, mc_error *err);
void mc_engine_free(mc_engine *e);
/* Unplaces everything: O(n + P). */
void mc_engine_reset(mc_engine *e);

/* Where b would go under `fit` among the placed buffers (b itself unplaced).
 * MC_ERR_OVERFLOW when offset + size exceeds INT64_MAX. */
mc_status mc_engine_choose(mc_engine *e, int32_t b, mc_fit fit, int64_t *offset, mc_error *err);
/* Records b at `offset` (it must have been chosen or checked). */
void mc_engine_insert(mc_engine *e, int32_t b, int64_t offset);
void mc_engine_remove(mc_engine *e, int32_t b);

/* Places every fixed-offset buffer at its offset; MC_ERR_INFEASIBLE naming
 * the two buffers when two of them collide or one is misaligned. */
mc_status mc_engine_place_fixed(mc_engine *e, mc_error *err);

/* Reset, fixed buffers, then order[0..count) (fixed ones skipped) with
 * `fit`. Stops early, returning false in *complete, as soon as a buffer would
 * end above `limit` (INT64_MAX: never); *height gets the height reached. */
mc_status mc_engine_run(mc_engine *e, const int32_t *order, size_t count, mc_fit fit, int64_t limit,
                        bool *complete, int64_t *height, mc_error *err);

/* max(offset + size) over placed buffers, 0 when none. */
int64_t mc_engine_height(const mc_engine *e);

#endif
