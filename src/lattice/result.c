/* Turning a lattice basis into a result, and checking a result against DS:
 * nothing is reported that has not been verified point by point. */
#include <string.h>

#include "common/clock.h"
#include "lattice/lattice_internal.h"

__extension__ typedef __int128 i128;

static bool mul_checked(int64_t a, int64_t b, int64_t *out) { return !__builtin_mul_overflow(a, b, out); }

mc_status mc_lattice_from_basis(size_t n, const int64_t *basis, mc_lattice_result *result,
                                mc_error *err)
{
    if (n < 1 || n > MC_LATTICE_MAX_DIM)
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "dimension %zu: expected 1 to %d", n,
                            MC_LATTICE_MAX_DIM);
    memset(result, 0, sizeof *result);
    result->n = n;
    mc_status st = mc_lat_hnf(n, basis, result->hnf, err);
    if (st != MC_OK) return st;
    if ((st = mc_lat_smith(n, result->hnf, result->u, result->s, err)) != MC_OK) return st;
    int64_t size = 1;
    for (size_t i = 0; i < n; ++i)
        if (!mul_checked(size, result->hnf[MC_LAT_AT(i, i)], &size))
            return mc_error_set(err, MC_ERR_OVERFLOW, "lattice determinant overflows int64");
    result->size = size;
    result->lower_bound = 1;
    return MC_OK;
}

bool mc_lattice_kernel_contains(const mc_lattice_result *result, const int64_t *x)
{
    bool overflow = false;
    bool inside = mc_lat_triangular_contains(result->n, result->hnf, x, &overflow);
    return inside && !overflow;
}

/* (U x)_i mod s_i for every i, in __int128: |u| < 2^63, |x| <= 2^31, n <= 8. */
static bool sigma_is_zero(const mc_lattice_result *r, const int64_t *x)
{
    for (size_t i = 0; i < r->n; ++i) {
        if (r->s[i] == 1) continue;
        i128 v = 0;
        for (size_t j = 0; j < r->n; ++j) v += (i128)r->u[MC_LAT_AT(i, j)] * x[j];
        if (v % r->s[i] != 0) return false;
    }
    return true;
}

/* Fraction-free Gaussian elimination (Bareiss); false on overflow. */
static bool determinant(size_t n, const int64_t *m, i128 *det)
{
    i128 a[MC_LAT_D][MC_LAT_D], prev = 1;
    int sign = 1;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) a[i][j] = m[MC_LAT_AT(i, j)];
    for (size_t k = 0; k + 1 < n; ++k) {
        size_t p = k;
        while (p < n && a[p][k] == 0) ++p;
        if (p == n) return *det = 0, true;
        if (p != k) {
            for (size_t j = 0; j < n; ++j) {
                i128 t = a[k][j];
                a[k][j] = a[p][j], a[p][j] = t;
            }
            sign = -sign;
        }
        for (size_t i = k + 1; i < n; ++i)
            for (size_t j = k + 1; j < n; ++j) {
                i128 x, y;
                if (__builtin_mul_overflow(a[i][j], a[k][k], &x) ||
                    __builtin_mul_overflow(a[i][k], a[k][j], &y) || __builtin_sub_overflow(x, y, &x))
                    return false;
                a[i][j] = x / prev;
            }
        prev = a[k][k];
    }
    *det = sign * a[n - 1][n - 1];
    return true;
}

static void format_point(char *buf, size_t cap, size_t n, const int64_t *x)
{
    size_t used = 0;
    for (size_t i = 0; i < n && used < cap; ++i) {
        int w = snprintf(buf + used, cap - used, "%s%lld", i ? "," : "(", (long long)x[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (used < cap) snprintf(buf + used, cap - used, ")");
}

/* hnf is in Hermite form, u is unimodular, s is a divisibility chain whose
 * product is size, and u maps every kernel basis vector to 0 mod s: then the
 * kernel of sigma is exactly the lattice spanned by hnf. */
static mc_status check_consistency(const mc_lattice_result *r, mc_error *err)
{
    int64_t det = 1, prod = 1;
    for (size_t i = 0; i < r->n; ++i) {
        int64_t d = r->hnf[MC_LAT_AT(i, i)];
        if (d < 1) return mc_error_set(err, MC_ERR_INVALID, "kernel basis is not in Hermite form");
        for (size_t j = i + 1; j < r->n; ++j)
            if (r->hnf[MC_LAT_AT(i, j)] < 0 || r->hnf[MC_LAT_AT(i, j)] >= d || r->hnf[MC_LAT_AT(j, i)] != 0)
                return mc_error_set(err, MC_ERR_INVALID, "kernel basis is not in Hermite form");
        if (r->s[i] < 1 || (i > 0 && r->s[i] % r->s[i - 1] != 0))
            return mc_error_set(err, MC_ERR_INVALID, "moduli are not a Smith divisibility chain");
        if (!mul_checked(det, d, &det) || !mul_checked(prod, r->s[i], &prod))
            return mc_error_set(err, MC_ERR_OVERFLOW, "lattice determinant overflows int64");
    }
    if (det != r->size || prod != r->size)
        return mc_error_set(err, MC_ERR_INVALID, "size %lld disagrees with the kernel (%lld) or moduli (%lld)",
                            (long long)r->size, (long long)det, (long long)prod);
    i128 du;
    if (!determinant(r->n, r->u, &du) || (du != 1 && du != -1))
        return mc_error_set(err, MC_ERR_INVALID, "transform U is not unimodular");
    for (size_t j = 0; j < r->n; ++j) {
        int64_t col[MC_LAT_D];
        for (size_t i = 0; i < r->n; ++i) col[i] = r->hnf[MC_LAT_AT(i, j)];
        if (!sigma_is_zero(r, col))
            return mc_error_set(err, MC_ERR_INVALID, "sigma is not zero on kernel basis vector %zu", j + 1);
    }
    return MC_OK;
}

mc_status mc_lattice_validate(const mc_lattice_set *set, const mc_lattice_result *r, mc_error *err)
{
    if (r->n != set->n)
        return mc_error_set(err, MC_ERR_INVALID, "lattice of dimension %zu for a set of dimension %zu",
                            r->n, set->n);
    mc_status st = check_consistency(r, err);
    if (st != MC_OK) return st;
    for (size_t p = 0; p < set->half; ++p) {
        const int64_t *x = mc_lat_point(set, p);
        bool in_sigma = sigma_is_zero(r, x);
        if (in_sigma || mc_lattice_kernel_contains(r, x)) {
            char buf[200];
            format_point(buf, sizeof buf, set->n, x);
            return mc_error_set(err, MC_ERR_INFEASIBLE, "difference %s is in the kernel: %s", buf,
                                in_sigma ? "sigma maps it to 0" : "the Hermite basis contains it");
        }
    }
    return MC_OK;
}

mc_status mc_lat_finish(const mc_lattice_set *set, const int64_t *basis, mc_lattice_method method,
                        double t0, mc_lattice_result *result, mc_error *err)
{
    mc_status st = mc_lattice_from_basis(set->n, basis, result, err);
    if (st == MC_OK) st = mc_lattice_validate(set, result, err);
    result->method = method;
    result->seconds = mc_clock_seconds() - t0;
    return st;
}
