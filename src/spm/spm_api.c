/* The entry points beyond alloc and free: aligned allocation, realloc,
 * usable size, statistics and explicit coalescing. None of them is on the
 * alloc/free fast path, so they live outside the core files. */
#include "spm/spm_internal.h"

#include <string.h>

void *mc_spm_alloc_aligned(mc_spm *h, size_t alignment, size_t size)
{
    if (alignment == 0 || (alignment & (alignment - 1)) || size == 0) return NULL;
    size_t block = spm_block_size(h);
    if (alignment <= spm_base_align(block)) return mc_spm_alloc(h, size > alignment ? size : alignment);
    /* Only block starts can carry more; which ones do depends on the base. */
    size_t r = (uintptr_t)h->base & (alignment - 1);
    if (r & (block - 1)) return NULL;
    if (size > ((size_t)h->nblocks << h->bshift)) return NULL;
    uint32_t step = alignment > block ? (uint32_t)(alignment >> h->bshift) : 1;
    uint32_t phase = (uint32_t)(((alignment - r) & (alignment - 1)) >> h->bshift);
    return spm_alloc_blocks(h, (size + block - 1) >> h->bshift, step, phase);
}


size_t mc_spm_usable_size(const mc_spm *h, const void *p)
{
    spm_loc loc;
    if (!p || spm_locate(h, p, &loc) != MC_OK) return 0;
    return spm_loc_size(h, &loc);
}


/* Moves the end mark of a run and gives back or claims the difference. */
static bool resize_run(mc_spm *h, const spm_loc *loc, uint32_t want)
{
    uint32_t b = loc->block, have = loc->blocks;
    if (want > have && (b + want > h->nblocks || !spm_claim(h, b + have, want - have))) return false;
    if (want > have) {
        spm_bit_set(h, SPM_E, b + have - 1, false); /* the claim marked the new end */
    } else if (want < have) {
        spm_bit_set(h, SPM_E, b + want - 1, true);
        spm_release(h, b + want, have - want); /* drops the old end mark */
    }
    uint32_t delta = (want > have ? want - have : have - want) << h->bshift;
    if (want > have) spm_note_peak(h, spm_u32_add(h, &h->used, delta) + delta);
    else spm_u32_sub(h, &h->used, delta);
    return true;
}

void *mc_spm_realloc(mc_spm *h, void *p, size_t size)
{
    if (!p) return mc_spm_alloc(h, size);
    spm_loc loc;
    if (spm_locate(h, p, &loc) != MC_OK) return NULL;
    if (size == 0) {
        mc_spm_free(h, p); /* validated above: cannot fail */
        return NULL;
    }
    size_t block = spm_block_size(h), old = spm_loc_size(h, &loc);
    if (loc.blocks && size > block / 2 && size <= ((size_t)h->nblocks << h->bshift) &&
        resize_run(h, &loc, (uint32_t)((size + block - 1) >> h->bshift)))
        return p;
    /* A region keeps its place while the request still needs its class. */
    if (!loc.blocks && size <= old && (loc.cls == 0 || size > old / 2)) return p;
    void *q = mc_spm_alloc(h, size);
    if (!q) return NULL;
    memcpy(q, p, old < size ? old : size);
    mc_spm_free(h, p); /* validated above: cannot fail */
    return q;
}

/* The longest free run, counting an empty spare block as free: a run
 * request that needs it gets it. */
static size_t largest_free_run(const mc_spm *h)
{
    uint32_t best = 0;
    for (uint32_t b = spm_next_set(h, SPM_F, 0); b < h->nblocks;) {
        uint32_t e = spm_next_clear(h, SPM_F, b);
        if (e - b > best) best = e - b;
        b = spm_next_set(h, SPM_F, e);
    }
    if (spm_spare_empty(h)) {
        uint32_t lo = h->spare, hi = spm_next_clear(h, SPM_F, lo + 1);
        while (lo > 0 && spm_bit(h, SPM_F, lo - 1)) --lo;
        if (hi - lo > best) best = hi - lo;
    }
    return (size_t)best << h->bshift;
}

void mc_spm_get_stats(const mc_spm *h, mc_spm_stats *s)
{
    memset(s, 0, sizeof *s);
    s->block_size = spm_block_size(h);
    s->capacity = (size_t)h->nblocks << h->bshift;
    s->used_bytes = atomic_load_explicit(&h->used, memory_order_relaxed);
    s->peak_used = atomic_load_explicit(&h->peak, memory_order_relaxed);
    s->live = atomic_load_explicit(&h->live, memory_order_relaxed);
    s->free_bytes = s->capacity - s->used_bytes;
    s->metadata_bytes = spm_layout_bytes(h->nblocks, h->flags);
    s->largest_free = largest_free_run(h);
}

void mc_spm_coalesce(mc_spm *h) { spm_coalesce_all(h); }
