/* Shared by the generator kinds: appends buffers with decimal ids and a
 * deterministic random stream, so each kind is only its shape. */
#ifndef MC_GENERATE_BUILDER_H
#define MC_GENERATE_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "memcarve/generate.h"

typedef struct mc_gen_builder {
    mc_problem *problem;
    uint64_t rng;
    mc_error *err;
} mc_gen_builder;

/* Appends buffer [lower, upper) x size with the next decimal id. */
mc_status mc_gen_emit(mc_gen_builder *b, int64_t lower, int64_t upper, int64_t size);

/* Uniform in [lo, hi]. */
int64_t mc_gen_range(mc_gen_builder *b, int64_t lo, int64_t hi);

mc_status mc_gen_transformer(mc_gen_builder *b, size_t buffers);
mc_status mc_gen_cnn(mc_gen_builder *b, size_t buffers);
mc_status mc_gen_tiling(mc_gen_builder *b, size_t buffers, int64_t height);
mc_status mc_gen_random(mc_gen_builder *b, size_t buffers);

#endif
