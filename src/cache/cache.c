/* Lifecycle of an mc_cache: options, devices, shards, teardown. */
#include <stdlib.h>
#include <string.h>

#include "cache/internal.h"

static const char *const policy_names[] = {"adaptive", "none", "exact-lru", "segments"};

void mc_cache_options_init(mc_cache_options *options)
{
    memset(options, 0, sizeof *options);
    options->policy = MC_CACHE_POLICY_ADAPTIVE;
    options->device_count = 1;
    options->shards = 16;
}

const char *mc_cache_policy_name(mc_cache_policy policy)
{
    if ((unsigned)policy >= sizeof policy_names / sizeof policy_names[0]) return NULL;
    return policy_names[policy];
}

bool mc_cache_policy_parse(const char *name, mc_cache_policy *out)
{
    for (unsigned i = 0; i < sizeof policy_names / sizeof policy_names[0]; ++i)
        if (!strcmp(name, policy_names[i])) {
            *out = (mc_cache_policy)i;
            return true;
        }
    return false;
}

static mc_status check_options(const mc_cache_options *o, const mc_cache_backend *b, mc_error *err)
{
    if (!b || !b->alloc || !b->free)
        return mc_error_set(err, MC_ERR_INVALID, "cache back end: alloc and free are required");
    if (!mc_cache_policy_name(o->policy))
        return mc_error_set(err, MC_ERR_INVALID, "cache option policy: unknown value %d",
                            (int)o->policy);
    if (o->device_count < 1 || o->device_count > 1024)
        return mc_error_set(err, MC_ERR_INVALID,
                            "cache option device_count: expected 1..1024, got %d", o->device_count);
    if (o->shards > 1024)
        return mc_error_set(err, MC_ERR_INVALID, "cache option shards: expected 0..1024, got %u",
                            o->shards);
    return MC_OK;
}

static bool shard_init(mc_shard *shard, mc_device *device)
{
    memset(shard, 0, sizeof *shard);
    mc_spin_init(&shard->lock);
    shard->device = device;
    if (!mc_hmap_init(&shard->live, 64)) return false;
    if (mc_hmap_init(&shard->buckets, 64)) return true;
    mc_hmap_free(&shard->live);
    return false;
}

static void shard_free_spares(mc_shard *shard)
{
    while (shard->spare) {
        mc_block *next = shard->spare->next;
        free(shard->spare);
        shard->spare = next;
    }
}

typedef struct give_all {
    mc_shard *shard;
    size_t count;
} give_all;

static void give_back_live(uint64_t key, void *value, void *context)
{
    (void)key;
    give_all *g = context;
    mc_block *block = value;
    g->shard->allocated -= block->request;
    g->shard->device->cache->ops->give(g->shard, block);
    ++g->count;
}

/* Returns the number of blocks that were still live. */
static size_t shard_destroy(mc_shard *shard)
{
    give_all g = {shard, 0};
    /* give() may evict but never touches the live map, so iterating it
     * while giving its blocks back is safe; it is emptied afterwards. */
    mc_hmap_each(&shard->live, give_back_live, &g);
    shard->device->cache->ops->trim(shard);
    mc_hmap_free(&shard->live);
    mc_hmap_free(&shard->buckets);
    shard_free_spares(shard);
    return g.count;
}

static size_t devices_destroy(mc_cache *cache, int devices, unsigned shards)
{
    size_t leaked = 0;
    for (int d = 0; d < devices; ++d) {
        mc_device *dev = &cache->devices[d];
        mc_plan_destroy(dev, &leaked);
        for (unsigned s = 0; dev->shards && s < shards; ++s) leaked += shard_destroy(&dev->shards[s]);
        free(dev->shards);
    }
    free(cache->devices);
    return leaked;
}

static bool device_init(mc_cache *cache, mc_device *dev, int index)
{
    dev->cache = cache;
    dev->index = index;
    atomic_init(&dev->reserved, 0);
    atomic_init(&dev->reserved_peak, 0);
    atomic_init(&dev->arena_lo, 0);
    atomic_init(&dev->arena_hi, 0);
    atomic_init(&dev->plan_armed, false);
    mc_spin_init(&dev->plan_lock);
    dev->shards = calloc(cache->options.shards, sizeof *dev->shards);
    if (!dev->shards) return false;
    for (unsigned s = 0; s < cache->options.shards; ++s) {
        if (shard_init(&dev->shards[s], dev)) continue;
        for (unsigned t = 0; t < s; ++t) shard_destroy(&dev->shards[t]);
        free(dev->shards);
        dev->shards = NULL;
        return false;
    }
    return true;
}

mc_status mc_cache_create(const mc_cache_options *options, const mc_cache_backend *backend,
                          mc_cache **out, mc_error *err)
{
    *out = NULL;
    mc_cache_options defaults;
    mc_cache_options_init(&defaults);
    if (!options) options = &defaults;
    mc_status st = check_options(options, backend, err);
    if (st != MC_OK) return st;
    mc_cache *cache = calloc(1, sizeof *cache);
    if (!cache) return mc_error_set(err, MC_ERR_NOMEM, "cache: out of host memory");
    cache->options = *options;
    if (cache->options.shards == 0) cache->options.shards = 16;
    cache->backend = *backend;
    if (!cache->backend.name) cache->backend.name = "user";
    cache->ops = (options->policy == MC_CACHE_POLICY_EXACT_LRU || options->policy == MC_CACHE_POLICY_NONE)
                     ? &mc_policy_exact : &mc_policy_segments;
    atomic_init(&cache->next_id, 1);
    mc_spin_init(&cache->trace.lock);
    atomic_init(&cache->trace.recording, false);
    cache->devices = calloc((size_t)options->device_count, sizeof *cache->devices);
    int made = 0;
    while (cache->devices && made < options->device_count &&
           device_init(cache, &cache->devices[made], made))
        ++made;
    if (made < options->device_count) {
        if (cache->devices) devices_destroy(cache, made, cache->options.shards);
        free(cache);
        return mc_error_set(err, MC_ERR_NOMEM, "cache: out of host memory");
    }
    *out = cache;
    return MC_OK;
}

size_t mc_cache_destroy(mc_cache *cache)
{
    if (!cache) return 0;
    size_t leaked = devices_destroy(cache, cache->options.device_count, cache->options.shards);
    mc_trace_log_free(&cache->trace);
    free(cache);
    return leaked;
}

mc_block *mc_block_new(mc_shard *shard)
{
    mc_block *block = shard->spare;
    if (block) shard->spare = block->next;
    else if (!(block = malloc(sizeof *block))) return NULL;
    *block = (mc_block){0};
    return block;
}

void mc_block_recycle(mc_shard *shard, mc_block *block)
{
    block->next = shard->spare;
    shard->spare = block;
}
