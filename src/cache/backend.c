/* Talking to the back end: memory_limit, OOM retry, reserved-byte counts,
 * and the host back end. */
#include <errno.h>
#include <stdlib.h>

#include "cache/internal.h"
#include "memcarve/cache.h"

static mc_status host_alloc(void *context, int device, size_t size, size_t alignment, void **out)
{
    (void)context;
    (void)device;
    if (alignment < sizeof(void *)) alignment = sizeof(void *);
    int rc = posix_memalign(out, alignment, size);
    if (rc == 0) return MC_OK;
    *out = NULL;
    return rc == ENOMEM ? MC_ERR_NOMEM : MC_ERR_INVALID;
}

static void host_free(void *context, int device, void *ptr, size_t size)
{
    (void)context;
    (void)device;
    (void)size;
    free(ptr);
}

mc_cache_backend mc_cache_backend_host(void)
{
    mc_cache_backend b = {"host", host_alloc, host_free, NULL};
    return b;
}

/* Claims `size` reserved bytes under the limit without a lock: a CAS loop,
 * so two shards growing at once can never overshoot it together. */
static bool reserve(mc_device *dev, size_t size, size_t limit)
{
    uint64_t cur = atomic_load(&dev->reserved);
    do {
        if (limit && (cur > limit || size > limit - cur)) return false;
    } while (!atomic_compare_exchange_weak(&dev->reserved, &cur, cur + size));
    uint64_t now = cur + size, peak = atomic_load(&dev->reserved_peak);
    while (now > peak && !atomic_compare_exchange_weak(&dev->reserved_peak, &peak, now)) {
    }
    return true;
}

void mc_backend_adopted(mc_device *dev, size_t size)
{
    reserve(dev, size, 0);
}

static mc_status try_once(mc_shard *shard, size_t size, size_t alignment, void **out)
{
    mc_device *dev = shard->device;
    mc_cache *cache = dev->cache;
    if (!reserve(dev, size, cache->options.memory_limit)) return MC_ERR_NOMEM;
    mc_status st = cache->backend.alloc(cache->backend.context, dev->index, size, alignment, out);
    ++shard->backend_allocs;
    if (st == MC_OK && *out) return MC_OK;
    atomic_fetch_sub(&dev->reserved, size);
    *out = NULL;
    return st == MC_OK ? MC_ERR_NOMEM : st;
}

mc_status mc_backend_get(mc_shard *shard, size_t size, size_t alignment, void **out, mc_error *err)
{
    mc_status st = try_once(shard, size, alignment, out);
    if (st == MC_ERR_NOMEM) {
        ++shard->oom_retries;
        shard->device->cache->ops->trim(shard);
        st = try_once(shard, size, alignment, out);
    }
    if (st == MC_OK) return MC_OK;
    mc_device *dev = shard->device;
    size_t limit = dev->cache->options.memory_limit;
    if (st != MC_ERR_NOMEM)
        return mc_error_set(err, st, "cache: back end '%s' failed to allocate %zu bytes on device %d: %s",
                            dev->cache->backend.name, size, dev->index, mc_status_name(st));
    if (limit && atomic_load(&dev->reserved) + size > limit)
        return mc_error_set(err, MC_ERR_NOMEM,
                            "cache: %zu more bytes on device %d would exceed memory_limit %zu "
                            "(reserved %llu after freeing this shard's cache)",
                            size, dev->index, limit, (unsigned long long)atomic_load(&dev->reserved));
    return mc_error_set(err, MC_ERR_NOMEM,
                        "cache: back end '%s' is out of memory for %zu bytes on device %d "
                        "(reserved %llu after freeing this shard's cache)",
                        dev->cache->backend.name, size, dev->index,
                        (unsigned long long)atomic_load(&dev->reserved));
}

void mc_backend_put(mc_shard *shard, void *ptr, size_t size)
{
    mc_device *dev = shard->device;
    dev->cache->backend.free(dev->cache->backend.context, dev->index, ptr, size);
    atomic_fetch_sub(&dev->reserved, size);
    ++shard->backend_frees;
}
