/*
 * memcarve/lattice.h — lattice-based array contraction (Darte, Schreiber,
 * Villard, "Lattice-based memory allocation", CASES 2003 / IEEE TC 2005).
 *
 * Model
 *   Array elements are indexed by Z^n. DS is the set of differences i - j of
 *   conflicting (simultaneously live) indices; it is symmetric and contains 0.
 *   A linear allocation sigma(x) = (U x) mod s (U unimodular, s the Smith
 *   diagonal, s_1 | s_2 | ... | s_n) of size prod(s) is valid iff its kernel
 *   lattice meets DS only in 0. This module finds such lattices: three
 *   heuristics and an exact search that certifies the smallest determinant.
 *
 * Contract
 *   - Dimensions 1..MC_LATTICE_MAX_DIM; every DS coordinate must satisfy
 *     |x_i| <= MC_LATTICE_COORD_MAX. All arithmetic is exact and overflow is
 *     checked: an overflow is MC_ERR_OVERFLOW, never a wrong answer.
 *   - Every function that fills an mc_lattice_result validates it against every
 *     DS point before returning MC_OK (mc_lattice_validate).
 *   - An mc_lattice_set is immutable after construction and may be read by
 *     several threads at once. Results are plain values owned by the caller.
 *   - No global state; errors are mc_status plus an optional mc_error line.
 */
#ifndef MEMCARVE_LATTICE_H
#define MEMCARVE_LATTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memcarve/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_LATTICE_MAX_DIM 8
/* Large enough for any realistic index space, small enough that the search's
 * intermediate products stay far from int64 limits (still checked). */
#define MC_LATTICE_COORD_MAX ((int64_t)1 << 31)
/* How many optimal lattices an exact search lists (it counts all of them). */
#define MC_LATTICE_MAX_LISTED 8

/* The difference set DS: opaque, immutable once built. */
typedef struct mc_lattice_set mc_lattice_set;

/* Builds DS from `count` points of dimension n (coords is count*n, row per
 * point). The symmetric closure is taken, duplicates and 0 are merged;
 * O(count log count). */
mc_status mc_lattice_set_from_points(size_t n, size_t count, const int64_t *coords,
                                     mc_lattice_set **out, mc_error *err);

/* Builds DS from the integer points of the polytope {x : A x <= b} (A is m*n,
 * row per inequality), then takes the symmetric closure. The polytope must
 * contain 0 and be bounded (MC_ERR_INVALID otherwise); more than max_points
 * integer points is MC_ERR_UNSUPPORTED (0 selects 2,000,000). */
mc_status mc_lattice_set_from_polytope(size_t n, size_t m, const int64_t *a, const int64_t *b,
                                       size_t max_points, mc_lattice_set **out, mc_error *err);

/* Parses the text formats of docs/lattice.md ("points N" or "polytope N"
 * header, one point or inequality per line). `name` is used in messages. */
mc_status mc_lattice_set_parse(const char *text, size_t length, const char *name,
                               mc_lattice_set **out, mc_error *err);

/* Reads and parses a file. */
mc_status mc_lattice_set_load(const char *path, mc_lattice_set **out, mc_error *err);

void mc_lattice_set_free(mc_lattice_set *set);

size_t mc_lattice_set_dim(const mc_lattice_set *set);
/* |DS|, counting 0 and both signs of every point. */
size_t mc_lattice_set_size(const mc_lattice_set *set);
/* True when x (n coordinates) belongs to DS; O(n log |DS|). */
bool mc_lattice_set_contains(const mc_lattice_set *set, const int64_t *x);
/* Copies the i-th nonzero point with its first nonzero coordinate positive
 * (0 <= i < (|DS| - 1) / 2) to out. */
void mc_lattice_set_half_point(const mc_lattice_set *set, size_t i, int64_t *out);

typedef enum mc_lattice_method {
    MC_LATTICE_MODULO,  /* successive modulo, best axis order (Lefebvre-Feautrier) */
    MC_LATTICE_LINEAR,  /* canonical linearizations (De Greef et al.)              */
    MC_LATTICE_LLL,     /* Scheme I on an LLL-reduced basis                         */
    MC_LATTICE_EXACT    /* certified-optimal enumeration of HNF lattices           */
} mc_lattice_method;

const char *mc_lattice_method_name(mc_lattice_method method);

/* A strictly admissible integral lattice and the allocation built from it.
 * Matrices are n*n, row-major, entry (i, j) at [i * MC_LATTICE_MAX_DIM + j]. */
typedef struct mc_lattice_result {
    size_t n;
    mc_lattice_method method;
    int64_t size;                 /* det of the kernel = prod(s) = buffer size    */
    /* Kernel basis in Hermite normal form: columns are basis vectors, upper
     * triangular, hnf[i][i] > 0, 0 <= hnf[i][j] < hnf[i][i] for j > i. */
    int64_t hnf[MC_LATTICE_MAX_DIM * MC_LATTICE_MAX_DIM];
    /* sigma(x) = (u x) mod s; u unimodular, s_1 | ... | s_n, s_i >= 1. */
    int64_t u[MC_LATTICE_MAX_DIM * MC_LATTICE_MAX_DIM];
    int64_t s[MC_LATTICE_MAX_DIM];
    int64_t lower_bound;          /* a proven lower bound on the optimum          */
    bool proven_optimal;          /* size == optimum, certified by exact search   */
    /* Exact search only (zero otherwise). */
    uint64_t optimal_count;       /* optimal lattices found (all, if counted)     */
    size_t listed;                /* how many of them are in optimal_hnf          */
    int64_t optimal_hnf[MC_LATTICE_MAX_LISTED][MC_LATTICE_MAX_DIM * MC_LATTICE_MAX_DIM];
    uint64_t nodes;               /* search nodes visited                         */
    double seconds;               /* time spent by the method                     */
} mc_lattice_result;

/* Fills `result` (hnf, u, s, size) from any basis of a full-rank lattice
 * (columns of `basis`, same layout as hnf). Does not validate against a DS. */
mc_status mc_lattice_from_basis(size_t n, const int64_t *basis, mc_lattice_result *result,
                                mc_error *err);

/* True when x lies in the kernel (x = hnf y for an integer y). */
bool mc_lattice_kernel_contains(const mc_lattice_result *result, const int64_t *x);

/* Checks sigma(x) != 0 and x outside the kernel for every nonzero x in DS,
 * and that hnf, u and s describe the same lattice of determinant `size`.
 * MC_ERR_INFEASIBLE names the first offending point. */
mc_status mc_lattice_validate(const mc_lattice_set *set, const mc_lattice_result *result,
                              mc_error *err);

/* Heuristics; each returns a validated lattice. O(2^n n^2 + |DS| n) for
 * modulo, O(2^n n! |DS| n) for linear (MC_ERR_UNSUPPORTED when that exceeds
 * about 10^9), O(n^4 log + 2^n n^2 + |DS| n^2) for lll. */
mc_status mc_lattice_modulo(const mc_lattice_set *set, mc_lattice_result *result, mc_error *err);
mc_status mc_lattice_linear(const mc_lattice_set *set, mc_lattice_result *result, mc_error *err);
mc_status mc_lattice_lll(const mc_lattice_set *set, mc_lattice_result *result, mc_error *err);

/* A proven lower bound: the largest of the size of a clique S (S - S inside
 * DS) found greedily and verified, and, for a set built from a polytope, its
 * mc_lattice_volume_bound and mc_lattice_window_bound (the greedy passes are
 * skipped when the polytope is symmetric on DS: the windows hold their
 * cliques). Always >= 1. */
int64_t mc_lattice_lower_bound(const mc_lattice_set *set);

/* The window clique bound for rows A x <= b (A is m*n) whose symmetric part
 * K = {x : |a_j.x| <= b_j} has its integer points in DS: the largest set
 * {x in Z^n : l_j <= a_j.x <= l_j + b_j for all j} found, at least
 * max |(K/2 + t) n Z^n| over t in (Z/2)^n. Its pairwise differences are
 * checked against DS (at most 10^7 tests; a larger clique counts only its
 * checked part), so the result is a valid lower bound whatever the rows.
 * 1 when a row has b_j < 0 or there are more than 64 directions.
 * About 0.1 s at 10^4 points. */
int64_t mc_lattice_window_bound(const mc_lattice_set *set, size_t m, const int64_t *a, const int64_t *b);

/* Minkowski's bound for the integer points of {x : A x <= b} (A is m*n):
 * ceil(Vol(K) / 2^n), K = {x : |a_j.x| <= g_j (floor(b_j / g_j) + 1)} with
 * g_j = gcd(a_j), the largest symmetric body with no more integer points.
 * Any integral lattice meeting those points only in 0 has at least this
 * determinant. Returns 1 (no information) when K is unbounded, n > 8,
 * m > 32, or the volume recursion (about m!/(m-n)! steps) would exceed
 * 2*10^6 steps. Computed in double with a 10^-7 relative margin. */
int64_t mc_lattice_volume_bound(size_t n, size_t m, const int64_t *a, const int64_t *b);

typedef struct mc_lattice_exact_options {
    /* A valid lattice already in hand (validated again here): only smaller
     * ones are searched, and it is the answer if none exists. */
    const mc_lattice_result *incumbent;
    /* Without an incumbent: search sizes <= upper_bound (MC_ERR_INFEASIBLE if
     * there is none). Both absent: the heuristics provide the incumbent. */
    int64_t upper_bound;
    double time_limit;      /* seconds; <= 0 means none                          */
    bool count_optimal;     /* enumerate every optimal lattice, not just one     */
} mc_lattice_exact_options;

/* Branch and bound over upper-triangular HNF bases, column by column, pruning
 * a prefix as soon as the sublattice it spans meets DS. With a heuristic
 * incumbent (and without count_optimal), a budgeted descent first looks for
 * smaller lattices just below it (at most a quarter of time_limit), which
 * improves the answer given on a timeout; the proof then exhausts every size
 * from the lower bound up. On MC_OK the result
 * is an optimal lattice with proven_optimal set. On MC_ERR_TIMEOUT the result
 * holds the best lattice known (proven_optimal false). Only sizes up to 2^26
 * are searched: when the optimum lies above, the result is the incumbent
 * with proven_optimal false and the status MC_ERR_UNSUPPORTED. */
mc_status mc_lattice_exact(const mc_lattice_set *set, const mc_lattice_exact_options *options,
                           mc_lattice_result *result, mc_error *err);

/* Row i of sigma with every coefficient reduced into [0, s_i): sigma_i(x) =
 * (coeffs . x) mod s_i, the same map as row i of u. */
void mc_lattice_sigma_row(const mc_lattice_result *result, size_t i, int64_t *coeffs);

/* Prints a self-contained C function `int64_t NAME(const int64_t x[n])`
 * returning the address sigma(x) flattened to [0, size). */
mc_status mc_lattice_emit_c(const mc_lattice_result *result, const char *name, FILE *out,
                            mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_LATTICE_H */
