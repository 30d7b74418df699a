/* The solve driver: decision by round-robin over static preorders with
 * growing node budgets (a preorder that suits the instance finishes early;
 * a complete answer from any of them settles the question), minimization
 * by bracketing the height between proven lower and found upper bounds. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "common/clock.h"
#include "planner/exhaustive.h"
#include "planner/model.h"
#include "planner/search.h"

#define MC_PREORDERS_MAX 16
#define MC_DEFAULT_PREORDERS "WAT,TAW,TWA"

void mc_solve_options_init(mc_solve_options *o)
{
    memset(o, 0, sizeof *o);
    o->progress_interval = 1.0;
}

typedef struct driver {
    const mc_problem *problem;
    const mc_solve_options *options;
    mc_model model;
    mc_preorder preorders[MC_PREORDERS_MAX];
    size_t preorder_count;
    double start, deadline, next_progress;
    uint64_t nodes;
    bool stopped_by_user;
    int64_t best_height, lower_bound;
    int64_t grain;    /* heights worth trying are multiples of it */
    int64_t floor_height; /* from buffers outside the search (nothing to overlap) */
    int64_t *scratch; /* per search index */
    int64_t *best;    /* per search index: best layout so far */
} driver;

static mc_status parse_preorders(driver *d, const char *spec, mc_error *err)
{
    if (!spec) spec = MC_DEFAULT_PREORDERS;
    d->preorder_count = 0;
    const char *p = spec;
    while (*p) {
        size_t length = strcspn(p, ",");
        if (length == 0 || length > MC_PREORDER_KEYS_MAX)
            return mc_error_set(err, MC_ERR_INVALID, "preorders: expected 1 to %d keys per entry in '%s'",
                                MC_PREORDER_KEYS_MAX, spec);
        if (d->preorder_count == MC_PREORDERS_MAX)
            return mc_error_set(err, MC_ERR_INVALID, "preorders: at most %d entries", MC_PREORDERS_MAX);
        for (size_t i = 0; i < length; ++i)
            if (!strchr("WAZTLUOC", p[i]))
                return mc_error_set(err, MC_ERR_INVALID,
                                    "preorders: unknown key '%c' in '%s' (expected letters of WAZTLUOC)", p[i], spec);
        memcpy(d->preorders[d->preorder_count].keys, p, length);
        d->preorders[d->preorder_count++].keys[length] = '\0';
        p += length;
        if (*p == ',') ++p;
    }
    if (d->preorder_count == 0) return mc_error_set(err, MC_ERR_INVALID, "preorders: empty list");
    return MC_OK;
}

static bool past_deadline(const driver *d, double now)
{
    return d->deadline > 0 && now > d->deadline;
}

/* Called every 1024 nodes: deadline, cancellation and progress. */
static bool tick(void *context)
{
    driver *d = context;
    double now = mc_clock_seconds();
    const mc_solve_options *o = d->options;
    if (o->on_progress && o->progress_interval > 0 && now >= d->next_progress) {
        mc_progress p = {now - d->start, d->nodes, d->best_height, d->lower_bound};
        o->on_progress(&p, o->context);
        d->next_progress = now + o->progress_interval;
    }
    if (past_deadline(d, now)) return true;
    if (o->should_stop && o->should_stop(o->context)) {
        d->stopped_by_user = true;
        return true;
    }
    return false;
}

static int64_t layout_height(const driver *d, const int64_t *offsets)
{
    int64_t height = d->floor_height;
    for (int32_t b = 0; b < d->model.count; ++b)
        if (offsets[b] + d->model.size[b] > height) height = offsets[b] + d->model.size[b];
    return height;
}

/* Decides one capacity: round-robin over preorders, node budgets doubling
 * from the buffer count, until one preorder finishes. The user's node
 * limit, and `max_nodes` for this call if not 0, cap the whole. */
static mc_search_result decide(driver *d, int64_t capacity, uint64_t max_nodes)
{
    uint64_t budget = d->model.count > 0 ? (uint64_t)d->model.count : 1;
    uint64_t user_limit = d->options->node_limit;
    if (max_nodes && (!user_limit || d->nodes + max_nodes < user_limit)) user_limit = d->nodes + max_nodes;
    for (;;) {
        budget = budget > UINT64_MAX / 2 ? UINT64_MAX : budget * 2;
        for (size_t i = 0; i < d->preorder_count; ++i) {
            uint64_t this_budget = budget;
            if (user_limit) {
                if (d->nodes >= user_limit) return MC_SEARCH_ABORTED;
                if (user_limit - d->nodes < this_budget) this_budget = user_limit - d->nodes;
            }
            mc_search_limits limits = {this_budget, tick, d, &d->nodes};
            mc_search_result r = mc_search(&d->model, capacity, &d->preorders[i], &limits, d->scratch);
            if (r == MC_SEARCH_EXHAUSTED && !d->model.canonical_complete)
                r = mc_exhaustive_search(&d->model, capacity, &limits, d->scratch);
            if (r != MC_SEARCH_ABORTED) return r;
            if (user_limit && d->nodes >= user_limit) return MC_SEARCH_ABORTED;
        }
    }
}

static void keep_best(driver *d)
{
    int64_t h = layout_height(d, d->scratch);
    if (d->best_height < 0 || h < d->best_height) {
        d->best_height = h;
        memcpy(d->best, d->scratch, (size_t)d->model.count * sizeof(int64_t));
    }
}

/* If every size, fixed offset and window bound is a multiple of g and
 * every alignment divides g, every canonical offset (an aligned sum of
 * sizes and window differences) is a multiple of g, and so is the height
 * of some optimal layout: heights can be rounded to the grain. When windows
 * let buffers interleave (the canonical search is not complete) offsets
 * come from plain enumeration and nothing is assumed. Returns 1 when there
 * is no such structure. */
static int64_t height_grain(const mc_model *m)
{
    if (!m->canonical_complete) return 1;
    int64_t g = 0;
    for (int32_t b = 0; b < m->count; ++b) {
        g = mc_gcd_i64(g, m->size[b]);
        if (m->fixed_offset[b] > 0) g = mc_gcd_i64(g, m->fixed_offset[b]);
        for (int32_t k = m->span_start[b]; k < m->span_start[b + 1]; ++k)
            g = mc_gcd_i64(mc_gcd_i64(g, m->spans[k].window_lower), m->spans[k].window_upper);
    }
    for (int32_t b = 0; b < m->count && g > 1; ++b)
        if (g % m->alignment[b] != 0) g = 1;
    return g > 0 ? g : 1;
}

/* Where a buffer sits when nothing pushes it: its fixed offset, or 0. */
static int64_t resting_offset(const mc_buffer *b)
{
    return b->fixed_offset >= 0 ? b->fixed_offset : 0;
}

/* Every buffer's top is at least its resting offset plus its size, and
 * exactly that for the buffers the search never sees (size 0, or nothing
 * occupied at any time). */
static int64_t outside_height(const mc_problem *p)
{
    int64_t height = 0;
    for (size_t i = 0; i < p->count; ++i) {
        int64_t top = resting_offset(&p->buffers[i]) + p->buffers[i].size; /* checked against capacity */
        if (top > height) height = top;
    }
    return height;
}

/* The largest lower bound we can state without search: LOAD rounded up to
 * the grain (the searched part of some optimal layout has a height on it),
 * and every buffer's resting top (on the grain already when it is > 1). */
static int64_t static_lower_bound(const driver *d, int64_t load)
{
    int64_t lb = load, rem = lb % d->grain;
    if (rem && lb <= INT64_MAX - (d->grain - rem)) lb += d->grain - rem;
    return lb > d->floor_height ? lb : d->floor_height;
}

/* True when the user's limits (deadline, node limit, cancellation) have
 * ended the solve, as opposed to one probe's budget. */
static bool limits_reached(const driver *d)
{
    if (d->stopped_by_user) return true;
    if (d->options->node_limit && d->nodes >= d->options->node_limit) return true;
    return past_deadline(d, mc_clock_seconds());
}

/* Asks one capacity within a node budget and narrows the bracket by the
 * answer. Returns true when the bracket moved. */
static bool probe(driver *d, int64_t capacity, uint64_t budget, mc_search_result *r)
{
    *r = decide(d, capacity, budget);
    if (*r == MC_SEARCH_FOUND) keep_best(d);
    else if (*r == MC_SEARCH_EXHAUSTED && capacity + d->grain > d->lower_bound)
        d->lower_bound = capacity + d->grain;
    return *r == MC_SEARCH_FOUND || *r == MC_SEARCH_EXHAUSTED;
}

/* One round of the descent at one budget: best - grain, then a ladder
 * best - 2, 4, 8, ... grains down to the lower bound. The ladder is there
 * because how hard a capacity is to fit does not fall steadily as it
 * grows: on D of the challenging set, 1036288 fits in 3 s and 1028096 in
 * 7 s while 1037312 is still open after 30. Returns true when the bracket
 * moved; *r is the last answer. */
static bool descend_once(driver *d, uint64_t budget, mc_search_result *r)
{
    for (int64_t step = d->grain;; step = step > INT64_MAX / 2 ? INT64_MAX : step * 2) {
        int64_t capacity = d->best_height - d->lower_bound > step ? d->best_height - step : d->lower_bound;
        if (probe(d, capacity, budget, r)) return true;
        if (*r != MC_SEARCH_ABORTED || limits_reached(d) || capacity == d->lower_bound) return false;
    }
}

/* Narrows [lower_bound, best_height] to a point. A short try at the lower
 * bound first (most instances are tight); then rounds of descent with a
 * node budget per probe that doubles only while no probe of a round moves
 * the bracket. The proof that best - grain does not fit, the one hard
 * question, is asked with the largest budget; the ladder below it costs a
 * logarithmic factor. */
static mc_search_result minimize(driver *d)
{
    const uint64_t first_budget = 64 * (uint64_t)d->model.count + 1024;
    mc_search_result r;
    if (d->lower_bound < d->best_height && !probe(d, d->lower_bound, first_budget, &r) &&
        r != MC_SEARCH_ABORTED)
        return r;
    uint64_t budget = first_budget;
    while (d->lower_bound < d->best_height) {
        if (descend_once(d, budget, &r)) {
            budget = first_budget;
            continue;
        }
        if (r != MC_SEARCH_ABORTED || limits_reached(d)) return r;
        budget = budget > UINT64_MAX / 2 ? UINT64_MAX : budget * 2;
    }
    return MC_SEARCH_FOUND;
}

static void finish_report(driver *d, mc_search_result r, mc_report *rep)
{
    rep->nodes = d->nodes;
    rep->seconds = mc_clock_seconds() - d->start;
    rep->height = d->best_height;
    rep->lower_bound = d->lower_bound;
    rep->reason[0] = '\0';
    if (d->best_height >= 0) {
        rep->outcome = MC_OUTCOME_SOLVED;
        rep->proven_optimal = d->best_height <= d->lower_bound;
        if (r == MC_SEARCH_STOPPED || r == MC_SEARCH_ABORTED)
            snprintf(rep->reason, sizeof rep->reason, "%s before the optimum was proven",
                     d->stopped_by_user ? "cancelled" : r == MC_SEARCH_ABORTED ? "node limit reached" : "timed out");
        return;
    }
    rep->proven_optimal = false;
    if (r == MC_SEARCH_EXHAUSTED) {
        rep->outcome = MC_OUTCOME_INFEASIBLE;
        snprintf(rep->reason, sizeof rep->reason, "infeasible: the search was exhausted (LOAD %" PRId64 ")",
                 rep->load);
    } else if (d->stopped_by_user) {
        rep->outcome = MC_OUTCOME_CANCELLED;
        snprintf(rep->reason, sizeof rep->reason, "cancelled after %" PRIu64 " nodes", d->nodes);
    } else {
        rep->outcome = MC_OUTCOME_TIMEOUT;
        snprintf(rep->reason, sizeof rep->reason, "%s after %" PRIu64 " nodes without a layout",
                 r == MC_SEARCH_ABORTED ? "node limit reached" : "timed out", d->nodes);
    }
}

static void write_offsets(const driver *d, int64_t *offsets)
{
    const mc_problem *p = d->problem;
    /* Buffers that occupy nothing conflict with nothing: they rest. */
    for (size_t i = 0; i < p->count; ++i) offsets[i] = resting_offset(&p->buffers[i]);
    for (int32_t b = 0; b < d->model.count; ++b) offsets[d->model.problem_index[b]] = d->best[b];
}

mc_status mc_solve(const mc_problem *problem, const mc_solve_options *options, int64_t *offsets, mc_report *report,
                   mc_error *err)
{
    mc_report local;
    mc_report *rep = report ? report : &local;
    memset(rep, 0, sizeof *rep);
    rep->height = -1;
    driver d = {.problem = problem, .options = options, .best_height = -1};
    d.start = mc_clock_seconds();
    d.deadline = options->timeout_seconds > 0 ? d.start + options->timeout_seconds : 0;
    d.next_progress = d.start + options->progress_interval;
    mc_status status = parse_preorders(&d, options->preorders, err);
    if (status != MC_OK) return status;
    mc_error capacity_err;
    status = mc_problem_check_capacity(problem, options->capacity, &capacity_err);
    if (status == MC_ERR_INFEASIBLE) { /* a buffer larger than memory: a proof, not an input error */
        rep->outcome = MC_OUTCOME_INFEASIBLE;
        rep->load = mc_problem_load(problem);
        snprintf(rep->reason, sizeof rep->reason, "infeasible: %.140s", capacity_err.message);
        return MC_OK;
    }
    if (status != MC_OK) return mc_error_set(err, status, "%s", capacity_err.message);
    status = mc_model_build(problem, &d.model, err);
    if (status != MC_OK) return status;
    rep->load = mc_problem_load(problem);
    d.scratch = malloc(((size_t)d.model.count + 1) * sizeof(int64_t));
    d.best = malloc(((size_t)d.model.count + 1) * sizeof(int64_t));
    if (!d.scratch || !d.best || rep->load < 0) {
        status = mc_error_set(err, MC_ERR_NOMEM, "out of memory solving %zu buffers", problem->count);
        goto done;
    }
    d.grain = height_grain(&d.model);
    d.floor_height = outside_height(problem);
    d.lower_bound = static_lower_bound(&d, rep->load);
    mc_search_result r = MC_SEARCH_EXHAUSTED;
    if (d.lower_bound <= options->capacity) {
        r = decide(&d, options->capacity, 0);
        if (r == MC_SEARCH_FOUND) keep_best(&d);
        if (r == MC_SEARCH_FOUND && options->minimize) r = minimize(&d);
    }
    if (r == MC_SEARCH_NOMEM) {
        status = mc_error_set(err, MC_ERR_NOMEM, "out of memory during the search");
        goto done;
    }
    if (d.best_height >= 0) write_offsets(&d, offsets);
    finish_report(&d, r, rep);
done:
    mc_model_free(&d.model);
    free(d.scratch);
    free(d.best);
    return status;
}
