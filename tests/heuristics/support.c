#include "support.h"

#include <stdio.h>
#include <stdlib.h>

const mc_method single_methods[] = {MC_METHOD_BEST_FIT, MC_METHOD_FIRST_FIT, MC_METHOD_GLOBAL_BEST_FIT,
                                    MC_METHOD_CONFLICT_GREEDY, MC_METHOD_ONLINE_BEST_FIT};
const size_t single_method_count = sizeof single_methods / sizeof single_methods[0];

static void add_or_die(mc_problem *p, const mc_buffer *b)
{
    mc_error err;
    if (mc_problem_add(p, b, &err) != MC_OK) {
        fprintf(stderr, "test setup: %s\n", err.message);
        exit(1);
    }
}

void add_plain(mc_problem *p, const char *id, int64_t lower, int64_t upper, int64_t size)
{
    mc_buffer b = mc_buffer_make(id, lower, upper, size);
    add_or_die(p, &b);
}

void add_fixed(mc_problem *p, const char *id, int64_t lower, int64_t upper, int64_t size, int64_t offset)
{
    mc_buffer b = mc_buffer_make(id, lower, upper, size);
    b.fixed_offset = offset;
    add_or_die(p, &b);
}

/* One gap in the middle of a lifetime of at least 3 steps, windowed or not. */
static size_t random_gap(mc_test_rng *rng, mc_buffer *b, mc_gap *gap)
{
    if (b->upper - b->lower < 3 || mc_test_range(rng, 0, 2) != 0) return 0;
    gap->lower = b->lower + 1;
    gap->upper = mc_test_range(rng, gap->lower + 1, b->upper - 1);
    gap->has_window = b->size > 1 && mc_test_range(rng, 0, 1);
    gap->window_lower = gap->has_window ? mc_test_range(rng, 0, b->size - 1) : 0;
    gap->window_upper = gap->has_window ? mc_test_range(rng, gap->window_lower + 1, b->size) : 0;
    return 1;
}

mc_problem *random_problem(mc_test_rng *rng, size_t n, int64_t span, int64_t max_size, int rich)
{
    mc_problem *p = mc_problem_create();
    if (!p) exit(1);
    /* Fixed buffers live far above everything else, one band each. */
    int64_t band = max_size * (int64_t)n + 1;
    int fixed = 0;
    for (size_t i = 0; i < n; ++i) {
        int64_t lower = mc_test_range(rng, 0, span - 1);
        mc_buffer b = mc_buffer_make(NULL, lower, lower + mc_test_range(rng, 1, span / 2 + 1),
                                     mc_test_range(rng, 1, max_size));
        mc_gap gap;
        if (rich) {
            static const int64_t aligns[] = {1, 1, 2, 4, 8};
            b.alignment = aligns[mc_test_range(rng, 0, 4)];
            if (mc_test_range(rng, 0, 15) == 0) b.size = 0;
            b.gap_count = random_gap(rng, &b, &gap);
            b.gaps = b.gap_count ? &gap : NULL;
            if (mc_test_range(rng, 0, 9) == 0) b.fixed_offset = band * ++fixed * 8;
        }
        add_or_die(p, &b);
    }
    return p;
}

int64_t place_checked(const mc_problem *p, mc_method method, int64_t *offsets)
{
    mc_error err;
    int64_t height = -1, validated = -2;
    mc_status st = mc_place(p, method, offsets, &height, &err);
    CHECK(st == MC_OK);
    if (st != MC_OK) {
        fprintf(stderr, "  %s: %s\n", mc_method_name(method), err.message);
        return -1;
    }
    int64_t capacity = height > 0 ? height : 1;
    st = mc_validate(p, capacity, offsets, &validated, &err);
    CHECK(st == MC_OK);
    if (st != MC_OK) fprintf(stderr, "  %s: invalid layout: %s\n", mc_method_name(method), err.message);
    CHECK_EQ_I64(validated, height);
    return height;
}

typedef struct brute {
    const mc_problem *p;
    int64_t limit, best;
    int64_t *offsets;
} brute;

static void search(brute *s, size_t i)
{
    size_t n = mc_problem_count(s->p);
    if (i == n) {
        int64_t h;
        if (mc_validate(s->p, s->best - 1 > 0 ? s->best - 1 : 1, s->offsets, &h, NULL) == MC_OK && h < s->best)
            s->best = h;
        return;
    }
    const mc_buffer *b = mc_problem_buffer(s->p, i);
    for (int64_t off = 0; off < s->limit; ++off) {
        if (b->fixed_offset != MC_NO_OFFSET && off != b->fixed_offset) continue;
        s->offsets[i] = off;
        search(s, i + 1);
    }
}

int64_t brute_force_height(const mc_problem *p, int64_t limit)
{
    size_t n = mc_problem_count(p);
    brute s = {p, limit, INT64_MAX, malloc((n + 1) * sizeof(int64_t))};
    if (!s.offsets) exit(1);
    search(&s, 0);
    free(s.offsets);
    return s.best;
}
