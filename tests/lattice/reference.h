/* Plain enumeration, written independently of the library: every
 * upper-triangular Hermite basis of determinant 1, 2, ... is tested against
 * every point, with membership decided through the adjugate matrix. No
 * pruning, so it is slow but obviously right; tests and the benchmark use it
 * as the reference and the baseline. */
#ifndef MC_TEST_LATTICE_REFERENCE_H
#define MC_TEST_LATTICE_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct ref_result {
    int64_t optimum;   /* smallest valid determinant, 0 if none <= max_det */
    uint64_t count;    /* valid lattices of that determinant               */
    uint64_t lattices; /* lattices tested                                   */
} ref_result;

/* points: count*n, nonzero, one sign per pair is enough (the test is
 * symmetric). n <= 4. */
ref_result ref_optimum(size_t n, size_t count, const int64_t *points, int64_t max_det);

/* x (n coordinates) in the lattice spanned by the columns of h (n*n,
 * row-major, stride n). */
int ref_contains(size_t n, const int64_t *h, const int64_t *x);

/* The determinant (n <= 4, entries small enough for int64). */
int64_t ref_det(size_t n, const int64_t *m);

#endif
