/* Randomized operation sequences against a reference model, for every
 * policy: each live block keeps its bytes, blocks never overlap, returned
 * pointers are aligned, the statistics agree with the model and with the
 * simulated back end, and teardown gives back every byte. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "memcarve/cache.h"
#include "support.h"

#define MAX_LIVE 256

typedef struct live_block {
    unsigned char *ptr;
    size_t size;
    uint64_t refs;
    unsigned char tag;
} live_block;

typedef struct model {
    live_block live[MAX_LIVE];
    size_t count;
    uint64_t allocated, requests, adopted_calls;
} model;

static size_t pick_size(mc_test_rng *rng)
{
    switch (mc_test_range(rng, 0, 29)) {
    case 0: return (size_t)mc_test_range(rng, 1, 16);
    case 1: case 3: case 5: return (size_t)mc_test_range(rng, 1 << 20, 3 << 20); /* large pool */
    case 2: return (size_t)mc_test_range(rng, 10 << 20, 12 << 20);     /* own segment */
    default: return (size_t)(64 << mc_test_range(rng, 0, 8)) + (size_t)mc_test_range(rng, -3, 3);
    }
}

/* Fills (or checks) the bytes the test can afford to touch: all of a small
 * block, the ends and a stride through a large one. */
static bool walk(live_block *b, bool fill)
{
    size_t step = b->size <= 65536 ? 1 : 4093;
    bool ok = true;
    for (size_t i = 0; i < b->size; i += step) {
        unsigned char want = (unsigned char)(b->tag + i * 7);
        if (fill) b->ptr[i] = want;
        else ok &= b->ptr[i] == want;
    }
    unsigned char last = (unsigned char)(b->tag + (b->size - 1) * 7);
    if (fill) b->ptr[b->size - 1] = last;
    return ok && b->ptr[b->size - 1] == last;
}

static bool overlaps_any(const model *m, const unsigned char *p, size_t size)
{
    for (size_t i = 0; i < m->count; ++i)
        if (p < m->live[i].ptr + m->live[i].size && m->live[i].ptr < p + size) return true;
    return false;
}

static void check_stats(mc_cache *cache, mc_cache_sim *sim, const model *m)
{
    mc_cache_stats s;
    mc_cache_sim_counts c;
    CHECK(mc_cache_get_stats(cache, 0, &s, NULL) == MC_OK);
    mc_cache_sim_get_counts(sim, &c);
    CHECK_EQ_I64(s.allocated_bytes, m->allocated);
    CHECK_EQ_I64(s.live_blocks, m->count);
    CHECK_EQ_I64(s.reserved_bytes, c.outstanding_bytes);
    CHECK(s.reserved_peak >= s.reserved_bytes);
    CHECK(s.reserved_bytes >= s.allocated_bytes);
    CHECK(s.allocated_peak >= s.allocated_bytes);
    CHECK_EQ_I64(s.hits + s.misses, m->requests);
    CHECK_EQ_I64(s.backend_allocs + m->adopted_calls, c.allocs);
    CHECK(s.reserved_bytes >= s.cached_bytes);
    CHECK(s.largest_free_block <= s.cached_bytes);
}

static void do_alloc(mc_cache *cache, model *m, mc_test_rng *rng)
{
    if (m->count == MAX_LIVE) return;
    size_t size = pick_size(rng), alignment = (size_t)1 << mc_test_range(rng, 0, 12);
    if (mc_test_range(rng, 0, 4) == 0) alignment = 0;
    void *p = NULL;
    CHECK(mc_cache_allocate(cache, size, alignment, 0, &p, NULL) == MC_OK);
    ++m->requests;
    if (!p) return;
    CHECK((uintptr_t)p % (alignment ? alignment : 256) == 0);
    CHECK(!overlaps_any(m, p, size));
    live_block *b = &m->live[m->count++];
    *b = (live_block){p, size, 1, (unsigned char)mc_test_next(rng)};
    walk(b, true);
    m->allocated += size;
}

static void do_adopt(mc_cache *cache, mc_cache_sim *sim, model *m, mc_test_rng *rng)
{
    if (m->count == MAX_LIVE) return;
    mc_cache_backend be = mc_cache_sim_backend(sim);
    size_t size = pick_size(rng);
    void *p = NULL;
    ++m->adopted_calls;
    if (be.alloc(be.context, 0, size, 64, &p) != MC_OK) return;
    CHECK(mc_cache_insert_ptr(cache, p, size, 64, 0, NULL) == MC_OK);
    CHECK(mc_cache_insert_ptr(cache, p, size, 64, 0, NULL) == MC_ERR_INVALID);
    live_block *b = &m->live[m->count++];
    *b = (live_block){p, size, 1, (unsigned char)mc_test_next(rng)};
    walk(b, true);
    m->allocated += size;
}

static void do_release(mc_cache *cache, model *m, mc_test_rng *rng)
{
    if (!m->count) return;
    size_t i = (size_t)mc_test_range(rng, 0, (int64_t)m->count - 1);
    live_block *b = &m->live[i];
    CHECK(walk(b, false));
    CHECK(mc_cache_release(cache, b->ptr, NULL) == MC_OK);
    if (--b->refs) return;
    m->allocated -= b->size;
    m->live[i] = m->live[--m->count];
}

static void run_sequence(mc_cache_policy policy, unsigned shards, uint64_t seed)
{
    mc_cache_options o = fixture_options(policy, shards);
    o.max_cached_bytes = seed % 2 ? 0 : 64u << 20;
    o.max_cached_blocks = seed % 3 ? 0 : 16;
    fixture f;
    fixture_open(&f, &o, 0, true);
    mc_cache *cache = f.cache;
    mc_cache_sim *sim = f.sim;
    model *m = calloc(1, sizeof *m);
    mc_test_rng rng = {seed};
    for (int op = 0; op < 2000; ++op) {
        int what = (int)mc_test_range(&rng, 0, 99);
        if (what < 48) do_alloc(cache, m, &rng);
        else if (what < 52) do_adopt(cache, sim, m, &rng);
        else if (what < 60 && m->count) {
            size_t i = (size_t)mc_test_range(&rng, 0, (int64_t)m->count - 1);
            CHECK(mc_cache_retain(cache, m->live[i].ptr, NULL) == MC_OK);
            ++m->live[i].refs;
        } else if (what < 99) do_release(cache, m, &rng);
        else mc_cache_empty(cache);
        if (op % 50 == 0) check_stats(cache, sim, m);
    }
    for (size_t i = 0; i < m->count; ++i) CHECK(walk(&m->live[i], false));
    check_stats(cache, sim, m);
    /* Half the runs release everything, half leave blocks for destroy. */
    size_t expect_leaked = seed % 2 ? m->count : 0;
    while (!(seed % 2) && m->count) do_release(cache, m, &rng);
    fixture_close(&f, expect_leaked);
    free(m);
}

/* EXACT_LRU with one shard: the bounds hold after every operation, and a
 * freed layout comes back on the next request of the same layout. */
static void exact_bounds(void)
{
    mc_cache_options o = fixture_options(MC_CACHE_POLICY_EXACT_LRU, 1);
    o.max_cached_bytes = 10000;
    o.max_cached_blocks = 5;
    fixture f;
    fixture_open(&f, &o, 0, false);
    mc_cache *cache = f.cache;
    mc_cache_sim *sim = f.sim;
    mc_test_rng rng = {42};
    void *p[64];
    for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 64; ++i)
            CHECK(mc_cache_allocate(cache, (size_t)mc_test_range(&rng, 1, 8) * 1000, 8, 0, &p[i], NULL) == MC_OK);
        for (int i = 0; i < 64; ++i) {
            CHECK(mc_cache_release(cache, p[i], NULL) == MC_OK);
            mc_cache_stats s;
            mc_cache_get_stats(cache, 0, &s, NULL);
            CHECK(s.cached_bytes <= 10000);
            mc_cache_sim_counts c;
            mc_cache_sim_get_counts(sim, &c);
            CHECK_EQ_I64(c.outstanding_bytes, s.cached_bytes + s.allocated_bytes);
        }
    }
    void *a, *b;
    CHECK(mc_cache_allocate(cache, 777, 8, 0, &a, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, a, NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, 777, 8, 0, &b, NULL) == MC_OK);
    CHECK(a == b);
    CHECK(mc_cache_release(cache, b, NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, 778, 8, 0, &b, NULL) == MC_OK);
    CHECK(a != b); /* exact layouts only */
    CHECK(mc_cache_release(cache, b, NULL) == MC_OK);
    mc_cache_stats s;
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK(s.evictions > 0);
    fixture_close(&f, 0);
}

int main(void)
{
    const mc_cache_policy policies[] = {MC_CACHE_POLICY_NONE, MC_CACHE_POLICY_EXACT_LRU,
                                        MC_CACHE_POLICY_SEGMENTS, MC_CACHE_POLICY_ADAPTIVE};
    for (unsigned p = 0; p < 4; ++p)
        for (uint64_t seed = 1; seed <= 4; ++seed) run_sequence(policies[p], seed % 2 ? 1 : 4, seed * 7919 + p);
    exact_bounds();
    return mc_test_finish("cache_model");
}
