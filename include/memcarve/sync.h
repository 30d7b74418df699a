/*
 * memcarve/sync.h — sync-aware reuse: layouts for memories (GPU shared
 * memory) where a buffer's addresses may be reused only after every thread
 * has passed a barrier.
 *
 * Time model
 *   A buffer with lifetime [lower, upper) is first written at time `lower`
 *   and last read at time `upper - 1`. A barrier is an integer time p. Two
 *   buffers a (earlier) and b (later) may share addresses only if some
 *   barrier lies strictly between a's last read and b's first write:
 *       upper_a - 1 < p < lower_b.
 *   A barrier at the time of a read or write does not separate that access:
 *   number operations with room between them (e.g. even times for
 *   operations, odd times for barriers) to leave space for inserted ones.
 *
 * Sync-aware lifetime
 *   Buffer a's lifetime becomes [lower, min(p + 1, end)) where p is the first
 *   barrier >= upper and end = the largest upper of all buffers (no barrier
 *   >= upper: end). Clipping at `end` changes no conflict, because no buffer
 *   starts at or after it. Two buffers conflict in the sync-aware problem
 *   iff they may not share addresses under the rule above, so any planner
 *   run on mc_sync_extend()'s problem gives a sync-safe layout.
 *   Gaps: a gap [lo, hi) frees addresses only from the first barrier >= lo,
 *   so it shrinks to [p + 1, hi) (and disappears if that is empty).
 *
 * Ownership and threads
 *   mc_barriers owns its `positions` array (free it with mc_barriers_free).
 *   No function keeps state between calls; distinct calls may run in
 *   distinct threads. Problems are only read.
 */
#ifndef MEMCARVE_SYNC_H
#define MEMCARVE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memcarve/error.h"
#include "memcarve/planner.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A set of barrier times: strictly increasing, each >= 0. The empty set has
 * positions == NULL allowed. */
typedef struct mc_barriers {
    int64_t *positions;
    size_t count;
} mc_barriers;

/* Parses a syncs file: one non-negative decimal integer per line; '#'
 * starts a comment, blank lines and CRLF are accepted. Positions must be
 * strictly increasing. Errors say "<name>:<line>: expected ..., got '...'".
 * On failure *out is empty. O(length). */
mc_status mc_barriers_parse(const char *text, size_t length, const char *name, mc_barriers *out,
                            mc_error *err);

/* Reads and parses a whole file ("-" is stdin). */
mc_status mc_barriers_read_file(const char *path, mc_barriers *out, mc_error *err);

/* Writes one position per line, atomically (a temporary file renamed into
 * place; "-" is stdout): a file mc_barriers_read_file reads back. */
mc_status mc_barriers_write_file(const mc_barriers *barriers, const char *path, mc_error *err);

/* Frees the positions and empties the set; NULL is allowed. */
void mc_barriers_free(mc_barriers *barriers);

/* Checks the invariant (strictly increasing, >= 0). NULL means no barriers. */
mc_status mc_barriers_check(const mc_barriers *barriers, mc_error *err);

/* A new problem (same buffers, order and ids) whose lifetimes end at the
 * first barrier after the last read, as described above: any planner
 * (heuristic or exact) run on it gives a sync-safe layout for the original.
 * `barriers` may be NULL (no barriers: every lifetime runs to the end).
 * O((n + g) log b) for n buffers, g gaps and b barriers. */
mc_status mc_sync_extend(const mc_problem *problem, const mc_barriers *barriers, mc_problem **out,
                         mc_error *err);

/* nvFuser's stack allocator (method "stack"). Sweeping time, a buffer joins
 * a waiting list at its first write; at each barrier p, if some waiting
 * buffer is dead (last read < p) the whole waiting list is pushed onto the
 * stack ordered by last read, latest first (ties: higher index first), and
 * then dead buffers are popped off the top. Whatever still waits at the
 * end is pushed likewise. A pushed buffer's offset is the top of the stack
 * rounded up to max(alignment, its own alignment). Gaps are ignored (the
 * whole lifetime is held). Buffers with a fixed offset: MC_ERR_UNSUPPORTED.
 * The layout is valid for mc_sync_extend(problem, barriers). `offsets` has
 * room for mc_problem_count() values; `height` (may be NULL) gets
 * max(offset + size). O(n log n + b). */
mc_status mc_place_stack(const mc_problem *problem, const mc_barriers *barriers, int64_t alignment,
                         int64_t *offsets, int64_t *height, mc_error *err);

/* nvFuser's promoteReuse. For each named buffer a with a later first write
 * (w = the smallest lower > upper_a - 1 over all buffers), a barrier is
 * needed in [upper_a, w - 1]; where none exists (given or already inserted)
 * one is inserted at w - 1, just before that write. Intervals are handled by
 * increasing w, so each inserted barrier serves every interval it can (the
 * fewest barriers that serve all the named buffers). Unknown ids, and a
 * write at upper_a (no integer time in between), are MC_ERR_INVALID.
 * `out` receives the union, `inserted` (may be NULL) the new positions;
 * both are owned by the caller. O((n + k) log n) for k ids. */
mc_status mc_promote_reuse(const mc_problem *problem, const mc_barriers *barriers, const char *const *ids,
                           size_t id_count, mc_barriers *out, mc_barriers *inserted, mc_error *err);

/* ------------------------------------------------------ barrier insertion */

/* A planner for mc_insert_barriers: lays out `extended` (the sync-aware
 * problem of `original` under `barriers`) within `capacity`. Returns MC_OK
 * with `offsets` filled (valid for `extended`) and *height set;
 * MC_ERR_INFEASIBLE when it found no layout that fits; MC_ERR_TIMEOUT when
 * it gave up; any other status aborts the insertion. */
typedef mc_status (*mc_sync_plan_fn)(const mc_problem *original, const mc_problem *extended,
                                     const mc_barriers *barriers, int64_t capacity, int64_t *offsets,
                                     int64_t *height, void *context, mc_error *err);

typedef struct mc_sync_planner {
    mc_sync_plan_fn plan;
    void *context;
    /* true when MC_ERR_INFEASIBLE from `plan` is a proof that nothing fits
     * (an exact solver run to completion) */
    bool exact;
} mc_sync_planner;

/* Built-in planners. The exact one runs mc_solve in decision mode; its
 * context is a `const double *` time limit in seconds per call (NULL or
 * <= 0: none). The stack one runs mc_place_stack; its context is a
 * `const int64_t *` alignment (NULL: 1). */
mc_status mc_sync_plan_exact(const mc_problem *original, const mc_problem *extended, const mc_barriers *barriers,
                             int64_t capacity, int64_t *offsets, int64_t *height, void *context, mc_error *err);
mc_status mc_sync_plan_stack(const mc_problem *original, const mc_problem *extended, const mc_barriers *barriers,
                             int64_t capacity, int64_t *offsets, int64_t *height, void *context, mc_error *err);

typedef struct mc_insert_report {
    int64_t height;          /* of the layout returned                       */
    size_t planner_calls;
    size_t candidates;       /* useful positions considered                  */
    bool fewest_proven;      /* no smaller set of extra barriers fits: every
                                smaller subset was ruled out by LOAD or by an
                                exact planner                                */
} mc_insert_report;

/* The fewest extra barriers that make the sync-aware problem fit
 * `capacity` with `planner`.
 *
 * Only positions just before a first write (lower - 1, for some buffer with
 * some last read before it) are candidates: any barrier can move right to
 * the next such position and separate at least the same pairs. With up to
 * `exact_limit` candidates (0: a default of 12) subsets are enumerated by
 * increasing size, skipping those whose sync-aware LOAD exceeds the
 * capacity (no planner could fit them), so the first fitting subset is the
 * smallest the planner can fit; with an exact planner that is the true
 * minimum (report->fewest_proven). Otherwise, or when a planner call times
 * out, a greedy adds the candidate that lowers LOAD most until the planner
 * fits, then drops every barrier it can still fit without: no single
 * inserted barrier is redundant, but fewer may exist.
 *
 * MC_ERR_INFEASIBLE (and `err` says so) when even every candidate together
 * does not fit. On success `out` receives all barriers, `inserted` (may be
 * NULL) the new ones, `offsets` the layout (valid for the sync-aware problem
 * under `out`), `report` (may be NULL) the figures. */
mc_status mc_insert_barriers(const mc_problem *problem, const mc_barriers *barriers, int64_t capacity,
                             const mc_sync_planner *planner, size_t exact_limit, mc_barriers *out,
                             mc_barriers *inserted, int64_t *offsets, mc_insert_report *report, mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_SYNC_H */
