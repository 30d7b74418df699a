/* Integer points of a polytope {x : A x <= b}. Fourier-Motzkin elimination
 * gives, for every k, the exact projection onto the first k coordinates, so
 * a depth-first walk can bound x_k given x_0..x_{k-1}. Every visited prefix
 * has a real completion: a missing bound there proves the polytope is
 * unbounded, and 0 (required to be inside) guarantees such a prefix is seen. */
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/sort.h"
#include "lattice/lattice_internal.h"

__extension__ typedef __int128 i128;

#define DEFAULT_MAX_POINTS 2000000
#define MAX_INEQUALITIES 100000
/* Dead ends (prefixes without integer completions) are bounded too. */
#define VISITS_PER_POINT 64

typedef struct ineq_system {
    size_t count;
    int64_t *rows; /* count * (n + 1): coefficients, then the right side */
} ineq_system;

typedef struct walker {
    size_t n, found, max_points;
    uint64_t visits, max_visits;
    ineq_system levels[MC_LAT_D + 1]; /* levels[k] involves x_0 .. x_{k-1} */
    int64_t x[MC_LAT_D];
    int64_t *points;
    size_t cap;
    mc_status status;
    mc_error *err;
} walker;

/* Divides a row by the gcd of all its entries (keeps the real set). */
static void normalize(int64_t *row, size_t n)
{
    int64_t g = 0;
    for (size_t i = 0; i <= n; ++i) g = mc_gcd_i64(g, row[i] < 0 ? -row[i] : row[i]);
    if (g > 1)
        for (size_t i = 0; i <= n; ++i) row[i] /= g;
}

static bool append(ineq_system *s, size_t n, const int64_t *row, size_t *cap)
{
    if (s->count == *cap) {
        size_t grown = *cap ? 2 * *cap : 16;
        int64_t *rows = realloc(s->rows, grown * (n + 1) * sizeof *rows);
        if (!rows) return false;
        s->rows = rows, *cap = grown;
    }
    memcpy(s->rows + s->count++ * (n + 1), row, (n + 1) * sizeof *row);
    return true;
}

/* ------------------------------------------------- redundant inequalities */

/* Rows of one level that point the same way (coefficients proportional)
 * bound the same half-spaces but one: only the tightest matters, and it
 * alone gives the same real set. An all-zero row always holds (its right
 * side is >= 0 because 0 is inside). Without this pass, eliminating from a
 * 4-D cross polytope's 16 facets makes 64, then thousands, then more than
 * 10^5 rows, nearly all copies of a few dozen. */
typedef struct direction_order {
    const int64_t *rows;
    const int64_t *gcd; /* per row: gcd of its coefficients */
    size_t n;
} direction_order;

static int64_t coefficient_gcd(const int64_t *row, size_t n)
{
    int64_t g = 0;
    for (size_t i = 0; i < n; ++i) g = mc_gcd_i64(g, row[i] < 0 ? -row[i] : row[i]);
    return g;
}

/* Lexicographic on the coefficients divided by their gcd. */
static int compare_direction(int32_t a, int32_t b, const void *context)
{
    const direction_order *o = context;
    const int64_t *ra = o->rows + (size_t)a * (o->n + 1), *rb = o->rows + (size_t)b * (o->n + 1);
    for (size_t i = 0; i < o->n; ++i) {
        int64_t va = ra[i] / o->gcd[a], vb = rb[i] / o->gcd[b];
        if (va != vb) return va < vb ? -1 : 1;
    }
    return 0;
}

/* Row a's bound is tighter than row b's (same direction): b_a/g_a < b_b/g_b. */
static bool tighter(const direction_order *o, int32_t a, int32_t b)
{
    size_t n = o->n;
    return (i128)o->rows[(size_t)a * (n + 1) + n] * o->gcd[b] < (i128)o->rows[(size_t)b * (n + 1) + n] * o->gcd[a];
}

static bool drop_redundant(ineq_system *s, size_t n)
{
    size_t m = s->count, kept = 0, live = 0;
    int32_t *order = malloc((m + 1) * sizeof *order), *scratch = malloc((m + 1) * sizeof *scratch);
    int64_t *gcd = malloc((m + 1) * sizeof *gcd), *rows = malloc((m + 1) * (n + 1) * sizeof *rows);
    bool ok = order && scratch && gcd && rows;
    for (size_t p = 0; ok && p < m; ++p) {
        gcd[p] = coefficient_gcd(s->rows + p * (n + 1), n);
        if (gcd[p] != 0) order[live++] = (int32_t)p;
        else if (s->rows[p * (n + 1) + n] < 0) /* cannot happen with 0 inside; kept to stay exact */
            memcpy(rows + kept++ * (n + 1), s->rows + p * (n + 1), (n + 1) * sizeof *rows);
    }
    if (ok) {
        direction_order o = {s->rows, gcd, n};
        mc_sort_indices(order, live, scratch, compare_direction, &o);
        for (size_t i = 0; i < live;) {
            int32_t best = order[i];
            size_t j = i + 1;
            for (; j < live && compare_direction(order[i], order[j], &o) == 0; ++j)
                if (tighter(&o, order[j], best)) best = order[j];
            memcpy(rows + kept++ * (n + 1), s->rows + (size_t)best * (n + 1), (n + 1) * sizeof *rows);
            i = j;
        }
        free(s->rows);
        s->rows = rows, s->count = kept;
        rows = NULL;
    }
    free(order), free(scratch), free(gcd), free(rows);
    return ok;
}

/* levels[k] from levels[k+1] by eliminating x_k. */
static mc_status eliminate(walker *w, size_t k)
{
    size_t n = w->n, cap = 0;
    const ineq_system *in = &w->levels[k + 1];
    ineq_system *out = &w->levels[k];
    for (size_t p = 0; p < in->count; ++p) {
        const int64_t *rp = in->rows + p * (n + 1);
        if (rp[k] == 0 && !append(out, n, rp, &cap)) goto nomem;
        if (rp[k] <= 0) continue;
        for (size_t q = 0; q < in->count; ++q) {
            const int64_t *rq = in->rows + q * (n + 1);
            if (rq[k] >= 0) continue;
            int64_t row[MC_LAT_D + 1];
            for (size_t i = 0; i <= n; ++i) {
                i128 v = (i128)(-rq[k]) * rp[i] + (i128)rp[k] * rq[i];
                if (v > INT64_MAX || v < INT64_MIN)
                    return mc_error_set(w->err, MC_ERR_OVERFLOW,
                                        "polytope: eliminating coordinate %zu overflows int64", k + 1);
                row[i] = (int64_t)v;
            }
            normalize(row, n);
            if (out->count >= MAX_INEQUALITIES)
                return mc_error_set(w->err, MC_ERR_UNSUPPORTED,
                                    "polytope: projection needs more than %d inequalities", MAX_INEQUALITIES);
            if (!append(out, n, row, &cap)) goto nomem;
        }
    }
    if (drop_redundant(out, n)) return MC_OK;
nomem:
    return mc_error_set(w->err, MC_ERR_NOMEM, "polytope: out of memory during elimination");
}

static int64_t floor_div128(i128 a, int64_t b)
{
    i128 q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) --q;
    if (q > MC_LATTICE_COORD_MAX) q = MC_LATTICE_COORD_MAX + 1;
    if (q < -MC_LATTICE_COORD_MAX) q = -MC_LATTICE_COORD_MAX - 1;
    return (int64_t)q;
}

/* Range of x_k given x_0..x_{k-1}; false when the range is unbounded. */
static bool range(const walker *w, size_t k, int64_t *lo, int64_t *hi)
{
    const ineq_system *s = &w->levels[k + 1];
    bool has_lo = false, has_hi = false;
    *lo = 1, *hi = 0;
    int64_t l = 0, h = 0;
    for (size_t p = 0; p < s->count; ++p) {
        const int64_t *r = s->rows + p * (w->n + 1);
        i128 t = r[w->n];
        for (size_t j = 0; j < k; ++j) t -= (i128)r[j] * w->x[j];
        if (r[k] == 0) {
            if (t < 0) return true; /* empty fibre: leave lo > hi */
            continue;
        }
        if (r[k] > 0) {
            int64_t v = floor_div128(t, r[k]);
            if (!has_hi || v < h) h = v, has_hi = true;
        } else {
            int64_t v = -floor_div128(t, -r[k]); /* ceil(t / r[k]), r[k] < 0 */
            if (!has_lo || v > l) l = v, has_lo = true;
        }
    }
    if (!has_lo || !has_hi) return false;
    *lo = l, *hi = h;
    return true;
}

static bool keep_point(walker *w)
{
    if (w->found == w->cap) {
        size_t grown = w->cap ? 2 * w->cap : 1024;
        int64_t *pts = realloc(w->points, grown * w->n * sizeof *pts);
        if (!pts) return false;
        w->points = pts, w->cap = grown;
    }
    memcpy(w->points + w->found++ * w->n, w->x, w->n * sizeof *w->x);
    return true;
}

static void walk(walker *w, size_t k)
{
    if (w->status != MC_OK) return;
    if (k == w->n) {
        if (w->found == w->max_points)
            w->status = mc_error_set(w->err, MC_ERR_UNSUPPORTED,
                                     "polytope: more than %zu integer points", w->max_points);
        else if (!keep_point(w))
            w->status = mc_error_set(w->err, MC_ERR_NOMEM, "polytope: out of memory storing points");
        return;
    }
    int64_t lo, hi;
    if (!range(w, k, &lo, &hi)) {
        w->status = mc_error_set(w->err, MC_ERR_INVALID,
                                 "polytope is unbounded along coordinate %zu: add inequalities bounding it", k + 1);
        return;
    }
    if (lo < -MC_LATTICE_COORD_MAX || hi > MC_LATTICE_COORD_MAX) {
        w->status = mc_error_set(w->err, MC_ERR_OVERFLOW, "polytope: coordinate %zu exceeds 2^31", k + 1);
        return;
    }
    for (int64_t v = lo; v <= hi && w->status == MC_OK; ++v) {
        if (++w->visits > w->max_visits) {
            w->status = mc_error_set(w->err, MC_ERR_UNSUPPORTED,
                                     "polytope: enumeration too long (thin or huge polytope)");
            return;
        }
        w->x[k] = v;
        walk(w, k + 1);
    }
}

/* The rows go with the set: the window bound (window.c) is computed from
 * them when a lower bound is asked for, not on every load. */
static mc_status keep_rows(mc_lattice_set *set, size_t m, const int64_t *a, const int64_t *b, mc_error *err)
{
    set->row_a = malloc((m ? m : 1) * set->n * sizeof *set->row_a);
    set->row_b = malloc((m ? m : 1) * sizeof *set->row_b);
    if (!set->row_a || !set->row_b) return mc_error_set(err, MC_ERR_NOMEM, "polytope: out of memory");
    memcpy(set->row_a, a, m * set->n * sizeof *a);
    memcpy(set->row_b, b, m * sizeof *b);
    set->rows = m;
    return MC_OK;
}

mc_status mc_lattice_set_from_polytope(size_t n, size_t m, const int64_t *a, const int64_t *b,
                                       size_t max_points, mc_lattice_set **out, mc_error *err)
{
    *out = NULL;
    if (n < 1 || n > MC_LATTICE_MAX_DIM)
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "dimension %zu: expected 1 to %d", n, MC_LATTICE_MAX_DIM);
    for (size_t i = 0; i < m; ++i) {
        if (b[i] < 0)
            return mc_error_set(err, MC_ERR_INVALID,
                                "inequality %zu: right side %lld < 0 excludes 0, but a difference set contains 0",
                                i + 1, (long long)b[i]);
        for (size_t j = 0; j <= n; ++j) {
            int64_t v = j < n ? a[i * n + j] : b[i];
            if (v > MC_LATTICE_COORD_MAX || v < -MC_LATTICE_COORD_MAX)
                return mc_error_set(err, MC_ERR_OVERFLOW, "inequality %zu: |%lld| exceeds 2^31", i + 1, (long long)v);
        }
    }
    walker w = {.n = n, .max_points = max_points ? max_points : DEFAULT_MAX_POINTS, .err = err};
    w.max_visits = (uint64_t)w.max_points * VISITS_PER_POINT;
    size_t cap = 0;
    for (size_t i = 0; i < m && w.status == MC_OK; ++i) {
        int64_t row[MC_LAT_D + 1];
        memcpy(row, a + i * n, n * sizeof *row);
        row[n] = b[i];
        normalize(row, n);
        if (!append(&w.levels[n], n, row, &cap))
            w.status = mc_error_set(err, MC_ERR_NOMEM, "polytope: out of memory");
    }
    if (w.status == MC_OK && !drop_redundant(&w.levels[n], n))
        w.status = mc_error_set(err, MC_ERR_NOMEM, "polytope: out of memory");
    for (size_t k = n; k-- > 0 && w.status == MC_OK;) w.status = eliminate(&w, k);
    if (w.status == MC_OK) walk(&w, 0);
    if (w.status == MC_OK) w.status = mc_lattice_set_from_points(n, w.found, w.points, out, err);
    if (w.status == MC_OK) (*out)->volume_bound = mc_lattice_volume_bound(n, m, a, b);
    if (w.status == MC_OK && (w.status = keep_rows(*out, m, a, b, err)) != MC_OK) {
        mc_lattice_set_free(*out);
        *out = NULL;
    }
    for (size_t k = 0; k <= n; ++k) free(w.levels[k].rows);
    free(w.points);
    return w.status;
}
