/* Compiles a problem into the solver's section/span/overlap view. */
#include "planner/model.h"

#include "common/sort.h"

#include <stdlib.h>
#include <string.h>

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int32_t section_of(const int64_t *times, int32_t count, int64_t t)
{
    int32_t lo = 0, hi = count - 1;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (times[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void mc_model_free(mc_model *m)
{
    free(m->problem_index);
    free(m->size);
    free(m->alignment);
    free(m->fixed_offset);
    free(m->hint);
    free(m->lower);
    free(m->upper);
    free(m->span_start);
    free(m->spans);
    free(m->section_lower);
    free(m->section_upper);
    free(m->overlap_start);
    free(m->overlaps);
    free(m->member_start);
    free(m->members);
    free(m->section_width);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- pieces */

/* Cuts every buffer into pieces, keeps those with at least one, and turns
 * the piece boundaries into sections. */
static mc_status build_spans(const mc_problem *problem, mc_model *m)
{
    size_t n = problem->count;
    mc_pieces pieces = {0};
    int64_t *times = NULL;
    mc_status status = MC_ERR_NOMEM;
    if (!mc_pieces_collect(problem, &pieces)) goto done;
    const size_t *first_piece = pieces.first;
    times = malloc(2 * pieces.count * sizeof(int64_t) + 1);
    if (!times) goto done;

    size_t ntimes = 0;
    for (size_t k = 0; k < pieces.count; ++k) {
        times[ntimes++] = pieces.items[k].t0;
        times[ntimes++] = pieces.items[k].t1;
    }
    qsort(times, ntimes, sizeof(int64_t), compare_i64);
    size_t unique = 0;
    for (size_t k = 0; k < ntimes; ++k)
        if (unique == 0 || times[unique - 1] != times[k]) times[unique++] = times[k];
    if (unique > INT32_MAX || n > INT32_MAX) {
        status = MC_ERR_UNSUPPORTED;
        goto done;
    }
    m->section_count = unique > 1 ? (int32_t)unique - 1 : 0;

    size_t searchable = 0;
    for (size_t i = 0; i < n; ++i) searchable += first_piece[i + 1] > first_piece[i];
    m->count = (int32_t)searchable;
    size_t cnt = searchable + 1;
    m->problem_index = malloc(cnt * sizeof(int32_t));
    m->size = malloc(cnt * sizeof(int64_t));
    m->alignment = malloc(cnt * sizeof(int64_t));
    m->fixed_offset = malloc(cnt * sizeof(int64_t));
    m->hint = malloc(cnt * sizeof(int64_t));
    m->lower = malloc(cnt * sizeof(int64_t));
    m->upper = malloc(cnt * sizeof(int64_t));
    m->span_start = malloc(cnt * sizeof(int32_t));
    m->spans = malloc((pieces.count + 1) * sizeof(mc_span));
    m->section_lower = malloc(cnt * sizeof(int32_t));
    m->section_upper = malloc(cnt * sizeof(int32_t));
    if (!m->problem_index || !m->size || !m->alignment || !m->fixed_offset || !m->hint || !m->lower ||
        !m->upper || !m->span_start || !m->spans || !m->section_lower || !m->section_upper)
        goto done;
    int32_t b = 0, nspans = 0;
    for (size_t i = 0; i < n; ++i) {
        if (first_piece[i + 1] == first_piece[i]) continue;
        const mc_buffer *buf = &problem->buffers[i];
        m->problem_index[b] = (int32_t)i;
        m->size[b] = buf->size;
        m->alignment[b] = buf->alignment;
        m->fixed_offset[b] = buf->fixed_offset;
        m->hint[b] = buf->hint;
        m->lower[b] = buf->lower;
        m->upper[b] = buf->upper;
        m->span_start[b] = nspans;
        for (size_t k = first_piece[i]; k < first_piece[i + 1]; ++k) {
            const mc_piece *p = &pieces.items[k];
            m->spans[nspans++] = (mc_span){section_of(times, (int32_t)unique, p->t0),
                                           section_of(times, (int32_t)unique, p->t1), p->w0, p->w1};
            if (p->w0 != 0 || p->w1 != buf->size) m->has_windows = true;
        }
        m->section_lower[b] = m->spans[m->span_start[b]].section_lower;
        m->section_upper[b] = m->spans[nspans - 1].section_upper;
        ++b;
    }
    m->span_start[b] = nspans;
    status = MC_OK;
done:
    mc_pieces_free(&pieces);
    free(times);
    return status;
}

/* Which buffers have a piece in each section, and how wide they are. */
static mc_status build_members(mc_model *m)
{
    int32_t S = m->section_count;
    m->member_start = calloc((size_t)S + 2, sizeof(int32_t));
    m->section_width = calloc((size_t)S + 1, sizeof(int64_t));
    if (!m->member_start || !m->section_width) return MC_ERR_NOMEM;
    size_t total = 0;
    for (int32_t k = 0; k < m->span_start[m->count]; ++k) {
        const mc_span *sp = &m->spans[k];
        for (int32_t s = sp->section_lower; s < sp->section_upper; ++s) {
            ++m->member_start[s + 1];
            /* Saturating: a section wider than int64 can never fit anyway. */
            int64_t w = sp->window_upper - sp->window_lower;
            if (__builtin_add_overflow(m->section_width[s], w, &m->section_width[s]))
                m->section_width[s] = INT64_MAX;
        }
        total += (size_t)(sp->section_upper - sp->section_lower);
    }
    if (total > INT32_MAX) return MC_ERR_UNSUPPORTED;
    for (int32_t s = 0; s < S; ++s) m->member_start[s + 1] += m->member_start[s];
    m->members = malloc((total + 1) * sizeof(int32_t));
    int32_t *fill = malloc(((size_t)S + 1) * sizeof(int32_t));
    if (!m->members || !fill) {
        free(fill);
        return MC_ERR_NOMEM;
    }
    memcpy(fill, m->member_start, (size_t)S * sizeof(int32_t));
    for (int32_t b = 0; b < m->count; ++b)
        for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k)
            for (int32_t s = m->spans[k].section_lower; s < m->spans[k].section_upper; ++s)
                m->members[fill[s]++] = b;
    free(fill);
    return MC_OK;
}

/* -------------------------------------------------------------- overlaps */

typedef struct pair_list {
    mc_overlap *items; /* two entries per pair, tagged with the owner below */
    int32_t *owner;
    size_t count, capacity;
} pair_list;

static bool push_pair(pair_list *list, int32_t owner, int32_t other, int64_t effective)
{
    if (list->count == list->capacity) {
        size_t grown = list->capacity ? list->capacity * 2 : 1024;
        mc_overlap *items = realloc(list->items, grown * sizeof(mc_overlap));
        if (!items) return false;
        list->items = items;
        int32_t *owner_more = realloc(list->owner, grown * sizeof(int32_t));
        if (!owner_more) return false;
        list->owner = owner_more;
        list->capacity = grown;
    }
    list->items[list->count] = (mc_overlap){other, effective};
    list->owner[list->count++] = owner;
    return true;
}

typedef struct interval {
    int64_t lo, hi; /* closed integer range */
} interval;

static int compare_intervals(const void *a, const void *b)
{
    const interval *x = a, *y = b;
    return (x->lo > y->lo) - (x->lo < y->lo);
}

/* With b above a (d = offset(b) - offset(a) >= 0) the canonical search only
 * allows d >= reach. It is exact iff every d in [0, reach) is forbidden by
 * some common span, i.e. the forbidden intervals cover [0, reach). */
static bool covers_below(interval *forbidden, size_t count, int64_t reach)
{
    qsort(forbidden, count, sizeof(interval), compare_intervals);
    int64_t next = 0; /* smallest d in [0, reach) not yet known forbidden */
    for (size_t k = 0; k < count && next < reach; ++k) {
        if (forbidden[k].lo > next) return false;
        if (forbidden[k].hi + 1 > next) next = forbidden[k].hi + 1;
    }
    return next >= reach;
}

/* Walks the spans of a and b in time order. Returns false when they never
 * share a section; otherwise the two effective sizes and whether the
 * canonical relation is exact for this pair. */
static bool pair_relation(const mc_model *m, int32_t a, int32_t b, int64_t *a_to_b, int64_t *b_to_a,
                          bool *exact, interval *scratch)
{
    int32_t i = m->span_start[a], i_end = m->span_start[a + 1];
    int32_t j = m->span_start[b], j_end = m->span_start[b + 1];
    bool shared = false, plain = true;
    size_t nf = 0;
    int64_t ab = INT64_MIN, ba = INT64_MIN;
    while (i < i_end && j < j_end) {
        const mc_span *x = &m->spans[i], *y = &m->spans[j];
        if (x->section_upper <= y->section_lower) { ++i; continue; }
        if (y->section_upper <= x->section_lower) { ++j; continue; }
        shared = true;
        if (x->window_lower != 0 || x->window_upper != m->size[a] || y->window_lower != 0 ||
            y->window_upper != m->size[b])
            plain = false;
        if (x->window_upper - y->window_lower > ab) ab = x->window_upper - y->window_lower;
        if (y->window_upper - x->window_lower > ba) ba = y->window_upper - x->window_lower;
        /* Forbidden d = offset(b) - offset(a): open (xl - yh, xh - yl). */
        scratch[nf++] = (interval){x->window_lower - y->window_upper + 1, x->window_upper - y->window_lower - 1};
        if (x->section_upper < y->section_upper) ++i;
        else ++j;
    }
    if (!shared) return false;
    *a_to_b = ab;
    *b_to_a = ba;
    if (plain) {
        *exact = true;
        return true;
    }
    bool up = covers_below(scratch, nf, ab);
    for (size_t k = 0; k < nf; ++k) scratch[k] = (interval){-scratch[k].hi, -scratch[k].lo};
    *exact = up && covers_below(scratch, nf, ba);
    return true;
}

static int compare_by_section_lower(int32_t x, int32_t y, const void *context)
{
    const mc_model *m = context;
    if (m->section_lower[x] != m->section_lower[y]) return m->section_lower[x] < m->section_lower[y] ? -1 : 1;
    return (x > y) - (x < y);
}

static mc_status build_overlaps(mc_model *m)
{
    int32_t n = m->count;
    int32_t *order = malloc(((size_t)n + 1) * sizeof(int32_t));
    int32_t *tmp = malloc(((size_t)n + 1) * sizeof(int32_t));
    int32_t *active = malloc(((size_t)n + 1) * sizeof(int32_t));
    int32_t max_spans = 1;
    for (int32_t b = 0; b < n; ++b)
        if (m->span_start[b + 1] - m->span_start[b] > max_spans) max_spans = m->span_start[b + 1] - m->span_start[b];
    interval *scratch = malloc(2 * (size_t)max_spans * sizeof(interval));
    pair_list list = {0};
    mc_status status = MC_ERR_NOMEM;
    m->canonical_complete = true;
    if (!order || !tmp || !active || !scratch) goto done;
    for (int32_t b = 0; b < n; ++b) order[b] = b;
    mc_sort_indices(order, (size_t)n, tmp, compare_by_section_lower, m);
    int32_t nactive = 0;
    for (int32_t k = 0; k < n; ++k) {
        int32_t b = order[k], kept = 0;
        for (int32_t q = 0; q < nactive; ++q)
            if (m->section_upper[active[q]] > m->section_lower[b]) active[kept++] = active[q];
        nactive = kept;
        for (int32_t q = 0; q < nactive; ++q) {
            int32_t a = active[q];
            int64_t ab, ba;
            bool exact;
            if (!pair_relation(m, a, b, &ab, &ba, &exact, scratch)) continue;
            if (!exact) m->canonical_complete = false;
            if (!push_pair(&list, a, b, ab) || !push_pair(&list, b, a, ba)) goto done;
        }
        active[nactive++] = b;
    }
    if (list.count > INT32_MAX) {
        status = MC_ERR_UNSUPPORTED;
        goto done;
    }
    m->overlap_start = calloc((size_t)n + 2, sizeof(int32_t));
    m->overlaps = malloc((list.count + 1) * sizeof(mc_overlap));
    if (!m->overlap_start || !m->overlaps) goto done;
    for (size_t k = 0; k < list.count; ++k) ++m->overlap_start[list.owner[k] + 1];
    for (int32_t b = 0; b < n; ++b) m->overlap_start[b + 1] += m->overlap_start[b];
    memcpy(tmp, m->overlap_start, (size_t)n * sizeof(int32_t));
    for (size_t k = 0; k < list.count; ++k) m->overlaps[tmp[list.owner[k]]++] = list.items[k];
    status = MC_OK;
done:
    free(order);
    free(tmp);
    free(active);
    free(scratch);
    free(list.items);
    free(list.owner);
    return status;
}

/* How many of the sorted values are < limit. */
static size_t count_below(const int64_t *sorted, size_t n, int64_t limit)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < limit) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* Counts ordered pairs of buffers whose whole section ranges intersect (an
 * upper bound on the overlap list) from the sorted range ends: b pairs
 * with every buffer that starts before b ends, less those that ended
 * before b started, less itself. O(n log n). */
static uint64_t count_range_pairs(const mc_model *m)
{
    size_t n = (size_t)m->count;
    int64_t *lows = malloc((n + 1) * sizeof(int64_t)), *highs = malloc((n + 1) * sizeof(int64_t));
    uint64_t pairs = UINT64_MAX;
    if (lows && highs) {
        for (size_t b = 0; b < n; ++b) {
            lows[b] = m->section_lower[b];
            highs[b] = m->section_upper[b];
        }
        qsort(lows, n, sizeof(int64_t), compare_i64);
        qsort(highs, n, sizeof(int64_t), compare_i64);
        pairs = 0;
        for (size_t b = 0; b < n; ++b)
            pairs += count_below(lows, n, m->section_upper[b]) - count_below(highs, n, m->section_lower[b] + 1) - 1;
    }
    free(lows);
    free(highs);
    return pairs;
}

/* The exact search keeps every overlapping pair and every (buffer, section)
 * incidence in memory; refuse inputs that would need more than this rather
 * than thrash. Large graphs are the heuristics' job. */
#define MC_MODEL_BYTES_MAX ((uint64_t)1 << 30)

static mc_status check_model_size(const mc_model *m, mc_error *err)
{
    uint64_t incidences = 0;
    for (int32_t k = 0; k < m->span_start[m->count]; ++k)
        incidences += (uint64_t)(m->spans[k].section_upper - m->spans[k].section_lower);
    uint64_t pairs = count_range_pairs(m);
    uint64_t bytes = pairs > UINT64_MAX / 32 ? UINT64_MAX : pairs * (sizeof(mc_overlap) + sizeof(int32_t));
    bytes += incidences * 5 * sizeof(int32_t);
    if (bytes <= MC_MODEL_BYTES_MAX) return MC_OK;
    return mc_error_set(err, MC_ERR_UNSUPPORTED,
                        "the exact search would need about %llu MiB for %d buffers (%llu overlapping pairs); "
                        "use a heuristic method for graphs this dense",
                        (unsigned long long)(bytes >> 20), m->count, (unsigned long long)pairs);
}

mc_status mc_model_build(const mc_problem *problem, mc_model *model, mc_error *err)
{
    memset(model, 0, sizeof *model);
    mc_status status = build_spans(problem, model);
    if (status == MC_OK && (status = check_model_size(model, err)) != MC_OK) {
        mc_model_free(model);
        return status;
    }
    if (status == MC_OK) status = build_members(model);
    if (status == MC_OK) status = build_overlaps(model);
    if (status != MC_OK) {
        mc_model_free(model);
        return mc_error_set(err, status, status == MC_ERR_NOMEM ? "out of memory compiling %zu buffers"
                                                                : "problem too large to compile (%zu buffers)",
                            problem->count);
    }
    return MC_OK;
}
