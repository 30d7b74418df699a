/* The stack allocator: nvFuser's test_smem_reuse cases on equivalent
 * inputs (operations at integer times, the block reduction's sync as a
 * barrier), a time-stepping reference model on random inputs, sync safety
 * by the pairwise checker, and misuse. */
#include <stdlib.h>
#include <string.h>

#include "planner/problem_internal.h"
#include "support.h"

static int64_t align16(int64_t v) { return (v + 15) / 16 * 16; }

static int64_t stack_height(const mc_problem *p, const mc_barriers *bars, int64_t *offsets)
{
    int64_t height = -1;
    mc_error err;
    CHECK(mc_place_stack(p, bars, 16, offsets, &height, &err) == MC_OK);
    CHECK_EQ_I64(sync_violations(p, offsets, bars), 0);
    return height;
}

/* SimpleCase: A = tv1 (H floats) written at 1, read at 2; the sum at 3 is
 * the block reduction; B = tv5 (W floats) written at 5, read at 6. */
static void simple_case(void)
{
    const int64_t H = 5, W = 6;
    spec s[] = {{"A", 1, 3, H * 4}, {"B", 5, 7, W * 4}};
    mc_problem *p = make_problem(s, 2);
    int64_t off[2];
    CHECK_EQ_I64(stack_height(p, NULL, off), align16(W * 4) + H * 4); /* B at the bottom */
    CHECK_EQ_I64(off[1], 0);
    int64_t sync[] = {3};
    mc_barriers bars = {sync, 1};
    CHECK_EQ_I64(stack_height(p, &bars, off), W * 4);
    CHECK_EQ_I64(off[0], 0);
    CHECK_EQ_I64(off[1], 0);
    mc_problem_destroy(p);
}

/* NeedsReorderedPush: A=tv0 [a,b], B=tv1 [b,e], C=tv5 [d,f] with a..f =
 * 1,2,3,5,6,7 and the reduction's sync at 4. */
static mc_problem *reordered_push_problem(int64_t H)
{
    spec s[] = {{"A", 1, 3, H * 4}, {"B", 2, 7, (H + 1) * 4}, {"C", 5, 8, (H + 1) * 4}};
    return make_problem(s, 3);
}

static void needs_reordered_push(void)
{
    const int64_t H = 5;
    mc_problem *p = reordered_push_problem(H);
    int64_t off[3];
    CHECK_EQ_I64(stack_height(p, NULL, off), align16(align16((H + 1) * 4) + (H + 1) * 4) + H * 4);
    int64_t sync[] = {4};
    mc_barriers bars = {sync, 1};
    CHECK_EQ_I64(stack_height(p, &bars, off), align16((H + 1) * 4) + (H + 1) * 4);
    /* B pushed below A (later last read), A popped, C reuses A's place. */
    CHECK_EQ_I64(off[1], 0);
    CHECK_EQ_I64(off[0], 32);
    CHECK_EQ_I64(off[2], 32);
    mc_problem_destroy(p);
}

static void promote_case(mc_problem *p, const char *const *ids, size_t id_count, const int64_t *want,
                         size_t want_count, int64_t want_height, int64_t *off)
{
    mc_barriers all = {NULL, 0}, added = {NULL, 0};
    mc_error err;
    CHECK(mc_promote_reuse(p, NULL, ids, id_count, &all, &added, &err) == MC_OK);
    CHECK_EQ_I64(added.count, want_count);
    for (size_t k = 0; k < want_count && k < added.count; ++k) CHECK_EQ_I64(added.positions[k], want[k]);
    CHECK_EQ_I64(stack_height(p, &all, off), want_height);
    mc_barriers_free(&all);
    mc_barriers_free(&added);
}

/* PromoteReuse: no sync in the kernel; promoting A puts one just before C
 * is written. */
static void promote_reuse(void)
{
    const int64_t H = 5;
    mc_problem *p = reordered_push_problem(H);
    const char *ids[] = {"A"};
    int64_t want[] = {4}, off[3];
    promote_case(p, ids, 1, want, 1, align16((H + 1) * 4) + (H + 1) * 4, off);
    mc_problem_destroy(p);
}

/* PromoteReuseMultipleDownstream: A, B, C back to back (times doubled so a
 * barrier fits between a read and the next write). */
static void promote_reuse_multiple_downstream(void)
{
    const int64_t H = 7;
    spec s[] = {{"A", 2, 5, H * 4}, {"B", 6, 9, (H + 1) * 4}, {"C", 10, 13, (H + 2) * 4}};
    mc_problem *p = make_problem(s, 3);
    int64_t off[3];
    CHECK_EQ_I64(stack_height(p, NULL, off), align16(align16((H + 2) * 4) + (H + 1) * 4) + H * 4);
    const char *ids[] = {"A"};
    int64_t want[] = {5};
    promote_case(p, ids, 1, want, 1, align16((H + 2) * 4) + (H + 1) * 4, off);
    CHECK_EQ_I64(off[2], 0); /* C reuses A; B is stacked above C */
    CHECK_EQ_I64(off[1], align16((H + 2) * 4));
    mc_problem_destroy(p);
}

/* MultiplePromoteReuse: A B C D; promoting A and C gives A: 0, B: above C,
 * C: 0, D: 0. */
static void multiple_promote_reuse(void)
{
    const int64_t H = 7;
    spec s[] = {{"A", 1, 3, H * 4}, {"B", 4, 6, (H + 1) * 4}, {"C", 7, 9, (H + 2) * 4}, {"D", 10, 12, (H + 3) * 4}};
    mc_problem *p = make_problem(s, 4);
    int64_t off[4];
    CHECK_EQ_I64(stack_height(p, NULL, off),
                 align16(align16(align16((H + 3) * 4) + (H + 2) * 4) + (H + 1) * 4) + H * 4);
    const char *ids[] = {"C", "A"};
    int64_t want[] = {3, 9};
    promote_case(p, ids, 2, want, 2, align16((H + 2) * 4) + (H + 1) * 4, off);
    CHECK_EQ_I64(off[0], 0);
    CHECK_EQ_I64(off[1], align16((H + 2) * 4));
    CHECK_EQ_I64(off[2], 0);
    CHECK_EQ_I64(off[3], 0);
    mc_problem_destroy(p);
}

/* ------------------------------------------------------ reference model */

/* nvFuser's description run step by step over every integer time, with
 * plain arrays and selection sorts: slow, obviously faithful. */
typedef struct model {
    const mc_problem *p;
    int64_t align, *off;
    int waiting[64], stack[64];
    int nw, ns;
} model;

static int64_t up(const model *m, int i) { return mc_problem_buffer(m->p, (size_t)i)->upper; }

static void model_flush(model *m)
{
    while (m->nw) {
        int best = 0;
        for (int k = 1; k < m->nw; ++k) {
            int a = m->waiting[k], b = m->waiting[best];
            if (up(m, a) > up(m, b) || (up(m, a) == up(m, b) && a > b)) best = k;
        }
        int i = m->waiting[best];
        m->waiting[best] = m->waiting[--m->nw];
        int64_t top = 0;
        if (m->ns) top = m->off[m->stack[m->ns - 1]] + mc_problem_buffer(m->p, (size_t)m->stack[m->ns - 1])->size;
        m->off[i] = (top + m->align - 1) / m->align * m->align;
        m->stack[m->ns++] = i;
    }
}

static void model_run(model *m, const mc_barriers *bars, int64_t horizon)
{
    size_t n = mc_problem_count(m->p);
    for (int64_t t = 0; t <= horizon; ++t) {
        for (size_t i = 0; i < n; ++i)
            if (mc_problem_buffer(m->p, i)->lower == t) m->waiting[m->nw++] = (int)i;
        bool barrier = false;
        for (size_t k = 0; k < bars->count; ++k) barrier |= bars->positions[k] == t;
        if (!barrier) continue;
        bool dead = false;
        for (int k = 0; k < m->nw; ++k) dead |= up(m, m->waiting[k]) <= t;
        if (m->nw && !dead) continue;
        model_flush(m);
        while (m->ns && up(m, m->stack[m->ns - 1]) <= t) --m->ns;
    }
    model_flush(m);
}

static void random_against_model(void)
{
    mc_test_rng rng = {20261121};
    for (int round = 0; round < 400; ++round) {
        size_t n = (size_t)mc_test_range(&rng, 1, 40);
        int64_t horizon = mc_test_range(&rng, 3, 60), align = mc_test_range(&rng, 1, 3) * 8 - 7;
        mc_problem *p = random_problem(&rng, n, horizon, 50);
        mc_barriers bars = random_barriers(&rng, horizon, (int)mc_test_range(&rng, 0, 40));
        int64_t off[64], ref[64], height = 0;
        mc_error err;
        CHECK(mc_place_stack(p, &bars, align, off, &height, &err) == MC_OK);
        model m = {p, align, ref, {0}, {0}, 0, 0};
        model_run(&m, &bars, horizon + 1);
        int64_t ref_height = 0;
        for (size_t i = 0; i < n; ++i) {
            CHECK_EQ_I64(off[i], ref[i]);
            CHECK_EQ_I64(off[i] % align, 0);
            int64_t end = ref[i] + mc_problem_buffer(p, i)->size;
            if (end > ref_height) ref_height = end;
        }
        CHECK_EQ_I64(height, ref_height);
        CHECK_EQ_I64(sync_violations(p, off, &bars), 0);
        /* The sync-aware problem accepts the layout too. */
        mc_problem *ext = NULL;
        CHECK(mc_sync_extend(p, &bars, &ext, &err) == MC_OK);
        CHECK(mc_validate(ext, height > 0 ? height : 1, off, NULL, &err) == MC_OK);
        mc_problem_destroy(ext);
        mc_problem_destroy(p);
        mc_barriers_free(&bars);
    }
}

static void misuse(void)
{
    spec s[] = {{"A", 0, 2, 4}, {"B", 1, 3, 4}};
    mc_problem *p = make_problem(s, 2);
    int64_t off[2], h;
    mc_error err;
    CHECK(mc_place_stack(p, NULL, 0, off, &h, &err) == MC_ERR_INVALID);
    CHECK(mc_place_stack(NULL, NULL, 1, off, &h, &err) == MC_ERR_INVALID);
    int64_t unsorted[] = {3, 1};
    mc_barriers bad = {unsorted, 2};
    CHECK(mc_place_stack(p, &bad, 1, off, &h, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "increasing") != NULL);
    int64_t negative[] = {-1};
    bad = (mc_barriers){negative, 1};
    CHECK(mc_place_stack(p, &bad, 1, off, &h, &err) == MC_ERR_INVALID);
    /* A fixed offset cannot be honoured by a stack. */
    mc_buffer fixed = mc_buffer_make("F", 0, 1, 4);
    fixed.fixed_offset = 8;
    CHECK(mc_problem_add(p, &fixed, &err) == MC_OK);
    int64_t off3[3];
    CHECK(mc_place_stack(p, NULL, 1, off3, &h, &err) == MC_ERR_UNSUPPORTED);
    CHECK(strstr(err.message, "'F'") != NULL);
    mc_problem_destroy(p);
    /* Alignments: the lcm of the method's and the buffer's. */
    mc_problem *q = mc_problem_create();
    mc_buffer a = mc_buffer_make("a", 0, 4, 5), b = mc_buffer_make("b", 0, 4, 5);
    b.alignment = 6;
    CHECK(mc_problem_add(q, &a, &err) == MC_OK && mc_problem_add(q, &b, &err) == MC_OK);
    CHECK(mc_place_stack(q, NULL, 4, off, &h, &err) == MC_OK);
    CHECK_EQ_I64(off[0] % 4 + off[1] % 12, 0);
    mc_problem_destroy(q);
}

int main(void)
{
    simple_case();
    needs_reordered_push();
    promote_reuse();
    promote_reuse_multiple_downstream();
    multiple_promote_reuse();
    random_against_model();
    misuse();
    return mc_test_finish("sync_stack");
}
