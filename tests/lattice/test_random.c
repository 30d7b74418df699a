/* Seeded property tests: exact search against plain enumeration on small
 * random symmetric sets; Hermite/Smith forms against the adjugate reference;
 * polytope enumeration against a brute-force scan of a box. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lattice/search.h"
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

/* The set's points must be exactly the integer points of the rows inside
 * the box |x_i| <= box[i] (which holds the whole polytope). */
static void check_against_box(size_t n, size_t m, const int64_t *a, const int64_t *b, const int64_t *box)
{
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_polytope(n, m, a, b, 0, &set, NULL) == MC_OK);
    if (!set) return;
    size_t expected = 0;
    int64_t x[4];
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

static void polytope(mc_test_rng *rng)
{
    size_t n = (size_t)mc_test_range(rng, 1, 3);
    int64_t a[16 * 3], b[16], box[3];
    size_t m = random_polytope(rng, n, 6, a, b, box);
    check_against_box(n, m, a, b, box);
}

/* A cross polytope (all 2^n rows +-x_1 +- ... +- x_n <= r) plus scaled
 * copies of some of its rows with other right sides. Projection makes many
 * rows with the same direction, and only the tightest of each may be kept:
 * keeping a looser one, or dropping the tightest, changes the points. */
static void polytope_parallel_rows(mc_test_rng *rng)
{
    size_t n = (size_t)mc_test_range(rng, 2, 4), m = 0;
    int64_t r = mc_test_range(rng, 1, 5), a[19 * 4], b[19], box[4];
    for (size_t signs = 0; signs < ((size_t)1 << n); ++signs, ++m) {
        for (size_t j = 0; j < n; ++j) a[m * n + j] = (signs >> j) & 1 ? -1 : 1;
        b[m] = r;
    }
    for (size_t copies = (size_t)mc_test_range(rng, 0, 3); copies > 0; --copies, ++m) {
        size_t from = (size_t)mc_test_range(rng, 0, (int64_t)(1u << n) - 1);
        int64_t c = mc_test_range(rng, 2, 3);
        for (size_t j = 0; j < n; ++j) a[m * n + j] = c * a[from * n + j];
        b[m] = mc_test_range(rng, c * r - 2 > 0 ? c * r - 2 : 0, c * r + 2);
    }
    for (size_t i = 0; i < n; ++i) box[i] = r;
    check_against_box(n, m, a, b, box);
}

/* A small random polytope with its DS set, the exact search's result and
 * plain enumeration's optimum: what the bound tests compare against. */
typedef struct polytope_case {
    size_t n, m;
    int64_t a[16 * 3], b[16], box[3];
    mc_lattice_set *set;
    int64_t optimum;
} polytope_case;

static void polytope_case_make(mc_test_rng *rng, polytope_case *c)
{
    c->n = (size_t)mc_test_range(rng, 1, 3);
    c->m = random_polytope(rng, c->n, c->n == 3 ? 2 : 4, c->a, c->b, c->box);
    CHECK(mc_lattice_set_from_polytope(c->n, c->m, c->a, c->b, 0, &c->set, NULL) == MC_OK);
    mc_lattice_result r;
    CHECK(mc_lattice_exact(c->set, NULL, &r, NULL) == MC_OK);
    int64_t *half = half_points(c->set);
    c->optimum = ref_optimum(c->n, c->set->half, half, r.size).optimum;
    CHECK_EQ_I64(r.size, c->optimum);
    free(half);
}

/* Minkowski's bound never exceeds the optimum found by plain enumeration,
 * and the exact search, which starts from it, still agrees with that
 * optimum. Counts how often the volume bound is exact, so the caller can
 * check the comparison is not vacuous (a bound stuck at 1 passes it). */
static void volume_bound(mc_test_rng *rng, int *tight)
{
    polytope_case c;
    polytope_case_make(rng, &c);
    int64_t bound = mc_lattice_volume_bound(c.n, c.m, c.a, c.b);
    CHECK(bound >= 1);
    CHECK(bound <= c.optimum);
    CHECK(mc_lattice_lower_bound(c.set) >= bound);
    *tight += bound > 1 && bound == c.optimum;
    mc_lattice_set_free(c.set);
}

/* Largest |(K/2 + t) n Z^n| over t in {0, 1/2}^n, K = {x : |a_r.x| <=
 * b_r}, by scanning the box |x_i| <= box_i + 1 (K/2 + t lies inside it):
 * the translate bound that the window bound must reach. */
static int64_t translate_bound(size_t n, size_t m, const int64_t *a, const int64_t *b, const int64_t *box)
{
    int64_t best = 0;
    for (unsigned twice_t = 0; twice_t < 1u << n; ++twice_t) {
        int64_t count = 0, x[3];
        for (size_t i = 0; i < n; ++i) x[i] = -box[i] - 1;
        for (bool more = true; more;) {
            bool in = true;
            for (size_t r = 0; r < m && in; ++r) {
                int64_t v = 0;
                for (size_t i = 0; i < n; ++i) v += a[r * n + i] * (2 * x[i] - (twice_t >> i & 1));
                in = v <= b[r] && v >= -b[r];
            }
            count += in;
            size_t i = 0;
            while (i < n && x[i] == box[i] + 1) x[i] = -box[i] - 1, ++i;
            if (i == n) more = false;
            else ++x[i];
        }
        if (count > best) best = count;
    }
    return best;
}

/* The window bound reaches the half-integer translate bound, never exceeds
 * the optimum of plain enumeration, and still does not when the rows given
 * are looser than the set (then only the pairwise check of the clique
 * keeps it valid). Counts the polytopes where it is the optimum, so the
 * caller can check the comparison is not vacuous. */
static void window_bound(mc_test_rng *rng, int *tight)
{
    polytope_case c;
    polytope_case_make(rng, &c);
    int64_t bound = mc_lattice_window_bound(c.set, c.m, c.a, c.b);
    CHECK(bound >= translate_bound(c.n, c.m, c.a, c.b, c.box));
    CHECK(bound <= c.optimum);
    CHECK(mc_lattice_lower_bound(c.set) >= bound);
    *tight += bound > 1 && bound == c.optimum;
    for (size_t r0 = 0; r0 < c.m; ++r0) c.b[r0] += 1 + r0 % 2; /* a larger body than DS */
    CHECK(mc_lattice_window_bound(c.set, c.m, c.a, c.b) <= c.optimum);
    mc_lattice_set_free(c.set);
}

/* x -> g x for a signed permutation: coordinate i goes to perm[i], negated
 * when bit i of signs is set. */
static void apply(size_t n, const size_t *perm, unsigned signs, const int64_t *x, int64_t *y)
{
    for (size_t i = 0; i < n; ++i) y[perm[i]] = signs >> i & 1 ? -x[i] : x[i];
}

/* A random set closed under a random signed permutation g (24 steps along
 * each orbit: a signed permutation of <= 4 axes has order 1, 2, 3, 4, 6 or
 * 8, each dividing 24), so the exact search breaks symmetries; its size
 * must still be plain enumeration's. Counts the sets where some
 * symmetry was found to break, so the caller can check it was exercised. */
static void symmetric_cross_check(mc_test_rng *rng, int *broken)
{
    size_t n = (size_t)mc_test_range(rng, 2, 3), perm[4] = {0, 1, 2, 3};
    if (mc_test_range(rng, 0, 5) == 0) n = 4;
    for (size_t i = n; i-- > 1;) {
        size_t j = (size_t)mc_test_range(rng, 0, (int64_t)i), t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    unsigned signs = (unsigned)mc_test_range(rng, 0, (1 << n) - 1);
    size_t seeds = (size_t)mc_test_range(rng, 1, n == 4 ? 2 : 4), count = 0;
    int64_t range = n == 4 ? 1 : 3, pts[4 * 4 * 24];
    for (size_t s0 = 0; s0 < seeds; ++s0) {
        int64_t x[4];
        for (size_t i = 0; i < n; ++i) x[i] = mc_test_range(rng, -range, range);
        for (int k = 0; k < 24; ++k, ++count) { /* the orbit of x, repeated if short */
            memcpy(pts + count * n, x, n * sizeof *x);
            apply(n, perm, signs, pts + count * n, x);
        }
    }
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_points(n, count, pts, &set, NULL) == MC_OK);
    size_t axis[MC_LAT_D];
    unsigned leaders[MC_LAT_D];
    bool flip = false;
    mc_lat_choose_axes(set, axis);
    mc_lat_symmetry(set, axis, leaders, &flip);
    bool any = flip;
    for (size_t j = 0; j < n; ++j) any |= leaders[j] != 0;
    *broken += any;
    mc_lattice_result r;
    mc_lattice_exact_options opt = {NULL, 0, 30.0, false};
    CHECK(mc_lattice_exact(set, &opt, &r, NULL) == MC_OK);
    int64_t *half = half_points(set);
    ref_result ref = ref_optimum(n, set->half, half, r.size);
    CHECK_EQ_I64(r.size, ref.optimum);
    CHECK(reference_valid(set, r.hnf));
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
    int window_tight = 0;
    for (int i = 0; i < 300 * rounds; ++i) window_bound(&rng, &window_tight);
    CHECK(window_tight > 100 * rounds);
    fprintf(stderr, "window bound exact in %d of %d polytopes\n", window_tight, 300 * rounds);
    int broken = 0;
    for (int i = 0; i < 400 * rounds; ++i) symmetric_cross_check(&rng, &broken);
    CHECK(broken > 100 * rounds);
    fprintf(stderr, "symmetries broken in %d of %d symmetric sets\n", broken, 400 * rounds);
    /* Last, so that the counts above keep their random streams. */
    for (int i = 0; i < 100 * rounds; ++i) polytope_parallel_rows(&rng);
    return mc_test_finish("lattice_random");
}
