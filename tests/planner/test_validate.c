/* The validator against the brute-force checker on random layouts (most
 * of them wrong), plus the messages of each kind of violation. */
#include <string.h>

#include "brute.h"
#include "check.h"
#include "memcarve/planner.h"

static mc_problem *three_buffers(void)
{
    mc_problem *p = mc_problem_create();
    mc_gap window = {2, 4, true, 2, 4};
    mc_buffer a = mc_buffer_make("a", 0, 6, 6);
    a.gaps = &window;
    a.gap_count = 1;
    mc_buffer b = mc_buffer_make("b", 2, 4, 2);
    b.alignment = 2;
    mc_buffer c = mc_buffer_make("c", 6, 9, 3);
    c.fixed_offset = 3;
    mc_problem_add(p, &a, NULL);
    mc_problem_add(p, &b, NULL);
    mc_problem_add(p, &c, NULL);
    return p;
}

static void test_messages(void)
{
    mc_problem *p = three_buffers();
    mc_error err;
    int64_t height = -1;
    int64_t ok[] = {0, 0, 3}; /* b sits under a's window */
    CHECK(mc_validate(p, 6, ok, &height, &err) == MC_OK);
    CHECK_EQ_I64(height, 6);
    int64_t clash[] = {0, 2, 3};
    CHECK(mc_validate(p, 6, clash, NULL, &err) == MC_ERR_INVALID && strstr(err.message, "overlap"));
    int64_t misaligned[] = {0, 1, 3};
    CHECK(mc_validate(p, 6, misaligned, NULL, &err) == MC_ERR_INVALID && strstr(err.message, "multiple"));
    int64_t moved[] = {0, 0, 0};
    CHECK(mc_validate(p, 6, moved, NULL, &err) == MC_ERR_INVALID && strstr(err.message, "fixed"));
    int64_t outside[] = {1, 0, 3};
    CHECK(mc_validate(p, 6, outside, NULL, &err) == MC_ERR_INVALID && strstr(err.message, "capacity"));
    int64_t negative[] = {-1, 0, 3};
    CHECK(mc_validate(p, 6, negative, NULL, &err) == MC_ERR_INVALID && strstr(err.message, "negative"));
    mc_problem_destroy(p);
}

static void test_random_against_brute(void)
{
    mc_test_rng rng = {7};
    int valid = 0;
    for (int round = 0; round < 20000; ++round) {
        mc_problem *p = mc_problem_create();
        brute_buffer bb[BRUTE_BUFFERS_MAX];
        int64_t offsets[BRUTE_BUFFERS_MAX];
        int n = (int)mc_test_range(&rng, 1, 6);
        for (int i = 0; i < n; ++i) {
            int64_t lo = mc_test_range(&rng, 0, 8), hi = mc_test_range(&rng, lo + 1, 10);
            int64_t size = mc_test_range(&rng, 0, 4);
            mc_gap g = {lo + 1, hi, true, mc_test_range(&rng, 0, size), size};
            mc_buffer b = mc_buffer_make(NULL, lo, hi, size);
            if (hi - lo >= 2 && mc_test_range(&rng, 0, 1)) {
                g.has_window = mc_test_range(&rng, 0, 1);
                b.gaps = &g;
                b.gap_count = 1;
            }
            CHECK(mc_problem_add(p, &b, NULL) == MC_OK);
            memset(&bb[i], 0, sizeof bb[i]);
            bb[i].size = size;
            bb[i].alignment = 1;
            bb[i].fixed = -1;
            for (int64_t t = lo; t < hi; ++t) {
                bool in_gap = b.gap_count && t >= g.lower;
                bb[i].lo[t] = in_gap && g.has_window ? g.window_lower : 0;
                bb[i].hi[t] = in_gap ? (g.has_window ? g.window_upper : 0) : size;
            }
            offsets[i] = mc_test_range(&rng, 0, 6);
        }
        bool expect = brute_valid(bb, n, 9, offsets);
        CHECK((mc_validate(p, 9, offsets, NULL, NULL) == MC_OK) == expect);
        valid += expect;
        mc_problem_destroy(p);
    }
    CHECK(valid > 1000 && valid < 19000);
}

int main(void)
{
    test_messages();
    test_random_against_brute();
    return mc_test_finish("planner_validate");
}
