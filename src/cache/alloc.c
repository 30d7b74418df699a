/* The allocator's entry points: route a request to a shard, ask its policy,
 * keep reference counts and statistics. */
#include "cache/internal.h"

/* Requests above this are refused up front, so rounding and the layout key
 * can never overflow. */
#define MAX_REQUEST (((size_t)1) << 56)
#define DEFAULT_ALIGNMENT 256

/* Threads run on different stacks, and stacks sit megabytes apart, so the
 * stack address picks a shard per thread without thread-local state. */
static mc_shard *home_shard(mc_device *dev)
{
    char probe;
    uintptr_t where = (uintptr_t)&probe >> 20;
    unsigned n = dev->cache->options.shards;
    return &dev->shards[(unsigned)((where * UINT64_C(0x9E3779B97F4A7C15)) >> 40) % n];
}

static mc_status check_request(mc_cache *cache, size_t size, size_t *alignment, int device,
                               mc_error *err)
{
    if (!cache) return mc_error_set(err, MC_ERR_INVALID, "cache: NULL cache");
    if (device < 0 || device >= cache->options.device_count)
        return mc_error_set(err, MC_ERR_INVALID, "cache: device %d out of range 0..%d", device,
                            cache->options.device_count - 1);
    if (*alignment == 0) *alignment = DEFAULT_ALIGNMENT;
    if (*alignment & (*alignment - 1) || *alignment > MAX_REQUEST)
        return mc_error_set(err, MC_ERR_INVALID, "cache: alignment %zu is not a power of two",
                            *alignment);
    if (size == 0 || size > MAX_REQUEST)
        return mc_error_set(err, MC_ERR_INVALID, "cache: size %zu outside 1..2^56", size);
    size_t limit = cache->options.memory_limit;
    if (limit && size > limit)
        return mc_error_set(err, MC_ERR_NOMEM,
                            "cache: request of %zu bytes exceeds memory_limit %zu on device %d",
                            size, limit, device);
    return MC_OK;
}

/* Cache hit, or a back-end call; with the shard locked. */
static mc_status obtain(mc_shard *shard, size_t size, size_t alignment, mc_block **out,
                        mc_error *err)
{
    const mc_policy_ops *ops = shard->device->cache->ops;
    *out = ops->take(shard, size, alignment);
    if (*out) {
        ++shard->hits;
        return MC_OK;
    }
    ++shard->misses;
    return ops->grow(shard, size, alignment, out, err);
}

static void trim_device(mc_device *dev)
{
    for (unsigned s = 0; s < dev->cache->options.shards; ++s) {
        mc_shard *shard = &dev->shards[s];
        mc_spin_lock(&shard->lock);
        dev->cache->ops->trim(shard);
        mc_spin_unlock(&shard->lock);
    }
}

static mc_status make_live(mc_shard *shard, mc_block *b, size_t request, mc_error *err)
{
    if (!mc_hmap_put(&shard->live, b->addr, b)) {
        shard->device->cache->ops->give(shard, b);
        return mc_error_set(err, MC_ERR_NOMEM, "cache: out of host memory for the pointer table");
    }
    b->refs = 1;
    b->request = request;
    shard->allocated += request;
    if (shard->allocated > shard->allocated_peak) shard->allocated_peak = shard->allocated;
    ++shard->live_blocks;
    return MC_OK;
}

mc_status mc_cache_allocate(mc_cache *cache, size_t size, size_t alignment, int device, void **out,
                            mc_error *err)
{
    *out = NULL;
    mc_status st = check_request(cache, size, &alignment, device, err);
    if (st != MC_OK) return st;
    mc_device *dev = &cache->devices[device];
    uint64_t id = mc_trace_new_id(cache);
    if (atomic_load_explicit(&dev->plan_armed, memory_order_relaxed) &&
        mc_plan_try_allocate(dev, size, alignment, id, out)) {
        if (id) mc_trace_note(cache, id, size, alignment, device, false);
        return MC_OK;
    }
    mc_shard *shard = home_shard(dev);
    mc_block *b;
    mc_spin_lock(&shard->lock);
    st = obtain(shard, size, alignment, &b, err);
    if (st == MC_ERR_NOMEM && cache->options.shards > 1) {
        /* Other shards may sit on cached memory: free it all, then retry. */
        mc_spin_unlock(&shard->lock);
        trim_device(dev);
        mc_spin_lock(&shard->lock);
        ++shard->oom_retries;
        st = obtain(shard, size, alignment, &b, err);
    }
    if (st == MC_OK) st = make_live(shard, b, size, err);
    if (st == MC_OK) b->trace_id = id;
    mc_spin_unlock(&shard->lock);
    if (st != MC_OK) return st;
    if (id) mc_trace_note(cache, id, size, alignment, device, false);
    *out = (void *)b->addr;
    return MC_OK;
}

/* Applies `delta` (+1/-1) to the references of a live shard block; the
 * last release gives it to the policy. Returns false if `addr` is not live
 * in this shard. */
static bool adjust_in(mc_shard *shard, uintptr_t addr, int delta, uint64_t *trace_id,
                      size_t *request)
{
    mc_spin_lock(&shard->lock);
    mc_block *b = mc_hmap_get(&shard->live, addr);
    if (b) {
        *trace_id = b->trace_id;
        *request = b->request;
        if (delta > 0) ++b->refs;
        else if (--b->refs == 0) {
            mc_hmap_take(&shard->live, addr); /* second probe hits the same cache line */
            shard->allocated -= b->request;
            --shard->live_blocks;
            b->trace_id = 0;
            shard->device->cache->ops->give(shard, b);
        }
    }
    mc_spin_unlock(&shard->lock);
    return b != NULL;
}

/* Finds the block: the caller's own shard first (the common case), then
 * the plan arena, then every other shard of every device. */
static mc_status adjust(mc_cache *cache, void *ptr, int delta, mc_error *err)
{
    uintptr_t addr = (uintptr_t)ptr;
    uint64_t id = 0;
    size_t request = 0;
    int found_on = -1;
    for (int d = 0; d < cache->options.device_count && found_on < 0; ++d) {
        mc_device *dev = &cache->devices[d];
        mc_shard *home = home_shard(dev);
        if (adjust_in(home, addr, delta, &id, &request)) found_on = d;
        else if (addr >= atomic_load(&dev->arena_lo) && addr < atomic_load(&dev->arena_hi)) {
            if (mc_plan_adjust(dev, addr, delta, &id, &request) != MC_OK) break;
            found_on = d;
        } else
            for (unsigned s = 0; s < cache->options.shards && found_on < 0; ++s)
                if (&dev->shards[s] != home && adjust_in(&dev->shards[s], addr, delta, &id, &request))
                    found_on = d;
    }
    if (found_on < 0)
        return mc_error_set(err, MC_ERR_INVALID,
                            "cache: %s of %p, which is not a live block of this cache "
                            "(double release, or never allocated here)",
                            delta > 0 ? "retain" : "release", ptr);
    if (delta < 0 && id) mc_trace_note(cache, id, request, 0, found_on, true);
    return MC_OK;
}

mc_status mc_cache_retain(mc_cache *cache, void *ptr, mc_error *err)
{
    return adjust(cache, ptr, +1, err);
}

mc_status mc_cache_release(mc_cache *cache, void *ptr, mc_error *err)
{
    return adjust(cache, ptr, -1, err);
}

mc_status mc_cache_deallocate(mc_cache *cache, void *ptr, mc_error *err)
{
    return adjust(cache, ptr, -1, err);
}

mc_status mc_cache_insert_ptr(mc_cache *cache, void *ptr, size_t size, size_t alignment, int device,
                              mc_error *err)
{
    mc_status st = check_request(cache, size, &alignment, device, err);
    if (st != MC_OK) return st;
    if (!ptr || (uintptr_t)ptr % alignment)
        return mc_error_set(err, MC_ERR_INVALID, "cache: insert_ptr of %p, not aligned to %zu", ptr,
                            alignment);
    mc_device *dev = &cache->devices[device];
    mc_shard *shard = home_shard(dev);
    mc_spin_lock(&shard->lock);
    /* Only the caller's shard is searched: the others cannot be locked while
     * this one is held, and adopting memory twice is the caller's bug. */
    bool known = mc_hmap_get(&shard->live, (uintptr_t)ptr) != NULL;
    mc_block *b = known ? NULL : cache->ops->adopt(shard, (uintptr_t)ptr, size, alignment);
    if (b) {
        mc_backend_adopted(dev, size);
        st = make_live(shard, b, size, err);
    } else
        st = known ? mc_error_set(err, MC_ERR_INVALID, "cache: insert_ptr of %p, already live", ptr)
                   : mc_error_set(err, MC_ERR_NOMEM, "cache: out of host memory for a block record");
    mc_spin_unlock(&shard->lock);
    return st;
}

void mc_cache_empty(mc_cache *cache)
{
    for (int d = 0; d < cache->options.device_count; ++d) trim_device(&cache->devices[d]);
}
