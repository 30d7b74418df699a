/* Recording allocation events while a trace is on. The recording flag is
 * read without the lock so that an idle trace costs one relaxed load. */
#include <stdlib.h>
#include <string.h>

#include "cache/internal.h"

uint64_t mc_trace_new_id(mc_cache *cache)
{
    if (!atomic_load_explicit(&cache->trace.recording, memory_order_relaxed)) return 0;
    return atomic_fetch_add(&cache->next_id, 1);
}

void mc_trace_note(mc_cache *cache, uint64_t id, size_t size, size_t alignment, int device,
                   bool is_free)
{
    mc_trace_log *log = &cache->trace;
    mc_spin_lock(&log->lock);
    if (atomic_load(&log->recording) && id >= log->first_id) {
        if (log->count == log->capacity) {
            size_t cap = log->capacity ? log->capacity * 2 : 1024;
            mc_trace_event *grown = realloc(log->events, cap * sizeof *grown);
            /* Out of host memory: the recording stops short rather than lie. */
            if (!grown) atomic_store(&log->recording, false);
            else {
                log->events = grown;
                log->capacity = cap;
            }
        }
        if (log->count < log->capacity)
            log->events[log->count++] = (mc_trace_event){id, size, alignment, device, is_free};
    }
    mc_spin_unlock(&log->lock);
}

void mc_trace_log_free(mc_trace_log *log)
{
    free(log->events);
    log->events = NULL;
    log->count = log->capacity = 0;
}

mc_status mc_cache_trace_start(mc_cache *cache, mc_error *err)
{
    (void)err;
    mc_trace_log *log = &cache->trace;
    mc_spin_lock(&log->lock);
    log->count = 0;
    log->first_id = atomic_load(&cache->next_id);
    atomic_store(&log->recording, true);
    mc_spin_unlock(&log->lock);
    return MC_OK;
}

void mc_cache_trace_stop(mc_cache *cache)
{
    mc_spin_lock(&cache->trace.lock);
    atomic_store(&cache->trace.recording, false);
    mc_spin_unlock(&cache->trace.lock);
}

mc_status mc_cache_trace_events(mc_cache *cache, mc_trace_event **out, size_t *count, mc_error *err)
{
    mc_trace_log *log = &cache->trace;
    mc_spin_lock(&log->lock);
    size_t n = log->count;
    mc_trace_event *copy = malloc((n ? n : 1) * sizeof *copy);
    if (copy && n) memcpy(copy, log->events, n * sizeof *copy);
    mc_spin_unlock(&log->lock);
    *out = copy;
    *count = copy ? n : 0;
    return copy ? MC_OK : mc_error_set(err, MC_ERR_NOMEM, "trace: out of host memory");
}
