/* Two threads allocating and freeing on one heap, including frees of each
 * other's pointers handed over through a mailbox. Run under ThreadSanitizer
 * by tests/spm/ci-extra.sh; here it checks that nothing is lost or shared:
 * every allocation carries its owner's pattern, and at the end the heap
 * passes check() and gives all its memory back. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "memcarve/spm.h"

#define MAILBOX 32
#define KEEP 64

typedef struct shared {
    mc_spm *h;
    _Atomic uintptr_t mailbox[MAILBOX];
    _Atomic long corrupt, allocated;
    long ops;
} shared;

typedef struct worker {
    shared *s;
    uint64_t seed;
    unsigned char id;
} worker;

/* The first byte says how long the pattern is, so any thread can verify. */
static void stamp(unsigned char *p, size_t size, unsigned char id)
{
    size_t n = size < 255 ? size : 255;
    p[0] = (unsigned char)n;
    memset(p + 1, id, n - 1);
}

static void verify_and_free(shared *s, unsigned char *p)
{
    size_t n = p[0];
    for (size_t i = 2; i < n; ++i)
        if (p[i] != p[1]) atomic_fetch_add(&s->corrupt, 1);
    if (mc_spm_free(s->h, p) != MC_OK) atomic_fetch_add(&s->corrupt, 1);
}

static void *work(void *arg)
{
    worker *w = arg;
    shared *s = w->s;
    mc_test_rng rng = {w->seed};
    unsigned char *mine[KEEP] = {0};
    for (long i = 0; i < s->ops; ++i) {
        size_t k = (size_t)mc_test_range(&rng, 0, KEEP - 1);
        if (mine[k]) {
            uintptr_t expect = 0;
            size_t slot = (size_t)mc_test_range(&rng, 0, MAILBOX - 1);
            /* Half the time hand it to the other thread instead. */
            if (!(i & 1) || !atomic_compare_exchange_strong(&s->mailbox[slot], &expect, (uintptr_t)mine[k]))
                verify_and_free(s, mine[k]);
            mine[k] = NULL;
        } else {
            size_t size = (size_t)mc_test_range(&rng, 2, mc_test_range(&rng, 0, 3) ? 100 : 900);
            mine[k] = mc_spm_alloc(s->h, size);
            if (mine[k]) stamp(mine[k], size, w->id), atomic_fetch_add(&s->allocated, 1);
        }
        uintptr_t got = atomic_exchange(&s->mailbox[(size_t)mc_test_range(&rng, 0, MAILBOX - 1)], 0);
        if (got) verify_and_free(s, (unsigned char *)got);
    }
    for (size_t k = 0; k < KEEP; ++k)
        if (mine[k]) verify_and_free(s, mine[k]);
    return NULL;
}

static void run(unsigned flags, size_t block, long ops)
{
    static _Alignas(64) unsigned char arena[1 << 16];
    static shared s;
    memset(&s, 0, sizeof s);
    s.ops = ops;
    mc_spm_config c = {block, flags, NULL, 0};
    CHECK(mc_spm_init(&s.h, arena, sizeof arena, &c, NULL) == MC_OK);
    worker w[2] = {{&s, 11 + flags, 'a'}, {&s, 97 + block, 'b'}};
    pthread_t t[2];
    for (int i = 0; i < 2; ++i) CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
    for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
    for (size_t i = 0; i < MAILBOX; ++i) {
        uintptr_t p = atomic_exchange(&s.mailbox[i], 0);
        if (p) verify_and_free(&s, (unsigned char *)p);
    }
    if (atomic_load(&s.corrupt)) fprintf(stderr, "  flags %u block %zu\n", flags, block);
    CHECK_EQ_I64(atomic_load(&s.corrupt), 0);
    CHECK(atomic_load(&s.allocated) > ops / 4);
    mc_error e;
    mc_status st = mc_spm_check(s.h, &e);
    if (st != MC_OK) fprintf(stderr, "  %s\n", e.message);
    CHECK(st == MC_OK);
    mc_spm_coalesce(s.h);
    mc_spm_stats stats;
    mc_spm_get_stats(s.h, &stats);
    CHECK_EQ_I64(stats.live, 0);
    CHECK_EQ_I64(stats.largest_free, stats.capacity);
}

int main(void)
{
    run(MC_SPM_THREADS_COARSE, 128, 200000);
    run(MC_SPM_THREADS_FINE, 128, 200000);
    run(MC_SPM_THREADS_FINE | MC_SPM_DEFERRED, 64, 200000);
    run(MC_SPM_THREADS_COARSE | MC_SPM_DEFERRED, 256, 200000);
    run(MC_SPM_THREADS_FINE, 32, 200000);
    return mc_test_finish("spm_threads");
}
