/* The anytime auto method: proven optima on tiny instances (against brute
 * force), decision mode, infeasible and timed-out runs still returning a
 * valid best layout, cancellation, progress, two threads, misuse. */
#include <stdlib.h>
#include <string.h>

#include "memcarve/generate.h"
#include "support.h"

static mc_solve_options options(int64_t capacity, bool minimize, double timeout)
{
    mc_solve_options o;
    mc_solve_options_init(&o); /* defaults for everything not set here */
    o.capacity = capacity, o.minimize = minimize, o.timeout_seconds = timeout;
    return o;
}

/* Runs auto and checks what every run must satisfy: the layout is valid at
 * its reported height, and the report is consistent. */
static mc_report run_auto(const mc_problem *p, const mc_solve_options *o, unsigned threads, int64_t *off)
{
    mc_report r;
    mc_error err;
    memset(&r, 0, sizeof r);
    mc_status st = mc_solve_auto(p, o, threads, off, &r, &err);
    CHECK(st == MC_OK);
    if (st != MC_OK) {
        fprintf(stderr, "  auto: %s\n", err.message);
        return r;
    }
    int64_t h = -1;
    CHECK(mc_validate(p, r.height > 0 ? r.height : 1, off, &h, &err) == MC_OK);
    CHECK_EQ_I64(h, r.height);
    CHECK_EQ_I64(r.load, mc_problem_load(p));
    CHECK(r.lower_bound <= r.height);
    CHECK(r.lower_bound >= r.load || mc_problem_count(p) == 0);
    CHECK((r.outcome == MC_OUTCOME_SOLVED) == (r.height <= o->capacity));
    return r;
}

static void test_brute_force_optimum(void)
{
    mc_test_rng rng = {11};
    int64_t off[4];
    for (int round = 0; round < 80; ++round) {
        size_t n = (size_t)mc_test_range(&rng, 1, 4);
        mc_problem *p = random_problem(&rng, n, 4, 3, 0);
        int64_t opt = brute_force_height(p, 10);
        mc_solve_options o = options(100, true, 5.0);
        mc_report r = run_auto(p, &o, 1, off);
        CHECK_EQ_I64(r.height, opt);
        CHECK(r.proven_optimal);
        CHECK(r.outcome == MC_OUTCOME_SOLVED);
        mc_problem_destroy(p);
    }
}

static void test_decision_and_infeasible(void)
{
    mc_test_rng rng = {3};
    mc_problem *p = random_problem(&rng, 60, 30, 50, 1);
    size_t n = mc_problem_count(p);
    int64_t *off = malloc(n * sizeof(int64_t));
    int64_t load = mc_problem_load(p);
    /* Generous capacity: the first heuristic answers the decision. */
    mc_solve_options o = options(INT64_C(1) << 40, false, 2.0);
    mc_report r = run_auto(p, &o, 1, off);
    CHECK(r.outcome == MC_OUTCOME_SOLVED);
    CHECK(r.proven_optimal == (r.height <= r.lower_bound));
    /* Below LOAD: proven infeasible at once, the best layout still given. */
    o = options(load - 1, true, 2.0);
    r = run_auto(p, &o, 1, off);
    CHECK(r.outcome == MC_OUTCOME_INFEASIBLE);
    CHECK(r.height >= load);
    CHECK(strstr(r.reason, "does not fit") != NULL);
    free(off);
    mc_problem_destroy(p);
}

/* A tiling of 400 buffers has a known optimum that the first heuristic pass
 * misses. Two things are checked on it: fitting is not optimality (with a
 * generous capacity the layout fits but is above the optimum, so it must not
 * be reported proven optimal), and a tiny budget at the optimum times out
 * with a valid layout and its height. */
static void test_tiling_400(void)
{
    mc_gen_options g = {MC_GEN_TILING, 400, 9, 1000};
    mc_problem *p;
    int64_t optimum;
    CHECK(mc_generate(&g, &p, &optimum, NULL) == MC_OK);
    int64_t *off = malloc(400 * sizeof(int64_t));

    mc_solve_options o = options(INT64_C(1) << 40, false, 2.0);
    mc_report r = run_auto(p, &o, 1, off);
    CHECK(r.outcome == MC_OUTCOME_SOLVED);
    CHECK(r.height > optimum);
    CHECK(!r.proven_optimal);

    o = options(optimum, false, 0.05);
    r = run_auto(p, &o, 1, off);
    CHECK(r.height >= optimum);
    if (r.outcome != MC_OUTCOME_SOLVED) {
        CHECK(r.outcome == MC_OUTCOME_TIMEOUT);
        CHECK(strstr(r.reason, "does not fit") != NULL);
    }
    CHECK(r.seconds < 2.0);
    free(off);
    mc_problem_destroy(p);
}

/* Small tilings are proven optimal: heuristics or exact reach LOAD. */
static void test_tiling_optimum(void)
{
    for (uint64_t seed = 1; seed <= 6; ++seed) {
        mc_gen_options g = {MC_GEN_TILING, 12, seed, 64};
        mc_problem *p;
        int64_t optimum, off[12];
        CHECK(mc_generate(&g, &p, &optimum, NULL) == MC_OK);
        mc_solve_options o = options(1000, true, 10.0);
        mc_report r = run_auto(p, &o, 1 + (unsigned)(seed % 2), off);
        CHECK_EQ_I64(r.height, optimum);
        CHECK(r.proven_optimal);
        mc_problem_destroy(p);
    }
}

static bool stop_now(void *context)
{
    (void)context;
    return true;
}

static void count_progress(const mc_progress *p, void *context)
{
    CHECK(p->best_height >= p->lower_bound);
    ++*(int *)context;
}

static void test_cancel_progress_threads(void)
{
    mc_gen_options g = {MC_GEN_RANDOM, 3000, 4, 0};
    mc_problem *p;
    CHECK(mc_generate(&g, &p, NULL, NULL) == MC_OK);
    int64_t *off = malloc(3000 * sizeof(int64_t));
    int64_t load = mc_problem_load(p);
    mc_solve_options o = options(load, true, 5.0);
    o.should_stop = stop_now;
    mc_report r = run_auto(p, &o, 1, off);
    CHECK(r.seconds < 2.0);
    CHECK(r.outcome == MC_OUTCOME_CANCELLED || r.outcome == MC_OUTCOME_SOLVED);

    int calls = 0;
    o = options(INT64_C(1) << 40, true, 0.6);
    o.on_progress = count_progress;
    o.progress_interval = 0.05;
    o.context = &calls;
    for (unsigned threads = 1; threads <= 2; ++threads) {
        r = run_auto(p, &o, threads, off);
        CHECK(r.outcome == MC_OUTCOME_SOLVED);
        CHECK(r.seconds < 3.0);
    }
    CHECK(calls > 0);
    free(off);
    mc_problem_destroy(p);
}

static void test_misuse(void)
{
    mc_problem *p = mc_problem_create();
    add_fixed(p, "a", 0, 4, 4, 0);
    add_fixed(p, "b", 2, 6, 4, 1);
    int64_t off[2];
    mc_report r;
    mc_error err;
    mc_solve_options o = options(100, true, 1.0);
    CHECK(mc_solve_auto(p, &o, 1, off, &r, &err) == MC_ERR_INFEASIBLE);
    CHECK(strstr(err.message, "'a'") && strstr(err.message, "'b'"));
    CHECK(mc_solve_auto(p, &o, 0, off, &r, &err) == MC_ERR_INVALID);
    CHECK(mc_solve_auto(p, &o, 3, off, &r, &err) == MC_ERR_INVALID);
    o.capacity = 0;
    CHECK(mc_solve_auto(p, &o, 1, off, &r, &err) == MC_ERR_INVALID);
    CHECK(mc_solve_auto(NULL, &o, 1, off, &r, &err) == MC_ERR_INVALID);
    CHECK(mc_solve_auto(p, NULL, 1, off, &r, &err) == MC_ERR_INVALID);
    mc_problem_destroy(p);

    mc_problem *empty = mc_problem_create();
    o = options(10, true, 1.0);
    r = run_auto(empty, &o, 1, off);
    CHECK_EQ_I64(r.height, 0);
    CHECK(r.outcome == MC_OUTCOME_SOLVED && r.proven_optimal);
    mc_problem_destroy(empty);
}

int main(void)
{
    test_brute_force_optimum();
    test_decision_and_infeasible();
    test_tiling_400();
    test_tiling_optimum();
    test_cancel_progress_threads();
    test_misuse();
    return mc_test_finish("heuristics_auto");
}
