/* The acceptance cases of issue 6: the seed's examples with their known
 * optima, the published DCT allocation and the heuristics' known sizes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lattice/search.h"
#include "reference.h"

static mc_lattice_set *points(size_t n, size_t count, const int64_t *coords)
{
    mc_lattice_set *set = NULL;
    CHECK(mc_lattice_set_from_points(n, count, coords, &set, NULL) == MC_OK);
    return set;
}

static mc_lattice_result exact(const mc_lattice_set *set, bool count_all)
{
    mc_lattice_exact_options opt = {NULL, 0, 30.0, count_all};
    mc_lattice_result r;
    mc_error err;
    mc_status st = mc_lattice_exact(set, &opt, &r, &err);
    CHECK(st == MC_OK);
    if (st != MC_OK) fprintf(stderr, "  %s\n", err.message);
    CHECK(r.proven_optimal);
    CHECK(mc_lattice_validate(set, &r, NULL) == MC_OK);
    return r;
}

/* The lattice {x : a.x = 0 mod m} as a result, for published allocations. */
static mc_status linear_form(size_t n, const int64_t *a, int64_t m, mc_lattice_result *r)
{
    int64_t basis[MC_LAT_D * MC_LAT_D] = {0};
    size_t unit = n;
    for (size_t i = 0; i < n; ++i)
        if (a[i] == 1) unit = i;
    for (size_t i = 0; i < n; ++i) {
        basis[MC_LAT_AT(i, i)] = i == unit ? m : 1;
        if (i != unit) basis[MC_LAT_AT(unit, i)] = -a[i];
    }
    return mc_lattice_from_basis(n, basis, r, NULL);
}

/* The published lattice is one of those the exact search listed. */
static bool among_optimal(const mc_lattice_result *r, const mc_lattice_result *published)
{
    for (size_t l = 0; l < r->listed; ++l)
        if (!memcmp(r->optimal_hnf[l], published->hnf, sizeof published->hnf)) return true;
    return false;
}

static void row_major(int64_t N)
{
    int64_t ds[] = {0, 1, 1, 1 - N};
    mc_lattice_set *set = points(2, 2, ds);
    CHECK_EQ_I64(mc_lattice_set_size(set), 5);
    mc_lattice_result r = exact(set, true);
    CHECK_EQ_I64(r.size, 2);
    /* sigma = (N i + j) mod 2 is valid and is an optimal lattice. */
    mc_lattice_result published;
    CHECK(linear_form(2, (int64_t[]){N, 1}, 2, &published) == MC_OK);
    CHECK(mc_lattice_validate(set, &published, NULL) == MC_OK);
    CHECK(among_optimal(&r, &published));
    mc_lattice_result lin;
    CHECK(mc_lattice_linear(set, &lin, NULL) == MC_OK);
    CHECK_EQ_I64(lin.size, 2);
    /* Successive modulo needs 4: the seed's "Size = 4". */
    mc_lattice_result mod;
    CHECK(mc_lattice_modulo(set, &mod, NULL) == MC_OK);
    CHECK_EQ_I64(mod.size, N < 4 ? N : 4);
    mc_lattice_set_free(set);
}

static mc_lattice_set *skewed_set(int64_t N)
{
    int64_t ds[2 * 32];
    size_t count = 0;
    ds[2 * count] = 1, ds[2 * count + 1] = 1, ++count;
    for (int64_t k = 0; k <= N - 2; ++k) ds[2 * count] = k, ds[2 * count + 1] = k + 1, ++count;
    return points(2, count, ds);
}

static void skewed(void)
{
    mc_lattice_set *set = skewed_set(8);
    CHECK_EQ_I64(mc_lattice_set_size(set), 17);
    mc_lattice_result r = exact(set, false);
    CHECK_EQ_I64(r.size, 4);
    /* The old heuristics are "arbitrarily bad" here (seed: size N or O(N^2)). */
    mc_lattice_result mod, lin;
    CHECK(mc_lattice_modulo(set, &mod, NULL) == MC_OK && mod.size >= 8);
    CHECK(mc_lattice_linear(set, &lin, NULL) == MC_OK && lin.size >= 8);
    mc_lattice_set_free(set);
    /* Other N: exact agrees with plain enumeration. */
    for (int64_t N = 3; N <= 12; ++N) {
        set = skewed_set(N);
        int64_t half[2 * 32];
        for (size_t i = 0; i < set->half; ++i) mc_lattice_set_half_point(set, i, half + 2 * i);
        ref_result ref = ref_optimum(2, set->half, half, 64);
        mc_lattice_result e = exact(set, true);
        CHECK_EQ_I64(e.size, ref.optimum);
        CHECK_EQ_I64(e.optimal_count, ref.count);
        mc_lattice_set_free(set);
    }
}

static void skewed_hull(void)
{
    /* Parallelogram with vertices +-(6,7), +-(0,1): the hull of the N = 8 set. */
    int64_t a[] = {4, -3, -4, 3, -1, 1, 1, -1}, b[] = {3, 3, 1, 1};
    mc_lattice_set *set = NULL;
    CHECK(mc_lattice_set_from_polytope(2, 4, a, b, 0, &set, NULL) == MC_OK);
    CHECK_EQ_I64(mc_lattice_set_size(set), 21); /* Pick: area 12, 16 on the boundary */
    mc_lattice_result r = exact(set, false);
    CHECK_EQ_I64(r.size, 8);
    mc_lattice_set *exact_set = skewed_set(8);
    for (size_t i = 0; i < exact_set->half; ++i) CHECK(mc_lattice_set_contains(set, mc_lat_point(exact_set, i)));
    mc_lattice_set_free(exact_set);
    mc_lattice_set_free(set);
}

static mc_lattice_set *dct_set(void)
{
    int64_t a[] = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 7, 1, 1, -7, -1, -1};
    int64_t b[] = {1, 1, 7, 7, 7, 7, 14, 14};
    mc_lattice_set *set = NULL;
    CHECK(mc_lattice_set_from_polytope(3, 8, a, b, 0, &set, NULL) == MC_OK);
    return set;
}

static void dct(void)
{
    mc_lattice_set *set = dct_set();
    CHECK_EQ_I64(mc_lattice_set_size(set), 619);
    mc_lattice_result r = exact(set, true);
    CHECK_EQ_I64(r.size, 112);
    CHECK_EQ_I64(r.optimal_count, 2);
    CHECK_EQ_I64(r.listed, 2);
    /* Published: (r mod 4, (16b + 2r + c) mod 28), b = 64 br + bc. Its
     * kernel: x with r = 0 mod 4 and 16b + 2r + c = 0 mod 28. */
    int64_t kernel[MC_LAT_D * MC_LAT_D] = {0};
    kernel[MC_LAT_AT(0, 0)] = 1, kernel[MC_LAT_AT(2, 0)] = -16; /* (1,0,-16) */
    kernel[MC_LAT_AT(1, 1)] = 4, kernel[MC_LAT_AT(2, 1)] = -8;  /* (0,4,-8)  */
    kernel[MC_LAT_AT(2, 2)] = 28;                               /* (0,0,28)  */
    mc_lattice_result published;
    CHECK(mc_lattice_from_basis(3, kernel, &published, NULL) == MC_OK);
    CHECK_EQ_I64(published.size, 112);
    CHECK(mc_lattice_validate(set, &published, NULL) == MC_OK);
    int64_t s_expected[3] = {1, 4, 28};
    CHECK(!memcmp(published.s, s_expected, sizeof s_expected));
    CHECK(among_optimal(&r, &published));
    /* The heuristics' published sizes. */
    mc_lattice_result h;
    CHECK(mc_lattice_linear(set, &h, NULL) == MC_OK);
    CHECK_EQ_I64(h.size, 121);
    CHECK(mc_lattice_modulo(set, &h, NULL) == MC_OK);
    CHECK_EQ_I64(h.size, 128);
    CHECK(mc_lattice_lll(set, &h, NULL) == MC_OK);
    CHECK(h.size >= 112 && h.size <= 128);
    int64_t lower = mc_lattice_lower_bound(set);
    CHECK(lower >= 100 && lower <= 112);
    /* The half-body window clique is as large as the optimum. */
    CHECK_EQ_I64(mc_lattice_window_bound(set, set->rows, set->row_a, set->row_b), 112);
    /* Size 111 is impossible: an explicit upper bound below the optimum. */
    mc_lattice_exact_options opt = {NULL, 111, 30.0, false};
    CHECK(mc_lattice_exact(set, &opt, &h, NULL) == MC_ERR_INFEASIBLE);
    opt.upper_bound = 112;
    CHECK(mc_lattice_exact(set, &opt, &h, NULL) == MC_OK && h.size == 112);
    mc_lattice_set_free(set);
}

/* Minkowski's bound on bodies whose relaxed volume is known in closed form:
 * the box |x_i| <= b gives (b + 1)^n, which is also the optimum; the diamond
 * |x| + |y| <= 3 gives 2 * 4^2 / 4 = 8; 2x <= 3 relaxes to |x| < 2 (gcd 2),
 * and a body unbounded in some direction gives no information (1). */
static void volume_bounds(void)
{
    for (size_t n = 1; n <= 4; ++n)
        for (int64_t b = 0; b <= 4; ++b) {
            int64_t a[8 * 4] = {0}, rhs[8], expected = 1;
            for (size_t i = 0; i < n; ++i) {
                a[2 * i * n + i] = 1, a[(2 * i + 1) * n + i] = -1;
                rhs[2 * i] = rhs[2 * i + 1] = b;
                expected *= b + 1;
            }
            CHECK_EQ_I64(mc_lattice_volume_bound(n, 2 * n, a, rhs), expected);
        }
    int64_t diamond[] = {1, 1, 1, -1, -1, 1, -1, -1}, three[] = {3, 3, 3, 3};
    CHECK_EQ_I64(mc_lattice_volume_bound(2, 4, diamond, three), 8);
    int64_t evens[] = {2, 0, 0, 2}, halves[] = {3, 3};
    CHECK_EQ_I64(mc_lattice_volume_bound(2, 2, evens, halves), 4);
    int64_t strip[] = {1, 0}, one[] = {1};
    CHECK_EQ_I64(mc_lattice_volume_bound(2, 1, strip, one), 1);
    CHECK_EQ_I64(mc_lattice_volume_bound(9, 0, NULL, NULL), 1);
}

/* The 4-D box |x_i| <= 2, |sum x_i| <= 5, |x_0 - x_1 + x_2 - x_3| <= 5 of
 * the benchmark (565 points): its window clique is the half body (69), and
 * its automorphisms (axis swaps and sign flips keeping both sums) are
 * found and broken without changing the optimum 74, which the search with
 * count_optimal (no symmetry breaking) confirms. */
static void box4(void)
{
    int64_t a[12 * 4] = {0}, b[12];
    for (size_t i = 0; i < 4; ++i) a[2 * i * 4 + i] = 1, a[(2 * i + 1) * 4 + i] = -1, b[2 * i] = b[2 * i + 1] = 2;
    for (size_t i = 0; i < 4; ++i) {
        a[8 * 4 + i] = 1, a[9 * 4 + i] = -1;
        a[10 * 4 + i] = i % 2 ? -1 : 1, a[11 * 4 + i] = i % 2 ? 1 : -1;
    }
    b[8] = b[9] = b[10] = b[11] = 5;
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_polytope(4, 12, a, b, 0, &set, NULL) == MC_OK);
    CHECK_EQ_I64(mc_lattice_set_size(set), 565);
    CHECK_EQ_I64(mc_lattice_window_bound(set, 12, a, b), 69);
    CHECK_EQ_I64(mc_lattice_lower_bound(set), 69);
    size_t axis[MC_LAT_D];
    unsigned leaders[MC_LAT_D];
    bool flip;
    mc_lat_choose_axes(set, axis);
    mc_lat_symmetry(set, axis, leaders, &flip);
    CHECK(flip);
    for (size_t j = 1; j < 4; ++j) CHECK(leaders[j] & 1); /* every axis is an image of axis 0 */
    CHECK_EQ_I64(exact(set, false).size, 74);
    mc_lattice_result all = exact(set, true);
    CHECK_EQ_I64(all.size, 74);
    CHECK(all.optimal_count >= 8); /* the symmetric images of each optimal lattice */
    mc_lattice_set_free(set);
}

/* Rows the window bound cannot use give the trivial bound 1, never a
 * wrong one: a row with b < 0 (an empty body), and more than 64 distinct
 * directions (dropping one would enlarge the body beyond DS). */
static void window_bound_unusable_rows(void)
{
    int64_t a[4] = {1, 0, -1, 0}, b[2] = {2, 2};
    mc_lattice_set *set;
    int64_t box_a[4 * 2] = {1, 0, -1, 0, 0, 1, 0, -1}, box_b[4] = {2, 2, 2, 2};
    CHECK(mc_lattice_set_from_polytope(2, 4, box_a, box_b, 0, &set, NULL) == MC_OK);
    CHECK(mc_lattice_window_bound(set, 4, box_a, box_b) > 1); /* the usable rows do give a bound */
    b[1] = -1;
    CHECK_EQ_I64(mc_lattice_window_bound(set, 2, a, b), 1);
    enum { ROWS = 65 };
    int64_t many_a[ROWS * 2], many_b[ROWS];
    for (size_t r = 0; r < ROWS; ++r) {
        many_a[2 * r] = 1, many_a[2 * r + 1] = (int64_t)r; /* 65 directions, none parallel */
        many_b[r] = 1000;
    }
    CHECK_EQ_I64(mc_lattice_window_bound(set, ROWS, many_a, many_b), 1);
    mc_lattice_set_free(set);
}

int main(void)
{
    window_bound_unusable_rows();
    volume_bounds();
    box4();
    for (int64_t N = 3; N <= 10; ++N) row_major(N);
    skewed();
    skewed_hull();
    dct();
    return mc_test_finish("lattice_known");
}
