/* Symmetries of DS that the exact search can break. A signed permutation
 * matrix g with g DS = DS maps every valid lattice to a valid lattice of the
 * same determinant, so the search needs only one lattice per orbit of the
 * group G of such g; it keeps the one that is lexicographically largest in
 * its axis periods, period_j(L) = min {c > 0 : c e_j in L}:
 *
 * - Level by level, S_l is the subgroup fixing axes 0..l-1 (up to sign)
 *   and O_l the orbit of axis l under S_l. Among the images of L that pass
 *   the tests of levels < l (a set S_l maps onto itself), one has period_l
 *   >= period_j for every j in O_l; so for j in O_l the search requires
 *   period_j <= period_l (l is one of j's "leaders"). period_j = d_j times
 *   the order of column j's upper part in Z^j / L_j, known once column j
 *   is.
 * - A diagonal g (sign flips) fixes every period. One that flips axis 0
 *   against axis 1 maps the Hermite entry H[0][1] to d_0 - H[0][1], so the
 *   search may also require 2 H[0][1] <= d_0.
 *
 * Finding G is a scan over all signed permutations, so it is done only for
 * n <= 5 (at most 3840 candidates, most rejected by the first points) and
 * at most MAX_TESTS membership tests. */
#include <stdlib.h>
#include <string.h>

#include "lattice/search.h"

#define MAX_SYMMETRY_DIM 5
#define MAX_SYMMETRIES 3840 /* 5! 2^5 */
/* Membership tests: about 0.3 s; a 2*10^6-point 3-D set with 48 symmetries
 * would need 10^8, so such sets are searched without symmetry breaking. */
#define MAX_TESTS 5000000

/* g x: coordinate i of x goes to coordinate perm[i], negated when bit i
 * of signs is set. Each membership test spends one unit of *budget; false
 * when it runs out (the caller then gives up: a part of G is not a group,
 * and the argument above needs one). */
static bool maps_onto_itself(const mc_lattice_set *set, const size_t *perm, unsigned signs, long *budget)
{
    for (size_t p = 0; p < set->half; ++p) {
        const int64_t *x = mc_lat_point(set, p);
        int64_t y[MC_LAT_D];
        for (size_t i = 0; i < set->n; ++i) y[perm[i]] = signs >> i & 1 ? -x[i] : x[i];
        if (--*budget < 0 || !mc_lattice_set_contains(set, y)) return false;
    }
    return true;
}

/* Next permutation in lexicographic order; false after the last. */
static bool next_permutation(size_t *perm, size_t n)
{
    size_t i = n - 1;
    while (i > 0 && perm[i - 1] > perm[i]) --i;
    if (i == 0) return false;
    size_t j = n - 1;
    while (perm[j] < perm[i - 1]) --j;
    size_t t = perm[i - 1];
    perm[i - 1] = perm[j], perm[j] = t;
    for (size_t a = i, b = n - 1; a < b; ++a, --b) t = perm[a], perm[a] = perm[b], perm[b] = t;
    return true;
}

typedef struct symmetry {
    size_t perm[MC_LAT_D];
    unsigned signs;
} symmetry;

/* Every automorphism of DS that is a signed permutation; count returned,
 * 0 when the membership tests ran out first. */
static size_t automorphisms(const mc_lattice_set *set, symmetry *found)
{
    size_t n = set->n, count = 0, perm[MC_LAT_D];
    long budget = MAX_TESTS;
    for (size_t i = 0; i < n; ++i) perm[i] = i;
    do {
        for (unsigned signs = 0; signs < 1u << n; ++signs)
            if (maps_onto_itself(set, perm, signs, &budget)) {
                memcpy(found[count].perm, perm, sizeof perm);
                found[count++].signs = signs;
            }
    } while (next_permutation(perm, n) && budget >= 0);
    return budget >= 0 ? count : 0;
}

/* Leaders level by level (see the top of the file), in searched axes. */
static void find_leaders(size_t n, const size_t *axis, const symmetry *g, size_t count, unsigned *leaders)
{
    size_t searched[MC_LAT_D]; /* original axis -> searched axis */
    for (size_t j = 0; j < n; ++j) searched[axis[j]] = j;
    for (size_t l = 0; l + 1 < n; ++l)
        for (size_t e = 0; e < count; ++e) {
            bool fixes = true;
            for (size_t i = 0; i < l; ++i) fixes &= g[e].perm[axis[i]] == axis[i];
            size_t j = searched[g[e].perm[axis[l]]];
            if (fixes && j > l) leaders[j] |= 1u << l;
        }
}

void mc_lat_symmetry(const mc_lattice_set *set, const size_t *axis, unsigned *leaders, bool *flip01)
{
    size_t n = set->n;
    memset(leaders, 0, MC_LAT_D * sizeof *leaders);
    *flip01 = false;
    if (n < 2 || n > MAX_SYMMETRY_DIM) return;
    symmetry *g = malloc(MAX_SYMMETRIES * sizeof *g);
    if (!g) return; /* no symmetry breaking: slower, still exact */
    size_t count = automorphisms(set, g);
    find_leaders(n, axis, g, count, leaders);
    for (size_t e = 0; e < count; ++e) {
        bool diagonal = true;
        for (size_t i = 0; i < n; ++i) diagonal &= g[e].perm[i] == i;
        if (diagonal && (g[e].signs >> axis[0] & 1) != (g[e].signs >> axis[1] & 1)) *flip01 = true;
    }
    free(g);
}
