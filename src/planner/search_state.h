/* The mutable state of one canonical search and the operations that change
 * it. Every change is undoable: plain cells go through one undo log, order
 * moves through another, and a branch is left by rewinding both to the
 * marks taken when it was entered. Nothing is allocated per node. */
#ifndef MC_PLANNER_SEARCH_STATE_H
#define MC_PLANNER_SEARCH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "planner/model.h"
#include "planner/search.h"

/* A candidate in the dynamic order: lowest minimum offset first; at equal
 * offsets a buffer hinted there, then preorder rank. Any fixed total order
 * keeps the search complete; this one tries constrained buffers first. */
typedef struct entry {
    int64_t offset;
    uint32_t tie; /* rank, with the top bit set unless hinted at offset */
    int32_t buffer;
} entry;

/* The unplaced buffers of one partition, sorted by entry, stored at
 * entries[base .. base + len). A partition's list lives while it is being
 * solved; nested partitions stack their lists above it. */
typedef struct order_list {
    size_t base, len;
} order_list;

typedef struct change {
    int64_t *cell;
    int64_t old;
} change;

/* An entry as it was before a placement moved it, and where it stood. */
typedef struct saved_entry {
    int64_t position;
    entry e;
} saved_entry;

/* One placement's change to a list: saved[first .. first + count) holds the
 * placed entry and the raised ones as they were, sorted by position. */
typedef struct order_change {
    order_list *list;
    size_t first, count;
} order_change;

typedef struct fingerprint {
    uint64_t h[2];
} fingerprint;

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
    int64_t *position;      /* per buffer: index in its partition's list  */
    int64_t *floor;         /* per section                               */
    int64_t *total;         /* per section: the leaves of `tree`         */
    int64_t *cuts;          /* per boundary s|s+1: unplaced crossing it   */
    int64_t *sort_keys;     /* scratch for preorders                     */

    /* Each section's members with the unplaced ones first: placing b swaps
     * it behind the unplaced prefix. Unplacing only regrows the prefix, as
     * placements undo in LIFO order and the order inside does not matter. */
    int32_t *members;         /* per incidence slot, grouped by section     */
    int32_t *slot_incidence;  /* which incidence sits in a slot             */
    int32_t *incidence_slot;  /* where an incidence sits                    */
    int32_t *incidence_start; /* per buffer: its incidences (one a section) */
    int64_t *unplaced;        /* per section: length of the prefix          */

    int32_t *cover;  /* per section: span ends noted by one placement, else 0 */
    int32_t *affected;

    change *log;
    size_t log_len, log_cap;
    order_change *changes;
    size_t changes_len, changes_cap;
    saved_entry *saved;
    size_t saved_len, saved_cap;
    int32_t *raised;     /* scratch: buffers raised by one placement  */
    entry *fresh;        /* scratch: their new entries                 */
    entry *fresh_scratch; /* scratch for sorting them                   */
    uint32_t *moving;    /* per buffer: stamp of the placement moving it */
    uint64_t *hash_key;  /* per buffer and hash word: its mixed number   */
    uint32_t moving_now;

    int32_t *arena; /* stack of buffer lists; addressed by index, it moves */
    size_t arena_len, arena_cap;
    entry *entries; /* stack of partition orders, likewise */
    size_t entries_len, entries_cap;

    int64_t *tree; /* max segment tree of section totals */
    size_t tree_leaves;

    /* Failed states. Two nodes with the same unplaced buffers, minimum
     * offsets, last key and partition have the same future (floors,
     * totals, cuts, ranks and the dominance test all follow from those when
     * no buffer has a window), so a state that failed once fails again:
     * different stacking orders of the same buffers reach it over and over.
     * States are fingerprinted by two independent 64-bit hashes kept up to
     * date as buffers are placed and raised. */
    uint64_t hash[2];
    fingerprint *memo;
    size_t memo_mask;
} searcher;

/* Undo marks: where both logs stood when a branch was entered. */
typedef struct undo_mark {
    size_t cells, changes, saved;
    uint64_t hash[2];
} undo_mark;

bool mc_search_open(searcher *s);  /* allocates and initializes; false: no memory */
void mc_search_close(searcher *s);

void mc_search_set(searcher *s, int64_t *cell, int64_t value);
undo_mark mc_search_mark(const searcher *s);
void mc_search_undo(searcher *s, undo_mark mark);

size_t mc_search_arena_push(searcher *s, size_t count);   /* SIZE_MAX: no memory */
size_t mc_search_entries_push(searcher *s, size_t count); /* SIZE_MAX: no memory */

entry mc_search_entry_of(const searcher *s, int32_t b);
bool mc_search_entry_before(entry x, entry y);

/* Places the buffer of list entry k at its minimum offset: removes it from
 * the list, raises the buffers that share time with it (moving them in the
 * list), updates sections. False if a fixed offset is broken or a section
 * can no longer hold what remains in it. */
bool mc_search_place(searcher *s, order_list *list, size_t k);

int64_t mc_search_max_total(const searcher *s, int32_t sec_lo, int32_t sec_hi);

uint64_t mc_search_mix64(uint64_t z);

#endif
