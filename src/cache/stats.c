/* memory_stats: summed over the shards of a device, each read under its lock. */
#include <string.h>

#include "cache/internal.h"

mc_status mc_cache_get_stats(mc_cache *cache, int device, mc_cache_stats *out, mc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!cache || device < 0 || device >= cache->options.device_count)
        return mc_error_set(err, MC_ERR_INVALID, "cache stats: device %d out of range", device);
    mc_device *dev = &cache->devices[device];
    for (unsigned s = 0; s < cache->options.shards; ++s) {
        mc_shard *shard = &dev->shards[s];
        mc_spin_lock(&shard->lock);
        out->allocated_bytes += shard->allocated;
        out->allocated_peak += shard->allocated_peak;
        out->cached_bytes += shard->cached_bytes;
        out->live_blocks += shard->live_blocks;
        out->hits += shard->hits;
        out->misses += shard->misses;
        out->backend_allocs += shard->backend_allocs;
        out->backend_frees += shard->backend_frees;
        out->evictions += shard->evictions;
        out->oom_retries += shard->oom_retries;
        uint64_t largest = cache->ops->largest_free(shard);
        if (largest > out->largest_free_block) out->largest_free_block = largest;
        mc_spin_unlock(&shard->lock);
    }
    mc_plan_stats(dev, out);
    out->reserved_bytes = atomic_load(&dev->reserved);
    out->reserved_peak = atomic_load(&dev->reserved_peak);
    return MC_OK;
}

void mc_cache_reset_peaks(mc_cache *cache)
{
    for (int d = 0; d < cache->options.device_count; ++d) {
        mc_device *dev = &cache->devices[d];
        for (unsigned s = 0; s < cache->options.shards; ++s) {
            mc_shard *shard = &dev->shards[s];
            mc_spin_lock(&shard->lock);
            shard->allocated_peak = shard->allocated;
            mc_spin_unlock(&shard->lock);
        }
        atomic_store(&dev->reserved_peak, atomic_load(&dev->reserved));
    }
}
