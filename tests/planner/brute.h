/* An independent brute-force oracle for tiny planning problems: it shares
 * no code with the library. Occupancy is expanded to unit time steps and
 * every aligned offset of every buffer is tried, so it is slow but
 * obviously right. Times must lie in [0, BRUTE_TIME_MAX). */
#ifndef MC_TEST_BRUTE_H
#define MC_TEST_BRUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "memcarve/planner.h"

#define BRUTE_BUFFERS_MAX 10
#define BRUTE_TIME_MAX 16

typedef struct brute_buffer {
    int64_t size, alignment, fixed; /* fixed < 0: free */
    /* Occupied extent at each time step: [lo[t], hi[t]) relative to the
     * offset; lo == hi means nothing (dead, or a window-less gap). */
    int64_t lo[BRUTE_TIME_MAX], hi[BRUTE_TIME_MAX];
} brute_buffer;

/* Expands a buffer of the public model (times inside [0, BRUTE_TIME_MAX))
 * into unit time steps. Returns false if its times do not fit. */
bool brute_mirror(const mc_buffer *b, brute_buffer *out);

/* True if some layout fits in `capacity`; offsets (may be NULL) get one. */
bool brute_feasible(const brute_buffer *b, int n, int64_t capacity, int64_t *offsets);

/* True if the offsets form a valid layout (the same rules, by brute force). */
bool brute_valid(const brute_buffer *b, int n, int64_t capacity, const int64_t *offsets);

#endif
