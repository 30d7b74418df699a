/* Known answers: the fit rules, alignment, gaps and windows, fixed offsets,
 * method names and misuse. */
#include <string.h>

#include "support.h"

/* Fixed buffers leave the holes [1, 5) and [7, 9) over [0, 10). */
static mc_problem *two_holes(void)
{
    mc_problem *p = mc_problem_create();
    add_fixed(p, "x", 0, 10, 1, 0);
    add_fixed(p, "y", 0, 10, 2, 5);
    add_fixed(p, "z", 0, 10, 1, 9);
    add_plain(p, "w", 0, 10, 2);
    return p;
}

static void test_fit_rules(void)
{
    mc_problem *p = two_holes();
    int64_t off[4];
    /* first-fit takes the lowest hole, best-fit the narrowest one */
    CHECK_EQ_I64(place_checked(p, MC_METHOD_FIRST_FIT, off), 10);
    CHECK_EQ_I64(off[3], 1);
    CHECK_EQ_I64(place_checked(p, MC_METHOD_BEST_FIT, off), 10);
    CHECK_EQ_I64(off[3], 7);
    CHECK_EQ_I64(place_checked(p, MC_METHOD_ONLINE_BEST_FIT, off), 10);
    CHECK_EQ_I64(off[3], 7);
    CHECK_EQ_I64(place_checked(p, MC_METHOD_GLOBAL_BEST_FIT, off), 10);
    CHECK_EQ_I64(off[3], 7);
    CHECK_EQ_I64(off[0], 0);
    CHECK_EQ_I64(off[1], 5);
    CHECK_EQ_I64(off[2], 9);
    mc_problem_destroy(p);
}

/* Equal holes: best-fit takes the lower one, like first-fit. */
static void test_best_fit_tie(void)
{
    mc_problem *p = mc_problem_create();
    add_fixed(p, "x", 0, 4, 1, 0);
    add_fixed(p, "y", 0, 4, 2, 3);
    add_fixed(p, "z", 0, 4, 1, 7);
    add_plain(p, "w", 0, 4, 2);
    int64_t off[4];
    CHECK_EQ_I64(place_checked(p, MC_METHOD_BEST_FIT, off), 8);
    CHECK_EQ_I64(off[3], 1);
    mc_problem_destroy(p);
}

/* A, B and C follow each other under a long X: each reuses the same
 * address, because only buffers alive at the same time conflict (and the
 * interval tree must not report A, which ended, when asked about B). */
static void test_reuse_over_time(void)
{
    mc_problem *p = mc_problem_create();
    add_plain(p, "X", 0, 10, 10);
    add_plain(p, "A", 0, 2, 5);
    add_plain(p, "B", 3, 6, 5);
    add_plain(p, "C", 6, 9, 5);
    int64_t off[4];
    for (size_t m = 0; m < single_method_count; ++m) {
        CHECK_EQ_I64(place_checked(p, single_methods[m], off), 15);
        CHECK(off[1] == off[2] && off[2] == off[3]);
    }
    mc_problem_destroy(p);
}

static void test_alignment_and_top(void)
{
    mc_problem *p = mc_problem_create();
    add_fixed(p, "a", 0, 4, 3, 0);
    mc_buffer b = mc_buffer_make("b", 2, 6, 5);
    b.alignment = 4;
    CHECK(mc_problem_add(p, &b, NULL) == MC_OK);
    add_plain(p, "c", 6, 8, 7); /* alive with nobody: address 0 */
    int64_t off[3];
    for (size_t m = 0; m < single_method_count; ++m) {
        CHECK_EQ_I64(place_checked(p, single_methods[m], off), 9);
        CHECK_EQ_I64(off[1], 4);
    }
    mc_problem_destroy(p);
}

static void test_gaps(void)
{
    /* b lives inside a's gap: without a window they share address 0; with
     * window [0, 2) b must start at 2 or above. */
    for (int windowed = 0; windowed < 2; ++windowed) {
        mc_problem *p = mc_problem_create();
        mc_gap gap = {3, 7, windowed != 0, 0, 2};
        mc_buffer a = mc_buffer_make("a", 0, 10, 5);
        a.gaps = &gap;
        a.gap_count = 1;
        CHECK(mc_problem_add(p, &a, NULL) == MC_OK);
        add_plain(p, "b", 4, 6, 3);
        int64_t off[2];
        CHECK_EQ_I64(place_checked(p, MC_METHOD_FIRST_FIT, off), 5);
        CHECK_EQ_I64(off[0], 0);
        CHECK_EQ_I64(off[1], windowed ? 2 : 0);
        for (size_t m = 0; m < single_method_count; ++m) CHECK_EQ_I64(place_checked(p, single_methods[m], off), 5);
        mc_problem_destroy(p);
    }
}

static void test_fixed_collision(void)
{
    mc_problem *p = mc_problem_create();
    add_fixed(p, "left", 0, 5, 4, 0);
    add_fixed(p, "right", 4, 9, 4, 2);
    int64_t off[2], h;
    mc_error err;
    for (size_t m = 0; m < single_method_count; ++m) {
        CHECK(mc_place(p, single_methods[m], off, &h, &err) == MC_ERR_INFEASIBLE);
        CHECK(strstr(err.message, "'left'") && strstr(err.message, "'right'"));
    }
    mc_problem_destroy(p);
}

static void test_names_and_misuse(void)
{
    static const mc_method all[] = {MC_METHOD_AUTO, MC_METHOD_EXACT, MC_METHOD_BEST_FIT, MC_METHOD_FIRST_FIT,
                                    MC_METHOD_GLOBAL_BEST_FIT, MC_METHOD_CONFLICT_GREEDY,
                                    MC_METHOD_ONLINE_BEST_FIT, MC_METHOD_STACK};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i) {
        mc_method m = MC_METHOD_EXACT;
        CHECK(mc_method_parse(mc_method_name(all[i]), &m, NULL) == MC_OK);
        CHECK(m == all[i]);
    }
    mc_method m;
    CHECK(mc_method_parse("Global_Best_Fit", &m, NULL) == MC_OK && m == MC_METHOD_GLOBAL_BEST_FIT);
    mc_error err;
    CHECK(mc_method_parse("bestfit", &m, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "best-fit") && strstr(err.message, "'bestfit'"));
    CHECK(mc_method_parse("", &m, &err) == MC_ERR_INVALID);
    CHECK(mc_method_parse(NULL, &m, &err) == MC_ERR_INVALID);
    CHECK(strcmp(mc_method_name((mc_method)99), "unknown") == 0);

    mc_problem *p = two_holes();
    int64_t off[4], h;
    CHECK(mc_place(p, MC_METHOD_AUTO, off, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place(p, MC_METHOD_EXACT, off, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place(p, MC_METHOD_STACK, off, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place(p, (mc_method)42, off, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place(NULL, MC_METHOD_BEST_FIT, off, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place(p, MC_METHOD_BEST_FIT, NULL, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place(p, MC_METHOD_BEST_FIT, off, NULL, &err) == MC_OK); /* height is optional */
    mc_problem_destroy(p);

    mc_problem *empty = mc_problem_create();
    h = -1;
    CHECK(mc_place(empty, MC_METHOD_CONFLICT_GREEDY, off, &h, &err) == MC_OK);
    CHECK_EQ_I64(h, 0);
    mc_problem_destroy(empty);
}

static void test_overflow(void)
{
    mc_problem *p = mc_problem_create();
    add_plain(p, "huge1", 0, 2, INT64_MAX / 2 + 1);
    add_plain(p, "huge2", 1, 3, INT64_MAX / 2 + 1);
    int64_t off[2], h;
    mc_error err;
    CHECK(mc_place(p, MC_METHOD_BEST_FIT, off, &h, &err) == MC_ERR_OVERFLOW);
    CHECK(strstr(err.message, "huge") != NULL);
    mc_problem_destroy(p);
}

int main(void)
{
    test_fit_rules();
    test_best_fit_tie();
    test_reuse_over_time();
    test_alignment_and_top();
    test_gaps();
    test_fixed_collision();
    test_names_and_misuse();
    test_overflow();
    return mc_test_finish("heuristics_known");
}
