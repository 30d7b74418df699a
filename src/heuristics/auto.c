/* mc_solve_auto: the anytime portfolio. Heuristics give a layout within
 * milliseconds; a short exact attempt proves small problems; local search
 * spends the rest of the budget. The best layout found is always returned. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "heuristics/auto_internal.h"
#include "memcarve/heuristics.h"

static int64_t trivial_bound(const mc_problem *p, int64_t load)
{
    int64_t lb = load;
    for (size_t i = 0; i < mc_problem_count(p); ++i) {
        const mc_buffer *b = mc_problem_buffer(p, i);
        int64_t top = b->size;
        /* An overflowing fixed end cannot fit anywhere; the portfolio reports it. */
        if (b->fixed_offset != MC_NO_OFFSET && __builtin_add_overflow(top, b->fixed_offset, &top)) top = INT64_MAX;
        if (top > lb) lb = top;
    }
    return lb;
}

bool mc_auto_stop_requested(const auto_run *r)
{
    return r->opt->should_stop && r->opt->should_stop(r->opt->context);
}

bool mc_auto_finished(const auto_run *r)
{
    if (r->best_height <= r->lower_bound || r->exact_infeasible || r->lower_bound > r->capacity) return true;
    return !r->opt->minimize && r->best_height <= r->capacity;
}

/* ------------------------------------------------------------------ exact */

typedef struct exact_context {
    auto_run *run;
} exact_context;

static bool exact_should_stop(void *context)
{
    return mc_auto_stop_requested(((exact_context *)context)->run);
}

static void exact_progress(const mc_progress *p, void *context)
{
    auto_run *r = ((exact_context *)context)->run;
    mc_progress q = *p;
    q.seconds = mc_clock_seconds() - r->start;
    q.nodes += r->nodes;
    if (q.best_height < 0 || q.best_height > r->best_height) q.best_height = r->best_height;
    if (q.lower_bound < r->lower_bound) q.lower_bound = r->lower_bound;
    r->opt->on_progress(&q, r->opt->context);
}

/* Asks the exact solver for a layout below the best height (at most the
 * capacity). Its answer either improves the layout, proves the best one
 * optimal, or proves that nothing fits. */
static mc_status exact_phase(auto_run *r, double seconds, mc_error *err)
{
    int64_t below = r->best_height - 1 < r->capacity ? r->best_height - 1 : r->capacity;
    if (below < r->lower_bound) return MC_OK;
    int64_t *offsets = malloc((r->n + 1) * sizeof(int64_t));
    if (!offsets) return mc_error_set(err, MC_ERR_NOMEM, "out of memory for the exact phase");
    exact_context ctx = {r};
    mc_solve_options o = *r->opt;
    o.capacity = below;
    o.timeout_seconds = seconds;
    o.should_stop = exact_should_stop;
    o.on_progress = r->opt->on_progress ? exact_progress : NULL;
    o.context = &ctx;
    mc_report rep;
    mc_error exact_err;
    mc_status st = mc_solve(r->problem, &o, offsets, &rep, &exact_err);
    if (st == MC_OK) {
        r->nodes += rep.nodes;
        if (rep.outcome == MC_OUTCOME_SOLVED && rep.height < r->best_height) {
            r->best_height = rep.height;
            memcpy(r->best, offsets, r->n * sizeof(int64_t));
            if (o.minimize && rep.proven_optimal) r->lower_bound = rep.height;
        } else if (rep.outcome == MC_OUTCOME_INFEASIBLE) {
            r->lower_bound = below + 1;
            if (below == r->capacity) r->exact_infeasible = true;
        } else if (rep.lower_bound > r->lower_bound) {
            r->lower_bound = rep.lower_bound;
        }
        if (rep.outcome == MC_OUTCOME_CANCELLED) r->cancelled = true;
    }
    /* The exact solver may refuse shapes it does not support: the heuristic
     * answer stands, so its error is not ours. */
    free(offsets);
    return st == MC_ERR_NOMEM ? mc_error_set(err, st, "%s", exact_err.message) : MC_OK;
}

/* ------------------------------------------------------------ local search */

typedef struct worker {
    auto_run *run;
    const int32_t *order;
    uint64_t seed;
    mc_status status;
    mc_error err;
    pthread_t thread;
} worker;

static void search_progress(void *context)
{
    auto_run *r = context;
    mc_improve_shared *s = r->shared;
    mc_progress p = {mc_clock_seconds() - r->start, r->nodes, 0, r->lower_bound};
    if (s->lock) pthread_mutex_lock(s->lock);
    p.best_height = s->best_height;
    p.nodes += s->moves;
    if (s->lock) pthread_mutex_unlock(s->lock);
    r->opt->on_progress(&p, r->opt->context);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    auto_run *r = w->run;
    mc_engine e;
    w->status = mc_engine_init(&e, r->problem, &w->err);
    if (w->status == MC_OK) {
        bool reports = r->opt->on_progress && w->seed == 1;
        w->status = mc_improve(&e, w->order, w->seed, r->shared, reports ? search_progress : NULL, r,
                               r->opt->progress_interval, &w->err);
        mc_engine_free(&e);
    }
    atomic_store(&r->shared->stop, 1); /* one worker failing or finishing early ends both */
    return NULL;
}

static mc_status search_phase(auto_run *r, unsigned threads, mc_error *err)
{
    pthread_mutex_t mutex;
    mc_improve_shared s = {NULL, r->best_height, r->best, r->lower_bound, r->deadline, 0,
                           r->opt->should_stop, r->opt->context, 0, 0};
    if (r->opt->timeout_seconds <= 0) s.stall_seconds = AUTO_STALL_SECONDS;
    if (!r->opt->minimize) s.lower_bound = r->capacity; /* any fitting layout answers */
    if (s.lower_bound < r->lower_bound) s.lower_bound = r->lower_bound;
    r->shared = &s;
    worker w[2];
    memset(w, 0, sizeof w);
    for (int k = 0; k < 2; ++k) {
        w[k].run = r;
        w[k].order = r->best_order;
        w[k].seed = (uint64_t)k + 1;
    }
    bool locked = threads > 1 && pthread_mutex_init(&mutex, NULL) == 0;
    if (locked) s.lock = &mutex;
    /* Without a second thread the search is simply single-threaded. */
    bool second = locked && pthread_create(&w[1].thread, NULL, worker_main, &w[1]) == 0;
    worker_main(&w[0]);
    if (second) pthread_join(w[1].thread, NULL);
    if (locked) pthread_mutex_destroy(&mutex);
    r->shared = NULL;
    r->nodes += s.moves;
    r->best_height = s.best_height;
    if (mc_auto_stop_requested(r)) r->cancelled = true;
    for (int k = 0; k < 2; ++k)
        if (w[k].status != MC_OK) return mc_error_set(err, w[k].status, "%s", w[k].err.message);
    return MC_OK;
}

/* --------------------------------------------------------------- driving */

static void fill_report(const auto_run *r, mc_report *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->height = r->best_height;
    rep->load = r->load;
    rep->lower_bound = r->lower_bound < r->best_height ? r->lower_bound : r->best_height;
    rep->nodes = r->nodes;
    rep->seconds = mc_clock_seconds() - r->start;
    bool fits = r->best_height <= r->capacity;
    if (fits) {
        rep->outcome = MC_OUTCOME_SOLVED;
        /* In decision mode the outcome answers the question; "proven optimal"
         * still means what it means in minimize mode, never just "fits". */
        rep->proven_optimal = r->best_height <= r->lower_bound;
        if (!rep->proven_optimal && r->opt->minimize)
            snprintf(rep->reason, sizeof rep->reason, "best height %" PRId64 " is %.2f%% above the lower bound %" PRId64,
                     r->best_height, 100.0 * (double)(r->best_height - rep->lower_bound) / (double)rep->lower_bound,
                     rep->lower_bound);
        return;
    }
    rep->lower_bound = r->lower_bound;
    if (r->exact_infeasible || r->lower_bound > r->capacity) {
        rep->outcome = MC_OUTCOME_INFEASIBLE;
        snprintf(rep->reason, sizeof rep->reason,
                 "does not fit: proven that no layout fits %" PRId64 " (lower bound %" PRId64 "); best height %" PRId64,
                 r->capacity, r->lower_bound, r->best_height);
    } else {
        rep->outcome = r->cancelled ? MC_OUTCOME_CANCELLED : MC_OUTCOME_TIMEOUT;
        snprintf(rep->reason, sizeof rep->reason, "does not fit: best height %" PRId64 " > capacity %" PRId64 " (%s)",
                 r->best_height, r->capacity, r->cancelled ? "cancelled" : "time budget spent");
    }
}

/* The exact attempt gets a slice of the budget sized to its chances: big
 * problems rarely finish, so they keep most of the time for local search. */
static double exact_slice(const auto_run *r)
{
    double left = r->deadline - mc_clock_seconds();
    double share = r->n <= 5000 ? 0.7 : 0.1;
    double slice = left * share;
    if (r->opt->timeout_seconds <= 0) slice = r->n <= 5000 ? 5.0 : 1.0;
    return slice > 0.01 ? slice : 0.01;
}

static mc_status drive(auto_run *r, unsigned threads, mc_error *err)
{
    mc_status st = mc_auto_portfolio(r, threads, err);
    if (st != MC_OK) return st;
    if (!mc_auto_finished(r) && !mc_auto_stop_requested(r)) st = exact_phase(r, exact_slice(r), err);
    if (st == MC_OK) st = mc_auto_climb(r, err);
    if (st == MC_OK && !mc_auto_finished(r) && !mc_auto_stop_requested(r) && !r->cancelled)
        st = search_phase(r, threads, err);
    if (mc_auto_stop_requested(r)) r->cancelled = true;
    return st;
}

mc_status mc_solve_auto(const mc_problem *problem, const mc_solve_options *options, unsigned threads,
                        int64_t *offsets, mc_report *report, mc_error *err)
{
    if (!problem || !options || !offsets || !report)
        return mc_error_set(err, MC_ERR_INVALID, "mc_solve_auto: problem, options, offsets and report are required");
    if (options->capacity <= 0)
        return mc_error_set(err, MC_ERR_INVALID, "capacity: expected a positive integer, got %" PRId64,
                            options->capacity);
    if (threads < 1 || threads > 2)
        return mc_error_set(err, MC_ERR_INVALID, "threads: expected 1 or 2, got %u", threads);
    size_t n = mc_problem_count(problem);
    auto_run r = {.problem = problem,
                  .opt = options,
                  .n = n,
                  .start = mc_clock_seconds(),
                  .capacity = options->capacity,
                  .best_height = INT64_MAX,
                  .best = offsets,
                  .best_order = malloc((n + 1) * sizeof(int32_t))};
    r.next_progress = r.start + options->progress_interval;
    if (!r.best_order) return mc_error_set(err, MC_ERR_NOMEM, "out of memory for %zu buffers", n);
    double budget = options->timeout_seconds > 0 ? options->timeout_seconds : AUTO_DEFAULT_BUDGET;
    r.deadline = r.start + budget;
    r.load = mc_problem_load(problem);
    r.lower_bound = trivial_bound(problem, r.load);
    mc_status st = drive(&r, threads, err);
    free(r.best_order);
    if (st != MC_OK) return st;
    fill_report(&r, report);
    return MC_OK;
}
