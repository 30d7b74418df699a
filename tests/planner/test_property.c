/* Property test: on 10,000 random tiny problems (up to 8 buffers, with
 * alignment, gaps, windows, fixed offsets and hints) the exact solver's
 * feasibility verdict and minimized height agree with an independent
 * brute-force enumerator, and every layout it returns passes both the
 * library validator and the brute-force one. Seeded: failures replay. */
#include <stdlib.h>
#include <string.h>

#include "brute.h"
#include "check.h"
#include "memcarve/planner.h"

typedef struct instance {
    mc_problem *problem;
    brute_buffer brute[BRUTE_BUFFERS_MAX];
    int n;
} instance;

static const int64_t alignments[] = {1, 1, 1, 2, 3, 4};

/* Random gaps inside [lower, upper): sorted, disjoint, some with windows. */
static size_t random_gaps(mc_test_rng *rng, int64_t lower, int64_t upper, int64_t size, mc_gap *gaps)
{
    size_t count = 0;
    for (int64_t t = lower + 1; t + 1 < upper && count < 3; ++t) {
        if (mc_test_range(rng, 0, 3) != 0) continue;
        int64_t end = mc_test_range(rng, t + 1, upper - 1);
        mc_gap g = {t, end, false, 0, 0};
        if (size > 0 && mc_test_range(rng, 0, 1)) {
            g.has_window = true;
            g.window_lower = mc_test_range(rng, 0, size);
            g.window_upper = mc_test_range(rng, g.window_lower, size);
        }
        gaps[count++] = g;
        t = end;
    }
    return count;
}

static void make_instance(mc_test_rng *rng, instance *in)
{
    in->problem = mc_problem_create();
    in->n = (int)mc_test_range(rng, 1, 8);
    for (int i = 0; i < in->n; ++i) {
        int64_t lower = mc_test_range(rng, 0, 8);
        int64_t upper = mc_test_range(rng, lower + 1, 10);
        int64_t size = mc_test_range(rng, 0, 9) == 0 ? 0 : mc_test_range(rng, 1, 5);
        mc_gap gaps[3];
        mc_buffer b = mc_buffer_make(NULL, lower, upper, size);
        b.alignment = alignments[mc_test_range(rng, 0, 5)];
        b.gaps = gaps;
        b.gap_count = mc_test_range(rng, 0, 2) == 0 ? random_gaps(rng, lower, upper, size, gaps) : 0;
        if (mc_test_range(rng, 0, 11) == 0) b.fixed_offset = b.alignment * mc_test_range(rng, 0, 3);
        if (mc_test_range(rng, 0, 5) == 0) b.hint = mc_test_range(rng, 0, 6);
        CHECK(mc_problem_add(in->problem, &b, NULL) == MC_OK);
        brute_mirror(mc_problem_buffer(in->problem, (size_t)i), &in->brute[i]);
    }
}

static mc_outcome solve(const instance *in, int64_t capacity, bool minimize, int64_t *offsets, mc_report *report)
{
    mc_solve_options o;
    mc_solve_options_init(&o);
    o.capacity = capacity;
    o.minimize = minimize;
    mc_status st = mc_solve(in->problem, &o, offsets, report, NULL);
    if (st != MC_OK) {
        /* Only a fixed offset beyond the capacity is an input error here. */
        return (mc_outcome)-1;
    }
    return report->outcome;
}

static bool fixed_fit(const instance *in, int64_t capacity)
{
    for (int i = 0; i < in->n; ++i)
        if (in->brute[i].fixed >= 0 && in->brute[i].fixed + in->brute[i].size > capacity) return false;
    return true;
}

static void check_layout(const instance *in, int64_t capacity, const int64_t *offsets, int64_t height)
{
    int64_t validated = -1;
    CHECK(mc_validate(in->problem, capacity, offsets, &validated, NULL) == MC_OK);
    CHECK_EQ_I64(validated, height);
    CHECK(brute_valid(in->brute, in->n, capacity, offsets));
}

/* A capacity surely large enough unless fixed offsets clash. */
static int64_t roomy_capacity(const instance *in)
{
    int64_t sum = 0, fixed_top = 0;
    for (int i = 0; i < in->n; ++i) {
        sum += in->brute[i].size;
        if (in->brute[i].fixed >= 0 && in->brute[i].fixed + in->brute[i].size > fixed_top)
            fixed_top = in->brute[i].fixed + in->brute[i].size;
    }
    return sum + fixed_top + 1;
}

int main(void)
{
    mc_test_rng rng = {20261121};
    int rounds = 10000, feasible = 0, infeasible = 0, clashing = 0;
    for (int round = 0; round < rounds; ++round) {
        instance in;
        make_instance(&rng, &in);
        int64_t offsets[BRUTE_BUFFERS_MAX];
        mc_report r;

        /* Minimization: the solver's height H must be reached by a layout
         * both validators accept, and the oracle must find nothing below. */
        int64_t roomy = roomy_capacity(&in), best = -1;
        mc_outcome got = solve(&in, roomy, true, offsets, &r);
        if (got == MC_OUTCOME_SOLVED) {
            best = r.height;
            CHECK(r.proven_optimal);
            check_layout(&in, roomy, offsets, r.height);
            CHECK(best == 0 || !brute_feasible(in.brute, in.n, best - 1, NULL));
        } else {
            CHECK(got == MC_OUTCOME_INFEASIBLE);
            CHECK(!brute_feasible(in.brute, in.n, roomy, NULL));
            ++clashing;
            mc_problem_destroy(in.problem);
            continue;
        }

        /* Decision at a capacity near the optimum, either side of it. */
        int64_t capacity = best + mc_test_range(&rng, -2, 1);
        if (capacity >= 1 && fixed_fit(&in, capacity)) {
            bool expect = brute_feasible(in.brute, in.n, capacity, NULL);
            got = solve(&in, capacity, false, offsets, &r);
            CHECK(got == (expect ? MC_OUTCOME_SOLVED : MC_OUTCOME_INFEASIBLE));
            if (got == MC_OUTCOME_SOLVED) check_layout(&in, capacity, offsets, r.height);
            if (got != (expect ? MC_OUTCOME_SOLVED : MC_OUTCOME_INFEASIBLE))
                fprintf(stderr, "  round %d: capacity %lld, brute %d\n", round, (long long)capacity, expect);
            feasible += expect;
            infeasible += !expect;
        }
        mc_problem_destroy(in.problem);
    }
    printf("%d decisions feasible, %d infeasible; %d instances with clashing fixed offsets\n", feasible, infeasible,
           clashing);
    CHECK(feasible > 1000 && infeasible > 1000);
    return mc_test_finish("planner_property");
}
