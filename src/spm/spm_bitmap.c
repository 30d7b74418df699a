/* Whole-block allocation on the free-block bitmap.
 *
 * Runs are found a word at a time: skip words with no free block to the
 * next free one, skip words of free blocks to the end of that run, compare
 * lengths. A run is claimed by test-and-clear on each word it touches (a
 * compare-and-swap, which also sets the end mark in the last word); a claim
 * that finds a block already taken by another thread gives back the words it
 * took and the search starts over, so no lock is ever held. */
#include "spm/spm_internal.h"

#if !SPM_SHORTCUTS /* the one copy the minimal build's scans call */
uint32_t spm_scan_out(const mc_spm *h, int which, uint32_t from, spm_word flip)
{
    return spm_scan(h, which, from, flip);
}
#endif

/* Free blocks of an F/E word as pairs of ones: k free blocks in a row are
 * 2k ones in a row, so ordinary bit tricks measure runs. */
static spm_word free_pairs(spm_word w)
{
    w = spm_answer(w, SPM_F);
    return w | (w << 1);
}

/* The first F/E word with a free block, moving the hint there. */
SPM_FORCE_INLINE uint32_t first_free_word(mc_spm *h)
{
    const spm_aword *bits = spm_bits(h);
    uint32_t hint = atomic_load_explicit(&h->hint, memory_order_relaxed), first = hint;
    while (first < h->nwords && free_pairs(atomic_load_explicit(&bits[first], memory_order_relaxed)) == 0) ++first;
    if (first != hint) spm_hint_move(h, hint, first);
    return first;
}

/* Lowest run of n free blocks starting at block `from` or later, looking
 * at each word once: a run either continues from the previous word
 * (carry), or fits inside the word (found by shift-and doubling, log2(n)
 * steps), or carries on into the next one. The cost depends on the words
 * before the run, not on how many holes they contain. */
SPM_FORCE_INLINE uint32_t find_run_words(mc_spm *h, uint32_t n, uint32_t from)
{
    const spm_aword *bits = spm_bits(h);
    uint32_t carry = 0;
    spm_word below = ~(~(spm_word)0 << (2u * (from % SPM_HALF)));
    for (uint32_t wi = from / SPM_HALF; wi < h->nwords; ++wi, below = 0) {
        spm_word x = free_pairs(atomic_load_explicit(&bits[wi], memory_order_relaxed)) & ~below;
        if (x == 0) {
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
 * search: from each run of n found, the first start in phase either still
 * fits inside that run or the search goes on from there. */
uint32_t spm_find_run(mc_spm *h, uint32_t n, uint32_t step, uint32_t phase)
{
    for (uint32_t s = first_free_word(h) * SPM_HALF; (s = find_run_words(h, n, s)) != SPM_NIL;) {
        uint32_t a = s + ((phase - s) & (step - 1));
        if (a == s || spm_next_clear(h, SPM_F, s) >= a + n) return a;
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

/* Most runs lie inside one word; claims and frees of those take one step.
 * n = 0 (a failed claim giving back nothing) must take the loop. */
static bool in_one_word(uint32_t start, uint32_t n)
{
    return SPM_SHORTCUTS && n != 0 && start % SPM_HALF + n <= SPM_HALF;
}

static uint32_t chunk(uint32_t i, uint32_t end)
{
    uint32_t room = SPM_HALF - i % SPM_HALF;
    return end - i < room ? end - i : room;
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

/* The caller owns [start, start+n) with its end mark; flipping those bits
 * frees the blocks and drops the mark in one step per word. */
static void flip(mc_spm *h, uint32_t start, uint32_t n)
{
    spm_aword *bits = spm_bits(h);
    uint32_t end = start + n;
    if (in_one_word(start, n)) {
        spm_word_xor(h, &bits[start / SPM_HALF], f_mask(start, n) | end_mark(end - 1));
        return;
    }
    for (uint32_t i = start; i < end;) {
        uint32_t cnt = chunk(i, end);
        spm_word mark = i + cnt == end ? end_mark(end - 1) : 0;
        spm_word_xor(h, &bits[i / SPM_HALF], f_mask(i, cnt) | mark);
        i += cnt;
    }
}

/* Words are taken from the last down. A claim that loses a race therefore
 * fails before it touches the words below the loser, so the block in front
 * of someone's run is never seen taken-but-unmarked (spm_locate relies on
 * that), and the end mark goes on with the last word in one step. */
bool spm_claim(mc_spm *h, uint32_t start, uint32_t n)
{
    spm_aword *bits = spm_bits(h);
    uint32_t end = start + n;
    /* One thread: nothing can change between a test and a flip. */
    if (!spm_threaded(h)) {
        if (spm_next_clear(h, SPM_F, start) < end) return false;
        flip(h, start, n);
        return true;
    }
    if (in_one_word(start, n)) return take_word(h, &bits[start / SPM_HALF], f_mask(start, n), end_mark(end - 1));
    for (uint32_t hi = end; hi > start;) {
        uint32_t lo = (hi - 1) / SPM_HALF * SPM_HALF;
        if (lo < start) lo = start;
        if (!take_word(h, &bits[lo / SPM_HALF], f_mask(lo, hi - lo), hi == end ? end_mark(end - 1) : 0)) {
            flip(h, hi, end - hi); /* give back the words already taken */
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

void spm_release(mc_spm *h, uint32_t start, uint32_t n)
{
    flip(h, start, n);
    lower_hint(h, start / SPM_HALF);
}

/* Split (F E = 1 1) and free (1 0) differ in E alone, so a split block
 * turns into a free one, or back, with one bit. */
void spm_unsplit(mc_spm *h, uint32_t block)
{
    spm_bit_set(h, SPM_E, block, false);
    lower_hint(h, block / SPM_HALF);
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
