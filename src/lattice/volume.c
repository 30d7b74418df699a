/* The Minkowski lower bound for polytope inputs. Every row a.x <= b has an
 * integer left side that is a multiple of g = gcd(a), so the integer points
 * of P are those of K = {x : |a.x| < g (floor(b / g) + 1) for every row}
 * (the mirrored rows only drop points, which keeps K inside P on Z^n). K is
 * convex and symmetric; a lattice meeting DS only in 0 meets every compact
 * K' inside K only in 0, so by Minkowski's theorem 2^n det >= Vol(K') for
 * all of them, hence det >= Vol(K) / 2^n. Relaxing to the next multiple of
 * g is what makes this bound competitive: Vol(P) / 2^n alone is far weaker.
 *
 * The volume is Lasserre's recursion (Vol_n(P) = 1/n sum_j b_j / |a_ji|
 * Vol_{n-1}(facet j projected along axis i)) in double precision; the
 * inputs are small integers, so a relative safety margin far above the
 * rounding error keeps the bound valid. */
#include <math.h> /* HUGE_VAL and isfinite only: the library does not link libm */
#include <stdlib.h>
#include <string.h>

#include "lattice/lattice_internal.h"

#define MAX_ROWS 64
/* Lasserre's recursion takes about m!/(m-n)! steps: beyond this many calls
 * the bound is skipped (1), never approximated. */
#define MAX_CALLS 2000000
#define TOLERANCE 1e-9
#define MARGIN 1e-7

static double absolute(double x) { return x < 0 ? -x : x; }
static double larger(double x, double y) { return x > y ? x : y; }
static double smaller(double x, double y) { return x < y ? x : y; }

typedef struct halfspaces {
    size_t n, m;
    double rows[MAX_ROWS][MC_LAT_D + 1]; /* coefficients, then the right side */
} halfspaces;

/* Scales rows to max |a_i| = 1, drops empty rows and keeps the tightest of
 * parallel duplicates (Lasserre's formula counts each facet once). False
 * when a row 0 <= b < 0 makes the set empty. */
static bool tidy(halfspaces *s)
{
    size_t kept = 0;
    for (size_t r = 0; r < s->m; ++r) {
        double *row = s->rows[r], scale = 0;
        for (size_t i = 0; i < s->n; ++i) scale = larger(scale, absolute(row[i]));
        if (scale < TOLERANCE) {
            if (row[s->n] < -TOLERANCE) return false;
            continue;
        }
        for (size_t i = 0; i <= s->n; ++i) row[i] /= scale;
        size_t same = 0;
        while (same < kept) {
            size_t i = 0;
            while (i < s->n && absolute(s->rows[same][i] - row[i]) < TOLERANCE) ++i;
            if (i == s->n) break;
            ++same;
        }
        if (same < kept) s->rows[same][s->n] = smaller(s->rows[same][s->n], row[s->n]);
        else memmove(s->rows[kept++], row, sizeof s->rows[0]);
    }
    s->m = kept;
    return true;
}

static double interval(const halfspaces *s)
{
    double low = -HUGE_VAL, high = HUGE_VAL;
    for (size_t r = 0; r < s->m; ++r) {
        double a = s->rows[r][0], b = s->rows[r][1];
        if (a > 0) high = smaller(high, b / a);
        else low = larger(low, b / a);
    }
    return high > low ? high - low : 0;
}

/* Volume of the bounded set s, or a negative value once *calls runs out. */
static double volume(halfspaces *s, long *calls)
{
    if (--*calls < 0) return -1;
    if (!tidy(s)) return 0;
    if (s->n == 1) return interval(s);
    double sum = 0;
    for (size_t j = 0; j < s->m; ++j) {
        const double *facet = s->rows[j];
        if (absolute(facet[s->n]) < TOLERANCE) continue; /* a cone of height 0 */
        size_t axis = 0;
        for (size_t i = 1; i < s->n; ++i)
            if (absolute(facet[i]) > absolute(facet[axis])) axis = i;
        /* On the facet, x_axis = (b_j - sum a_ji x_i) / a_j,axis. */
        halfspaces *sub = malloc(sizeof *sub);
        if (!sub) return -1;
        sub->n = s->n - 1, sub->m = 0;
        for (size_t r = 0; r < s->m; ++r) {
            if (r == j) continue;
            double ratio = s->rows[r][axis] / facet[axis];
            double *out = sub->rows[sub->m++];
            for (size_t i = 0, o = 0; i <= s->n; ++i)
                if (i != axis) out[o++] = s->rows[r][i] - ratio * facet[i];
        }
        double face = volume(sub, calls);
        free(sub);
        if (face < 0) return -1;
        sum += facet[s->n] / absolute(facet[axis]) * face;
    }
    return sum / (double)s->n;
}

int64_t mc_lattice_volume_bound(size_t n, size_t m, const int64_t *a, const int64_t *b)
{
    if (n < 1 || n > MC_LAT_D || 2 * m > MAX_ROWS) return 1;
    halfspaces *s = malloc(sizeof *s);
    if (!s) return 1;
    s->n = n, s->m = 0;
    for (size_t r = 0; r < m; ++r) {
        int64_t g = 0;
        for (size_t i = 0; i < n; ++i) {
            int64_t v = a[r * n + i] < 0 ? -a[r * n + i] : a[r * n + i];
            while (v) {
                int64_t t = g % v;
                g = v, v = t;
            }
        }
        if (g == 0 || b[r] < 0) continue; /* 0 <= b: no constraint; b < 0: not ours to judge */
        double relaxed = (double)(g * (b[r] / g + 1));
        for (int sign = -1; sign <= 1; sign += 2) {
            double *row = s->rows[s->m++];
            for (size_t i = 0; i < n; ++i) row[i] = sign * (double)a[r * n + i];
            row[n] = relaxed;
        }
    }
    long calls = MAX_CALLS;
    double v = volume(s, &calls);
    free(s);
    /* Unbounded or out of budget: no bound. */
    if (!(v > 0) || !isfinite(v)) return 1;
    double scaled = v / (double)(1u << n) * (1 - MARGIN);
    if (scaled >= 1e18) return 1;
    int64_t bound = (int64_t)scaled; /* truncation is floor: scaled > 0 */
    if ((double)bound < scaled) ++bound;
    return bound < 1 ? 1 : bound;
}
