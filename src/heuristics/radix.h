/* Stable LSD radix sort of ids by 64-bit keys: the orders and the piece
 * index sort a million items, where a comparison sort with an indirect
 * comparator costs more than all the placing in execution order. */
#ifndef MC_HEURISTICS_RADIX_H
#define MC_HEURISTICS_RADIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reorders ids[0..n) so that key(ids[i]) ascends, equal keys keeping their
 * order; keys[i] is the key of ids[i] on entry. `descending` sorts the
 * other way, still stable. Returns false only when memory ran out. */
bool mc_radix_sort(int32_t *ids, const int64_t *keys, size_t n, bool descending);

#endif
