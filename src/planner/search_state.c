/* State of the canonical search: undo logs, candidate order, sections and
 * the placement step that ties them together. */
#include "planner/search_state.h"

#include <stdlib.h>
#include <string.h>

#include "common/checked.h"

uint64_t mc_search_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* The contribution of "buffer b is unplaced with minimum offset v" (or,
 * with v == INT64_MIN, "b is placed") to hash number `which`. The per-buffer
 * keys are mixed once at open: rehashing runs for every raised buffer and
 * mixing the buffer number there too doubled its cost. */
static uint64_t buffer_key(int which, int32_t b)
{
    uint64_t seed = which ? UINT64_C(0xD1B54A32D192ED03) : UINT64_C(0x9E3779B97F4A7C15);
    return mc_search_mix64((uint64_t)b * seed + UINT64_C(0x632BE59BD9B4E019));
}

static uint64_t term(const searcher *s, int which, int32_t b, int64_t v)
{
    return mc_search_mix64(s->hash_key[2 * (size_t)b + (size_t)which] ^ (uint64_t)v);
}

static void rehash(searcher *s, int32_t b, int64_t from, int64_t to)
{
    for (int w = 0; w < 2; ++w) s->hash[w] ^= term(s, w, b, from) ^ term(s, w, b, to);
}

/* ----------------------------------------------------------- undo logs */

/* Doubles a log; on failure the search is marked out of memory and the
 * caller drops the write (the search then ends with MC_SEARCH_NOMEM). */
static bool grow(void **items, size_t *capacity, size_t item_size, bool *out_of_memory)
{
    size_t grown = *capacity * 2 + 64;
    void *more = realloc(*items, grown * item_size);
    if (!more) {
        *out_of_memory = true;
        return false;
    }
    *items = more;
    *capacity = grown;
    return true;
}

void mc_search_set(searcher *s, int64_t *cell, int64_t value)
{
    if (s->log_len == s->log_cap && !grow((void **)&s->log, &s->log_cap, sizeof(change), &s->out_of_memory)) return;
    s->log[s->log_len++] = (change){cell, *cell};
    *cell = value;
}

undo_mark mc_search_mark(const searcher *s)
{
    return (undo_mark){s->log_len, s->changes_len, s->saved_len, {s->hash[0], s->hash[1]}};
}

static void unreorder(searcher *s, const order_change *change);

void mc_search_undo(searcher *s, undo_mark mark)
{
    while (s->changes_len > mark.changes) unreorder(s, &s->changes[--s->changes_len]);
    s->saved_len = mark.saved;
    while (s->log_len > mark.cells) {
        change *c = &s->log[--s->log_len];
        *c->cell = c->old;
    }
    s->hash[0] = mark.hash[0];
    s->hash[1] = mark.hash[1];
}

/* -------------------------------------------------------------- arenas */

size_t mc_search_arena_push(searcher *s, size_t count)
{
    while (s->arena_len + count > s->arena_cap)
        if (!grow((void **)&s->arena, &s->arena_cap, sizeof(int32_t), &s->out_of_memory)) return SIZE_MAX;
    s->arena_len += count;
    return s->arena_len - count;
}

size_t mc_search_entries_push(searcher *s, size_t count)
{
    while (s->entries_len + count > s->entries_cap)
        if (!grow((void **)&s->entries, &s->entries_cap, sizeof(entry), &s->out_of_memory)) return SIZE_MAX;
    s->entries_len += count;
    return s->entries_len - count;
}

/* --------------------------------------------------------------- order */

#define NOT_HINTED UINT32_C(0x80000000)

entry mc_search_entry_of(const searcher *s, int32_t b)
{
    int64_t off = s->min_offset[b];
    uint32_t tie = (uint32_t)s->rank[b] | (s->m->hint[b] == off ? 0 : NOT_HINTED);
    return (entry){off, tie, b};
}

bool mc_search_entry_before(entry x, entry y)
{
    return x.offset < y.offset || (x.offset == y.offset && x.tie < y.tie);
}

/* Sorts the entries of raised buffers. glibc's qsort mallocs a buffer for
 * anything over 1 KiB and showed up as a quarter of the time on the
 * challenging set, so this sort never allocates: insertion for the common
 * short runs, merging through the caller's scratch (n entries) above. */
static void sort_entries(entry *items, entry *scratch, size_t n)
{
    enum { SHORT_RUN = 16 };
    for (size_t lo = 0; lo < n; lo += SHORT_RUN) {
        size_t hi = lo + SHORT_RUN < n ? lo + SHORT_RUN : n;
        for (size_t i = lo + 1; i < hi; ++i) {
            entry e = items[i];
            size_t j = i;
            for (; j > lo && mc_search_entry_before(e, items[j - 1]); --j) items[j] = items[j - 1];
            items[j] = e;
        }
    }
    for (size_t width = SHORT_RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo + width < n; lo += 2 * width) {
            size_t mid = lo + width, hi = mid + width < n ? mid + width : n;
            size_t i = lo, j = mid, out = 0;
            while (i < mid && j < hi)
                scratch[out++] = mc_search_entry_before(items[j], items[i]) ? items[j++] : items[i++];
            while (i < mid) scratch[out++] = items[i++];
            memcpy(items + lo, scratch, (size_t)(j - lo) * sizeof(entry));
        }
    }
}

/* Drops the entries of moving buffers from a list, keeping the order.
 * With `save`, the dropped entries are appended to the undo copies as
 * they go, in position order as unreorder needs them. */
static size_t compact(searcher *s, order_list *list, size_t from, bool save)
{
    entry *items = s->entries + list->base;
    size_t kept = from;
    for (size_t i = from; i < list->len; ++i) {
        if (s->moving[items[i].buffer] != s->moving_now) items[kept++] = items[i];
        else if (save) s->saved[s->saved_len++] = (saved_entry){(int64_t)i, items[i]};
    }
    return kept;
}

static void renumber(searcher *s, const order_list *list, size_t from)
{
    const entry *items = s->entries + list->base;
    for (size_t i = from; i < list->len; ++i) s->position[items[i].buffer] = (int64_t)i;
}

static void next_stamp(searcher *s)
{
    if (++s->moving_now == 0) { /* wrapped: forget every old mark */
        memset(s->moving, 0, ((size_t)s->m->count + 1) * sizeof(uint32_t));
        s->moving_now = 1;
    }
}

/* After placing the entry at k and raising `count` buffers: remove the
 * placed entry, re-sort the raised ones and merge them back, in one pass
 * over the part of the list at or after the first entry that moved (keys
 * only grow, so nothing lands earlier). That pass also saves the old
 * entries for undo. */
static void reorder(searcher *s, order_list *list, size_t k, size_t count)
{
    size_t first = s->saved_len;
    while (s->saved_len + count + 1 > s->saved_cap)
        if (!grow((void **)&s->saved, &s->saved_cap, sizeof(saved_entry), &s->out_of_memory)) return;
    if (s->changes_len == s->changes_cap &&
        !grow((void **)&s->changes, &s->changes_cap, sizeof(order_change), &s->out_of_memory))
        return;
    entry *items = s->entries + list->base;
    next_stamp(s);
    size_t start = k;
    s->moving[items[k].buffer] = s->moving_now;
    for (size_t j = 0; j < count; ++j) {
        int32_t c = s->raised[j];
        s->moving[c] = s->moving_now;
        if ((size_t)s->position[c] < start) start = (size_t)s->position[c];
        s->fresh[j] = mc_search_entry_of(s, c);
    }
    sort_entries(s->fresh, s->fresh_scratch, count);
    size_t kept = compact(s, list, start, true);
    /* Merge from the back: kept entries [0, kept) and fresh [0, count). */
    size_t out = kept + count, i = kept, j = count;
    while (j > 0) {
        if (i > start && mc_search_entry_before(s->fresh[j - 1], items[i - 1])) items[--out] = items[--i];
        else items[--out] = s->fresh[--j];
    }
    list->len = kept + count;
    renumber(s, list, start);
    s->changes[s->changes_len++] = (order_change){list, first, s->saved_len - first};
}

/* Puts the saved entries back where they stood. */
static void unreorder(searcher *s, const order_change *change)
{
    order_list *list = change->list;
    entry *items = s->entries + list->base;
    const saved_entry *saved = s->saved + change->first;
    next_stamp(s);
    for (size_t j = 0; j < change->count; ++j) s->moving[saved[j].e.buffer] = s->moving_now;
    size_t start = (size_t)saved[0].position;
    size_t kept = compact(s, list, start, false);
    size_t out = kept + change->count, i = kept, j = change->count;
    while (out > start) {
        --out;
        if (j > 0 && (size_t)saved[j - 1].position == out) items[out] = saved[--j].e;
        else items[out] = items[--i];
    }
    list->len = kept + change->count;
    renumber(s, list, start);
}

/* ------------------------------------------------------ section totals */

/* A max segment tree over section totals: section inference needs the
 * widest remaining section of a partition at every node, and a placement
 * changes only the few sections it spans. Leaves are the totals. */
static void set_total(searcher *s, int32_t sec, int64_t value)
{
    size_t i = s->tree_leaves + (size_t)sec;
    mc_search_set(s, &s->tree[i], value);
    for (i /= 2; i >= 1; i /= 2) {
        int64_t left = s->tree[2 * i], right = s->tree[2 * i + 1];
        int64_t best = left > right ? left : right;
        if (s->tree[i] == best) break;
        mc_search_set(s, &s->tree[i], best);
    }
}

int64_t mc_search_max_total(const searcher *s, int32_t sec_lo, int32_t sec_hi)
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

/* Notes the sections of raised buffer c for the unallocated-floor update,
 * as +1/-1 at the ends of each of its spans. Marking section by section
 * cost a pass over every section of every raised buffer, the hottest loop
 * of the search on the challenging set; the spans' union is found once
 * afterwards by collect_affected. */
static void note_sections(searcher *s, int32_t c, int32_t *lowest, int32_t *highest)
{
    const mc_model *m = s->m;
    for (int32_t k = m->span_start[c]; k < m->span_start[c + 1]; ++k) {
        int32_t lo = m->spans[k].section_lower, hi = m->spans[k].section_upper;
        ++s->cover[lo];
        --s->cover[hi];
        if (lo < *lowest) *lowest = lo;
        if (hi > *highest) *highest = hi;
    }
}

/* Lists the sections inside some noted span, and clears the notes. */
static size_t collect_affected(searcher *s, int32_t lowest, int32_t highest)
{
    size_t n = 0;
    int32_t depth = 0;
    for (int32_t sec = lowest; sec < highest; ++sec) {
        depth += s->cover[sec];
        s->cover[sec] = 0;
        s->affected[n] = sec;
        n += depth > 0;
    }
    if (highest >= lowest) s->cover[highest] = 0;
    return n;
}

/* Raises the minimum offsets of unplaced buffers sharing time with b.
 * Returns false if one was pushed past its fixed offset or out of memory. */
static bool raise_overlaps(searcher *s, int32_t b, int64_t off, size_t *naffected, size_t *nraised)
{
    const mc_model *m = s->m;
    bool ok = true;
    int32_t lowest = INT32_MAX, highest = -1;
    for (int32_t k = m->overlap_start[b]; k < m->overlap_start[b + 1]; ++k) {
        int32_t c = m->overlaps[k].other;
        if (s->offset[c] >= 0) continue;
        mc_search_set(s, &s->open_overlaps[c], s->open_overlaps[c] - 1);
        int64_t top;
        if (!mc_add_i64(off, m->overlaps[k].effective_size, &top)) top = INT64_MAX;
        top = mc_align_up(top < 0 ? 0 : top, m->alignment[c]);
        if (s->min_offset[c] >= top) continue;
        rehash(s, c, s->min_offset[c], top);
        mc_search_set(s, &s->min_offset[c], top);
        s->raised[(*nraised)++] = c;
        if ((m->fixed_offset[c] >= 0 && top > m->fixed_offset[c]) || top > s->capacity - m->size[c]) ok = false;
        note_sections(s, c, &lowest, &highest);
    }
    *naffected = collect_affected(s, lowest, highest);
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
            mc_search_set(s, &s->floor[sec], off + sp->window_upper);
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
        mc_search_set(s, &s->floor[sec], lowest);
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
            int32_t here = s->incidence_slot[inc];
            int32_t last = m->member_start[sec] + (int32_t)s->unplaced[sec] - 1;
            int32_t other = s->slot_incidence[last];
            s->members[here] = s->members[last];
            s->slot_incidence[here] = other;
            s->incidence_slot[other] = here;
            s->members[last] = b;
            s->slot_incidence[last] = inc;
            s->incidence_slot[inc] = last;
            mc_search_set(s, &s->unplaced[sec], s->unplaced[sec] - 1);
        }
}

bool mc_search_place(searcher *s, order_list *list, size_t k)
{
    entry e = s->entries[list->base + k];
    int32_t b = e.buffer;
    rehash(s, b, s->min_offset[b], INT64_MIN);
    mc_search_set(s, &s->offset[b], e.offset);
    leave_sections(s, b);
    s->solution[b] = e.offset;
    size_t naffected = 0, nraised = 0;
    bool ok = raise_overlaps(s, b, e.offset, &naffected, &nraised);
    reorder(s, list, k, nraised);
    return update_sections(s, b, e.offset, naffected) && ok;
}

/* --------------------------------------------------------------- setup */

/* Incidences in buffer order, members grouped by section. */
static bool init_members(searcher *s)
{
    const mc_model *m = s->m;
    int32_t *cursor = malloc(((size_t)m->section_count + 1) * sizeof(int32_t));
    if (!cursor) return false;
    for (int32_t sec = 0; sec < m->section_count; ++sec) cursor[sec] = m->member_start[sec];
    int32_t inc = 0;
    for (int32_t b = 0; b < m->count; ++b) {
        s->incidence_start[b] = inc;
        for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k)
            for (int32_t sec = m->spans[k].section_lower; sec < m->spans[k].section_upper; ++sec, ++inc) {
                int32_t slot = cursor[sec]++;
                s->members[slot] = b;
                s->slot_incidence[slot] = inc;
                s->incidence_slot[inc] = slot;
            }
    }
    free(cursor);
    return true;
}

static bool init_state(searcher *s)
{
    const mc_model *m = s->m;
    for (int32_t b = 0; b < m->count; ++b) {
        s->offset[b] = -1;
        s->min_offset[b] = m->fixed_offset[b] >= 0 ? m->fixed_offset[b] : 0;
        s->open_overlaps[b] = m->overlap_start[b + 1] - m->overlap_start[b];
        for (int32_t sec = m->section_lower[b]; sec + 1 < m->section_upper[b]; ++sec) ++s->cuts[sec];
        for (int w = 0; w < 2; ++w) {
            s->hash_key[2 * (size_t)b + (size_t)w] = buffer_key(w, b);
            s->hash[w] ^= term(s, w, b, s->min_offset[b]);
        }
    }
    for (int32_t sec = 0; sec < m->section_count; ++sec) {
        s->total[sec] = m->section_width[sec];
        s->unplaced[sec] = m->member_start[sec + 1] - m->member_start[sec];
    }
    for (size_t i = s->tree_leaves - 1; i >= 1; --i)
        s->tree[i] = s->tree[2 * i] > s->tree[2 * i + 1] ? s->tree[2 * i] : s->tree[2 * i + 1];
    return init_members(s);
}

bool mc_search_open(searcher *s)
{
    size_t n = (size_t)s->m->count + 1, S = (size_t)s->m->section_count + 1;
    size_t incidences = (size_t)s->m->member_start[s->m->section_count] + 1;
    s->min_offset = malloc(n * sizeof(int64_t));
    s->offset = malloc(n * sizeof(int64_t));
    s->open_overlaps = malloc(n * sizeof(int64_t));
    s->rank = calloc(n, sizeof(int64_t));
    s->position = calloc(n, sizeof(int64_t));
    s->floor = calloc(S, sizeof(int64_t));
    s->cuts = calloc(S, sizeof(int64_t));
    s->sort_keys = malloc(n * MC_PREORDER_KEYS_MAX * sizeof(int64_t));
    s->members = malloc(incidences * sizeof(int32_t));
    s->slot_incidence = malloc(incidences * sizeof(int32_t));
    s->incidence_slot = malloc(incidences * sizeof(int32_t));
    s->incidence_start = malloc(n * sizeof(int32_t));
    s->unplaced = calloc(S, sizeof(int64_t));
    s->cover = calloc(S, sizeof(int32_t));
    s->affected = malloc(S * sizeof(int32_t));
    for (s->tree_leaves = 1; s->tree_leaves < S; s->tree_leaves *= 2) {}
    s->tree = calloc(2 * s->tree_leaves, sizeof(int64_t));
    s->raised = malloc(n * sizeof(int32_t));
    s->fresh = malloc(n * sizeof(entry));
    s->fresh_scratch = malloc(n * sizeof(entry));
    s->moving = calloc(n, sizeof(uint32_t));
    s->hash_key = malloc(2 * n * sizeof(uint64_t));
    if (!s->raised || !s->fresh || !s->fresh_scratch || !s->moving || !s->hash_key) return false;
    if (!s->min_offset || !s->offset || !s->open_overlaps || !s->rank || !s->position || !s->floor || !s->cuts ||
        !s->sort_keys || !s->members || !s->slot_incidence || !s->incidence_slot || !s->incidence_start ||
        !s->unplaced || !s->cover || !s->affected || !s->tree)
        return false;
    s->total = s->tree + s->tree_leaves;
    return init_state(s);
}

void mc_search_close(searcher *s)
{
    free(s->min_offset);
    free(s->offset);
    free(s->open_overlaps);
    free(s->rank);
    free(s->position);
    free(s->floor);
    free(s->cuts);
    free(s->sort_keys);
    free(s->members);
    free(s->slot_incidence);
    free(s->incidence_slot);
    free(s->incidence_start);
    free(s->unplaced);
    free(s->cover);
    free(s->affected);
    free(s->tree);
    free(s->log);
    free(s->changes);
    free(s->saved);
    free(s->raised);
    free(s->fresh);
    free(s->fresh_scratch);
    free(s->moving);
    free(s->hash_key);
    free(s->arena);
    free(s->entries);
    free(s->memo);
}
