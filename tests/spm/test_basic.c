/* Boundary, exhaustion, misuse and corruption-detection tests for the
 * scratch-pad heap. Each section states the behaviour it pins down. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "memcarve/spm.h"
#include "spm/spm_internal.h"

static _Alignas(64) unsigned char arena[1 << 16];

static mc_spm *make(size_t size, size_t block, unsigned flags)
{
    mc_spm_config c = {block, flags, NULL, 0};
    mc_spm *h = NULL;
    CHECK(mc_spm_init(&h, arena, size, &c, NULL) == MC_OK);
    return h;
}

static void expect_ok(const mc_spm *h)
{
    mc_error e;
    mc_status st = mc_spm_check(h, &e);
    if (st != MC_OK) fprintf(stderr, "  %s\n", e.message);
    CHECK(st == MC_OK);
}

static void test_init_errors(void)
{
    mc_spm *h;
    mc_error e;
    mc_spm_config c = {48, 0, NULL, 0};
    CHECK(mc_spm_init(&h, arena, sizeof arena, &c, &e) == MC_ERR_INVALID && h == NULL);
    CHECK(strstr(e.message, "power of two") != NULL);
    c.block_size = 16;
    CHECK(mc_spm_init(&h, arena, sizeof arena, &c, &e) == MC_ERR_INVALID);
    c.block_size = 64;
    c.flags = MC_SPM_THREADS_COARSE | MC_SPM_THREADS_FINE;
    CHECK(mc_spm_init(&h, arena, sizeof arena, &c, &e) == MC_ERR_INVALID);
    c.flags = 0;
    CHECK(mc_spm_init(&h, arena, 80, &c, &e) == MC_ERR_INVALID);
    CHECK(strstr(e.message, "too small") != NULL);
    /* The smallest region that works holds the header, bitmaps and a block. */
    size_t lo = 1;
    while (mc_spm_init(&h, arena, lo, &c, NULL) != MC_OK) ++lo;
    CHECK(lo <= sizeof(mc_spm) + 3 * sizeof(long) + 64 + 64);
    CHECK(h != NULL && h->nblocks == 1);
    expect_ok(h);
    CHECK(mc_spm_alloc(h, 64) != NULL);
    CHECK(mc_spm_alloc(h, 1) == NULL);
    /* Unaligned region start: still works, data aligned to the block. */
    CHECK(mc_spm_init(&h, arena + 3, 4093, &c, NULL) == MC_OK);
    void *p = mc_spm_alloc(h, 64);
    CHECK(p && ((uintptr_t)p & 63) == 0);
    expect_ok(h);
    /* Separate metadata: every block of the region is data. */
    static _Alignas(16) unsigned char meta[256];
    c.meta = meta + 1;
    c.meta_size = 8;
    CHECK(mc_spm_init(&h, arena, 4096, &c, &e) == MC_ERR_INVALID && strstr(e.message, "meta area") != NULL);
    c.meta_size = sizeof meta - 1;
    CHECK(mc_spm_init(&h, arena, 4096, &c, NULL) == MC_OK);
    mc_spm_stats s;
    mc_spm_get_stats(h, &s);
    CHECK_EQ_I64(s.capacity, 4096);
    CHECK(mc_spm_alloc(h, 4096) == arena);
}

/* The default block size: 64 up to 16 KiB, 256 above (so every class from
 * 8 to 128 bytes is a region). A fresh split block hands out its region of
 * the wanted class (leaf 2^class) and publishes only the other classes. */
static void test_default_block_and_fresh_split(void)
{
    CHECK(mc_spm_default_block(4096) == 64 && mc_spm_default_block(16384) == 64);
    CHECK(mc_spm_default_block(16385) == 256 && mc_spm_default_block(65536) == 256);
    CHECK(mc_spm_default_block((size_t)1 << 20) == 256);
    mc_spm *h = NULL;
    CHECK(mc_spm_init(&h, arena, sizeof arena, NULL, NULL) == MC_OK);
    CHECK(h->bshift == 8 && h->mshift == 3 && h->nclasses == 5);
    for (uint32_t cls = 0; cls < 5; ++cls) {
        mc_spm *g = make(sizeof arena, 256, 0);
        uint8_t *p = mc_spm_alloc(g, (size_t)8 << cls);
        CHECK(p == g->base + ((size_t)8 << cls)); /* block 0, leaf 2^cls */
        CHECK(g->head[cls] == SPM_NIL);
        for (uint32_t c = 0; c < 5; ++c)
            if (c != cls) CHECK(g->head[c] == ((uint32_t)8 << c));
        expect_ok(g);
        CHECK(mc_spm_free(g, p) == MC_OK);
        expect_ok(g);
    }
}

static void test_zero_huge(void)
{
    mc_spm *h = make(sizeof arena, 128, 0);
    CHECK(mc_spm_alloc(h, 0) == NULL);
    CHECK(mc_spm_alloc(h, SIZE_MAX) == NULL);
    CHECK(mc_spm_alloc(h, SIZE_MAX / 2) == NULL);
    CHECK(mc_spm_alloc_aligned(h, 16, SIZE_MAX) == NULL);
    CHECK(mc_spm_alloc_aligned(h, 3, 16) == NULL);
    CHECK(mc_spm_alloc_aligned(h, 4096, SIZE_MAX - 10) == NULL);
    CHECK(mc_spm_realloc(h, NULL, SIZE_MAX) == NULL);
    CHECK(mc_spm_free(h, NULL) == MC_OK);
    mc_spm_stats s;
    mc_spm_get_stats(h, &s);
    CHECK_EQ_I64(s.live, 0);
    CHECK_EQ_I64(s.largest_free, s.capacity);
    expect_ok(h);
}

/* Every size class, exhausted: the count must match the arithmetic of the
 * layout (leaf 0 of each split block holds the tag). */
static void test_exhaustion(void)
{
    size_t blocks[] = {32, 64, 128, 256, 1024};
    for (size_t bi = 0; bi < sizeof blocks / sizeof *blocks; ++bi) {
        size_t B = blocks[bi];
        for (size_t sz = 1; sz <= B * 3; sz = sz * 2 + 1) {
            mc_spm *h = make(8192, B, 0);
            size_t n = 0, cap = (size_t)h->nblocks;
            while (mc_spm_alloc(h, sz)) ++n;
            size_t m = (size_t)1 << h->mshift, want;
            if (sz <= B / 2) {
                size_t r = sz < m ? m : sz;
                while (r & (r - 1)) r += r & -r;
                want = cap * (B / r - 1); /* the first r bytes hold the tag */
            } else {
                want = cap / ((sz + B - 1) / B);
            }
            CHECK_EQ_I64(n, want);
            expect_ok(h);
        }
    }
}

static void test_misuse(void)
{
    mc_spm *h = make(8192, 128, 0);
    unsigned char *small = mc_spm_alloc(h, 24);
    unsigned char *big = mc_spm_alloc(h, 300);
    unsigned char local;
    CHECK(small && big);
    CHECK(mc_spm_free(h, &local) == MC_ERR_INVALID);
    CHECK(mc_spm_free(h, arena + sizeof arena - 1) == MC_ERR_INVALID);
    CHECK(mc_spm_free(h, small + 8) == MC_ERR_INVALID);
    CHECK(mc_spm_free(h, small + 1) == MC_ERR_INVALID);
    CHECK(mc_spm_free(h, big + 128) == MC_ERR_INVALID);
    CHECK(mc_spm_free(h, big + 5) == MC_ERR_INVALID);
    /* The tag leaf of a split block is metadata, never a user pointer. */
    CHECK(mc_spm_free(h, (void *)((uintptr_t)small & ~(uintptr_t)127)) == MC_ERR_INVALID);
    CHECK(mc_spm_usable_size(h, small + 8) == 0);
    CHECK(mc_spm_realloc(h, big + 128, 10) == NULL);
    expect_ok(h);
    CHECK_EQ_I64(mc_spm_usable_size(h, small), 32);
    CHECK_EQ_I64(mc_spm_usable_size(h, big), 384);
    CHECK(mc_spm_free(h, small) == MC_OK);
    CHECK(mc_spm_free(h, small) == MC_ERR_INVALID);
    CHECK(mc_spm_free(h, big) == MC_OK);
    CHECK(mc_spm_free(h, big) == MC_ERR_INVALID);
    expect_ok(h);
    mc_spm_stats s;
    mc_spm_get_stats(h, &s);
    CHECK_EQ_I64(s.live, 0);
    CHECK_EQ_I64(s.used_bytes, 0);
    CHECK_EQ_I64(s.peak_used, 32 + 384);
    CHECK_EQ_I64(s.largest_free, s.capacity);
}

/* Up to 64 bytes any heap honours an alignment; beyond that only block
 * starts can, so a heap whose blocks start on a 4 KiB boundary (metadata
 * kept apart) honours all of them, and others return aligned or NULL. */
static void test_aligned(void)
{
    static _Alignas(4096) unsigned char page_arena[1 << 15];
    static _Alignas(16) unsigned char meta[512];
    mc_spm_config c = {128, 0, meta, sizeof meta};
    mc_spm *apart = NULL, *inl = make(sizeof arena, 128, 0);
    CHECK(mc_spm_init(&apart, page_arena, sizeof page_arena, &c, NULL) == MC_OK);
    for (size_t a = 1; a <= 4096; a *= 2) {
        for (size_t sz = 1; sz <= 600; sz = sz * 3 + 1) {
            void *p = mc_spm_alloc_aligned(apart, a, sz);
            CHECK(p != NULL && ((uintptr_t)p & (a - 1)) == 0);
            CHECK(mc_spm_usable_size(apart, p) >= sz);
            CHECK(mc_spm_free(apart, p) == MC_OK);
            p = mc_spm_alloc_aligned(inl, a, sz);
            CHECK(a > 64 ? p == NULL || ((uintptr_t)p & (a - 1)) == 0 : p && ((uintptr_t)p & (a - 1)) == 0);
        }
    }
    expect_ok(apart);
    expect_ok(inl);
}

/* Init puts the base on a block boundary whenever the slack allows it; then
 * every alignment A with A + size <= capacity is some free block start's, so
 * aligned requests must succeed whatever the region's own address. */
static void test_aligned_any_region(void)
{
    size_t on_block = 0, tried = 0;
    for (size_t b = 128; b <= 256; b *= 2) {
        for (size_t off = 0; off < 2 * b; off += 8, ++tried) {
            mc_spm_config c = {b, 0, NULL, 0};
            mc_spm *h;
            size_t size = 16 * b + b / 2;
            CHECK(mc_spm_init(&h, arena + off, size, &c, NULL) == MC_OK);
            uintptr_t base = (uintptr_t)h->base, up = (base + b - 1) & ~(uintptr_t)(b - 1);
            /* Off a block boundary only when moving there would cost a block. */
            CHECK(base % b == 0 || up + (size_t)h->nblocks * b > (uintptr_t)(arena + off + size));
            if (base % b) continue;
            ++on_block;
            for (size_t a = 128; a + b <= (size_t)h->nblocks * b; a *= 2) {
                void *p = mc_spm_alloc_aligned(h, a, 100);
                CHECK(p != NULL && ((uintptr_t)p & (a - 1)) == 0);
                CHECK(mc_spm_free(h, p) == MC_OK);
            }
            expect_ok(h);
        }
    }
    CHECK(on_block * 2 >= tried); /* half a block of slack: half the offsets */
}

static void test_realloc(void)
{
    mc_spm *h = make(8192, 128, 0);
    unsigned char *p = mc_spm_realloc(h, NULL, 20);
    memset(p, 0x5a, 20);
    unsigned char *q = mc_spm_realloc(h, p, 200); /* region -> run: moves */
    CHECK(q && q != p && q[0] == 0x5a && q[19] == 0x5a);
    memset(q, 0x33, 200);
    unsigned char *r = mc_spm_realloc(h, q, 500); /* grows in place */
    CHECK(r == q && r[199] == 0x33);
    CHECK_EQ_I64(mc_spm_usable_size(h, r), 512);
    r = mc_spm_realloc(h, r, 130); /* shrinks in place, tail freed */
    CHECK(r == q);
    CHECK_EQ_I64(mc_spm_usable_size(h, r), 256);
    expect_ok(h);
    unsigned char *s = mc_spm_realloc(h, r, 3);
    CHECK(s && s != r && s[2] == 0x33);
    CHECK(mc_spm_realloc(h, s, 0) == NULL);
    mc_spm_stats st;
    mc_spm_get_stats(h, &st);
    CHECK_EQ_I64(st.live, 0);
    /* Failure leaves the old block alive. */
    unsigned char *big = mc_spm_alloc(h, 4000);
    CHECK(big && mc_spm_realloc(h, big, 100000) == NULL && mc_spm_usable_size(h, big) >= 4000);
    expect_ok(h);
}

/* A grow in place that collides with a neighbour in the highest word it
 * needs fails before it has taken anything; giving back "nothing" must not
 * touch the bitmap (one-word shortcuts once flipped the next block's end
 * mark here). Layout: a = blocks 0-23, p = 24-29, hole 30-34, q = 35; growing
 * p to 16 blocks needs 30-39, which spans two bitmap words on 64-bit and
 * 32-bit builds alike, and q blocks the upper one. */
static void test_realloc_blocked_grow(unsigned flags)
{
    mc_spm *h = make(1 << 16, 64, flags);
    unsigned char *a = mc_spm_alloc(h, 24 * 64), *p = mc_spm_alloc(h, 6 * 64);
    unsigned char *r = mc_spm_alloc(h, 5 * 64), *q = mc_spm_alloc(h, 64);
    CHECK(a && p == a + 24 * 64 && r == a + 30 * 64 && q == a + 35 * 64);
    memset(q, 0x77, 64);
    CHECK(mc_spm_free(h, r) == MC_OK);
    unsigned char *p2 = mc_spm_realloc(h, p, 16 * 64);
    CHECK(p2 && p2 != p && p2 > q);
    CHECK(q[0] == 0x77 && q[63] == 0x77 && mc_spm_usable_size(h, q) == 64);
    expect_ok(h);
    CHECK(mc_spm_free(h, a) == MC_OK && mc_spm_free(h, p2) == MC_OK && mc_spm_free(h, q) == MC_OK);
    mc_spm_stats st;
    mc_spm_get_stats(h, &st);
    CHECK_EQ_I64(st.largest_free, st.capacity);
    expect_ok(h);
}

/* The checker must notice each kind of damage; restoring the bytes must
 * make it happy again, which proves the finding was about that damage. */
static void test_corruption_detected(void)
{
    mc_spm *h = make(8192, 128, 0);
    unsigned char *a = mc_spm_alloc(h, 16), *b = mc_spm_alloc(h, 400);
    mc_spm_alloc(h, 16);
    CHECK(a && b);
    expect_ok(h);
    spm_tag *tag = spm_tag_of(h, (uint32_t)((a - h->base) >> h->bshift));
    uint32_t saved = atomic_load(&tag->free);
    mc_error e;
    atomic_store(&tag->free, saved | (1u << ((a - h->base) % 128 / 8)));
    CHECK(mc_spm_check(h, &e) == MC_ERR_INVALID);
    atomic_store(&tag->free, saved);
    expect_ok(h);
    uint32_t k = 0;
    while (h->head[k] == SPM_NIL) ++k;
    spm_link *l = (spm_link *)(void *)(h->base + h->head[k]);
    uint32_t nx = l->prev;
    l->prev = 12345;
    CHECK(mc_spm_check(h, &e) == MC_ERR_INVALID && strstr(e.message, "back link"));
    l->prev = nx;
    spm_bit_set(h, SPM_E, (uint32_t)((b - h->base) >> h->bshift) + 3, false);
    CHECK(mc_spm_check(h, &e) == MC_ERR_INVALID);
    spm_bit_set(h, SPM_E, (uint32_t)((b - h->base) >> h->bshift) + 3, true);
    atomic_store(&h->live, 7);
    CHECK(mc_spm_check(h, &e) == MC_ERR_INVALID && strstr(e.message, "counters"));
    atomic_store(&h->live, 3);
    expect_ok(h);
}

/* Deferred heaps leave buddies apart until they run short, then recover all
 * the memory. */
static void test_deferred(void)
{
    mc_spm *h = make(4096, 64, MC_SPM_DEFERRED);
    void *p[512];
    size_t n = 0;
    while ((p[n] = mc_spm_alloc(h, 8)) != NULL) ++n;
    for (size_t i = 0; i < n; ++i) CHECK(mc_spm_free(h, p[i]) == MC_OK);
    expect_ok(h);
    mc_spm_stats s;
    mc_spm_get_stats(h, &s);
    CHECK(s.largest_free < s.capacity); /* nothing merged yet */
    void *all = mc_spm_alloc(h, s.capacity);
    CHECK(all != NULL);
    expect_ok(h);
}

/* A split block is "F and E" in the bit pair: whole-block searches must
 * treat it as taken, and it must count as free again once it empties. */
static void test_split_block_state(void)
{
    mc_spm *h = make(4096, 64, 0);
    size_t n = h->nblocks;
    void *small = mc_spm_alloc(h, 8);
    CHECK(small != NULL && spm_bit(h, SPM_P, 0) && !spm_bit(h, SPM_F, 0) && spm_bit(h, SPM_E, 0));
    void *rest = mc_spm_alloc(h, (n - 1) * 64);
    CHECK(rest != NULL && rest != small);
    CHECK(mc_spm_alloc(h, 64) == NULL); /* the split block is not free */
    expect_ok(h);
    CHECK(mc_spm_free(h, rest) == MC_OK);
    CHECK(mc_spm_free(h, small) == MC_OK);
    expect_ok(h);
    CHECK(mc_spm_alloc(h, n * 64) != NULL);
    expect_ok(h);
}

/* A single-threaded eager heap keeps one emptied split block as a spare:
 * check() accepts exactly that one, statistics count it as free, and a
 * whole-block request that needs it gets it. Threaded heaps keep none. */
static void test_spare_block(void)
{
    mc_spm *h = make(4096, 64, 0);
    mc_spm_stats s;
    void *a = mc_spm_alloc(h, 8), *b = mc_spm_alloc(h, 32);
    void *c = mc_spm_alloc(h, 32); /* the second 32-byte region: a new block */
    CHECK(a && b && c);
    CHECK(mc_spm_free(h, a) == MC_OK && mc_spm_free(h, b) == MC_OK);
    CHECK(h->spare == 0 && spm_bit(h, SPM_P, 0)); /* parked, not released */
    expect_ok(h);
    CHECK(mc_spm_free(h, c) == MC_OK); /* block 1 empties: block 0 goes back */
    CHECK(h->spare == 1 && !spm_bit(h, SPM_P, 0) && spm_bit(h, SPM_F, 0));
    CHECK(h->head[2] == 64 + 32 && h->head[1] == 64 + 16 && h->head[0] == 64 + 8); /* block 1's spine only */
    expect_ok(h);
    /* A spare in use again is not released when the next block empties. */
    b = mc_spm_alloc(h, 32);
    CHECK(b == h->base + 64 + 32);
    c = mc_spm_alloc(h, 32);
    CHECK(c == h->base + 32 && spm_bit(h, SPM_P, 0));
    CHECK(mc_spm_free(h, c) == MC_OK && h->spare == 0);
    CHECK(spm_bit(h, SPM_P, 1) && !spm_bit(h, SPM_F, 1)); /* block 1 stays split */
    CHECK(mc_spm_free(h, b) == MC_OK && h->spare == 1 && spm_bit(h, SPM_F, 0));
    expect_ok(h);
    mc_spm_get_stats(h, &s);
    CHECK_EQ_I64(s.largest_free, s.capacity);
    CHECK_EQ_I64(s.used_bytes, 0);
    void *all = mc_spm_alloc(h, s.capacity);
    CHECK(all != NULL && h->spare == SPM_NIL);
    expect_ok(h);
    /* A second empty block next to a live spare would be a leak. */
    CHECK(mc_spm_free(h, all) == MC_OK);
    a = mc_spm_alloc(h, 8);
    CHECK(mc_spm_free(h, a) == MC_OK);
    h->spare = SPM_NIL;
    CHECK(mc_spm_check(h, NULL) == MC_ERR_INVALID);

    h = make(4096, 64, MC_SPM_THREADS_COARSE);
    a = mc_spm_alloc(h, 8);
    CHECK(mc_spm_free(h, a) == MC_OK);
    CHECK(h->spare == SPM_NIL && spm_bit(h, SPM_F, 0));
    expect_ok(h);
}

/* With 32-byte blocks (leaves 0..3) the free bits can read "empty" (leaves
 * 1 and 2) while leaf 2's pair is still split and leaf 3 is live: the block
 * must stay, and go back only when leaf 3 is freed too. */
static void test_empty_needs_both_tag_words(void)
{
    mc_spm *h = make(4096, 32, 0);
    uint8_t *p1 = mc_spm_alloc(h, 8), *p2 = mc_spm_alloc(h, 8), *p3 = mc_spm_alloc(h, 8);
    CHECK(p1 == h->base + 8 && p2 == h->base + 16 && p3 == h->base + 24);
    CHECK(mc_spm_free(h, p1) == MC_OK && mc_spm_free(h, p2) == MC_OK);
    CHECK(h->spare == SPM_NIL && spm_bit(h, SPM_P, 0));
    expect_ok(h);
    CHECK(mc_spm_free(h, p3) == MC_OK);
    CHECK(h->spare == 0 && spm_bit(h, SPM_P, 0));
    expect_ok(h);
    CHECK(mc_spm_alloc(h, h->nblocks * 32) == h->base);
    expect_ok(h);
}

/* A split takes the smallest stocked class above the request and splits it
 * down, lower half kept: with only a 128-byte region free (block 0's spine
 * used up below it), an 8-byte request gets its first leaf and publishes
 * the upper halves, one region of each class from 8 to 64 bytes. */
static void test_split_from_larger(void)
{
    mc_spm *h = make(sizeof arena, 256, 0);
    void *small[4];
    for (uint32_t c = 0; c < 4; ++c) small[c] = mc_spm_alloc(h, (size_t)8 << c);
    CHECK(h->head[0] == SPM_NIL && h->head[3] == SPM_NIL && h->head[4] == 128);
    uint8_t *p = mc_spm_alloc(h, 8);
    CHECK(p == h->base + 128 && h->head[4] == SPM_NIL);
    CHECK(h->head[0] == 136 && h->head[1] == 144 && h->head[2] == 160 && h->head[3] == 192);
    expect_ok(h);
    CHECK(mc_spm_free(h, p) == MC_OK && h->head[4] == 128 && h->head[0] == SPM_NIL);
    /* With classes 2 and 3 stocked, an 8-byte request splits class 2. */
    uint8_t *q = mc_spm_alloc(h, 32);
    CHECK(q == h->base + 128 && h->head[2] == 160 && h->head[3] == 192);
    p = mc_spm_alloc(h, 8);
    CHECK(p == h->base + 160 && h->head[3] == 192 && h->head[1] == 176 && h->head[0] == 168);
    expect_ok(h);
    CHECK(mc_spm_free(h, p) == MC_OK && mc_spm_free(h, q) == MC_OK);
    for (uint32_t c = 0; c < 4; ++c) CHECK(mc_spm_free(h, small[c]) == MC_OK);
    expect_ok(h);
}

int main(void)
{
    test_empty_needs_both_tag_words();
    test_split_from_larger();
    test_split_block_state();
    test_spare_block();
    test_init_errors();
    test_default_block_and_fresh_split();
    test_zero_huge();
    test_exhaustion();
    test_misuse();
    test_aligned();
    test_aligned_any_region();
    test_realloc();
    test_realloc_blocked_grow(0);
    test_realloc_blocked_grow(MC_SPM_THREADS_COARSE);
    test_corruption_detected();
    test_deferred();
    return mc_test_finish("spm_basic");
}
