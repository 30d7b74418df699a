/* The word-parallel last level of the exact search (src/lattice/tail.c)
 * against the definition, and the whole search with it on and off.
 *
 * Direct: random sets, random Hermite prefixes (columns 0..n-2) and a
 * last diagonal entry d; the admissible last columns tail.c reports must
 * be exactly those for which no last-level DS point lies in the lattice,
 * decided point by point with mc_lat_triangular_contains. The prefixes
 * and points are drawn so that every branch is reached: cyclic and
 * non-cyclic G, dk > 1 (several j), d > 1 (runs filtered per candidate),
 * tops that are units of G and tops that are not (several classes), and
 * coordinates far from 0. Whole search: same sizes, node counts, optimal
 * lattices and lists with the fast path off (mc_lat_exact_run). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lattice/search.h"

/* A random Hermite prefix: columns 0..n-2 of s->h, diagonal entries drawn
 * small (often 1, as in a proof) so that G is sometimes trivial, sometimes
 * cyclic, sometimes Z_e0 x Z_e1. */
static void random_prefix(mc_test_rng *rng, search *s, int64_t max_diagonal)
{
    size_t n = s->n;
    memset(s->h, 0, sizeof s->h);
    for (size_t j = 0; j + 1 < n; ++j) {
        int64_t d = mc_test_range(rng, 0, 2) == 0 ? 1 : mc_test_range(rng, 1, max_diagonal);
        s->h[MC_LAT_AT(j, j)] = d;
        for (size_t i = 0; i < j; ++i) s->h[MC_LAT_AT(i, j)] = mc_test_range(rng, 0, s->h[MC_LAT_AT(i, i)] - 1);
    }
}

#define MAX_COSETS 4096

/* The admissible last columns by the definition, in coset index order
 * (at most MAX_COSETS: the prefixes drawn stay below). */
static size_t brute_columns(search *s, int64_t d, int64_t *out)
{
    size_t n = s->n, k = n - 1, count = 0;
    int64_t cosets = 1;
    for (size_t i = 0; i < k; ++i) cosets *= s->h[MC_LAT_AT(i, i)];
    CHECK(cosets <= MAX_COSETS);
    if (cosets > MAX_COSETS) return 0;
    s->h[MC_LAT_AT(k, k)] = d;
    for (int64_t index = 0; index < cosets; ++index) {
        int64_t rest = index;
        for (size_t i = 0; i < k; ++i) {
            s->h[MC_LAT_AT(i, k)] = rest % s->h[MC_LAT_AT(i, i)];
            rest /= s->h[MC_LAT_AT(i, i)];
        }
        bool hit = false, overflow = false;
        for (size_t p = 0; p < s->count[k] && !hit; ++p)
            hit = mc_lat_triangular_contains(n, s->h, s->pts[k] + p * n, &overflow);
        CHECK(!overflow);
        if (!hit) out[count++] = index;
    }
    return count;
}

/* What the direct checks reached: tail.c may decline a call (G with three
 * invariant factors, tables too large), the rest must cover the branches. */
typedef struct tally {
    int calls, answered, noncyclic, unsplit;
} tally;

/* Runs left to candidate filtering although d = 1 (too many classes). */
static bool has_unsplit_run(const tail *t)
{
    for (size_t run = 0; run < t->run_count; ++run)
        if (t->runs[run].top > 1 && t->split[run].base == SIZE_MAX) return true;
    return false;
}

/* One set, many prefixes: tail.c's columns equal the brute force's. */
static void direct_check(mc_test_rng *rng, tally *seen)
{
    size_t n = (size_t)mc_test_range(rng, 3, 5);
    int64_t range = mc_test_range(rng, 1, n == 5 ? 2 : 4);
    /* Sometimes wide tops and diagonals: |x_{n-1}| sharing large factors
     * with both invariant factors of G (more than 64 classes). */
    bool wide = n == 4 && mc_test_range(rng, 0, 3) == 0;
    size_t count = (size_t)mc_test_range(rng, 0, 40);
    int64_t pts[5 * 40], shift = mc_test_range(rng, 0, 3) == 0 ? mc_test_range(rng, -60, 60) : 0;
    for (size_t p = 0; p < count; ++p)
        for (size_t i = 0; i < n; ++i) {
            pts[p * n + i] = mc_test_range(rng, -range, range);
            /* Far-off x_{n-2}: multiplier ranges that do not hold 0. */
            if (i + 2 == n) pts[p * n + i] += shift;
            if (i + 1 == n && wide) pts[p * n + i] = 12 * mc_test_range(rng, -1, 1);
        }
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_points(n, count, pts, &set, NULL) == MC_OK);
    search *s = calloc(1, sizeof *s);
    size_t axis[MC_LAT_D] = {0, 1, 2, 3, 4, 5, 6, 7};
    s->n = n;
    CHECK(mc_lat_search_setup(s, set, axis, NULL) == MC_OK);
    int64_t *expect = malloc(MAX_COSETS * sizeof *expect);
    for (int trial = 0; trial < 30; ++trial) {
        random_prefix(rng, s, n == 5 ? 4 : wide ? 12 : 9);
        if (wide) s->h[MC_LAT_AT(0, 0)] = s->h[MC_LAT_AT(1, 1)] = 12, s->h[MC_LAT_AT(0, 1)] = 0;
        s->level_visit[n - 2] = ++s->visit; /* a new L_{n-2}: tables rebuilt */
        for (int again = 0; again < 3; ++again) {
            if (again > 0) { /* same L_{n-2}, another column n-2: tables reused */
                int64_t dk = s->h[MC_LAT_AT(n - 2, n - 2)];
                for (size_t i = 0; i + 2 < n; ++i)
                    s->h[MC_LAT_AT(i, n - 2)] = mc_test_range(rng, 0, s->h[MC_LAT_AT(i, i)] - 1);
                s->h[MC_LAT_AT(n - 2, n - 2)] = mc_test_range(rng, 0, 1) ? dk : mc_test_range(rng, 1, 4);
            }
            int64_t d = mc_test_range(rng, 0, 1) ? 1 : mc_test_range(rng, 1, 4);
            const int64_t *found;
            size_t got;
            ++seen->calls;
            s->h[MC_LAT_AT(n - 1, n - 1)] = d;
            if (!mc_lat_tail_columns(s, d, &found, &got)) continue;
            ++seen->answered;
            seen->noncyclic += s->tail.e0 > 1;
            seen->unsplit += d == 1 && has_unsplit_run(&s->tail);
            size_t want = brute_columns(s, d, expect);
            CHECK_EQ_I64(got, want);
            for (size_t i = 0; i < got && i < want; ++i) CHECK_EQ_I64(found[i], expect[i]);
        }
    }
    free(expect);
    mc_lat_search_teardown(s);
    free(s);
    mc_lattice_set_free(set);
}

/* The whole search with and without tail.c: identical in every field the
 * search decides, nodes included. */
static void same_search(const mc_lattice_set *set, bool count_all)
{
    mc_lattice_exact_options opt = {NULL, 0, 30.0, count_all};
    mc_lattice_result fast, slow;
    mc_status a = mc_lat_exact_run(set, &opt, true, &fast, NULL), b = mc_lat_exact_run(set, &opt, false, &slow, NULL);
    CHECK_EQ_I64(a, b);
    if (a != MC_OK || b != MC_OK) return;
    CHECK_EQ_I64(fast.size, slow.size);
    CHECK_EQ_I64(fast.nodes, slow.nodes);
    CHECK_EQ_I64(fast.optimal_count, slow.optimal_count);
    CHECK_EQ_I64(fast.listed, slow.listed);
    CHECK(fast.proven_optimal && slow.proven_optimal);
    CHECK(!memcmp(fast.hnf, slow.hnf, sizeof fast.hnf));
    for (size_t l = 0; l < fast.listed && l < slow.listed; ++l)
        CHECK(!memcmp(fast.optimal_hnf[l], slow.optimal_hnf[l], sizeof fast.optimal_hnf[l]));
}

static void search_check(mc_test_rng *rng)
{
    size_t n = (size_t)mc_test_range(rng, 3, 4);
    int64_t range = n == 4 ? 2 : mc_test_range(rng, 2, 5);
    size_t count = (size_t)mc_test_range(rng, 1, n == 4 ? 30 : 60);
    int64_t pts[4 * 60];
    for (size_t i = 0; i < count * n; ++i) pts[i] = mc_test_range(rng, -range, range);
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_points(n, count, pts, &set, NULL) == MC_OK);
    same_search(set, false);
    same_search(set, true);
    mc_lattice_set_free(set);
}

/* A 4-D box of the benchmark's family, small enough for the slow path. */
static void box_check(void)
{
    int64_t a[12 * 4] = {0}, b[12];
    size_t m = 0;
    for (size_t i = 0; i < 4; ++i)
        for (int sign = -1; sign <= 1; sign += 2, ++m) a[m * 4 + i] = sign, b[m] = 2;
    for (int sign = -1; sign <= 1; sign += 2)
        for (int alt = 0; alt < 2; ++alt, ++m) {
            for (size_t i = 0; i < 4; ++i) a[m * 4 + i] = sign * (alt && i % 2 ? -1 : 1);
            b[m] = 5;
        }
    mc_lattice_set *set;
    CHECK(mc_lattice_set_from_polytope(4, m, a, b, 0, &set, NULL) == MC_OK);
    same_search(set, false);
    mc_lattice_set_free(set);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 && !strcmp(argv[1], "--long") ? 10 : 1;
    mc_test_rng rng = {20261121};
    tally seen = {0, 0, 0, 0};
    for (int i = 0; i < 200 * rounds; ++i) direct_check(&rng, &seen);
    fprintf(stderr, "tail.c answered %d of %d calls (%d with non-cyclic G, %d with a run left unsplit)\n",
            seen.answered, seen.calls, seen.noncyclic, seen.unsplit);
    CHECK(seen.answered > seen.calls * 3 / 4);
    CHECK(seen.noncyclic > 100 * rounds);
    CHECK(seen.unsplit > 10 * rounds);
    for (int i = 0; i < 300 * rounds; ++i) search_check(&rng);
    box_check();
    return mc_test_finish("lattice_tail");
}
