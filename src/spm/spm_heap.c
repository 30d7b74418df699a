/* The alloc/free core: request routing (regions up to half a block,
 * whole-block runs above), pointer validation and the counters. */
#include "spm/spm_internal.h"

#ifndef MC_SPM_MINIMAL /* one thread there: spm_account never calls it */
/* The threaded half of spm_account: read-modify-writes, CAS on the peak. */
void spm_account_atomic(mc_spm *h, size_t bytes, bool alloc)
{
    if (!alloc) {
        spm_u32_sub(h, &h->used, (uint32_t)bytes);
        spm_u32_sub(h, &h->live, 1);
        return;
    }
    spm_u32_add(h, &h->live, 1);
    spm_note_peak(h, spm_u32_add(h, &h->used, (uint32_t)bytes) + (uint32_t)bytes);
}
#endif

/* Counts `p` (`bytes` long) as allocated unless it is NULL, and returns
 * it, so that each allocation path ends in one call. */
SPM_MIN_NOINLINE static void *spm_counted(mc_spm *h, void *p, size_t bytes)
{
    if (p) spm_account(h, bytes, true);
    return p;
}

void *spm_alloc_blocks(mc_spm *h, size_t n, uint32_t step, uint32_t phase)
{
    uint32_t s = spm_take_blocks(h, (uint32_t)n, step, phase);
    if (s == SPM_NIL && SPM_SHORTCUTS && spm_drop_spare(h)) s = spm_take_blocks(h, (uint32_t)n, step, phase);
    if (s == SPM_NIL && spm_has(h, MC_SPM_DEFERRED)) {
        spm_coalesce_all(h);
        s = spm_take_blocks(h, (uint32_t)n, step, phase);
    }
    return spm_counted(h, s == SPM_NIL ? NULL : h->base + ((size_t)s << h->bshift), n << h->bshift);
}

static uint32_t class_of(const mc_spm *h, size_t size)
{
    return spm_ceil_log2(((size - 1) >> h->mshift) + 1); /* ceil(log2(ceil(size / m))) */
}

void *mc_spm_alloc(mc_spm *h, size_t size)
{
    size_t block = spm_block_size(h), cap = (size_t)h->nblocks << h->bshift;
    /* The minimal build tests 0 and too big in one compare (0 wraps). */
    if (SPM_SHORTCUTS ? size == 0 : size - 1 >= cap) return NULL;
    if (size <= block / 2) {
        uint32_t cls = class_of(h, size);
        void *p = SPM_SHORTCUTS && !spm_threaded(h) ? spm_pop_exact(h, cls) : NULL;
        if (!p) p = spm_region_alloc(h, cls);
        return spm_counted(h, p, (size_t)1 << (h->mshift + cls));
    }
    if (SPM_SHORTCUTS && size > cap) return NULL;
    size_t n = (size + block - 1) >> h->bshift;
#if SPM_SHORTCUTS
    /* One thread: the lean search and claim; the general path only when it
     * fails (then a spare or deferred regions may still make room). */
    uint32_t s = spm_threaded(h) ? SPM_NIL : spm_take_single(h, (uint32_t)n);
    if (s != SPM_NIL) {
        spm_account(h, n << h->bshift, true);
        return h->base + ((size_t)s << h->bshift);
    }
#endif
    return spm_alloc_blocks(h, n, 1, 0);
}

/* Bit 0 F, bit 1 E of block i: one load gives its whole state. */
static inline unsigned pair_of(const mc_spm *h, uint32_t i)
{
    return (unsigned)(atomic_load_explicit(&spm_bits(h)[i / SPM_HALF], memory_order_relaxed) >> (2u * (i % SPM_HALF))) &
           3u;
}

/* Inline here so that mc_spm_free runs validation and release as one
 * function; other callers take the exported copies below. Forced: with two
 * callers gcc kept one out-of-line copy, and the call plus the spm_loc
 * round trip through memory cost W1's free 2.5-3 cycles (docs/bench). */
SPM_FORCE_INLINE mc_status locate(const mc_spm *h, const void *p, spm_loc *loc)
{
    /* Below the base the difference wraps past the arena's end. */
    uintptr_t a = (uintptr_t)p - (uintptr_t)h->base;
    if ((a >> h->bshift) >= h->nblocks) return MC_ERR_INVALID;
    uint32_t off = (uint32_t)a, block = off >> h->bshift, within = off & ((1u << h->bshift) - 1);
    unsigned pair = pair_of(h, block);
    loc->block = block;
    loc->blocks = loc->leaf = loc->cls = 0;
    if (pair == 3u) { /* split: a region start that is in use */
        uint32_t leaf = within >> h->mshift;
        if ((leaf << h->mshift) != within || leaf == 0) return MC_ERR_INVALID;
        if (spm_region_find(h, block, leaf, &loc->cls) != leaf) return MC_ERR_INVALID;
        if (spm_load32(h, &spm_tag_of(h, block)->free) & (1u << leaf)) return MC_ERR_INVALID;
        loc->leaf = leaf;
        return MC_OK;
    }
    /* Free (stray or double free), or not a run's start: a run starts where
     * the previous block is free, split or ends another unit. That pair
     * changes in one atomic step and is read in one load, so the answer
     * holds in threaded heaps too. Block 0 is common and random: no branch
     * in the full build (a `block ? block - 1 : 0` compiled to one and
     * mispredicted on 15% of W1's frees); the minimal build branches, which
     * is 14 bytes shorter. */
    if (pair == 1u || within) return MC_ERR_INVALID;
    if (SPM_SHORTCUTS ? !((block == 0) | (pair_of(h, block - (block != 0)) != 0)) : block && !pair_of(h, block - 1))
        return MC_ERR_INVALID;
#if SPM_SHORTCUTS
    uint32_t end = spm_next_set(h, SPM_E, block); /* no branch on the run length */
    if (end >= h->nblocks) return MC_ERR_INVALID;
#else
    /* Block by block to the end mark: the core's only scan for a set bit
     * would otherwise be a word-scan copy of its own (65 bytes more). A
     * free reads one pair per block of its run; the release that follows
     * flips a word at a time. */
    uint32_t end = block;
    for (; !(pair_of(h, end) & 2u); ++end)
        if (end + 1 >= h->nblocks) return MC_ERR_INVALID;
#endif
    loc->blocks = end - block + 1;
    return MC_OK;
}

mc_status spm_locate(const mc_spm *h, const void *p, spm_loc *loc) { return locate(h, p, loc); }

mc_status mc_spm_free(mc_spm *h, void *p)
{
    if (!p) return MC_OK;
    spm_loc loc;
    /* The minimal build keeps one copy of the validation, which usable_size
     * and realloc call too (code size over call cost). */
    mc_status st = SPM_SHORTCUTS ? locate(h, p, &loc) : spm_locate(h, p, &loc);
    if (st != MC_OK) return st;
    spm_account(h, spm_loc_size(h, &loc), false);
    if (loc.blocks) {
        spm_release(h, loc.block, loc.blocks);
    } else {
        spm_region_free(h, loc.block, loc.leaf, loc.cls);
    }
    return MC_OK;
}
