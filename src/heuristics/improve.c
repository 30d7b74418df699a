#include "heuristics/improve.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "heuristics/rng.h"

typedef struct walker {
    mc_engine *e;
    int32_t *perm;       /* the non-fixed buffers in placement order */
    int64_t *prefix;     /* prefix[i]: height after placing perm[0..i) */
    size_t m, placed;
    uint64_t rng;
} walker;

static void lock(mc_improve_shared *s)
{
    if (s->lock) pthread_mutex_lock(s->lock);
}

static void unlock(mc_improve_shared *s)
{
    if (s->lock) pthread_mutex_unlock(s->lock);
}

/* Places perm[placed..] while heights stay <= target. Returns the position
 * of the first buffer that would not (m when all fit). */
static mc_status advance(walker *w, mc_improve_shared *s, int64_t target, size_t *culprit, mc_error *err)
{
    unsigned steps = 0;
    while (w->placed < w->m) {
        /* A long re-placement on a dense graph must not overrun the budget. */
        if ((++steps & 63) == 0 && mc_clock_seconds() >= s->deadline) {
            atomic_store(&s->stop, 1);
            break;
        }
        int32_t b = w->perm[w->placed];
        int64_t off;
        mc_status st = mc_engine_choose(w->e, b, MC_FIT_BEST, &off, err);
        if (st != MC_OK) return st;
        int64_t top = off + mc_problem_buffer(w->e->problem, (size_t)b)->size;
        if (top < w->prefix[w->placed]) top = w->prefix[w->placed];
        if (top > target) break;
        mc_engine_insert(w->e, b, off);
        w->prefix[++w->placed] = top;
    }
    *culprit = w->placed;
    return MC_OK;
}

static void rollback(walker *w, size_t to)
{
    while (w->placed > to) mc_engine_remove(w->e, w->perm[--w->placed]);
}

/* Moves perm[j] to an earlier position: usually close by (a small change
 * to a good order), sometimes far (to escape). */
static void promote(walker *w, size_t j)
{
    if (j == 0) return;
    size_t reach = mc_rng_below(&w->rng, 4) == 0 ? j : (j < 32 ? j : 32);
    size_t i = j - 1 - (size_t)mc_rng_below(&w->rng, reach);
    rollback(w, i);
    int32_t b = w->perm[j];
    memmove(w->perm + i + 1, w->perm + i, (j - i) * sizeof(int32_t));
    w->perm[i] = b;
}

/* After a full fit: the first buffer that reaches the final height is the
 * one to move next, since the target is now below it. */
static size_t top_position(const walker *w)
{
    int64_t h = w->prefix[w->m];
    size_t j = 0;
    while (j < w->m && w->prefix[j + 1] < h) ++j;
    return j;
}

static void publish(walker *w, mc_improve_shared *s, int64_t height, double *last_gain)
{
    lock(s);
    if (height < s->best_height) {
        s->best_height = height;
        memcpy(s->best_offsets, w->e->offset, (size_t)w->e->n * sizeof(int64_t));
        *last_gain = mc_clock_seconds();
    }
    unlock(s);
}

static bool should_end(mc_improve_shared *s, int64_t target, double last_gain)
{
    if (atomic_load(&s->stop) || target < s->lower_bound) return true;
    double t = mc_clock_seconds();
    if (t >= s->deadline || (s->stall_seconds > 0 && t - last_gain >= s->stall_seconds)) return true;
    if (s->should_stop && s->should_stop(s->stop_context)) return true;
    return false;
}

static mc_status walk(walker *w, mc_improve_shared *s, void (*progress)(void *), void *pctx, double interval,
                      mc_error *err)
{
    double last_gain = mc_clock_seconds(), next_report = last_gain + interval;
    uint64_t moves = 0;
    mc_status st = MC_OK;
    for (;;) {
        lock(s);
        int64_t target = s->best_height - 1;
        s->moves += moves;
        moves = 0;
        unlock(s);
        if (should_end(s, target, last_gain)) break;
        if (progress && mc_clock_seconds() >= next_report) {
            progress(pctx);
            next_report = mc_clock_seconds() + interval;
        }
        /* A batch of moves between checks keeps the clock and lock cheap. */
        for (int k = 0; k < 16; ++k, ++moves) {
            size_t j;
            st = advance(w, s, target, &j, err);
            if (st != MC_OK || atomic_load(&s->stop)) return st;
            if (j == w->m) {
                publish(w, s, w->prefix[w->m], &last_gain);
                j = top_position(w);
                target = w->prefix[w->m] - 1;
                rollback(w, j);
            }
            promote(w, j);
        }
    }
    return st;
}

mc_status mc_improve(mc_engine *e, const int32_t *order, uint64_t seed, mc_improve_shared *shared,
                     void (*progress)(void *context), void *progress_context, double interval, mc_error *err)
{
    size_t n = (size_t)e->n;
    walker w = {e, malloc((n + 1) * sizeof(int32_t)), malloc((n + 1) * sizeof(int64_t)), 0, 0, seed};
    mc_status st = MC_OK;
    if (!w.perm || !w.prefix) st = mc_error_set(err, MC_ERR_NOMEM, "out of memory for local search");
    if (st == MC_OK) {
        for (size_t i = 0; i < n; ++i)
            if (mc_problem_buffer(e->problem, (size_t)order[i])->fixed_offset == MC_NO_OFFSET)
                w.perm[w.m++] = order[i];
        mc_engine_reset(e);
        st = mc_engine_place_fixed(e, err);
    }
    if (st == MC_OK && w.m > 0) {
        w.prefix[0] = mc_engine_height(e);
        st = walk(&w, shared, progress, progress_context, interval > 0 ? interval : 1e30, err);
    }
    free(w.perm);
    free(w.prefix);
    return st;
}
