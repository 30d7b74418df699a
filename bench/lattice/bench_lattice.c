/* memcarve lattice benchmark: for each case, every method's size and time,
 * the proven optimum and its proof time, and plain enumeration (every HNF of
 * determinant 1, 2, ... tested against every point, no pruning) as the
 * baseline measured in the same run (once: it is slow). Other times are
 * medians of --runs runs.
 * usage: bench_lattice [--runs N] [--long] [--limit SECONDS] [--case NAME] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lattice/lattice_internal.h"
#include "reference.h"
#include "../common/median.h"

typedef struct bench_case {
    const char *name;
    mc_lattice_set *set;
    bool baseline; /* plain enumeration is affordable */
} bench_case;

static mc_lattice_set *from_points(size_t n, size_t count, const int64_t *pts)
{
    mc_lattice_set *set = NULL;
    mc_error err;
    if (mc_lattice_set_from_points(n, count, pts, &set, &err) != MC_OK) fprintf(stderr, "%s\n", err.message), exit(2);
    return set;
}

/* Box |x_i| <= box, plus |sum x_i| <= sum and |x_0 - x_1 + x_2 - ...| <= sum. */
static mc_lattice_set *box_polytope(size_t n, int64_t box, int64_t sum)
{
    int64_t a[(2 * MC_LAT_D + 4) * MC_LAT_D] = {0}, b[2 * MC_LAT_D + 4];
    size_t m = 0;
    for (size_t i = 0; i < n; ++i)
        for (int sign = -1; sign <= 1; sign += 2, ++m) a[m * n + i] = sign, b[m] = box;
    for (int sign = -1; sign <= 1; sign += 2)
        for (int alt = 0; alt < 2; ++alt, ++m) {
            for (size_t i = 0; i < n; ++i) a[m * n + i] = sign * (alt && i % 2 ? -1 : 1);
            b[m] = sum;
        }
    mc_lattice_set *set = NULL;
    mc_error err;
    if (mc_lattice_set_from_polytope(n, m, a, b, 0, &set, &err) != MC_OK) fprintf(stderr, "%s\n", err.message), exit(2);
    return set;
}

/* The cross polytope |x_1| + ... + |x_n| <= r: all 2^n sign rows. Its
 * projections repeat directions many times over (polytope.c keeps the
 * tightest of each). */
static mc_lattice_set *cross_polytope(size_t n, int64_t r)
{
    int64_t a[(1u << MC_LAT_D) * MC_LAT_D], b[1u << MC_LAT_D];
    size_t m = 0;
    for (size_t signs = 0; signs < ((size_t)1 << n); ++signs, ++m) {
        for (size_t j = 0; j < n; ++j) a[m * n + j] = (signs >> j) & 1 ? -1 : 1;
        b[m] = r;
    }
    mc_lattice_set *set = NULL;
    mc_error err;
    if (mc_lattice_set_from_polytope(n, m, a, b, 0, &set, &err) != MC_OK) fprintf(stderr, "%s\n", err.message), exit(2);
    return set;
}

static mc_lattice_set *dct(void)
{
    int64_t a[] = {1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 7, 1, 1, -7, -1, -1};
    int64_t b[] = {1, 1, 7, 7, 7, 7, 14, 14};
    mc_lattice_set *set = NULL;
    if (mc_lattice_set_from_polytope(3, 8, a, b, 0, &set, NULL) != MC_OK) exit(2);
    return set;
}

static mc_lattice_set *skewed(int64_t N)
{
    int64_t pts[2 * 64] = {1, 1};
    for (int64_t k = 0; k <= N - 2; ++k) pts[2 + 2 * k] = k, pts[3 + 2 * k] = k + 1;
    return from_points(2, (size_t)N, pts);
}

typedef mc_status (*method_fn)(const mc_lattice_set *, mc_lattice_result *, mc_error *);

/* Median time of a heuristic; its size through *size (0 if unsupported). */
static double time_heuristic(method_fn run, const mc_lattice_set *set, int runs, int64_t *size)
{
    double t[64];
    mc_lattice_result r;
    *size = 0;
    for (int i = 0; i < runs; ++i) {
        double t0 = mc_clock_seconds();
        if (run(set, &r, NULL) != MC_OK) return 0;
        t[i] = mc_clock_seconds() - t0;
        *size = r.size;
    }
    return mc_bench_median(t, runs);
}

static double time_exact(const mc_lattice_set *set, int runs, double limit, mc_lattice_result *r, mc_status *st)
{
    double t[64];
    for (int i = 0; i < runs; ++i) {
        mc_lattice_exact_options opt = {NULL, 0, limit, false};
        double t0 = mc_clock_seconds();
        *st = mc_lattice_exact(set, &opt, r, NULL);
        t[i] = mc_clock_seconds() - t0;
    }
    return mc_bench_median(t, runs);
}

static double time_baseline(const mc_lattice_set *set, int64_t optimum, int runs, int64_t *found)
{
    double t[64];
    int64_t *pts = malloc((set->half + 1) * set->n * sizeof *pts);
    for (size_t i = 0; i < set->half; ++i) mc_lattice_set_half_point(set, i, pts + i * set->n);
    for (int i = 0; i < runs; ++i) {
        double t0 = mc_clock_seconds();
        *found = ref_optimum(set->n, set->half, pts, optimum).optimum;
        t[i] = mc_clock_seconds() - t0;
    }
    free(pts);
    return mc_bench_median(t, runs);
}

static void run_case(const bench_case *c, int runs, double limit)
{
    method_fn methods[3] = {mc_lattice_modulo, mc_lattice_linear, mc_lattice_lll};
    int64_t sizes[3];
    double times[3];
    for (int m = 0; m < 3; ++m) times[m] = time_heuristic(methods[m], c->set, runs, &sizes[m]);
    mc_lattice_result r;
    mc_status st;
    double proof = time_exact(c->set, runs, limit, &r, &st);
    printf("%-14s %2zu %6zu %5lld |", c->name, c->set->n, mc_lattice_set_size(c->set),
           (long long)mc_lattice_lower_bound(c->set));
    for (int m = 0; m < 3; ++m) printf(" %5lld %8.3f |", (long long)sizes[m], times[m] * 1e3);
    printf(" %5lld%s %9.3f %9llu |", (long long)r.size, st == MC_OK ? " " : "?", proof * 1e3,
           (unsigned long long)r.nodes);
    if (c->baseline && st == MC_OK) {
        int64_t found;
        /* One run: the baseline is slow, and its noise matters little. */
        double base = time_baseline(c->set, r.size, 1, &found);
        printf(" %9.3f %7.1fx%s\n", base * 1e3, base / (proof > 0 ? proof : 1e-9), found == r.size ? "" : " MISMATCH");
    } else {
        printf(" %9s %8s\n", "-", "-");
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int runs = 3;
    bool longer = false;
    const char *only = NULL;
    double limit = 0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--long")) longer = true;
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--limit") && i + 1 < argc) limit = atof(argv[++i]);
        else if (!strcmp(argv[i], "--case") && i + 1 < argc) only = argv[++i];
        else {
            fprintf(stderr, "usage: bench_lattice [--runs N (1-63)] [--long] [--limit SECONDS (exact search)]"
                            " [--case NAME (cases whose name contains NAME)]\n");
            return 2;
        }
    }
    if (runs < 1 || runs > 63) runs = 3;
    if (!(limit > 0)) limit = longer ? 120.0 : 10.0;
    int64_t row[] = {0, 1, 1, -7};
    bench_case cases[] = {
        {"row-major N=8", from_points(2, 2, row), true},
        {"skewed N=8", skewed(8), true},
        {"skewed N=32", skewed(32), true},
        {"skewed hull", NULL, true},
        {"dct", dct(), true},
        {"box4 2/5", box_polytope(4, 2, 5), false},
        {"box4 3/6", longer ? box_polytope(4, 3, 6) : NULL, false},
        {"box3 9/14", longer ? box_polytope(3, 9, 14) : NULL, false},
        {"box4 4/7", longer ? box_polytope(4, 4, 7) : NULL, false},
        {"box4 4/8", longer ? box_polytope(4, 4, 8) : NULL, false},
        {"box4 5/8", longer ? box_polytope(4, 5, 8) : NULL, false},
        {"box4 5/10", longer ? box_polytope(4, 5, 10) : NULL, false},
        {"cross4 11", longer ? cross_polytope(4, 11) : NULL, false},
    };
    int64_t ha[] = {4, -3, -4, 3, -1, 1, 1, -1}, hb[] = {3, 3, 1, 1};
    if (mc_lattice_set_from_polytope(2, 4, ha, hb, 0, &cases[3].set, NULL) != MC_OK) return 2;
    printf("median of %d runs; times in ms; '?' = time limit hit, not proven\n", runs);
    printf("%-14s %2s %6s %5s | %5s %8s | %5s %8s | %5s %8s | %5s  %9s %9s | %9s %8s\n", "case", "n", "|DS|", "lower",
           "mod", "ms", "lin", "ms", "lll", "ms", "opt", "proof ms", "nodes", "plain ms", "speedup");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        if (!cases[i].set) continue;
        if (!only || strstr(cases[i].name, only)) run_case(&cases[i], runs, limit);
        mc_lattice_set_free(cases[i].set);
    }
    return 0;
}
