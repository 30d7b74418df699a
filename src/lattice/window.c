/* The window lower bound for polytope inputs. Every row a.x <= b of the
 * polytope P gives |a.x| <= b on the symmetric part K = P n -P, whose
 * integer points lie in DS. A "window" set
 *     C = {x in Z^n : l_r <= a_r.x <= l_r + w_r for every row r}
 * (w_r = b_r rounded down to a multiple of gcd(a_r)) has every difference
 * in K n Z^n, so C is a clique: its elements need distinct cells and any
 * valid size is >= |C|. The translates (K/2 + t) n Z^n are such sets, so the
 * best window is at least max_t |(K/2 + t) n Z^n|; independent windows per
 * row can do better still.
 *
 * A window set containing 0 consists of points of K n Z^n, so counting runs
 * over the DS points, never over a box of Z^n. The search starts from the
 * translates t = u/2 (u in K, one per class of Z^n / 2Z^n: the other t of
 * the half-integer grid give translated, equal-sized sets) and improves one
 * row's window at a time. The clique found is checked pair by pair against
 * DS before it counts, so a wrong row can only weaken the bound. */
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "lattice/lattice_internal.h"

#define MAX_DIRECTIONS 64
/* Point-row updates, and pairwise membership tests of the verification:
 * a fraction of a second at 10^4 points. A clique too large to check in
 * full counts only its checked part. */
#define MAX_STEPS 60000000
#define MAX_TESTS 10000000

typedef struct windows {
    size_t n, m, count;
    int64_t a[MAX_DIRECTIONS][MC_LAT_D]; /* divided by their gcd, first nonzero > 0 */
    int64_t width[MAX_DIRECTIONS];
    int64_t low[MAX_DIRECTIONS];         /* the current windows                    */
    int64_t *points;                     /* count * n: 0 and the points of K n Z^n  */
    int64_t *values;                     /* count * m: a_r . point                 */
    unsigned char *outside;              /* count: rows whose window misses it     */
    size_t *members;                     /* scratch: the clique being verified     */
    long steps;
} windows;

/* Adds |a.x| <= b as a direction; parallel rows keep the tightest width.
 * False when the row cannot be represented (b < 0 leaves K empty; too many
 * directions): dropping a row would enlarge K beyond DS. */
static bool add_direction(windows *w, const int64_t *a, int64_t b)
{
    int64_t row[MC_LAT_D], g = 0;
    for (size_t i = 0; i < w->n; ++i) g = mc_gcd_i64(g, a[i] < 0 ? -a[i] : a[i]);
    if (b < 0) return false;
    if (g == 0) return true; /* 0 <= b: no constraint */
    for (size_t i = 0; i < w->n; ++i) row[i] = a[i] / g;
    mc_lat_canonical(w->n, row);
    int64_t width = b / g;
    for (size_t r = 0; r < w->m; ++r)
        if (!memcmp(w->a[r], row, w->n * sizeof *row)) {
            if (width < w->width[r]) w->width[r] = width;
            return true;
        }
    if (w->m == MAX_DIRECTIONS) return false;
    memcpy(w->a[w->m], row, sizeof row);
    w->width[w->m++] = width;
    return true;
}

/* a.x when |a.x| <= width, else false (an overflow is outside too). */
static bool row_value(const windows *w, size_t r, const int64_t *x, int64_t *value)
{
    int64_t sum = 0, t;
    for (size_t i = 0; i < w->n; ++i)
        if (__builtin_mul_overflow(w->a[r][i], x[i], &t) || __builtin_add_overflow(sum, t, &sum)) return false;
    *value = sum;
    return sum <= w->width[r] && sum >= -w->width[r];
}

/* Keeps 0 and the signed DS points inside K, with their row values. */
static bool collect(windows *w, const mc_lattice_set *set)
{
    size_t cap = 2 * set->half + 1, n = w->n;
    w->points = malloc(cap * n * sizeof *w->points);
    w->values = malloc(cap * (w->m ? w->m : 1) * sizeof *w->values);
    w->outside = malloc(cap);
    w->members = malloc(cap * sizeof *w->members);
    if (!w->points || !w->values || !w->outside || !w->members) return false;
    for (size_t k = 0; k < cap; ++k) {
        int64_t *x = w->points + w->count * n, *v = w->values + w->count * w->m;
        for (size_t i = 0; i < n; ++i) x[i] = k == 0 ? 0 : (k % 2 ? 1 : -1) * mc_lat_point(set, (k - 1) / 2)[i];
        bool inside = true;
        for (size_t r = 0; r < w->m && inside; ++r) inside = row_value(w, r, x, &v[r]);
        w->count += inside;
    }
    return true;
}

static bool misses(const windows *w, size_t p, size_t r)
{
    int64_t v = w->values[p * w->m + r];
    return v < w->low[r] || v > w->low[r] + w->width[r];
}

/* Recounts, for every point, the rows whose windows miss it; returns how
 * many points every window holds (the clique's size). */
static size_t recount(windows *w)
{
    size_t size = 0;
    for (size_t p = 0; p < w->count; ++p) {
        unsigned char out = 0;
        for (size_t r = 0; r < w->m; ++r) out += misses(w, p, r);
        w->outside[p] = out;
        size += out == 0;
    }
    w->steps += (long)(w->count * w->m);
    return size;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Moves row r's window to where it holds the most points among those all
 * other windows hold (the values in sorted order, two pointers); updates
 * the miss counts. */
static void improve_row(windows *w, size_t r, int64_t *scratch)
{
    size_t free_points = 0;
    for (size_t p = 0; p < w->count; ++p)
        if (w->outside[p] == misses(w, p, r)) scratch[free_points++] = w->values[p * w->m + r];
    qsort(scratch, free_points, sizeof *scratch, by_value);
    size_t best = 0, end = 0;
    int64_t low = w->low[r];
    for (size_t start = 0; start < free_points; ++start) {
        while (end < free_points && scratch[end] <= scratch[start] + w->width[r]) ++end;
        if (end - start > best) best = end - start, low = scratch[start];
    }
    for (size_t p = 0; p < w->count; ++p) w->outside[p] -= misses(w, p, r);
    w->low[r] = low;
    for (size_t p = 0; p < w->count; ++p) w->outside[p] += misses(w, p, r);
    w->steps += (long)(4 * w->count);
}

/* Coordinate ascent over the rows until no window moves the count. */
static size_t ascend(windows *w, int64_t *scratch)
{
    size_t size = recount(w), before = 0;
    while (size > before && w->steps < MAX_STEPS) {
        before = size;
        for (size_t r = 0; r < w->m && w->steps < MAX_STEPS; ++r) improve_row(w, r, scratch);
        size = recount(w);
    }
    return size;
}

/* The windows of the translate K/2 + u/2: l_r = ceil((a_r.u - w_r) / 2),
 * widened to the full width (a superset, still a clique). */
static void translate_windows(windows *w, const int64_t *u_values)
{
    for (size_t r = 0; r < w->m; ++r) {
        int64_t t = u_values[r] - w->width[r]; /* |a.u| <= w: no overflow */
        w->low[r] = t >= 0 ? (t + 1) / 2 : -((-t) / 2);
    }
}

/* The current clique's size after checking every pair of members against
 * DS, members in order, stopping at the first failure or when the tests
 * run out: the checked part is itself a clique. */
static size_t verified(windows *w, const mc_lattice_set *set)
{
    size_t size = 0, n = w->n;
    long tests = MAX_TESTS;
    for (size_t p = 0; p < w->count; ++p) {
        if (w->outside[p]) continue;
        const int64_t *x = w->points + p * n;
        for (size_t q = 0; q < size; ++q, --tests) {
            const int64_t *y = w->points + w->members[q] * n;
            int64_t diff[MC_LAT_D];
            for (size_t i = 0; i < n; ++i) diff[i] = x[i] - y[i]; /* |coords| <= 2^31 */
            if (tests <= 0 || !mc_lattice_set_contains(set, diff)) return size;
        }
        w->members[size++] = p;
    }
    return size;
}

/* Starts from one translate per class of Z^n / 2Z^n met by K and returns
 * the best window clique found, or 0 when memory is out. */
static size_t best_window(windows *w, const mc_lattice_set *set)
{
    int64_t *scratch = malloc((w->count ? w->count : 1) * sizeof *scratch);
    int64_t best_low[MAX_DIRECTIONS];
    size_t best = 0;
    unsigned char seen[1u << MC_LAT_D] = {0};
    for (size_t p = 0; scratch && p < w->count && w->steps < MAX_STEPS; ++p) {
        unsigned parity = 0;
        for (size_t i = 0; i < w->n; ++i) parity |= (unsigned)(w->points[p * w->n + i] & 1) << i;
        if (seen[parity]) continue;
        seen[parity] = 1;
        translate_windows(w, w->values + p * w->m);
        size_t size = ascend(w, scratch);
        if (size > best) best = size, memcpy(best_low, w->low, sizeof best_low);
    }
    free(scratch);
    if (best == 0) return 0;
    memcpy(w->low, best_low, sizeof best_low);
    recount(w);
    return verified(w, set);
}

int64_t mc_lat_window_bound(const mc_lattice_set *set, size_t m, const int64_t *a, const int64_t *b, bool *all_of_ds)
{
    *all_of_ds = false;
    windows *w = calloc(1, sizeof *w);
    if (!w) return 1;
    w->n = set->n;
    bool usable = true;
    for (size_t r = 0; r < m && usable; ++r) usable = add_direction(w, a + r * set->n, b[r]);
    size_t best = 0;
    if (usable && w->m > 0 && collect(w, set)) {
        best = best_window(w, set);
        *all_of_ds = best > 0 && w->count == 2 * set->half + 1;
    }
    free(w->points), free(w->values), free(w->outside), free(w->members);
    free(w);
    return best > 1 ? (int64_t)best : 1;
}

int64_t mc_lattice_window_bound(const mc_lattice_set *set, size_t m, const int64_t *a, const int64_t *b)
{
    bool all_of_ds;
    return mc_lat_window_bound(set, m, a, b, &all_of_ds);
}
