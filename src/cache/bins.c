/* Bins hold free blocks by size class: one class per 512-byte unit below 16
 * units, then four classes per power of two (the TLSF layout). Every block
 * in a class above the request's own class is big enough, so best fit scans
 * at most one partly-fitting class and then the first non-empty one above,
 * found through the bitmap. */
#include "cache/bins.h"

static unsigned class_of(size_t size)
{
    size_t units = size >> 9;
    if (units < 16) return (unsigned)units;
    unsigned top = 63u - (unsigned)__builtin_clzll((unsigned long long)units);
    unsigned sub = (unsigned)(units >> (top - 2)) & 3u;
    unsigned index = 16u + (top - 4u) * 4u + sub;
    return index < MC_BIN_COUNT ? index : MC_BIN_COUNT - 1;
}

void mc_bins_insert(mc_bins *bins, mc_block *b)
{
    unsigned c = class_of(b->size);
    b->prev = NULL;
    b->next = bins->head[c];
    if (b->next) b->next->prev = b;
    bins->head[c] = b;
    bins->used[c / 64] |= UINT64_C(1) << (c % 64);
}

void mc_bins_remove(mc_bins *bins, mc_block *b)
{
    unsigned c = class_of(b->size);
    if (b->prev) b->prev->next = b->next;
    else bins->head[c] = b->next;
    if (b->next) b->next->prev = b->prev;
    if (!bins->head[c]) bins->used[c / 64] &= ~(UINT64_C(1) << (c % 64));
    b->prev = b->next = NULL;
}

/* The first non-empty class >= c, or MC_BIN_COUNT. */
static unsigned next_used(const mc_bins *bins, unsigned c)
{
    while (c < MC_BIN_COUNT) {
        uint64_t word = bins->used[c / 64] >> (c % 64);
        if (word) return c + (unsigned)__builtin_ctzll(word);
        c = (c / 64 + 1) * 64;
    }
    return MC_BIN_COUNT;
}

static bool better(const mc_block *candidate, const mc_block *best)
{
    if (!best) return true;
    if (candidate->size != best->size) return candidate->size < best->size;
    return candidate->addr < best->addr;
}

mc_block *mc_bins_best_fit(const mc_bins *bins, size_t size, size_t alignment)
{
    for (unsigned c = next_used(bins, class_of(size)); c < MC_BIN_COUNT; c = next_used(bins, c + 1)) {
        mc_block *best = NULL;
        for (mc_block *b = bins->head[c]; b; b = b->next)
            if (b->size >= size && b->addr % alignment == 0 && better(b, best)) {
                best = b;
                if (b->size == size) break; /* an exact fit: only the address could improve */
            }
        if (best) return best;
    }
    return NULL;
}

uint64_t mc_bins_largest(const mc_bins *bins)
{
    uint64_t best = 0;
    for (unsigned c = MC_BIN_COUNT; c-- > 0;) {
        if (!(bins->used[c / 64] >> (c % 64) & 1)) continue;
        for (const mc_block *b = bins->head[c]; b; b = b->next)
            if (b->size > best) best = b->size;
        return best;
    }
    return 0;
}
