/*
 * memcarve/heuristics.h — fast planners for large problems and the anytime
 * `auto` method that combines them with the exact solver.
 *
 * The heuristics are the ones production compilers use: they place tens of
 * thousands of buffers in milliseconds and usually lose a few percent of
 * memory against the optimum. Each one places every buffer of an
 * mc_problem (see planner.h) whatever the capacity: the caller compares the
 * returned height with its memory size. Offsets honour alignment, fixed
 * offsets, gaps and gap windows, so every layout they return passes
 * mc_validate at any capacity >= its height.
 *
 * Complexity
 *   Placing one buffer queries an interval tree of the buffers already
 *   placed for those alive at the same time (O(log n + k log n) for k
 *   answers) and sorts their k address ranges. A pass is O(n log n +
 *   K log K), K the number of (buffer, earlier-placed buffer alive at the
 *   same time) pairs: O(n log n) when the number of buffers alive together
 *   is bounded (inference graphs; 1M buffers in about 1.3 s with `online`).
 *   Dense training graphs are costlier: idealloc's S_1 (28k buffers, K of
 *   about 40 million) takes about a second per pass. No method compares all
 *   pairs of buffers.
 *
 * Threads and state
 *   Nothing here keeps global state; the problem is only read, so any
 *   number of threads may plan the same problem at once. Every method is
 *   deterministic: the same problem gives the same offsets (auto only with
 *   one thread and when no time limit cuts its search short).
 */
#ifndef MEMCARVE_HEURISTICS_H
#define MEMCARVE_HEURISTICS_H

#include <stdint.h>

#include "memcarve/error.h"
#include "memcarve/planner.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mc_method {
    MC_METHOD_AUTO = 0,         /* portfolio + local search + exact where it can finish */
    MC_METHOD_EXACT,            /* mc_solve */
    MC_METHOD_BEST_FIT,         /* size-descending best-fit (TFLite ArenaPlanner / IREE) */
    MC_METHOD_FIRST_FIT,        /* size-descending first-fit (TFLite Micro greedy) */
    MC_METHOD_GLOBAL_BEST_FIT,  /* XLA GlobalDecreasingSizeBestFitHeap: spatial and temporal
                                   orders, the better kept */
    MC_METHOD_CONFLICT_GREEDY,  /* TVM USMP greedy-by-conflicts + hill climbing over orders */
    MC_METHOD_ONLINE_BEST_FIT,  /* ONNX Runtime: online best-fit in execution order */
    MC_METHOD_STACK             /* nvFuser stack allocator (implemented in src/sync/) */
} mc_method;

/* Names: auto exact best-fit first-fit global-best-fit conflict-greedy online
 * stack ('_' and '-' interchangeable, ASCII case ignored). An unknown name
 * gives MC_ERR_INVALID with a message listing the valid ones. */
mc_status mc_method_parse(const char *name, mc_method *out, mc_error *err);

/* The canonical name of `method` ("best-fit", ...), "unknown" otherwise. */
const char *mc_method_name(mc_method method);

/* Places every buffer with one heuristic, regardless of any capacity.
 * `offsets` must hold mc_problem_count() values; on MC_OK they are written
 * and *height (may be NULL) receives max(offset + size), 0 when empty.
 * Buffers with a fixed offset are placed first, exactly there; when two of
 * them collide the result is MC_ERR_INFEASIBLE naming both. Heights beyond
 * INT64_MAX give MC_ERR_OVERFLOW. AUTO, EXACT and STACK are not single
 * heuristics: MC_ERR_INVALID. On error `offsets` is unspecified. */
mc_status mc_place(const mc_problem *problem, mc_method method, int64_t *offsets,
                   int64_t *height, mc_error *err);

/* The anytime portfolio:
 *   1. every order (size, area, lifetime, conflicts, start) x fit rule
 *      (best-fit, first-fit), the best layout kept;
 *   2. a short exact attempt (mc_solve, minimizing below the best height)
 *      which proves small and medium problems optimal at once;
 *   3. the conflict-greedy hill climb when its passes fit in the budget;
 *   4. local search under the remaining time: buffers that reach the top
 *      of the layout are moved earlier in the placement order and the
 *      whole order is re-placed (squeaky-wheel), randomized reinsertions,
 *      the best layout kept.
 * Options used: capacity (> 0), minimize, timeout_seconds (<= 0: a default
 * budget, see docs/heuristics.md), should_stop, on_progress,
 * progress_interval, context (node_limit and preorders go to the exact
 * phase). `threads` is 1 or 2 (2: a second local-search worker on a pthread).
 *
 * `offsets` (mc_problem_count() values) always receives the best valid
 * layout found, even when it exceeds the capacity; report->height is its
 * height, report->load the LOAD bound and report->lower_bound the best
 * proven lower bound. report->outcome is SOLVED when the height fits the
 * capacity (proven_optimal only when the height equals the proven lower
 * bound, in either mode), INFEASIBLE when it is proven that nothing fits, TIMEOUT when no
 * fitting layout was found in time, CANCELLED when should_stop asked.
 * Returns MC_OK whenever a layout was produced; an error status only for
 * invalid arguments, colliding fixed offsets, overflow or exhausted memory.
 *
 * With threads = 2, should_stop may be called from both threads at once
 * (it must be thread-safe, e.g. read an atomic flag); on_progress is only
 * ever called from one thread at a time. Time: the first portfolio pass
 * always completes, so a timeout shorter than one pass (about a second on
 * dense 30k-buffer graphs) is exceeded by that much; otherwise the run ends
 * within a few milliseconds of the timeout. */
mc_status mc_solve_auto(const mc_problem *problem, const mc_solve_options *options,
                        unsigned threads, int64_t *offsets, mc_report *report, mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_HEURISTICS_H */
