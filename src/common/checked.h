/* Overflow-checked int64 arithmetic: every sum the library forms from user
 * numbers goes through these, so overflow becomes an error, not a wrap. */
#ifndef MC_COMMON_CHECKED_H
#define MC_COMMON_CHECKED_H

#include <stdbool.h>
#include <stdint.h>

/* Returns false (and leaves *out unspecified) when a + b overflows. */
static inline bool mc_add_i64(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}

static inline bool mc_mul_i64(int64_t a, int64_t b, int64_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* The smallest multiple of `alignment` (>= 1) that is >= value (>= 0).
 * Saturates at INT64_MAX rounded down, which callers treat as "too big". */
static inline int64_t mc_align_up(int64_t value, int64_t alignment)
{
    int64_t rem = value % alignment;
    if (rem == 0) return value;
    int64_t out;
    if (!mc_add_i64(value, alignment - rem, &out)) return INT64_MAX - INT64_MAX % alignment;
    return out;
}

/* Greatest common divisor of non-negative a and b; gcd(0, 0) = 0. */
static inline int64_t mc_gcd_i64(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

#endif
