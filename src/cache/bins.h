/* Size-class bins of free blocks for the segment policies. */
#ifndef MC_CACHE_BINS_H
#define MC_CACHE_BINS_H

#include "cache/internal.h"

void mc_bins_insert(mc_bins *bins, mc_block *block);
void mc_bins_remove(mc_bins *bins, mc_block *block);
/* The smallest free block of at least `size` bytes whose address is a
 * multiple of `alignment` (lowest address among equals), or NULL. */
mc_block *mc_bins_best_fit(const mc_bins *bins, size_t size, size_t alignment);
/* The size of the largest free block, 0 when there is none. */
uint64_t mc_bins_largest(const mc_bins *bins);

#endif
