/* The invariant checker: recomputes everything the heap believes from the
 * bitmaps, the coalesce tags and the free lists, and names the first thing
 * that disagrees. Tests call it after every operation, so it must never
 * trust a link it has not bounded. */
#include "spm/spm_internal.h"

typedef struct tally {
    size_t used;
    uint32_t live;
    uint32_t free_regions[SPM_MAX_CLASSES];
} tally;

static mc_status check_header(const mc_spm *h, mc_error *err)
{
    if (h->mshift < SPM_MIN_SHIFT || h->bshift < h->mshift || h->nclasses != h->bshift - h->mshift ||
        h->nclasses < 2 || h->nclasses > SPM_MAX_CLASSES)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: header shifts %u/%u/%u are inconsistent",
                            h->bshift, h->mshift, h->nclasses);
    if (h->nwords != (h->nblocks + SPM_HALF - 1) / SPM_HALF || h->nblocks == 0)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: %u bitmap words for %u blocks", h->nwords,
                            h->nblocks);
    return MC_OK;
}

static mc_status check_bits(const mc_spm *h, mc_error *err)
{
    spm_word tail = atomic_load_explicit(&spm_bits(h)[h->nwords - 1], memory_order_relaxed);
    if (h->nblocks % SPM_HALF && tail >> (2u * (h->nblocks % SPM_HALF)))
        return mc_error_set(err, MC_ERR_INVALID, "spm check: bitmaps have bits past block %u", h->nblocks);
    uint32_t hint = atomic_load_explicit(&h->hint, memory_order_relaxed);
    uint32_t first = spm_next_set(h, SPM_F, 0);
    if (!spm_threaded(h) && first < h->nblocks && first / SPM_HALF < hint)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: free block %u lies before hint word %u", first, hint);
    /* Every bit pair names a state, so pairs are checked in context, by
     * check_units. */
    return MC_OK;
}

/* Tag shape: split nodes form a tree containing the spine; free bits sit
 * exactly on region starts; eager heaps leave no mergeable pair and no
 * empty block. */
static mc_status check_tag(const mc_spm *h, uint32_t b, tally *t, mc_error *err)
{
    const spm_tag *tag = spm_tag_of(h, b);
    uint32_t split = spm_load32(h, &tag->split), fr = spm_load32(h, &tag->free);
    uint32_t L = spm_leaves(h), spine = spm_empty_pattern(h);
    if ((split & 1u) || (L < 32 && (split >> L)) || (split & spine) != spine)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: block %u: split bits 0x%x malformed", b, split);
    for (uint32_t n = 2; n < L; ++n)
        if (((split >> n) & 1u) && !((split >> (n / 2)) & 1u))
            return mc_error_set(err, MC_ERR_INVALID, "spm check: block %u: node %u split under unsplit parent",
                                b, n);
    uint32_t starts = 0;
    for (uint32_t i = 0, k; i < L; i += 1u << k) {
        if (spm_region_find(h, b, i, &k) != i)
            return mc_error_set(err, MC_ERR_INVALID, "spm check: block %u: leaf %u misaligned region", b, i);
        starts |= 1u << i;
        if (!((fr >> i) & 1u)) {
            if (i) t->used += (size_t)1 << (h->mshift + k), ++t->live;
            continue;
        }
        t->free_regions[k]++;
        uint32_t bk, buddy = i ^ (1u << k);
        if (!spm_has(h, MC_SPM_DEFERRED) && k + 1 < h->nclasses && ((fr >> buddy) & 1u) &&
            spm_region_find(h, b, buddy, &bk) == buddy && bk == k)
            return mc_error_set(err, MC_ERR_INVALID, "spm check: block %u: free buddies at leaves %u and %u",
                                b, i, buddy);
    }
    if ((fr & ~starts) || (fr & 1u))
        return mc_error_set(err, MC_ERR_INVALID, "spm check: block %u: free bits 0x%x off region starts 0x%x",
                            b, fr, starts);
    if (!spm_has(h, MC_SPM_DEFERRED) && split == spine && fr == spine && b != h->spare)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: block %u is empty but still split", b);
    return MC_OK;
}

static mc_status check_units(const mc_spm *h, tally *t, mc_error *err)
{
    for (uint32_t b = 0; b < h->nblocks;) {
        if (spm_bit(h, SPM_F, b)) {
            ++b;
            continue;
        }
        if (spm_bit(h, SPM_P, b)) {
            mc_status st = check_tag(h, b, t, err);
            if (st != MC_OK) return st;
            ++b;
            continue;
        }
        uint32_t e = spm_next_set(h, SPM_E, b);
        if (e >= h->nblocks)
            return mc_error_set(err, MC_ERR_INVALID, "spm check: run at block %u has no end mark", b);
        for (uint32_t i = b; i <= e; ++i)
            if (spm_bit(h, SPM_F, i) || spm_bit(h, SPM_P, i))
                return mc_error_set(err, MC_ERR_INVALID, "spm check: run %u..%u contains block %u that is free or split",
                                    b, e, i);
        t->used += (size_t)(e - b + 1) << h->bshift;
        ++t->live;
        b = e + 1;
    }
    return MC_OK;
}

static mc_status check_list(const mc_spm *h, uint32_t k, uint32_t expect, mc_error *err)
{
    uint32_t prev = SPM_NIL, count = 0, align = (1u << (h->mshift + k)) - 1;
    for (uint32_t off = h->head[k]; off != SPM_NIL; ++count) {
        uint32_t block = off >> h->bshift, cls, leaf = (off & ((1u << h->bshift) - 1)) >> h->mshift;
        if (count >= expect || block >= h->nblocks || (off & align) || !spm_bit(h, SPM_P, block) ||
            spm_region_find(h, block, leaf, &cls) != leaf || cls != k ||
            !((spm_load32(h, &spm_tag_of(h, block)->free) >> leaf) & 1u))
            return mc_error_set(err, MC_ERR_INVALID,
                                "spm check: free list %u entry %u (offset %u) is not a free class-%u region", k,
                                count, off, k);
        const spm_link *l = (const spm_link *)(const void *)(h->base + off);
        if (l->prev != prev)
            return mc_error_set(err, MC_ERR_INVALID, "spm check: free list %u offset %u: back link %u, expected %u",
                                k, off, l->prev, prev);
        prev = off;
        off = l->next;
    }
    if (count != expect)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: free list %u holds %u regions, tags say %u", k, count,
                            expect);
    return MC_OK;
}

mc_status mc_spm_check(const mc_spm *h, mc_error *err)
{
    if (!h) return mc_error_set(err, MC_ERR_INVALID, "spm check: NULL heap");
    tally t = {0, 0, {0}};
    mc_status st = check_header(h, err);
    if (st == MC_OK) st = check_bits(h, err);
    if (st == MC_OK) st = check_units(h, &t, err);
    for (uint32_t k = 0; st == MC_OK && k < SPM_MAX_CLASSES; ++k)
        st = k < h->nclasses ? check_list(h, k, t.free_regions[k], err)
                             : (h->head[k] == SPM_NIL ? MC_OK
                                                      : mc_error_set(err, MC_ERR_INVALID,
                                                                     "spm check: unused list %u not empty", k));
    if (st != MC_OK) return st;
    size_t used = atomic_load_explicit(&h->used, memory_order_relaxed);
    uint32_t live = atomic_load_explicit(&h->live, memory_order_relaxed);
    if (used != t.used || live != t.live || atomic_load_explicit(&h->peak, memory_order_relaxed) < used)
        return mc_error_set(err, MC_ERR_INVALID, "spm check: counters say %zu bytes in %u allocations, heap holds %zu in %u",
                            used, live, t.used, t.live);
    return MC_OK;
}
