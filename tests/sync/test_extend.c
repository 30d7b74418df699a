/* Lifetime stretching: on random inputs, two stretched lifetimes overlap
 * exactly when the pairwise sync rule forbids sharing; gaps shrink to the
 * first barrier; layouts solved on the stretched problem are sync-safe. */
#include <string.h>

#include "support.h"

static bool overlap(const mc_buffer *a, const mc_buffer *b) { return a->lower < b->upper && b->lower < a->upper; }

/* A random problem of up to `most` buffers, barriers (some past the end)
 * and its stretched problem. */
typedef struct random_case {
    mc_problem *p, *ext;
    mc_barriers bars;
} random_case;

static random_case make_case(mc_test_rng *rng, int64_t max_horizon, int64_t most)
{
    int64_t horizon = mc_test_range(rng, 3, max_horizon);
    random_case c = {random_problem(rng, (size_t)mc_test_range(rng, 1, most), horizon, 9), NULL, {NULL, 0}};
    c.bars = random_barriers(rng, horizon + 3, (int)mc_test_range(rng, 0, 50));
    mc_error err;
    CHECK(mc_sync_extend(c.p, &c.bars, &c.ext, &err) == MC_OK);
    return c;
}

static void drop_case(random_case *c)
{
    mc_problem_destroy(c->ext);
    mc_problem_destroy(c->p);
    mc_barriers_free(&c->bars);
}

static void conflicts_match_rule(void)
{
    mc_test_rng rng = {7};
    for (int round = 0; round < 300; ++round) {
        random_case c = make_case(&rng, 40, 25);
        mc_problem *p = c.p, *ext = c.ext;
        mc_barriers bars = c.bars;
        size_t n = mc_problem_count(p);
        CHECK_EQ_I64(mc_problem_count(ext), n);
        for (size_t i = 0; i < n; ++i) {
            const mc_buffer *a = mc_problem_buffer(p, i), *ea = mc_problem_buffer(ext, i);
            CHECK(strcmp(a->id, ea->id) == 0 && a->size == ea->size && a->lower == ea->lower);
            CHECK(ea->upper >= a->upper);
            for (size_t j = i + 1; j < n; ++j) {
                const mc_buffer *b = mc_problem_buffer(p, j);
                bool may_share = separated(a, b, &bars) || separated(b, a, &bars);
                CHECK(overlap(ea, mc_problem_buffer(ext, j)) == !may_share);
            }
        }
        drop_case(&c);
    }
}

/* The exact solver on the stretched problem: sync-safe, and never lower
 * than the LOAD of the stretched problem. */
static void solved_layouts_are_safe(void)
{
    mc_test_rng rng = {11};
    mc_error err;
    for (int round = 0; round < 60; ++round) {
        random_case c = make_case(&rng, 20, 9);
        mc_problem *p = c.p, *ext = c.ext;
        mc_barriers bars = c.bars;
        mc_solve_options o;
        mc_solve_options_init(&o);
        o.capacity = 1000;
        o.minimize = true;
        int64_t off[16];
        mc_report r;
        CHECK(mc_solve(ext, &o, off, &r, &err) == MC_OK && r.outcome == MC_OUTCOME_SOLVED);
        CHECK_EQ_I64(sync_violations(p, off, &bars), 0);
        CHECK(r.height >= mc_problem_load(ext));
        drop_case(&c);
    }
}

static void gaps_and_clipping(void)
{
    mc_error err;
    mc_gap gaps[] = {{3, 7, false, 0, 0}, {8, 9, true, 0, 2}};
    mc_buffer x = mc_buffer_make("X", 0, 12, 4);
    x.gaps = gaps;
    x.gap_count = 2;
    mc_buffer y = mc_buffer_make("Y", 6, 7, 4);
    mc_problem *p = mc_problem_create();
    CHECK(mc_problem_add(p, &x, &err) == MC_OK && mc_problem_add(p, &y, &err) == MC_OK);
    int64_t at[] = {5, 100};
    mc_barriers bars = {at, 2};
    mc_problem *ext = NULL;
    CHECK(mc_sync_extend(p, &bars, &ext, &err) == MC_OK);
    const mc_buffer *ex = mc_problem_buffer(ext, 0), *ey = mc_problem_buffer(ext, 1);
    /* Freed only after the barrier at 5; the window gap sees none: gone. */
    CHECK_EQ_I64(ex->gap_count, 1);
    CHECK(ex->gap_count == 1 && ex->gaps[0].lower == 6 && ex->gaps[0].upper == 7);
    /* The barrier at 100 lies past the end (12): clipped there. */
    CHECK_EQ_I64(ex->upper, 12);
    CHECK_EQ_I64(ey->upper, 12);
    mc_problem_destroy(ext);
    CHECK(mc_sync_extend(p, NULL, &ext, &err) == MC_OK);
    CHECK_EQ_I64(mc_problem_buffer(ext, 0)->gap_count, 0);
    mc_problem_destroy(ext);
    int64_t bad[] = {4, 4};
    CHECK(mc_sync_extend(p, &(mc_barriers){bad, 2}, &ext, &err) == MC_ERR_INVALID);
    CHECK(ext == NULL);
    CHECK(mc_sync_extend(NULL, NULL, &ext, &err) == MC_ERR_INVALID);
    mc_problem_destroy(p);
}

int main(void)
{
    conflicts_match_rule();
    solved_layouts_are_safe();
    gaps_and_clipping();
    return mc_test_finish("sync_extend");
}
