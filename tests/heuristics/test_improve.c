/* The local search on its own (internal API): starting from a greedy
 * order it must only ever publish valid layouts lower than what it was
 * given, and on instances where greedy is far from LOAD it must find some. */
#include <stdlib.h>

#include "common/clock.h"
#include "heuristics/improve.h"
#include "heuristics/place.h"
#include "support.h"

static int improve_once(const mc_problem *p, uint64_t seed)
{
    size_t n = mc_problem_count(p);
    mc_engine e;
    CHECK(mc_engine_init(&e, p, NULL) == MC_OK);
    int32_t *order = malloc(n * sizeof(int32_t));
    int64_t *best = malloc(n * sizeof(int64_t));
    int64_t greedy = -1;
    CHECK(mc_place_recipe(&e, MC_ORDER_SIZE, MC_FIT_BEST, order, &greedy, NULL) == MC_OK);
    mc_improve_shared s = {NULL, greedy, best, mc_problem_load(p), mc_clock_seconds() + 0.15, 0, NULL, NULL, 0, 0};
    CHECK(mc_improve(&e, order, seed, &s, NULL, NULL, 0, NULL) == MC_OK);
    CHECK(s.best_height <= greedy);
    CHECK(s.best_height >= mc_problem_load(p));
    CHECK(s.moves > 0);
    int improved = s.best_height < greedy;
    if (improved) {
        int64_t h = -1;
        mc_error err;
        CHECK(mc_validate(p, s.best_height, best, &h, &err) == MC_OK);
        CHECK_EQ_I64(h, s.best_height);
    }
    free(order);
    free(best);
    mc_engine_free(&e);
    return improved;
}

int main(void)
{
    mc_test_rng rng = {99};
    int improved = 0;
    for (int round = 0; round < 8; ++round) {
        mc_problem *p = random_problem(&rng, 120, 40, 1000, round % 2);
        improved += improve_once(p, (uint64_t)round + 1);
        mc_problem_destroy(p);
    }
    CHECK(improved >= 4);
    return mc_test_finish("heuristics_improve");
}
