/* splitmix64: the local searches need reproducible randomness without any
 * global state, so each search carries its own generator. */
#ifndef MC_HEURISTICS_RNG_H
#define MC_HEURISTICS_RNG_H

#include <stdint.h>

static inline uint64_t mc_rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound > 0 (the modulo bias is irrelevant here). */
static inline uint64_t mc_rng_below(uint64_t *state, uint64_t bound)
{
    return mc_rng_next(state) % bound;
}

#endif
