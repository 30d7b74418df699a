/* State of one mc_solve_auto run, shared by its phases (auto.c drives,
 * portfolio.c runs the heuristics, possibly on two threads). */
#ifndef MC_HEURISTICS_AUTO_INTERNAL_H
#define MC_HEURISTICS_AUTO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heuristics/improve.h"
#include "memcarve/planner.h"

/* Without a timeout, local search ends once it has gone this long without
 * a better layout, and the whole run at the hard cap: "auto" must always
 * answer. */
#define AUTO_STALL_SECONDS 2.0
#define AUTO_DEFAULT_BUDGET 30.0

typedef struct auto_run {
    const mc_problem *problem;
    const mc_solve_options *opt;
    size_t n;
    double start, deadline, next_progress;
    double pass_seconds;    /* the slowest portfolio pass */
    int64_t load, lower_bound, capacity;
    int64_t best_height;
    int64_t *best;          /* the caller's offsets array */
    int32_t *best_order;    /* the order that gave it (local search starts there) */
    uint64_t nodes;
    bool cancelled, exact_infeasible;
    mc_improve_shared *shared;  /* during local search */
} auto_run;

bool mc_auto_stop_requested(const auto_run *r);
/* Nothing left to gain: optimal by the bound, proven infeasible, or (in
 * decision mode) a fitting layout found. */
bool mc_auto_finished(const auto_run *r);
/* Runs the recipes (split over `threads` lanes) and keeps the best. */
mc_status mc_auto_portfolio(auto_run *r, unsigned threads, mc_error *err);
/* TVM's hill climb from the conflict order, when its passes fit in the
 * budget: with it auto is never worse than conflict-greedy alone. */
mc_status mc_auto_climb(auto_run *r, mc_error *err);

#endif
