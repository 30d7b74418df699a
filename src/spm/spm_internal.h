/* Internal layout of the SMA scratch-pad heap, shared by the files of src/spm.
 *
 * Memory picture (metadata inline; with a separate meta area the first part
 * lives there instead):
 *
 *   [struct mc_spm][F/E words][P words][locks] ...pad... [block 0][block 1]...
 *
 * F: 1 = block free. E: 1 = block is the last of an allocated unit (a run
 * of whole blocks, or a split block, which is a unit of one). P: 1 = block
 * is split into buddy regions; its coalesce tag is in its first leaf.
 * F and E of a block sit side by side in one word (bits 2j and 2j+1), so
 * "claim the run and mark its end" and "unmark the end and free the run"
 * are each one atomic step on the last word: another thread looking at the
 * block before its own run (to tell a run start from an interior pointer)
 * never sees a half-done state. Keeping "end" rather than "start" marks
 * means freeing a run reads only the bits of blocks it owns.
 */
#ifndef MC_SPM_INTERNAL_H
#define MC_SPM_INTERNAL_H

#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "memcarve/spm.h"

typedef unsigned long spm_word;
enum { SPM_F = 0, SPM_E = 1, SPM_P = 2 };
typedef _Atomic unsigned long spm_aword;
#define SPM_WBITS ((uint32_t)(sizeof(spm_word) * CHAR_BIT))
#define SPM_NIL UINT32_MAX
/* At most 32 leaves per block, so a tag is two 32-bit words. */
#define SPM_MAX_CLASSES 5u
#define SPM_MIN_SHIFT 3u
#define SPM_THREADS (MC_SPM_THREADS_COARSE | MC_SPM_THREADS_FINE)
/* Blocks per F/E word, and the mask of its F bits. */
#define SPM_HALF (SPM_WBITS / 2u)
#define SPM_EVEN (~(spm_word)0 / 3u)

/* The whole mutable state: 64 bytes on LP64, 52 on ILP32. */
struct mc_spm {
    uint8_t *base;                    /* block 0; aligned to min(B, 64)  */
    uint32_t nblocks, nwords;         /* nwords: F/E words               */
    uint32_t head[SPM_MAX_CLASSES];   /* free-list heads: byte offsets   */
    uint8_t bshift, mshift, nclasses, flags;
    _Atomic uint32_t hint;            /* F words before it are all zero  */
    _Atomic uint32_t live;
    _Atomic size_t used, peak;
};

/* The coalesce tag at the start of a split block. split bit n: buddy-tree
 * node n (root 1, children 2n, 2n+1) is split. free bit i: the region that
 * starts at leaf i is free. Leaf 0 holds the tag and is never free. */
typedef struct spm_tag {
    _Atomic uint32_t split;
    _Atomic uint32_t free;
} spm_tag;

/* Free-list links, stored in the free region itself. */
typedef struct spm_link {
    uint32_t next, prev;
} spm_link;

/* What a pointer refers to, as worked out by spm_locate. */
typedef struct spm_loc {
    uint32_t block;
    uint32_t blocks; /* whole run: its length; region: 0           */
    uint32_t leaf;   /* region: first leaf                         */
    uint32_t cls;    /* region: size class (0 = min region)        */
} spm_loc;

static inline bool spm_threaded(const mc_spm *h) { return (h->flags & SPM_THREADS) != 0; }

static inline spm_aword *spm_bits(const mc_spm *h, int which)
{
    spm_aword *fe = (spm_aword *)(void *)((uint8_t *)(uintptr_t)h + sizeof(mc_spm));
    return which == SPM_P ? fe + h->nwords : fe;
}

static inline uint32_t spm_pwords(const mc_spm *h) { return (h->nblocks + SPM_WBITS - 1) / SPM_WBITS; }

static inline _Atomic unsigned char *spm_locks(const mc_spm *h)
{
    return (_Atomic unsigned char *)(void *)(spm_bits(h, SPM_P) + spm_pwords(h));
}

static inline size_t spm_block_size(const mc_spm *h) { return (size_t)1 << h->bshift; }
static inline uint32_t spm_leaves(const mc_spm *h) { return 1u << h->nclasses; }
static inline spm_tag *spm_tag_of(const mc_spm *h, uint32_t block)
{
    return (spm_tag *)(void *)(h->base + ((size_t)block << h->bshift));
}

/* Single-threaded heaps pay for plain loads and stores only; threaded heaps
 * get real read-modify-writes. One macro so the two word widths share it. */
#define SPM_RMW(name, type, op)                                                      \
    static inline type name(const mc_spm *h, _Atomic type *p, type v)              \
    {                                                                                \
        if (spm_threaded(h)) return atomic_fetch_##op##_explicit(p, v, memory_order_acq_rel); \
        type old = atomic_load_explicit(p, memory_order_relaxed);                   \
        atomic_store_explicit(p, SPM_OP_##op(old, v), memory_order_relaxed);        \
        return old;                                                                  \
    }
#define SPM_OP_or(a, b) ((a) | (b))
#define SPM_OP_and(a, b) ((a) & (b))
#define SPM_OP_xor(a, b) ((a) ^ (b))
#define SPM_OP_add(a, b) ((a) + (b))
#define SPM_OP_sub(a, b) ((a) - (b))
SPM_RMW(spm_word_or, unsigned long, or)
SPM_RMW(spm_word_and, unsigned long, and)
SPM_RMW(spm_word_xor, unsigned long, xor)
SPM_RMW(spm_u32_or, uint32_t, or)
SPM_RMW(spm_u32_and, uint32_t, and)
SPM_RMW(spm_u32_add, uint32_t, add)
SPM_RMW(spm_u32_sub, uint32_t, sub)
SPM_RMW(spm_size_add, size_t, add)
SPM_RMW(spm_size_sub, size_t, sub)

/* Moves the hint from `seen` to `to`. Threaded heaps only move it if nobody
 * else did meanwhile; the hint is advice there, checked by a rescan. */
static inline void spm_hint_move(mc_spm *h, uint32_t seen, uint32_t to)
{
    if (!spm_threaded(h)) {
        atomic_store_explicit(&h->hint, to, memory_order_relaxed);
        return;
    }
    atomic_compare_exchange_strong_explicit(&h->hint, &seen, to, memory_order_relaxed, memory_order_relaxed);
}

static inline uint32_t spm_load32(const mc_spm *h, const _Atomic uint32_t *p)
{
    return atomic_load_explicit(p, spm_threaded(h) ? memory_order_acquire : memory_order_relaxed);
}

/* The word holding bit `which` of block i, and that bit's mask. */
static inline spm_aword *spm_bit_at(const mc_spm *h, int which, uint32_t i, spm_word *mask)
{
    if (which == SPM_P) {
        *mask = (spm_word)1 << (i % SPM_WBITS);
        return &spm_bits(h, SPM_P)[i / SPM_WBITS];
    }
    *mask = (spm_word)1 << (2u * (i % SPM_HALF) + (uint32_t)which);
    return &spm_bits(h, SPM_F)[i / SPM_HALF];
}

static inline bool spm_bit(const mc_spm *h, int which, uint32_t i)
{
    spm_word m;
    return (atomic_load_explicit(spm_bit_at(h, which, i, &m), memory_order_relaxed) & m) != 0;
}

static inline void spm_bit_set(const mc_spm *h, int which, uint32_t i, bool on)
{
    spm_word m;
    spm_aword *w = spm_bit_at(h, which, i, &m);
    if (on) spm_word_or(h, w, m);
    else spm_word_and(h, w, ~m);
}

static inline uint32_t spm_ctz(spm_word w) { return (uint32_t)__builtin_ctzl(w); }

/* ceil(log2(x)) for x >= 1. */
static inline uint32_t spm_ceil_log2(size_t x)
{
    return x <= 1 ? 0u : (uint32_t)(sizeof(size_t) * CHAR_BIT) - (uint32_t)__builtin_clzl((unsigned long)(x - 1));
}

/* Locks: spin locks in the metadata, so a heap needs no pthread objects and
 * no destroy. Lock k guards free list k (FINE); COARSE uses lock 0 only. */
void spm_lock(const mc_spm *h, uint32_t k);
void spm_unlock(const mc_spm *h, uint32_t k);

/* spm_bitmap.c: whole-block runs. */
uint32_t spm_find_run(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase);
bool spm_claim(mc_spm *h, uint32_t start, uint32_t n);
void spm_release(mc_spm *h, uint32_t start, uint32_t n);
uint32_t spm_next_set(const mc_spm *h, int which, uint32_t from);
uint32_t spm_next_clear(const mc_spm *h, int which, uint32_t from);
uint32_t spm_take_blocks(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase);

/* spm_region.c: buddy regions inside split blocks. */
void *spm_region_alloc(mc_spm *h, uint32_t cls);
void spm_region_free(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t cls);
uint32_t spm_region_find(const mc_spm *h, uint32_t block, uint32_t leaf, uint32_t *cls);
uint32_t spm_empty_pattern(const mc_spm *h);
void spm_coalesce_all(mc_spm *h);

/* spm_heap.c */
mc_status spm_locate(const mc_spm *h, const void *p, spm_loc *loc);
void spm_account(mc_spm *h, size_t bytes, bool alloc);

#endif
