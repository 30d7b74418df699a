/* Barrier insertion against brute force: on tiny inputs every subset of
 * every time in range is tried with the exact solver, so the smallest
 * fitting count is known; the exhaustive mode must match it, the greedy
 * mode must fit with no redundant barrier, and every layout returned must
 * be sync-safe under the barriers returned. */
#include <stdio.h>
#include <string.h>

#include "support.h"

enum { SPAN = 10 }; /* times 0..9 */

static bool fits(const mc_problem *p, const mc_barriers *bars, int64_t capacity)
{
    mc_problem *ext = NULL;
    mc_error err;
    if (mc_sync_extend(p, bars, &ext, &err) != MC_OK) return false;
    mc_solve_options o;
    mc_solve_options_init(&o);
    o.capacity = capacity;
    int64_t off[16];
    mc_report r;
    bool ok = mc_solve(ext, &o, off, &r, &err) == MC_OK && r.outcome == MC_OUTCOME_SOLVED;
    mc_problem_destroy(ext);
    return ok;
}

/* The fewest extra barriers (any times in [0, SPAN)), or -1. */
static int brute_fewest(const mc_problem *p, const mc_barriers *given, int64_t capacity)
{
    for (int size = 0; size <= SPAN; ++size)
        for (uint32_t mask = 0; mask < (UINT32_C(1) << SPAN); ++mask) {
            if (__builtin_popcount(mask) != size) continue;
            int64_t all[2 * SPAN];
            size_t count = 0;
            for (int64_t t = 0; t < SPAN; ++t) {
                bool in_given = false;
                for (size_t k = 0; k < given->count; ++k) in_given |= given->positions[k] == t;
                if (in_given && ((mask >> t) & 1)) count = 99;
                if (count < 99 && (in_given || ((mask >> t) & 1))) all[count++] = t;
            }
            if (count == 99) continue;
            mc_barriers bars = {all, count};
            if (fits(p, &bars, capacity)) return size;
        }
    return -1;
}

static mc_problem *tiny_problem(mc_test_rng *rng, size_t n, int64_t *sum)
{
    spec s[8];
    char names[8][24];
    *sum = 0;
    for (size_t i = 0; i < n; ++i) {
        int64_t lower = mc_test_range(rng, 0, 3), upper = mc_test_range(rng, lower + 1, 5);
        snprintf(names[i], sizeof names[i], "u%zu", i);
        s[i] = (spec){names[i], 2 * lower, 2 * upper - 1, mc_test_range(rng, 1, 5)};
        *sum += s[i].size;
    }
    return make_problem(s, n);
}

static void check_result(const mc_problem *p, const mc_barriers *given, const mc_barriers *out,
                         const mc_barriers *added, const int64_t *off, int64_t capacity)
{
    CHECK_EQ_I64(out->count, given->count + added->count);
    CHECK_EQ_I64(sync_violations(p, off, out), 0);
    for (size_t i = 0; i < mc_problem_count(p); ++i) CHECK(off[i] + mc_problem_buffer(p, i)->size <= capacity);
}

static void random_against_brute_force(void)
{
    mc_test_rng rng = {424242};
    mc_sync_planner exact = {mc_sync_plan_exact, NULL, true};
    int infeasible = 0, needed = 0;
    for (int round = 0; round < 50; ++round) {
        int64_t sum = 0;
        mc_problem *p = tiny_problem(&rng, (size_t)mc_test_range(&rng, 2, 5), &sum);
        int64_t max_size = 0;
        for (size_t i = 0; i < mc_problem_count(p); ++i)
            if (mc_problem_buffer(p, i)->size > max_size) max_size = mc_problem_buffer(p, i)->size;
        int64_t capacity = mc_test_range(&rng, max_size, sum);
        mc_barriers given = random_barriers(&rng, SPAN - 1, 8), out, added;
        int want = brute_fewest(p, &given, capacity);
        int64_t off[8];
        mc_insert_report report;
        mc_error err;
        mc_status st = mc_insert_barriers(p, &given, capacity, &exact, 0, &out, &added, off, &report, &err);
        if (want < 0) {
            ++infeasible;
            CHECK(st == MC_ERR_INFEASIBLE);
            CHECK(strstr(err.message, "capacity") != NULL);
        } else {
            needed += want > 0;
            CHECK(st == MC_OK);
            if (st != MC_OK) continue;
            CHECK_EQ_I64(added.count, want);
            CHECK(report.fewest_proven);
            check_result(p, &given, &out, &added, off, capacity);
            mc_barriers_free(&out);
            mc_barriers_free(&added);
            /* Greedy (exhaustive search disabled): fits, nothing redundant. */
            CHECK(mc_insert_barriers(p, &given, capacity, &exact, 1, &out, &added, off, &report, &err) == MC_OK);
            CHECK((int)added.count >= want);
            check_result(p, &given, &out, &added, off, capacity);
            for (size_t k = 0; k < added.count; ++k) {
                int64_t fewer[2 * SPAN];
                size_t m = 0;
                for (size_t j = 0; j < out.count; ++j)
                    if (out.positions[j] != added.positions[k]) fewer[m++] = out.positions[j];
                CHECK(!fits(p, &(mc_barriers){fewer, m}, capacity));
            }
            mc_barriers_free(&out);
            mc_barriers_free(&added);
        }
        mc_barriers_free(&given);
        mc_problem_destroy(p);
    }
    /* The generator must exercise every branch. */
    CHECK(infeasible > 0);
    CHECK(needed > 0);
}

/* With the stack planner: the returned layout is the stack layout under
 * the returned barriers, and fits. The nvFuser SimpleCase needs the sync. */
static void stack_planner(void)
{
    spec s[] = {{"A", 1, 3, 20}, {"B", 5, 7, 24}};
    mc_problem *p = make_problem(s, 2);
    int64_t align = 16, off[2], height;
    mc_sync_planner stack = {mc_sync_plan_stack, &align, false};
    mc_barriers out, added;
    mc_insert_report report;
    mc_error err;
    CHECK(mc_insert_barriers(p, NULL, 24, &stack, 0, &out, &added, off, &report, &err) == MC_OK);
    CHECK_EQ_I64(added.count, 1);
    CHECK(added.count == 1 && added.positions[0] >= 2 && added.positions[0] <= 4);
    CHECK(mc_place_stack(p, &out, 16, off, &height, &err) == MC_OK);
    CHECK_EQ_I64(height, 24);
    CHECK_EQ_I64(report.height, 24);
    mc_barriers_free(&out);
    mc_barriers_free(&added);
    /* Already fits: nothing inserted. */
    CHECK(mc_insert_barriers(p, NULL, 52, &stack, 0, &out, &added, off, &report, &err) == MC_OK);
    CHECK_EQ_I64(added.count, 0);
    mc_barriers_free(&out);
    mc_barriers_free(&added);
    /* Too small whatever happens, and misuse. */
    CHECK(mc_insert_barriers(p, NULL, 23, &stack, 0, &out, &added, off, &report, &err) == MC_ERR_INFEASIBLE);
    CHECK(mc_insert_barriers(p, NULL, 0, &stack, 0, &out, &added, off, &report, &err) == MC_ERR_INVALID);
    mc_sync_planner none = {NULL, NULL, false};
    CHECK(mc_insert_barriers(p, NULL, 50, &none, 0, &out, &added, off, &report, &err) == MC_ERR_INVALID);
    mc_problem_destroy(p);
}

int main(void)
{
    random_against_brute_force();
    stack_planner();
    return mc_test_finish("sync_insert");
}
