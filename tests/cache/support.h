/* A cache over the simulated back end, and the teardown checks every test
 * wants: the expected number of leaked blocks, every byte back in the back
 * end, and no free the back end did not recognise. */
#ifndef MC_TEST_CACHE_SUPPORT_H
#define MC_TEST_CACHE_SUPPORT_H

#include "memcarve/cache.h"

typedef struct fixture {
    mc_cache_sim *sim;
    mc_cache *cache;
} fixture;

/* `options` may be NULL for the defaults; real: usable host memory. */
void fixture_open(fixture *f, const mc_cache_options *options, uint64_t capacity, bool real);
void fixture_close(fixture *f, size_t expect_leaked);
mc_cache_options fixture_options(mc_cache_policy policy, unsigned shards);

#endif
