#include "brute.h"

#include <stddef.h>
#include <string.h>

/* Two placed buffers clash if at some time step their occupied address
 * ranges intersect. */
static bool clash(const brute_buffer *a, int64_t oa, const brute_buffer *b, int64_t ob)
{
    for (int t = 0; t < BRUTE_TIME_MAX; ++t) {
        if (a->lo[t] == a->hi[t] || b->lo[t] == b->hi[t]) continue;
        if (oa + a->lo[t] < ob + b->hi[t] && ob + b->lo[t] < oa + a->hi[t]) return true;
    }
    return false;
}

static bool share_time(const brute_buffer *a, const brute_buffer *b)
{
    for (int t = 0; t < BRUTE_TIME_MAX; ++t)
        if (a->lo[t] != a->hi[t] && b->lo[t] != b->hi[t]) return true;
    return false;
}

/* Buffers that never share time cannot clash: each group of the "shares
 * time" relation is an independent problem. Returns the group count and
 * fills group[i]. */
static int components(const brute_buffer *b, int n, int *group)
{
    int groups = 0;
    for (int i = 0; i < n; ++i) group[i] = -1;
    for (int i = 0; i < n; ++i) {
        if (group[i] >= 0) continue;
        group[i] = groups;
        for (bool grew = true; grew;) {
            grew = false;
            for (int j = 0; j < n; ++j)
                for (int k = 0; k < n && group[j] < 0; ++k)
                    if (group[k] == groups && share_time(&b[j], &b[k])) {
                        group[j] = groups;
                        grew = true;
                    }
        }
        ++groups;
    }
    return groups;
}

/* The offsets buffer x may take at all: its fixed one, or [0, capacity - size]. */
static void offset_range(const brute_buffer *x, int64_t capacity, int64_t *first, int64_t *last)
{
    *first = x->fixed >= 0 ? x->fixed : 0;
    *last = x->fixed >= 0 ? x->fixed : capacity - x->size;
}

/* Is offset o of buffer x aligned, inside the capacity and clear of
 * members[0..placed) at their offsets? */
static bool fits_at(const brute_buffer *b, const int *members, int placed, const int64_t *offsets,
                    const brute_buffer *x, int64_t o, int64_t capacity)
{
    if (o % x->alignment != 0 || o + x->size > capacity) return false;
    for (int j = 0; j < placed; ++j)
        if (clash(&b[members[j]], offsets[members[j]], x, o)) return false;
    return true;
}

/* Does buffer x still have an offset clashing with none of members[0..placed)? */
static bool has_spot(const brute_buffer *b, const int *members, int placed, const int64_t *offsets,
                     const brute_buffer *x, int64_t capacity)
{
    int64_t first, last;
    offset_range(x, capacity, &first, &last);
    for (int64_t o = first; o <= last; ++o)
        if (fits_at(b, members, placed, offsets, x, o, capacity)) return true;
    return false;
}

/* Forward check: every buffer still to place needs some spot of its own. */
static bool all_have_spots(const brute_buffer *b, const int *members, int count, int placed,
                           const int64_t *offsets, int64_t capacity)
{
    for (int k = placed; k < count; ++k)
        if (!has_spot(b, members, placed, offsets, &b[members[k]], capacity)) return false;
    return true;
}

/* Tries every aligned offset of members[i..] in turn. */
static bool brute_place(const brute_buffer *b, const int *members, int count, int i, int64_t capacity,
                        int64_t *offsets)
{
    if (i == count) return true;
    const brute_buffer *x = &b[members[i]];
    int64_t first, last;
    offset_range(x, capacity, &first, &last);
    for (int64_t o = first; o <= last; ++o) {
        if (!fits_at(b, members, i, offsets, x, o, capacity)) continue;
        offsets[members[i]] = o;
        if (all_have_spots(b, members, count, i + 1, offsets, capacity) &&
            brute_place(b, members, count, i + 1, capacity, offsets))
            return true;
    }
    return false;
}

/* The members of group g, largest first so dead ends show early. */
static int members_of(const brute_buffer *b, const int *group, int n, int g, int *members)
{
    int count = 0;
    for (int i = 0; i < n; ++i) {
        if (group[i] != g) continue;
        int k = count++;
        for (; k > 0 && b[members[k - 1]].size < b[i].size; --k) members[k] = members[k - 1];
        members[k] = i;
    }
    return count;
}

bool brute_feasible(const brute_buffer *b, int n, int64_t capacity, int64_t *offsets)
{
    int64_t scratch[BRUTE_BUFFERS_MAX];
    int group[BRUTE_BUFFERS_MAX], members[BRUTE_BUFFERS_MAX];
    int groups = components(b, n, group);
    for (int g = 0; g < groups; ++g) {
        int count = members_of(b, group, n, g, members);
        if (!brute_place(b, members, count, 0, capacity, offsets ? offsets : scratch)) return false;
    }
    return true;
}

bool brute_valid(const brute_buffer *b, int n, int64_t capacity, const int64_t *offsets)
{
    for (int i = 0; i < n; ++i) {
        if (offsets[i] < 0 || offsets[i] % b[i].alignment || offsets[i] + b[i].size > capacity) return false;
        if (b[i].fixed >= 0 && offsets[i] != b[i].fixed) return false;
        for (int j = 0; j < i; ++j)
            if (clash(&b[j], offsets[j], &b[i], offsets[i])) return false;
    }
    return true;
}

bool brute_mirror(const mc_buffer *b, brute_buffer *out)
{
    memset(out, 0, sizeof *out);
    if (b->lower < 0 || b->upper > BRUTE_TIME_MAX) return false;
    out->size = b->size;
    out->alignment = b->alignment;
    out->fixed = b->fixed_offset;
    for (int64_t t = b->lower; t < b->upper; ++t) {
        out->lo[t] = 0;
        out->hi[t] = b->size;
        for (size_t g = 0; g < b->gap_count; ++g) {
            const mc_gap *gap = &b->gaps[g];
            if (t < gap->lower || t >= gap->upper) continue;
            out->lo[t] = gap->has_window ? gap->window_lower : 0;
            out->hi[t] = gap->has_window ? gap->window_upper : 0;
        }
    }
    return true;
}
