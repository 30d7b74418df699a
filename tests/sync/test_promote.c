/* promoteReuse: every named buffer gets a barrier between its last read and
 * the next first write, with as few insertions as brute force finds; bad
 * ids and impossible requests are refused with a clear message. */
#include <stdio.h>
#include <string.h>

#include "support.h"

static void refusals(void)
{
    spec s[] = {{"A", 0, 3, 4}, {"B", 3, 6, 4}, {"C", 8, 9, 4}};
    mc_problem *p = make_problem(s, 3);
    mc_barriers out = {NULL, 0};
    mc_error err;
    const char *unknown[] = {"C", "Z"};
    CHECK(mc_promote_reuse(p, NULL, unknown, 2, &out, NULL, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "unknown buffer id 'Z'") != NULL);
    CHECK(out.positions == NULL);
    /* A is last read at 2 and B first written at 3: nothing fits between. */
    const char *adjacent[] = {"A"};
    CHECK(mc_promote_reuse(p, NULL, adjacent, 1, &out, NULL, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "'A'") && strstr(err.message, "'B'") && strstr(err.message, "time 2"));
    /* C has no later write: nothing to do; B's barrier exists already. */
    const char *fine[] = {"C", "B", "B"};
    int64_t at[] = {7};
    mc_barriers given = {at, 1}, added = {NULL, 3};
    CHECK(mc_promote_reuse(p, &given, fine, 3, &out, &added, &err) == MC_OK);
    CHECK_EQ_I64(out.count, 1);
    CHECK_EQ_I64(added.count, 0);
    mc_barriers_free(&out);
    mc_barriers_free(&added);
    CHECK(mc_promote_reuse(p, NULL, NULL, 1, &out, NULL, &err) == MC_ERR_INVALID);
    int64_t bad[] = {5, 2};
    CHECK(mc_promote_reuse(p, &(mc_barriers){bad, 2}, fine, 1, &out, NULL, &err) == MC_ERR_INVALID);
    mc_problem_destroy(p);
}

/* Times doubled (last read odd - 1, writes even) so a barrier always fits. */
static mc_problem *spaced_problem(mc_test_rng *rng, size_t n, int64_t horizon)
{
    spec s[12];
    char names[12][24];
    for (size_t i = 0; i < n; ++i) {
        int64_t lower = mc_test_range(rng, 0, horizon - 2), upper = mc_test_range(rng, lower + 1, horizon - 1);
        snprintf(names[i], sizeof names[i], "t%zu", i);
        s[i] = (spec){names[i], 2 * lower, 2 * upper - 1, 4};
    }
    return make_problem(s, n);
}

/* The fewest points of [0, limit) stabbing every interval [lo[k], hi[k]]
 * not already stabbed by `given`, by trying every subset. */
static int brute_fewest(const int64_t *lo, const int64_t *hi, size_t count, int64_t limit)
{
    int best = 99;
    for (uint32_t mask = 0; mask < (UINT32_C(1) << limit); ++mask) {
        int bits = __builtin_popcount(mask);
        bool all = bits < best;
        for (size_t k = 0; all && k < count; ++k) {
            bool hit = false;
            for (int64_t t = lo[k]; t <= hi[k] && !hit; ++t) hit = (mask >> t) & 1;
            all = hit;
        }
        if (all) best = bits;
    }
    return best;
}

static void random_against_brute_force(void)
{
    mc_test_rng rng = {99};
    mc_error err;
    for (int round = 0; round < 150; ++round) {
        size_t n = (size_t)mc_test_range(&rng, 2, 10);
        mc_problem *p = spaced_problem(&rng, n, 8);
        const char *ids[12];
        size_t k = 0;
        for (size_t i = 0; i < n; ++i)
            if (mc_test_range(&rng, 0, 1)) ids[k++] = mc_problem_buffer(p, i)->id;
        mc_barriers given = random_barriers(&rng, 15, 10), out, added;
        CHECK(mc_promote_reuse(p, &given, ids, k, &out, &added, &err) == MC_OK);
        /* Each named buffer is now separated from the next first write. */
        int64_t lo[12], hi[12];
        size_t needs = 0;
        for (size_t j = 0; j < k; ++j) {
            const mc_buffer *a = NULL, *next = NULL;
            for (size_t i = 0; i < n; ++i)
                if (!strcmp(mc_problem_buffer(p, i)->id, ids[j])) a = mc_problem_buffer(p, i);
            for (size_t i = 0; i < n; ++i) {
                const mc_buffer *b = mc_problem_buffer(p, i);
                if (b->lower >= a->upper && (!next || b->lower < next->lower)) next = b;
            }
            if (!next) continue;
            CHECK(separated(a, next, &out));
            if (!separated(a, next, &given)) lo[needs] = a->upper, hi[needs++] = next->lower - 1;
        }
        CHECK_EQ_I64(added.count, brute_fewest(lo, hi, needs, 16));
        CHECK_EQ_I64(out.count, given.count + added.count);
        mc_barriers_free(&out);
        mc_barriers_free(&added);
        mc_barriers_free(&given);
        mc_problem_destroy(p);
    }
}

int main(void)
{
    refusals();
    random_against_brute_force();
    return mc_test_finish("sync_promote");
}
