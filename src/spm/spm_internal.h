/* Internal layout of the SMA scratch-pad heap, shared by the files of src/spm.
 *
 * Memory picture (metadata inline; with a separate meta area the first part
 * lives there instead):
 *
 *   [struct mc_spm][block-state words][locks] ...pad... [block 0][block 1]...
 *
 * Two bits per block, side by side in one word (bits 2j and 2j+1):
 *
 *   F E
 *   1 0  free
 *   0 0  inside a run of whole blocks, not its last block
 *   0 1  the last block of a run (an "end mark")
 *   1 1  split into buddy regions; its coalesce tag is in its first leaf
 *
 * "Free" is F and not E, "split" is F and E, "ends a unit" is E: each is
 * one shift-and-mask on a word, so scans stay word-at-a-time. The pair of a
 * block lives in one word, so
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
/* The three questions a block's bit pair answers: free, ends a unit,
 * split. Setting SPM_P sets the F bit of a block that ends a unit. */
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

/* The whole mutable state: 64 bytes on LP64, 56 on ILP32. Byte counts fit
 * 32 bits because init caps the capacity below 4 GiB. */
struct mc_spm {
    uint8_t *base;                    /* block 0; aligned to min(B, 64)  */
    uint32_t nblocks, nwords;         /* nwords: F/E words               */
    uint32_t head[SPM_MAX_CLASSES];   /* free-list heads: byte offsets   */
    uint8_t bshift, mshift, nclasses, flags;
    _Atomic uint32_t hint;            /* F words before it are all zero  */
    _Atomic uint32_t live;
    _Atomic uint32_t used, peak;
    /* Single-threaded eager heaps keep one empty split block instead of
     * returning it to the bitmap at once, so a workload that frees and
     * re-allocates one small region does not re-split a block every time.
     * SPM_NIL when none; released as soon as a whole-block request fails. */
    uint32_t spare;
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

/* -DMC_SPM_MINIMAL builds the single-threaded, eager-only core: every test
 * of a flag below folds to false, so the lock, CAS and deferred paths are
 * not compiled at all (the .text budget of a scratch-pad target), and init
 * refuses those flags with MC_ERR_UNSUPPORTED. */
#ifdef MC_SPM_MINIMAL
#define SPM_SUPPORTED 0u
#else
#define SPM_SUPPORTED ((unsigned)MC_SPM_DEFERRED | SPM_THREADS)
#endif

/* Single-threaded shortcuts (a list pop, splits with the tag in registers,
 * a lean run search and claim, the spare block) only save time; the
 * general paths do the same work. The minimal build, whose budget is code
 * size, leaves them out, and with no threads it does not compile the
 * lock-aware region code either: its region paths are the one-thread ones
 * (free_single, split_down for splits and fresh blocks alike), which are
 * also the smaller code. */
#ifdef MC_SPM_MINIMAL
#define SPM_SHORTCUTS 0
#else
#define SPM_SHORTCUTS 1
#endif

/* For the few hot helpers whose inlining the compiler's size heuristics
 * refuse although it pays (measured, docs/bench/spm.md). gcc and clang
 * only; elsewhere a plain inline. */
#if defined(__GNUC__)
#define SPM_FORCE_INLINE static inline __attribute__((always_inline))
#else
#define SPM_FORCE_INLINE static inline
#endif

/* Helpers that several callers share: one out-of-line copy in the minimal
 * build, where code size is the budget; the full build lets the compiler
 * inline them for speed. */
#if defined(MC_SPM_MINIMAL) && defined(__GNUC__)
#define SPM_MIN_NOINLINE __attribute__((noinline))
#else
#define SPM_MIN_NOINLINE
#endif

static inline bool spm_has(const mc_spm *h, unsigned flag) { return (h->flags & flag & SPM_SUPPORTED) != 0; }
static inline bool spm_threaded(const mc_spm *h) { return spm_has(h, SPM_THREADS); }

static inline spm_aword *spm_bits(const mc_spm *h)
{
    return (spm_aword *)(void *)((uint8_t *)(uintptr_t)h + sizeof(mc_spm));
}

static inline _Atomic unsigned char *spm_locks(const mc_spm *h)
{
    return (_Atomic unsigned char *)(void *)(spm_bits(h) + h->nwords);
}

/* Turns a block-state word into one bit per block (at the even positions)
 * answering `which`. */
static inline spm_word spm_answer(spm_word w, int which)
{
    /* E: E. F: F and not E. P: F and E. Written as selects of operands, so
     * that a copy with `which` unknown needs no branches. */
    spm_word e = w >> 1;
    return (which == SPM_E ? ~(spm_word)0 : w) & (which == SPM_F ? ~e : e) & SPM_EVEN;
}

static inline size_t spm_block_size(const mc_spm *h) { return (size_t)1 << h->bshift; }
static inline uint32_t spm_leaves(const mc_spm *h) { return 1u << h->nclasses; }
static inline spm_tag *spm_tag_of(const mc_spm *h, uint32_t block)
{
    return (spm_tag *)(void *)(h->base + ((size_t)block << h->bshift));
}

/* Free-list links live in the free regions; lists hold byte offsets from
 * the base so that the links are 32 bits on every target. */
static inline spm_link *spm_link_at(const mc_spm *h, uint32_t off)
{
    return (spm_link *)(void *)(h->base + off);
}

static inline uint32_t spm_offset(const mc_spm *h, uint32_t block, uint32_t leaf)
{
    return (block << h->bshift) + (leaf << h->mshift);
}

static inline uint32_t spm_leaf_at(const mc_spm *h, uint32_t off)
{
    return (off & ((1u << h->bshift) - 1)) >> h->mshift;
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

/* The word holding the bits of block i, and the mask of its F bit (SPM_F,
 * SPM_P) or E bit (SPM_E): the bit that spm_bit_set changes. */
static inline spm_aword *spm_bit_at(const mc_spm *h, int which, uint32_t i, spm_word *mask)
{
    *mask = (spm_word)1 << (2u * (i % SPM_HALF) + (which == SPM_E));
    return &spm_bits(h)[i / SPM_HALF];
}

static inline bool spm_bit(const mc_spm *h, int which, uint32_t i)
{
    spm_word w = atomic_load_explicit(&spm_bits(h)[i / SPM_HALF], memory_order_relaxed);
    return (spm_answer(w, which) >> (2u * (i % SPM_HALF))) & 1u;
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

/* First block >= from whose answer to `which` is !flip, or nblocks. Pairs
 * past nblocks are always 0 0 (not free), so inverted scans are clamped. */
static inline uint32_t spm_scan(const mc_spm *h, int which, uint32_t from, spm_word flip)
{
    const spm_aword *bits = spm_bits(h);
    spm_word keep = ~(spm_word)0 << (2u * (from % SPM_HALF));
    for (uint32_t wi = from / SPM_HALF; wi < h->nwords; ++wi, keep = ~(spm_word)0) {
        spm_word w = (spm_answer(atomic_load_explicit(&bits[wi], memory_order_relaxed), which) ^ flip) & SPM_EVEN & keep;
        if (w == 0) continue;
        uint32_t i = wi * SPM_HALF + spm_ctz(w) / 2u;
        return i < h->nblocks ? i : h->nblocks;
    }
    return h->nblocks;
}

/* Inline so that each caller's constant `which` and `flip` fold away. The
 * alloc/free core has one caller left (spm_locate's end-mark scan); the
 * claim test and the stepped search use the run search instead. */
static inline uint32_t spm_next_set(const mc_spm *h, int which, uint32_t from)
{
    return spm_scan(h, which, from, 0);
}

static inline uint32_t spm_next_clear(const mc_spm *h, int which, uint32_t from)
{
    return spm_scan(h, which, from, ~(spm_word)0);
}

/* The region of a split block that contains `leaf`: returns its first leaf
 * and its class in *cls. In a well-formed tree the split nodes on the path
 * from the root to a leaf are exactly the region's ancestors, so counting
 * them gives the class. In heap numbering the ancestor of `leaf` at class c
 * is (2^K + leaf) >> c, so each step is a shift and a bit test. The full
 * build tests all nclasses ancestors whatever the answer: a walk that
 * stopped at the first unsplit node would exit at a random depth and
 * mispredict once per free. The minimal build takes that walk (fewer
 * bytes); on a well-formed tree both count the same nodes (check() tests
 * tree shape before it relies on this). Either way a malformed tag still
 * yields a class in [0, nclasses], so a caller never indexes out of
 * range. */
static inline uint32_t spm_region_find(const mc_spm *h, uint32_t block, uint32_t leaf, uint32_t *cls)
{
    uint32_t split = spm_load32(h, &spm_tag_of(h, block)->split), K = h->nclasses, above = 0;
    uint32_t x = (1u << K) | leaf;
#if SPM_SHORTCUTS
    /* Unrolled to the largest K, with constant shifts: steps past the root
     * read node 0, which does not exist and is masked off (20 instructions
     * fewer per region free than the loop; the minimal build keeps it). */
    _Static_assert(SPM_MAX_CLASSES == 5u, "spm_region_find unrolls five steps");
    split &= ~1u;
    above = ((split >> (x >> 1)) & 1u) + ((split >> (x >> 2)) & 1u) + ((split >> (x >> 3)) & 1u) +
            ((split >> (x >> 4)) & 1u) + ((split >> (x >> 5)) & 1u);
#else /* the minimal build walks down to the first unsplit node instead */
    while (above < K && ((split >> (x >> (K - above))) & 1u)) ++above;
#endif
    uint32_t c = K - above;
    *cls = c;
    return (leaf >> c) << c;
}

/* spm_bitmap.c: whole-block runs. */
uint32_t spm_find_run(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase);
bool spm_claim(mc_spm *h, uint32_t start, uint32_t n);
/* Flips an owned run's bits (or, with f = 0, only its end mark) and lowers
 * the hint: spm_release and spm_toggle_split below. */
void spm_release_bits(mc_spm *h, uint32_t start, uint32_t n, spm_word f);
/* The caller owns [start, start + n) with its end mark: the blocks become
 * free. */
static inline void spm_release(mc_spm *h, uint32_t start, uint32_t n) { spm_release_bits(h, start, n, SPM_EVEN); }
/* Split (F E = 1 1) and free (1 0) differ in E alone, so one XOR turns
 * either into the other: the minimal build claims a fresh block as split
 * with the same call that releases one (lowering the hint is then a no-op:
 * the block was found from it). */
static inline void spm_toggle_split(mc_spm *h, uint32_t block) { spm_release_bits(h, block, 1, 0); }
uint32_t spm_take_blocks(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase);
uint32_t spm_take_single(mc_spm *h, uint32_t n);

/* The link at `off`, or `scratch` for SPM_NIL. Whether a region has a
 * neighbour on its list is a coin toss in practice; selecting a pointer
 * instead of branching keeps list updates free of mispredictions. */
static inline spm_link *spm_link_or(const mc_spm *h, uint32_t off, spm_link *scratch)
{
    return off != SPM_NIL ? spm_link_at(h, off) : scratch;
}

/* Takes region `off` off free list k (the caller holds lock k). */
static inline void spm_unlink(mc_spm *h, uint32_t k, uint32_t off)
{
    spm_link *l = spm_link_at(h, off), scratch;
    uint32_t next = l->next, prev = l->prev;
    *(prev != SPM_NIL ? &spm_link_at(h, prev)->next : &h->head[k]) = next;
    spm_link_or(h, next, &scratch)->prev = prev;
}

/* Single-threaded fast path: a region of exactly class `cls` is waiting,
 * so allocation is a list pop and one tag bit, with no lock or flag tests.
 * In the header so that mc_spm_alloc inlines it: as a call into
 * spm_region.c it cost W1's alloc 11-14 more instructions. */
static inline void *spm_pop_exact(mc_spm *h, uint32_t cls)
{
    uint32_t off = h->head[cls];
    if (off == SPM_NIL) return NULL;
    spm_unlink(h, cls, off);
    _Atomic uint32_t *fr = &spm_tag_of(h, off >> h->bshift)->free;
    atomic_store_explicit(fr, atomic_load_explicit(fr, memory_order_relaxed) & ~(1u << spm_leaf_at(h, off)),
                          memory_order_relaxed);
    return h->base + off;
}

/* spm_region.c: buddy regions inside split blocks. */
void *spm_region_alloc(mc_spm *h, uint32_t cls);
void spm_region_free(mc_spm *h, uint32_t block, uint32_t leaf, uint32_t cls);
/* The tag of an empty split block: both words hold it. Inline: one table
 * load where a call would cost more. */
static inline uint32_t spm_empty_pattern(const mc_spm *h)
{
    /* Bit 2^c for every class c: the spine nodes 1, 2, 4, ... are split, and
     * the free regions beside them start at leaves 1, 2, 4, ... */
    static const uint32_t spine[SPM_MAX_CLASSES + 1] = {0x0, 0x2, 0x6, 0x16, 0x116, 0x10116};
    return spine[h->nclasses];
}
void spm_coalesce_all(mc_spm *h);
#if SPM_SHORTCUTS
bool spm_drop_spare(mc_spm *h);
bool spm_spare_empty(const mc_spm *h);
#else /* no spare block in the minimal build */
static inline bool spm_drop_spare(mc_spm *h) { return (void)h, false; }
static inline bool spm_spare_empty(const mc_spm *h) { return (void)h, false; }
#endif

/* spm_heap.c: the alloc/free core. */
mc_status spm_locate(const mc_spm *h, const void *p, spm_loc *loc);
void spm_account_atomic(mc_spm *h, size_t bytes, bool alloc);

/* Raises the peak to `now` if it is higher. Inline: the threaded counters
 * and realloc's in-place growth are its only callers, so the minimal
 * build's alloc/free files carry no copy. */
static inline void spm_note_peak(mc_spm *h, uint32_t now)
{
    uint32_t peak = atomic_load_explicit(&h->peak, memory_order_relaxed);
    if (!spm_threaded(h)) {
        if (now > peak) atomic_store_explicit(&h->peak, now, memory_order_relaxed);
        return;
    }
    while (now > peak && !atomic_compare_exchange_weak_explicit(&h->peak, &peak, now, memory_order_relaxed,
                                                                memory_order_relaxed)) {
    }
}

/* Counts an allocation (alloc) or a free of `bytes`. Inline because every
 * alloc and free pays it: a single-threaded heap does three plain updates.
 * One sum for both directions (`dir` is +1 or -1 as a 32-bit factor): a
 * free never raises `used` past the peak, so the peak test needs no
 * direction. */
static inline void spm_account(mc_spm *h, size_t bytes, bool alloc)
{
    if (spm_threaded(h)) {
        spm_account_atomic(h, bytes, alloc);
        return;
    }
    uint32_t dir = alloc ? 1u : ~0u;
    uint32_t used = atomic_load_explicit(&h->used, memory_order_relaxed) + dir * (uint32_t)bytes;
    atomic_store_explicit(&h->used, used, memory_order_relaxed);
    atomic_store_explicit(&h->live, atomic_load_explicit(&h->live, memory_order_relaxed) + dir, memory_order_relaxed);
    if (used > atomic_load_explicit(&h->peak, memory_order_relaxed))
        atomic_store_explicit(&h->peak, used, memory_order_relaxed);
}
void *spm_alloc_blocks(mc_spm *h, size_t n, uint32_t step, uint32_t phase);
static inline size_t spm_loc_size(const mc_spm *h, const spm_loc *loc)
{
    return loc->blocks ? (size_t)loc->blocks << h->bshift : (size_t)1 << (h->mshift + loc->cls);
}

/* spm_init.c */
size_t spm_layout_bytes(size_t blocks, unsigned flags);

/* Runs are block-aligned; regions never need more than 64-byte alignment,
 * and a larger base alignment would only waste precious bytes. */
static inline size_t spm_base_align(size_t block) { return block < 64 ? block : 64; }

#endif
