/* The simulated back end. It tracks every block it handed out, so a test
 * can tell a leak or a foreign free from a correct teardown. */
#include <stdlib.h>

#include "cache/hashmap.h"
#include "cache/spinlock.h"
#include "common/clock.h"
#include "memcarve/cache.h"

struct mc_cache_sim {
    mc_spinlock lock;
    uint64_t capacity, latency_ns;
    bool real_memory;
    uintptr_t next_fake;
    mc_hmap blocks;               /* address -> size */
    mc_cache_sim_counts counts;
};

static void charge(uint64_t ns)
{
    if (!ns) return;
    double until = mc_clock_seconds() + (double)ns * 1e-9;
    while (mc_clock_seconds() < until) {
    }
}

static void *obtain(mc_cache_sim *sim, size_t size, size_t alignment)
{
    if (alignment < sizeof(void *)) alignment = sizeof(void *);
    if (sim->real_memory) {
        void *p = NULL;
        return posix_memalign(&p, alignment, size) == 0 ? p : NULL;
    }
    /* Fake addresses climb from 1 TiB and are never touched. */
    uintptr_t at = (sim->next_fake + alignment - 1) / alignment * alignment;
    sim->next_fake = at + size + 64;
    return (void *)at;
}

static mc_status sim_alloc(void *context, int device, size_t size, size_t alignment, void **out)
{
    mc_cache_sim *sim = context;
    (void)device;
    charge(sim->latency_ns);
    mc_spin_lock(&sim->lock);
    mc_cache_sim_counts *c = &sim->counts;
    ++c->allocs;
    void *p = NULL;
    if (!sim->capacity || (c->outstanding_bytes <= sim->capacity && size <= sim->capacity - c->outstanding_bytes))
        p = obtain(sim, size, alignment);
    if (p && !mc_hmap_put(&sim->blocks, (uintptr_t)p, (void *)(uintptr_t)size)) {
        if (sim->real_memory) free(p);
        p = NULL;
    }
    if (p) {
        c->outstanding_bytes += size;
        ++c->outstanding_blocks;
        if (c->outstanding_bytes > c->peak_bytes) c->peak_bytes = c->outstanding_bytes;
    } else
        ++c->refused;
    mc_spin_unlock(&sim->lock);
    *out = p;
    return p ? MC_OK : MC_ERR_NOMEM;
}

static void sim_free(void *context, int device, void *ptr, size_t size)
{
    mc_cache_sim *sim = context;
    (void)device;
    charge(sim->latency_ns);
    mc_spin_lock(&sim->lock);
    ++sim->counts.frees;
    uintptr_t had = (uintptr_t)mc_hmap_take(&sim->blocks, (uintptr_t)ptr);
    if (!had || had != size) ++sim->counts.bad_frees;
    if (had) {
        sim->counts.outstanding_bytes -= had;
        --sim->counts.outstanding_blocks;
        if (sim->real_memory) free(ptr);
    }
    mc_spin_unlock(&sim->lock);
}

mc_status mc_cache_sim_create(uint64_t capacity, uint64_t latency_ns, bool real_memory,
                              mc_cache_sim **out, mc_error *err)
{
    mc_cache_sim *sim = calloc(1, sizeof *sim);
    if (!sim || !mc_hmap_init(&sim->blocks, 64)) {
        free(sim);
        *out = NULL;
        return mc_error_set(err, MC_ERR_NOMEM, "sim back end: out of host memory");
    }
    mc_spin_init(&sim->lock);
    sim->capacity = capacity;
    sim->latency_ns = latency_ns;
    sim->real_memory = real_memory;
    sim->next_fake = (uintptr_t)1 << 40;
    *out = sim;
    return MC_OK;
}

static void free_block(uint64_t key, void *value, void *context)
{
    (void)value;
    (void)context;
    free((void *)(uintptr_t)key);
}

void mc_cache_sim_destroy(mc_cache_sim *sim)
{
    if (!sim) return;
    if (sim->real_memory) mc_hmap_each(&sim->blocks, free_block, NULL);
    mc_hmap_free(&sim->blocks);
    free(sim);
}

mc_cache_backend mc_cache_sim_backend(mc_cache_sim *sim)
{
    mc_cache_backend b = {"sim", sim_alloc, sim_free, sim};
    return b;
}

void mc_cache_sim_get_counts(mc_cache_sim *sim, mc_cache_sim_counts *out)
{
    mc_spin_lock(&sim->lock);
    *out = sim->counts;
    mc_spin_unlock(&sim->lock);
}

void mc_cache_sim_set_capacity(mc_cache_sim *sim, uint64_t capacity)
{
    mc_spin_lock(&sim->lock);
    sim->capacity = capacity;
    mc_spin_unlock(&sim->lock);
}
