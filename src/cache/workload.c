/* Workload generators. Sizes model a transformer training step (batch 4,
 * hidden 1024, 24 layers): activations grow with the sequence length, the
 * attention scores with its square; parameters and optimizer state stay. */
#include <stdlib.h>
#include <string.h>

#include "cache/workload.h"

#define KIB ((uint64_t)1024)
#define MIB (KIB * KIB)

static uint64_t rng_next(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static uint64_t rng_range(uint64_t *state, uint64_t lo, uint64_t hi)
{
    return lo + rng_next(state) % (hi - lo + 1);
}

/* Workspace sizes: random per step when steps vary, else fixed per layer
 * so that identical steps really are identical. */
static uint64_t workspace(uint64_t *rng, int layer)
{
    return rng ? rng_range(rng, 64 * KIB, 768 * KIB) : 64 * KIB + (uint64_t)(layer * 37 % 11) * 64 * KIB;
}

static bool push(mc_workload *wl, mc_wl_kind kind, uint32_t slot, uint64_t size)
{
    if (wl->count == wl->capacity) {
        size_t cap = wl->capacity ? wl->capacity * 2 : 4096;
        mc_wl_op *grown = realloc(wl->ops, cap * sizeof *grown);
        if (!grown) return false;
        wl->ops = grown;
        wl->capacity = cap;
    }
    wl->ops[wl->count++] = (mc_wl_op){kind, slot, size};
    if (slot + 1 > wl->slots) wl->slots = slot + 1;
    return true;
}

enum { LAYERS = 24, PARAMS = 4, BATCH = 4, HIDDEN = 1024, HEADS = 16 };
/* Slot layout of the training workload. */
#define SLOT_PARAM(l, k) ((uint32_t)((l) * PARAMS + (k)))
#define SLOT_ADAM(l, k, m) ((uint32_t)(LAYERS * PARAMS * (1 + (m)) + (l) * PARAMS + (k)))
#define SLOT_GRAD(l, k) ((uint32_t)(LAYERS * PARAMS * 3 + (l) * PARAMS + (k)))
#define SLOT_ACT(l, a) ((uint32_t)(LAYERS * PARAMS * 4 + (l) * 4 + (a)))
#define SLOT_TEMP ((uint32_t)(LAYERS * PARAMS * 4 + LAYERS * 4))
#define SLOT_FLOW(i) (SLOT_TEMP + 1 + (uint32_t)(i))

static bool forward(mc_workload *wl, uint64_t seq, uint64_t *rng)
{
    uint64_t token = BATCH * seq * HIDDEN * 4;
    bool ok = true;
    for (int l = 0; l < LAYERS && ok; ++l) {
        ok &= push(wl, MC_WL_ALLOC, SLOT_ACT(l, 0), token);                           /* input  */
        ok &= push(wl, MC_WL_ALLOC, SLOT_ACT(l, 1), BATCH * HEADS * seq * seq * 2);    /* scores */
        ok &= push(wl, MC_WL_ALLOC, SLOT_TEMP, workspace(rng, l));  /* workspace */
        ok &= push(wl, MC_WL_FREE, SLOT_TEMP, 0);
        ok &= push(wl, MC_WL_ALLOC, SLOT_ACT(l, 2), 4 * token);                       /* MLP    */
        ok &= push(wl, MC_WL_ALLOC, SLOT_ACT(l, 3), token / 16 + 4 * KIB);            /* norms  */
    }
    return ok;
}

static bool backward(mc_workload *wl, uint64_t seq, uint64_t *rng)
{
    uint64_t token = BATCH * seq * HIDDEN * 4;
    bool ok = push(wl, MC_WL_ALLOC, SLOT_FLOW(LAYERS % 2), token);
    for (int l = LAYERS - 1; l >= 0 && ok; --l) {
        ok &= push(wl, MC_WL_ALLOC, SLOT_FLOW(l % 2), token);                         /* grad in */
        ok &= push(wl, MC_WL_ALLOC, SLOT_TEMP, 4 * token);                            /* d MLP   */
        for (int k = 0; k < PARAMS; ++k) ok &= push(wl, MC_WL_ALLOC, SLOT_GRAD(l, k), HIDDEN * HIDDEN * 4);
        ok &= push(wl, MC_WL_FREE, SLOT_TEMP, 0);
        for (int a = 3; a >= 0; --a) ok &= push(wl, MC_WL_FREE, SLOT_ACT(l, a), 0);
        ok &= push(wl, MC_WL_ALLOC, SLOT_TEMP, workspace(rng, l));
        ok &= push(wl, MC_WL_FREE, SLOT_TEMP, 0);
        ok &= push(wl, MC_WL_FREE, SLOT_FLOW((l + 1) % 2), 0);                        /* grad out */
    }
    return ok && push(wl, MC_WL_FREE, SLOT_FLOW(0), 0);
}

static bool training(mc_workload *wl, bool variable, unsigned steps, uint64_t *rng)
{
    bool ok = true;
    for (int l = 0; l < LAYERS; ++l)
        for (int k = 0; k < PARAMS; ++k) ok &= push(wl, MC_WL_ALLOC, SLOT_PARAM(l, k), HIDDEN * HIDDEN * 4);
    for (unsigned s = 0; s < steps && ok; ++s) {
        uint64_t seq = variable ? 64 * rng_range(rng, 2, 12) : 512;
        ok &= push(wl, MC_WL_STEP, 0, seq);
        ok &= forward(wl, seq, variable ? rng : NULL) && backward(wl, seq, variable ? rng : NULL);
        for (int l = 0; l < LAYERS && ok; ++l)
            for (int k = 0; k < PARAMS; ++k) {
                if (s == 0) /* Adam's two moments, created on the first step */
                    for (int m = 0; m < 2; ++m) ok &= push(wl, MC_WL_ALLOC, SLOT_ADAM(l, k, m), HIDDEN * HIDDEN * 4);
                ok &= push(wl, MC_WL_FREE, SLOT_GRAD(l, k), 0);
            }
    }
    return ok;
}

static bool churn(mc_workload *wl, unsigned scale)
{
    bool ok = true;
    for (unsigned i = 0; i < 20000u * scale && ok; ++i) {
        if (i % 1000 == 0) ok &= push(wl, MC_WL_STEP, 0, 0);
        ok &= push(wl, MC_WL_ALLOC, 0, 256 * KIB);
        ok &= push(wl, MC_WL_FREE, 0, 0);
    }
    return ok;
}

static bool random_sizes(mc_workload *wl, unsigned scale, uint64_t *rng)
{
    enum { LIVE = 48 };
    bool live[LIVE] = {false}, ok = true;
    for (unsigned i = 0; i < 20000u * scale && ok; ++i) {
        if (i % 1000 == 0) ok &= push(wl, MC_WL_STEP, 0, 0);
        uint32_t slot = (uint32_t)rng_range(rng, 0, LIVE - 1);
        if (live[slot]) ok &= push(wl, MC_WL_FREE, slot, 0);
        else {
            /* log-uniform 1 KiB .. 256 MiB */
            uint64_t bits = rng_range(rng, 10, 27), size = (UINT64_C(1) << bits) + rng_range(rng, 0, (UINT64_C(1) << bits));
            ok &= push(wl, MC_WL_ALLOC, slot, size > 256 * MIB ? 256 * MIB : size);
        }
        live[slot] = !live[slot];
    }
    for (uint32_t s = 0; s < LIVE && ok; ++s)
        if (live[s]) ok &= push(wl, MC_WL_FREE, s, 0);
    return ok;
}

static const char *const names[] = {"training-fixed", "training-var", "churn", "random"};

bool mc_workload_parse(const char *name, mc_wl_which *out)
{
    for (int i = 0; i < 4; ++i)
        if (!strcmp(name, names[i])) {
            *out = (mc_wl_which)i;
            return true;
        }
    return false;
}

mc_status mc_workload_make(mc_wl_which which, unsigned scale, uint64_t seed, mc_workload *wl,
                           mc_error *err)
{
    memset(wl, 0, sizeof *wl);
    if ((unsigned)which > MC_WL_RANDOM || scale < 1 || scale > 1000)
        return mc_error_set(err, MC_ERR_INVALID, "workload: unknown kind or scale outside 1..1000");
    wl->name = names[which];
    uint64_t rng = seed;
    bool ok = which == MC_WL_CHURN    ? churn(wl, scale)
              : which == MC_WL_RANDOM ? random_sizes(wl, scale, &rng)
                                      : training(wl, which == MC_WL_TRAINING_VAR, 12 * scale, &rng);
    if (ok) return MC_OK;
    mc_workload_free(wl);
    return mc_error_set(err, MC_ERR_NOMEM, "workload: out of host memory");
}

void mc_workload_free(mc_workload *wl)
{
    free(wl->ops);
    memset(wl, 0, sizeof *wl);
}
