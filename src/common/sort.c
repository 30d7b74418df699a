#include "common/sort.h"

#include <string.h>

void mc_sort_indices(int32_t *items, size_t count, int32_t *scratch, mc_index_compare compare,
                     const void *context)
{
    if (count < 2) return;
    if (count <= 16) { /* insertion sort: fewer moves on tiny inputs */
        for (size_t i = 1; i < count; ++i) {
            int32_t x = items[i];
            size_t j = i;
            for (; j > 0 && compare(x, items[j - 1], context) < 0; --j) items[j] = items[j - 1];
            items[j] = x;
        }
        return;
    }
    size_t half = count / 2;
    mc_sort_indices(items, half, scratch, compare, context);
    mc_sort_indices(items + half, count - half, scratch, compare, context);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < count)
        scratch[k++] = compare(items[j], items[i], context) < 0 ? items[j++] : items[i++];
    while (i < half) scratch[k++] = items[i++];
    while (j < count) scratch[k++] = items[j++];
    memcpy(items, scratch, count * sizeof(int32_t));
}
