/* Replay workloads for the cache benchmark and `memcarve cache replay`:
 * deterministic operation lists (training steps, same-layout churn, random
 * sizes) and a runner that times every call against a simulated back end. */
#ifndef MC_CACHE_WORKLOAD_H
#define MC_CACHE_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memcarve/cache.h"

typedef enum mc_wl_kind { MC_WL_ALLOC, MC_WL_FREE, MC_WL_STEP } mc_wl_kind;

typedef struct mc_wl_op {
    uint32_t kind;   /* mc_wl_kind */
    uint32_t slot;   /* which pointer */
    uint64_t size;
} mc_wl_op;

typedef struct mc_workload {
    const char *name;
    mc_wl_op *ops;
    size_t count, capacity;
    uint32_t slots;
} mc_workload;

typedef enum mc_wl_which {
    MC_WL_TRAINING_FIXED, /* identical steps */
    MC_WL_TRAINING_VAR,   /* sequence length varies per step */
    MC_WL_CHURN,          /* one layout, allocated and freed */
    MC_WL_RANDOM          /* sizes 1 KiB - 256 MiB */
} mc_wl_which;

/* `scale` multiplies the length (steps, iterations); 1 is the default. */
mc_status mc_workload_make(mc_wl_which which, unsigned scale, uint64_t seed, mc_workload *out,
                           mc_error *err);
void mc_workload_free(mc_workload *wl);
bool mc_workload_parse(const char *name, mc_wl_which *out);

/* "plan" is a mode on top of a policy: a profiling run records everything
 * up to the end of step 2 (weights and optimizer state included), the
 * recording is planned offline, and the measured runs are served from one
 * arena from their first allocation on (steps 1 and 2 once, then step 2's
 * layout again at every step). */
typedef struct mc_replay_config {
    mc_cache_policy policy;
    bool plan;
    uint64_t latency_ns;     /* charged per back-end call */
    unsigned threads;        /* 1 or 2; each thread replays its own copy */
    FILE *trace_out;         /* not NULL: the second step's trace goes here */
    unsigned repeat;         /* replay the list this many times (0 = 1), so
                                long runs need no long list in memory     */
} mc_replay_config;

typedef struct mc_replay_result {
    double alloc_p50, alloc_p99, free_p50, free_p99; /* ns, timer cost removed */
    double pair_ns;          /* wall time per alloc+free, no per-call timer */
    double seconds;
    double hit_rate;         /* after the first step (whole run without steps) */
    uint64_t backend_calls;
    uint64_t peak_reserved, peak_allocated;
    int64_t plan_height, plan_load; /* plan mode: arena height and LOAD of
                                       the recording (everything before
                                       step 3, persistent rows included) */
} mc_replay_result;

mc_status mc_replay(const mc_workload *wl, const mc_replay_config *config, mc_replay_result *out,
                    mc_error *err);

#endif
