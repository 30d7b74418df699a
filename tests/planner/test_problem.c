/* The problem model: every contract violation is refused with a message
 * naming the field, the problem is unchanged after a refusal, and LOAD
 * follows gaps and windows. */
#include <string.h>

#include "check.h"
#include "memcarve/planner.h"

static void expect_refused(mc_buffer b, mc_status status, const char *field)
{
    mc_problem *p = mc_problem_create();
    mc_error err;
    CHECK(mc_problem_add(p, &b, &err) == status);
    CHECK(err.status == status);
    CHECK(strstr(err.message, field) != NULL);
    CHECK_EQ_I64(mc_problem_count(p), 0);
    mc_problem_destroy(p);
}

static void test_refusals(void)
{
    mc_gap gaps[2] = {{2, 4, false, 0, 0}, {3, 5, false, 0, 0}};
    mc_buffer b = mc_buffer_make("x", 0, 10, 8);
    b.size = -1;
    expect_refused(b, MC_ERR_INVALID, "size");
    b = mc_buffer_make("x", 5, 5, 8);
    expect_refused(b, MC_ERR_INVALID, "lifetime");
    b = mc_buffer_make("x", 0, 10, 8);
    b.alignment = 0;
    expect_refused(b, MC_ERR_INVALID, "alignment");
    b.alignment = 4;
    b.fixed_offset = 6;
    expect_refused(b, MC_ERR_INVALID, "multiple of the alignment");
    b.fixed_offset = INT64_MAX - 3;
    b.alignment = 1;
    expect_refused(b, MC_ERR_OVERFLOW, "overflows");
    b = mc_buffer_make("x", 0, 10, 8);
    b.gaps = gaps;
    b.gap_count = 2; /* overlapping */
    expect_refused(b, MC_ERR_INVALID, "sorted and disjoint");
    gaps[1] = (mc_gap){8, 12, false, 0, 0}; /* leaves the lifetime */
    expect_refused(b, MC_ERR_INVALID, "inside the lifetime");
    gaps[1] = (mc_gap){6, 7, true, 2, 9}; /* window beyond the size */
    expect_refused(b, MC_ERR_INVALID, "window");
    gaps[1] = (mc_gap){6, 7, true, 3, 2}; /* inverted window */
    expect_refused(b, MC_ERR_INVALID, "window");
}

static void test_copies_and_load(void)
{
    mc_problem *p = mc_problem_create();
    char id[] = "buf";
    mc_gap gaps[2] = {{2, 4, false, 0, 0}, {5, 6, true, 1, 3}};
    mc_buffer a = mc_buffer_make(id, 0, 8, 10);
    a.gaps = gaps;
    a.gap_count = 2;
    CHECK(mc_problem_add(p, &a, NULL) == MC_OK);
    id[0] = 'X'; /* the problem holds its own copies */
    gaps[0].lower = 99;
    CHECK(strcmp(mc_problem_buffer(p, 0)->id, "buf") == 0);
    CHECK_EQ_I64(mc_problem_buffer(p, 0)->gaps[0].lower, 2);
    mc_buffer b = mc_buffer_make(NULL, 2, 6, 7);
    CHECK(mc_problem_add(p, &b, NULL) == MC_OK);
    CHECK(strcmp(mc_problem_buffer(p, 1)->id, "1") == 0);
    /* t in [0,2): 10; [2,4): 0 + 7; [4,5): 17; [5,6): 2 + 7; [6,8): 10. */
    CHECK_EQ_I64(mc_problem_load(p), 17);
    CHECK(mc_problem_buffer(p, 2) == NULL);
    mc_problem_destroy(p);
}

static void test_capacity_checks(void)
{
    mc_problem *p = mc_problem_create();
    mc_buffer a = mc_buffer_make("a", 0, 4, 6);
    a.fixed_offset = 4;
    CHECK(mc_problem_add(p, &a, NULL) == MC_OK);
    mc_error err;
    CHECK(mc_problem_check_capacity(p, 0, &err) == MC_ERR_INVALID);
    CHECK(mc_problem_check_capacity(p, 5, &err) == MC_ERR_INFEASIBLE);
    CHECK(mc_problem_check_capacity(p, 9, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "offset") != NULL);
    CHECK(mc_problem_check_capacity(p, 10, &err) == MC_OK);
    mc_problem_destroy(p);
}

int main(void)
{
    test_refusals();
    test_copies_and_load();
    test_capacity_checks();
    return mc_test_finish("planner_problem");
}
