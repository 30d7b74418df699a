/*
 * memcarve/generate.h — synthetic planning problems of any size.
 *
 * Kinds
 *   transformer  forward + backward pass of a stack of attention/MLP blocks:
 *                activations saved in the forward pass live until their
 *                backward op (nested lifetimes), temporaries die at once.
 *   cnn          forward + backward pass of a convolutional network whose
 *                feature maps shrink while channels grow, with skip
 *                connections every few layers.
 *   tiling       a perfect tiling of the box [0, T) x [0, capacity) cut
 *                into `buffers` rectangles: every time step is covered
 *                exactly, so LOAD = optimum = capacity (*known_optimum).
 *   random       lifetimes of 1..64 steps starting uniformly, sizes
 *                log-uniform in [1, 65536]: about 32 buffers alive at once
 *                whatever the count, the scaling instance of the benchmark.
 *
 * Contract
 *   Deterministic: the same options give the same problem on every
 *   platform. Ids are the decimal indices. Buffers have alignment 1, no
 *   gaps, no fixed offsets. The caller owns *out (mc_problem_destroy).
 *   O(n) time and memory. No global state.
 */
#ifndef MEMCARVE_GENERATE_H
#define MEMCARVE_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "memcarve/error.h"
#include "memcarve/planner.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mc_gen_kind { MC_GEN_TRANSFORMER, MC_GEN_CNN, MC_GEN_TILING, MC_GEN_RANDOM } mc_gen_kind;

typedef struct mc_gen_options {
    mc_gen_kind kind;
    size_t buffers;    /* >= 1, at most 100,000,000 */
    uint64_t seed;
    int64_t capacity;  /* tiling: the known optimum height (<= 0: 1048576);
                          ignored by the other kinds */
} mc_gen_options;

/* Builds a problem of exactly o->buffers buffers. *known_optimum (may be
 * NULL) receives the optimal height when the kind knows it (tiling), else
 * -1. MC_ERR_INVALID for a bad kind or count, MC_ERR_NOMEM when memory ran
 * out; *out is untouched on error. */
mc_status mc_generate(const mc_gen_options *o, mc_problem **out, int64_t *known_optimum, mc_error *err);

/* Parses "transformer", "cnn", "tiling", "random". */
mc_status mc_gen_kind_parse(const char *name, mc_gen_kind *out, mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_GENERATE_H */
