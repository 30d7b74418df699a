/* Traces and plan-from-trace: recording, the CSV round trip, rows and their
 * lifetimes, placement and the layout check against brute force, and
 * serving repeated steps from the arena (including steps that depart from
 * the recording, which must fall back without any overlap). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "memcarve/cache.h"

/* A training-like step: forward allocations, backward frees in reverse with
 * gradient allocations in between, one block kept past the step. */
typedef struct step_op {
    int slot;
    size_t size; /* 0: free slot */
} step_op;

static size_t make_step(step_op *ops, mc_test_rng *rng, int layers)
{
    size_t n = 0;
    for (int l = 0; l < layers; ++l) ops[n++] = (step_op){l, (size_t)mc_test_range(rng, 1000, 300000)};
    for (int l = layers - 1; l >= 0; --l) {
        ops[n++] = (step_op){layers + l, (size_t)mc_test_range(rng, 100, 50000)};
        ops[n++] = (step_op){l, 0};
        if (l % 2) ops[n++] = (step_op){layers + l, 0};
    }
    for (int l = layers - 1; l >= 0; --l)
        if (!(l % 2)) ops[n++] = (step_op){layers + l, 0};
    return n;
}

static bool within(const void *p, const void *lo, size_t len)
{
    return (const char *)p >= (const char *)lo && (const char *)p < (const char *)lo + len;
}

/* Runs the ops; every live block is filled with its slot number and checked
 * before it is freed. Returns the number of failed byte checks. */
static int run_step(mc_cache *cache, const step_op *ops, size_t n, void **ptr, size_t *size)
{
    int bad = 0;
    for (size_t i = 0; i < n; ++i) {
        int s = ops[i].slot;
        if (ops[i].size) {
            CHECK(mc_cache_allocate(cache, ops[i].size, 256, 0, &ptr[s], NULL) == MC_OK);
            size[s] = ops[i].size;
            memset(ptr[s], s, size[s]);
        } else {
            for (size_t k = 0; k < size[s]; k += 97) bad += ((unsigned char *)ptr[s])[k] != (unsigned char)s;
            CHECK(mc_cache_release(cache, ptr[s], NULL) == MC_OK);
        }
    }
    return bad;
}

static bool brute_valid(const mc_trace_row *rows, size_t n, const int64_t *off)
{
    for (size_t i = 0; i < n; ++i) {
        if (off[i] < 0 || off[i] % rows[i].alignment) return false;
        for (size_t j = i + 1; j < n; ++j)
            if (rows[i].lower < rows[j].upper && rows[j].lower < rows[i].upper &&
                off[i] < off[j] + rows[j].size && off[j] < off[i] + rows[i].size)
                return false;
    }
    return true;
}

static void csv_round_trip(const mc_trace_event *ev, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    CHECK(mc_trace_write(ev, n, f, NULL) == MC_OK);
    fclose(f);
    mc_trace_event *back;
    size_t m;
    CHECK(mc_trace_parse(text, len, "mem", &back, &m, NULL) == MC_OK);
    CHECK_EQ_I64(m, n);
    for (size_t i = 0; i < n && i < m; ++i) {
        CHECK(back[i].id == ev[i].id && back[i].is_free == ev[i].is_free);
        CHECK(back[i].size == ev[i].size && back[i].device == ev[i].device);
    }
    free(back);
    free(text);
}

static void parse_errors(void)
{
    static const struct {
        const char *text, *needle;
    } cases[] = {
        {"", "empty file"},
        {"op,id\nalloc,1\n", "missing 'size'"},
        {"event,op,id,size\n0,alloc,1,100\n1,fre,1,100\n", "mem:3: field 'op'"},
        {"op,id,size\nalloc,x,100\n", "mem:2: field 'id'"},
        {"op,id,size\nalloc,1,-5\n", "field 'size'"},
        {"op,id,size\nalloc,1,0\n", "field 'size'"},
        {"op,id,size,alignment\nalloc,1,10,3\n", "field 'alignment'"},
        {"op,id,size,device\nalloc,1,10,99999\n", "field 'device'"},
        {"op,id,size\nalloc,1,99999999999999999999999\n", "field 'size'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        mc_trace_event *ev = (mc_trace_event *)1;
        size_t n = 7;
        mc_error err;
        CHECK(mc_trace_parse(cases[i].text, strlen(cases[i].text), "mem", &ev, &n, &err) == MC_ERR_PARSE);
        CHECK(ev == NULL && n == 0);
        CHECK(strstr(err.message, cases[i].needle) != NULL);
    }
    const char *ok = "size,id,op,extra\r\n10,1,alloc,zz\r\n\r\n10,1,free,zz\r\n";
    mc_trace_event *ev;
    size_t n;
    CHECK(mc_trace_parse(ok, strlen(ok), "mem", &ev, &n, NULL) == MC_OK);
    CHECK_EQ_I64(n, 2);
    mc_trace_row *rows;
    size_t rn;
    CHECK(mc_trace_to_rows(ev, n, -1, &rows, &rn, NULL) == MC_OK);
    CHECK(rn == 1 && rows[0].lower == 0 && rows[0].upper == 1 && rows[0].size == 10);
    free(rows);
    mc_trace_event twice[2] = {{5, 10, 1, 0, false}, {5, 10, 1, 0, false}};
    mc_error err;
    CHECK(mc_trace_to_rows(twice, 2, -1, &rows, &rn, &err) == MC_ERR_INVALID);
    free(ev);
}

/* The layout check agrees with brute force on random small layouts, and
 * placement always gives a valid layout no lower than LOAD. */
static void check_and_place_random(void)
{
    mc_test_rng rng = {99};
    mc_trace_row rows[12];
    int64_t off[12];
    for (int round = 0; round < 400; ++round) {
        size_t n = (size_t)mc_test_range(&rng, 1, 12);
        for (size_t i = 0; i < n; ++i) {
            int64_t lo = mc_test_range(&rng, 0, 20);
            rows[i] = (mc_trace_row){i, lo, lo + mc_test_range(&rng, 1, 8), mc_test_range(&rng, 1, 9),
                                     (int64_t)1 << mc_test_range(&rng, 0, 2)};
            off[i] = mc_test_range(&rng, 0, 6) * rows[i].alignment;
        }
        CHECK((mc_trace_rows_check(rows, n, off, NULL, NULL) == MC_OK) == brute_valid(rows, n, off));
        int64_t height;
        CHECK(mc_trace_rows_place(rows, n, off, &height, NULL) == MC_OK);
        CHECK(brute_valid(rows, n, off));
        CHECK(height >= mc_trace_rows_load(rows, n));
        /* With the exact planner: still valid, never worse, and optimal on
         * these tiny cases (LOAD is not always reachable, so compare with
         * the placement only). */
        int64_t planned;
        if (round % 8 == 0) {
            CHECK(mc_trace_rows_plan(rows, n, 1.0, off, &planned, NULL) == MC_OK);
            CHECK(brute_valid(rows, n, off));
            CHECK(planned <= height && planned >= mc_trace_rows_load(rows, n));
        }
    }
}

static mc_cache *host_cache(void)
{
    mc_cache_backend host = mc_cache_backend_host();
    mc_cache *cache;
    CHECK(mc_cache_create(NULL, &host, &cache, NULL) == MC_OK);
    return cache;
}

static void plan_from_trace(void)
{
    enum { LAYERS = 24 };
    mc_test_rng rng = {7};
    step_op ops[4 * LAYERS], other[4 * LAYERS];
    size_t n = make_step(ops, &rng, LAYERS);
    void *ptr[2 * LAYERS];
    size_t size[2 * LAYERS];
    mc_cache *cache = host_cache();
    void *persistent;
    CHECK(mc_cache_allocate(cache, 4096, 256, 0, &persistent, NULL) == MC_OK);
    CHECK(mc_cache_trace_start(cache, NULL) == MC_OK);
    CHECK_EQ_I64(run_step(cache, ops, n, ptr, size), 0);
    CHECK(mc_cache_release(cache, persistent, NULL) == MC_OK); /* older block: not traced */
    mc_cache_trace_stop(cache);
    mc_trace_event *ev;
    size_t evn;
    CHECK(mc_cache_trace_events(cache, &ev, &evn, NULL) == MC_OK);
    CHECK_EQ_I64(evn, n);
    csv_round_trip(ev, evn);
    mc_trace_row *rows;
    size_t rn;
    CHECK(mc_trace_to_rows(ev, evn, 0, &rows, &rn, NULL) == MC_OK);
    CHECK_EQ_I64(rn, 2 * LAYERS);
    int64_t *offsets = malloc(rn * sizeof *offsets), height;
    CHECK(mc_trace_rows_place(rows, rn, offsets, &height, NULL) == MC_OK);
    int64_t load = mc_trace_rows_load(rows, rn);
    CHECK(height >= load && height <= load + load / 100);
    /* A layout with an overlap is refused and changes nothing. */
    int64_t saved = offsets[1];
    offsets[1] = offsets[0];
    mc_error err;
    CHECK(mc_cache_set_plan(cache, 0, rows, rn, offsets, &err) == MC_ERR_INVALID);
    offsets[1] = saved;
    CHECK(mc_cache_set_plan(cache, 0, rows, rn, offsets, NULL) == MC_OK);
    mc_cache_stats before, after;
    mc_cache_get_stats(cache, 0, &before, NULL);
    /* Identical steps are served entirely from the arena. */
    for (int step = 0; step < 3; ++step) {
        CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
        CHECK_EQ_I64(run_step(cache, ops, n, ptr, size), 0);
    }
    mc_cache_get_stats(cache, 0, &after, NULL);
    CHECK_EQ_I64(after.plan_hits, 3 * rn);
    CHECK_EQ_I64(after.plan_misses, 0);
    CHECK_EQ_I64(after.hits + after.misses, before.hits + before.misses);
    CHECK_EQ_I64(after.reserved_bytes, before.reserved_bytes);
    /* A different step (other sizes) departs at once and falls back. */
    memcpy(other, ops, n * sizeof *ops);
    other[3].size = 400000;
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    CHECK_EQ_I64(run_step(cache, other, n, ptr, size), 0);
    mc_cache_get_stats(cache, 0, &after, NULL);
    CHECK_EQ_I64(after.plan_misses, 1);
    CHECK_EQ_I64(after.plan_hits, 3 * rn + 3);
    /* A step whose frees come in another order: later requests fall back,
     * and the byte checks prove nothing overlapped. */
    memcpy(other, ops, n * sizeof *ops);
    step_op t = other[LAYERS + 1];
    other[LAYERS + 1] = other[LAYERS + 2];
    other[LAYERS + 2] = t;
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    CHECK_EQ_I64(run_step(cache, other, n, ptr, size), 0);
    /* A step that begins while an arena block is live is not armed. */
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    void *held;
    CHECK(mc_cache_allocate(cache, ops[0].size, 256, 0, &held, NULL) == MC_OK);
    mc_cache_get_stats(cache, 0, &before, NULL);
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    CHECK(mc_cache_set_plan(cache, 0, rows, rn, offsets, &err) == MC_ERR_INVALID);
    CHECK(mc_cache_clear_plan(cache, 0, &err) == MC_ERR_INVALID);
    CHECK_EQ_I64(run_step(cache, ops, n, ptr, size), 0);
    mc_cache_get_stats(cache, 0, &after, NULL);
    CHECK_EQ_I64(after.plan_hits, before.plan_hits);
    CHECK(!within(ptr[0], held, 1) || ptr[0] != held);
    CHECK(mc_cache_retain(cache, held, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, held, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, held, NULL) == MC_OK);
    CHECK(mc_cache_release(cache, held, NULL) == MC_ERR_INVALID);
    CHECK(mc_cache_clear_plan(cache, 0, NULL) == MC_OK);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);
    free(offsets);
    free(rows);
    free(ev);
}

/* The rows and offsets of a recording, planned. */
typedef struct planned {
    mc_trace_row *rows;
    size_t count;
    int64_t *offsets, height, load;
} planned;

static void plan_recording(mc_cache *cache, planned *p)
{
    mc_trace_event *ev;
    size_t evn;
    mc_cache_trace_stop(cache);
    CHECK(mc_cache_trace_events(cache, &ev, &evn, NULL) == MC_OK);
    CHECK(mc_trace_to_rows(ev, evn, 0, &p->rows, &p->count, NULL) == MC_OK);
    p->offsets = malloc(p->count * sizeof *p->offsets);
    CHECK(mc_trace_rows_plan(p->rows, p->count, 0, p->offsets, &p->height, NULL) == MC_OK);
    p->load = mc_trace_rows_load(p->rows, p->count);
    free(ev);
}

/* A looped plan: weights before step 1 and optimizer state created in it
 * persist, so a recording from the start puts them in the arena too, and
 * the whole run reserves nothing but the arena. */
static void looped_plan(void)
{
    enum { LAYERS = 12, WEIGHTS = 6, BASE = 2 * LAYERS };
    mc_test_rng rng = {11};
    step_op step[4 * LAYERS], prologue[WEIGHTS], moments[WEIGHTS], drop[2 * WEIGHTS];
    size_t n = make_step(step, &rng, LAYERS);
    for (int w = 0; w < WEIGHTS; ++w) {
        prologue[w] = (step_op){BASE + w, (size_t)mc_test_range(&rng, 256, 200000)};
        moments[w] = (step_op){BASE + WEIGHTS + w, prologue[w].size};
        drop[w] = (step_op){BASE + w, 0};
        drop[WEIGHTS + w] = (step_op){BASE + WEIGHTS + w, 0};
    }
    void *ptr[BASE + 2 * WEIGHTS];
    size_t size[BASE + 2 * WEIGHTS];
    /* The profiling run records weights, step 1 (creating the moments) and
     * step 2, the one that repeats. */
    mc_cache *cache = host_cache();
    CHECK(mc_cache_trace_start(cache, NULL) == MC_OK);
    int bad = run_step(cache, prologue, WEIGHTS, ptr, size);
    bad += run_step(cache, step, n, ptr, size);
    bad += run_step(cache, moments, WEIGHTS, ptr, size);
    size_t step_start = 2 * WEIGHTS + n;
    bad += run_step(cache, step, n, ptr, size);
    planned p;
    plan_recording(cache, &p);
    CHECK_EQ_I64(p.count, 2 * WEIGHTS + LAYERS * 4);
    CHECK(p.height <= p.load + p.load / 100);
    bad += run_step(cache, drop, 2 * WEIGHTS, ptr, size);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);

    /* Step starts whose live rows differ from the end are refused. */
    cache = host_cache();
    mc_error err;
    size_t wrong[] = {1, WEIGHTS + 1, step_start + 1, step_start + n};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; ++i)
        CHECK(mc_cache_set_plan_looped(cache, 0, p.rows, p.count, p.offsets, wrong[i], &err) == MC_ERR_INVALID);

    /* The measured run: everything from the arena, the arena all it reserves. */
    CHECK(mc_cache_set_plan_looped(cache, 0, p.rows, p.count, p.offsets, step_start, &err) == MC_OK);
    bad += run_step(cache, prologue, WEIGHTS, ptr, size);
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK); /* inside the prologue: runs on */
    bad += run_step(cache, step, n, ptr, size);
    bad += run_step(cache, moments, WEIGHTS, ptr, size);
    for (int k = 0; k < 4; ++k) {
        CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
        bad += run_step(cache, step, n, ptr, size);
    }
    mc_cache_stats s;
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK_EQ_I64(s.plan_hits, 2 * WEIGHTS + 5 * LAYERS * 2);
    CHECK_EQ_I64(s.plan_misses, 0);
    CHECK_EQ_I64(s.hits + s.misses, 0);
    CHECK_EQ_I64(s.reserved_peak, p.height);
    /* LOAD counts sizes rounded up to the 256-byte alignment. */
    CHECK(s.allocated_peak <= (uint64_t)p.load && (uint64_t)p.load - s.allocated_peak < 256 * p.count);
    /* A persistent block released while a step block is held: as many
     * blocks are live as the recording had, but not the same ones, and
     * rewinding would hand the held block's place out again. */
    void *held;
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    CHECK(mc_cache_allocate(cache, step[0].size, 256, 0, &held, NULL) == MC_OK);
    memset(held, 0x5a, step[0].size);
    bad += run_step(cache, drop, 1, ptr, size);
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    bad += run_step(cache, step, n, ptr, size);
    for (size_t k = 0; k < step[0].size; k += 97) bad += ((unsigned char *)held)[k] != 0x5a;
    CHECK(mc_cache_release(cache, held, NULL) == MC_OK);
    mc_cache_stats after;
    mc_cache_get_stats(cache, 0, &after, NULL);
    CHECK_EQ_I64(after.plan_hits, s.plan_hits + 1);
    CHECK_EQ_I64(after.misses + after.hits, LAYERS * 2);
    bad += run_step(cache, drop + 1, 2 * WEIGHTS - 1, ptr, size);
    CHECK_EQ_I64(bad, 0);
    CHECK(mc_cache_clear_plan(cache, 0, NULL) == MC_OK);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);

    /* A prologue that departs (a bigger weight) leaves every later step to
     * the policy, since some persistent rows are not in the arena. */
    cache = host_cache();
    CHECK(mc_cache_set_plan_looped(cache, 0, p.rows, p.count, p.offsets, step_start, NULL) == MC_OK);
    prologue[2].size += 4096;
    bad += run_step(cache, prologue, WEIGHTS, ptr, size);
    bad += run_step(cache, step, n, ptr, size);
    bad += run_step(cache, moments, WEIGHTS, ptr, size);
    CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
    bad += run_step(cache, step, n, ptr, size);
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK_EQ_I64(s.plan_hits, 2);
    CHECK_EQ_I64(s.plan_misses, 1);
    bad += run_step(cache, drop, 2 * WEIGHTS, ptr, size);
    CHECK_EQ_I64(bad, 0);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);
    free(p.rows);
    free(p.offsets);

    /* Nothing persists and the recording ends with a free, which rows alone
     * cannot tell from a block never freed: the step still loops. */
    cache = host_cache();
    CHECK(mc_cache_trace_start(cache, NULL) == MC_OK);
    bad += run_step(cache, step, n, ptr, size);
    bad += run_step(cache, step, n, ptr, size);
    plan_recording(cache, &p);
    CHECK(mc_cache_set_plan_looped(cache, 0, p.rows, p.count, p.offsets, n, &err) == MC_OK);
    for (int k = 0; k < 4; ++k) {
        CHECK(mc_cache_step_begin(cache, 0, NULL) == MC_OK);
        bad += run_step(cache, step, n, ptr, size);
    }
    mc_cache_get_stats(cache, 0, &s, NULL);
    CHECK_EQ_I64(s.plan_hits, 2 * LAYERS * 2 + 2 * LAYERS * 2); /* prologue, step, then two more */
    CHECK_EQ_I64(s.plan_misses, 0);
    CHECK_EQ_I64(bad, 0);
    CHECK(mc_cache_clear_plan(cache, 0, NULL) == MC_OK);
    CHECK_EQ_I64(mc_cache_destroy(cache), 0);
    free(p.rows);
    free(p.offsets);
}

int main(void)
{
    parse_errors();
    check_and_place_random();
    plan_from_trace();
    looped_plan();
    return mc_test_finish("cache_plan");
}
