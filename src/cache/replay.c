/* The replay runner: times each call of a workload against a cache over the
 * simulated back end. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/workload.h"

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Percentile of samples (sorted in place) minus the timer's own cost. */
static double percentile(uint32_t *v, size_t n, double q, double timer)
{
    if (!n) return 0;
    qsort(v, n, sizeof *v, by_value);
    double x = (double)v[(size_t)(q * (double)(n - 1))] - timer;
    return x > 0 ? x : 0;
}

static double timer_cost(void)
{
    uint32_t v[2001];
    for (int i = 0; i < 2001; ++i) {
        uint64_t a = now_ns();
        v[i] = (uint32_t)(now_ns() - a);
    }
    return percentile(v, 2001, 0.5, 0);
}

/* Plan mode: the layout of a profiling run's recording, installed in every
 * cache of the measured runs before their first allocation. */
typedef struct plan_input {
    mc_trace_row *rows;
    int64_t *offsets;
    size_t count, step_start;
    int64_t height, load;
} plan_input;

typedef struct run {
    const mc_workload *wl;
    const mc_replay_config *config;
    mc_cache *cache;
    void **ptr;
    uint32_t *alloc_ns, *free_ns; /* NULL: untimed */
    size_t allocs, frees, step;
    uint64_t hits0, misses0;      /* at the end of the first step */
    mc_status status;
    mc_error err;
} run;

static void snapshot(run *r)
{
    mc_cache_stats s;
    mc_cache_get_stats(r->cache, 0, &s, NULL);
    r->hits0 = s.hits + s.plan_hits;
    r->misses0 = s.misses;
}

static mc_status apply_op(mc_cache *cache, const mc_wl_op *op, void **ptr, mc_error *err)
{
    return op->kind == MC_WL_ALLOC ? mc_cache_allocate(cache, op->size, 256, 0, &ptr[op->slot], err)
                                   : mc_cache_release(cache, ptr[op->slot], err);
}

/* Replays everything before step 3 with recording on from the start, so the
 * weights and the optimizer state created in step 1 are in the trace as
 * rows that live to its end; step 2 is the step that repeats. */
static mc_status record_prefix(const mc_workload *wl, mc_cache *cache, void **ptr,
                               size_t *step_start, mc_error *err)
{
    size_t steps = 0, events = 0;
    mc_status st = mc_cache_trace_start(cache, err);
    for (size_t i = 0; i < wl->count && st == MC_OK && steps < 3; ++i) {
        const mc_wl_op *op = &wl->ops[i];
        if (op->kind != MC_WL_STEP) {
            ++events; /* one device, everything recorded: one event per op */
            st = apply_op(cache, op, ptr, err);
        } else if (++steps == 2)
            *step_start = events;
    }
    mc_cache_trace_stop(cache);
    if (st == MC_OK && steps < 2)
        st = mc_error_set(err, MC_ERR_INVALID, "replay: plan mode needs a workload with 2 or more steps");
    return st;
}

static mc_status plan_recording(mc_cache *cache, plan_input *plan, mc_error *err)
{
    mc_trace_event *ev;
    size_t n;
    mc_status st = mc_cache_trace_events(cache, &ev, &n, err);
    if (st != MC_OK) return st;
    st = mc_trace_to_rows(ev, n, 0, &plan->rows, &plan->count, err);
    free(ev);
    if (st == MC_OK && !(plan->offsets = malloc((plan->count ? plan->count : 1) * sizeof *plan->offsets)))
        st = mc_error_set(err, MC_ERR_NOMEM, "replay: out of host memory");
    if (st == MC_OK) st = mc_trace_rows_plan(plan->rows, plan->count, 2.0, plan->offsets, &plan->height, err);
    if (st == MC_OK) plan->load = mc_trace_rows_load(plan->rows, plan->count);
    return st;
}

/* The profiling run: records, then plans the recording offline. */
static mc_status profile(const mc_workload *wl, mc_cache_policy policy, plan_input *plan, mc_error *err)
{
    mc_cache_sim *sim;
    mc_cache *cache = NULL;
    void **ptr = calloc(wl->slots, sizeof *ptr);
    mc_status st = ptr ? mc_cache_sim_create(0, 0, false, &sim, err)
                       : mc_error_set(err, MC_ERR_NOMEM, "replay: out of host memory");
    if (st != MC_OK) {
        free(ptr);
        return st;
    }
    mc_cache_options o;
    mc_cache_options_init(&o);
    o.policy = policy;
    mc_cache_backend be = mc_cache_sim_backend(sim);
    st = mc_cache_create(&o, &be, &cache, err);
    if (st == MC_OK) st = record_prefix(wl, cache, ptr, &plan->step_start, err);
    if (st == MC_OK) st = plan_recording(cache, plan, err);
    if (cache) mc_cache_destroy(cache);
    mc_cache_sim_destroy(sim);
    free(ptr);
    return st;
}

static mc_status on_step(run *r)
{
    ++r->step;
    if (r->step == 2) snapshot(r);
    if (r->config->plan) return mc_cache_step_begin(r->cache, 0, &r->err);
    if (!r->config->trace_out) return MC_OK;
    if (r->step == 2) return mc_cache_trace_start(r->cache, &r->err);
    if (r->step != 3) return MC_OK;
    /* Step 2 was recorded: write its trace. */
    mc_trace_event *ev;
    size_t n;
    mc_cache_trace_stop(r->cache);
    mc_status st = mc_cache_trace_events(r->cache, &ev, &n, &r->err);
    if (st == MC_OK) st = mc_trace_write(ev, n, r->config->trace_out, &r->err);
    if (st == MC_OK) free(ev);
    return st;
}

static mc_status step_op(run *r, const mc_wl_op *op)
{
    uint64_t t0 = 0;
    mc_status st;
    if (op->kind == MC_WL_STEP) return on_step(r);
    if (r->alloc_ns) t0 = now_ns();
    st = apply_op(r->cache, op, r->ptr, &r->err);
    uint64_t t1 = r->alloc_ns ? now_ns() : 0;
    uint32_t *sample = op->kind == MC_WL_ALLOC ? r->alloc_ns : r->free_ns;
    size_t *count = op->kind == MC_WL_ALLOC ? &r->allocs : &r->frees;
    if (sample) sample[*count] = (uint32_t)(t1 - t0);
    ++*count;
    return st;
}

static void *replay_thread(void *arg)
{
    run *r = arg;
    r->ptr = calloc(r->wl->slots, sizeof *r->ptr);
    r->status = r->ptr ? MC_OK : mc_error_set(&r->err, MC_ERR_NOMEM, "replay: out of host memory");
    unsigned repeat = r->config->repeat ? r->config->repeat : 1;
    for (unsigned k = 0; k < repeat; ++k)
        for (size_t i = 0; i < r->wl->count && r->status == MC_OK; ++i) r->status = step_op(r, &r->wl->ops[i]);
    free(r->ptr);
    return NULL;
}

static mc_status make_cache(const mc_replay_config *c, const plan_input *plan, mc_cache_sim **sim,
                            mc_cache **cache, mc_error *err)
{
    mc_status st = mc_cache_sim_create(0, c->latency_ns, false, sim, err);
    if (st != MC_OK) return st;
    mc_cache_backend be = mc_cache_sim_backend(*sim);
    mc_cache_options o;
    mc_cache_options_init(&o);
    o.policy = c->policy;
    *cache = NULL;
    st = mc_cache_create(&o, &be, cache, err);
    if (st == MC_OK && c->plan)
        st = mc_cache_set_plan_looped(*cache, 0, plan->rows, plan->count, plan->offsets, plan->step_start, err);
    if (st != MC_OK && *cache) mc_cache_destroy(*cache);
    if (st != MC_OK) mc_cache_sim_destroy(*sim);
    return st;
}

/* Untimed: wall time only, `threads` copies at once. */
static mc_status throughput(const mc_workload *wl, const mc_replay_config *c, const plan_input *plan,
                            mc_replay_result *out, mc_error *err)
{
    mc_cache_sim *sim;
    mc_cache *cache;
    mc_status st = make_cache(c, plan, &sim, &cache, err);
    if (st != MC_OK) return st;
    mc_replay_config quiet = *c;
    quiet.trace_out = NULL;
    c = &quiet;
    run runs[2];
    pthread_t tid[2];
    unsigned n = c->threads == 2 ? 2 : 1;
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < n; ++i) {
        runs[i] = (run){.wl = wl, .config = c, .cache = cache};
        if (pthread_create(&tid[i], NULL, replay_thread, &runs[i])) n = i;
    }
    for (unsigned i = 0; i < n; ++i) pthread_join(tid[i], NULL);
    out->seconds = (double)(now_ns() - t0) * 1e-9;
    out->pair_ns = runs[0].allocs ? out->seconds * 1e9 / (double)runs[0].allocs : 0;
    for (unsigned i = 0; i < n && st == MC_OK; ++i)
        if (runs[i].status != MC_OK) st = mc_error_set(err, runs[i].status, "%s", runs[i].err.message);
    if (n < (c->threads == 2 ? 2u : 1u) && st == MC_OK)
        st = mc_error_set(err, MC_ERR_NOMEM, "replay: cannot start a thread");
    mc_cache_destroy(cache);
    mc_cache_sim_destroy(sim);
    return st;
}

static void fill_result(run *r, mc_cache_sim *sim, double timer, const plan_input *plan,
                        mc_replay_result *out)
{
    mc_cache_stats s;
    mc_cache_sim_counts c;
    mc_cache_get_stats(r->cache, 0, &s, NULL);
    mc_cache_sim_get_counts(sim, &c);
    uint64_t hits = s.hits + s.plan_hits - r->hits0, misses = s.misses - r->misses0;
    out->hit_rate = hits + misses ? (double)hits / (double)(hits + misses) : 0;
    out->backend_calls = c.allocs + c.frees;
    out->peak_reserved = s.reserved_peak;
    out->peak_allocated = s.allocated_peak;
    out->plan_height = plan->height;
    out->plan_load = plan->load;
    out->alloc_p50 = percentile(r->alloc_ns, r->allocs, 0.5, timer);
    out->alloc_p99 = percentile(r->alloc_ns, r->allocs, 0.99, timer);
    out->free_p50 = percentile(r->free_ns, r->frees, 0.5, timer);
    out->free_p99 = percentile(r->free_ns, r->frees, 0.99, timer);
}

/* The timed run: one thread, every call timed. */
static mc_status timed(const mc_workload *wl, const mc_replay_config *config, const plan_input *plan,
                       mc_replay_result *out, mc_error *err)
{
    mc_cache_sim *sim;
    run r = {.wl = wl, .config = config};
    mc_status st = make_cache(config, plan, &sim, &r.cache, err);
    if (st != MC_OK) return st;
    size_t samples = wl->count * (config->repeat ? config->repeat : 1) + 1;
    r.alloc_ns = malloc(samples * sizeof *r.alloc_ns);
    r.free_ns = malloc(samples * sizeof *r.free_ns);
    if (r.alloc_ns && r.free_ns) {
        double timer = timer_cost();
        replay_thread(&r);
        st = r.status;
        if (st != MC_OK) mc_error_set(err, st, "%s", r.err.message);
        else fill_result(&r, sim, timer, plan, out);
    } else
        st = mc_error_set(err, MC_ERR_NOMEM, "replay: out of host memory");
    free(r.alloc_ns);
    free(r.free_ns);
    mc_cache_destroy(r.cache);
    mc_cache_sim_destroy(sim);
    return st;
}

mc_status mc_replay(const mc_workload *wl, const mc_replay_config *config, mc_replay_result *out,
                    mc_error *err)
{
    memset(out, 0, sizeof *out);
    plan_input plan = {0};
    mc_status st = config->plan ? profile(wl, config->policy, &plan, err) : MC_OK;
    if (st == MC_OK) st = throughput(wl, config, &plan, out, err);
    if (st == MC_OK && config->threads != 2) st = timed(wl, config, &plan, out, err);
    free(plan.rows);
    free(plan.offsets);
    return st;
}
