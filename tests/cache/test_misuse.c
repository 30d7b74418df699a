/* Deliberate misuse and failure paths: double release, foreign pointers,
 * bad arguments, memory_limit, back-end OOM with retry after freeing the
 * cache, and a back end that fails for other reasons. */
#include <string.h>

#include "check.h"
#include "memcarve/cache.h"
#include "support.h"

/* Two devices, so that device-range checks and cross-device lookups run. */
static mc_cache *make(fixture *f, mc_cache_policy policy, uint64_t capacity, size_t limit, bool real)
{
    mc_cache_options o = fixture_options(policy, 16);
    o.memory_limit = limit;
    o.device_count = 2;
    fixture_open(f, &o, capacity, real);
    return f->cache;
}

static void double_release(mc_cache_policy policy)
{
    fixture f;
    mc_cache *cache = make(&f, policy, 0, 0, true);
    void *a, *b;
    int local;
    mc_error err;
    CHECK(mc_cache_allocate(cache, 1000, 16, 0, &a, NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, 1000, 16, 1, &b, NULL) == MC_OK);
    memset(b, 0x5a, 1000);
    CHECK(mc_cache_release(cache, a, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, a, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "not a live block") != NULL);
    CHECK(mc_cache_release(cache, &local, NULL) == MC_ERR_INVALID);
    CHECK(mc_cache_retain(cache, a, NULL) == MC_ERR_INVALID);
    CHECK(mc_cache_release(cache, (char *)b + 1, NULL) == MC_ERR_INVALID);
    /* Nothing was corrupted: b is intact and still live, a is reusable. */
    CHECK(((unsigned char *)b)[999] == 0x5a);
    mc_cache_stats s;
    mc_cache_get_stats(cache, 1, &s, NULL);
    CHECK_EQ_I64(s.live_blocks, 1);
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK_EQ_I64(s.live_blocks, 0);
    CHECK_EQ_I64(s.allocated_bytes, 0);
    CHECK(mc_cache_retain(cache, b, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, b, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, b, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, b, NULL) == MC_ERR_INVALID);
    fixture_close(&f, 0);
}

static void bad_arguments(void)
{
    fixture f;
    mc_cache *cache = make(&f, MC_CACHE_POLICY_ADAPTIVE, 0, 0, false);
    void *p = (void *)1;
    mc_error err;
    CHECK(mc_cache_allocate(cache, 0, 8, 0, &p, &err) == MC_ERR_INVALID && p == NULL);
    CHECK(mc_cache_allocate(cache, 10, 24, 0, &p, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "power of two") != NULL);
    CHECK(mc_cache_allocate(cache, 10, 8, 2, &p, &err) == MC_ERR_INVALID);
    CHECK(mc_cache_allocate(cache, 10, 8, -1, &p, &err) == MC_ERR_INVALID);
    CHECK(mc_cache_allocate(cache, SIZE_MAX, 8, 0, &p, &err) == MC_ERR_INVALID);
    CHECK(mc_cache_insert_ptr(cache, (void *)(uintptr_t)4097, 10, 4096, 0, &err) == MC_ERR_INVALID);
    CHECK(mc_cache_set_plan(cache, 0, NULL, 0, NULL, &err) == MC_ERR_INVALID);
    CHECK(mc_cache_step_begin(cache, 0, &err) == MC_ERR_INVALID);
    mc_cache_stats s;
    CHECK(mc_cache_get_stats(cache, 5, &s, &err) == MC_ERR_INVALID);
    mc_cache_options o;
    mc_cache_options_init(&o);
    o.device_count = 0;
    mc_cache_backend be = mc_cache_sim_backend(f.sim);
    mc_cache *other = (mc_cache *)1;
    CHECK(mc_cache_create(&o, &be, &other, &err) == MC_ERR_INVALID && other == NULL);
    mc_cache_backend empty = {0};
    mc_cache_options_init(&o);
    CHECK(mc_cache_create(&o, &empty, &other, &err) == MC_ERR_INVALID);
    mc_cache_policy pol;
    CHECK(mc_cache_policy_parse("exact-lru", &pol) && pol == MC_CACHE_POLICY_EXACT_LRU);
    CHECK(!mc_cache_policy_parse("lru", &pol));
    CHECK(mc_cache_policy_name((mc_cache_policy)99) == NULL);
    fixture_close(&f, 0);
}

/* memory_limit: a request that cannot fit even after the cache is emptied
 * gets NULL and a reason; one that fits after emptying succeeds. */
static void memory_limit(mc_cache_policy policy)
{
    fixture f;
    size_t limit = 64u << 20;
    mc_cache *cache = make(&f, policy, 0, limit, false);
    void *p = (void *)1, *q, *r;
    mc_error err;
    CHECK(mc_cache_allocate(cache, limit + 1, 256, 0, &p, &err) == MC_ERR_NOMEM && p == NULL);
    CHECK(strstr(err.message, "memory_limit") != NULL);
    CHECK(mc_cache_allocate(cache, 40u << 20, 256, 0, &q, NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, 40u << 20, 256, 0, &p, &err) == MC_ERR_NOMEM && p == NULL);
    CHECK(strstr(err.message, "memory_limit") != NULL);
    CHECK(mc_cache_release(cache, q, NULL) == MC_OK);
    /* Cached, not live: a different layout must evict it to fit. */
    CHECK(mc_cache_allocate(cache, 50u << 20, 512, 0, &r, &err) == MC_OK);
    mc_cache_stats s;
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK(s.reserved_peak <= limit);
    CHECK(s.oom_retries >= 1);
    CHECK(mc_cache_release(cache, r, NULL) == MC_OK);
    fixture_close(&f, 0);
}

/* The back end itself runs out: cached memory is freed and the call retried. */
static void backend_oom(mc_cache_policy policy)
{
    fixture f;
    mc_cache *cache = make(&f, policy, 100u << 20, 0, false);
    void *p[3];
    mc_error err;
    for (int i = 0; i < 3; ++i) CHECK(mc_cache_allocate(cache, 30u << 20, 256, 0, &p[i], NULL) == MC_OK);
    for (int i = 0; i < 3; ++i) CHECK(mc_cache_release(cache, p[i], NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, 90u << 20, 256, 0, &p[0], &err) == MC_OK);
    CHECK(mc_cache_allocate(cache, 30u << 20, 256, 0, &p[1], &err) == MC_ERR_NOMEM && p[1] == NULL);
    CHECK(strstr(err.message, "out of memory") != NULL);
    mc_cache_stats s;
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK(s.oom_retries >= 1);
    CHECK(mc_cache_release(cache, p[0], NULL) == MC_OK);
    mc_cache_empty(cache);
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK_EQ_I64(s.reserved_bytes, 0);
    CHECK_EQ_I64(s.cached_bytes, 0);
    fixture_close(&f, 0);
}

static mc_status failing_alloc(void *ctx, int device, size_t size, size_t alignment, void **out)
{
    (void)ctx, (void)device, (void)size, (void)alignment;
    *out = NULL;
    return MC_ERR_IO;
}

static void failing_free(void *ctx, int device, void *ptr, size_t size)
{
    (void)ctx, (void)device, (void)ptr, (void)size;
}

static void broken_backend(void)
{
    mc_cache_backend be = {"broken", failing_alloc, failing_free, NULL};
    mc_cache *cache;
    CHECK(mc_cache_create(NULL, &be, &cache, NULL) == MC_OK);
    void *p = (void *)1;
    mc_error err;
    CHECK(mc_cache_allocate(cache, 100, 8, 0, &p, &err) == MC_ERR_IO && p == NULL);
    CHECK(strstr(err.message, "broken") != NULL);
    mc_cache_stats s;
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK_EQ_I64(s.reserved_bytes, 0);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);
}

int main(void)
{
    const mc_cache_policy policies[] = {MC_CACHE_POLICY_NONE, MC_CACHE_POLICY_EXACT_LRU,
                                        MC_CACHE_POLICY_SEGMENTS, MC_CACHE_POLICY_ADAPTIVE};
    for (int i = 0; i < 4; ++i) {
        double_release(policies[i]);
        memory_limit(policies[i]);
        backend_oom(policies[i]);
    }
    bad_arguments();
    broken_backend();
    return mc_test_finish("cache_misuse");
}
