/* Shared internals of the lattice module: the DS representation, matrix
 * indexing and the helpers every method uses to finish a result. */
#ifndef MC_LATTICE_INTERNAL_H
#define MC_LATTICE_INTERNAL_H

#include "memcarve/lattice.h"

#define MC_LAT_D MC_LATTICE_MAX_DIM
#define MC_LAT_AT(i, j) ((i) * MC_LAT_D + (j))

/* DS is stored as its nonzero points with the first nonzero coordinate
 * positive ("half"), sorted lexicographically: every method is invariant
 * under x -> -x, so this halves the work and makes membership a bisection. */
struct mc_lattice_set {
    size_t n;
    size_t half;
    int64_t *pts; /* half * n */
    int64_t volume_bound; /* Minkowski bound of the polytope it came from, or 0 */
    size_t rows;          /* the polytope's rows a.x <= b (row_a: rows * n), */
    int64_t *row_a, *row_b; /* kept for the window bound; 0 for point lists */
};

static inline const int64_t *mc_lat_point(const mc_lattice_set *set, size_t i)
{
    return set->pts + i * set->n;
}

/* mc_lattice_window_bound, also telling whether the rows' symmetric body
 * K holds all of DS (DS = K n Z^n: then the window cliques are the half-body
 * cliques the greedy passes of bound.c look for). */
int64_t mc_lat_window_bound(const mc_lattice_set *set, size_t m, const int64_t *a, const int64_t *b, bool *all_of_ds);

/* Flips x so its first nonzero coordinate is positive; returns false for 0. */
bool mc_lat_canonical(size_t n, int64_t *x);

/* Best successive-modulo moduli over all axis orders for the given points
 * (count*n, any signs): b[axis] such that reading axes in the chosen order,
 * b = 1 + max |x_axis| over points zero on earlier axes. Writes b and the
 * product to *size. MC_ERR_OVERFLOW when every order overflows int64. */
mc_status mc_lat_modulo_moduli(size_t n, size_t count, const int64_t *pts, int64_t *b,
                               int64_t *size, mc_error *err);

/* Sets up result from a basis, validates it against set, and records the
 * method and elapsed time since t0. */
mc_status mc_lat_finish(const mc_lattice_set *set, const int64_t *basis, mc_lattice_method method,
                        double t0, mc_lattice_result *result, mc_error *err);

/* Hermite normal form (the layout of mc_lattice_result.hnf) of the lattice
 * spanned by the columns of basis; MC_ERR_INVALID when they are dependent. */
mc_status mc_lat_hnf(size_t n, const int64_t *basis, int64_t *hnf, mc_error *err);

/* Smith form of a nonsingular matrix with its left transform: u a v = diag(s). */
mc_status mc_lat_smith(size_t n, const int64_t *a, int64_t *u, int64_t *s, mc_error *err);

/* x in the lattice spanned by the upper-triangular columns of h (first k
 * columns, x supported on the first k coordinates); *overflow is set when an
 * intermediate leaves int64 (the answer is then meaningless). */
bool mc_lat_triangular_contains(size_t k, const int64_t *h, const int64_t *x, bool *overflow);

#endif
