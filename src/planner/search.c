/* Canonical depth-first search.
 *
 * Canonical solutions: list the buffers by (offset, tie-break key); each
 * buffer then sits exactly at the aligned top of the buffers before it that
 * share time with it. Every feasible layout can be pushed down into one, so
 * searching only these is complete (model->canonical_complete says when
 * windows break that). A node places the next buffer at its current minimum
 * offset; keys must not decrease along a branch.
 *
 * Pruning, all sound:
 *  - section inference: whatever goes next at offset o, everything still
 *    unplaced lies at or above o, disjoint within each section, so
 *    o + (widest remaining section) <= capacity; and in every section the
 *    floor (top of what is placed there, or the lowest minimum offset of
 *    what remains) plus the remaining widths fits;
 *  - dominance: a placement at or above the top a buffer could reach by
 *    going first leaves a gap that buffer could fill, so it is skipped;
 *  - stuck buffers: a buffer passed over at a node can only be placed later
 *    if an unplaced buffer sharing time with it raises its minimum; with
 *    none left, every later branch of this node fails (this generalizes
 *    MiniMalloc's "hatless" pruning);
 *  - failed states: a state already proven to fail is not searched again;
 *  - decomposition: once no unplaced buffer crosses a section boundary, the
 *    two sides are independent subproblems, each solved on its own. */
#include "planner/search.h"

#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/sort.h"
#include "planner/search_state.h"

/* ---------------------------------------------------------------- memo */

static fingerprint state_of(const searcher *s, int32_t sec_lo, int32_t sec_hi, entry last)
{
    fingerprint f;
    uint64_t context = mc_search_mix64((uint64_t)sec_lo * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)sec_hi) ^
                       mc_search_mix64((uint64_t)last.offset ^ mc_search_mix64((uint64_t)last.tie + 1));
    for (int w = 0; w < 2; ++w) f.h[w] = s->hash[w] ^ mc_search_mix64(context + (uint64_t)w);
    return f;
}

static bool memo_failed(const searcher *s, fingerprint f)
{
    if (!s->memo) return false;
    const fingerprint *slot = &s->memo[f.h[0] & s->memo_mask];
    return slot->h[0] == f.h[0] && slot->h[1] == f.h[1];
}

/* Direct-mapped: a newer failure replaces an older one in its slot. */
static void memo_store(searcher *s, fingerprint f)
{
    if (s->memo) s->memo[f.h[0] & s->memo_mask] = f;
}

/* Sized to the node budget (a table larger than the nodes it can see is
 * wasted), at most 2^21 slots (32 MiB). NULL disables it: with windows,
 * section floors no longer follow from minimum offsets alone. */
static fingerprint *memo_create(const mc_model *m, uint64_t budget, size_t *mask)
{
    if (m->has_windows) return NULL;
    size_t slots = 1024;
    while (slots < ((size_t)1 << 21) && (uint64_t)slots < budget) slots *= 2;
    *mask = slots - 1;
    return calloc(slots, sizeof(fingerprint));
}

/* --------------------------------------------------------------- search */

static mc_search_result solve_partition(searcher *s, int32_t sec_lo, int32_t sec_hi, size_t list, size_t count);

static bool limits_hit(searcher *s, mc_search_result *why)
{
    if (s->budget_left == 0) {
        *why = MC_SEARCH_ABORTED;
        return true;
    }
    --s->budget_left;
    uint64_t nodes = ++*s->limits->nodes;
    if ((nodes & 1023) == 0 && s->limits->tick && s->limits->tick(s->limits->context)) {
        *why = MC_SEARCH_STOPPED;
        return true;
    }
    return false;
}

static mc_search_result search(searcher *s, int32_t sec_lo, int32_t sec_hi, order_list *list, entry last);

/* Splits at the boundaries that placing b left uncrossed, if any, and
 * solves the pieces independently; otherwise continues the same search. */
static mc_search_result descend(searcher *s, int32_t b, int32_t sec_lo, int32_t sec_hi, order_list *list,
                                entry last)
{
    const mc_model *m = s->m;
    int32_t cut_from = m->section_lower[b] > sec_lo ? m->section_lower[b] : sec_lo;
    int32_t cut_to = m->section_upper[b] < sec_hi ? m->section_upper[b] : sec_hi;
    bool split = false;
    for (int32_t sec = cut_from; sec + 1 < cut_to; ++sec) {
        mc_search_set(s, &s->cuts[sec], s->cuts[sec] - 1);
        if (s->cuts[sec] == 0) split = true;
    }
    if (!split) return search(s, sec_lo, sec_hi, list, last);

    /* Solve each uncrossed stretch [start, sec) on its own, left to right. */
    int32_t start = sec_lo;
    for (int32_t sec = sec_lo + 1; sec <= sec_hi; ++sec) {
        if (sec < sec_hi && s->cuts[sec - 1] != 0) continue;
        size_t part = mc_search_arena_push(s, list->len);
        if (part == SIZE_MAX) return MC_SEARCH_NOMEM;
        size_t n = 0;
        for (size_t k = 0; k < list->len; ++k) {
            int32_t c = s->entries[list->base + k].buffer;
            if (m->section_lower[c] < sec && m->section_upper[c] > start) s->arena[part + n++] = c;
        }
        mc_search_result r = n ? solve_partition(s, start, sec, part, n) : MC_SEARCH_FOUND;
        s->arena_len = part;
        if (r != MC_SEARCH_FOUND) return r;
        start = sec;
    }
    return MC_SEARCH_FOUND;
}

/* The lowest top any unplaced buffer could reach by going next. The list
 * is sorted by offset, so the scan stops once offsets pass the best top. */
static int64_t lowest_top(const searcher *s, const order_list *list)
{
    int64_t best = INT64_MAX;
    const entry *items = s->entries + list->base;
    for (size_t k = 0; k < list->len && items[k].offset < best; ++k) {
        int64_t top = items[k].offset + s->m->size[items[k].buffer];
        if (top < best) best = top;
    }
    return best;
}

static bool may_place(const searcher *s, entry e, entry last, int64_t min_height)
{
    int32_t b = e.buffer;
    return mc_search_entry_before(last, e) && e.offset < min_height &&
           (s->m->fixed_offset[b] < 0 || e.offset == s->m->fixed_offset[b]) &&
           e.offset <= s->capacity - s->m->size[b];
}

static mc_search_result search(searcher *s, int32_t sec_lo, int32_t sec_hi, order_list *list, entry last)
{
    mc_search_result result;
    if (limits_hit(s, &result)) return result;
    if (s->out_of_memory) return MC_SEARCH_NOMEM;
    if (list->len == 0) return MC_SEARCH_FOUND;
    fingerprint state = state_of(s, sec_lo, sec_hi, last);
    if (memo_failed(s, state)) return MC_SEARCH_EXHAUSTED;
    int64_t min_height = lowest_top(s, list);
    int64_t highest_start = s->capacity - mc_search_max_total(s, sec_lo, sec_hi);
    result = MC_SEARCH_EXHAUSTED;
    for (size_t k = 0; k < list->len; ++k) {
        entry e = s->entries[list->base + k];
        if (e.offset > highest_start) break; /* sorted: no later one fits */
        if (may_place(s, e, last, min_height)) {
            undo_mark mark = mc_search_mark(s);
            if (mc_search_place(s, list, k)) result = descend(s, e.buffer, sec_lo, sec_hi, list, e);
            mc_search_undo(s, mark);
            if (result != MC_SEARCH_EXHAUSTED) return result;
        }
        /* e is passed over. With no unplaced buffer sharing its time,
         * nothing can lift it above the keys to come; a fixed buffer can
         * only sit at its fixed offset, so lifting it would kill it too.
         * Either way every later branch leaves e unplaceable. */
        if (s->open_overlaps[e.buffer] == 0 || s->m->fixed_offset[e.buffer] >= 0) break;
    }
    if (!s->out_of_memory) memo_store(s, state);
    return MC_SEARCH_EXHAUSTED;
}

/* ------------------------------------------------------------ preorder */

typedef struct preorder_context {
    const searcher *s;
    size_t stride;
} preorder_context;

static int compare_preorder(int32_t a, int32_t b, const void *context)
{
    const preorder_context *pc = context;
    const int64_t *ka = pc->s->sort_keys + (size_t)a * pc->stride, *kb = pc->s->sort_keys + (size_t)b * pc->stride;
    for (size_t i = 0; i < pc->stride; ++i)
        if (ka[i] != kb[i]) return ka[i] > kb[i] ? -1 : 1; /* descending */
    return (a > b) - (a < b);
}

static int compare_entries(int32_t a, int32_t b, const void *context)
{
    const searcher *s = context;
    entry x = mc_search_entry_of(s, a), y = mc_search_entry_of(s, b);
    return mc_search_entry_before(x, y) ? -1 : mc_search_entry_before(y, x) ? 1 : 0;
}

static int64_t preorder_value(const searcher *s, int32_t b, char k)
{
    const mc_model *m = s->m;
    int64_t width = m->upper[b] - m->lower[b], area, total = 0;
    switch (k) {
    case 'W': return width;
    case 'Z': return m->size[b];
    case 'L': return m->lower[b];
    case 'U': return m->upper[b];
    case 'O': return m->overlap_start[b + 1] - m->overlap_start[b];
    case 'C': return m->section_upper[b] - m->section_lower[b];
    case 'A': return mc_mul_i64(width, m->size[b], &area) ? area : INT64_MAX;
    case 'T':
        for (int32_t q = m->span_start[b]; q < m->span_start[b + 1]; ++q)
            for (int32_t sec = m->spans[q].section_lower; sec < m->spans[q].section_upper; ++sec)
                if (s->total[sec] > total) total = s->total[sec];
        return total;
    }
    return 0;
}

/* Ranks the buffers of a partition by the static preorder, builds its
 * sorted candidate list, then searches it. */
static mc_search_result solve_partition(searcher *s, int32_t sec_lo, int32_t sec_hi, size_t part, size_t count)
{
    size_t stride = strlen(s->preorder->keys);
    size_t scratch = mc_search_arena_push(s, count);
    if (scratch == SIZE_MAX) return MC_SEARCH_NOMEM;
    for (size_t k = 0; k < count; ++k) {
        int32_t b = s->arena[part + k];
        for (size_t i = 0; i < stride; ++i)
            s->sort_keys[(size_t)b * stride + i] = preorder_value(s, b, s->preorder->keys[i]);
    }
    preorder_context pc = {s, stride};
    mc_sort_indices(s->arena + part, count, s->arena + scratch, compare_preorder, &pc);
    undo_mark mark = mc_search_mark(s);
    for (size_t k = 0; k < count; ++k) mc_search_set(s, &s->rank[s->arena[part + k]], (int64_t)k);
    mc_sort_indices(s->arena + part, count, s->arena + scratch, compare_entries, s);
    s->arena_len = scratch;
    order_list list = {mc_search_entries_push(s, count), count};
    if (list.base == SIZE_MAX) return MC_SEARCH_NOMEM;
    for (size_t k = 0; k < count; ++k) {
        int32_t b = s->arena[part + k];
        s->entries[list.base + k] = mc_search_entry_of(s, b);
        mc_search_set(s, &s->position[b], (int64_t)k);
    }
    entry before_all = {INT64_MIN, 0, -1};
    mc_search_result r = search(s, sec_lo, sec_hi, &list, before_all);
    mc_search_undo(s, mark);
    s->entries_len = list.base;
    return r;
}

mc_search_result mc_search(const mc_model *model, int64_t capacity, const mc_preorder *preorder,
                           const mc_search_limits *limits, int64_t *offsets)
{
    searcher s = {.m = model, .capacity = capacity, .preorder = preorder, .limits = limits,
                  .budget_left = limits->node_budget, .solution = offsets};
    mc_search_result result = MC_SEARCH_NOMEM;
    if (!mc_search_open(&s)) goto done;
    s.memo = memo_create(model, limits->node_budget, &s.memo_mask);
    /* The static partitions: stretches no buffer crosses. */
    size_t all = mc_search_arena_push(&s, (size_t)model->count);
    if (all == SIZE_MAX) goto done;
    int32_t start = 0;
    result = MC_SEARCH_FOUND;
    for (int32_t sec = 1; sec <= model->section_count && result == MC_SEARCH_FOUND; ++sec) {
        if (sec < model->section_count && s.cuts[sec - 1] != 0) continue;
        size_t n = 0;
        for (int32_t b = 0; b < model->count; ++b)
            if (model->section_lower[b] < sec && model->section_upper[b] > start) s.arena[all + n++] = b;
        if (n) result = solve_partition(&s, start, sec, all, n);
        start = sec;
    }
    if (s.out_of_memory) result = MC_SEARCH_NOMEM;
done:
    mc_search_close(&s);
    return result;
}
