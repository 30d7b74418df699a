/* Plan-from-trace: one arena per device, carved at offsets planned offline
 * from a recorded step. Serving is safe only while the live step repeats
 * the recording event for event: then the arena holds exactly what the
 * checked layout says, so no two live blocks overlap. The first departure
 * ends arena service for the step; blocks already in the arena stay valid
 * and later requests go to the policy.
 *
 * A looped plan also covers what outlives a step (weights, optimizer
 * state): its recording starts before the first allocation, the events
 * before `loop` (the prologue) are served once, and the step [loop, end)
 * again and again. Rewinding to `loop` is safe exactly when the live arena
 * blocks are the persistent rows, since that is what the recording had
 * live at `loop`. */
#include <stdlib.h>

#include "cache/internal.h"

#define ARENA_ALIGNMENT 4096

struct mc_plan {
    uintptr_t base;
    size_t height;
    size_t rows;
    int64_t *offset, *size;
    uint64_t *refs, *trace_id, *request;
    uint32_t *events;        /* slot * 2 + (1 for a free), in recorded order */
    size_t event_count;
    bool *persistent;        /* alive at `loop`, never freed in the recording */
    size_t loop;             /* first event of the repeated step */
    size_t persistent_count, persistent_live;
    mc_hmap live;            /* arena address -> slot + 1 */
    size_t cursor, live_count;
    bool diverged;
    uint64_t allocated, allocated_peak, hits, misses;
};

static void plan_free(mc_plan *p)
{
    if (!p) return;
    free(p->offset);
    free(p->size);
    free(p->refs);
    free(p->trace_id);
    free(p->request);
    free(p->events);
    free(p->persistent);
    mc_hmap_free(&p->live);
    free(p);
}

/* Rebuilds the event order from the rows' lifetimes: event t is the alloc
 * of the row with lower t or the free of the row with upper t. */
static mc_status build_events(mc_plan *p, const mc_trace_row *rows, size_t count, mc_error *err)
{
    size_t n = 0, at_end = 0, last = 0;
    for (size_t i = 0; i < count; ++i) {
        if ((uint64_t)rows[i].lower + 1 > n) n = (size_t)rows[i].lower + 1;
        if ((uint64_t)rows[i].upper > n) n = (size_t)rows[i].upper;
    }
    for (size_t i = 0; i < count; ++i)
        if ((uint64_t)rows[i].upper == n) ++at_end, last = i;
    /* Rows cannot tell a block freed by the last event from one never freed:
     * both end at n. Several ending there were never freed (an event is one
     * free); a lone one allocated in the step was freed, since a step that
     * repeats frees what it allocates. Were it never freed after all, it
     * stays live and no step rewinds, so the guess is never unsafe. */
    if (at_end == 1 && (uint64_t)rows[last].lower >= p->loop) ++n;
    if (n > 4 * count + 4)
        return mc_error_set(err, MC_ERR_INVALID, "plan: lifetimes span %zu events for %zu rows; "
                            "expected rows from mc_trace_to_rows", n, count);
    p->events = malloc(n * sizeof *p->events);
    if (!p->events) return mc_error_set(err, MC_ERR_NOMEM, "plan: out of host memory");
    for (size_t t = 0; t < n; ++t) p->events[t] = UINT32_MAX;
    p->event_count = n;
    for (size_t i = 0; i < count; ++i) {
        size_t times[2] = {(size_t)rows[i].lower, (size_t)rows[i].upper};
        for (int k = 0; k < 2; ++k) {
            if (times[k] >= n) continue;
            if (p->events[times[k]] != UINT32_MAX)
                return mc_error_set(err, MC_ERR_INVALID, "plan: row %zu: event %zu is claimed twice; "
                                    "expected rows from mc_trace_to_rows", i, times[k]);
            p->events[times[k]] = (uint32_t)(i * 2 + (size_t)k);
        }
    }
    for (size_t t = 0; t < n; ++t)
        if (p->events[t] == UINT32_MAX)
            return mc_error_set(err, MC_ERR_INVALID, "plan: no row allocates or frees at event %zu; "
                                "expected rows from mc_trace_to_rows", t);
    return MC_OK;
}

/* A looped plan can rewind only if the recording had the same rows live at
 * `loop` and at its end: rows alive at `loop` are never freed, and rows
 * allocated in the step are freed within it. */
static mc_status mark_persistent(mc_plan *p, const mc_trace_row *rows, mc_error *err)
{
    size_t loop = p->loop;
    if (loop == 0) return MC_OK; /* a plain step plan: nothing persists */
    if (loop >= p->event_count)
        return mc_error_set(err, MC_ERR_INVALID, "plan: step start %zu is not below the %zu recorded "
                            "events", loop, p->event_count);
    for (size_t i = 0; i < p->rows; ++i) {
        bool before = (uint64_t)rows[i].lower < loop, to_end = (uint64_t)rows[i].upper >= p->event_count;
        if (before && (uint64_t)rows[i].upper < loop) continue; /* prologue only */
        if (before != to_end)
            return mc_error_set(err, MC_ERR_INVALID, "plan: row %zu (events %lld..%lld) %s; a looped "
                                "plan needs the step start (event %zu) to see the same live rows as "
                                "the end", i, (long long)rows[i].lower, (long long)rows[i].upper,
                                before ? "outlives the step start but is freed inside the step"
                                       : "is allocated inside the step but never freed", loop);
        p->persistent[i] = before;
        p->persistent_count += before;
    }
    return MC_OK;
}

static mc_status plan_build(const mc_trace_row *rows, size_t count, const int64_t *offsets,
                            size_t loop, mc_plan **out, mc_error *err)
{
    *out = NULL;
    if (count == 0 || count > UINT32_MAX / 2)
        return mc_error_set(err, MC_ERR_INVALID, "plan: expected 1..2^31 rows, got %zu", count);
    int64_t height;
    mc_status st = mc_trace_rows_check(rows, count, offsets, &height, err);
    if (st != MC_OK) return st;
    mc_plan *p = calloc(1, sizeof *p);
    if (!p) return mc_error_set(err, MC_ERR_NOMEM, "plan: out of host memory");
    p->rows = count;
    p->height = (size_t)height;
    p->offset = malloc(count * sizeof *p->offset);
    p->size = malloc(count * sizeof *p->size);
    p->refs = calloc(count, sizeof *p->refs);
    p->trace_id = calloc(count, sizeof *p->trace_id);
    p->request = calloc(count, sizeof *p->request);
    p->persistent = calloc(count, sizeof *p->persistent);
    if (!p->offset || !p->size || !p->refs || !p->trace_id || !p->request || !p->persistent ||
        !mc_hmap_init(&p->live, 64))
        st = mc_error_set(err, MC_ERR_NOMEM, "plan: out of host memory");
    p->loop = loop;
    if (st == MC_OK) st = build_events(p, rows, count, err);
    if (st == MC_OK) st = mark_persistent(p, rows, err);
    for (size_t i = 0; st == MC_OK && i < count; ++i) {
        p->offset[i] = offsets[i];
        p->size[i] = rows[i].size;
        if (rows[i].alignment > ARENA_ALIGNMENT)
            st = mc_error_set(err, MC_ERR_UNSUPPORTED, "plan: row %zu: alignment %lld above %d", i,
                              (long long)rows[i].alignment, ARENA_ALIGNMENT);
    }
    if (st != MC_OK) {
        plan_free(p);
        return st;
    }
    *out = p;
    return MC_OK;
}

static mc_device *device_of(mc_cache *cache, int device, mc_error *err)
{
    if (!cache || device < 0 || device >= cache->options.device_count) {
        mc_error_set(err, MC_ERR_INVALID, "plan: device %d out of range", device);
        return NULL;
    }
    return &cache->devices[device];
}

/* With the plan lock held: gives the arena back and forgets the plan. */
static void drop_plan(mc_device *dev)
{
    mc_plan *p = dev->plan;
    if (!p) return;
    atomic_store(&dev->plan_armed, false);
    atomic_store(&dev->arena_lo, 0);
    atomic_store(&dev->arena_hi, 0);
    mc_shard *shard = &dev->shards[0];
    mc_spin_lock(&shard->lock);
    mc_backend_put(shard, (void *)p->base, p->height);
    mc_spin_unlock(&shard->lock);
    plan_free(p);
    dev->plan = NULL;
}

mc_status mc_cache_set_plan(mc_cache *cache, int device, const mc_trace_row *rows, size_t count,
                            const int64_t *offsets, mc_error *err)
{
    return mc_cache_set_plan_looped(cache, device, rows, count, offsets, 0, err);
}

mc_status mc_cache_set_plan_looped(mc_cache *cache, int device, const mc_trace_row *rows,
                                   size_t count, const int64_t *offsets, size_t step_start,
                                   mc_error *err)
{
    mc_device *dev = device_of(cache, device, err);
    if (!dev) return MC_ERR_INVALID;
    mc_plan *p;
    mc_status st = plan_build(rows, count, offsets, step_start, &p, err);
    if (st != MC_OK) return st;
    mc_spin_lock(&dev->plan_lock);
    size_t live = dev->plan ? dev->plan->live_count : 0;
    if (live) {
        mc_spin_unlock(&dev->plan_lock);
        plan_free(p);
        return mc_error_set(err, MC_ERR_INVALID, "plan: device %d still has %zu live arena blocks",
                            device, live);
    }
    drop_plan(dev);
    void *base = NULL;
    mc_shard *shard = &dev->shards[0];
    mc_spin_lock(&shard->lock);
    st = mc_backend_get(shard, p->height ? p->height : 1, ARENA_ALIGNMENT, &base, err);
    mc_spin_unlock(&shard->lock);
    if (st == MC_OK) {
        p->base = (uintptr_t)base;
        if (!p->height) p->height = 1;
        dev->plan = p;
        atomic_store(&dev->arena_lo, p->base);
        atomic_store(&dev->arena_hi, p->base + p->height);
        /* The prologue is being served from now on. */
        atomic_store(&dev->plan_armed, p->loop > 0);
    } else
        plan_free(p);
    mc_spin_unlock(&dev->plan_lock);
    return st;
}

/* Whether the arena serves the step about to begin. A prologue in progress
 * runs on; otherwise the step restarts at `loop` if exactly the persistent
 * rows are live (none for a plain plan). */
static bool rewind_step(mc_plan *p)
{
    if (!p->diverged && p->cursor < p->loop) return true;
    if (p->live_count != p->persistent_count || p->persistent_live != p->persistent_count) return false;
    p->cursor = p->loop;
    p->diverged = false;
    return true;
}

mc_status mc_cache_step_begin(mc_cache *cache, int device, mc_error *err)
{
    mc_device *dev = device_of(cache, device, err);
    if (!dev) return MC_ERR_INVALID;
    mc_spin_lock(&dev->plan_lock);
    mc_plan *p = dev->plan;
    atomic_store(&dev->plan_armed, p && rewind_step(p));
    mc_spin_unlock(&dev->plan_lock);
    return p ? MC_OK : mc_error_set(err, MC_ERR_INVALID, "plan: device %d has no plan", device);
}

mc_status mc_cache_clear_plan(mc_cache *cache, int device, mc_error *err)
{
    mc_device *dev = device_of(cache, device, err);
    if (!dev) return MC_ERR_INVALID;
    mc_spin_lock(&dev->plan_lock);
    size_t live = dev->plan ? dev->plan->live_count : 0;
    if (!live) drop_plan(dev);
    mc_spin_unlock(&dev->plan_lock);
    if (live)
        return mc_error_set(err, MC_ERR_INVALID, "plan: device %d still has %zu live arena blocks",
                            device, live);
    return MC_OK;
}

static void diverge(mc_device *dev, mc_plan *p)
{
    p->diverged = true;
    atomic_store(&dev->plan_armed, false);
}

bool mc_plan_try_allocate(mc_device *dev, size_t size, size_t alignment, uint64_t id, void **out)
{
    mc_spin_lock(&dev->plan_lock);
    mc_plan *p = dev->plan;
    bool served = false;
    if (p && !p->diverged && atomic_load(&dev->plan_armed)) {
        uint32_t ev = p->cursor < p->event_count ? p->events[p->cursor] : 1;
        size_t slot = ev / 2;
        uintptr_t addr = p->base + (uintptr_t)p->offset[slot];
        served = !(ev & 1) && size <= (uint64_t)p->size[slot] && addr % alignment == 0 &&
                 mc_hmap_put(&p->live, addr, (void *)(uintptr_t)(slot + 1));
        if (served) {
            ++p->cursor;
            ++p->live_count;
            ++p->hits;
            p->refs[slot] = 1;
            p->persistent_live += p->persistent[slot];
            p->request[slot] = size;
            p->trace_id[slot] = id;
            p->allocated += size;
            if (p->allocated > p->allocated_peak) p->allocated_peak = p->allocated;
            *out = (void *)addr;
        } else {
            ++p->misses;
            diverge(dev, p);
        }
    }
    mc_spin_unlock(&dev->plan_lock);
    return served;
}

mc_status mc_plan_adjust(mc_device *dev, uintptr_t addr, int delta, uint64_t *trace_id,
                         size_t *request)
{
    mc_spin_lock(&dev->plan_lock);
    mc_plan *p = dev->plan;
    uintptr_t slot1 = p ? (uintptr_t)mc_hmap_get(&p->live, addr) : 0;
    if (slot1) {
        size_t slot = slot1 - 1;
        *trace_id = p->trace_id[slot];
        *request = p->request[slot];
        if (delta > 0) ++p->refs[slot];
        else if (--p->refs[slot] == 0) {
            mc_hmap_take(&p->live, addr);
            --p->live_count;
            p->persistent_live -= p->persistent[slot];
            p->allocated -= p->request[slot];
            bool expected = p->cursor < p->event_count && p->events[p->cursor] == slot * 2 + 1;
            if (expected) ++p->cursor;
            else diverge(dev, p);
        }
    }
    mc_spin_unlock(&dev->plan_lock);
    return slot1 ? MC_OK : MC_ERR_INVALID;
}

void mc_plan_stats(mc_device *dev, mc_cache_stats *s)
{
    mc_spin_lock(&dev->plan_lock);
    mc_plan *p = dev->plan;
    if (p) {
        s->allocated_bytes += p->allocated;
        s->allocated_peak += p->allocated_peak;
        s->live_blocks += p->live_count;
        s->plan_hits = p->hits;
        s->plan_misses = p->misses;
    }
    mc_spin_unlock(&dev->plan_lock);
}

void mc_plan_destroy(mc_device *dev, size_t *leaked)
{
    if (!dev->plan) return;
    *leaked += dev->plan->live_count;
    drop_plan(dev);
}
