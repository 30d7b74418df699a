/* Scheme I of Darte-Schreiber-Villard: take a unimodular C whose rows are
 * short for the width of DS, then apply successive modulo to y = C x.
 * "Short" is measured by the ellipsoid approximation of DS: the quadratic
 * form A = sum x x^T, under which LLL reduces the rows of C (widths
 * max |c.x| scale like sqrt(c^T A c)). Floating point only steers the
 * reduction; C, its inverse and the moduli are exact integers. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lattice/lattice_internal.h"

__extension__ typedef __int128 i128;

#define LLL_DELTA 0.99
#define LLL_MAX_STEPS 100000
/* Transformed coordinates stay below this so moduli arithmetic cannot wrap. */
#define Y_LIMIT ((i128)1 << 62)

typedef struct reducer {
    size_t n;
    double form[MC_LAT_D][MC_LAT_D];   /* A */
    int64_t c[MC_LAT_D * MC_LAT_D];    /* rows: the working basis */
    int64_t cinv[MC_LAT_D * MC_LAT_D]; /* C^-1, kept exact alongside */
    double mu[MC_LAT_D][MC_LAT_D], norm[MC_LAT_D];
} reducer;

static double inner(const reducer *r, size_t i, size_t j)
{
    double s = 0;
    for (size_t a = 0; a < r->n; ++a)
        for (size_t b = 0; b < r->n; ++b)
            s += (double)r->c[MC_LAT_AT(i, a)] * r->form[a][b] * (double)r->c[MC_LAT_AT(j, b)];
    return s;
}

/* Gram-Schmidt coefficients from the Gram matrix (n <= 8: recompute). */
static void orthogonalize(reducer *r)
{
    for (size_t i = 0; i < r->n; ++i) {
        for (size_t j = 0; j < i; ++j) {
            double v = inner(r, i, j);
            for (size_t k = 0; k < j; ++k) v -= r->mu[j][k] * r->mu[i][k] * r->norm[k];
            r->mu[i][j] = v / r->norm[j];
        }
        double v = inner(r, i, i);
        for (size_t k = 0; k < i; ++k) v -= r->mu[i][k] * r->mu[i][k] * r->norm[k];
        r->norm[i] = v;
    }
}

/* Row k -= q row j in C, which is column j += q column k in C^-1. */
static bool subtract_row(reducer *r, size_t k, size_t j, int64_t q)
{
    for (size_t a = 0; a < r->n; ++a) {
        i128 v = (i128)r->c[MC_LAT_AT(k, a)] - (i128)q * r->c[MC_LAT_AT(j, a)];
        i128 w = (i128)r->cinv[MC_LAT_AT(a, j)] + (i128)q * r->cinv[MC_LAT_AT(a, k)];
        if (v < INT32_MIN || v > INT32_MAX || w < INT32_MIN || w > INT32_MAX) return false;
        r->c[MC_LAT_AT(k, a)] = (int64_t)v;
        r->cinv[MC_LAT_AT(a, j)] = (int64_t)w;
    }
    return true;
}

static void swap_rows(reducer *r, size_t k)
{
    for (size_t a = 0; a < r->n; ++a) {
        int64_t t = r->c[MC_LAT_AT(k, a)];
        r->c[MC_LAT_AT(k, a)] = r->c[MC_LAT_AT(k - 1, a)], r->c[MC_LAT_AT(k - 1, a)] = t;
        t = r->cinv[MC_LAT_AT(a, k)];
        r->cinv[MC_LAT_AT(a, k)] = r->cinv[MC_LAT_AT(a, k - 1)], r->cinv[MC_LAT_AT(a, k - 1)] = t;
    }
}

static bool reduce(reducer *r)
{
    size_t k = 1, steps = 0;
    orthogonalize(r);
    while (k < r->n) {
        if (++steps > LLL_MAX_STEPS) return true; /* keep the basis reached so far */
        for (size_t j = k; j-- > 0;) {
            double mu = r->mu[k][j];
            /* Rounded by hand: the library does not link libm. */
            if (mu > 1e15 || mu < -1e15) return false;
            int64_t q = (int64_t)(mu < 0 ? mu - 0.5 : mu + 0.5);
            if (q == 0) continue;
            if (!subtract_row(r, k, j, q)) return false;
            orthogonalize(r);
        }
        if (r->norm[k] >= (LLL_DELTA - r->mu[k][k - 1] * r->mu[k][k - 1]) * r->norm[k - 1]) {
            ++k;
        } else {
            swap_rows(r, k);
            orthogonalize(r);
            if (k > 1) --k;
        }
    }
    return true;
}

static void init_form(reducer *r, const mc_lattice_set *set)
{
    size_t n = set->n;
    double trace = 0;
    memset(r->form, 0, sizeof r->form);
    for (size_t p = 0; p < set->half; ++p) {
        const int64_t *x = mc_lat_point(set, p);
        for (size_t a = 0; a < n; ++a)
            for (size_t b = 0; b < n; ++b) r->form[a][b] += (double)x[a] * (double)x[b];
    }
    for (size_t a = 0; a < n; ++a) trace += r->form[a][a];
    /* DS may lie in a subspace; a small ridge keeps the form definite. */
    for (size_t a = 0; a < n; ++a) r->form[a][a] += 1e-6 * (trace + 1.0);
    memset(r->c, 0, sizeof r->c);
    memset(r->cinv, 0, sizeof r->cinv);
    for (size_t a = 0; a < n; ++a) r->c[MC_LAT_AT(a, a)] = r->cinv[MC_LAT_AT(a, a)] = 1;
    r->n = n;
}

static mc_status transform(const reducer *r, const mc_lattice_set *set, int64_t *y, mc_error *err)
{
    size_t n = set->n;
    for (size_t p = 0; p < set->half; ++p)
        for (size_t i = 0; i < n; ++i) {
            i128 v = 0;
            for (size_t j = 0; j < n; ++j) v += (i128)r->c[MC_LAT_AT(i, j)] * mc_lat_point(set, p)[j];
            if (v >= Y_LIMIT || v <= -Y_LIMIT)
                return mc_error_set(err, MC_ERR_OVERFLOW, "Scheme I: reduced coordinates overflow");
            y[p * n + i] = (int64_t)v;
        }
    return MC_OK;
}

mc_status mc_lattice_lll(const mc_lattice_set *set, mc_lattice_result *result, mc_error *err)
{
    double t0 = mc_clock_seconds();
    size_t n = set->n;
    reducer r;
    init_form(&r, set);
    if (!reduce(&r)) return mc_error_set(err, MC_ERR_OVERFLOW, "Scheme I: LLL basis entries overflow");
    int64_t *y = malloc((set->half ? set->half : 1) * n * sizeof *y);
    if (!y) return mc_error_set(err, MC_ERR_NOMEM, "Scheme I: out of memory for %zu points", set->half);
    int64_t rho[MC_LAT_D], size;
    mc_status st = transform(&r, set, y, err);
    if (st == MC_OK) st = mc_lat_modulo_moduli(n, set->half, y, rho, &size, err);
    free(y);
    if (st != MC_OK) return st;
    /* Lattice {x : C x in diag(rho) Z^n}: columns rho_i * (C^-1 column i). */
    int64_t basis[MC_LAT_D * MC_LAT_D] = {0};
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            if (__builtin_mul_overflow(r.cinv[MC_LAT_AT(j, i)], rho[i], &basis[MC_LAT_AT(j, i)]))
                return mc_error_set(err, MC_ERR_OVERFLOW, "Scheme I: lattice basis overflows int64");
    return mc_lat_finish(set, basis, MC_LATTICE_LLL, t0, result, err);
}
