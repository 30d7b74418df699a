/* libFuzzer harness for the scratch-pad heap: the input is a heap
 * configuration followed by operations (alloc, aligned alloc, realloc,
 * free) and misuse (double free, interior, foreign and stray pointers).
 * Properties, checked after every operation:
 *   - mc_spm_check finds the heap consistent;
 *   - every live allocation still holds its fill pattern (no overlap, no
 *     metadata written into user bytes), lies inside the region, is
 *     aligned as asked, and usable_size covers its request;
 *   - misuse is refused with MC_ERR_INVALID and changes nothing;
 *   - when nothing is live, the whole capacity is free again (eager
 *     coalescing) after mc_spm_coalesce (deferred).
 * Any violation aborts, leaving the input as reproducer. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz_check.h"
#include "memcarve/spm.h"

enum { SLOTS = 64, REGION_MAX = 65536 };

typedef struct live {
    unsigned char *p;
    size_t size;
    unsigned char fill;
} live;

typedef struct fuzz_heap {
    mc_spm *h;
    unsigned char *region;
    size_t region_size;
    live slot[SLOTS];
    unsigned char *dead[4]; /* recently freed pointers, for double frees */
    unsigned serial;
} fuzz_heap;

typedef struct input {
    const uint8_t *data;
    size_t size, at;
} input;

static unsigned take(input *in)
{
    return in->at < in->size ? in->data[in->at++] : 0;
}

static unsigned take16(input *in)
{
    unsigned lo = take(in);
    return lo | take(in) << 8;
}

static void check_heap(const fuzz_heap *f)
{
    mc_error err;
    mc_status st = mc_spm_check(f->h, &err);
    if (st != MC_OK) fprintf(stderr, "%s\n", err.message);
    fuzz_require(st == MC_OK, "mc_spm_check passes after every operation");
}

static void check_slot(const fuzz_heap *f, const live *s)
{
    if (!s->p) return;
    fuzz_require(s->p >= f->region && s->p + s->size <= f->region + f->region_size, "allocation inside the region");
    fuzz_require(mc_spm_usable_size(f->h, s->p) >= s->size, "usable size covers the request");
    for (size_t i = 0; i < s->size; ++i) fuzz_require(s->p[i] == s->fill, "allocation keeps its contents");
}

static void fill(fuzz_heap *f, live *s, unsigned char *p, size_t size)
{
    s->p = p, s->size = size, s->fill = (unsigned char)(++f->serial * 37u + 1u);
    memset(p, s->fill, size);
}

static void bury(fuzz_heap *f, unsigned char *p)
{
    memmove(f->dead + 1, f->dead, sizeof f->dead - sizeof f->dead[0]);
    f->dead[0] = p;
}

static void do_alloc(fuzz_heap *f, live *s, input *in, bool aligned)
{
    if (s->p) return;
    size_t size = take16(in) % 2048, align = (size_t)1 << (take(in) % 12);
    unsigned char *p = aligned ? mc_spm_alloc_aligned(f->h, align, size) : mc_spm_alloc(f->h, size);
    if (size == 0) fuzz_require(p == NULL, "size 0 gives NULL");
    if (!p) return;
    if (aligned) fuzz_require(((uintptr_t)p & (align - 1)) == 0, "aligned as asked");
    fill(f, s, p, size);
}

static void do_realloc(fuzz_heap *f, live *s, input *in)
{
    size_t size = take16(in) % 4096;
    unsigned char *old = s->p;
    unsigned char *p = mc_spm_realloc(f->h, old, size);
    if (old && size == 0) {
        fuzz_require(p == NULL, "realloc to 0 frees");
        bury(f, old);
        s->p = NULL;
        return;
    }
    if (!p) return; /* failed: old untouched, checked by check_slot */
    size_t kept = !old ? 0 : s->size < size ? s->size : size; /* the common prefix */
    for (size_t i = 0; i < kept; ++i) fuzz_require(p[i] == s->fill, "realloc keeps the prefix");
    if (old && p != old) bury(f, old);
    fill(f, s, p, size);
}

static void do_free(fuzz_heap *f, live *s)
{
    if (!s->p) return;
    fuzz_require(mc_spm_free(f->h, s->p) == MC_OK, "a live pointer frees");
    bury(f, s->p);
    s->p = NULL;
}

/* A pointer some live allocation does not start at must be refused. */
static bool is_live_start(const fuzz_heap *f, const unsigned char *p)
{
    for (size_t i = 0; i < SLOTS; ++i)
        if (f->slot[i].p == p) return true;
    return false;
}

static void do_misuse(fuzz_heap *f, input *in)
{
    unsigned kind = take(in) % 3, k = take16(in);
    unsigned char *p;
    if (kind == 0) p = f->dead[k % 4];                          /* double free */
    else if (kind == 1) p = f->region + k % f->region_size;      /* stray, maybe interior */
    else p = (unsigned char *)&f->serial;                        /* foreign */
    if (!p || is_live_start(f, p)) return;
    fuzz_require(mc_spm_free(f->h, p) == MC_ERR_INVALID, "misuse is refused");
    fuzz_require(mc_spm_realloc(f->h, p, 8) == NULL, "realloc of misuse is refused");
}

static void check_all_free(const fuzz_heap *f)
{
    for (size_t i = 0; i < SLOTS; ++i)
        if (f->slot[i].p) return;
    mc_spm_coalesce(f->h);
    mc_spm_stats st;
    mc_spm_get_stats(f->h, &st);
    fuzz_require(st.live == 0 && st.used_bytes == 0, "counters empty with nothing live");
    fuzz_require(st.free_bytes == st.capacity && st.largest_free == st.capacity, "everything free again");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char region[REGION_MAX + 64], meta[8192];
    input in = {data, size, 0};
    fuzz_heap f = {0};
    unsigned shape = take(&in), offset = take(&in) % 64;
    f.region_size = 128 + (size_t)take16(&in) % (REGION_MAX - 128);
    f.region = region + offset;
    mc_spm_config cfg = {0};
    cfg.block_size = shape & 7 ? (size_t)16 << (shape & 7) : 0; /* 32..2048 or auto */
    cfg.flags = (shape & 8) ? MC_SPM_DEFERRED : 0;
    if (shape & 16) cfg.meta = meta, cfg.meta_size = sizeof meta;
    mc_error err;
    if (mc_spm_init(&f.h, f.region, f.region_size, &cfg, &err) != MC_OK) {
        fuzz_require(err.message[0] != 0 && strchr(err.message, '\n') == NULL, "a refusal says why, in one line");
        return 0;
    }
    check_heap(&f);
    while (in.at < in.size) {
        unsigned op = take(&in);
        live *s = &f.slot[(op >> 3) % SLOTS];
        switch (op & 7) {
        case 0: case 1: case 2: do_alloc(&f, s, &in, false); break;
        case 3: do_alloc(&f, s, &in, true); break;
        case 4: do_realloc(&f, s, &in); break;
        case 5: case 6: do_free(&f, s); break;
        default: do_misuse(&f, &in); break;
        }
        check_heap(&f);
        check_slot(&f, s);
    }
    for (size_t i = 0; i < SLOTS; ++i) check_slot(&f, &f.slot[i]);
    for (size_t i = 0; i < SLOTS; ++i) do_free(&f, &f.slot[i]);
    check_heap(&f);
    check_all_free(&f);
    return 0;
}
