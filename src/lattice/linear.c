/* Canonical linearizations (De Greef, Catthoor, De Man): sigma(x) = a.x mod
 * S with a the row- or column-major strides of some axis order and signs,
 * S = 1 + max |a.x| over DS. Extents are read off DS (1 + max |x_axis|), so
 * mixed-radix uniqueness makes a.x nonzero on every nonzero DS point. */
#include <string.h>

#include "common/clock.h"
#include "lattice/lattice_internal.h"

__extension__ typedef __int128 i128;

/* Rough cost ceiling: beyond it the method says "unsupported" instead of
 * running for minutes. */
#define WORK_LIMIT 2e9

static bool next_permutation(size_t *p, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && p[i - 1] >= p[i]) --i;
    if (i == 0) return false;
    size_t j = n - 1;
    while (p[j] <= p[i - 1]) --j;
    size_t t = p[i - 1];
    p[i - 1] = p[j], p[j] = t;
    for (size_t a = i, b = n - 1; a < b; ++a, --b) t = p[a], p[a] = p[b], p[b] = t;
    return true;
}

/* 1 + max |a.x| over DS, or 0 when it overflows int64. */
static int64_t linear_size(const mc_lattice_set *set, const int64_t *a)
{
    i128 widest = 0;
    for (size_t p = 0; p < set->half; ++p) {
        const int64_t *x = mc_lat_point(set, p);
        i128 v = 0;
        for (size_t i = 0; i < set->n; ++i) v += (i128)a[i] * x[i];
        if (v < 0) v = -v;
        if (v > widest) widest = v;
    }
    return widest >= INT64_MAX ? 0 : (int64_t)widest + 1;
}

/* Strides for `order` (outermost first) with sign bits `signs`; false on
 * overflow. */
static bool strides(size_t n, const size_t *order, const int64_t *extent, unsigned signs, int64_t *a)
{
    int64_t stride = 1;
    for (size_t k = n; k-- > 0;) {
        size_t axis = order[k];
        a[axis] = (signs >> k) & 1u ? -stride : stride;
        if (k > 0 && __builtin_mul_overflow(stride, extent[axis], &stride)) return false;
    }
    return true;
}

mc_status mc_lattice_linear(const mc_lattice_set *set, mc_lattice_result *result, mc_error *err)
{
    double t0 = mc_clock_seconds();
    size_t n = set->n;
    double work = (double)set->half * (double)n * (double)(1u << (n - 1));
    for (size_t k = 2; k <= n; ++k) work *= (double)k;
    if (work > WORK_LIMIT)
        return mc_error_set(err, MC_ERR_UNSUPPORTED,
                            "linearization: %zu axes and %zu points need about %.0e steps; use --method=modulo or lll",
                            n, set->half, work);
    int64_t extent[MC_LAT_D] = {0};
    for (size_t p = 0; p < set->half; ++p)
        for (size_t i = 0; i < n; ++i) {
            int64_t v = mc_lat_point(set, p)[i];
            if ((v < 0 ? -v : v) >= extent[i]) extent[i] = (v < 0 ? -v : v) + 1;
        }
    size_t order[MC_LAT_D], best_inner = 0;
    int64_t best_a[MC_LAT_D], best_size = 0;
    for (size_t i = 0; i < n; ++i) order[i] = i;
    do {
        /* The outermost sign is fixed: a and -a give the same allocation. */
        for (unsigned signs = 0; signs < (1u << n); signs += 2) {
            int64_t a[MC_LAT_D], size;
            if (!strides(n, order, extent, signs, a) || (size = linear_size(set, a)) == 0) continue;
            if (best_size == 0 || size < best_size) {
                best_size = size, best_inner = order[n - 1];
                memcpy(best_a, a, sizeof a);
            }
        }
    } while (next_permutation(order, n));
    if (best_size == 0)
        return mc_error_set(err, MC_ERR_OVERFLOW, "linearization: every stride vector overflows int64");
    /* Kernel of x -> a.x mod S, where a[inner] = +-1 is its own inverse. */
    int64_t basis[MC_LAT_D * MC_LAT_D] = {0};
    for (size_t i = 0; i < n; ++i) {
        if (i == best_inner) {
            basis[MC_LAT_AT(i, i)] = best_size;
            continue;
        }
        basis[MC_LAT_AT(i, i)] = 1;
        basis[MC_LAT_AT(best_inner, i)] = -best_a[i] * best_a[best_inner];
    }
    return mc_lat_finish(set, basis, MC_LATTICE_LINEAR, t0, result, err);
}
