/* Whole-block allocation on the free-block bitmap.
 *
 * Runs are found a word at a time: skip words with no free block to the
 * next free one, skip words of free blocks to the end of that run, compare
 * lengths. A run is claimed by test-and-clear on each word it touches (a
 * compare-and-swap, which also sets the end mark in the last word); a claim
 * that finds a block already taken by another thread gives back the words it
 * took and the search starts over, so no lock is ever held. */
#include "spm/spm_internal.h"

/* Free blocks of an F/E word as pairs of ones: k free blocks in a row are
 * 2k ones in a row, so ordinary bit tricks measure runs. */
static spm_word free_pairs(spm_word w)
{
    w = spm_answer(w, SPM_F);
    return w | (w << 1);
}

/* The first F/E word with a free block, moving the hint there. */
#if SPM_SHORTCUTS
SPM_FORCE_INLINE uint32_t first_free_word(mc_spm *h)
{
    const spm_aword *bits = spm_bits(h);
    uint32_t hint = atomic_load_explicit(&h->hint, memory_order_relaxed), first = hint;
    while (first < h->nwords && free_pairs(atomic_load_explicit(&bits[first], memory_order_relaxed)) == 0) ++first;
    if (first != hint) spm_hint_move(h, hint, first);
    return first;
}
#endif

/* Lowest run of n free blocks starting at block `from` or later, looking
 * at each word once: a run either continues from the previous word
 * (carry), or fits inside the word (found by shift-and doubling, log2(n)
 * steps), or carries on into the next one. The cost depends on the words
 * before the run, not on how many holes they contain. The carry is below
 * n at the start of every word (a longer one has been returned), so a
 * word without free blocks needs no case of its own: it ends with carry 0
 * through the general steps. The full build skips them for speed (the
 * `run`-based loop of an earlier try was 8% more instructions). */
#if SPM_SHORTCUTS /* inlined into the lean whole-block path */
SPM_FORCE_INLINE
#else /* one copy for the search, the hint and the claim test */
SPM_MIN_NOINLINE static
#endif
uint32_t find_run_words(mc_spm *h, uint32_t n, uint32_t from)
{
    const spm_aword *bits = spm_bits(h);
    uint32_t carry = 0;
    spm_word below = ~(~(spm_word)0 << (2u * (from % SPM_HALF)));
    for (uint32_t wi = from / SPM_HALF; wi < h->nwords; ++wi, below = 0) {
        spm_word x = free_pairs(atomic_load_explicit(&bits[wi], memory_order_relaxed)) & ~below;
        if (SPM_SHORTCUTS && x == 0) {
            carry = 0;
            continue;
        }
        uint32_t low = ~x == 0 ? SPM_HALF : spm_ctz(~x) / 2;
        if (carry + low >= n) return wi * SPM_HALF - carry;
        if (low == SPM_HALF) {
            carry += SPM_HALF;
            continue;
        }
        spm_word y = x;
        for (uint32_t len = 1; len < n && y;) {
            uint32_t step = len < n - len ? len : n - len;
            y &= y >> (2u * step);
            len += step;
        }
        if (n <= SPM_HALF && (y &= SPM_EVEN) != 0) return wi * SPM_HALF + spm_ctz(y) / 2;
        carry = (uint32_t)__builtin_clzl(~x) / 2;
    }
    return SPM_NIL;
}

/* Lowest start s with s % step == phase (step a power of two) that begins n
 * free blocks, or SPM_NIL. Stepped requests (alloc_aligned) share the word
 * search: a run found out of phase sends the search on from the first
 * start in phase after it, which either begins a run itself or moves on;
 * starts only grow, so this ends. */
uint32_t spm_find_run(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase)
{
#if SPM_SHORTCUTS
    uint32_t s = first_free_word(h) * SPM_HALF;
#else
    /* The first free block is the lowest run of one: no loop of its own.
     * With none, the hint becomes SPM_NIL / SPM_HALF, past every word (a
     * release lowers it again), and the search below starts there. */
    uint32_t s = find_run_words(h, 1, atomic_load_explicit(&h->hint, memory_order_relaxed) * SPM_HALF);
    atomic_store_explicit(&h->hint, s / SPM_HALF, memory_order_relaxed);
#endif
    for (; (s = find_run_words(h, n, s)) != SPM_NIL;) {
        uint32_t a = s + ((phase - s) & (step - 1));
        if (a == s) return a;
        s = a;
    }
    return SPM_NIL;
}

/* The F bits of blocks [i, i + cnt) inside one F/E word (cnt >= 1).
 * Branch-free: the F bits from i up, cut at the last one. */
static spm_word f_mask(uint32_t i, uint32_t cnt)
{
    uint32_t lo = i % SPM_HALF;
    return (SPM_EVEN << (2u * lo)) & (SPM_EVEN >> (2u * (SPM_HALF - lo - cnt)));
}

/* Most runs lie inside one word; claims and frees of those take one step. */
static bool in_one_word(uint32_t start, uint32_t n)
{
    return SPM_SHORTCUTS && start % SPM_HALF + n <= SPM_HALF;
}

/* Clears the F bits m of blocks that must all be free (F set, E clear) and
 * sets `mark`, atomically. */
static bool take_word(const mc_spm *h, spm_aword *w, spm_word m, spm_word mark)
{
    spm_word old = atomic_load_explicit(w, memory_order_relaxed), pairs = m | (m << 1);
    if (!spm_threaded(h)) {
        if ((old & pairs) != m) return false;
        atomic_store_explicit(w, (old & ~m) | mark, memory_order_relaxed);
        return true;
    }
    do {
        if ((old & pairs) != m) return false;
    } while (!atomic_compare_exchange_weak_explicit(w, &old, (old & ~m) | mark, memory_order_acq_rel,
                                                    memory_order_relaxed));
    return true;
}

static spm_word end_mark(uint32_t last) { return (spm_word)2 << (2u * (last % SPM_HALF)); }

/* XORs the end mark of block start + n - 1 and the F bits of [start,
 * start + n) kept by `f` (SPM_EVEN: all; 0: none), n >= 1. With all F bits
 * it turns a run the caller owns, end mark included, into free blocks or
 * back, in one step per word; with none and n = 1 it turns a free block
 * (F E = 1 0) into a split one (1 1) or back, which differ in E alone. */
static void flip_bits(mc_spm *h, uint32_t start, uint32_t n, spm_word f)
{
    spm_aword *bits = spm_bits(h);
    uint32_t end = start + n;
    if (in_one_word(start, n)) {
        spm_word_xor(h, &bits[start / SPM_HALF], (f_mask(start, n) & f) | end_mark(end - 1));
        return;
    }
    /* `left` counts blocks from the start of word w to the run's end; the
     * first word's mask starts at the run, the last one stops at its end
     * and carries the mark. */
    spm_aword *w = &bits[start / SPM_HALF];
    spm_word m = f << (2u * (start % SPM_HALF));
    for (uint32_t left = n + start % SPM_HALF;; ++w, left -= SPM_HALF, m = f) {
        if (left <= SPM_HALF) {
            spm_word_xor(h, w, (m & (SPM_EVEN >> (2u * (SPM_HALF - left)))) | end_mark(left - 1));
            return;
        }
        spm_word_xor(h, w, m);
    }
}

static void flip(mc_spm *h, uint32_t start, uint32_t n) { flip_bits(h, start, n, SPM_EVEN); }

/* Words are taken from the last down. A claim that loses a race therefore
 * fails before it touches the words below the loser, so the block in front
 * of someone's run is never seen taken-but-unmarked (spm_locate relies on
 * that), and the end mark goes on with the last word in one step. */
bool spm_claim(mc_spm *h, uint32_t start, uint32_t n)
{
    spm_aword *bits = spm_bits(h);
    uint32_t end = start + n;
    /* One thread: nothing can change between a test and a flip. The test
     * is the run search from `start`: its lowest run of n starts there
     * exactly when these blocks are free. */
    if (!spm_threaded(h)) {
        if (find_run_words(h, n, start) != start) return false;
        flip(h, start, n);
        return true;
    }
    if (in_one_word(start, n)) return take_word(h, &bits[start / SPM_HALF], f_mask(start, n), end_mark(end - 1));
    for (uint32_t hi = end; hi > start;) {
        uint32_t lo = (hi - 1) / SPM_HALF * SPM_HALF;
        if (lo < start) lo = start;
        if (!take_word(h, &bits[lo / SPM_HALF], f_mask(lo, hi - lo), hi == end ? end_mark(end - 1) : 0)) {
            if (hi < end) flip(h, hi, end - hi); /* give back the words already taken */
            return false;
        }
        hi = lo;
    }
    return true;
}

/* Word w now has a free block: the hint must not lie past it. */
static void lower_hint(mc_spm *h, uint32_t w)
{
    for (uint32_t hint; w < (hint = atomic_load_explicit(&h->hint, memory_order_relaxed));)
        spm_hint_move(h, hint, w);
}

void spm_release_bits(mc_spm *h, uint32_t start, uint32_t n, spm_word f)
{
    flip_bits(h, start, n, f);
    lower_hint(h, start / SPM_HALF);
}

#if SPM_SHORTCUTS
/* One thread, plain runs: the blocks just found are free, so flipping them
 * is the claim, with no second test of the words, and a run inside one word
 * (nearly all) is one store. A leaf function with the search inlined: the
 * general path's calls and register saves cost W1's whole-block
 * allocations a third of their instructions. */
uint32_t spm_take_single(mc_spm *h, uint32_t n)
{
    uint32_t s = find_run_words(h, n, first_free_word(h) * SPM_HALF);
    if (s == SPM_NIL) return s;
    spm_aword *w = &spm_bits(h)[s / SPM_HALF];
    if (in_one_word(s, n))
        atomic_store_explicit(w, atomic_load_explicit(w, memory_order_relaxed) ^ (f_mask(s, n) | end_mark(s + n - 1)),
                              memory_order_relaxed);
    else flip(h, s, n);
    return s;
}
#endif

/* Finds and claims n blocks. A threaded heap may lose claims to other
 * threads and may carry a stale hint, so it retries, and before giving up
 * it searches once more from the first word. */
uint32_t spm_take_blocks(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase)
{
    bool rescanned = !spm_threaded(h);
    for (;;) {
        uint32_t s = spm_find_run(h, n, step, phase);
        if (s != SPM_NIL && !spm_threaded(h)) {
            flip(h, s, n); /* one thread: the blocks just found are free */
            return s;
        }
        if (s == SPM_NIL) {
            if (rescanned) return SPM_NIL;
            rescanned = true;
            atomic_store_explicit(&h->hint, 0, memory_order_relaxed);
            continue;
        }
        if (spm_claim(h, s, n)) return s;
    }
}
