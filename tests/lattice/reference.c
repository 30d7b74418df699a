#include "reference.h"

#include <string.h>

__extension__ typedef __int128 i128;

/* Dimensions up to 4: the minors of a 4x4 matrix fit in 16 entries. */
#define REF_DIM_MAX 4

static i128 det_minor(size_t n, const int64_t *m, size_t skip_row, size_t skip_col)
{
    int64_t sub[REF_DIM_MAX * REF_DIM_MAX] = {0};
    if (n == 0 || n > REF_DIM_MAX) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
            if (i != skip_row && j != skip_col) sub[k++] = m[i * n + j];
    size_t s = n - 1;
    if (s == 0) return 1;
    if (s == 1) return sub[0];
    i128 total = 0;
    for (size_t j = 0; j < s; ++j) {
        i128 sign = j % 2 ? -1 : 1;
        total += sign * sub[j] * det_minor(s, sub, 0, j);
    }
    return total;
}

int64_t ref_det(size_t n, const int64_t *m)
{
    i128 det = 0;
    for (size_t j = 0; j < n; ++j) det += (j % 2 ? -1 : 1) * (i128)m[j] * det_minor(n, m, 0, j);
    return (int64_t)det;
}

int ref_contains(size_t n, const int64_t *h, const int64_t *x)
{
    i128 det = ref_det(n, h);
    /* H^-1 x = adj(H) x / det; adj(H)[i][j] = (-1)^(i+j) minor(j, i). */
    for (size_t i = 0; i < n; ++i) {
        i128 v = 0;
        for (size_t j = 0; j < n; ++j) v += ((i + j) % 2 ? -1 : 1) * det_minor(n, h, j, i) * x[j];
        if (v % det != 0) return 0;
    }
    return 1;
}

typedef struct walk {
    size_t n, count;
    const int64_t *points;
    int64_t h[16];
    uint64_t valid, tested;
} walk;

static int valid(walk *w)
{
    ++w->tested;
    for (size_t p = 0; p < w->count; ++p)
        if (ref_contains(w->n, w->h, w->points + p * w->n)) return 0;
    return 1;
}

/* Off-diagonal entries in row-major order after the diagonal is fixed. */
static void entries(walk *w, size_t pos)
{
    size_t n = w->n;
    while (pos < n * n && (pos / n >= pos % n)) ++pos;
    if (pos == n * n) {
        w->valid += (uint64_t)valid(w);
        return;
    }
    size_t i = pos / n;
    for (int64_t v = 0; v < w->h[i * n + i]; ++v) {
        w->h[pos] = v;
        entries(w, pos + 1);
    }
    w->h[pos] = 0;
}

static void diagonal(walk *w, size_t i, int64_t left)
{
    if (w->n == 0 || w->n > REF_DIM_MAX || i >= w->n) return;
    if (i + 1 == w->n) {
        w->h[i * w->n + i] = left;
        entries(w, 0);
        return;
    }
    for (int64_t d = 1; d <= left; ++d)
        if (left % d == 0) {
            w->h[i * w->n + i] = d;
            diagonal(w, i + 1, left / d);
        }
}

ref_result ref_optimum(size_t n, size_t count, const int64_t *points, int64_t max_det)
{
    ref_result r = {0, 0, 0};
    walk w = {.n = n, .count = count, .points = points};
    for (int64_t d = 1; d <= max_det; ++d) {
        memset(w.h, 0, sizeof w.h);
        w.valid = 0;
        diagonal(&w, 0, d);
        if (w.valid) {
            r.optimum = d, r.count = w.valid;
            break;
        }
    }
    r.lattices = w.tested;
    return r;
}
