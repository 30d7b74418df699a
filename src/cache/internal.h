/* The cache's internal model, shared by the policy files. A device pool is
 * split into shards; everything inside a shard is guarded by its lock, and
 * the policy functions below are always called with that lock held. */
#ifndef MC_CACHE_INTERNAL_H
#define MC_CACHE_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/hashmap.h"
#include "cache/spinlock.h"
#include "memcarve/cache.h"

typedef struct mc_segment mc_segment;
typedef struct mc_shard mc_shard;
typedef struct mc_device mc_device;
typedef struct mc_plan mc_plan;

/* One block: live (in its shard's `live` map) or free (in a policy's cache). */
typedef struct mc_block {
    uintptr_t addr;
    size_t size;          /* bytes the block spans                       */
    size_t request;       /* bytes asked for while live                  */
    size_t alignment;     /* EXACT_LRU: part of the layout key           */
    uint64_t refs;
    uint64_t trace_id;    /* 0 when not traced                           */
    struct mc_block *prev, *next;           /* free list: bucket or bin   */
    struct mc_block *lru_prev, *lru_next;   /* EXACT_LRU recency list     */
    struct mc_block *addr_prev, *addr_next; /* neighbours in a segment    */
    mc_segment *segment;                    /* NULL outside segments      */
    bool free;
} mc_block;

/* A free-list index by size class: 4 classes per power of two above 16
 * units, so a best-fit search inspects one class and then jumps by bitmap. */
#define MC_BIN_COUNT 256
#define MC_HOT_BLOCKS 8
typedef struct mc_bins {
    mc_block *head[MC_BIN_COUNT];
    uint64_t used[MC_BIN_COUNT / 64];
} mc_bins;

struct mc_segment {
    uintptr_t base;
    size_t size;
    bool large;           /* which bins its blocks use                     */
    bool adopted;         /* came from insert_ptr: never split or merged   */
    mc_block *first;      /* lowest-address block                          */
    mc_segment *prev, *next; /* fully-free segments, most recent first     */
    bool idle;            /* on the fully-free list                        */
};

struct mc_shard {
    mc_spinlock lock;
    mc_device *device;
    mc_hmap live;                 /* addr -> live mc_block */
    uint64_t allocated, allocated_peak, live_blocks;
    uint64_t hits, misses, backend_allocs, backend_frees, evictions, oom_retries;
    size_t cached_bytes, cached_blocks;
    mc_block *spare;              /* recycled records */
    /* EXACT_LRU / NONE */
    mc_hmap buckets;              /* layout key -> most recent free block */
    mc_block *lru_head, *lru_tail;
    /* SEGMENTS / ADAPTIVE */
    mc_bins bins[2];              /* [0] small, [1] large */
    mc_segment *idle_head, *idle_tail;
    size_t idle_count;
    size_t large_reserved;        /* bytes in large-pool segments */
    mc_block *hot[MC_HOT_BLOCKS];  /* ADAPTIVE: recently freed small blocks,
                                     not yet merged, oldest first */
    unsigned hot_count;
    /* Keeps two shards' hot fields off one cache line. */
    char pad[64];
};

struct mc_device {
    mc_cache *cache;
    int index;
    mc_shard *shards;
    _Atomic uint64_t reserved, reserved_peak;
    /* The plan arena's address range, readable without the plan lock so a
     * release can tell an arena pointer at a glance. */
    _Atomic uintptr_t arena_lo, arena_hi;
    _Atomic bool plan_armed;
    mc_spinlock plan_lock;
    mc_plan *plan;
};

typedef struct mc_policy_ops {
    /* A free block for the request, or NULL (a miss). */
    mc_block *(*take)(mc_shard *shard, size_t size, size_t alignment);
    /* New memory from the back end for the request. */
    mc_status (*grow)(mc_shard *shard, size_t size, size_t alignment, mc_block **out,
                      mc_error *err);
    /* A block whose last reference went; may evict to respect the bounds. */
    void (*give)(mc_shard *shard, mc_block *block);
    /* Adopted memory becoming a live block. */
    mc_block *(*adopt)(mc_shard *shard, uintptr_t addr, size_t size, size_t alignment);
    /* Returns every cached byte it can to the back end. */
    void (*trim)(mc_shard *shard);
    uint64_t (*largest_free)(const mc_shard *shard);
} mc_policy_ops;

typedef struct mc_trace_log {
    mc_spinlock lock;
    _Atomic bool recording;
    uint64_t first_id;         /* ids below belong to older recordings */
    mc_trace_event *events;
    size_t count, capacity;
} mc_trace_log;

struct mc_cache {
    mc_cache_options options;
    mc_cache_backend backend;
    const mc_policy_ops *ops;
    mc_device *devices;
    _Atomic uint64_t next_id;
    mc_trace_log trace;
};

extern const mc_policy_ops mc_policy_exact;
extern const mc_policy_ops mc_policy_segments;

/* ------------------------------------------------ shared by the policies */

mc_block *mc_block_new(mc_shard *shard);
void mc_block_recycle(mc_shard *shard, mc_block *block);

/* Memory from the back end, within memory_limit; on refusal the shard's own
 * cache is trimmed and the call retried once. */
mc_status mc_backend_get(mc_shard *shard, size_t size, size_t alignment, void **out,
                         mc_error *err);
void mc_backend_put(mc_shard *shard, void *ptr, size_t size);
/* Counts adopted memory as reserved (it is given back like the rest). */
void mc_backend_adopted(mc_device *dev, size_t size);

/* ------------------------------------------------------- plan arena hooks */

/* Serves the request from the armed plan; false when it does not apply. */
bool mc_plan_try_allocate(mc_device *device, size_t size, size_t alignment, uint64_t id,
                          void **out);
/* For a pointer inside the arena: retain (+1) or release (-1). MC_ERR_INVALID
 * when it is not a live arena block. *trace_id and *request describe it. */
mc_status mc_plan_adjust(mc_device *device, uintptr_t addr, int delta, uint64_t *trace_id,
                         size_t *request);
void mc_plan_stats(mc_device *device, mc_cache_stats *stats);
void mc_plan_destroy(mc_device *device, size_t *leaked);

/* -------------------------------------------------------------- trace hook */

void mc_trace_note(mc_cache *cache, uint64_t id, size_t size, size_t alignment, int device,
                   bool is_free);
/* A fresh id for a block, or 0 when nothing is being recorded. */
uint64_t mc_trace_new_id(mc_cache *cache);
void mc_trace_log_free(mc_trace_log *log);

#endif
