/* The public entry points of the scratch-pad heap: layout at init, request
 * routing (regions below half a block, whole-block runs above), pointer
 * validation, realloc and statistics. */
#include "spm/spm_internal.h"

#include <string.h>

/* Runs are block-aligned; regions never need more than 64-byte alignment,
 * and a larger base alignment would only waste precious bytes. */
static size_t base_align(size_t block) { return block < 64 ? block : 64; }

static size_t fe_words(size_t blocks) { return (blocks + SPM_HALF - 1) / SPM_HALF; }

static size_t layout_bytes(size_t blocks, unsigned flags)
{
    size_t locks = (flags & SPM_THREADS) ? SPM_MAX_CLASSES : 0;
    size_t words = fe_words(blocks) + (blocks + SPM_WBITS - 1) / SPM_WBITS;
    return sizeof(mc_spm) + words * sizeof(spm_word) + locks;
}

size_t mc_spm_meta_size(size_t blocks, unsigned flags)
{
    return layout_bytes(blocks, flags) + _Alignof(mc_spm) - 1;
}

size_t mc_spm_default_block(size_t region_size)
{
    /* Small arenas lose less to block rounding with small blocks; large ones
     * want fewer bitmap words per scan. */
    if (region_size <= 16384) return 64;
    if (region_size <= 262144) return 128;
    return 256;
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
        uintptr_t data = align_up(inline_meta ? hdr + layout_bytes(n, flags) : region, base_align(block));
        size_t avail = data < end ? (size_t)(end - data) / block : 0;
        if (avail >= n) return n;
        n = avail;
    }
}

static void lay_out(mc_spm *h, uintptr_t data, size_t n, size_t block, unsigned flags)
{
    memset(h, 0, layout_bytes(n, flags));
    h->base = (uint8_t *)data;
    h->nblocks = (uint32_t)n;
    h->nwords = (uint32_t)fe_words(n);
    h->bshift = (uint8_t)spm_ceil_log2(block);
    h->mshift = (uint8_t)(h->bshift > SPM_MIN_SHIFT + 5u ? h->bshift - 5u : SPM_MIN_SHIFT);
    h->nclasses = (uint8_t)(h->bshift - h->mshift);
    h->flags = (uint8_t)flags;
    for (uint32_t k = 0; k < SPM_MAX_CLASSES; ++k) h->head[k] = SPM_NIL;
    spm_aword *f = spm_bits(h, SPM_F);
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
    if (!inline_meta && (hdr > mend || mend - hdr < layout_bytes(n, c->flags)))
        return mc_error_set(err, MC_ERR_INVALID,
                            "spm: meta area of %zu bytes too small: %zu blocks need %zu (mc_spm_meta_size)",
                            c->meta_size, n, mc_spm_meta_size(n, c->flags));
    if (n == 0)
        return mc_error_set(err, MC_ERR_INVALID,
                            "spm: region of %zu bytes too small: metadata needs %zu bytes plus one %zu-byte block",
                            size, inline_meta ? mc_spm_meta_size(1, c->flags) : 0, block);
    uintptr_t data = align_up(inline_meta ? hdr + layout_bytes(n, c->flags) : r0, base_align(block));
    mc_spm *h = (mc_spm *)hdr;
    lay_out(h, data, n, block, c->flags);
    *heap = h;
    return MC_OK;
}

static void note_peak(mc_spm *h, size_t now)
{
    size_t peak = atomic_load_explicit(&h->peak, memory_order_relaxed);
    while (now > peak && !atomic_compare_exchange_weak_explicit(&h->peak, &peak, now, memory_order_relaxed,
                                                                memory_order_relaxed)) {
    }
}

void spm_account(mc_spm *h, size_t bytes, bool alloc)
{
    if (!alloc) {
        spm_size_sub(h, &h->used, bytes);
        spm_u32_sub(h, &h->live, 1);
        return;
    }
    spm_u32_add(h, &h->live, 1);
    note_peak(h, spm_size_add(h, &h->used, bytes) + bytes);
}

static void *alloc_blocks(mc_spm *h, size_t n, uint32_t step, uint32_t phase)
{
    uint32_t s = spm_take_blocks(h, (uint32_t)n, step, phase);
    if (s == SPM_NIL && (h->flags & MC_SPM_DEFERRED)) {
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
        void *p = spm_region_alloc(h, cls);
        if (p) spm_account(h, (size_t)1 << (h->mshift + cls), true);
        return p;
    }
    if (size > ((size_t)h->nblocks << h->bshift)) return NULL;
    return alloc_blocks(h, (size + block - 1) >> h->bshift, 1, 0);
}

void *mc_spm_alloc_aligned(mc_spm *h, size_t alignment, size_t size)
{
    if (alignment == 0 || (alignment & (alignment - 1)) || size == 0) return NULL;
    size_t block = spm_block_size(h);
    if (alignment <= base_align(block)) return mc_spm_alloc(h, size > alignment ? size : alignment);
    /* Only block starts can carry more; which ones do depends on the base. */
    size_t r = (uintptr_t)h->base & (alignment - 1);
    if (r & (block - 1)) return NULL;
    if (size > ((size_t)h->nblocks << h->bshift)) return NULL;
    uint32_t step = alignment > block ? (uint32_t)(alignment >> h->bshift) : 1;
    uint32_t phase = (uint32_t)(((alignment - r) & (alignment - 1)) >> h->bshift);
    return alloc_blocks(h, (size + block - 1) >> h->bshift, step, phase);
}

/* A run starts where the previous block is free or ends another unit. That
 * pair of bits changes in one atomic step and is read here in one load, so
 * the answer holds in threaded heaps too. */
static bool run_starts_at(const mc_spm *h, uint32_t block)
{
    if (block == 0) return true;
    spm_word f, e;
    spm_bit_at(h, SPM_E, block - 1, &e);
    spm_word w = atomic_load_explicit(spm_bit_at(h, SPM_F, block - 1, &f), memory_order_relaxed);
    return (w & (f | e)) != 0;
}

mc_status spm_locate(const mc_spm *h, const void *p, spm_loc *loc)
{
    uintptr_t a = (uintptr_t)p, b0 = (uintptr_t)h->base;
    if (a < b0 || ((a - b0) >> h->bshift) >= h->nblocks) return MC_ERR_INVALID;
    uint32_t off = (uint32_t)(a - b0);
    uint32_t block = off >> h->bshift, within = off & ((1u << h->bshift) - 1);
    if (spm_bit(h, SPM_F, block)) return MC_ERR_INVALID; /* free block: stray or double free */
    loc->block = block;
    if (spm_bit(h, SPM_P, block)) {
        uint32_t leaf = within >> h->mshift;
        if ((within & ((1u << h->mshift) - 1)) || leaf == 0) return MC_ERR_INVALID;
        if (spm_region_find(h, block, leaf, &loc->cls) != leaf) return MC_ERR_INVALID;
        if (spm_load32(h, &spm_tag_of(h, block)->free) & (1u << leaf)) return MC_ERR_INVALID;
        loc->leaf = leaf;
        loc->blocks = 0;
        return MC_OK;
    }
    if (within || !run_starts_at(h, block)) return MC_ERR_INVALID;
    uint32_t end = spm_next_set(h, SPM_E, block);
    if (end >= h->nblocks) return MC_ERR_INVALID;
    loc->blocks = end - block + 1;
    loc->leaf = loc->cls = 0;
    return MC_OK;
}

static size_t loc_size(const mc_spm *h, const spm_loc *loc)
{
    return loc->blocks ? (size_t)loc->blocks << h->bshift : (size_t)1 << (h->mshift + loc->cls);
}

static void free_located(mc_spm *h, const spm_loc *loc)
{
    spm_account(h, loc_size(h, loc), false);
    if (loc->blocks) {
        spm_release(h, loc->block, loc->blocks);
    } else {
        spm_region_free(h, loc->block, loc->leaf, loc->cls);
    }
}

mc_status mc_spm_free(mc_spm *h, void *p)
{
    if (!p) return MC_OK;
    spm_loc loc;
    mc_status st = spm_locate(h, p, &loc);
    if (st == MC_OK) free_located(h, &loc);
    return st;
}

size_t mc_spm_usable_size(const mc_spm *h, const void *p)
{
    spm_loc loc;
    if (!p || spm_locate(h, p, &loc) != MC_OK) return 0;
    return loc_size(h, &loc);
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
    size_t delta = (size_t)(want > have ? want - have : have - want) << h->bshift;
    if (want > have) note_peak(h, spm_size_add(h, &h->used, delta) + delta);
    else spm_size_sub(h, &h->used, delta);
    return true;
}

void *mc_spm_realloc(mc_spm *h, void *p, size_t size)
{
    if (!p) return mc_spm_alloc(h, size);
    spm_loc loc;
    if (spm_locate(h, p, &loc) != MC_OK) return NULL;
    if (size == 0) {
        free_located(h, &loc);
        return NULL;
    }
    size_t block = spm_block_size(h), old = loc_size(h, &loc);
    if (loc.blocks && size > block / 2 && size <= ((size_t)h->nblocks << h->bshift) &&
        resize_run(h, &loc, (uint32_t)((size + block - 1) >> h->bshift)))
        return p;
    /* A region keeps its place while the request still needs its class. */
    if (!loc.blocks && size <= old && (loc.cls == 0 || size > old / 2)) return p;
    void *q = mc_spm_alloc(h, size);
    if (!q) return NULL;
    memcpy(q, p, old < size ? old : size);
    free_located(h, &loc);
    return q;
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
    s->metadata_bytes = layout_bytes(h->nblocks, h->flags);
    for (uint32_t b = spm_next_set(h, SPM_F, 0); b < h->nblocks;) {
        uint32_t e = spm_next_clear(h, SPM_F, b);
        size_t run = (size_t)(e - b) << h->bshift;
        if (run > s->largest_free) s->largest_free = run;
        b = spm_next_set(h, SPM_F, e);
    }
}

void mc_spm_coalesce(mc_spm *h) { spm_coalesce_all(h); }
