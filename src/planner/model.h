/* The solver's compiled view of a problem: time is cut into sections (the
 * elementary intervals between piece boundaries), each searchable buffer
 * becomes a list of spans over sections, and every pair of buffers that are
 * alive together gets an "effective size": how far above the other one it
 * must start. Built once per solve, read-only afterwards, so several
 * searches (threads, restarts) can share it. */
#ifndef MC_PLANNER_MODEL_H
#define MC_PLANNER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "planner/problem_internal.h"

typedef struct mc_span {
    int32_t section_lower, section_upper; /* [lower, upper) of sections    */
    int64_t window_lower, window_upper;   /* occupied part of the extent   */
} mc_span;

/* b placed above a must have offset(b) >= offset(a) + effective_size. */
typedef struct mc_overlap {
    int32_t other;
    int64_t effective_size;
} mc_overlap;

typedef struct mc_model {
    int32_t count;          /* searchable buffers (size > 0)                */
    int32_t *problem_index; /* search index -> index in the mc_problem      */
    int64_t *size, *alignment, *fixed_offset, *hint, *lower, *upper;

    int32_t *span_start;    /* CSR: spans of buffer b are                   */
    mc_span *spans;         /*   spans[span_start[b] .. span_start[b+1])    */
    int32_t *section_lower, *section_upper; /* whole section range of b     */

    int32_t *overlap_start; /* CSR, as for spans                            */
    mc_overlap *overlaps;

    int32_t section_count;
    int32_t *member_start;  /* CSR: buffers with a piece in each section    */
    int32_t *members;
    int64_t *section_width; /* sum of all piece widths in the section       */

    /* True when "b above a by effective_size" captures every way two
     * buffers can share time without overlap. Only windows can make it
     * false (a window can let another buffer interleave); then the
     * canonical search is not complete and proofs come from elsewhere. */
    bool canonical_complete;

    /* Some span occupies less than the whole extent [0, size). */
    bool has_windows;
} mc_model;

mc_status mc_model_build(const mc_problem *problem, mc_model *model, mc_error *err);
void mc_model_free(mc_model *model);

#endif
