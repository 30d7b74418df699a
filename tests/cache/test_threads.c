/* Two threads at once: each churns its own blocks and also frees blocks the
 * other thread allocated (handed over through a small mailbox), with
 * retains, against one cache. Every block's bytes are checked before it is
 * freed, and at the end nothing is live and the back end got everything
 * back. Run under ThreadSanitizer by ci-extra.sh. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "memcarve/cache.h"
#include "support.h"

enum { ROUNDS = 20000, MAILBOX = 64 };

typedef struct shared {
    mc_cache *cache;
    _Atomic(unsigned char *) mailbox[MAILBOX];
    atomic_long failures;
} shared;

typedef struct worker {
    shared *s;
    uint64_t seed;
} worker;

static bool intact(const unsigned char *p, size_t n)
{
    for (size_t i = 1; i < n; ++i)
        if (p[i] != p[0]) return false;
    return true;
}

static void *work(void *arg)
{
    worker *w = arg;
    shared *s = w->s;
    mc_test_rng rng = {w->seed};
    unsigned char *mine[32] = {0};
    long failures = 0;
    for (int r = 0; r < ROUNDS; ++r) {
        int k = (int)mc_test_range(&rng, 0, 31);
        if (mine[k]) {
            failures += !intact(mine[k], 64);
            failures += mc_cache_retain(s->cache, mine[k], NULL) != MC_OK;
            failures += mc_cache_release(s->cache, mine[k], NULL) != MC_OK;
            /* Hand it to the other thread, or free it here. */
            unsigned char *expected = NULL;
            int box = (int)mc_test_range(&rng, 0, MAILBOX - 1);
            if (!atomic_compare_exchange_strong(&s->mailbox[box], &expected, mine[k]))
                failures += mc_cache_release(s->cache, mine[k], NULL) != MC_OK;
            mine[k] = NULL;
        } else {
            size_t size = (size_t)64 << mc_test_range(&rng, 0, 10);
            void *p;
            failures += mc_cache_allocate(s->cache, size, 64, 0, &p, NULL) != MC_OK;
            memset(p, (int)(w->seed + (uint64_t)r), 64);
            mine[k] = p;
        }
        unsigned char *got = atomic_exchange(&s->mailbox[(r * 7) % MAILBOX], NULL);
        if (got) {
            failures += !intact(got, 64);
            failures += mc_cache_release(s->cache, got, NULL) != MC_OK;
        }
    }
    for (int k = 0; k < 32; ++k)
        if (mine[k]) failures += mc_cache_release(s->cache, mine[k], NULL) != MC_OK;
    atomic_fetch_add(&s->failures, failures);
    return NULL;
}

static void stress(mc_cache_policy policy, unsigned shards)
{
    mc_cache_options o = fixture_options(policy, shards);
    o.max_cached_blocks = 64;
    fixture f;
    fixture_open(&f, &o, 0, true);
    shared s = {.cache = f.cache};
    pthread_t t[2];
    worker w[2] = {{&s, 1}, {&s, 2}};
    for (int i = 0; i < 2; ++i) CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
    for (int b = 0; b < MAILBOX; ++b)
        if (s.mailbox[b]) CHECK(mc_cache_release(s.cache, s.mailbox[b], NULL) == MC_OK);
    CHECK_EQ_I64(atomic_load(&s.failures), 0);
    mc_cache_stats st;
    mc_cache_get_stats(s.cache, 0, &st, NULL);
    CHECK_EQ_I64(st.live_blocks, 0);
    CHECK_EQ_I64(st.allocated_bytes, 0);
    fixture_close(&f, 0);
}

int main(void)
{
    stress(MC_CACHE_POLICY_ADAPTIVE, 16);
    stress(MC_CACHE_POLICY_EXACT_LRU, 16);
    stress(MC_CACHE_POLICY_SEGMENTS, 1);
    stress(MC_CACHE_POLICY_NONE, 4);
    return mc_test_finish("cache_threads");
}
