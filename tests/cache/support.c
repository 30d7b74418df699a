#include "support.h"

#include "check.h"

void fixture_open(fixture *f, const mc_cache_options *options, uint64_t capacity, bool real)
{
    f->cache = NULL;
    CHECK(mc_cache_sim_create(capacity, 0, real, &f->sim, NULL) == MC_OK);
    mc_cache_backend be = mc_cache_sim_backend(f->sim);
    CHECK(mc_cache_create(options, &be, &f->cache, NULL) == MC_OK);
}

void fixture_close(fixture *f, size_t expect_leaked)
{
    CHECK_EQ_I64(mc_cache_destroy(f->cache), expect_leaked);
    mc_cache_sim_counts c;
    mc_cache_sim_get_counts(f->sim, &c);
    CHECK_EQ_I64(c.outstanding_bytes, 0);
    CHECK_EQ_I64(c.outstanding_blocks, 0);
    CHECK_EQ_I64(c.bad_frees, 0);
    CHECK_EQ_I64(c.allocs - c.refused, c.frees);
    mc_cache_sim_destroy(f->sim);
}

mc_cache_options fixture_options(mc_cache_policy policy, unsigned shards)
{
    mc_cache_options o;
    mc_cache_options_init(&o);
    o.policy = policy;
    o.shards = shards;
    return o;
}
