/* Preparing the exact search: the DS points of each level (last nonzero
 * coordinate), sorted by |x_k| into runs, and their distinct prefixes x'
 * interned so coset indices are computed once per prefix, not per point. */
#include <stdlib.h>
#include <string.h>

#include "lattice/search.h"

void mc_lat_choose_axes(const mc_lattice_set *set, size_t *axis)
{
    unsigned chosen = 0;
    for (size_t k = 0; k < set->n; ++k) {
        size_t best = 0, best_count = 0;
        bool any = false;
        for (size_t a = 0; a < set->n; ++a) {
            if (chosen & (1u << a)) continue;
            size_t count = 0;
            unsigned allowed = chosen | (1u << a);
            for (size_t p = 0; p < set->half; ++p) {
                unsigned support = 0;
                for (size_t i = 0; i < set->n; ++i)
                    if (mc_lat_point(set, p)[i] != 0) support |= 1u << i;
                if ((support & ~allowed) == 0) ++count;
            }
            if (!any || count > best_count) any = true, best = a, best_count = count;
        }
        axis[k] = best;
        chosen |= 1u << best;
    }
}

static uint64_t hash_prefix(const int64_t *x, size_t k)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < k; ++i) h = (h ^ (uint64_t)x[i]) * 1099511628211u;
    return h;
}

/* Finds or adds the prefix of x (first k of n coordinates) among the
 * *count stored n wide in store, using an open-addressing table of `slots`
 * entries (a power of two). */
static size_t intern_prefix(const int64_t *x, size_t k, size_t n, int64_t *store, size_t *count, size_t *table,
                            size_t slots)
{
    for (size_t slot = hash_prefix(x, k) & (slots - 1);; slot = (slot + 1) & (slots - 1)) {
        if (table[slot] == SIZE_MAX) {
            size_t id = (*count)++;
            memcpy(store + id * n, x, n * sizeof *x);
            return table[slot] = id;
        }
        if (!memcmp(store + table[slot] * n, x, k * sizeof *x)) return table[slot];
    }
}

typedef struct keyed {
    int64_t key;
    size_t index;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Orders the points of level k by |x_k| and records the runs. */
static bool sort_by_top(search *s, size_t k)
{
    size_t n = s->n, count = s->count[k];
    keyed *keys = malloc((count ? count : 1) * sizeof *keys);
    int64_t *sorted = malloc((count ? count : 1) * n * sizeof *sorted);
    s->bucket_start[k] = malloc((count + 1) * sizeof(size_t));
    if (!keys || !sorted || !s->bucket_start[k]) {
        free(keys), free(sorted);
        return false;
    }
    for (size_t p = 0; p < count; ++p) {
        int64_t top = s->pts[k][p * n + k];
        keys[p] = (keyed){top < 0 ? -top : top, p};
    }
    qsort(keys, count, sizeof *keys, by_key);
    size_t runs = 0;
    for (size_t p = 0; p < count; ++p) {
        memcpy(sorted + p * n, s->pts[k] + keys[p].index * n, n * sizeof *sorted);
        if (p == 0 || keys[p].key != keys[p - 1].key) s->bucket_start[k][runs++] = p;
    }
    s->bucket_start[k][runs] = count;
    s->bucket_count[k] = runs;
    free(s->pts[k]);
    s->pts[k] = sorted;
    free(keys);
    return true;
}

typedef struct tail_key {
    int64_t top, c;
    size_t prefix;
} tail_key;

static int by_tail_key(const void *a, const void *b)
{
    const tail_key *x = a, *y = b;
    if (x->top != y->top) return x->top < y->top ? -1 : 1;
    if (x->c != y->c) return x->c < y->c ? -1 : 1;
    return (x->prefix > y->prefix) - (x->prefix < y->prefix);
}

/* The runs of groups sharing x_{n-1} (the groups are sorted by it). */
static void find_runs(tail *t)
{
    for (size_t g = 0; g < t->group_count; ++g) {
        if (g == 0 || t->groups[g].top != t->groups[g - 1].top)
            t->runs[t->run_count++] = (tail_run){t->groups[g].top, g, g};
        t->runs[t->run_count - 1].end = g + 1;
    }
}

/* Groups the last level's points by (x_{n-1}, x_{n-2}) for tail.c, each
 * flipped so that x_{n-1} > 0 (x and -x forbid the same columns), with
 * their first n-2 coordinates interned: the tables are rebuilt per prefix
 * lattice, and a box has far fewer such prefixes than points. */
static bool setup_tail(search *s, size_t *table, size_t slots)
{
    size_t n = s->n, count = s->count[n - 1], cap = count ? count : 1;
    tail *t = &s->tail;
    tail_key *keys = malloc(cap * sizeof *keys);
    t->prefixes = malloc(cap * n * sizeof *t->prefixes);
    t->member = malloc(cap * sizeof *t->member);
    t->groups = malloc(cap * sizeof *t->groups);
    t->runs = malloc(cap * sizeof *t->runs);
    if (!keys || !t->prefixes || !t->member || !t->groups || !t->runs) {
        free(keys);
        return false;
    }
    memset(table, 0xff, slots * sizeof *table);
    for (size_t p = 0; p < count; ++p) {
        int64_t x[MC_LAT_D];
        memcpy(x, s->pts[n - 1] + p * n, n * sizeof *x);
        if (x[n - 1] < 0)
            for (size_t i = 0; i < n; ++i) x[i] = -x[i];
        size_t id = intern_prefix(x, n - 2, n, t->prefixes, &t->prefix_count, table, slots);
        keys[p] = (tail_key){x[n - 1], x[n - 2], id};
    }
    qsort(keys, count, sizeof *keys, by_tail_key);
    for (size_t p = 0; p < count; ++p) {
        if (p == 0 || keys[p].top != keys[p - 1].top || keys[p].c != keys[p - 1].c)
            t->groups[t->group_count++] = (tail_group){keys[p].top, keys[p].c, p, p};
        t->member[p] = keys[p].prefix;
        t->groups[t->group_count - 1].end = p + 1;
        if (p == 0 || keys[p].c < t->cmin) t->cmin = keys[p].c;
        if (p == 0 || keys[p].c > t->cmax) t->cmax = keys[p].c;
    }
    free(keys);
    find_runs(t);
    return true;
}

mc_status mc_lat_search_setup(search *s, const mc_lattice_set *set, const size_t *axis, mc_error *err)
{
    size_t n = set->n, cap = set->half ? set->half : 1, slots = 2;
    while (slots < 2 * cap) slots *= 2;
    size_t *table = malloc(slots * sizeof *table);
    s->hard = malloc(cap * sizeof *s->hard);
    s->nomem = !table || !s->hard;
    for (size_t k = 0; k < n; ++k) {
        s->pts[k] = malloc(cap * n * sizeof(int64_t));
        s->prefixes[k] = malloc(cap * n * sizeof(int64_t));
        s->prefix_of[k] = malloc(cap * sizeof(size_t));
        s->prefix_index[k] = malloc(2 * cap * sizeof(int64_t));
        s->prefix_stamp[k] = calloc(2 * cap, sizeof(uint64_t));
        if (!s->pts[k] || !s->prefixes[k] || !s->prefix_of[k] || !s->prefix_index[k] || !s->prefix_stamp[k])
            s->nomem = true;
    }
    if (s->nomem) {
        free(table);
        return mc_error_set(err, MC_ERR_NOMEM, "exact search: out of memory");
    }
    for (size_t p = 0; p < set->half; ++p) {
        int64_t y[MC_LAT_D];
        size_t top = 0;
        for (size_t i = 0; i < n; ++i)
            if ((y[i] = mc_lat_point(set, p)[axis[i]]) != 0) top = i;
        memcpy(s->pts[top] + s->count[top]++ * n, y, n * sizeof *y);
    }
    for (size_t k = 0; k < n && !s->nomem; ++k) s->nomem = !sort_by_top(s, k);
    if (s->nomem) {
        free(table);
        return mc_error_set(err, MC_ERR_NOMEM, "exact search: out of memory");
    }
    for (size_t k = 0; k < n; ++k) {
        memset(table, 0xff, slots * sizeof *table);
        for (size_t p = 0; p < s->count[k]; ++p)
            s->prefix_of[k][p] =
                intern_prefix(s->pts[k] + p * n, k, n, s->prefixes[k], &s->prefix_count[k], table, slots);
    }
    if (n >= 3 && !setup_tail(s, table, slots)) s->nomem = true;
    free(table);
    if (s->nomem) return mc_error_set(err, MC_ERR_NOMEM, "exact search: out of memory");
    return MC_OK;
}

void mc_lat_search_teardown(search *s)
{
    for (size_t k = 0; k < s->n; ++k) {
        free(s->pts[k]);
        free(s->prefixes[k]);
        free(s->prefix_of[k]);
        free(s->prefix_index[k]);
        free(s->prefix_stamp[k]);
        free(s->bucket_start[k]);
    }
    free(s->hard);
    free(s->scratch);
    tail *t = &s->tail;
    free(t->groups), free(t->runs), free(t->split), free(t->member), free(t->prefixes), free(t->img);
    free(t->bits), free(t->forbidden), free(t->hnf_of), free(t->found), free(t->qv), free(t->cand);
    free(t->part), free(t->klass), free(t->built), free(t->decomp);
    for (size_t k = 0; k < s->n; ++k) free(s->mark[k]);
}
