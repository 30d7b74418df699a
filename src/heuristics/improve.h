/* Local search over placement orders ("squeaky wheel" with backjumping):
 * place the order until a buffer would end above the target (one less than
 * the best height known); move that buffer to an earlier random position,
 * undo the placements from there on and continue. Placements before the
 * moved position are kept, so a move costs only the re-placed suffix. When
 * the whole order fits, the target drops below the new height. */
#ifndef MC_HEURISTICS_IMPROVE_H
#define MC_HEURISTICS_IMPROVE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "heuristics/engine.h"

/* What the search shares with its caller (and with a second worker). */
typedef struct mc_improve_shared {
    void *lock;                 /* pthread_mutex_t *, or NULL single-threaded */
    int64_t best_height;        /* under lock */
    int64_t *best_offsets;      /* n values, under lock */
    int64_t lower_bound;        /* stop once best_height reaches it */
    double deadline;            /* mc_clock_seconds() value; stop after */
    double stall_seconds;       /* stop after this long without progress (0: never) */
    bool (*should_stop)(void *context);
    void *stop_context;
    atomic_int stop;            /* set by anyone to end every worker */
    uint64_t moves;             /* total moves, under lock */
} mc_improve_shared;

/* Runs one worker from `order` (n entries) until the deadline, a stop or
 * the lower bound. `progress` (may be NULL) is called about every
 * `interval` seconds by this worker. */
mc_status mc_improve(mc_engine *e, const int32_t *order, uint64_t seed, mc_improve_shared *shared,
                     void (*progress)(void *context), void *progress_context, double interval, mc_error *err);

#endif
