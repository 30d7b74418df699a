/* A proven lower bound: if every pairwise difference of a set S lies in DS,
 * the elements of S need distinct cells, so any valid size is >= |S|.
 * Finding the largest such S is a clique problem; greedy passes that grow S
 * from the DS points nearest to a few centres find the natural "half body"
 * cliques of convex sets. The clique is checked as it is built, so the bound
 * is valid whatever the passes find. */
#include <stdlib.h>
#include <string.h>

#include "lattice/lattice_internal.h"

/* Passes and membership tests are capped so the bound stays cheap next to
 * the methods (a fraction of a second at 10^4 points); a pass cut short still
 * yields a verified clique. */
#define MAX_CENTRES 81
#define MAX_TESTS 5000000

typedef struct candidate {
    double distance;
    size_t index; /* into the doubled point list: 2p is +x, 2p+1 is -x */
} candidate;

static int by_distance(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->distance != y->distance) return x->distance < y->distance ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void signed_point(const mc_lattice_set *set, size_t index, int64_t *x)
{
    const int64_t *p = mc_lat_point(set, index / 2);
    for (size_t i = 0; i < set->n; ++i) x[i] = index % 2 ? -p[i] : p[i];
}

/* Both signs of every DS point in an open-addressing table: membership is
 * the inner loop here, and bisection over the set was most of the time. */
typedef struct point_table {
    const mc_lattice_set *set;
    size_t *slots; /* signed index + 1; 0 is empty */
    size_t mask;
} point_table;

static size_t hash_point(const int64_t *x, size_t n)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; ++i) h = (h ^ (uint64_t)x[i]) * 1099511628211u;
    return (size_t)(h ^ (h >> 29));
}

static bool table_init(point_table *t, const mc_lattice_set *set)
{
    size_t count = 2 * set->half, size = 16;
    while (size < 2 * count) size *= 2;
    t->set = set, t->mask = size - 1;
    t->slots = calloc(size, sizeof *t->slots);
    if (!t->slots) return false;
    for (size_t k = 0; k < count; ++k) {
        int64_t x[MC_LAT_D];
        signed_point(set, k, x);
        size_t slot = hash_point(x, set->n) & t->mask;
        while (t->slots[slot]) slot = (slot + 1) & t->mask;
        t->slots[slot] = k + 1;
    }
    return true;
}

static bool table_contains(const point_table *t, const int64_t *x)
{
    size_t n = t->set->n;
    for (size_t slot = hash_point(x, n) & t->mask; t->slots[slot]; slot = (slot + 1) & t->mask) {
        int64_t y[MC_LAT_D];
        signed_point(t->set, t->slots[slot] - 1, y);
        if (!memcmp(x, y, n * sizeof *x)) return true;
    }
    return false;
}

/* Grows a clique from {0} in candidate order; members are signed indices. */
static size_t greedy(const point_table *table, const candidate *order, size_t count, size_t *members,
                     long *budget)
{
    const mc_lattice_set *set = table->set;
    size_t size = 0;
    for (size_t c = 0; c < count && *budget > 0; ++c) {
        int64_t x[MC_LAT_D], y[MC_LAT_D], diff[MC_LAT_D];
        signed_point(set, order[c].index, x);
        bool fits = true;
        for (size_t m = 0; m < size && fits; ++m) {
            signed_point(set, members[m], y);
            for (size_t i = 0; i < set->n; ++i) diff[i] = x[i] - y[i];
            fits = table_contains(table, diff);
            --*budget;
        }
        if (fits) members[size++] = order[c].index;
    }
    return size + 1; /* and 0 itself */
}

/* The bounds that need the polytope's rows: Minkowski's (computed with
 * the set) and the window clique (window.c). *enough when the rows'
 * symmetric body holds all of DS: then the greedy passes are skipped (a few
 * tenths of a second at 10^4 points), as they never beat the windows on
 * symmetric polytopes (none of 2,881 random ones, nor the benchmark's). */
static int64_t polytope_bound(const mc_lattice_set *set, bool *enough)
{
    int64_t best = set->volume_bound > 1 ? set->volume_bound : 1;
    *enough = false;
    if (set->rows > 0) {
        int64_t window = mc_lat_window_bound(set, set->rows, set->row_a, set->row_b, enough);
        if (window > best) best = window;
    }
    return best;
}

int64_t mc_lattice_lower_bound(const mc_lattice_set *set)
{
    size_t n = set->n, count = 2 * set->half;
    bool enough;
    int64_t polytope = polytope_bound(set, &enough);
    if (count == 0 || enough) return polytope;
    candidate *order = malloc(count * sizeof *order);
    size_t *members = malloc(count * sizeof *members);
    double extent[MC_LAT_D] = {0};
    int64_t best = 1;
    point_table table = {0};
    if (!order || !members || !table_init(&table, set)) goto done;
    for (size_t p = 0; p < set->half; ++p)
        for (size_t i = 0; i < n; ++i) {
            double v = (double)mc_lat_point(set, p)[i];
            if (v < 0) v = -v;
            if (v > extent[i]) extent[i] = v;
        }
    /* Centres: each axis at -e/2, 0 or +e/2 (the first few axes only when
     * 3^n would exceed the cap). */
    long budget = MAX_TESTS;
    size_t centres = 1, axes = 0;
    while (axes < n && centres * 3 <= MAX_CENTRES) centres *= 3, ++axes;
    for (size_t c = 0; c < centres && budget > 0; ++c) {
        double centre[MC_LAT_D] = {0};
        for (size_t i = 0, code = c; i < axes; ++i, code /= 3)
            centre[i] = ((double)(code % 3) - 1.0) * extent[i] / 2.0;
        for (size_t k = 0; k < count; ++k) {
            int64_t x[MC_LAT_D];
            signed_point(set, k, x);
            double d = 0;
            for (size_t i = 0; i < n; ++i) {
                double t = extent[i] > 0 ? ((double)x[i] - centre[i]) / extent[i] : 0;
                d += t * t;
            }
            order[k] = (candidate){d, k};
        }
        qsort(order, count, sizeof *order, by_distance);
        size_t size = greedy(&table, order, count, members, &budget);
        if ((int64_t)size > best) best = (int64_t)size;
    }
done:
    free(table.slots);
    free(order);
    free(members);
    return best > polytope ? best : polytope;
}
