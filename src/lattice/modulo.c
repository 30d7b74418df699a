/* Successive modulo (Lefebvre-Feautrier): read the axes in some order; the
 * modulus of an axis is 1 + the largest |x_axis| over DS points that vanish
 * on every earlier axis. The best order is a shortest path over subsets of
 * axes, because each modulus depends only on the set read before it. */
#include <string.h>

#include "common/clock.h"
#include "lattice/lattice_internal.h"

#define FULL_MASKS (1u << MC_LATTICE_MAX_DIM)

static int64_t magnitude(int64_t v) { return v < 0 ? -v : v; }

mc_status mc_lat_modulo_moduli(size_t n, size_t count, const int64_t *pts, int64_t *b,
                               int64_t *size, mc_error *err)
{
    static const int64_t infinite = INT64_MAX;
    int64_t widest[FULL_MASKS][MC_LAT_D];
    int64_t best[FULL_MASKS];
    unsigned char choice[FULL_MASKS];
    unsigned full = (1u << n) - 1;
    memset(widest, 0, sizeof widest);
    for (size_t p = 0; p < count; ++p) {
        const int64_t *x = pts + p * n;
        unsigned zeros = 0;
        for (size_t a = 0; a < n; ++a)
            if (x[a] == 0) zeros |= 1u << a;
        for (size_t a = 0; a < n; ++a)
            if (magnitude(x[a]) > widest[zeros][a]) widest[zeros][a] = magnitude(x[a]);
    }
    /* A point counts for every prefix set its zero set contains. */
    for (size_t bit = 0; bit < n; ++bit)
        for (unsigned mask = 0; mask <= full; ++mask)
            if (!(mask & (1u << bit)))
                for (size_t a = 0; a < n; ++a)
                    if (widest[mask | (1u << bit)][a] > widest[mask][a])
                        widest[mask][a] = widest[mask | (1u << bit)][a];
    best[full] = 1;
    for (unsigned mask = full; mask-- > 0;) {
        best[mask] = infinite;
        for (size_t a = 0; a < n; ++a) {
            int64_t cost;
            if ((mask & (1u << a)) || best[mask | (1u << a)] == infinite) continue;
            if (__builtin_mul_overflow(widest[mask][a] + 1, best[mask | (1u << a)], &cost)) continue;
            if (cost < best[mask]) best[mask] = cost, choice[mask] = (unsigned char)a;
        }
    }
    if (best[0] == infinite)
        return mc_error_set(err, MC_ERR_OVERFLOW, "successive modulo: every axis order overflows int64");
    for (unsigned mask = 0; mask != full; mask |= 1u << choice[mask])
        b[choice[mask]] = widest[mask][choice[mask]] + 1;
    *size = best[0];
    return MC_OK;
}

mc_status mc_lattice_modulo(const mc_lattice_set *set, mc_lattice_result *result, mc_error *err)
{
    double t0 = mc_clock_seconds();
    int64_t b[MC_LAT_D], size, basis[MC_LAT_D * MC_LAT_D] = {0};
    mc_status st = mc_lat_modulo_moduli(set->n, set->half, set->pts, b, &size, err);
    if (st != MC_OK) return st;
    for (size_t i = 0; i < set->n; ++i) basis[MC_LAT_AT(i, i)] = b[i];
    return mc_lat_finish(set, basis, MC_LATTICE_MODULO, t0, result, err);
}
