#include "heuristics/engine.h"

#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "heuristics/radix.h"
#include "planner/problem_internal.h"

/* --------------------------------------------------------------- building */

typedef struct piece_sink {
    mc_engine *e;
    int32_t buffer;
    int32_t count;
} piece_sink;

static void keep_piece(void *context, int64_t t0, int64_t t1, int64_t w0, int64_t w1)
{
    piece_sink *s = context;
    int32_t k = s->count++;
    if (s->e->piece) /* the first pass only counts */
        s->e->piece[k] = (mc_hpiece){t0, t1, w0, w1, MC_NO_OFFSET, INT64_MIN, s->buffer};
}

static void *alloc_array(size_t count, size_t size, bool *ok)
{
    void *p = malloc((count ? count : 1) * size);
    if (!p) *ok = false;
    return p;
}

/* Buffer-major slots: a counting sort by owner keeps each buffer's pieces
 * together and in time order. */
static bool index_pieces(mc_engine *e)
{
    size_t p = (size_t)e->piece_count;
    /* Pieces arrive buffer by buffer, so a stable sort by start makes
     * (start, owner) order: deterministic. */
    int32_t *ids = malloc((p ? p : 1) * sizeof(int32_t));
    int64_t *keys = malloc((p ? p : 1) * sizeof(int64_t));
    mc_hpiece *sorted = malloc((p ? p : 1) * sizeof(mc_hpiece));
    bool ok = ids && keys && sorted;
    if (ok) {
        for (size_t k = 0; k < p; ++k) {
            ids[k] = (int32_t)k;
            keys[k] = e->piece[k].start;
        }
        ok = mc_radix_sort(ids, keys, p, false);
    }
    if (ok) {
        for (size_t k = 0; k < p; ++k) sorted[k] = e->piece[ids[k]];
        free(e->piece);
        e->piece = sorted;
        sorted = NULL;
    }
    free(ids);
    free(keys);
    free(sorted);
    if (!ok) return false;
    memset(e->first, 0, ((size_t)e->n + 1) * sizeof(int32_t));
    for (size_t k = 0; k < p; ++k) e->first[e->piece[k].owner + 1]++;
    for (int32_t b = 0; b < e->n; ++b) e->first[b + 1] += e->first[b];
    int32_t *fill = malloc(((size_t)e->n + 1) * sizeof(int32_t));
    if (!fill) return false;
    memcpy(fill, e->first, ((size_t)e->n + 1) * sizeof(int32_t));
    for (size_t k = 0; k < p; ++k) e->slot[fill[e->piece[k].owner]++] = (int32_t)k;
    free(fill);
    return true;
}

static void visit_all(mc_engine *e, piece_sink *sink)
{
    sink->count = 0;
    for (int32_t i = 0; i < e->n; ++i) {
        sink->buffer = i;
        mc_occupancy_pieces(mc_problem_buffer(e->problem, (size_t)i), keep_piece, sink);
        if (sink->count >= INT32_MAX / 4) return;
    }
}

mc_status mc_engine_init(mc_engine *e, const mc_problem *problem, mc_error *err)
{
    memset(e, 0, sizeof *e);
    size_t n = mc_problem_count(problem);
    if (n >= (size_t)INT32_MAX / 4)
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "%zu buffers: at most %d are supported", n, INT32_MAX / 4);
    e->problem = problem;
    e->n = (int32_t)n;
    piece_sink sink = {e, 0, 0};
    visit_all(e, &sink);
    if (sink.count >= INT32_MAX / 4)
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "too many occupancy pieces (gaps) for the heuristics");
    size_t p = (size_t)sink.count;
    bool ok = true;
    e->piece_count = sink.count;
    e->slot = alloc_array(p, sizeof(int32_t), &ok);
    e->first = alloc_array(n + 1, sizeof(int32_t), &ok);
    e->offset = alloc_array(n, sizeof(int64_t), &ok);
    e->forbid_cap = 64;
    e->forbid = alloc_array(e->forbid_cap, sizeof(mc_forbid), &ok);
    e->radix = alloc_array(e->forbid_cap, sizeof(mc_forbid), &ok);
    e->forbid_owner = alloc_array(e->forbid_cap, sizeof(int32_t), &ok);
    mc_hpiece *pieces = alloc_array(p, sizeof(mc_hpiece), &ok);
    if (ok) {
        e->piece = pieces; /* from here on keep_piece stores */
        visit_all(e, &sink);
        ok = index_pieces(e);
    } else {
        free(pieces);
    }
    if (!ok) {
        mc_engine_free(e);
        return mc_error_set(err, MC_ERR_NOMEM, "out of memory indexing %zu buffers", n);
    }
    mc_engine_reset(e);
    return MC_OK;
}

void mc_engine_free(mc_engine *e)
{
    free(e->piece);
    free(e->slot);
    free(e->first);
    free(e->offset);
    free(e->forbid);
    free(e->radix);
    free(e->forbid_owner);
    memset(e, 0, sizeof *e);
}

void mc_engine_reset(mc_engine *e)
{
    for (int32_t k = 0; k < e->piece_count; ++k) {
        e->piece[k].max_end = INT64_MIN;
        e->piece[k].off = MC_NO_OFFSET;
    }
    for (int32_t b = 0; b < e->n; ++b) e->offset[b] = MC_NO_OFFSET;
}

/* ------------------------------------------------------------ the tree */

static int64_t subtree_max(const mc_engine *e, int32_t lo, int32_t hi)
{
    return lo < hi ? e->piece[lo + (hi - lo) / 2].max_end : INT64_MIN;
}

/* Re-derives the aggregates on the path from the root to position k,
 * bottom-up, after k was placed or unplaced. */
static void refresh_path(mc_engine *e, int32_t k)
{
    int32_t los[64], his[64];
    int depth = 0;
    int32_t lo = 0, hi = e->piece_count;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        los[depth] = lo;
        his[depth++] = hi;
        if (k == mid) break;
        if (k < mid) hi = mid;
        else lo = mid + 1;
    }
    while (depth-- > 0) {
        lo = los[depth];
        hi = his[depth];
        int32_t mid = lo + (hi - lo) / 2;
        mc_hpiece *p = &e->piece[mid];
        int64_t m = p->off != MC_NO_OFFSET ? p->end : INT64_MIN;
        int64_t l = subtree_max(e, lo, mid), r = subtree_max(e, mid + 1, hi);
        if (l > m) m = l;
        if (r > m) m = r;
        p->max_end = m;
    }
}

static bool grow_forbid(mc_engine *e)
{
    size_t cap = e->forbid_cap * 2;
    mc_forbid *f = realloc(e->forbid, cap * sizeof(mc_forbid));
    if (!f) return false;
    e->forbid = f;
    f = realloc(e->radix, cap * sizeof(mc_forbid));
    if (!f) return false;
    e->radix = f;
    int32_t *o = realloc(e->forbid_owner, cap * sizeof(int32_t));
    if (!o) return false;
    e->forbid_owner = o;
    e->forbid_cap = cap;
    return true;
}

/* Appends, for every placed piece q overlapping piece k in time, the
 * offsets at which k's window would overlap q's: (q.w0 - k.w1, q.w1 - k.w0)
 * shifted by q's offset, clipped to offsets >= 0. */
static bool collect_piece(mc_engine *e, int32_t k)
{
    const mc_hpiece *me = &e->piece[k];
    int64_t t0 = me->start, t1 = me->end, kw0 = me->w0, kw1 = me->w1;
    int32_t stack_lo[128], stack_hi[128];
    int top = 0;
    stack_lo[top] = 0;
    stack_hi[top++] = e->piece_count;
    while (top > 0) {
        --top;
        int32_t lo = stack_lo[top], hi = stack_hi[top];
        if (lo >= hi) continue;
        int32_t mid = lo + (hi - lo) / 2;
        const mc_hpiece *q = &e->piece[mid];
        if (q->max_end <= t0) continue; /* everything below ended before k began */
        if (q->start < t1) {
            if (q->end > t0 && q->off != MC_NO_OFFSET) {
                int64_t hi_off = q->off + q->w1 - kw0;
                if (hi_off > 0) {
                    if (e->forbid_count == e->forbid_cap && !grow_forbid(e)) return false;
                    int64_t lo_off = q->off + q->w0 - kw1 + 1;
                    e->forbid[e->forbid_count] = (mc_forbid){lo_off > 0 ? lo_off : 0, hi_off};
                    e->forbid_owner[e->forbid_count++] = q->owner;
                }
            }
            stack_lo[top] = mid + 1;
            stack_hi[top++] = hi;
        }
        stack_lo[top] = lo;
        stack_hi[top++] = mid;
    }
    return true;
}

static bool collect(mc_engine *e, int32_t b)
{
    e->forbid_count = 0;
    for (int32_t s = e->first[b]; s < e->first[b + 1]; ++s)
        if (!collect_piece(e, e->slot[s])) return false;
    return true;
}

static void set_offset(mc_engine *e, int32_t b, int64_t offset)
{
    e->offset[b] = offset;
    for (int32_t s = e->first[b]; s < e->first[b + 1]; ++s) {
        e->piece[e->slot[s]].off = offset;
        refresh_path(e, e->slot[s]);
    }
}

void mc_engine_insert(mc_engine *e, int32_t b, int64_t offset)
{
    set_offset(e, b, offset);
}

void mc_engine_remove(mc_engine *e, int32_t b)
{
    set_offset(e, b, MC_NO_OFFSET);
}

/* ------------------------------------------------------------ fitting */

static void insertion_sort(mc_forbid *a, size_t n)
{
    for (size_t i = 1; i < n; ++i) {
        mc_forbid x = a[i];
        size_t j = i;
        for (; j > 0 && a[j - 1].lo > x.lo; --j) a[j] = a[j - 1];
        a[j] = x;
    }
}

static void quick_sort(mc_forbid *a, size_t n)
{
    while (n > 32) { /* median of three; recurse into the smaller side */
        int64_t x = a[0].lo, y = a[n / 2].lo, z = a[n - 1].lo;
        int64_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t i = 0, j = n - 1;
        for (;;) {
            while (a[i].lo < pivot) ++i;
            while (a[j].lo > pivot) --j;
            if (i >= j) break;
            mc_forbid t = a[i];
            a[i++] = a[j];
            a[j--] = t;
        }
        size_t left = j + 1;
        if (left < n - left) {
            quick_sort(a, left);
            a += left;
            n -= left;
        } else {
            quick_sort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

/* Sorting the forbidden ranges dominates dense inputs: there an LSD radix
 * sort on lo (>= 0, 11-bit digits, only as many as the largest key needs)
 * is several times faster; small sets do not repay its histograms. */
static void sort_forbid(mc_engine *e)
{
    size_t n = e->forbid_count;
    if (n <= 768) {
        quick_sort(e->forbid, n);
        return;
    }
    uint64_t max = 0;
    for (size_t i = 0; i < n; ++i)
        if ((uint64_t)e->forbid[i].lo > max) max = (uint64_t)e->forbid[i].lo;
    mc_forbid *src = e->forbid, *dst = e->radix;
    for (unsigned shift = 0; shift < 64 && (max >> shift) != 0; shift += 11) {
        size_t count[2048] = {0};
        for (size_t i = 0; i < n; ++i) count[((uint64_t)src[i].lo >> shift) & 2047]++;
        size_t sum = 0;
        for (size_t d = 0; d < 2048; ++d) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; ++i) dst[count[((uint64_t)src[i].lo >> shift) & 2047]++] = src[i];
        mc_forbid *t = src;
        src = dst;
        dst = t;
    }
    if (src != e->forbid) memcpy(e->forbid, src, n * sizeof(mc_forbid));
}

/* Scans the free offset ranges between the sorted forbidden ones: first-fit
 * takes the lowest aligned offset, best-fit the one in the narrowest
 * bounded range, both fall back to just above everything. */
static int64_t scan_holes(const mc_forbid *f, size_t count, int64_t alignment, mc_fit fit)
{
    int64_t cur = 0, best = -1, best_len = INT64_MAX;
    for (size_t i = 0; i < count; ++i) {
        if (f[i].lo > cur) {
            int64_t a = mc_align_up(cur, alignment);
            if (a < f[i].lo) {
                if (fit == MC_FIT_FIRST) return a;
                if (f[i].lo - cur < best_len) {
                    best_len = f[i].lo - cur;
                    best = a;
                }
            }
        }
        if (f[i].hi > cur) cur = f[i].hi;
    }
    return best >= 0 ? best : mc_align_up(cur, alignment);
}

mc_status mc_engine_choose(mc_engine *e, int32_t b, mc_fit fit, int64_t *offset, mc_error *err)
{
    const mc_buffer *buf = mc_problem_buffer(e->problem, (size_t)b);
    if (!collect(e, b)) return mc_error_set(err, MC_ERR_NOMEM, "out of memory placing buffer '%s'", buf->id);
    sort_forbid(e);
    int64_t off = scan_holes(e->forbid, e->forbid_count, buf->alignment, fit), top;
    if (!mc_add_i64(off, buf->size, &top))
        return mc_error_set(err, MC_ERR_OVERFLOW, "buffer '%s': offset + size exceeds INT64_MAX", buf->id);
    *offset = off;
    return MC_OK;
}

mc_status mc_engine_place_fixed(mc_engine *e, mc_error *err)
{
    for (int32_t b = 0; b < e->n; ++b) {
        const mc_buffer *buf = mc_problem_buffer(e->problem, (size_t)b);
        int64_t off = buf->fixed_offset;
        if (off == MC_NO_OFFSET) continue;
        if (off < 0 || off % buf->alignment != 0)
            return mc_error_set(err, MC_ERR_INFEASIBLE,
                                "buffer '%s': fixed offset %lld is not a non-negative multiple of its alignment %lld",
                                buf->id, (long long)off, (long long)buf->alignment);
        int64_t top;
        if (!mc_add_i64(off, buf->size, &top))
            return mc_error_set(err, MC_ERR_OVERFLOW, "buffer '%s': fixed offset + size exceeds INT64_MAX", buf->id);
        if (!collect(e, b)) return mc_error_set(err, MC_ERR_NOMEM, "out of memory placing fixed buffers");
        for (size_t i = 0; i < e->forbid_count; ++i) {
            if (off >= e->forbid[i].lo && off < e->forbid[i].hi) {
                const mc_buffer *other = mc_problem_buffer(e->problem, (size_t)e->forbid_owner[i]);
                return mc_error_set(err, MC_ERR_INFEASIBLE,
                                    "fixed offsets collide: buffers '%s' and '%s' overlap in time and address",
                                    other->id, buf->id);
            }
        }
        mc_engine_insert(e, b, off);
    }
    return MC_OK;
}

int64_t mc_engine_height(const mc_engine *e)
{
    int64_t h = 0;
    for (int32_t b = 0; b < e->n; ++b) {
        if (e->offset[b] == MC_NO_OFFSET) continue;
        int64_t top = e->offset[b] + mc_problem_buffer(e->problem, (size_t)b)->size;
        if (top > h) h = top;
    }
    return h;
}

mc_status mc_engine_run(mc_engine *e, const int32_t *order, size_t count, mc_fit fit, int64_t limit,
                        bool *complete, int64_t *height, mc_error *err)
{
    mc_engine_reset(e);
    mc_status st = mc_engine_place_fixed(e, err);
    if (st != MC_OK) return st;
    int64_t h = mc_engine_height(e);
    *complete = false;
    for (size_t i = 0; i < count; ++i) {
        int32_t b = order[i];
        const mc_buffer *buf = mc_problem_buffer(e->problem, (size_t)b);
        if (buf->fixed_offset != MC_NO_OFFSET) continue;
        int64_t off;
        st = mc_engine_choose(e, b, fit, &off, err);
        if (st != MC_OK) return st;
        int64_t top = off + buf->size;
        if (top > h) h = top;
        if (h > limit) {
            *height = h;
            return MC_OK;
        }
        mc_engine_insert(e, b, off);
    }
    *complete = true;
    *height = h;
    return MC_OK;
}
