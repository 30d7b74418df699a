/* The alloc/free core: request routing (regions up to half a block,
 * whole-block runs above), pointer validation and the counters. */
#include "spm/spm_internal.h"

void spm_note_peak(mc_spm *h, uint32_t now)
{
    uint32_t peak = atomic_load_explicit(&h->peak, memory_order_relaxed);
    if (!spm_threaded(h)) {
        if (now > peak) atomic_store_explicit(&h->peak, now, memory_order_relaxed);
        return;
    }
    while (now > peak && !atomic_compare_exchange_weak_explicit(&h->peak, &peak, now, memory_order_relaxed,
                                                                memory_order_relaxed)) {
    }
}

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

void *spm_alloc_blocks(mc_spm *h, size_t n, uint32_t step, uint32_t phase)
{
    uint32_t s = spm_take_blocks(h, (uint32_t)n, step, phase);
    if (s == SPM_NIL && SPM_SHORTCUTS && spm_drop_spare(h)) s = spm_take_blocks(h, (uint32_t)n, step, phase);
    if (s == SPM_NIL && spm_has(h, MC_SPM_DEFERRED)) {
        spm_coalesce_all(h);
        s = spm_take_blocks(h, (uint32_t)n, step, phase);
    }
    if (s == SPM_NIL) return NULL;
    spm_account(h, n << h->bshift, true);
    return h->base + ((size_t)s << h->bshift);
}

static uint32_t class_of(const mc_spm *h, size_t size)
{
    uint32_t lg = spm_ceil_log2(size);
    return lg <= h->mshift ? 0 : lg - h->mshift;
}

void *mc_spm_alloc(mc_spm *h, size_t size)
{
    size_t block = spm_block_size(h);
    if (size == 0) return NULL;
    if (size <= block / 2) {
        uint32_t cls = class_of(h, size);
        void *p = SPM_SHORTCUTS && !spm_threaded(h) ? spm_pop_exact(h, cls) : NULL;
        if (!p) p = spm_region_alloc(h, cls);
        if (p) spm_account(h, (size_t)1 << (h->mshift + cls), true);
        return p;
    }
    if (size > ((size_t)h->nblocks << h->bshift)) return NULL;
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

/* A run starts where the previous block is free or ends another unit. That
 * pair of bits changes in one atomic step and is read here in one load, so
 * the answer holds in threaded heaps too. */
static bool run_starts_at(const mc_spm *h, uint32_t block)
{
    /* Block 0 is common and random: no branch (a `block ? block - 1 : 0`
     * compiled to one and mispredicted on 15% of W1's frees). */
    uint32_t prev = block - (block != 0);
    spm_word f, e;
    spm_bit_at(h, SPM_E, prev, &e);
    spm_word w = atomic_load_explicit(spm_bit_at(h, SPM_F, prev, &f), memory_order_relaxed);
    return (block == 0) | ((w & (f | e)) != 0);
}

/* Inline here so that mc_spm_free runs validation and release as one
 * function; other callers take the exported copies below. Forced: with two
 * callers gcc kept one out-of-line copy, and the call plus the spm_loc
 * round trip through memory cost W1's free 2.5-3 cycles (docs/bench). */
SPM_FORCE_INLINE mc_status locate(const mc_spm *h, const void *p, spm_loc *loc)
{
    uintptr_t a = (uintptr_t)p, b0 = (uintptr_t)h->base;
    if (a < b0 || ((a - b0) >> h->bshift) >= h->nblocks) return MC_ERR_INVALID;
    uint32_t off = (uint32_t)(a - b0);
    uint32_t block = off >> h->bshift, within = off & ((1u << h->bshift) - 1);
    /* One load gives the block's whole state (bit 0 F, bit 1 E). */
    spm_word w = atomic_load_explicit(&spm_bits(h)[block / SPM_HALF], memory_order_relaxed);
    unsigned pair = (unsigned)(w >> (2u * (block % SPM_HALF))) & 3u;
    if (pair == 1u) return MC_ERR_INVALID; /* free block: stray or double free */
    loc->block = block;
    if (pair == 3u) {
        uint32_t leaf = within >> h->mshift;
        if ((within & ((1u << h->mshift) - 1)) || leaf == 0) return MC_ERR_INVALID;
        if (spm_region_find(h, block, leaf, &loc->cls) != leaf) return MC_ERR_INVALID;
        if (spm_load32(h, &spm_tag_of(h, block)->free) & (1u << leaf)) return MC_ERR_INVALID;
        loc->leaf = leaf;
        loc->blocks = 0;
        return MC_OK;
    }
    if (within || !run_starts_at(h, block)) return MC_ERR_INVALID;
    uint32_t end = spm_next_set(h, SPM_E, block); /* no branch on the run length */
    if (end >= h->nblocks) return MC_ERR_INVALID;
    loc->blocks = end - block + 1;
    loc->leaf = loc->cls = 0;
    return MC_OK;
}

mc_status spm_locate(const mc_spm *h, const void *p, spm_loc *loc) { return locate(h, p, loc); }

size_t spm_loc_size(const mc_spm *h, const spm_loc *loc)
{
    return loc->blocks ? (size_t)loc->blocks << h->bshift : (size_t)1 << (h->mshift + loc->cls);
}

SPM_FORCE_INLINE void free_located(mc_spm *h, const spm_loc *loc)
{
    spm_account(h, spm_loc_size(h, loc), false);
    if (loc->blocks) {
        spm_release(h, loc->block, loc->blocks);
    } else {
        spm_region_free(h, loc->block, loc->leaf, loc->cls);
    }
}

void spm_free_located(mc_spm *h, const spm_loc *loc) { free_located(h, loc); }

mc_status mc_spm_free(mc_spm *h, void *p)
{
    if (!p) return MC_OK;
    spm_loc loc;
    /* The minimal build keeps one copy of each (code size over call cost). */
    mc_status st = SPM_SHORTCUTS ? locate(h, p, &loc) : spm_locate(h, p, &loc);
    if (st != MC_OK) return st;
    if (SPM_SHORTCUTS) free_located(h, &loc);
    else spm_free_located(h, &loc);
    return MC_OK;
}

