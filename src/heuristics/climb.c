#include "heuristics/climb.h"

#include <stdlib.h>
#include <string.h>

#include "heuristics/rng.h"

/* Swaps a random buffer with one a short random distance before it: small
 * moves keep most of a good order, which is what makes climbing work. */
static void perturb(int32_t *order, size_t n, uint64_t *rng)
{
    size_t i = 1 + (size_t)mc_rng_below(rng, n - 1);
    size_t reach = 1 + (size_t)mc_rng_below(rng, i < 64 ? i : 64);
    int32_t t = order[i];
    order[i] = order[i - reach];
    order[i - reach] = t;
}

mc_status mc_climb(mc_engine *e, int32_t *order, mc_fit fit, unsigned iterations, uint64_t seed,
                   int64_t *height, mc_error *err)
{
    size_t n = (size_t)e->n;
    if (n < 2 || iterations == 0) {
        bool complete;
        return mc_engine_run(e, order, n, fit, INT64_MAX, &complete, height, err);
    }
    int32_t *trial = malloc(n * sizeof(int32_t));
    if (!trial) return mc_error_set(err, MC_ERR_NOMEM, "out of memory for hill climbing");
    uint64_t rng = seed;
    mc_status st = MC_OK;
    for (unsigned it = 0; it < iterations && st == MC_OK; ++it) {
        memcpy(trial, order, n * sizeof(int32_t));
        perturb(trial, n, &rng);
        bool complete;
        int64_t h;
        st = mc_engine_run(e, trial, n, fit, *height, &complete, &h, err);
        if (st == MC_OK && complete) { /* equal heights move along plateaus */
            memcpy(order, trial, n * sizeof(int32_t));
            *height = h;
        }
    }
    if (st == MC_OK) {
        bool complete;
        st = mc_engine_run(e, order, n, fit, INT64_MAX, &complete, height, err);
    }
    free(trial);
    return st;
}
