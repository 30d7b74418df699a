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
 *  - section inference: in every section, max(floor, current offset) plus
 *    the widths still to place must fit under the capacity;
 *  - dominance: a placement at or above the top of a buffer that could
 *    still go lower leaves a gap that buffer could fill, so it is skipped;
 *  - stuck buffers: a buffer passed over at a node can only be placed later
 *    if an unplaced buffer that shares time with it raises its minimum; if
 *    it has none left, every later branch of this node fails (this
 *    generalizes MiniMalloc's "hatless" pruning);
 *  - decomposition: once no unplaced buffer crosses a section boundary, the
 *    two sides are independent subproblems, each solved on its own.
 *
 * All state changes go through one undo log, so backtracking is a loop
 * that restores cells; nodes allocate nothing but from a stack arena. */
#include "planner/search.h"

#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/sort.h"

typedef struct entry entry;

typedef struct fingerprint {
    uint64_t h[2];
} fingerprint;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The contribution of "buffer b is unplaced with minimum offset v" (or,
 * with v == INT64_MIN, "b is placed") to hash number `which`. */
static uint64_t term(int which, int32_t b, int64_t v)
{
    uint64_t seed = which ? UINT64_C(0xD1B54A32D192ED03) : UINT64_C(0x9E3779B97F4A7C15);
    return mix64(mix64((uint64_t)b * seed + UINT64_C(0x632BE59BD9B4E019)) ^ (uint64_t)v);
}

typedef struct change {
    int64_t *cell;
    int64_t old;
} change;

typedef struct searcher {
    const mc_model *m;
    int64_t capacity;
    const mc_preorder *preorder;
    const mc_search_limits *limits;
    uint64_t budget_left;
    bool out_of_memory;

    int64_t *min_offset;    /* per buffer: lowest canonical offset       */
    int64_t *offset;        /* per buffer: placed offset or -1           */
    int64_t *solution;      /* per buffer: last offset given on any path */
    int64_t *open_overlaps; /* per buffer: unplaced buffers sharing time */
    int64_t *rank;          /* per buffer: preorder rank in its partition */
    int64_t *floor;         /* per section                               */
    int64_t *total;         /* per section: the leaves of `tree`         */
    int64_t *cuts;          /* per boundary s|s+1: unplaced crossing it   */
    int64_t *sort_keys;     /* scratch for preorders                     */

    /* Each section's members with the unplaced ones first: placing b swaps
     * it behind the unplaced prefix. Unplacing only regrows the prefix, as
     * placements undo in LIFO order and the order inside does not matter. */
    int32_t *members;        /* per incidence slot, grouped by section     */
    int32_t *slot_incidence; /* which incidence sits in a slot             */
    int32_t *incidence_slot; /* where an incidence sits                    */
    int32_t *incidence_start;/* per buffer: its incidences (one a section) */
    int64_t *unplaced;       /* per section: length of the prefix          */

    uint32_t *stamp;        /* per section: last placement that marked it */
    uint32_t stamp_now;
    int32_t *affected;

    change *log;
    size_t log_len, log_cap;

    int32_t *arena; /* stack of buffer lists; addressed by index, it moves */
    size_t arena_len, arena_cap;
    entry *entries; /* stack of node orders, likewise */
    size_t entries_len, entries_cap;

    int64_t *tree;  /* max segment tree of section totals */
    size_t tree_leaves;

    /* Failed states. Two nodes with the same unplaced buffers, minimum
     * offsets, last key and partition have the same future (floors,
     * totals, cuts, ranks and the dominance test all follow from those),
     * so a state that failed once fails again: different stacking orders of
     * the same buffers reach it over and over. States are fingerprinted by
     * two independent 64-bit hashes maintained incrementally. */
    uint64_t hash[2];
    fingerprint *memo;
    size_t memo_mask;
} searcher;

/* ------------------------------------------------------------ undo log */

static void set_cell(searcher *s, int64_t *cell, int64_t value)
{
    if (s->log_len == s->log_cap) {
        size_t grown = s->log_cap * 2;
        change *more = realloc(s->log, grown * sizeof(change));
        if (!more) { /* keep going without the write; the search aborts */
            s->out_of_memory = true;
            return;
        }
        s->log = more;
        s->log_cap = grown;
    }
    s->log[s->log_len++] = (change){cell, *cell};
    *cell = value;
}

static void undo_to(searcher *s, size_t mark)
{
    while (s->log_len > mark) {
        change *c = &s->log[--s->log_len];
        *c->cell = c->old;
    }
}

/* --------------------------------------------------------------- arena */

static size_t arena_push(searcher *s, size_t count)
{
    if (s->arena_len + count > s->arena_cap) {
        size_t grown = s->arena_cap * 2 + count;
        int32_t *more = realloc(s->arena, grown * sizeof(int32_t));
        if (!more) {
            s->out_of_memory = true;
            return SIZE_MAX;
        }
        s->arena = more;
        s->arena_cap = grown;
    }
    size_t base = s->arena_len;
    s->arena_len += count;
    return base;
}

/* ---------------------------------------------------------------- keys */

/* The dynamic order: lowest minimum offset first; at equal offsets a buffer
 * hinted there, then preorder rank. Any fixed total order would do for
 * completeness; this one tries the most constrained placements first.
 * Entries carry their key so sorting touches only the entry array. */
struct entry {
    int64_t offset;
    uint32_t tie; /* rank, with the top bit set unless hinted at offset */
    int32_t buffer;
};

#define MC_NOT_HINTED UINT32_C(0x80000000)

static entry entry_of(const searcher *s, int32_t b)
{
    int64_t off = s->min_offset[b];
    uint32_t tie = (uint32_t)s->rank[b] | (s->m->hint[b] == off ? 0 : MC_NOT_HINTED);
    return (entry){off, tie, b};
}

static bool entry_before(entry x, entry y)
{
    return x.offset < y.offset || (x.offset == y.offset && x.tie < y.tie);
}

/* Insertion sort: a child's order is its parent's with a few keys raised. */
static void sort_entries(entry *items, size_t count)
{
    for (size_t i = 1; i < count; ++i) {
        entry x = items[i];
        size_t j = i;
        for (; j > 0 && entry_before(x, items[j - 1]); --j) items[j] = items[j - 1];
        items[j] = x;
    }
}

static size_t entries_push(searcher *s, size_t count)
{
    if (s->entries_len + count > s->entries_cap) {
        size_t grown = s->entries_cap * 2 + count;
        entry *more = realloc(s->entries, grown * sizeof(entry));
        if (!more) {
            s->out_of_memory = true;
            return SIZE_MAX;
        }
        s->entries = more;
        s->entries_cap = grown;
    }
    size_t base = s->entries_len;
    s->entries_len += count;
    return base;
}

/* ------------------------------------------------------ section totals */

/* A max segment tree over section totals: section inference needs the
 * widest remaining section of a partition at every node, and a placement
 * changes only the few sections it spans. Leaves are the totals. */
static void set_total(searcher *s, int32_t sec, int64_t value)
{
    size_t i = s->tree_leaves + (size_t)sec;
    set_cell(s, &s->tree[i], value);
    for (i /= 2; i >= 1; i /= 2) {
        int64_t left = s->tree[2 * i], right = s->tree[2 * i + 1];
        int64_t best = left > right ? left : right;
        if (s->tree[i] == best) break;
        set_cell(s, &s->tree[i], best);
    }
}

static int64_t max_total(const searcher *s, int32_t sec_lo, int32_t sec_hi)
{
    int64_t best = 0;
    for (size_t lo = s->tree_leaves + (size_t)sec_lo, hi = s->tree_leaves + (size_t)sec_hi; lo < hi; lo /= 2, hi /= 2) {
        if (lo & 1) {
            if (s->tree[lo] > best) best = s->tree[lo];
            ++lo;
        }
        if (hi & 1) {
            --hi;
            if (s->tree[hi] > best) best = s->tree[hi];
        }
    }
    return best;
}

/* ----------------------------------------------------------- placement */

/* Marks the sections of buffer c for the unallocated-floor update. */
static void mark_sections(searcher *s, int32_t c, size_t *naffected)
{
    const mc_model *m = s->m;
    for (int32_t k = m->span_start[c]; k < m->span_start[c + 1]; ++k)
        for (int32_t sec = m->spans[k].section_lower; sec < m->spans[k].section_upper; ++sec)
            if (s->stamp[sec] != s->stamp_now) {
                s->stamp[sec] = s->stamp_now;
                s->affected[(*naffected)++] = sec;
            }
}

/* Raises the minimum offsets of unplaced buffers sharing time with b.
 * Returns false if one was pushed past its fixed offset or out of memory. */
static bool raise_overlaps(searcher *s, int32_t b, int64_t off, size_t *naffected)
{
    const mc_model *m = s->m;
    bool ok = true;
    for (int32_t k = m->overlap_start[b]; k < m->overlap_start[b + 1]; ++k) {
        int32_t c = m->overlaps[k].other;
        if (s->offset[c] >= 0) continue;
        set_cell(s, &s->open_overlaps[c], s->open_overlaps[c] - 1);
        int64_t top;
        if (!mc_add_i64(off, m->overlaps[k].effective_size, &top)) top = INT64_MAX;
        top = mc_align_up(top < 0 ? 0 : top, m->alignment[c]);
        if (s->min_offset[c] >= top) continue;
        for (int w = 0; w < 2; ++w) s->hash[w] ^= term(w, c, s->min_offset[c]) ^ term(w, c, top);
        set_cell(s, &s->min_offset[c], top);
        if ((m->fixed_offset[c] >= 0 && top > m->fixed_offset[c]) || top > s->capacity - m->size[c]) ok = false;
        mark_sections(s, c, naffected);
    }
    return ok;
}

/* Raises the floor of b's sections to b's top there, removes b's widths
 * from the totals, then lifts affected floors to the lowest minimum offset
 * of the buffers still to place in them. Every section whose floor or
 * total changed is checked here (floor + total <= capacity); the rest were
 * checked when they last changed. */
static bool update_sections(searcher *s, int32_t b, int64_t off, size_t naffected)
{
    const mc_model *m = s->m;
    bool ok = true;
    for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k) {
        const mc_span *sp = &m->spans[k];
        for (int32_t sec = sp->section_lower; sec < sp->section_upper; ++sec) {
            set_cell(s, &s->floor[sec], off + sp->window_upper);
            set_total(s, sec, s->total[sec] - (sp->window_upper - sp->window_lower));
            if (s->total[sec] > s->capacity - s->floor[sec]) ok = false;
        }
    }
    for (size_t q = 0; q < naffected && ok; ++q) {
        int32_t sec = s->affected[q];
        int64_t floor = s->floor[sec], lowest = INT64_MAX;
        /* Only a rise matters: stop at the first member that rules it out. */
        const int32_t *member = s->members + m->member_start[sec];
        for (int64_t k = 0; k < s->unplaced[sec]; ++k) {
            int32_t c = member[k];
            if (s->min_offset[c] <= floor) {
                lowest = INT64_MAX;
                break;
            }
            if (s->min_offset[c] < lowest) lowest = s->min_offset[c];
        }
        if (lowest == INT64_MAX) continue;
        set_cell(s, &s->floor[sec], lowest);
        if (s->total[sec] > s->capacity - lowest) ok = false;
    }
    return ok;
}

/* Moves b out of the unplaced prefix of each of its sections. */
static void leave_sections(searcher *s, int32_t b)
{
    const mc_model *m = s->m;
    int32_t inc = s->incidence_start[b];
    for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k)
        for (int32_t sec = m->spans[k].section_lower; sec < m->spans[k].section_upper; ++sec, ++inc) {
            int32_t base = m->member_start[sec];
            int32_t here = s->incidence_slot[inc], last = base + (int32_t)s->unplaced[sec] - 1;
            int32_t other = s->slot_incidence[last];
            s->members[here] = s->members[last];
            s->slot_incidence[here] = other;
            s->incidence_slot[other] = here;
            s->members[last] = b;
            s->slot_incidence[last] = inc;
            s->incidence_slot[inc] = last;
            set_cell(s, &s->unplaced[sec], s->unplaced[sec] - 1);
        }
}

/* Places b at off. Returns false if that breaks a fixed offset or a
 * section can no longer hold what remains in it. */
static bool place(searcher *s, int32_t b, int64_t off)
{
    for (int w = 0; w < 2; ++w) s->hash[w] ^= term(w, b, s->min_offset[b]) ^ term(w, b, INT64_MIN);
    set_cell(s, &s->offset[b], off);
    leave_sections(s, b);
    s->solution[b] = off;
    if (++s->stamp_now == 0) { /* wrapped: forget every old mark */
        memset(s->stamp, 0, (size_t)s->m->section_count * sizeof(uint32_t));
        s->stamp_now = 1;
    }
    size_t naffected = 0;
    bool ok = raise_overlaps(s, b, off, &naffected);
    return update_sections(s, b, off, naffected) && ok;
}

/* ---------------------------------------------------------------- memo */

static fingerprint state_of(const searcher *s, int32_t sec_lo, int32_t sec_hi, entry last)
{
    fingerprint f;
    uint64_t context = mix64((uint64_t)sec_lo * UINT64_C(0x9E3779B97F4A7C15) ^ (uint64_t)sec_hi) ^
                       mix64((uint64_t)last.offset ^ mix64((uint64_t)last.tie + 1));
    for (int w = 0; w < 2; ++w) f.h[w] = s->hash[w] ^ mix64(context + (uint64_t)w);
    return f;
}

static bool memo_failed(const searcher *s, fingerprint f)
{
    if (!s->memo) return false;
    const fingerprint *slot = &s->memo[f.h[0] & s->memo_mask];
    return slot->h[0] == f.h[0] && slot->h[1] == f.h[1];
}

/* Sized to the node budget (a table larger than the nodes it can see is
 * wasted), at most 2^21 slots (32 MiB). NULL disables it: when windows
 * exist, section floors no longer follow from minimum offsets alone. */
static fingerprint *memo_create(const mc_model *m, uint64_t budget, size_t *mask)
{
    for (int32_t b = 0; b < m->count; ++b)
        for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k)
            if (m->spans[k].window_lower != 0 || m->spans[k].window_upper != m->size[b]) return NULL;
    size_t slots = 1024;
    while (slots < ((size_t)1 << 21) && (uint64_t)slots < budget) slots *= 2;
    *mask = slots - 1;
    return calloc(slots, sizeof(fingerprint));
}

/* Direct-mapped: a newer failure replaces an older one in its slot. */
static void memo_store(searcher *s, fingerprint f)
{
    if (s->memo) s->memo[f.h[0] & s->memo_mask] = f;
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

static mc_search_result search(searcher *s, int32_t sec_lo, int32_t sec_hi, size_t parent, size_t parent_count,
                               entry last);

/* Splits at the boundaries that placing b left uncrossed, if any, and
 * solves the pieces independently; otherwise continues the same search. */
static mc_search_result descend(searcher *s, int32_t b, int32_t sec_lo, int32_t sec_hi, size_t order,
                                size_t count, entry last)
{
    const mc_model *m = s->m;
    int32_t cut_from = m->section_lower[b] > sec_lo ? m->section_lower[b] : sec_lo;
    int32_t cut_to = m->section_upper[b] < sec_hi ? m->section_upper[b] : sec_hi;
    bool split = false;
    for (int32_t sec = cut_from; sec + 1 < cut_to; ++sec) {
        set_cell(s, &s->cuts[sec], s->cuts[sec] - 1);
        if (s->cuts[sec] == 0) split = true;
    }
    if (!split) return search(s, sec_lo, sec_hi, order, count, last);

    /* Solve each uncrossed stretch [start, sec) on its own, left to right. */
    int32_t start = sec_lo;
    for (int32_t sec = sec_lo + 1; sec <= sec_hi; ++sec) {
        if (sec < sec_hi && s->cuts[sec - 1] != 0) continue;
        size_t list = arena_push(s, count);
        if (list == SIZE_MAX) return MC_SEARCH_NOMEM;
        size_t n = 0;
        for (size_t k = 0; k < count; ++k) {
            int32_t c = s->entries[order + k].buffer;
            if (s->offset[c] < 0 && m->section_lower[c] < sec && m->section_upper[c] > start) s->arena[list + n++] = c;
        }
        mc_search_result r = n ? solve_partition(s, start, sec, list, n) : MC_SEARCH_FOUND;
        s->arena_len = list;
        if (r != MC_SEARCH_FOUND) return r;
        start = sec;
    }
    return MC_SEARCH_FOUND;
}

/* Copies the parent's order without placed buffers, with fresh keys, and
 * returns the lowest top any of them could reach (for dominance). */
static int64_t refresh_order(searcher *s, size_t parent, size_t parent_count, size_t order, size_t *count)
{
    int64_t min_height = INT64_MAX;
    size_t n = 0;
    for (size_t k = 0; k < parent_count; ++k) {
        int32_t b = s->entries[parent + k].buffer;
        if (s->offset[b] >= 0) continue;
        entry e = entry_of(s, b);
        s->entries[order + n++] = e;
        if (e.offset + s->m->size[b] < min_height) min_height = e.offset + s->m->size[b];
    }
    sort_entries(s->entries + order, n);
    *count = n;
    return min_height;
}

static bool may_place(const searcher *s, entry e, entry last, int64_t min_height)
{
    int32_t b = e.buffer;
    return entry_before(last, e) && e.offset < min_height &&
           (s->m->fixed_offset[b] < 0 || e.offset == s->m->fixed_offset[b]) &&
           e.offset <= s->capacity - s->m->size[b];
}

static mc_search_result search(searcher *s, int32_t sec_lo, int32_t sec_hi, size_t parent, size_t parent_count,
                               entry last)
{
    mc_search_result result;
    if (limits_hit(s, &result)) return result;
    if (s->out_of_memory) return MC_SEARCH_NOMEM;
    fingerprint state = state_of(s, sec_lo, sec_hi, last);
    if (memo_failed(s, state)) return MC_SEARCH_EXHAUSTED;
    size_t order = entries_push(s, parent_count), count;
    if (order == SIZE_MAX) return MC_SEARCH_NOMEM;
    int64_t min_height = refresh_order(s, parent, parent_count, order, &count);
    /* Section inference: whatever goes next at offset o, everything still
     * unplaced (it included) lies at or above o, disjoint in each section,
     * so o + (widest remaining section) <= capacity. Placements only lower
     * totals; floors of changed sections are checked in place(). */
    int64_t highest_start = s->capacity - max_total(s, sec_lo, sec_hi);
    result = count == 0 ? MC_SEARCH_FOUND : MC_SEARCH_EXHAUSTED;
    for (size_t k = 0; k < count; ++k) {
        entry e = s->entries[order + k];
        if (e.offset > highest_start) break; /* sorted: no later one fits */
        if (may_place(s, e, last, min_height)) {
            size_t mark = s->log_len;
            uint64_t saved[2] = {s->hash[0], s->hash[1]};
            if (place(s, e.buffer, e.offset)) result = descend(s, e.buffer, sec_lo, sec_hi, order, count, e);
            undo_to(s, mark);
            s->hash[0] = saved[0];
            s->hash[1] = saved[1];
            if (result != MC_SEARCH_EXHAUSTED) break;
        }
        /* e is passed over: nothing can lift it above the keys to come. */
        if (s->open_overlaps[e.buffer] == 0) break;
    }
    s->entries_len = order;
    if (result == MC_SEARCH_EXHAUSTED) memo_store(s, state);
    return result;
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

/* Ranks the buffers of a partition by the static preorder, then searches. */
static mc_search_result solve_partition(searcher *s, int32_t sec_lo, int32_t sec_hi, size_t list, size_t count)
{
    size_t stride = strlen(s->preorder->keys);
    size_t scratch = arena_push(s, count);
    if (scratch == SIZE_MAX) return MC_SEARCH_NOMEM;
    for (size_t k = 0; k < count; ++k) {
        int32_t b = s->arena[list + k];
        for (size_t i = 0; i < stride; ++i)
            s->sort_keys[(size_t)b * stride + i] = preorder_value(s, b, s->preorder->keys[i]);
    }
    preorder_context pc = {s, stride};
    mc_sort_indices(s->arena + list, count, s->arena + scratch, compare_preorder, &pc);
    s->arena_len = scratch;
    size_t mark = s->log_len;
    size_t first = entries_push(s, count);
    if (first == SIZE_MAX) return MC_SEARCH_NOMEM;
    for (size_t k = 0; k < count; ++k) {
        int32_t b = s->arena[list + k];
        set_cell(s, &s->rank[b], (int64_t)k);
        s->entries[first + k] = entry_of(s, b);
    }
    entry before_all = {INT64_MIN, 0, -1};
    mc_search_result r = search(s, sec_lo, sec_hi, first, count, before_all);
    s->entries_len = first;
    undo_to(s, mark);
    return r;
}

/* --------------------------------------------------------------- setup */

static void init_state(searcher *s)
{
    const mc_model *m = s->m;
    for (int32_t b = 0; b < m->count; ++b) {
        s->offset[b] = -1;
        s->min_offset[b] = m->fixed_offset[b] >= 0 ? m->fixed_offset[b] : 0;
        s->open_overlaps[b] = m->overlap_start[b + 1] - m->overlap_start[b];
        for (int32_t sec = m->section_lower[b]; sec + 1 < m->section_upper[b]; ++sec) ++s->cuts[sec];
    }
    for (int32_t sec = 0; sec < m->section_count; ++sec) {
        s->total[sec] = m->section_width[sec];
        s->unplaced[sec] = m->member_start[sec + 1] - m->member_start[sec];
    }
    for (int32_t b = 0; b < m->count; ++b)
        for (int w = 0; w < 2; ++w) s->hash[w] ^= term(w, b, s->min_offset[b]);
    for (size_t i = s->tree_leaves - 1; i >= 1; --i)
        s->tree[i] = s->tree[2 * i] > s->tree[2 * i + 1] ? s->tree[2 * i] : s->tree[2 * i + 1];
    /* Incidences in buffer order; model.c filled members in the same order,
     * so the k-th member slot of a section belongs to the k-th buffer that
     * reaches it. */
    int32_t inc = 0;
    int32_t *cursor = malloc(((size_t)m->section_count + 1) * sizeof(int32_t));
    for (int32_t sec = 0; cursor && sec < m->section_count; ++sec) cursor[sec] = m->member_start[sec];
    for (int32_t b = 0; cursor && b < m->count; ++b) {
        s->incidence_start[b] = inc;
        for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k)
            for (int32_t sec = m->spans[k].section_lower; sec < m->spans[k].section_upper; ++sec, ++inc) {
                int32_t slot = cursor[sec]++;
                s->members[slot] = b;
                s->slot_incidence[slot] = inc;
                s->incidence_slot[inc] = slot;
            }
    }
    if (!cursor) s->out_of_memory = true;
    free(cursor);
}

static void free_state(searcher *s)
{
    free(s->min_offset);
    free(s->offset);
    free(s->open_overlaps);
    free(s->rank);
    free(s->floor);
    free(s->cuts);
    free(s->sort_keys);
    free(s->members);
    free(s->slot_incidence);
    free(s->incidence_slot);
    free(s->incidence_start);
    free(s->unplaced);
    free(s->stamp);
    free(s->affected);
    free(s->log);
    free(s->arena);
    free(s->entries);
    free(s->tree);
    free(s->memo);
}

static bool alloc_state(searcher *s)
{
    size_t n = (size_t)s->m->count + 1, S = (size_t)s->m->section_count + 1;
    s->min_offset = malloc(n * sizeof(int64_t));
    s->offset = malloc(n * sizeof(int64_t));
    s->open_overlaps = malloc(n * sizeof(int64_t));
    s->rank = calloc(n, sizeof(int64_t));
    s->floor = calloc(S, sizeof(int64_t));
    s->cuts = calloc(S, sizeof(int64_t));
    s->sort_keys = malloc(n * MC_PREORDER_KEYS_MAX * sizeof(int64_t));
    size_t incidences = (size_t)s->m->member_start[s->m->section_count] + 1;
    s->members = malloc(incidences * sizeof(int32_t));
    s->slot_incidence = malloc(incidences * sizeof(int32_t));
    s->incidence_slot = malloc(incidences * sizeof(int32_t));
    s->incidence_start = malloc(n * sizeof(int32_t));
    s->unplaced = calloc(S, sizeof(int64_t));
    s->stamp = calloc(S, sizeof(uint32_t));
    s->affected = malloc(S * sizeof(int32_t));
    s->log_cap = 4096;
    s->log = malloc(s->log_cap * sizeof(change));
    s->arena_cap = 4 * n;
    s->arena = malloc(s->arena_cap * sizeof(int32_t));
    s->entries_cap = 4 * n;
    s->entries = malloc(s->entries_cap * sizeof(entry));
    for (s->tree_leaves = 1; s->tree_leaves < S; s->tree_leaves *= 2) {}
    s->tree = calloc(2 * s->tree_leaves, sizeof(int64_t));
    s->total = s->tree + s->tree_leaves;
    return s->min_offset && s->offset && s->open_overlaps && s->rank && s->floor && s->total && s->cuts &&
           s->sort_keys && s->members && s->slot_incidence && s->incidence_slot && s->incidence_start &&
           s->unplaced && s->stamp && s->affected && s->log && s->arena && s->entries && s->tree;
}

mc_search_result mc_search(const mc_model *model, int64_t capacity, const mc_preorder *preorder,
                           const mc_search_limits *limits, int64_t *offsets)
{
    searcher s = {.m = model, .capacity = capacity, .preorder = preorder, .limits = limits,
                  .budget_left = limits->node_budget, .solution = offsets};
    mc_search_result result = MC_SEARCH_NOMEM;
    if (!alloc_state(&s)) goto done;
    init_state(&s);
    s.memo = memo_create(model, limits->node_budget, &s.memo_mask);
    /* The static partitions: stretches no buffer crosses. */
    size_t all = arena_push(&s, (size_t)model->count);
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
    free_state(&s);
    return result;
}
