/* Differential fuzzing of the exact planner. The first two bytes choose a
 * capacity, the rest is a problem file. Whatever the solver returns must be
 * a layout the validator accepts; on tiny problems (times in [0, 16), few
 * buffers, small sizes) its verdict must match the independent brute-force
 * oracle of the tests, and minimization must find nothing below the
 * oracle's reach. Any disagreement aborts, leaving the input as reproducer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz_check.h"
#include "brute.h"
#include "memcarve/csv.h"
#include "memcarve/planner.h"


/* Small enough for the oracle to answer in microseconds. */
static int oracle_sized(const mc_problem *p, int64_t capacity, brute_buffer *bb)
{
    size_t n = mc_problem_count(p);
    if (n == 0 || n > 6 || capacity > 24) return 0;
    for (size_t i = 0; i < n; ++i) {
        const mc_buffer *b = mc_problem_buffer(p, i);
        if (b->size > 8 || b->alignment > 8 || !brute_mirror(b, &bb[i])) return 0;
    }
    return 1;
}

static mc_report solve(const mc_problem *p, int64_t capacity, int minimize, int64_t *offsets)
{
    mc_solve_options o;
    mc_solve_options_init(&o);
    o.capacity = capacity;
    o.minimize = minimize != 0;
    o.node_limit = 200000;
    mc_report r;
    r.outcome = MC_OUTCOME_TIMEOUT;
    if (mc_solve(p, &o, offsets, &r, NULL) != MC_OK) r.outcome = MC_OUTCOME_TIMEOUT;
    if (r.outcome == MC_OUTCOME_SOLVED) {
        int64_t height = -1;
        fuzz_require(mc_validate(p, capacity, offsets, &height, NULL) == MC_OK, "the solver returned an invalid layout");
        fuzz_require(height == r.height, "the reported height is not the layout's");
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    int64_t capacity = 1 + (int64_t)data[0] + 256 * (int64_t)(data[1] & 0x3f);
    mc_csv *csv = NULL;
    if (mc_csv_parse((const char *)data + 2, size - 2, "fuzz.csv", &csv, NULL) != MC_OK) return 0;
    const mc_problem *p = mc_csv_problem(csv);
    size_t n = mc_problem_count(p);
    int64_t *offsets = malloc((n + 1) * sizeof(int64_t));
    brute_buffer bb[BRUTE_BUFFERS_MAX];
    if (offsets && n <= 64 && mc_problem_check_capacity(p, capacity, NULL) == MC_OK) {
        mc_report r = solve(p, capacity, 0, offsets);
        if (oracle_sized(p, capacity, bb) && r.outcome != MC_OUTCOME_TIMEOUT) {
            int fits = brute_feasible(bb, (int)n, capacity, NULL);
            fuzz_require(fits == (r.outcome == MC_OUTCOME_SOLVED), "the solver and the oracle disagree on feasibility");
            mc_report m = solve(p, capacity, 1, offsets);
            if (m.outcome == MC_OUTCOME_SOLVED && m.proven_optimal && m.height > 0)
                fuzz_require(!brute_feasible(bb, (int)n, m.height - 1, NULL), "the oracle fits below the proven optimum");
        }
    }
    free(offsets);
    mc_csv_destroy(csv);
    return 0;
}
