/* The first phase of auto: every (order, fit rule) recipe, most promising
 * first, split over one or two lanes (threads), each with its own engine.
 * Lane 0 writes straight into the run's best; lane 1 into its own arrays,
 * merged after the join. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "heuristics/auto_internal.h"
#include "heuristics/place.h"

/* On dense graphs one pass takes about a second, so under a short budget
 * only the first few recipes run. */
static const struct recipe {
    mc_order_kind order;
    mc_fit fit;
} recipes[] = {
    {MC_ORDER_CONFLICTS, MC_FIT_BEST}, {MC_ORDER_SIZE, MC_FIT_BEST},      {MC_ORDER_SIZE, MC_FIT_FIRST},
    {MC_ORDER_LIFETIME, MC_FIT_BEST},  {MC_ORDER_AREA, MC_FIT_BEST},      {MC_ORDER_START, MC_FIT_BEST},
    {MC_ORDER_CONFLICTS, MC_FIT_FIRST}, {MC_ORDER_LIFETIME, MC_FIT_FIRST}, {MC_ORDER_AREA, MC_FIT_FIRST},
};
enum { RECIPE_COUNT = sizeof recipes / sizeof recipes[0] };

typedef struct lane {
    auto_run *run;
    size_t first, step;
    int64_t height;
    int64_t *offsets;
    int32_t *order, *scratch;
    uint64_t nodes;
    atomic_int *done;        /* set by a lane that found an answer */
    mc_status status;
    mc_error err;
} lane;

static bool lane_finished(const lane *l)
{
    const auto_run *r = l->run;
    return atomic_load(l->done) || l->height <= r->lower_bound || (!r->opt->minimize && l->height <= r->capacity);
}

static void keep_if_better(lane *l, const mc_engine *e, int64_t height)
{
    if (height >= l->height) return;
    l->height = height;
    mc_place_copy(e, l->offsets);
    memcpy(l->order, l->scratch, l->run->n * sizeof(int32_t));
}

/* Between passes, lane 0 only (each pass can take a second). */
static void report_progress(lane *l)
{
    auto_run *r = l->run;
    double t = mc_clock_seconds();
    if (l->first != 0 || !r->opt->on_progress || r->opt->progress_interval <= 0 || t < r->next_progress) return;
    r->next_progress = t + r->opt->progress_interval;
    mc_progress p = {t - r->start, r->nodes + l->nodes, l->height, r->lower_bound};
    r->opt->on_progress(&p, r->opt->context);
}

static mc_status run_recipes(lane *l, mc_engine *e, double *pass)
{
    auto_run *r = l->run;
    for (size_t k = l->first; k < RECIPE_COUNT; k += l->step) {
        /* The first pass always runs (auto must answer); later ones only
         * while one more pass still fits in the budget. */
        double t0 = mc_clock_seconds();
        if (k > l->first && (lane_finished(l) || mc_auto_stop_requested(r) || t0 + *pass >= r->deadline)) break;
        int64_t h;
        mc_status st = mc_place_recipe(e, recipes[k].order, recipes[k].fit, l->scratch, &h, &l->err);
        if (st != MC_OK) return st;
        double took = mc_clock_seconds() - t0;
        if (took > *pass) *pass = took;
        l->nodes += r->n;
        keep_if_better(l, e, h);
        if (lane_finished(l)) atomic_store(l->done, 1);
        report_progress(l);
    }
    return MC_OK;
}

static void *lane_main(void *arg)
{
    lane *l = arg;
    auto_run *r = l->run;
    mc_engine e;
    double pass = 0;
    l->status = mc_engine_init(&e, r->problem, &l->err);
    if (l->status != MC_OK) return NULL;
    l->status = run_recipes(l, &e, &pass);
    if (l->first == 0) r->pass_seconds = pass;
    mc_engine_free(&e);
    return NULL;
}

static bool lane_alloc(lane *l, bool own_best)
{
    size_t n = l->run->n + 1;
    l->scratch = malloc(n * sizeof(int32_t));
    if (own_best) {
        l->offsets = malloc(n * sizeof(int64_t));
        l->order = malloc(n * sizeof(int32_t));
    }
    return l->scratch && l->offsets && l->order;
}

mc_status mc_auto_climb(auto_run *r, mc_error *err)
{
    /* TVM's climb costs dozens of passes: only when they fit. */
    if (mc_auto_finished(r) || mc_auto_stop_requested(r) ||
        mc_clock_seconds() + 65 * r->pass_seconds >= r->deadline)
        return MC_OK;
    mc_engine e;
    mc_status st = mc_engine_init(&e, r->problem, err);
    if (st != MC_OK) return st;
    int32_t *order = malloc((r->n + 1) * sizeof(int32_t));
    int64_t h;
    if (!order) st = mc_error_set(err, MC_ERR_NOMEM, "out of memory for the climb");
    else st = mc_place_method(&e, MC_METHOD_CONFLICT_GREEDY, order, &h, err);
    if (st == MC_OK && h < r->best_height) {
        r->best_height = h;
        mc_place_copy(&e, r->best);
        memcpy(r->best_order, order, r->n * sizeof(int32_t));
    }
    free(order);
    mc_engine_free(&e);
    return st;
}

mc_status mc_auto_portfolio(auto_run *r, unsigned threads, mc_error *err)
{
    atomic_int done;
    atomic_init(&done, 0);
    size_t lanes = threads > 1 ? 2 : 1;
    lane l[2];
    memset(l, 0, sizeof l);
    for (size_t k = 0; k < 2; ++k)
        l[k] = (lane){r, k, lanes, INT64_MAX, k ? NULL : r->best, k ? NULL : r->best_order, NULL, 0, &done,
                      MC_OK, {MC_OK, ""}};
    bool ok = lane_alloc(&l[0], false) && (lanes == 1 || lane_alloc(&l[1], true));
    pthread_t thread;
    /* Without a second thread lane 0 simply runs every recipe. */
    bool second = ok && lanes == 2 && pthread_create(&thread, NULL, lane_main, &l[1]) == 0;
    if (ok && !second) l[0].step = 1;
    if (ok) lane_main(&l[0]);
    if (second) pthread_join(thread, NULL);
    mc_status st = ok ? MC_OK : mc_error_set(err, MC_ERR_NOMEM, "out of memory for the portfolio");
    for (size_t k = 0; k < 2 && st == MC_OK; ++k)
        if (l[k].status != MC_OK) st = mc_error_set(err, l[k].status, "%s", l[k].err.message);
    if (st == MC_OK) {
        r->best_height = l[0].height;
        if (second && l[1].height < r->best_height) {
            r->best_height = l[1].height;
            memcpy(r->best, l[1].offsets, r->n * sizeof(int64_t));
            memcpy(r->best_order, l[1].order, r->n * sizeof(int32_t));
        }
    }
    r->nodes += l[0].nodes + l[1].nodes;
    for (size_t k = 0; k < 2; ++k) free(l[k].scratch);
    free(l[1].offsets);
    free(l[1].order);
    return st;
}
