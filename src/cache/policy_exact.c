/* The seed's policy: a freed block waits in a bucket for a request of the
 * very same (size, alignment); one recency list across buckets decides what
 * to evict when the bytes or entries bound is passed, and evicted memory
 * goes straight back to the back end. With MC_CACHE_POLICY_NONE nothing is
 * kept at all. */
#include "cache/internal.h"

/* Sizes are below 2^57 (checked on entry) and alignments powers of two, so
 * size and log2(alignment) pack into one nonzero key. */
static uint64_t layout_key(size_t size, size_t alignment)
{
    uint64_t log2 = 0;
    while (((size_t)1 << log2) < alignment) ++log2;
    return ((uint64_t)size << 6) | log2;
}

static bool caching_off(const mc_shard *shard)
{
    return shard->device->cache->options.policy == MC_CACHE_POLICY_NONE;
}

static void lru_unlink(mc_shard *shard, mc_block *b)
{
    if (b->lru_prev) b->lru_prev->lru_next = b->lru_next;
    else shard->lru_head = b->lru_next;
    if (b->lru_next) b->lru_next->lru_prev = b->lru_prev;
    else shard->lru_tail = b->lru_prev;
    b->lru_prev = b->lru_next = NULL;
}

/* Takes `b` out of its bucket; the bucket's map entry points at its head. */
static void bucket_unlink(mc_shard *shard, mc_block *b)
{
    uint64_t key = layout_key(b->size, b->alignment);
    if (b->prev) b->prev->next = b->next;
    else if (b->next) mc_hmap_put(&shard->buckets, key, b->next); /* replaces: cannot fail */
    else mc_hmap_take(&shard->buckets, key);
    if (b->next) b->next->prev = b->prev;
    b->prev = b->next = NULL;
}

static void uncache(mc_shard *shard, mc_block *b)
{
    bucket_unlink(shard, b);
    lru_unlink(shard, b);
    shard->cached_bytes -= b->size;
    --shard->cached_blocks;
    b->free = false;
}

static void release_block(mc_shard *shard, mc_block *b)
{
    mc_backend_put(shard, (void *)b->addr, b->size);
    mc_block_recycle(shard, b);
}

static mc_block *exact_take(mc_shard *shard, size_t size, size_t alignment)
{
    mc_block *b = mc_hmap_get(&shard->buckets, layout_key(size, alignment));
    if (b) uncache(shard, b);
    return b;
}

static mc_status exact_grow(mc_shard *shard, size_t size, size_t alignment, mc_block **out,
                            mc_error *err)
{
    *out = NULL;
    mc_block *b = mc_block_new(shard);
    if (!b) return mc_error_set(err, MC_ERR_NOMEM, "cache: out of host memory for a block record");
    void *ptr;
    mc_status st = mc_backend_get(shard, size, alignment, &ptr, err);
    if (st != MC_OK) {
        mc_block_recycle(shard, b);
        return st;
    }
    b->addr = (uintptr_t)ptr;
    b->size = size;
    b->alignment = alignment;
    *out = b;
    return MC_OK;
}

static bool over_bounds(const mc_shard *shard)
{
    const mc_cache_options *o = &shard->device->cache->options;
    return (o->max_cached_bytes && shard->cached_bytes > o->max_cached_bytes) ||
           (o->max_cached_blocks && shard->cached_blocks > o->max_cached_blocks);
}

static void exact_give(mc_shard *shard, mc_block *b)
{
    if (caching_off(shard)) {
        release_block(shard, b);
        return;
    }
    uint64_t key = layout_key(b->size, b->alignment);
    mc_block *head = mc_hmap_get(&shard->buckets, key);
    if (!mc_hmap_put(&shard->buckets, key, b)) {
        /* No host memory to index it: not caching it loses nothing. */
        release_block(shard, b);
        return;
    }
    b->free = true;
    b->prev = NULL;
    b->next = head;
    if (head) head->prev = b;
    b->lru_prev = NULL;
    b->lru_next = shard->lru_head;
    if (shard->lru_head) shard->lru_head->lru_prev = b;
    else shard->lru_tail = b;
    shard->lru_head = b;
    shard->cached_bytes += b->size;
    ++shard->cached_blocks;
    while (over_bounds(shard)) {
        mc_block *victim = shard->lru_tail;
        uncache(shard, victim);
        release_block(shard, victim);
        ++shard->evictions;
    }
}

static mc_block *exact_adopt(mc_shard *shard, uintptr_t addr, size_t size, size_t alignment)
{
    mc_block *b = mc_block_new(shard);
    if (!b) return NULL;
    b->addr = addr;
    b->size = size;
    b->alignment = alignment;
    return b;
}

static void exact_trim(mc_shard *shard)
{
    while (shard->lru_tail) {
        mc_block *victim = shard->lru_tail;
        uncache(shard, victim);
        release_block(shard, victim);
    }
}

static uint64_t exact_largest_free(const mc_shard *shard)
{
    uint64_t best = 0;
    for (const mc_block *b = shard->lru_head; b; b = b->lru_next)
        if (b->size > best) best = b->size;
    return best;
}

const mc_policy_ops mc_policy_exact = {exact_take, exact_grow, exact_give, exact_adopt, exact_trim,
                                       exact_largest_free};
