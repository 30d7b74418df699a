/*
 * memcarve/planner.h — static memory planning: the problem model, the
 * independent layout validator and the exact solver.
 *
 * The problem
 *   Each buffer has a size and a half-open lifetime [lower, upper). A layout
 *   gives every buffer an offset so that offset + size <= capacity, offsets
 *   are multiples of the buffer's alignment, fixed offsets are kept, and no
 *   two buffers that are alive at the same time overlap in address.
 *   A gap [lo, hi) inside a lifetime is a stretch where the buffer occupies
 *   nothing, or, when it has a window [wlo, whi), only the addresses
 *   [offset + wlo, offset + whi) of its extent.
 *
 * Ownership and threads
 *   An mc_problem owns copies of everything added to it. Nothing here keeps
 *   global state: distinct problems may be built and solved from distinct
 *   threads at once, and one problem may be solved by several threads at once
 *   because solving only reads it.
 *
 * Integers
 *   Times, sizes and offsets are int64_t. Every sum the library forms is
 *   checked: an input whose offset + size or capacity arithmetic would
 *   overflow is rejected with MC_ERR_OVERFLOW, never wrapped.
 */
#ifndef MEMCARVE_PLANNER_H
#define MEMCARVE_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memcarve/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "No value" for optional offsets (fixed offset, hint). */
#define MC_NO_OFFSET INT64_C(-1)

typedef struct mc_gap {
    int64_t lower, upper;         /* [lower, upper) inside the lifetime      */
    bool has_window;              /* false: occupies nothing during the gap */
    int64_t window_lower;         /* with a window: occupies                 */
    int64_t window_upper;         /* [offset+window_lower, offset+window_upper) */
} mc_gap;

typedef struct mc_buffer {
    const char *id;        /* copied; NULL gets the decimal index as its id   */
    int64_t lower, upper;  /* lifetime [lower, upper), upper > lower          */
    int64_t size;          /* >= 0; a size-0 buffer conflicts with nothing    */
    int64_t alignment;     /* >= 1; offsets are multiples of it               */
    int64_t fixed_offset;  /* MC_NO_OFFSET, or the offset it must get         */
    int64_t hint;          /* MC_NO_OFFSET, or a preferred offset (soft)      */
    const mc_gap *gaps;    /* sorted, disjoint, inside the lifetime; copied   */
    size_t gap_count;
} mc_buffer;

/* A buffer with no gaps, alignment 1, no fixed offset and no hint. */
mc_buffer mc_buffer_make(const char *id, int64_t lower, int64_t upper, int64_t size);

typedef struct mc_problem mc_problem;

/* Returns NULL only when memory is exhausted. */
mc_problem *mc_problem_create(void);
void mc_problem_destroy(mc_problem *problem);

/* Checks `buffer` against the contract above (ids need not be unique here;
 * the CSV reader enforces uniqueness) and appends a copy. On failure the
 * problem is unchanged and `err` names the field that is wrong. */
mc_status mc_problem_add(mc_problem *problem, const mc_buffer *buffer, mc_error *err);

size_t mc_problem_count(const mc_problem *problem);
/* Valid until the next mc_problem_add or mc_problem_destroy. */
const mc_buffer *mc_problem_buffer(const mc_problem *problem, size_t index);

/* The LOAD lower bound: the largest total size of buffers alive (and not in
 * a window-less gap; windows count their width) at any one time. Returns -1
 * only when memory runs out. */
int64_t mc_problem_load(const mc_problem *problem);

/* Checks what depends on the capacity: capacity > 0, every buffer fits
 * (size <= capacity), fixed offsets are aligned and fixed offset + size <=
 * capacity. */
mc_status mc_problem_check_capacity(const mc_problem *problem, int64_t capacity,
                                    mc_error *err);

/* ---------------------------------------------------------------- validator */

/* Independently verifies a layout: offsets >= 0 and aligned, offset + size <=
 * capacity, fixed offsets kept, and no two buffers overlapping in both time
 * and address (gaps and windows respected). It shares no code with the
 * solver. On failure `err` names the first offending buffer(s). `height_out`
 * (may be NULL) receives the height: max(offset + size) over all buffers,
 * 0 for an empty problem, so a layout fits a capacity iff height <= it. */
mc_status mc_validate(const mc_problem *problem, int64_t capacity, const int64_t *offsets,
                      int64_t *height_out, mc_error *err);

/* ------------------------------------------------------------------- solver */

typedef enum mc_outcome {
    MC_OUTCOME_SOLVED = 0,   /* a layout was found (proven optimal or not)   */
    MC_OUTCOME_INFEASIBLE,   /* proven: no layout fits the capacity           */
    MC_OUTCOME_TIMEOUT,      /* the time or node limit came first             */
    MC_OUTCOME_CANCELLED     /* the stop callback asked to stop               */
} mc_outcome;

typedef struct mc_progress {
    double seconds;          /* since the solve started */
    uint64_t nodes;
    int64_t best_height;     /* -1 while none is known */
    int64_t lower_bound;
} mc_progress;

typedef struct mc_solve_options {
    int64_t capacity;        /* required, > 0: the memory size              */
    bool minimize;           /* find the smallest height <= capacity, proven */
    double timeout_seconds;  /* <= 0: no limit                              */
    uint64_t node_limit;     /* 0: no limit                                 */
    /* Comma-separated static preorders tried round-robin with growing node
     * limits, each a string of keys, most significant first, all descending:
     * W width, A area, T section total, Z size, L lower, U upper, O overlaps,
     * C sections spanned. NULL selects the default "WAT,TAW,TWA". */
    const char *preorders;
    /* Polled every few thousand nodes; returning true cancels the solve. */
    bool (*should_stop)(void *context);
    /* Called about every `progress_interval` seconds (0: never). */
    void (*on_progress)(const mc_progress *progress, void *context);
    double progress_interval;
    void *context;
} mc_solve_options;

typedef struct mc_report {
    mc_outcome outcome;
    int64_t height;          /* of the layout returned; -1 if none          */
    int64_t load;            /* the LOAD lower bound                        */
    int64_t lower_bound;     /* best proven lower bound on the height       */
    bool proven_optimal;     /* height equals a proven lower bound: no
                                layout is lower (in either mode; in decision
                                mode the outcome answers the question)      */
    uint64_t nodes;          /* search nodes visited                        */
    double seconds;
    char reason[160];        /* one line: why infeasible / what stopped it  */
} mc_report;

void mc_solve_options_init(mc_solve_options *options);

/* Solves `problem`. `offsets` must have room for mc_problem_count() values;
 * it is written only when report->outcome == MC_OUTCOME_SOLVED. Returns MC_OK
 * whenever the search ran (the outcome says how it ended); an error status
 * only for invalid input (e.g. bad capacity, unknown preorder key) or when
 * memory ran out. Deterministic: the same problem and options (without a
 * timeout cutting the search) give the same offsets. */
mc_status mc_solve(const mc_problem *problem, const mc_solve_options *options,
                   int64_t *offsets, mc_report *report, mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_PLANNER_H */
