/* The segment policies. Memory comes from the back end in segments; a
 * request takes the best-fitting free block of its pool (small requests and
 * large ones never share a segment, so small long-lived tensors cannot pin
 * large segments), splits off the rest, and a freed block merges with free
 * neighbours. SEGMENTS keeps PyTorch's sizes; ADAPTIVE adds consolidation:
 * on a large miss, fully free large segments are given back first and their
 * bytes re-reserved as one segment, so over a few steps the working set
 * gathers into few segments where coalescing can do its job, instead of
 * leaving reserved memory stranded in segments too small for the request.
 * ADAPTIVE also parks the last few freed small blocks unmerged (a "hot"
 * list, like a thread cache) so that churn on one layout costs neither a
 * split nor a merge; any miss flushes them first, so they never cause one. */
#include <stdlib.h>

#include "cache/bins.h"
#include "cache/internal.h"

#define KIB ((size_t)1024)
#define MIB (KIB * KIB)
enum { ROUND = 512 };
static const size_t small_max = 1 * MIB;     /* larger requests use the large pool */
static const size_t small_segment = 2 * MIB;
static const size_t large_segment = 20 * MIB;
static const size_t huge_min = 10 * MIB;     /* own segment, rounded to 2 MiB */
enum { GROWTH_DIVISOR = 16 };

static size_t round_up(size_t value, size_t unit)
{
    return (value + unit - 1) / unit * unit;
}

static size_t rounded(size_t size)
{
    return size < ROUND ? ROUND : round_up(size, ROUND);
}

static size_t segment_size(size_t size)
{
    if (size <= small_max) return small_segment;
    if (size < huge_min) return large_segment;
    return round_up(size, 2 * MIB);
}

static bool splittable(const mc_block *b, size_t size)
{
    size_t rest = b->size - size;
    return !b->segment->adopted && (b->segment->large ? rest > small_max : rest >= ROUND);
}

static mc_bins *bins_of(mc_shard *shard, const mc_segment *seg)
{
    return &shard->bins[seg->large];
}

static bool whole(const mc_block *b)
{
    return b->size == b->segment->size;
}

static void idle_unlink(mc_shard *shard, mc_segment *seg)
{
    if (!seg->idle) return;
    if (seg->prev) seg->prev->next = seg->next;
    else shard->idle_head = seg->next;
    if (seg->next) seg->next->prev = seg->prev;
    else shard->idle_tail = seg->prev;
    seg->prev = seg->next = NULL;
    seg->idle = false;
    --shard->idle_count;
}

static void idle_push(mc_shard *shard, mc_segment *seg)
{
    seg->prev = NULL;
    seg->next = shard->idle_head;
    if (seg->next) seg->next->prev = seg;
    else shard->idle_tail = seg;
    shard->idle_head = seg;
    seg->idle = true;
    ++shard->idle_count;
}

/* Makes free block `b` live with `size` bytes, splitting off the rest. */
static mc_block *claim(mc_shard *shard, mc_block *b, size_t size)
{
    mc_bins_remove(bins_of(shard, b->segment), b);
    idle_unlink(shard, b->segment);
    mc_block *rest = splittable(b, size) ? mc_block_new(shard) : NULL;
    if (rest) {
        rest->addr = b->addr + size;
        rest->size = b->size - size;
        rest->segment = b->segment;
        rest->free = true;
        rest->addr_prev = b;
        rest->addr_next = b->addr_next;
        if (b->addr_next) b->addr_next->addr_prev = rest;
        b->addr_next = rest;
        b->size = size;
        mc_bins_insert(bins_of(shard, b->segment), rest);
    }
    b->free = false;
    shard->cached_bytes -= b->size;
    return b;
}

static mc_block *take_hot(mc_shard *shard, size_t size, size_t alignment);
static void flush_hot(mc_shard *shard);

static mc_block *seg_take(mc_shard *shard, size_t size, size_t alignment)
{
    size = rounded(size);
    mc_block *b = shard->hot_count ? take_hot(shard, size, alignment) : NULL;
    if (b) return b;
    mc_bins *bins = &shard->bins[size > small_max];
    b = mc_bins_best_fit(bins, size, alignment);
    if (!b && shard->hot_count) {
        flush_hot(shard); /* merged, the parked blocks may fit */
        b = mc_bins_best_fit(bins, size, alignment);
    }
    return b ? claim(shard, b, size) : NULL;
}

static void release_segment(mc_shard *shard, mc_segment *seg)
{
    mc_block *b = seg->first;
    mc_bins_remove(bins_of(shard, seg), b);
    idle_unlink(shard, seg);
    shard->cached_bytes -= b->size;
    if (seg->large) shard->large_reserved -= seg->size;
    mc_backend_put(shard, (void *)seg->base, seg->size);
    mc_block_recycle(shard, b);
    free(seg);
}

/* Adds a segment whose single block is free; NULL when host memory ran out. */
static mc_block *add_segment(mc_shard *shard, uintptr_t base, size_t size, bool large, bool adopted)
{
    mc_segment *seg = calloc(1, sizeof *seg);
    mc_block *b = seg ? mc_block_new(shard) : NULL;
    if (!b) {
        free(seg);
        return NULL;
    }
    seg->base = base;
    seg->size = size;
    seg->large = large;
    seg->adopted = adopted;
    seg->first = b;
    b->addr = base;
    b->size = size;
    b->segment = seg;
    b->free = true;
    mc_bins_insert(bins_of(shard, seg), b);
    shard->cached_bytes += size;
    if (large) shard->large_reserved += size;
    return b;
}

/* ADAPTIVE: gives back the fully free large segments; returns their bytes. */
static size_t consolidate(mc_shard *shard)
{
    size_t freed = 0;
    for (mc_segment *seg = shard->idle_head, *next; seg; seg = next) {
        next = seg->next;
        if (!seg->large) continue;
        freed += seg->size;
        release_segment(shard, seg);
    }
    return freed;
}

static mc_status seg_grow(mc_shard *shard, size_t size, size_t alignment, mc_block **out,
                          mc_error *err)
{
    *out = NULL;
    size = rounded(size);
    bool large = size > small_max;
    /* 256 is what cudaMalloc promises; blocks then sit 256-aligned. */
    size_t want = segment_size(size), seg_alignment = alignment > 256 ? alignment : 256;
    if (large && shard->device->cache->options.policy == MC_CACHE_POLICY_ADAPTIVE) {
        /* A large miss usually opens a run of them (a longer sequence than
         * ever before), so the segment also grows by a sixteenth of what is
         * reserved: a few misses instead of one per tensor, for at most
         * ~6% of unused headroom, which the next consolidation reclaims. */
        size_t growth = round_up(shard->large_reserved / GROWTH_DIVISOR, 2 * MIB);
        size_t freed = round_up(consolidate(shard), 2 * MIB);
        if (freed > want) want = freed;
        if (growth > want) want = growth;
    }
    void *ptr;
    mc_status st = mc_backend_get(shard, want, seg_alignment, &ptr, err);
    if (st == MC_ERR_NOMEM && want > segment_size(size)) {
        want = segment_size(size); /* the consolidated size was too ambitious */
        st = mc_backend_get(shard, want, seg_alignment, &ptr, err);
    }
    if (st != MC_OK) return st;
    mc_block *b = add_segment(shard, (uintptr_t)ptr, want, large, false);
    if (!b) {
        mc_backend_put(shard, ptr, want);
        return mc_error_set(err, MC_ERR_NOMEM, "cache: out of host memory for a segment record");
    }
    *out = claim(shard, b, size);
    return MC_OK;
}

/* Merges `n`, the block right after `b`, into `b`; neither is in a bin. */
static void absorb(mc_shard *shard, mc_block *b, mc_block *n)
{
    b->size += n->size;
    b->addr_next = n->addr_next;
    if (n->addr_next) n->addr_next->addr_prev = b;
    mc_block_recycle(shard, n);
}

static bool over_bounds(const mc_shard *shard)
{
    const mc_cache_options *o = &shard->device->cache->options;
    return (o->max_cached_bytes && shard->cached_bytes > o->max_cached_bytes) ||
           (o->max_cached_blocks && shard->idle_count > o->max_cached_blocks);
}

/* Returns a free block to its bins, merging with free neighbours. */
static void merge_give(mc_shard *shard, mc_block *b)
{
    shard->cached_bytes += b->size;
    b->free = true;
    mc_bins *bins = bins_of(shard, b->segment);
    if (b->addr_next && b->addr_next->free) {
        mc_bins_remove(bins, b->addr_next);
        absorb(shard, b, b->addr_next);
    }
    if (b->addr_prev && b->addr_prev->free) {
        mc_block *p = b->addr_prev;
        mc_bins_remove(bins, p);
        absorb(shard, p, b);
        b = p;
    }
    mc_bins_insert(bins, b);
    if (whole(b)) idle_push(shard, b->segment);
    while (over_bounds(shard) && shard->idle_tail) {
        release_segment(shard, shard->idle_tail);
        ++shard->evictions;
    }
}

static bool adaptive(const mc_shard *shard)
{
    return shard->device->cache->options.policy == MC_CACHE_POLICY_ADAPTIVE;
}

/* Hot blocks count as cached but stay marked in use, so that neighbours
 * do not merge with them; unparking merges them for real. */
static void unpark(mc_shard *shard, mc_block *b)
{
    shard->cached_bytes -= b->size;
    merge_give(shard, b);
}

static void flush_hot(mc_shard *shard)
{
    for (unsigned i = 0; i < shard->hot_count; ++i) unpark(shard, shard->hot[i]);
    shard->hot_count = 0;
}

static mc_block *take_hot(mc_shard *shard, size_t size, size_t alignment)
{
    for (unsigned i = shard->hot_count; i-- > 0;) {
        mc_block *b = shard->hot[i];
        if (b->size != size || b->addr % alignment) continue;
        for (unsigned k = i + 1; k < shard->hot_count; ++k) shard->hot[k - 1] = shard->hot[k];
        --shard->hot_count;
        shard->cached_bytes -= b->size;
        return b;
    }
    return NULL;
}

static void seg_give(mc_shard *shard, mc_block *b)
{
    if (!adaptive(shard) || b->size > small_max || b->segment->adopted) {
        merge_give(shard, b);
        return;
    }
    if (shard->hot_count == MC_HOT_BLOCKS) {
        unpark(shard, shard->hot[0]);
        for (unsigned k = 1; k < MC_HOT_BLOCKS; ++k) shard->hot[k - 1] = shard->hot[k];
        --shard->hot_count;
    }
    shard->hot[shard->hot_count++] = b;
    shard->cached_bytes += b->size;
}

static mc_block *seg_adopt(mc_shard *shard, uintptr_t addr, size_t size, size_t alignment)
{
    (void)alignment;
    mc_block *b = add_segment(shard, addr, size, rounded(size) > small_max, true);
    return b ? claim(shard, b, size) : NULL;
}

static void seg_trim(mc_shard *shard)
{
    flush_hot(shard);
    while (shard->idle_tail) release_segment(shard, shard->idle_tail);
}

static uint64_t seg_largest_free(const mc_shard *shard)
{
    uint64_t small = mc_bins_largest(&shard->bins[0]), large = mc_bins_largest(&shard->bins[1]);
    for (unsigned i = 0; i < shard->hot_count; ++i)
        if (shard->hot[i]->size > small) small = shard->hot[i]->size;
    return small > large ? small : large;
}

const mc_policy_ops mc_policy_segments = {seg_take, seg_grow, seg_give, seg_adopt, seg_trim,
                                          seg_largest_free};
