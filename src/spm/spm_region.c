/* Buddy regions inside split blocks.
 *
 * A split block of 2^K leaves is a binary buddy tree; its coalesce tag (in
 * leaf 0, which is therefore never handed out) records which nodes are split
 * and which regions are free. Because leaf 0 is pinned, a block with nothing
 * allocated is exactly the "spine" shape: the root-to-leaf-0 path split and
 * one free region of every class beside it. That shape is what sends a block
 * back to the bitmap.
 *
 * Locking (threaded heaps): in FINE mode lock k guards list k, the free bits
 * of class-k regions and the split bits of class-k nodes; locks are always
 * taken in ascending class order, at most two at once except when a block is
 * released (all, ascending). COARSE mode holds lock 0 around every region
 * operation instead. Tag words are updated with atomic read-modify-writes
 * because bits of different classes share a word. */
#include "spm/spm_internal.h"

#include <sched.h>

/* Spin locks in the metadata, so a heap needs no pthread objects and no
 * destroy. Lock k guards free list k (FINE); COARSE uses lock 0 only. */
static void spm_lock(const mc_spm *h, uint32_t k)
{
    _Atomic unsigned char *l = &spm_locks(h)[k];
    while (atomic_exchange_explicit(l, 1, memory_order_acquire)) {
        for (int spin = 0; atomic_load_explicit(l, memory_order_relaxed); ++spin)
            if (spin > 64) sched_yield();
    }
}

static void spm_unlock(const mc_spm *h, uint32_t k)
{
    atomic_store_explicit(&spm_locks(h)[k], 0, memory_order_release);
}

static void class_lock(const mc_spm *h, uint32_t k)
{
    if (spm_has(h, MC_SPM_THREADS_FINE)) spm_lock(h, k);
}

static void class_unlock(const mc_spm *h, uint32_t k)
{
    if (spm_has(h, MC_SPM_THREADS_FINE)) spm_unlock(h, k);
}

static void coarse_lock(const mc_spm *h)
{
    if (spm_has(h, MC_SPM_THREADS_COARSE)) spm_lock(h, 0);
}

static void coarse_unlock(const mc_spm *h)
{
    if (spm_has(h, MC_SPM_THREADS_COARSE)) spm_unlock(h, 0);
}

static void lock_all(const mc_spm *h)
{
    for (uint32_t k = 0; k < h->nclasses; ++k) class_lock(h, k);
}

static void unlock_all(const mc_spm *h)
{
    for (uint32_t k = h->nclasses; k-- > 0;) class_unlock(h, k);
}

static uint32_t node_of(const mc_spm *h, uint32_t leaf, uint32_t k)
{
    return (1u << (h->nclasses - k)) | (leaf >> k);
}

uint32_t spm_empty_pattern(const mc_spm *h)
{
    /* Bit 2^c for every class c: the spine nodes 1, 2, 4, ... are split, and
     * the free regions beside them start at leaves 1, 2, 4, ... */
    static const uint32_t spine[SPM_MAX_CLASSES + 1] = {0x0, 0x2, 0x6, 0x16, 0x116, 0x10116};
    return spine[h->nclasses];
}

static void push(mc_spm *h, uint32_t k, uint32_t off)
{
    spm_link *l = spm_link_at(h, off), scratch;
    uint32_t head = h->head[k];
    l->next = head;
    l->prev = SPM_NIL;
    spm_link_or(h, head, &scratch)->prev = off;
    h->head[k] = off;
}

/* Publishes region (block, leaf) as free in class k; caller holds lock k. */
static void add_free(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t k)
{
    push(h, k, spm_offset(h, block, leaf));
    spm_u32_or(h, &spm_tag_of(h, block)->free, 1u << leaf);
}

/* A fresh split block in the spine shape, whose class-`cls` region (at leaf
 * 2^cls) is returned at once; the other classes' regions are published one
 * class at a time. Handing that region out directly, instead of publishing
 * it and taking it back through take_region, saves a push, an unlink and a
 * pass over the lists on the slowest small allocation (W1 tails,
 * docs/bench/spm.md). The tag cannot show "empty" meanwhile: the returned
 * region is never marked free. */
static void *new_split_block(mc_spm *h, uint32_t cls)
{
    uint32_t b = spm_take_blocks(h, 1, 1, 0);
    if (b == SPM_NIL) return NULL;
    spm_tag *t = spm_tag_of(h, b);
    atomic_store_explicit(&t->free, 0, memory_order_relaxed);
    atomic_store_explicit(&t->split, spm_empty_pattern(h), memory_order_relaxed);
    spm_bit_set(h, SPM_P, b, true);
    for (uint32_t c = 0; c < h->nclasses; ++c) {
        if (c == cls) continue;
        class_lock(h, c);
        add_free(h, b, 1u << c, c);
        class_unlock(h, c);
    }
    return h->base + spm_offset(h, b, 1u << cls);
}

/* Returns a class-`cls` region, splitting a larger free one if needed. */
static void *take_region(mc_spm *h, uint32_t cls)
{
    for (uint32_t j = cls; j < h->nclasses; ++j) {
        class_lock(h, j);
        uint32_t off = h->head[j];
        if (off == SPM_NIL) {
            class_unlock(h, j);
            continue;
        }
        spm_unlink(h, j, off);
        uint32_t block = off >> h->bshift;
        uint32_t leaf = spm_leaf_at(h, off);
        spm_tag *t = spm_tag_of(h, block);
        uint32_t split = 0;
        for (uint32_t c = j; c > cls; --c) split |= 1u << node_of(h, leaf, c);
        if (split) spm_u32_or(h, &t->split, split);
        spm_u32_and(h, &t->free, ~(1u << leaf));
        class_unlock(h, j);
        /* Keep the lower half each time; the upper halves go on their lists. */
        for (uint32_t c = j; c > cls; --c) {
            class_lock(h, c - 1);
            add_free(h, block, leaf + (1u << (c - 1)), c - 1);
            class_unlock(h, c - 1);
        }
        return h->base + off;
    }
    return NULL;
}

static void coalesce_locked(mc_spm *h);

/* The general path; single-threaded heaps have tried spm_pop_exact first. */
void *spm_region_alloc(mc_spm *h, uint32_t cls)
{
    coarse_lock(h);
    void *p;
    bool coalesced = false;
    while ((p = take_region(h, cls)) == NULL) {
        if ((p = new_split_block(h, cls)) != NULL) break;
        /* Deferred heaps pay for coalescing only when they run short. */
        if (coalesced || !spm_has(h, MC_SPM_DEFERRED)) break;
        coalesce_locked(h);
        coalesced = true;
    }
    coarse_unlock(h);
    return p;
}

/* With lock k held: if the buddy of region (leaf, k) is free and whole,
 * takes it off list k and returns true. */
static bool take_buddy(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t k)
{
    if (k + 1 >= h->nclasses) return false; /* parent is the root: leaf 0 pins it */
    spm_tag *t = spm_tag_of(h, block);
    uint32_t buddy = leaf ^ (1u << k);
    if (!(spm_load32(h, &t->free) & (1u << buddy))) return false;
    if (k > 0 && (spm_load32(h, &t->split) & (1u << node_of(h, buddy, k)))) return false;
    spm_unlink(h, k, spm_offset(h, block, buddy));
    spm_u32_and(h, &t->free, ~(1u << buddy));
    return true;
}

/* Caller holds every class lock (or the coarse one). */
static bool block_empty(const mc_spm *h, uint32_t block)
{
    const spm_tag *t = spm_tag_of(h, block);
    uint32_t e = spm_empty_pattern(h);
    return spm_bit(h, SPM_P, block) && spm_load32(h, &t->split) == e && spm_load32(h, &t->free) == e;
}

static bool release_if_empty_locked(mc_spm *h, uint32_t block)
{
    spm_tag *t = spm_tag_of(h, block);
    if (!block_empty(h, block)) return false;
    for (uint32_t c = 0; c < h->nclasses; ++c) spm_unlink(h, c, spm_offset(h, block, 1u << c));
    atomic_store_explicit(&t->split, 0, memory_order_relaxed);
    atomic_store_explicit(&t->free, 0, memory_order_relaxed);
    spm_bit_set(h, SPM_P, block, false);
    spm_release(h, block, 1);
    return true;
}

/* Caller holds every class lock. A single-threaded heap parks the block as
 * the spare and releases the previous spare instead, if that is still
 * empty; threaded heaps release at once (the spare would need a lock on the
 * whole-block path). */
static void park_or_release(mc_spm *h, uint32_t block)
{
    if (!spm_threaded(h)) {
        uint32_t old = h->spare;
        h->spare = block;
        if (old == SPM_NIL || old == block) return;
        block = old;
    }
    release_if_empty_locked(h, block);
}

bool spm_drop_spare(mc_spm *h)
{
    uint32_t b = h->spare;
    if (spm_threaded(h) || b == SPM_NIL) return false;
    h->spare = SPM_NIL;
    return release_if_empty_locked(h, b);
}

bool spm_spare_empty(const mc_spm *h)
{
    return !spm_threaded(h) && h->spare != SPM_NIL && block_empty(h, h->spare);
}

/* Single-threaded free: the merge loop of spm_region_free below with the
 * tag held in registers and stored once, and no lock or flag tests on the
 * way (a free is the hottest call there is). A deferred heap only
 * publishes the region. */
static void free_single(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t k)
{
    spm_tag *t = spm_tag_of(h, block);
    uint32_t fr = atomic_load_explicit(&t->free, memory_order_relaxed);
    uint32_t sp = atomic_load_explicit(&t->split, memory_order_relaxed);
    bool eager = !spm_has(h, MC_SPM_DEFERRED);
    for (; eager && k + 1 < h->nclasses; ++k) {
        uint32_t buddy = leaf ^ (1u << k);
        if (!((fr >> buddy) & 1u) || (k > 0 && ((sp >> node_of(h, buddy, k)) & 1u))) break;
        spm_unlink(h, k, spm_offset(h, block, buddy));
        fr &= ~(1u << buddy);
        leaf &= ~((2u << k) - 1);
        sp &= ~(1u << node_of(h, leaf, k + 1));
    }
    push(h, k, spm_offset(h, block, leaf));
    fr |= 1u << leaf;
    atomic_store_explicit(&t->free, fr, memory_order_relaxed);
    atomic_store_explicit(&t->split, sp, memory_order_relaxed);
    if (eager && fr == spm_empty_pattern(h)) park_or_release(h, block);
}

void spm_region_free(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t cls)
{
    if (SPM_SHORTCUTS && !spm_threaded(h)) {
        free_single(h, block, leaf, cls);
        return;
    }
    coarse_lock(h);
    class_lock(h, cls);
    uint32_t k = cls;
    if (!spm_has(h, MC_SPM_DEFERRED)) {
        while (take_buddy(h, block, leaf, k)) {
            class_lock(h, k + 1);
            class_unlock(h, k);
            ++k;
            leaf &= ~((1u << k) - 1);
            spm_u32_and(h, &spm_tag_of(h, block)->split, ~(1u << node_of(h, leaf, k)));
        }
    }
    add_free(h, block, leaf, k);
    /* Read under lock k: nobody can release (and reuse) the block meanwhile. */
    bool empty = !spm_has(h, MC_SPM_DEFERRED) &&
                 spm_load32(h, &spm_tag_of(h, block)->free) == spm_empty_pattern(h);
    class_unlock(h, k);
    if (empty) {
        lock_all(h);
        park_or_release(h, block);
        unlock_all(h);
    }
    coarse_unlock(h);
}

#ifdef MC_SPM_MINIMAL
/* Eager heaps leave nothing to merge (check() holds them to it). */
static void coalesce_locked(mc_spm *h) { (void)h; }
#else
/* One pass per class, smallest first, so merged regions can merge again in
 * the next class; then empty blocks go back to the bitmap. */
static void coalesce_locked(mc_spm *h)
{
    lock_all(h);
    for (uint32_t k = 0; k + 1 < h->nclasses; ++k) {
        for (uint32_t off = h->head[k]; off != SPM_NIL;) {
            uint32_t next = spm_link_at(h, off)->next;
            uint32_t block = off >> h->bshift;
            uint32_t leaf = spm_leaf_at(h, off);
            uint32_t buddy_off = spm_offset(h, block, leaf ^ (1u << k));
            if (take_buddy(h, block, leaf, k)) {
                if (next == buddy_off) next = spm_link_at(h, buddy_off)->next;
                spm_unlink(h, k, off);
                spm_tag *t = spm_tag_of(h, block);
                spm_u32_and(h, &t->free, ~(1u << leaf));
                leaf &= ~((1u << (k + 1)) - 1);
                spm_u32_and(h, &t->split, ~(1u << node_of(h, leaf, k + 1)));
                add_free(h, block, leaf, k + 1);
            }
            off = next;
        }
    }
    for (uint32_t b = spm_next_set(h, SPM_P, 0); b < h->nblocks; b = spm_next_set(h, SPM_P, b + 1))
        release_if_empty_locked(h, b);
    unlock_all(h);
}
#endif

void spm_coalesce_all(mc_spm *h)
{
    coarse_lock(h);
    coalesce_locked(h);
    coarse_unlock(h);
}
