/* Barrier insertion: the fewest extra barriers that make a sync-aware
 * layout fit. Adding barriers only shortens sync-aware lifetimes, so the set
 * of every candidate is the best any insertion can do: it is tried first and
 * settles infeasibility. Small candidate sets are searched exhaustively by
 * increasing size; LOAD > capacity rejects a subset without the planner,
 * which keeps most of that search cheap. Larger ones get a greedy guided by
 * LOAD followed by a pruning pass. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_internal.h"

enum { DEFAULT_EXACT_LIMIT = 12 };
/* Exhaustive search builds 2^c sync-aware problems of n buffers each. */
#define EXHAUSTIVE_WORK_LIMIT (UINT64_C(1) << 24)

typedef enum verdict { FITS, NO_BY_LOAD, NO_BY_PLANNER, UNKNOWN } verdict;

typedef struct insert_state {
    const mc_problem *problem;
    const mc_barriers *given;
    int64_t capacity;
    const mc_sync_planner *planner;
    int64_t *candidates;
    size_t candidate_count;
    int64_t *set;               /* the subset being tried */
    size_t set_count;
    int64_t *offsets, *trial;   /* the best layout so far; planner scratch */
    mc_insert_report report;
    mc_error *err;
} insert_state;

/* The sync-aware problem under given ∪ set; its LOAD in *load. */
static mc_status extended_load(insert_state *st, const int64_t *set, size_t count, mc_barriers *bars,
                               mc_problem **ext, int64_t *load)
{
    mc_status status = mc_sync_union(st->given, set, count, bars, st->err);
    if (status == MC_OK) status = mc_sync_extend(st->problem, bars, ext, st->err);
    if (status == MC_OK && (*load = mc_problem_load(*ext)) < 0)
        status = mc_error_set(st->err, MC_ERR_NOMEM, "out of memory computing LOAD");
    return status;
}

static mc_status judge(insert_state *st, verdict *v)
{
    mc_barriers bars = {NULL, 0};
    mc_problem *ext = NULL;
    int64_t load = 0, height = 0;
    mc_status status = extended_load(st, st->set, st->set_count, &bars, &ext, &load);
    *v = NO_BY_LOAD;
    if (status == MC_OK && load <= st->capacity) {
        mc_error planner_err;
        mc_error_clear(&planner_err);
        ++st->report.planner_calls;
        status = st->planner->plan(st->problem, ext, &bars, st->capacity, st->trial, &height, st->planner->context,
                                   &planner_err);
        *v = status == MC_OK ? FITS : status == MC_ERR_INFEASIBLE ? NO_BY_PLANNER : UNKNOWN;
        if (status == MC_ERR_INFEASIBLE || status == MC_ERR_TIMEOUT) status = MC_OK;
        else if (status != MC_OK && st->err) *st->err = planner_err;
    }
    if (status == MC_OK && *v == FITS) {
        memcpy(st->offsets, st->trial, mc_problem_count(st->problem) * sizeof(int64_t));
        st->report.height = height;
    }
    mc_problem_destroy(ext);
    mc_barriers_free(&bars);
    return status;
}

/* Useful positions: p = lower - 1 >= 0 for some buffer, not already a
 * barrier, with some buffer whose last read precedes p and no existing
 * barrier between the latest such read and p (that barrier would already
 * do everything p can). */
static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static mc_status find_candidates(insert_state *st)
{
    size_t n = mc_problem_count(st->problem);
    int64_t *uppers = malloc((n + 1) * sizeof(int64_t));
    st->candidates = malloc((n + 1) * sizeof(int64_t));
    if (!uppers || !st->candidates) {
        free(uppers);
        return mc_error_set(st->err, MC_ERR_NOMEM, "out of memory for %zu candidate barriers", n);
    }
    for (size_t i = 0; i < n; ++i) {
        uppers[i] = mc_problem_buffer(st->problem, i)->upper;
        st->candidates[i] = mc_problem_buffer(st->problem, i)->lower - 1;
    }
    qsort(uppers, n, sizeof(int64_t), compare_i64);
    qsort(st->candidates, n, sizeof(int64_t), compare_i64);
    mc_barriers sorted_uppers = {uppers, n};
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
        int64_t p = st->candidates[i];
        if (p < 0 || (kept && st->candidates[kept - 1] == p)) continue;
        size_t after = mc_sync_first_at_or_after(&sorted_uppers, p + 1);
        if (after == 0 || mc_sync_any_in(st->given, uppers[after - 1], p)) continue;
        st->candidates[kept++] = p;
    }
    free(uppers);
    st->candidate_count = st->report.candidates = kept;
    return MC_OK;
}

/* ------------------------------------------------------------ exhaustive */

/* Tries every subset of `size` candidates in lexicographic order until one
 * fits. *doubt is set when some subset was refused without proof. */
static mc_status try_size(insert_state *st, size_t size, size_t *index, verdict *v, bool *doubt)
{
    for (size_t k = 0; k < size; ++k) index[k] = k;
    st->set_count = size;
    for (;;) {
        for (size_t k = 0; k < size; ++k) st->set[k] = st->candidates[index[k]];
        mc_status status = judge(st, v);
        if (status != MC_OK || *v == FITS) return status;
        if (*v == UNKNOWN || (*v == NO_BY_PLANNER && !st->planner->exact)) *doubt = true;
        size_t k = size;
        while (k > 0 && index[k - 1] == st->candidate_count - size + k - 1) --k;
        if (k == 0) return MC_OK;
        ++index[k - 1];
        for (size_t j = k; j < size; ++j) index[j] = index[j - 1] + 1;
    }
}

static mc_status exhaustive(insert_state *st)
{
    size_t *index = malloc((st->candidate_count + 1) * sizeof(size_t));
    if (!index) return mc_error_set(st->err, MC_ERR_NOMEM, "out of memory for the subset search");
    bool doubt = false;
    verdict v = UNKNOWN;
    mc_status status = MC_OK;
    for (size_t size = 0; status == MC_OK && size <= st->candidate_count; ++size) {
        status = try_size(st, size, index, &v, &doubt);
        if (status == MC_OK && v == FITS) {
            st->report.fewest_proven = !doubt;
            break;
        }
    }
    free(index);
    return status;
}

/* ---------------------------------------------------------------- greedy */

/* Adds the unused candidate whose addition gives the lowest LOAD. */
static mc_status add_best(insert_state *st)
{
    size_t best = SIZE_MAX;
    int64_t best_load = INT64_MAX;
    for (size_t c = 0; c < st->candidate_count; ++c) {
        bool used = false;
        for (size_t k = 0; k < st->set_count && !used; ++k) used = st->set[k] == st->candidates[c];
        if (used) continue;
        st->set[st->set_count] = st->candidates[c];
        mc_barriers bars = {NULL, 0};
        mc_problem *ext = NULL;
        int64_t load = 0;
        mc_status status = extended_load(st, st->set, st->set_count + 1, &bars, &ext, &load);
        mc_problem_destroy(ext);
        mc_barriers_free(&bars);
        if (status != MC_OK) return status;
        if (best == SIZE_MAX || load < best_load) best = c, best_load = load;
    }
    st->set[st->set_count++] = st->candidates[best];
    return MC_OK;
}

/* Drops each barrier (latest added first) the planner can still fit
 * without, so no single inserted barrier is redundant. */
static mc_status prune(insert_state *st)
{
    for (size_t k = st->set_count; k-- > 0;) {
        int64_t removed = st->set[k];
        memmove(st->set + k, st->set + k + 1, (st->set_count - k - 1) * sizeof(int64_t));
        --st->set_count;
        verdict v;
        mc_status status = judge(st, &v);
        if (status != MC_OK) return status;
        if (v == FITS) continue;
        memmove(st->set + k + 1, st->set + k, (st->set_count - k) * sizeof(int64_t));
        st->set[k] = removed;
        ++st->set_count;
    }
    return MC_OK;
}

static mc_status greedy(insert_state *st)
{
    st->set_count = 0;
    verdict v, first;
    mc_status status = judge(st, &first);
    for (v = first; status == MC_OK && v != FITS && st->set_count < st->candidate_count;) {
        status = add_best(st);
        if (status == MC_OK) status = judge(st, &v);
    }
    if (status == MC_OK && v != FITS) { /* LOAD led nowhere: fall back to all */
        memcpy(st->set, st->candidates, st->candidate_count * sizeof(int64_t));
        st->set_count = st->candidate_count;
        status = judge(st, &v);
    }
    if (status == MC_OK && v == FITS) status = prune(st);
    bool none_proven = first == NO_BY_LOAD || (first == NO_BY_PLANNER && st->planner->exact);
    st->report.fewest_proven = st->set_count == 0 || (st->set_count == 1 && none_proven);
    return status;
}

/* ------------------------------------------------------------- the entry */

static mc_status check_insert_input(const mc_problem *problem, const mc_barriers *barriers, int64_t capacity,
                                    const mc_sync_planner *planner, mc_barriers *out, int64_t *offsets, mc_error *err)
{
    if (!problem || !planner || !planner->plan || !out || !offsets)
        return mc_error_set(err, MC_ERR_INVALID, "mc_insert_barriers: expected a problem, a planner, out and offsets");
    mc_status status = mc_barriers_check(barriers, err);
    if (status == MC_OK) status = mc_problem_check_capacity(problem, capacity, err);
    return status;
}

static mc_status finish(insert_state *st, mc_barriers *out, mc_barriers *inserted)
{
    mc_barriers all = {NULL, 0}, fresh = {NULL, 0};
    mc_status status = mc_sync_union(st->given, st->set, st->set_count, &all, st->err);
    if (status == MC_OK && inserted) status = mc_sync_union(NULL, st->set, st->set_count, &fresh, st->err);
    if (status != MC_OK) {
        mc_barriers_free(&all);
        return status;
    }
    *out = all;
    if (inserted) *inserted = fresh;
    return MC_OK;
}

static mc_status refuse(insert_state *st, verdict v)
{
    static const char *const why[] = {"", "its LOAD exceeds the capacity", "the planner found no layout",
                                      "the planner gave up (time limit)"};
    return mc_error_set(st->err, v == UNKNOWN ? MC_ERR_TIMEOUT : MC_ERR_INFEASIBLE,
                        "no barrier insertion fits capacity %" PRId64 ": even with all %zu candidate barriers "
                        "(one before each first write) %s",
                        st->capacity, st->candidate_count, why[v]);
}

mc_status mc_insert_barriers(const mc_problem *problem, const mc_barriers *barriers, int64_t capacity,
                             const mc_sync_planner *planner, size_t exact_limit, mc_barriers *out,
                             mc_barriers *inserted, int64_t *offsets, mc_insert_report *report, mc_error *err)
{
    mc_status status = check_insert_input(problem, barriers, capacity, planner, out, offsets, err);
    if (status != MC_OK) return status;
    size_t n = mc_problem_count(problem);
    insert_state st = {problem, barriers, capacity, planner, NULL, 0, NULL, 0, offsets, NULL, {0, 0, 0, false}, err};
    st.set = malloc((n + 1) * sizeof(int64_t));
    st.trial = malloc((n + 1) * sizeof(int64_t));
    status = st.set && st.trial ? find_candidates(&st) : mc_error_set(err, MC_ERR_NOMEM, "out of memory");
    verdict v = UNKNOWN;
    if (status == MC_OK) { /* the best any insertion can do */
        memcpy(st.set, st.candidates, st.candidate_count * sizeof(int64_t));
        st.set_count = st.candidate_count;
        status = judge(&st, &v);
        if (status == MC_OK && v != FITS) status = refuse(&st, v);
    }
    size_t limit = exact_limit ? exact_limit : DEFAULT_EXACT_LIMIT;
    bool small = st.candidate_count <= limit && st.candidate_count < 40 &&
                 (UINT64_C(1) << st.candidate_count) * (uint64_t)(n + 1) <= EXHAUSTIVE_WORK_LIMIT;
    if (status == MC_OK) status = small ? exhaustive(&st) : greedy(&st);
    if (status == MC_OK) status = finish(&st, out, inserted);
    if (status == MC_OK && report) *report = st.report;
    free(st.set);
    free(st.trial);
    free(st.candidates);
    return status;
}
