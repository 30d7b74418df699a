/* Training graphs: a forward pass whose saved activations live until the
 * matching backward op, then the backward pass producing one short-lived
 * gradient per forward op. Op j runs at time j forward and 2F-1-j
 * backward, so saved lifetimes nest like the real thing. */
#include "generate/builder.h"

typedef struct op_shape {
    int64_t size;
    int saved;   /* kept for the backward pass */
} op_shape;

/* Returns the shape of forward op j of the network; `state` is the kind's. */
typedef op_shape (*op_fn)(mc_gen_builder *b, size_t j, int64_t *state);

static mc_status emit_training(mc_gen_builder *b, size_t buffers, op_fn shape, int64_t *state)
{
    size_t forward = (buffers + 1) / 2, backward = buffers - forward;
    int64_t f = (int64_t)forward;
    mc_status st = MC_OK;
    for (size_t j = 0; j < forward && st == MC_OK; ++j) {
        op_shape s = shape(b, j, state);
        int64_t t = (int64_t)j;
        /* A saved activation dies after the backward op of j reads it. */
        int64_t upper = s.saved ? 2 * f - t : t + 2;
        st = mc_gen_emit(b, t, upper, s.size);
    }
    /* Gradients: the backward op of j writes one as large as j's output,
     * read by the next backward op. Sizes repeat the forward shapes. */
    for (size_t j = 0; j < backward && st == MC_OK; ++j) {
        size_t op = forward - 1 - j;
        int64_t t = 2 * f - 1 - (int64_t)op;
        st = mc_gen_emit(b, t, t + 2, mc_problem_buffer(b->problem, op)->size);
    }
    return st;
}

/* A block: layer norm, qkv, scores, softmax, attention, projection, layer
 * norm, MLP up, GELU, MLP down (fp16). state: seq, hidden, heads. */
static op_shape transformer_op(mc_gen_builder *b, size_t j, int64_t *state)
{
    (void)b;
    static const int64_t width[10] = {1, 3, 0, 0, 1, 1, 1, 4, 4, 1}; /* x hidden; 0: scores */
    static const int saved[10] = {1, 1, 0, 1, 1, 0, 1, 1, 1, 0};
    int64_t seq = state[0], hidden = state[1], heads = state[2];
    size_t k = j % 10;
    int64_t size = width[k] ? 2 * seq * hidden * width[k] : 2 * heads * seq * seq;
    return (op_shape){size, saved[k]};
}

mc_status mc_gen_transformer(mc_gen_builder *b, size_t buffers)
{
    int64_t state[3];
    state[0] = INT64_C(128) << mc_gen_range(b, 0, 2);  /* sequence 128..512 */
    state[1] = INT64_C(256) * mc_gen_range(b, 1, 4);   /* hidden 256..1024  */
    state[2] = state[1] / 64;
    return emit_training(b, buffers, transformer_op, state);
}

/* Convolution, batch norm, ReLU per layer; every fourth layer halves the
 * feature map and doubles the channels (down to 7x7, up to 2048). Batch
 * norm outputs are recomputed, not saved. state: side, channels, batch. */
static op_shape cnn_op(mc_gen_builder *b, size_t j, int64_t *state)
{
    size_t k = j % 3, layer = j / 3;
    if (k == 0 && layer > 0 && layer % 4 == 0) {
        if (state[0] > 7) state[0] /= 2;
        if (state[1] < 2048) state[1] *= 2;
    }
    /* A little jitter so that equal layers are not all identical. */
    int64_t channels = state[1] + (k == 0 ? mc_gen_range(b, 0, 3) * 16 : 0);
    return (op_shape){4 * state[2] * channels * state[0] * state[0], k != 1};
}

mc_status mc_gen_cnn(mc_gen_builder *b, size_t buffers)
{
    int64_t state[3];
    state[0] = 56 << mc_gen_range(b, 0, 2); /* 56..224 */
    state[1] = 16 << mc_gen_range(b, 0, 2); /* 16..64 channels */
    state[2] = mc_gen_range(b, 1, 8);       /* batch */
    return emit_training(b, buffers, cnn_op, state);
}
