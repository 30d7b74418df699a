/* The independent validator. It shares nothing with the solver but the
 * problem model: it cuts every buffer into occupancy pieces and sweeps time,
 * keeping the live pieces in a treap ordered by address. Live pieces are
 * pairwise disjoint, so a new piece overlaps some live piece iff it overlaps
 * its address-order predecessor or successor: O(p log p) for p pieces. */
#include <inttypes.h>
#include <stdlib.h>

#include "common/checked.h"
#include "planner/problem_internal.h"

typedef struct piece {
    int64_t t0, t1, a0, a1;  /* time [t0, t1), addresses [a0, a1) */
    size_t buffer;
} piece;

/* ------------------------------------------------------------------ treap */

typedef struct node {
    const piece *p;
    uint64_t priority;
    int32_t left, right;
} node;

typedef struct treap {
    node *nodes;
    int32_t root, free_list;
    uint64_t seed;
} treap;

static uint64_t next_priority(treap *t)
{
    t->seed ^= t->seed << 13;
    t->seed ^= t->seed >> 7;
    t->seed ^= t->seed << 17;
    return t->seed;
}

/* Splits `root` into addresses < key (left) and >= key (right). */
static void split(treap *t, int32_t root, int64_t key, int32_t *left, int32_t *right)
{
    if (root < 0) {
        *left = *right = -1;
        return;
    }
    node *n = &t->nodes[root];
    if (n->p->a0 < key) {
        split(t, n->right, key, &n->right, right);
        *left = root;
    } else {
        split(t, n->left, key, left, &n->left);
        *right = root;
    }
}

static int32_t merge(treap *t, int32_t a, int32_t b)
{
    if (a < 0) return b;
    if (b < 0) return a;
    if (t->nodes[a].priority > t->nodes[b].priority) {
        t->nodes[a].right = merge(t, t->nodes[a].right, b);
        return a;
    }
    t->nodes[b].left = merge(t, a, t->nodes[b].left);
    return b;
}

static int32_t rightmost(const treap *t, int32_t root)
{
    while (root >= 0 && t->nodes[root].right >= 0) root = t->nodes[root].right;
    return root;
}

static int32_t leftmost(const treap *t, int32_t root)
{
    while (root >= 0 && t->nodes[root].left >= 0) root = t->nodes[root].left;
    return root;
}

/* Inserts `p` unless it overlaps a live piece; returns that piece or NULL. */
static const piece *insert_piece(treap *t, int32_t slot, const piece *p)
{
    int32_t below, above;
    split(t, t->root, p->a0, &below, &above);
    int32_t pred = rightmost(t, below), succ = leftmost(t, above);
    const piece *clash = NULL;
    if (pred >= 0 && t->nodes[pred].p->a1 > p->a0) clash = t->nodes[pred].p;
    if (succ >= 0 && t->nodes[succ].p->a0 < p->a1) clash = t->nodes[succ].p;
    if (!clash) {
        t->nodes[slot] = (node){p, next_priority(t), -1, -1};
        below = merge(t, below, slot);
    }
    t->root = merge(t, below, above);
    return clash;
}

/* Removes the live piece starting exactly at p->a0 (unique: live pieces are
 * disjoint and non-empty). */
static void remove_piece(treap *t, const piece *p)
{
    int32_t below, rest, match, above;
    split(t, t->root, p->a0, &below, &rest);
    split(t, rest, p->a0 + 1, &match, &above);
    t->root = merge(t, below, above);
}

/* ----------------------------------------------------------------- events */

typedef struct event {
    int64_t time;
    int32_t is_start; /* ends (0) before starts (1) at the same time */
    int32_t index;    /* into the piece list */
} event;

static int compare_events(const void *a, const void *b)
{
    const event *x = a, *y = b;
    if (x->time != y->time) return x->time < y->time ? -1 : 1;
    if (x->is_start != y->is_start) return x->is_start - y->is_start;
    return (x->index > y->index) - (x->index < y->index);
}

static mc_status check_placement(const mc_problem *problem, int64_t capacity, const int64_t *offsets,
                                 int64_t *height, mc_error *err)
{
    *height = 0;
    for (size_t i = 0; i < problem->count; ++i) {
        const mc_buffer *b = &problem->buffers[i];
        int64_t o = offsets[i], end;
        if (o < 0)
            return mc_error_set(err, MC_ERR_INVALID, "buffer '%s': offset %" PRId64 " is negative", b->id, o);
        if (o % b->alignment)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': offset %" PRId64 " is not a multiple of its alignment %" PRId64,
                                b->id, o, b->alignment);
        if (!mc_add_i64(o, b->size, &end) || end > capacity)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': offset %" PRId64 " + size %" PRId64 " exceeds the capacity %" PRId64,
                                b->id, o, b->size, capacity);
        if (b->fixed_offset != MC_NO_OFFSET && o != b->fixed_offset)
            return mc_error_set(err, MC_ERR_INVALID,
                                "buffer '%s': offset %" PRId64 " differs from its fixed offset %" PRId64, b->id, o,
                                b->fixed_offset);
        if (end > *height) *height = end;
    }
    return MC_OK;
}

mc_status mc_validate(const mc_problem *problem, int64_t capacity, const int64_t *offsets, int64_t *height_out,
                      mc_error *err)
{
    int64_t height;
    mc_status status = check_placement(problem, capacity, offsets, &height, err);
    if (status != MC_OK) return status;
    mc_pieces shapes;
    if (!mc_pieces_collect(problem, &shapes))
        return mc_error_set(err, MC_ERR_NOMEM, "out of memory validating %zu buffers", problem->count);
    if (shapes.count > INT32_MAX / 2) {
        mc_pieces_free(&shapes);
        return mc_error_set(err, MC_ERR_UNSUPPORTED, "too many pieces to validate");
    }
    size_t npieces = shapes.count;
    piece *pieces = malloc(npieces * sizeof(piece) + 1);
    event *events = malloc(2 * npieces * sizeof(event) + 1);
    treap t = {malloc(npieces * sizeof(node) + 1), -1, -1, UINT64_C(0x9E3779B97F4A7C15)};
    if (!pieces || !events || !t.nodes) {
        status = mc_error_set(err, MC_ERR_NOMEM, "out of memory validating %zu buffers", problem->count);
        goto done;
    }
    /* offset + w1 <= offset + size <= capacity: checked above. */
    for (size_t i = 0; i < problem->count; ++i)
        for (size_t k = shapes.first[i]; k < shapes.first[i + 1]; ++k) {
            const mc_piece *shape = &shapes.items[k];
            pieces[k] = (piece){shape->t0, shape->t1, offsets[i] + shape->w0, offsets[i] + shape->w1, i};
        }
    size_t nevents = 0;
    for (size_t k = 0; k < npieces; ++k) {
        events[nevents++] = (event){pieces[k].t0, 1, (int32_t)k};
        events[nevents++] = (event){pieces[k].t1, 0, (int32_t)k};
    }
    qsort(events, nevents, sizeof(event), compare_events);
    for (size_t e = 0; e < nevents; ++e) {
        const piece *p = &pieces[events[e].index];
        if (!events[e].is_start) {
            remove_piece(&t, p);
            continue;
        }
        const piece *clash = insert_piece(&t, events[e].index, p);
        if (clash) {
            const mc_buffer *a = &problem->buffers[clash->buffer], *b = &problem->buffers[p->buffer];
            int64_t when = p->t0 > clash->t0 ? p->t0 : clash->t0;
            status = mc_error_set(err, MC_ERR_INVALID,
                                  "buffers '%s' [%" PRId64 ", %" PRId64 ") and '%s' [%" PRId64 ", %" PRId64
                                  ") overlap in address at time %" PRId64,
                                  a->id, clash->a0, clash->a1, b->id, p->a0, p->a1, when);
            goto done;
        }
    }
    if (height_out) *height_out = height;
done:
    mc_pieces_free(&shapes);
    free(pieces);
    free(events);
    free(t.nodes);
    return status;
}
