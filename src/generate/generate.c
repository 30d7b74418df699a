#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "generate/builder.h"
#include "heuristics/rng.h"

#define MC_GEN_MAX_BUFFERS ((size_t)100000000)

mc_status mc_gen_emit(mc_gen_builder *b, int64_t lower, int64_t upper, int64_t size)
{
    char id[24];
    snprintf(id, sizeof id, "%zu", mc_problem_count(b->problem));
    mc_buffer buf = mc_buffer_make(id, lower, upper, size);
    return mc_problem_add(b->problem, &buf, b->err);
}

int64_t mc_gen_range(mc_gen_builder *b, int64_t lo, int64_t hi)
{
    return lo + (int64_t)mc_rng_below(&b->rng, (uint64_t)(hi - lo) + 1);
}

mc_status mc_gen_kind_parse(const char *name, mc_gen_kind *out, mc_error *err)
{
    static const char *const names[] = {"transformer", "cnn", "tiling", "random"};
    for (int k = 0; name && k < 4; ++k) {
        if (strcmp(name, names[k]) == 0) {
            *out = (mc_gen_kind)k;
            return MC_OK;
        }
    }
    return mc_error_set(err, MC_ERR_INVALID, "kind: expected transformer, cnn, tiling or random, got '%s'",
                        name ? name : "(null)");
}

mc_status mc_generate(const mc_gen_options *o, mc_problem **out, int64_t *known_optimum, mc_error *err)
{
    if (!o || !out) return mc_error_set(err, MC_ERR_INVALID, "mc_generate: options and out are required");
    if (o->buffers < 1 || o->buffers > MC_GEN_MAX_BUFFERS)
        return mc_error_set(err, MC_ERR_INVALID, "buffers: expected 1 to %zu, got %zu", MC_GEN_MAX_BUFFERS,
                            o->buffers);
    if ((unsigned)o->kind > MC_GEN_RANDOM)
        return mc_error_set(err, MC_ERR_INVALID, "kind: expected transformer, cnn, tiling or random");
    /* Any height >= 1 works for tilings: the box is 2n steps wide. */
    int64_t height = o->capacity > 0 ? o->capacity : INT64_C(1048576);
    /* The seed is mixed with a constant so that seed 0 is not special. */
    mc_gen_builder b = {mc_problem_create(), o->seed ^ UINT64_C(0x6d656d6361727665), err};
    if (!b.problem) return mc_error_set(err, MC_ERR_NOMEM, "out of memory generating %zu buffers", o->buffers);
    mc_status st;
    switch (o->kind) {
    case MC_GEN_TRANSFORMER: st = mc_gen_transformer(&b, o->buffers); break;
    case MC_GEN_CNN: st = mc_gen_cnn(&b, o->buffers); break;
    case MC_GEN_TILING: st = mc_gen_tiling(&b, o->buffers, height); break;
    default: st = mc_gen_random(&b, o->buffers); break;
    }
    if (st != MC_OK) {
        mc_problem_destroy(b.problem);
        return st;
    }
    *out = b.problem;
    if (known_optimum) *known_optimum = o->kind == MC_GEN_TILING ? height : -1;
    return MC_OK;
}
