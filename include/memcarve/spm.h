/*
 * memcarve/spm.h — SMA, a dynamic heap for tiny software-managed memories.
 *
 * After McIlroy, Dickman and Sventek, "Efficient Dynamic Heap Allocation of
 * Scratch-Pad Memory" (ISMM 2008). The caller hands over one region (any
 * address, any alignment); the heap never calls malloc and keeps no global
 * state.
 *
 * Design in one paragraph
 *   The arena is cut into fixed-size blocks (a power of two chosen at init).
 *   Two bits per block say whether it is free, inside a run, the last block
 *   of a run, or split into regions; "free" reads as a bitmap one shift-and
 *   away, so whole-block searches are word-at-a-time bit scans.
 *   A request larger than half a block takes a run of whole blocks found by
 *   word-at-a-time bit scans. Smaller requests take a power-of-two region
 *   inside a split block, buddy style, from one free list per size class.
 *   A split block keeps its *coalesce tag* (8 bytes: one "split" bit per
 *   buddy-tree node, one "free" bit per leaf) in its first leaf, so no
 *   allocation carries a header and no region needs boundary tags. Frees
 *   coalesce buddies at once, or — with MC_SPM_DEFERRED — only when an
 *   allocation would otherwise fail. A split block whose regions are all
 *   free again goes back to the bitmap (outside the minimal build, a
 *   single-threaded eager heap keeps one such block split as a spare,
 *   handed back the moment a whole-block request needs it).
 *
 * Contract
 *   - Pointers are aligned to min(rounded size, 64) bytes, and never less
 *     than 8. Whole-block allocations start on a block boundary. Init puts
 *     block 0 on a block-size boundary whenever that costs no block; then
 *     every alignment A is some block start's once A + size <= capacity.
 *   - alloc(0) and requests that cannot fit (SIZE_MAX included) return NULL.
 *   - mc_spm_free() validates its pointer before touching anything: a pointer
 *     outside the arena, an interior pointer, a double free or the address
 *     of metadata is refused with MC_ERR_INVALID and the heap is unchanged.
 *     In a thread-safe heap this detection is exact for one thread; two
 *     threads freeing the same pointer at the same time is still a bug.
 *   - Complexity: alloc/free of regions is O(log2(block/min region)) plus
 *     one bitmap scan when a new block is needed; whole-block alloc is
 *     O(bitmap words + free runs skipped); free is O(run length / word bits).
 *   - Build option: -DMC_SPM_MINIMAL compiles only the single-threaded,
 *     eager core (no locks, CAS loops, deferred paths or speed shortcuts
 *     such as the spare block; init then refuses those flags with
 *     MC_ERR_UNSUPPORTED).
 *   - Thread-safety: a heap made without MC_SPM_THREADS_* must be used by one
 *     thread at a time. With MC_SPM_THREADS_COARSE or _FINE every function
 *     may be called from any thread: whole blocks are claimed lock-free by
 *     atomic test-and-clear on the free bitmap; region lists sit under one
 *     spin lock (COARSE) or one per size class (FINE). mc_spm_check() and
 *     mc_spm_get_stats() read a consistent picture only when quiescent.
 *   - Ownership: the heap lives inside the caller's memory; there is no
 *     destroy function — stop using the memory and it is gone.
 */
#ifndef MEMCARVE_SPM_H
#define MEMCARVE_SPM_H

#include <stddef.h>
#include <stdint.h>

#include "memcarve/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_spm mc_spm;

/* Flags for mc_spm_config.flags. */
enum {
    MC_SPM_DEFERRED = 1u << 0,       /* coalesce regions lazily            */
    MC_SPM_THREADS_COARSE = 1u << 1, /* thread-safe, one region-list lock  */
    MC_SPM_THREADS_FINE = 1u << 2    /* thread-safe, a lock per size class */
};

/* Smallest and largest block sizes accepted by mc_spm_init. */
#define MC_SPM_BLOCK_MIN 32u
#define MC_SPM_BLOCK_MAX 65536u

typedef struct mc_spm_config {
    size_t block_size; /* power of two in [MC_SPM_BLOCK_MIN, MAX]; 0 = auto */
    unsigned flags;    /* MC_SPM_* */
    /* Optional separate metadata area (e.g. in slower memory) so the whole
     * scratch-pad is data. NULL = metadata at the start of the region. Its
     * size must be at least mc_spm_meta_size(); any alignment. */
    void *meta;
    size_t meta_size;
} mc_spm_config;

typedef struct mc_spm_stats {
    size_t capacity;       /* bytes the heap manages (blocks * block size) */
    size_t block_size;
    size_t free_bytes;     /* capacity minus bytes handed out (rounded)    */
    size_t largest_free;   /* longest free run in bytes (a spare counts)   */
    size_t used_bytes;     /* bytes handed out, after rounding             */
    size_t peak_used;      /* high-water mark of used_bytes                */
    size_t live;           /* allocations not yet freed                    */
    size_t metadata_bytes; /* header + bitmaps (+ locks)                   */
} mc_spm_stats;

/* Bytes of metadata (header, bitmaps, locks, alignment slack) that a heap
 * with `blocks` blocks and `flags` needs. */
size_t mc_spm_meta_size(size_t blocks, unsigned flags);

/* The block size init picks when config->block_size is 0: 64 for regions up
 * to 16 KiB, 256 above. */
size_t mc_spm_default_block(size_t region_size);

/* Creates a heap in `region`. `config` may be NULL (auto block size, inline
 * metadata, single-threaded, eager coalescing). Fails with MC_ERR_INVALID
 * (and a reason in err) when the block size is not a power of two in range,
 * the flags conflict, or the region / meta area is too small to hold the
 * metadata plus one block. */
mc_status mc_spm_init(mc_spm **heap, void *region, size_t size, const mc_spm_config *config,
                      mc_error *err);

/* NULL on size 0, on exhaustion or when the request can never fit. */
void *mc_spm_alloc(mc_spm *heap, size_t size);

/* `alignment` must be a power of two; alignments up to 64 always hold,
 * larger ones are found among block starts: when block 0 sits on a block
 * boundary (see the contract) any A with A + size <= capacity, else only
 * those the base allows. */
void *mc_spm_alloc_aligned(mc_spm *heap, size_t alignment, size_t size);

/* NULL is accepted (MC_OK). Anything not returned by this heap and still
 * live is refused with MC_ERR_INVALID and changes nothing. */
mc_status mc_spm_free(mc_spm *heap, void *ptr);

/* realloc(NULL, n) = alloc(n); realloc(p, 0) frees p and returns NULL.
 * Shrinks and grows in place when it can; on failure returns NULL and p is
 * untouched. An invalid p returns NULL and changes nothing. */
void *mc_spm_realloc(mc_spm *heap, void *ptr, size_t size);

/* Bytes usable at ptr (>= the size asked for); 0 for an invalid pointer. */
size_t mc_spm_usable_size(const mc_spm *heap, const void *ptr);

void mc_spm_get_stats(const mc_spm *heap, mc_spm_stats *stats);

/* Walks every bitmap, coalesce tag and free list and cross-checks the
 * counters; returns MC_OK or the first violation (MC_ERR_INVALID) with a
 * description in err. O(capacity / min region). */
mc_status mc_spm_check(const mc_spm *heap, mc_error *err);

/* Merges every mergeable pair of free buddies now and returns empty split
 * blocks to the bitmap (what a deferred heap does when it runs short). */
void mc_spm_coalesce(mc_spm *heap);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_SPM_H */
