/* Heap creation: checks the configuration, fits as many blocks as the
 * region (and meta area) allow, and lays out the header and bitmaps. Kept
 * apart from the alloc/free core, which never needs any of it. */
#include "spm/spm_internal.h"

#include <string.h>

static size_t fe_words(size_t blocks) { return (blocks + SPM_HALF - 1) / SPM_HALF; }

size_t spm_layout_bytes(size_t blocks, unsigned flags)
{
    size_t locks = (flags & SPM_THREADS) ? SPM_MAX_CLASSES : 0;
    size_t words = fe_words(blocks);
    return sizeof(mc_spm) + words * sizeof(spm_word) + locks;
}

size_t mc_spm_meta_size(size_t blocks, unsigned flags)
{
    return spm_layout_bytes(blocks, flags) + _Alignof(mc_spm) - 1;
}

size_t mc_spm_default_block(size_t region_size)
{
    /* Up to 16 KiB, blocks of 64 keep enough blocks for whole-block
     * requests. Above, 256 is the only size whose minimum region is still
     * 8 bytes with all five classes (8..128 B), so objects up to 128 B never
     * take a whole block; it also halves the bitmap against 128 and makes
     * W1's 128-byte requests list pops (docs/bench/spm.md, "Block size"). */
    return region_size <= 16384 ? 64 : 256;
}

static uintptr_t align_up(uintptr_t v, size_t a) { return (v + (a - 1)) & ~(uintptr_t)(a - 1); }

static mc_status check_config(size_t block, unsigned flags, mc_error *err)
{
    if (block < MC_SPM_BLOCK_MIN || block > MC_SPM_BLOCK_MAX || (block & (block - 1)))
        return mc_error_set(err, MC_ERR_INVALID,
                            "spm: block size %zu must be a power of two in [%u, %u]", block,
                            MC_SPM_BLOCK_MIN, MC_SPM_BLOCK_MAX);
    if (flags & ~(unsigned)(MC_SPM_DEFERRED | SPM_THREADS))
        return mc_error_set(err, MC_ERR_INVALID, "spm: unknown flag bits 0x%x", flags);
    if (flags & ~SPM_SUPPORTED)
        return mc_error_set(err, MC_ERR_UNSUPPORTED,
                            "spm: flags 0x%x need the full build (this one has MC_SPM_MINIMAL: one thread, eager)",
                            flags);
    if ((flags & SPM_THREADS) == SPM_THREADS)
        return mc_error_set(err, MC_ERR_INVALID,
                            "spm: MC_SPM_THREADS_COARSE and MC_SPM_THREADS_FINE exclude each other");
    return MC_OK;
}

/* The largest block count whose metadata and blocks both fit. Metadata grows
 * with the count, so shrinking the guess until it fits converges. */
static size_t fit_blocks(uintptr_t hdr, uintptr_t region, uintptr_t end, size_t block, unsigned flags,
                         bool inline_meta)
{
    size_t n = (size_t)(end - region) / block;
    size_t cap = ((size_t)UINT32_MAX - block) / block; /* offsets fit in uint32 */
    if (n > cap) n = cap;
    for (;;) {
        uintptr_t data = align_up(inline_meta ? hdr + spm_layout_bytes(n, flags) : region, spm_base_align(block));
        size_t avail = data < end ? (size_t)(end - data) / block : 0;
        if (avail >= n) return n;
        n = avail;
    }
}

static void lay_out(mc_spm *h, uintptr_t data, size_t n, size_t block, unsigned flags)
{
    memset(h, 0, spm_layout_bytes(n, flags));
    h->base = (uint8_t *)data;
    h->nblocks = (uint32_t)n;
    h->nwords = (uint32_t)fe_words(n);
    h->bshift = (uint8_t)spm_ceil_log2(block);
    h->mshift = (uint8_t)(h->bshift > SPM_MIN_SHIFT + 5u ? h->bshift - 5u : SPM_MIN_SHIFT);
    h->nclasses = (uint8_t)(h->bshift - h->mshift);
    h->flags = (uint8_t)flags;
    for (uint32_t k = 0; k < SPM_MAX_CLASSES; ++k) h->head[k] = SPM_NIL;
    h->spare = SPM_NIL;
    spm_aword *f = spm_bits(h);
    for (uint32_t w = 0; w < h->nwords; ++w) {
        uint32_t left = h->nblocks - w * SPM_HALF;
        spm_word v = left >= SPM_HALF ? ~(spm_word)0 : (((spm_word)1 << (2 * left)) - 1);
        atomic_store_explicit(&f[w], v & SPM_EVEN, memory_order_relaxed);
    }
}

mc_status mc_spm_init(mc_spm **heap, void *region, size_t size, const mc_spm_config *config, mc_error *err)
{
    static const mc_spm_config defaults = {0, 0, NULL, 0};
    if (!heap || !region) return mc_error_set(err, MC_ERR_INVALID, "spm: heap and region must not be NULL");
    *heap = NULL;
    const mc_spm_config *c = config ? config : &defaults;
    size_t block = c->block_size ? c->block_size : mc_spm_default_block(size);
    mc_status st = check_config(block, c->flags, err);
    if (st != MC_OK) return st;
    uintptr_t r0 = (uintptr_t)region;
    if (size > UINTPTR_MAX - r0) return mc_error_set(err, MC_ERR_INVALID, "spm: region wraps the address space");
    bool inline_meta = c->meta == NULL;
    uintptr_t m0 = inline_meta ? r0 : (uintptr_t)c->meta;
    uintptr_t mend = inline_meta ? r0 + size : m0 + c->meta_size;
    uintptr_t hdr = align_up(m0, _Alignof(mc_spm));
    size_t n = fit_blocks(hdr, r0, r0 + size, block, c->flags, inline_meta);
    if (!inline_meta && (hdr > mend || mend - hdr < spm_layout_bytes(n, c->flags)))
        return mc_error_set(err, MC_ERR_INVALID,
                            "spm: meta area of %zu bytes too small: %zu blocks need %zu (mc_spm_meta_size)",
                            c->meta_size, n, mc_spm_meta_size(n, c->flags));
    if (n == 0)
        return mc_error_set(err, MC_ERR_INVALID,
                            "spm: region of %zu bytes too small: metadata needs %zu bytes plus one %zu-byte block",
                            size, inline_meta ? mc_spm_meta_size(1, c->flags) : 0, block);
    uintptr_t data = align_up(inline_meta ? hdr + spm_layout_bytes(n, c->flags) : r0, spm_base_align(block));
    /* On a block boundary every alignment up to the arena size is some block
     * start's, so take one whenever the slack allows it without a block. */
    uintptr_t on_block = align_up(data, block);
    if (on_block <= r0 + size && (r0 + size - on_block) / block >= n) data = on_block;
    mc_spm *h = (mc_spm *)hdr;
    lay_out(h, data, n, block, c->flags);
    *heap = h;
    return MC_OK;
}

