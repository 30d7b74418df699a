#include "support.h"

#include <stdio.h>
#include <stdlib.h>

mc_problem *make_problem(const spec *specs, size_t count)
{
    mc_problem *p = mc_problem_create();
    for (size_t i = 0; p && i < count; ++i) {
        mc_buffer b = mc_buffer_make(specs[i].id, specs[i].lower, specs[i].upper, specs[i].size);
        mc_error err;
        if (mc_problem_add(p, &b, &err) != MC_OK) {
            fprintf(stderr, "make_problem: %s\n", err.message);
            exit(2);
        }
    }
    if (!p) exit(2);
    return p;
}

mc_problem *random_problem(mc_test_rng *rng, size_t n, int64_t horizon, int64_t max_size)
{
    spec *specs = malloc((n + 1) * sizeof(spec));
    char (*names)[24] = malloc((n + 1) * sizeof *names);
    if (!specs || !names) exit(2);
    for (size_t i = 0; i < n; ++i) {
        int64_t lower = mc_test_range(rng, 0, horizon - 2);
        int64_t upper = mc_test_range(rng, lower + 1, lower + 1 + (horizon - lower - 1) / 2);
        snprintf(names[i], sizeof names[i], "b%zu", i);
        specs[i] = (spec){names[i], lower, upper, mc_test_range(rng, 1, max_size)};
    }
    mc_problem *p = make_problem(specs, n);
    free(specs);
    free(names);
    return p;
}

mc_barriers random_barriers(mc_test_rng *rng, int64_t horizon, int percent)
{
    mc_barriers bars = {malloc((size_t)(horizon + 2) * sizeof(int64_t)), 0};
    if (!bars.positions) exit(2);
    for (int64_t t = 0; t <= horizon; ++t)
        if (mc_test_range(rng, 1, 100) <= percent) bars.positions[bars.count++] = t;
    return bars;
}

bool separated(const mc_buffer *a, const mc_buffer *b, const mc_barriers *bars)
{
    for (size_t k = 0; bars && k < bars->count; ++k)
        if (a->upper - 1 < bars->positions[k] && bars->positions[k] < b->lower) return true;
    return false;
}

int sync_violations(const mc_problem *p, const int64_t *offsets, const mc_barriers *bars)
{
    int bad = 0;
    size_t n = mc_problem_count(p);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = i + 1; j < n; ++j) {
            const mc_buffer *a = mc_problem_buffer(p, i), *b = mc_problem_buffer(p, j);
            bool apart = offsets[i] + a->size <= offsets[j] || offsets[j] + b->size <= offsets[i];
            if (apart || a->size == 0 || b->size == 0) continue;
            if (!separated(a, b, bars) && !separated(b, a, bars)) ++bad;
        }
    return bad;
}
