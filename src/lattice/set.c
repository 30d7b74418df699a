/* The difference set DS: symmetric closure, deduplication and membership. */
#include <stdlib.h>
#include <string.h>

#include "lattice/lattice_internal.h"

bool mc_lat_canonical(size_t n, int64_t *x)
{
    for (size_t i = 0; i < n; ++i) {
        if (x[i] == 0) continue;
        if (x[i] < 0)
            for (size_t j = i; j < n; ++j) x[j] = -x[j];
        return true;
    }
    return false;
}

static int compare_points(const int64_t *a, const int64_t *b, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* qsort has no context argument, so sort indices with a hand-written merge
 * sort instead of relying on a global dimension. */
static void merge_sort(int64_t *pts, int64_t *tmp, size_t count, size_t n)
{
    if (count < 2) return;
    size_t mid = count / 2;
    merge_sort(pts, tmp, mid, n);
    merge_sort(pts + mid * n, tmp, count - mid, n);
    size_t i = 0, j = mid, k = 0;
    while (i < mid || j < count) {
        bool left = j == count || (i < mid && compare_points(pts + i * n, pts + j * n, n) <= 0);
        memcpy(tmp + k * n, pts + (left ? i++ : j++) * n, n * sizeof *pts);
        ++k;
    }
    memcpy(pts, tmp, count * n * sizeof *pts);
}

mc_status mc_lattice_set_from_points(size_t n, size_t count, const int64_t *coords,
                                     mc_lattice_set **out, mc_error *err)
{
    *out = NULL;
    if (n < 1 || n > MC_LATTICE_MAX_DIM)
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "dimension %zu: expected 1 to %d", n,
                            MC_LATTICE_MAX_DIM);
    for (size_t i = 0; i < count * n; ++i)
        if (coords[i] > MC_LATTICE_COORD_MAX || coords[i] < -MC_LATTICE_COORD_MAX)
            return mc_error_set(err, MC_ERR_OVERFLOW,
                                "point %zu, coordinate %zu: |%lld| exceeds 2^31", i / n + 1,
                                i % n + 1, (long long)coords[i]);
    mc_lattice_set *set = calloc(1, sizeof *set);
    int64_t *pts = malloc((count ? count : 1) * n * sizeof *pts);
    int64_t *tmp = malloc((count ? count : 1) * n * sizeof *tmp);
    if (!set || !pts || !tmp) {
        free(set), free(pts), free(tmp);
        return mc_error_set(err, MC_ERR_NOMEM, "out of memory storing %zu points", count);
    }
    size_t kept = 0;
    for (size_t i = 0; i < count; ++i) {
        memcpy(pts + kept * n, coords + i * n, n * sizeof *pts);
        if (mc_lat_canonical(n, pts + kept * n)) ++kept;
    }
    merge_sort(pts, tmp, kept, n);
    free(tmp);
    size_t unique = 0;
    for (size_t i = 0; i < kept; ++i)
        if (unique == 0 || compare_points(pts + (unique - 1) * n, pts + i * n, n) != 0)
            memmove(pts + unique++ * n, pts + i * n, n * sizeof *pts);
    set->n = n;
    set->half = unique;
    set->pts = pts;
    *out = set;
    return MC_OK;
}

void mc_lattice_set_free(mc_lattice_set *set)
{
    if (!set) return;
    free(set->pts);
    free(set->row_a);
    free(set->row_b);
    free(set);
}

size_t mc_lattice_set_dim(const mc_lattice_set *set) { return set->n; }

size_t mc_lattice_set_size(const mc_lattice_set *set) { return 2 * set->half + 1; }

bool mc_lattice_set_contains(const mc_lattice_set *set, const int64_t *x)
{
    int64_t y[MC_LATTICE_MAX_DIM];
    memcpy(y, x, set->n * sizeof *y);
    if (!mc_lat_canonical(set->n, y)) return true;
    size_t lo = 0, hi = set->half;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_points(mc_lat_point(set, mid), y, set->n);
        if (c == 0) return true;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return false;
}

void mc_lattice_set_half_point(const mc_lattice_set *set, size_t i, int64_t *out)
{
    memcpy(out, mc_lat_point(set, i), set->n * sizeof *out);
}

const char *mc_lattice_method_name(mc_lattice_method method)
{
    switch (method) {
    case MC_LATTICE_MODULO: return "successive-modulo";
    case MC_LATTICE_LINEAR: return "linearization";
    case MC_LATTICE_LLL: return "scheme-I-lll";
    case MC_LATTICE_EXACT: return "exact";
    }
    return "unknown";
}
