#include "heuristics/radix.h"

#include <stdlib.h>
#include <string.h>

typedef struct keyed { uint64_t key; int32_t id; } keyed;

enum { DIGIT_BITS = 11, DIGITS = 1 << DIGIT_BITS };

static void pass(const keyed *src, keyed *dst, size_t n, unsigned shift)
{
    size_t count[DIGITS];
    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; ++i) count[(src[i].key >> shift) & (DIGITS - 1)]++;
    size_t sum = 0;
    for (size_t d = 0; d < DIGITS; ++d) {
        size_t c = count[d];
        count[d] = sum;
        sum += c;
    }
    for (size_t i = 0; i < n; ++i) dst[count[(src[i].key >> shift) & (DIGITS - 1)]++] = src[i];
}

bool mc_radix_sort(int32_t *ids, const int64_t *keys, size_t n, bool descending)
{
    if (n < 2) return true;
    keyed *a = malloc(n * sizeof(keyed)), *b = malloc(n * sizeof(keyed));
    if (!a || !b) {
        free(a);
        free(b);
        return false;
    }
    int64_t lo = keys[0], hi = keys[0];
    for (size_t i = 1; i < n; ++i) {
        if (keys[i] < lo) lo = keys[i];
        if (keys[i] > hi) hi = keys[i];
    }
    /* Offsets from the extreme key keep the number of passes to the range. */
    for (size_t i = 0; i < n; ++i) {
        uint64_t k = descending ? (uint64_t)hi - (uint64_t)keys[i] : (uint64_t)keys[i] - (uint64_t)lo;
        a[i] = (keyed){k, ids[i]};
    }
    uint64_t range = (uint64_t)hi - (uint64_t)lo;
    for (unsigned shift = 0; shift < 64 && (range >> shift) != 0; shift += DIGIT_BITS) {
        pass(a, b, n, shift);
        keyed *t = a;
        a = b;
        b = t;
    }
    for (size_t i = 0; i < n; ++i) ids[i] = a[i].id;
    free(a);
    free(b);
    return true;
}
