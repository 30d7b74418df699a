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

#ifndef MC_SPM_MINIMAL
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
#endif

/* Heap numbering: the root is 1, node n's children are 2n and 2n + 1, so
 * the node of the class-k region at `leaf` is (2^K + leaf) >> k. */
static uint32_t node_of(const mc_spm *h, uint32_t leaf, uint32_t k)
{
    return ((1u << h->nclasses) | leaf) >> k;
}

SPM_MIN_NOINLINE static void push(mc_spm *h, uint32_t k, uint32_t off)
{
    spm_link *l = spm_link_at(h, off), scratch;
    uint32_t head = h->head[k];
    l->next = head;
    l->prev = SPM_NIL;
    spm_link_or(h, head, &scratch)->prev = off;
    h->head[k] = off;
}

/* An empty block (the spine shape): its regions leave their lists and it
 * returns to the bitmap. Threaded heaps hold every class lock. The tag is
 * left as it is: nothing reads the tag of a free block, and every path
 * that splits a block again writes its tag first. */
SPM_MIN_NOINLINE static void release_block(mc_spm *h, uint32_t block)
{
    for (uint32_t c = 0; c < h->nclasses; ++c) spm_unlink(h, c, spm_offset(h, block, 1u << c));
    spm_toggle_split(h, block);
}

#ifndef MC_SPM_MINIMAL /* the general (lock-aware) region code */
/* Publishes region (block, leaf) as free in class k; caller holds lock k. */
static void add_free(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t k)
{
    push(h, k, spm_offset(h, block, leaf));
    spm_u32_or(h, &spm_tag_of(h, block)->free, 1u << leaf);
}

/* Publishes the upper halves made by splitting region (leaf, class j)
 * down to class `stop`, lower halves kept, one class lock at a time,
 * except the one of class `keep` (SPM_NIL: none), whose first leaf it
 * returns; without one it returns `leaf`, the lower half kept. */
static uint32_t publish_halves(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t j, uint32_t stop,
                               uint32_t keep)
{
    uint32_t out = leaf;
    for (uint32_t c = j; c > stop; --c) {
        uint32_t upper = leaf + (1u << (c - 1));
        if (c - 1 == keep) {
            out = upper;
            continue;
        }
        class_lock(h, c - 1);
        add_free(h, block, upper, c - 1);
        class_unlock(h, c - 1);
    }
    return out;
}

/* A fresh block is a class-K region at leaf 0 split down to class 0 (leaf
 * 0 holds the tag): the spine shape. Its class-`cls` half is handed out at
 * once instead of being published and taken back (one push, one unlink and
 * one pass over the lists fewer on the slowest small allocation). The tag
 * cannot show "empty" meanwhile: that region is never marked free. The
 * block turns split before any region is published, so a region's free
 * from another thread always finds the split state. */
static void *new_split_block(mc_spm *h, uint32_t cls)
{
    uint32_t b = spm_take_blocks(h, 1, 1, 0);
    if (b == SPM_NIL) return NULL;
    spm_tag *t = spm_tag_of(h, b);
    atomic_store_explicit(&t->free, 0, memory_order_relaxed);
    atomic_store_explicit(&t->split, spm_empty_pattern(h), memory_order_relaxed);
    spm_bit_set(h, SPM_P, b, true);
    return h->base + spm_offset(h, b, publish_halves(h, b, 0, h->nclasses, 0, cls));
}

/* Returns a class-`cls` region, splitting a larger free one if needed:
 * the lower half is kept each time, the upper halves go on their lists. */
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
        uint32_t block = off >> h->bshift, leaf = spm_leaf_at(h, off), split = 0;
        spm_tag *t = spm_tag_of(h, block);
        for (uint32_t c = j; c > cls; --c) split |= 1u << node_of(h, leaf, c);
        if (split) spm_u32_or(h, &t->split, split); /* an exact pop splits nothing */
        spm_u32_and(h, &t->free, ~(1u << leaf));
        class_unlock(h, j);
        publish_halves(h, block, leaf, j, cls, SPM_NIL);
        return h->base + off;
    }
    return NULL;
}

/* Takes the first region off list k (single-threaded). */
static uint32_t pop_head(mc_spm *h, uint32_t k)
{
    spm_link scratch;
    uint32_t off = h->head[k], next = spm_link_at(h, off)->next;
    h->head[k] = next;
    spm_link_or(h, next, &scratch)->prev = SPM_NIL;
    return off;
}

/* Single-threaded: the classes from `cls` up whose lists hold a region, as
 * a mask built without a branch per class, so that finding the one to split
 * costs at most one misprediction. Unused heads stay SPM_NIL. */
static uint32_t stocked_from(const mc_spm *h, uint32_t cls)
{
    uint32_t m = 0;
    for (uint32_t c = 0; c < SPM_MAX_CLASSES; ++c) m |= (uint32_t)(h->head[c] != SPM_NIL) << c;
    return m & (~0u << cls);
}
#endif /* !MC_SPM_MINIMAL */

/* Splits the class-j region at byte offset `off` down to class `cls`,
 * keeping the lower half each time and pushing the upper halves, with the
 * tag in registers and stored once; the region itself stops being free. */
SPM_MIN_NOINLINE static void split_down(mc_spm *h, uint32_t off, uint32_t j, uint32_t cls)
{
    uint32_t leaf = spm_leaf_at(h, off), node = node_of(h, leaf, j);
    spm_tag *t = spm_tag_of(h, off >> h->bshift);
    uint32_t sp = atomic_load_explicit(&t->split, memory_order_relaxed);
    uint32_t fr = atomic_load_explicit(&t->free, memory_order_relaxed) & ~(1u << leaf);
    /* The kept lower half of a node is its left child. */
    for (uint32_t c = j; c > cls; --c, node <<= 1) {
        uint32_t half = 1u << (c - 1);
        sp |= 1u << node;
        fr |= 1u << (leaf + half);
        push(h, c - 1, off + (half << h->mshift));
    }
    atomic_store_explicit(&t->split, sp, memory_order_relaxed);
    atomic_store_explicit(&t->free, fr, memory_order_relaxed);
}

/* Single-threaded take_region: pops a region of class j >= cls and splits
 * it down. */
static void *split_single(mc_spm *h, uint32_t j, uint32_t cls)
{
#if SPM_SHORTCUTS
    uint32_t off = pop_head(h, j);
#else /* the general unlink is there anyway: one copy */
    uint32_t off = h->head[j];
    spm_unlink(h, j, off);
#endif
    split_down(h, off, j, cls);
    return h->base + off;
}

#if SPM_SHORTCUTS
/* Single-threaded new_split_block: the first free block from the hint
 * (a free block's pair is 1 0, a split one's 1 1, so claiming it as split
 * is setting its E bit), its tag written whole, the other classes'
 * regions pushed. NULL when no block is free. */
static void *fresh_single(mc_spm *h, uint32_t cls)
{
    spm_aword *bits = spm_bits(h);
    uint32_t wi = atomic_load_explicit(&h->hint, memory_order_relaxed);
    spm_word w = 0, f = 0;
    for (; wi < h->nwords; ++wi) {
        w = atomic_load_explicit(&bits[wi], memory_order_relaxed);
        if ((f = spm_answer(w, SPM_F)) != 0) break;
    }
    if (f == 0) return NULL;
    atomic_store_explicit(&h->hint, wi, memory_order_relaxed);
    atomic_store_explicit(&bits[wi], w | (f & -f) << 1, memory_order_relaxed);
    uint32_t b = wi * SPM_HALF + spm_ctz(f) / 2, e = spm_empty_pattern(h);
    spm_tag *t = spm_tag_of(h, b);
    atomic_store_explicit(&t->split, e, memory_order_relaxed);
    atomic_store_explicit(&t->free, e & ~(1u << (1u << cls)), memory_order_relaxed);
    for (uint32_t c = 0; c < cls; ++c) push(h, c, spm_offset(h, b, 1u << c));
    for (uint32_t c = cls + 1; c < h->nclasses; ++c) push(h, c, spm_offset(h, b, 1u << c));
    return h->base + spm_offset(h, b, 1u << cls);
}
#endif

#ifdef MC_SPM_MINIMAL
/* The minimal build (one thread, eager): the smallest stocked list from
 * `cls` up is split down. With none, a fresh block is a class-K region at
 * leaf 0 split down to class 0 by the same loop (leaf 0 keeps the tag),
 * and its class-`cls` region is popped again: a push and an unlink more
 * than handing it out at once, for one split loop instead of two. */
void *spm_region_alloc(mc_spm *h, uint32_t cls)
{
    uint32_t j = cls;
    while (j < h->nclasses && h->head[j] == SPM_NIL) ++j;
    if (j == h->nclasses) {
        uint32_t b = spm_find_run(h, 1, 1, 0);
        if (b == SPM_NIL) return NULL;
        spm_tag *t = spm_tag_of(h, b);
        atomic_store_explicit(&t->split, 0, memory_order_relaxed);
        atomic_store_explicit(&t->free, 0, memory_order_relaxed);
        spm_toggle_split(h, b); /* free 1 0 -> split 1 1 */
        split_down(h, b << h->bshift, h->nclasses, 0);
        j = cls;
    }
    return split_single(h, j, cls);
}
#else
static void coalesce_locked(mc_spm *h);

/* The general path; single-threaded heaps have tried spm_pop_exact first,
 * and take the shortcuts above unless blocks have run out. */
void *spm_region_alloc(mc_spm *h, uint32_t cls)
{
    if (!spm_threaded(h)) {
        uint32_t m = stocked_from(h, cls);
        void *p = m ? split_single(h, spm_ctz(m), cls) : fresh_single(h, cls);
        if (p || !spm_has(h, MC_SPM_DEFERRED)) return p;
    }
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
    if (!block_empty(h, block)) return false;
    release_block(h, block);
    return true;
}

/* One thread; `block` has just emptied. The full build parks it as the
 * spare, so that a workload freeing and re-allocating around a block
 * boundary does not re-split a block every time, and returns the previous
 * spare to the bitmap if that is still empty. False in the minimal build
 * (a spare only saves time): the caller releases `block`. Threaded heaps
 * keep no spare either (it would need a lock on the whole-block path);
 * they release in spm_region_free. */
static bool park(mc_spm *h, uint32_t block)
{
    uint32_t old = h->spare;
    h->spare = block;
    if (old != SPM_NIL && old != block) release_if_empty_locked(h, old);
    return true;
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
#endif /* !MC_SPM_MINIMAL */

#ifdef MC_SPM_MINIMAL
/* No spare in the minimal build (it only saves time): an emptied block goes
 * back to the bitmap at once. */
static bool park(mc_spm *h, uint32_t block)
{
    (void)h, (void)block;
    return false;
}
#endif

/* Single-threaded free: the merge loop of spm_region_free below with the
 * tag held in registers and stored once, and no lock or flag tests on the
 * way (a free is the hottest call there is). A deferred heap only
 * publishes the region. The minimal build uses it too: without the lock
 * juggling it is also the smaller of the two. */
static void free_single(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t k)
{
    spm_tag *t = spm_tag_of(h, block);
    uint32_t fr = atomic_load_explicit(&t->free, memory_order_relaxed);
    uint32_t sp = atomic_load_explicit(&t->split, memory_order_relaxed);
    bool eager = !spm_has(h, MC_SPM_DEFERRED);
    /* The region's node; its buddy's is node ^ 1, their parent node / 2. */
    uint32_t node = node_of(h, leaf, k);
    for (; eager && k + 1 < h->nclasses; ++k) {
        uint32_t buddy = leaf ^ (1u << k);
        /* A leaf's node is never split; at K = 5 it is numbered 32-63, so
         * the test shifts a 64-bit copy rather than testing k > 0. */
        if (!((fr >> buddy) & 1u) || (((uint64_t)sp >> (node ^ 1u)) & 1u)) break;
        spm_unlink(h, k, spm_offset(h, block, buddy));
        fr &= ~(1u << buddy);
        leaf &= buddy; /* the lower of the two: bit k cleared */
        node >>= 1;
        sp &= ~(1u << node);
    }
    fr |= 1u << leaf;
    /* Both words: the free bits alone can match the spine while a spine
     * leaf is still split below (leaf 2 of a 4-leaf block, leaf 3 in use). */
    uint32_t e = spm_empty_pattern(h);
    push(h, k, spm_offset(h, block, leaf));
    atomic_store_explicit(&t->free, fr, memory_order_relaxed);
    atomic_store_explicit(&t->split, sp, memory_order_relaxed);
    /* Published first and unlinked again by release_block: one release
     * loop for every empty block instead of a second one that skips k. */
    if (eager && fr == e && sp == e && !park(h, block)) release_block(h, block);
}

void spm_region_free(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t cls)
{
    if (!spm_threaded(h)) {
        free_single(h, block, leaf, cls);
        return;
    }
#ifndef MC_SPM_MINIMAL
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
        release_if_empty_locked(h, block);
        unlock_all(h);
    }
    coarse_unlock(h);
#endif
}

#ifndef MC_SPM_MINIMAL
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

void spm_coalesce_all(mc_spm *h)
{
    coarse_lock(h);
    coalesce_locked(h);
    coarse_unlock(h);
}
#else
/* Eager heaps leave nothing to merge (check() holds them to it). */
void spm_coalesce_all(mc_spm *h) { (void)h; }
#endif
