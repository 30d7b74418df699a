/* Seeded property tests: exact search against plain enumeration on small
 * random symmetric sets; Hermite/Smith forms against the adjugate reference;
 * polytope enumeration against a brute-force scan of a box. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lattice/lattice_internal.h"
#include "reference.h"

/* Copies a set's half points into a stride-n array for the reference. */
static int64_t *half_points(const mc_lattice_set *set)
{
    int64_t *pts = malloc((set->half + 1) * set->n * sizeof *pts);
    for (size_t i = 0; i < set->half; ++i) mc_lattice_set_half_point(set, i, pts + i * set->n);
    return pts;
}

/* Result hnf (stride MC_LAT_D) to the reference's stride-n layout. */
static void compact(size_t n, const int64_t *m, int64_t *out)
{
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) out[i * n + j] = m[MC_LAT_AT(i, j)];
}

/* No DS point lies in the lattice, decided by the reference. */
static bool reference_valid(const mc_lattice_set *set, const int64_t *hnf)
{
    int64_t h[16];
    compact(set->n, hnf, h);
    for (size_t i = 0; i < set->half; ++i)
        if (ref_contains(set->n, h, mc_lat_point(set, i))) return false;
    return true;
}

static void cross_check(mc_test_rng *rng)
{
    size_t n = (size_t)mc_test_range(rng, 1, 3);
    if (mc_test_range(rng, 0, 4) == 0) n = 4;
    int64_t range = n == 4 ? 2 : mc_test_range(rng, 1, n == 1 ? 20 : 4);
    size_t count = (size_t)mc_test_range(rng, 0, n == 4 ? 6 : 12);
    int64_t pts[4 * 12];
    for (size_t i = 0; i < count * n; ++i) pts[i] = mc_test_range(rng, -range, range);
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_points(n, count, pts, &set, NULL) == MC_OK);
    mc_lattice_exact_options opt = {NULL, 0, 30.0, true};
    mc_lattice_result r;
    mc_status st = mc_lattice_exact(set, &opt, &r, NULL);
    CHECK(st == MC_OK);
    int64_t *half = half_points(set);
    ref_result ref = ref_optimum(n, set->half, half, r.size);
    CHECK_EQ_I64(r.size, ref.optimum);
    CHECK_EQ_I64(r.optimal_count, ref.count);
    CHECK(r.proven_optimal);
    CHECK(reference_valid(set, r.hnf));
    for (size_t l = 0; l < r.listed; ++l) {
        CHECK(reference_valid(set, r.optimal_hnf[l]));
        for (size_t m = 0; m < l; ++m) CHECK(memcmp(r.optimal_hnf[l], r.optimal_hnf[m], sizeof r.hnf[0] * MC_LAT_D * MC_LAT_D));
    }
    CHECK(mc_lattice_lower_bound(set) <= r.size);
    mc_status (*heuristics[])(const mc_lattice_set *, mc_lattice_result *, mc_error *) = {
        mc_lattice_modulo, mc_lattice_linear, mc_lattice_lll};
    for (size_t h = 0; h < 3; ++h) {
        mc_lattice_result hr;
        CHECK(heuristics[h](set, &hr, NULL) == MC_OK);
        CHECK(hr.size >= r.size);
        CHECK(reference_valid(set, hr.hnf));
    }
    free(half);
    mc_lattice_set_free(set);
}

static void forms(mc_test_rng *rng)
{
    size_t n = (size_t)mc_test_range(rng, 1, 4);
    int64_t basis[MC_LAT_D * MC_LAT_D] = {0}, b[16];
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) basis[MC_LAT_AT(i, j)] = b[i * n + j] = mc_test_range(rng, -9, 9);
    mc_lattice_result r;
    mc_status st = mc_lattice_from_basis(n, basis, &r, NULL);
    /* Random matrices are sometimes singular: then, and only then, refused. */
    int64_t det = ref_det(n, b);
    if (st == MC_ERR_INVALID) {
        CHECK_EQ_I64(det, 0);
        return;
    }
    CHECK(st == MC_OK);
    if (st != MC_OK) return;
    mc_lattice_set *empty;
    CHECK(mc_lattice_set_from_points(n, 0, NULL, &empty, NULL) == MC_OK);
    CHECK(mc_lattice_validate(empty, &r, NULL) == MC_OK); /* hnf, u, s, size agree */
    CHECK_EQ_I64(r.size, det < 0 ? -det : det);
    mc_lattice_set_free(empty);
    int64_t h[16];
    compact(n, r.hnf, h);
    for (size_t j = 0; j < n; ++j) {
        int64_t col[MC_LAT_D];
        for (size_t i = 0; i < n; ++i) col[i] = b[i * n + j];
        CHECK(mc_lattice_kernel_contains(&r, col)); /* B's columns are in the lattice */
        for (size_t i = 0; i < n; ++i) col[i] = h[i * n + j];
        CHECK(ref_contains(n, b, col)); /* and the HNF's columns in B's lattice */
    }
    for (int t = 0; t < 20; ++t) {
        int64_t x[MC_LAT_D];
        for (size_t i = 0; i < n; ++i) x[i] = mc_test_range(rng, -30, 30);
        CHECK(mc_lattice_kernel_contains(&r, x) == (ref_contains(n, b, x) != 0));
    }
}

/* Does x (or -x) satisfy A x <= b? */
static bool inside(size_t n, size_t m, const int64_t *a, const int64_t *b, const int64_t *x)
{
    for (int sign = -1; sign <= 1; sign += 2) {
        bool ok = true;
        for (size_t k = 0; k < m && ok; ++k) {
            int64_t v = 0;
            for (size_t i = 0; i < n; ++i) v += a[k * n + i] * x[i] * sign;
            ok = v <= b[k];
        }
        if (ok) return true;
    }
    return false;
}

/* A random polytope containing 0: a box (half-widths up to max_box) cut by
 * up to four random rows. Returns the row count. */
static size_t random_polytope(mc_test_rng *rng, size_t n, int64_t max_box, int64_t *a, int64_t *b, int64_t *box)
{
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
        box[i] = mc_test_range(rng, 0, max_box);
        for (int sign = -1; sign <= 1; sign += 2, ++m) {
            for (size_t j = 0; j < n; ++j) a[m * n + j] = i == j ? sign : 0;
            b[m] = box[i];
        }
    }
    size_t extra = (size_t)mc_test_range(rng, 0, 4);
    for (size_t k = 0; k < extra; ++k, ++m) {
        for (size_t j = 0; j < n; ++j) a[m * n + j] = mc_test_range(rng, -4, 4);
        b[m] = mc_test_range(rng, 0, 12);
    }
    return m;
}

static void polytope(mc_test_rng *rng)
{
    size_t n = (size_t)mc_test_range(rng, 1, 3);
    int64_t a[16 * 3], b[16], box[3];
    size_t m = random_polytope(rng, n, 6, a, b, box);
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_polytope(n, m, a, b, 0, &set, NULL) == MC_OK);
    size_t expected = 0;
    int64_t x[3];
    for (size_t i = 0; i < n; ++i) x[i] = -box[i];
    for (bool more = true; more;) {
        bool in = inside(n, m, a, b, x);
        expected += in;
        CHECK(mc_lattice_set_contains(set, x) == in);
        size_t i = 0;
        while (i < n && x[i] == box[i]) x[i] = -box[i], ++i;
        if (i == n) more = false;
        else ++x[i];
    }
    CHECK_EQ_I64(mc_lattice_set_size(set), expected);
    mc_lattice_set_free(set);
}

/* Minkowski's bound never exceeds the optimum found by plain enumeration,
 * and the exact search, which starts from it, still agrees with that
 * optimum. Counts how often the volume bound is exact, so the caller can
 * check the comparison is not vacuous (a bound stuck at 1 passes it). */
static void volume_bound(mc_test_rng *rng, int *tight)
{
    size_t n = (size_t)mc_test_range(rng, 1, 3);
    int64_t a[16 * 3], b[16], box[3];
    size_t m = random_polytope(rng, n, n == 3 ? 2 : 4, a, b, box);
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_polytope(n, m, a, b, 0, &set, NULL) == MC_OK);
    mc_lattice_result r;
    CHECK(mc_lattice_exact(set, NULL, &r, NULL) == MC_OK);
    int64_t *half = half_points(set);
    ref_result ref = ref_optimum(n, set->half, half, r.size);
    int64_t bound = mc_lattice_volume_bound(n, m, a, b);
    CHECK(bound >= 1);
    CHECK(bound <= ref.optimum);
    CHECK_EQ_I64(r.size, ref.optimum);
    CHECK(mc_lattice_lower_bound(set) >= bound);
    *tight += bound > 1 && bound == ref.optimum;
    free(half);
    mc_lattice_set_free(set);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 && !strcmp(argv[1], "--long") ? 10 : 1;
    mc_test_rng rng = {20261121};
    for (int i = 0; i < 1500 * rounds; ++i) cross_check(&rng);
    for (int i = 0; i < 400 * rounds; ++i) forms(&rng);
    for (int i = 0; i < 300 * rounds; ++i) polytope(&rng);
    int tight = 0;
    for (int i = 0; i < 300 * rounds; ++i) volume_bound(&rng, &tight);
    CHECK(tight > 30 * rounds);
    fprintf(stderr, "volume bound exact in %d of %d polytopes\n", tight, 300 * rounds);
    return mc_test_finish("lattice_random");
}
