/* Exact integer matrix reductions: Hermite form (the canonical name of a
 * lattice) and Smith form with its left transform (the allocation sigma).
 * Every product goes through __int128 and is checked back into int64. */
#include <string.h>

#include "lattice/lattice_internal.h"

__extension__ typedef __int128 i128;

static bool fits(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* g = x*a + y*b with g = gcd(a, b) >= 0. */
static int64_t ext_gcd(int64_t a, int64_t b, int64_t *x, int64_t *y)
{
    int64_t x0 = 1, y0 = 0, x1 = 0, y1 = 1;
    while (b != 0) {
        int64_t q = a / b, t = a - q * b;
        a = b, b = t;
        t = x0 - q * x1, x0 = x1, x1 = t;
        t = y0 - q * y1, y0 = y1, y1 = t;
    }
    if (a < 0) a = -a, x0 = -x0, y0 = -y0;
    *x = x0, *y = y0;
    return a;
}

/* Column j <- p*col_j + q*col_k over n rows (or rows, when by_row). */
static bool combine(int64_t *m, size_t n, bool by_row, size_t j, size_t k, int64_t p, int64_t q,
                    int64_t *out)
{
    for (size_t r = 0; r < n; ++r) {
        int64_t a = by_row ? m[MC_LAT_AT(j, r)] : m[MC_LAT_AT(r, j)];
        int64_t b = by_row ? m[MC_LAT_AT(k, r)] : m[MC_LAT_AT(r, k)];
        i128 v = (i128)p * a + (i128)q * b;
        if (!fits(v)) return false;
        out[r] = (int64_t)v;
    }
    return true;
}

static void store(int64_t *m, size_t n, bool by_row, size_t j, const int64_t *v)
{
    for (size_t r = 0; r < n; ++r) {
        if (by_row) m[MC_LAT_AT(j, r)] = v[r];
        else m[MC_LAT_AT(r, j)] = v[r];
    }
}

/* Replaces lines j, k (columns, or rows when by_row) by the unimodular pair
 * (x*j + y*k, (b/g)*j - (a/g)*k) where a, b are their entries at `pivot`, so
 * that line j's pivot entry becomes gcd(a, b) and line k's becomes 0. */
static bool gcd_step(int64_t *m, size_t n, bool by_row, size_t j, size_t k, size_t pivot)
{
    int64_t a = by_row ? m[MC_LAT_AT(j, pivot)] : m[MC_LAT_AT(pivot, j)];
    int64_t b = by_row ? m[MC_LAT_AT(k, pivot)] : m[MC_LAT_AT(pivot, k)];
    int64_t x, y, g = ext_gcd(a, b, &x, &y);
    int64_t nj[MC_LAT_D], nk[MC_LAT_D];
    if (!combine(m, n, by_row, j, k, x, y, nj) || !combine(m, n, by_row, j, k, b / g, -(a / g), nk))
        return false;
    store(m, n, by_row, j, nj);
    store(m, n, by_row, k, nk);
    return true;
}

mc_status mc_lat_hnf(size_t n, const int64_t *basis, int64_t *hnf, mc_error *err)
{
    int64_t a[MC_LAT_D * MC_LAT_D];
    memcpy(a, basis, sizeof a);
    for (size_t i = n; i-- > 0;) {
        for (size_t j = 0; j < i; ++j) {
            if (a[MC_LAT_AT(i, j)] == 0) continue;
            if (!gcd_step(a, n, false, i, j, i)) goto overflow;
        }
        int64_t d = a[MC_LAT_AT(i, i)];
        if (d == 0) return mc_error_set(err, MC_ERR_INVALID, "lattice basis is not of full rank");
        int64_t col[MC_LAT_D];
        if (d < 0) {
            if (!combine(a, n, false, i, i, -1, 0, col)) goto overflow;
            store(a, n, false, i, col);
            d = -d;
        }
        for (size_t j = i + 1; j < n; ++j) {
            int64_t f = floor_div(a[MC_LAT_AT(i, j)], d);
            if (!combine(a, n, false, j, i, 1, -f, col)) goto overflow;
            store(a, n, false, j, col);
        }
    }
    memcpy(hnf, a, sizeof a);
    return MC_OK;
overflow:
    return mc_error_set(err, MC_ERR_OVERFLOW, "Hermite form of the lattice overflows int64");
}

/* Position (in the trailing block from t) of a nonzero entry of smallest
 * magnitude; false when the block is zero. */
static bool smallest_entry(const int64_t *a, size_t n, size_t t, size_t *pi, size_t *pj)
{
    bool found = false;
    int64_t best = 0;
    for (size_t i = t; i < n; ++i)
        for (size_t j = t; j < n; ++j) {
            int64_t v = a[MC_LAT_AT(i, j)];
            if (v == 0) continue;
            int64_t mag = v < 0 ? -v : v;
            if (!found || mag < best) found = true, best = mag, *pi = i, *pj = j;
        }
    return found;
}

static void swap_lines(int64_t *m, size_t n, bool by_row, size_t j, size_t k)
{
    for (size_t r = 0; r < n; ++r) {
        int64_t *p = by_row ? &m[MC_LAT_AT(j, r)] : &m[MC_LAT_AT(r, j)];
        int64_t *q = by_row ? &m[MC_LAT_AT(k, r)] : &m[MC_LAT_AT(r, k)];
        int64_t t = *p;
        *p = *q, *q = t;
    }
}

/* Row k -= f * row t in both a and u (the left transform follows rows). */
static bool row_sub(int64_t *a, int64_t *u, size_t n, size_t k, size_t t, int64_t f)
{
    int64_t v[MC_LAT_D];
    if (!combine(a, n, true, k, t, 1, -f, v)) return false;
    store(a, n, true, k, v);
    if (!combine(u, n, true, k, t, 1, -f, v)) return false;
    store(u, n, true, k, v);
    return true;
}

/* One pass of clearing row t and column t with the pivot at (t, t); returns
 * false on overflow, sets *clean when nothing but the pivot is left. */
static bool clear_cross(int64_t *a, int64_t *u, size_t n, size_t t, bool *clean)
{
    int64_t p = a[MC_LAT_AT(t, t)];
    *clean = true;
    for (size_t k = t + 1; k < n; ++k) {
        int64_t f = floor_div(a[MC_LAT_AT(k, t)], p);
        if (f != 0 && !row_sub(a, u, n, k, t, f)) return false;
        if (a[MC_LAT_AT(k, t)] != 0) *clean = false;
        int64_t col[MC_LAT_D];
        f = floor_div(a[MC_LAT_AT(t, k)], p);
        if (!combine(a, n, false, k, t, 1, -f, col)) return false;
        store(a, n, false, k, col);
        if (a[MC_LAT_AT(t, k)] != 0) *clean = false;
    }
    return true;
}

/* The first row below t holding an entry the pivot does not divide. */
static size_t non_divisible_row(const int64_t *a, size_t n, size_t t)
{
    for (size_t i = t + 1; i < n; ++i)
        for (size_t j = t + 1; j < n; ++j)
            if (a[MC_LAT_AT(i, j)] % a[MC_LAT_AT(t, t)] != 0) return i;
    return n;
}

mc_status mc_lat_smith(size_t n, const int64_t *input, int64_t *u, int64_t *s, mc_error *err)
{
    int64_t a[MC_LAT_D * MC_LAT_D];
    memcpy(a, input, sizeof a);
    memset(u, 0, MC_LAT_D * MC_LAT_D * sizeof *u);
    for (size_t i = 0; i < n; ++i) u[MC_LAT_AT(i, i)] = 1;
    for (size_t t = 0; t < n; ++t) {
        for (;;) {
            size_t pi, pj;
            if (!smallest_entry(a, n, t, &pi, &pj))
                return mc_error_set(err, MC_ERR_INVALID, "singular matrix has no Smith form");
            swap_lines(a, n, true, t, pi);
            swap_lines(u, n, true, t, pi);
            swap_lines(a, n, false, t, pj);
            bool clean;
            if (!clear_cross(a, u, n, t, &clean)) goto overflow;
            if (!clean) continue;
            size_t k = non_divisible_row(a, n, t);
            if (k == n) break;
            if (!row_sub(a, u, n, t, k, -1)) goto overflow; /* row t += row k */
        }
        if (a[MC_LAT_AT(t, t)] < 0 && !row_sub(a, u, n, t, t, 2)) goto overflow; /* negate */
        s[t] = a[MC_LAT_AT(t, t)];
    }
    return MC_OK;
overflow:
    return mc_error_set(err, MC_ERR_OVERFLOW, "Smith form of the lattice overflows int64");
}

bool mc_lat_triangular_contains(size_t k, const int64_t *h, const int64_t *x, bool *overflow)
{
    int64_t y[MC_LAT_D];
    memcpy(y, x, k * sizeof *y);
    for (size_t i = k; i-- > 0;) {
        int64_t d = h[MC_LAT_AT(i, i)];
        if (y[i] % d != 0) return false;
        int64_t q = y[i] / d;
        for (size_t j = 0; j < i; ++j) {
            i128 v = (i128)y[j] - (i128)q * h[MC_LAT_AT(j, i)];
            if (!fits(v)) {
                *overflow = true;
                return false;
            }
            y[j] = (int64_t)v;
        }
    }
    return true;
}
