/*
 * memcarve/cache.h — a caching device allocator.
 *
 * What it is
 *   An mc_cache sits between a tensor library and a memory back end (host
 *   memory, CUDA, or anything the caller supplies as a table of functions).
 *   Freed blocks are kept and handed out again, so the back end — whose calls
 *   are slow and, for CUDA, synchronizing — is called rarely.
 *
 * Policies (mc_cache_options.policy)
 *   MC_CACHE_POLICY_NONE       every allocate/free goes to the back end.
 *   MC_CACHE_POLICY_EXACT_LRU  the seed design: a freed block is reused only
 *                              by a request of the same (size, alignment);
 *                              the cache is bounded by bytes and by entries
 *                              and evicts least-recently-used blocks, which
 *                              always go back to the back end.
 *   MC_CACHE_POLICY_SEGMENTS   PyTorch-like: sizes rounded to 512 B, requests
 *                              <= 1 MiB carved from 2 MiB segments, larger
 *                              ones from 20 MiB segments (or their own
 *                              segment above 10 MiB), best-fit reuse with
 *                              splitting and coalescing inside a segment.
 *   MC_CACHE_POLICY_ADAPTIVE   the default: segments as above, but a miss
 *                              first gives fully free segments back and
 *                              re-reserves them as ONE larger segment, so
 *                              memory consolidates into few segments where
 *                              coalescing works (see docs/cache.md).
 *   Every policy frees cached memory and retries once when the back end runs
 *   out of memory, and every one honours memory_limit.
 *
 * Plan-from-trace (mc_cache_set_plan)
 *   A recorded step (mc_cache_trace_*) is planned offline; the plan's offsets
 *   come from any planner. Later steps that repeat the recorded sequence of
 *   allocations and frees are served from one arena at those offsets. The
 *   first event that departs from the recording ends arena service for the
 *   rest of the step (later requests fall back to the policy), which is what
 *   keeps arena blocks from ever overlapping.
 *
 * Ownership
 *   The cache owns every block it handed out or adopted (mc_cache_insert_ptr)
 *   and gives all of it back to the back end in mc_cache_destroy, live blocks
 *   included. The back end table is copied; its context must outlive the
 *   cache.
 *
 * Threads
 *   Every function may be called from any thread at once, except
 *   mc_cache_destroy. Each device pool is split into shards with their own
 *   lock; a thread is steered to a shard by the address of its stack, so two
 *   threads normally take different locks. A block freed by another thread
 *   returns to the shard that allocated it. The plan arena of a device has a
 *   lock of its own and is meant for a step driven by one thread.
 *
 * Complexity
 *   Cache hits are O(1) expected (hash lookups and list moves) for EXACT_LRU
 *   and O(bin length) for the segment policies; misses add one back-end call.
 */
#ifndef MEMCARVE_CACHE_H
#define MEMCARVE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memcarve/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- back ends */

/* A memory back end. alloc returns MC_OK with *out set, MC_ERR_NOMEM when the
 * device is out of memory (the cache then frees cached memory and retries),
 * or another status for any other failure (not retried). free must accept
 * every pointer alloc returned, with the same size and device. */
typedef struct mc_cache_backend {
    const char *name;
    mc_status (*alloc)(void *context, int device, size_t size, size_t alignment, void **out);
    void (*free)(void *context, int device, void *ptr, size_t size);
    void *context;
} mc_cache_backend;

/* Host memory from posix_memalign; device numbers are only labels. */
mc_cache_backend mc_cache_backend_host(void);

/* CUDA through the runtime library loaded at run time (never linked).
 * `library` names the shared object to dlopen; NULL tries libcudart.so,
 * libcudart.so.12 and libcudart.so.11.0. Returns MC_ERR_UNSUPPORTED with
 * "no CUDA runtime" or "no CUDA device" in `err` when that is the case.
 * On success *out must later be passed to mc_cache_backend_cuda_close. */
mc_status mc_cache_backend_cuda_open(const char *library, mc_cache_backend *out, mc_error *err);
/* Unloads the runtime; every cache using the back end must be gone. */
void mc_cache_backend_cuda_close(mc_cache_backend *backend);

/* A simulated back end for tests and benchmarks: counts calls and bytes,
 * charges a per-call latency (busy wait, as a synchronizing cudaMalloc
 * would), and refuses with MC_ERR_NOMEM beyond a capacity. With
 * real_memory false it hands out addresses that must never be touched, so
 * huge workloads cost no host memory. Thread-safe. */
typedef struct mc_cache_sim mc_cache_sim;
typedef struct mc_cache_sim_counts {
    uint64_t allocs, frees;          /* calls                          */
    uint64_t outstanding_bytes;      /* allocated and not yet freed    */
    uint64_t outstanding_blocks;
    uint64_t peak_bytes;
    uint64_t refused;                /* NOMEM answers                  */
    uint64_t bad_frees;              /* frees of unknown pointers      */
} mc_cache_sim_counts;

mc_status mc_cache_sim_create(uint64_t capacity, uint64_t latency_ns, bool real_memory,
                              mc_cache_sim **out, mc_error *err);
/* Frees whatever is still outstanding. */
void mc_cache_sim_destroy(mc_cache_sim *sim);
mc_cache_backend mc_cache_sim_backend(mc_cache_sim *sim);
void mc_cache_sim_get_counts(mc_cache_sim *sim, mc_cache_sim_counts *out);
/* Changes the capacity (e.g. to provoke OOM in a test). */
void mc_cache_sim_set_capacity(mc_cache_sim *sim, uint64_t capacity);

/* ------------------------------------------------------------------ options */

typedef enum mc_cache_policy {
    MC_CACHE_POLICY_ADAPTIVE = 0,
    MC_CACHE_POLICY_NONE,
    MC_CACHE_POLICY_EXACT_LRU,
    MC_CACHE_POLICY_SEGMENTS
} mc_cache_policy;

typedef struct mc_cache_options {
    mc_cache_policy policy;
    int device_count;          /* pools 0 .. device_count-1; default 1      */
    size_t max_cached_bytes;   /* 0: unbounded; free memory kept at most     */
    size_t max_cached_blocks;  /* 0: unbounded; EXACT_LRU entries / free
                                  segments kept at most                     */
    size_t memory_limit;       /* 0: none; reserved bytes per device at most */
    unsigned shards;           /* locks per device; 0: 16; 1: one lock       */
} mc_cache_options;

void mc_cache_options_init(mc_cache_options *options);
/* "adaptive", "none", "exact-lru", "segments"; NULL for an unknown value. */
const char *mc_cache_policy_name(mc_cache_policy policy);
/* Parses a name as above; returns false for an unknown name. */
bool mc_cache_policy_parse(const char *name, mc_cache_policy *out);

/* ---------------------------------------------------------------- allocator */

typedef struct mc_cache mc_cache;

mc_status mc_cache_create(const mc_cache_options *options, const mc_cache_backend *backend,
                          mc_cache **out, mc_error *err);
/* Gives every block, live or cached, back to the back end. Returns the
 * number of blocks that were still live (a leak in the caller). */
size_t mc_cache_destroy(mc_cache *cache);

/* Allocates `size` (>= 1) bytes aligned to `alignment` (a power of two; 0
 * means 256) on `device`, with one reference. On failure *out is NULL and
 * `err` says why: MC_ERR_NOMEM when the back end or memory_limit refuses
 * even after the cache was emptied, MC_ERR_INVALID for bad arguments. */
mc_status mc_cache_allocate(mc_cache *cache, size_t size, size_t alignment, int device,
                            void **out, mc_error *err);

/* Adds a reference to a live block. */
mc_status mc_cache_retain(mc_cache *cache, void *ptr, mc_error *err);
/* Drops a reference; the last one returns the block to the cache. A pointer
 * that is not live (double release, foreign pointer) gives MC_ERR_INVALID and
 * changes nothing. */
mc_status mc_cache_release(mc_cache *cache, void *ptr, mc_error *err);
/* Same as mc_cache_release (the seed's name). */
mc_status mc_cache_deallocate(mc_cache *cache, void *ptr, mc_error *err);

/* Adopts memory the back end allocated elsewhere: it becomes a live block
 * with one reference and is freed through the back end in the end. */
mc_status mc_cache_insert_ptr(mc_cache *cache, void *ptr, size_t size, size_t alignment,
                              int device, mc_error *err);

/* Returns every cached (free) block and fully free segment of every device
 * to the back end. Live blocks are untouched. */
void mc_cache_empty(mc_cache *cache);

/* --------------------------------------------------------------- statistics */

typedef struct mc_cache_stats {
    uint64_t allocated_bytes, allocated_peak;  /* held by live blocks        */
    uint64_t reserved_bytes, reserved_peak;    /* obtained from the back end */
    uint64_t cached_bytes;                     /* free, kept for reuse       */
    uint64_t live_blocks;
    uint64_t hits, misses;                     /* requests from cache / not  */
    uint64_t backend_allocs, backend_frees;
    uint64_t evictions;                        /* blocks/segments given back
                                                  to respect the bounds      */
    uint64_t oom_retries;                      /* back-end OOM, cache freed  */
    uint64_t largest_free_block;
    uint64_t plan_hits, plan_misses;           /* requests served by / not by
                                                  the plan arena            */
} mc_cache_stats;

/* Statistics of one device. allocated_peak is exact while one shard is in
 * use and otherwise the sum of per-shard peaks (an upper bound). */
mc_status mc_cache_get_stats(mc_cache *cache, int device, mc_cache_stats *out, mc_error *err);
/* Peaks restart from the current values. */
void mc_cache_reset_peaks(mc_cache *cache);

/* -------------------------------------------------------------------- trace */

/* One allocation event. The trace CSV is
 *   event,op,id,size,alignment,device
 * with op "alloc" or "free"; `event` counts from 0 in recording order and
 * `id` names the block (a free carries the id of its alloc). */
typedef struct mc_trace_event {
    uint64_t id;
    uint64_t size;
    uint64_t alignment;
    int device;
    bool is_free;
} mc_trace_event;

/* Starts recording (clearing any previous recording). Only blocks allocated
 * while recording are traced; frees of older blocks are ignored. */
mc_status mc_cache_trace_start(mc_cache *cache, mc_error *err);
/* Stops recording; the events stay available. */
void mc_cache_trace_stop(mc_cache *cache);
/* Copies out the recorded events; *out is malloc'ed (free() it). */
mc_status mc_cache_trace_events(mc_cache *cache, mc_trace_event **out, size_t *count,
                                mc_error *err);

/* Writes events as trace CSV (LF line ends). */
mc_status mc_trace_write(const mc_trace_event *events, size_t count, FILE *out, mc_error *err);
/* Parses trace CSV; messages name `name`, line and field. Unknown extra
 * columns are ignored; the header may order columns freely. */
mc_status mc_trace_parse(const char *text, size_t length, const char *name,
                         mc_trace_event **out, size_t *count, mc_error *err);

/* A static-planning problem from a trace: one row per allocation of
 * `device` (-1: all devices), lifetime [alloc event index, free event index)
 * counted over those rows' events, size rounded up to its alignment; blocks
 * never freed live until the end. rows[i] describes the i-th allocation. */
typedef struct mc_trace_row {
    uint64_t id;
    int64_t lower, upper, size, alignment;
} mc_trace_row;

mc_status mc_trace_to_rows(const mc_trace_event *events, size_t count, int device,
                           mc_trace_row **rows, size_t *row_count, mc_error *err);
/* Writes rows as MiniMalloc CSV: id,lower,upper,size. */
mc_status mc_trace_rows_write(const mc_trace_row *rows, size_t count, FILE *out,
                              mc_error *err);
/* The LOAD bound: the largest total size alive at one time. */
int64_t mc_trace_rows_load(const mc_trace_row *rows, size_t count);

/* ---------------------------------------------------------- plan-from-trace */

/* A simple offline placement for when no planner is at hand: rows in
 * decreasing size, each at the lowest aligned offset free over its lifetime
 * (also tried in allocation order; the lower height wins). O(n^2 log n).
 * Writes offsets[i] for rows[i] and the height. */
mc_status mc_trace_rows_place(const mc_trace_row *rows, size_t count, int64_t *offsets,
                              int64_t *height, mc_error *err);

/* The best layout at hand: mc_trace_rows_place, then, unless that already
 * reaches LOAD (and so is optimal) or timeout_seconds <= 0, the exact
 * planner (mc_solve, minimizing) within timeout_seconds, kept when it is
 * lower. The result is checked with mc_trace_rows_check. */
mc_status mc_trace_rows_plan(const mc_trace_row *rows, size_t count, double timeout_seconds,
                             int64_t *offsets, int64_t *height, mc_error *err);

/* Checks that offsets are a valid layout of rows (aligned, no two blocks
 * alive at once overlapping) and returns its height. */
mc_status mc_trace_rows_check(const mc_trace_row *rows, size_t count, const int64_t *offsets,
                              int64_t *height, mc_error *err);

/* Installs a plan for `device`: the rows of a recorded step (in recording
 * order, as mc_trace_to_rows gives them) and their offsets. The layout is
 * checked, then one arena of its height is reserved from the back end.
 * Replaces any previous plan (which must have no live arena blocks). */
mc_status mc_cache_set_plan(mc_cache *cache, int device, const mc_trace_row *rows,
                            size_t count, const int64_t *offsets, mc_error *err);
/* Installs a plan that also covers the memory outliving a step (weights,
 * optimizer state), so that it too lies in the arena instead of the
 * policy's segments. `rows` come from a recording that started before the
 * first allocation on `device` (usually at mc_cache_create) and ended after
 * the recorded step; `step_start` is the event index (counted as in the
 * rows' lifetimes) where that step begins. The events before it (the
 * prologue: weights, warm-up steps) are served once, starting at once; the
 * step is served again at every mc_cache_step_begin that finds exactly the
 * persistent rows (those alive at `step_start`) live. Rows alive at
 * `step_start` must never be freed in the recording and rows allocated in
 * the step must be freed within it, else MC_ERR_INVALID naming the row.
 * step_start 0 is mc_cache_set_plan. The same checks as mc_cache_set_plan. */
mc_status mc_cache_set_plan_looped(mc_cache *cache, int device, const mc_trace_row *rows,
                                   size_t count, const int64_t *offsets, size_t step_start,
                                   mc_error *err);
/* Marks the start of a step on `device`: the arena serves the step if no
 * arena block is still live (for a looped plan: exactly the persistent
 * ones, or the prologue is still in progress), otherwise the step falls
 * back to the policy. */
mc_status mc_cache_step_begin(mc_cache *cache, int device, mc_error *err);
/* Drops the plan of `device` and gives its arena back (no live blocks). */
mc_status mc_cache_clear_plan(mc_cache *cache, int device, mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_CACHE_H */
