/* memcarve spm: replays an alloc/free trace on the SMA scratch-pad heap
 * and prints what the heap did (format and examples: docs/spm.md,
 * examples/spm/). The whole trace is parsed first, so bad input is
 * reported before anything runs; nothing is written but stdout/stderr. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "memcarve/spm.h"
#include "options.h"

static const char usage[] =
    "usage: memcarve spm --arena=BYTES [options] --trace=FILE\n"
    "Replays a trace ('a ID SIZE', 'm ID ALIGN SIZE', 'r ID SIZE', 'f ID'; '#' comments)\n"
    "on a scratch-pad heap of BYTES bytes and prints statistics (docs/spm.md).\n"
    "Exit status: 0 every request was met, 1 some allocation failed (or --check found\n"
    "a violation), 2 bad usage or input.";

#define MAX_ID (1u << 24)

typedef struct op {
    char kind;
    uint32_t id;
    size_t size, align;
    unsigned long line;
} op;

typedef struct trace {
    op *ops;
    size_t n, cap;
    uint32_t max_id;
} trace;

typedef struct result {
    size_t failed, requested, peak_requested;
    unsigned long first_fail_line;
    mc_spm_stats stats;
    bool check_failed;
    char check_message[MC_ERROR_MESSAGE_MAX + 32];
} result;

static bool parse_number(const char *word, size_t *out)
{
    if (!word || *word < '0' || *word > '9') return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(word, &end, 10);
    if (*end || errno == ERANGE || v > SIZE_MAX) return false;
    *out = (size_t)v;
    return true;
}

static int bad_field(const char *file, unsigned long line, const char *field, const char *want, const char *got)
{
    fprintf(stderr, "memcarve spm: %s:%lu: field '%s': expected %s, got '%s'\n", file, line, field, want,
            got ? got : "end of line");
    return MC_EXIT_USAGE;
}

/* One line into *o; returns MC_EXIT_OK, or MC_EXIT_USAGE after a message. */
static int parse_line(char *text, const char *file, unsigned long line, op *o, bool *blank)
{
    char *words[5];
    size_t n = 0;
    for (char *w = strtok(text, " \t\r\n"); w && n < 5; w = strtok(NULL, " \t\r\n")) words[n++] = w;
    *blank = n == 0 || words[0][0] == '#';
    if (*blank) return MC_EXIT_OK;
    const char *k = words[0];
    size_t want = !strcmp(k, "a") || !strcmp(k, "r") ? 3 : !strcmp(k, "m") ? 4 : !strcmp(k, "f") ? 2 : 0;
    if (!want) return bad_field(file, line, "op", "one of a, m, r, f", k);
    if (n != want) {
        fprintf(stderr, "memcarve spm: %s:%lu: '%s' takes %zu fields, found %zu\n", file, line, k, want - 1, n - 1);
        return MC_EXIT_USAGE;
    }
    size_t id;
    if (!parse_number(words[1], &id) || id >= MAX_ID)
        return bad_field(file, line, "id", "an integer below 16777216", words[1]);
    *o = (op){k[0], (uint32_t)id, 0, 0, line};
    if (k[0] == 'm' && (!parse_number(words[2], &o->align) || !o->align || (o->align & (o->align - 1))))
        return bad_field(file, line, "align", "a power of two", words[2]);
    if (want > 2 && !parse_number(words[want - 1], &o->size))
        return bad_field(file, line, "size", "a byte count", words[want - 1]);
    return MC_EXIT_OK;
}

static int read_trace(const char *file, trace *t)
{
    FILE *in = fopen(file, "r");
    if (!in) {
        fprintf(stderr, "memcarve spm: cannot open trace '%s': %s\n", file, strerror(errno));
        return MC_EXIT_USAGE;
    }
    char buf[512];
    unsigned long line = 0;
    int rc = MC_EXIT_OK;
    while (rc == MC_EXIT_OK && fgets(buf, sizeof buf, in)) {
        ++line;
        if (!strchr(buf, '\n') && !feof(in)) {
            fprintf(stderr, "memcarve spm: %s:%lu: line longer than %zu characters\n", file, line, sizeof buf - 2);
            rc = MC_EXIT_USAGE;
            break;
        }
        op o;
        bool blank;
        rc = parse_line(buf, file, line, &o, &blank);
        if (rc != MC_EXIT_OK || blank) continue;
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 1024;
            op *grown = realloc(t->ops, cap * sizeof *grown);
            if (!grown) {
                fprintf(stderr, "memcarve spm: out of memory reading '%s'\n", file);
                rc = MC_EXIT_FAIL;
                break;
            }
            t->ops = grown;
            t->cap = cap;
        }
        t->ops[t->n++] = o;
        if (o.id + 1 > t->max_id) t->max_id = o.id + 1;
    }
    if (rc == MC_EXIT_OK && ferror(in)) {
        fprintf(stderr, "memcarve spm: error reading '%s'\n", file);
        rc = MC_EXIT_USAGE;
    }
    fclose(in);
    return rc;
}

typedef struct slot {
    void *p;
    size_t size;
} slot;

/* Ids must be used consistently; that is checked before any heap exists, so
 * a replay can only fail on the heap's merits. */
static int validate_ids(const trace *t, const char *file)
{
    unsigned char *live = calloc(t->max_id ? t->max_id : 1, 1);
    if (!live) return MC_EXIT_FAIL;
    int rc = MC_EXIT_OK;
    for (size_t i = 0; i < t->n && rc == MC_EXIT_OK; ++i) {
        const op *o = &t->ops[i];
        bool alloc = o->kind == 'a' || o->kind == 'm';
        if (alloc == (live[o->id] != 0)) {
            fprintf(stderr, "memcarve spm: %s:%lu: field 'id': %u is %s\n", file, o->line, o->id,
                    alloc ? "still live (free it first)" : "not live (allocate it first)");
            rc = MC_EXIT_USAGE;
        }
        live[o->id] = o->kind != 'f';
    }
    free(live);
    return rc;
}

static void track(result *r, size_t before, size_t after)
{
    r->requested = r->requested - before + after;
    if (r->requested > r->peak_requested) r->peak_requested = r->requested;
}

static void note_failure(result *r, const op *o)
{
    if (!r->failed++) r->first_fail_line = o->line;
}

static void step(mc_spm *h, const op *o, slot *s, result *r)
{
    slot *x = &s[o->id];
    if (o->kind == 'f') {
        if (x->p) mc_spm_free(h, x->p);
        track(r, x->size, 0);
        *x = (slot){NULL, 0};
        return;
    }
    void *p = o->kind == 'a' ? mc_spm_alloc(h, o->size)
            : o->kind == 'm' ? mc_spm_alloc_aligned(h, o->align, o->size)
                             : (x->p ? mc_spm_realloc(h, x->p, o->size) : mc_spm_alloc(h, o->size));
    /* A failed request is counted and leaves the id as it was (dead for a
     * failed alloc, its old block for a failed realloc). */
    if (!p && o->size) {
        note_failure(r, o);
        return;
    }
    track(r, x->size, o->size);
    *x = (slot){p, o->size};
}

static int replay(const trace *t, size_t arena_size, const mc_spm_config *cfg, bool check, result *r)
{
    memset(r, 0, sizeof *r);
    void *arena = malloc(arena_size ? arena_size : 1);
    slot *slots = calloc(t->max_id ? t->max_id : 1, sizeof *slots);
    mc_spm *h = NULL;
    mc_error err;
    int rc = MC_EXIT_OK;
    if (!arena || !slots) {
        fprintf(stderr, "memcarve spm: out of memory for a %zu-byte arena\n", arena_size);
        rc = MC_EXIT_FAIL;
    } else if (mc_spm_init(&h, arena, arena_size, cfg, &err) != MC_OK) {
        fprintf(stderr, "memcarve spm: --arena=%zu: %s\n", arena_size, err.message);
        rc = MC_EXIT_USAGE;
    }
    for (size_t i = 0; rc == MC_EXIT_OK && i < t->n; ++i) {
        step(h, &t->ops[i], slots, r);
        if (check && mc_spm_check(h, &err) != MC_OK) {
            r->check_failed = true;
            snprintf(r->check_message, sizeof r->check_message, "line %lu: %s", t->ops[i].line, err.message);
            break;
        }
    }
    if (h && rc == MC_EXIT_OK) mc_spm_get_stats(h, &r->stats);
    free(slots);
    free(arena);
    return rc;
}

/* Smallest arena (to within 1%) on which the trace runs without a failed
 * request, by bisection; failures are close to monotone in the size. */
static int min_arena(const trace *t, const mc_spm_config *cfg, size_t *best)
{
    result r;
    size_t lo = 64, hi = 4096;
    for (;; hi *= 2) {
        int rc = replay(t, hi, cfg, false, &r);
        if (rc == MC_EXIT_OK && !r.failed) break;
        if (hi > ((size_t)1 << 31)) return MC_EXIT_FAIL;
    }
    while (hi - lo > hi / 100) {
        size_t mid = lo + (hi - lo) / 2;
        if (replay(t, mid, cfg, false, &r) == MC_EXIT_OK && !r.failed) hi = mid;
        else lo = mid;
    }
    *best = hi;
    return MC_EXIT_OK;
}

static void report(const trace *t, size_t arena, const result *r)
{
    const mc_spm_stats *s = &r->stats;
    printf("arena              %zu bytes: %zu blocks of %zu, metadata %zu bytes\n", arena,
           s->capacity / s->block_size, s->block_size, s->metadata_bytes);
    printf("operations         %zu\n", t->n);
    printf("failed requests    %zu", r->failed);
    if (r->failed) printf(" (first at line %lu)", r->first_fail_line);
    printf("\npeak requested     %zu bytes live (M)\n", r->peak_requested);
    printf("peak handed out    %zu bytes (after rounding)\n", s->peak_used);
    if (r->peak_requested) printf("arena / M          %.3f\n", (double)arena / (double)r->peak_requested);
    printf("at end             %zu live, %zu bytes used, %zu free, largest free run %zu\n", s->live,
           s->used_bytes, s->free_bytes, s->largest_free);
}

int mc_cmd_spm(int argc, char **argv)
{
    int64_t arena = 0, block = 0;
    const char *file = NULL;
    bool deferred = false, check = false, find_min = false;
    mc_opt opts[] = {
        {"arena", MC_OPT_INT, &arena, "bytes of scratch-pad to manage (metadata included)", false},
        {"block", MC_OPT_INT, &block, "block size, a power of two in [32, 65536]; default by arena size", false},
        {"trace", MC_OPT_STRING, &file, "the trace to replay", false},
        {"deferred", MC_OPT_FLAG, &deferred, "coalesce lazily, when a request would fail", false},
        {"check", MC_OPT_FLAG, &check, "run the invariant checker after every operation", false},
        {"min-arena", MC_OPT_FLAG, &find_min, "find the smallest arena that runs the trace without failures", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL, usage);
    if (rc == MC_EXIT_HELP) return MC_EXIT_OK;
    if (rc != MC_EXIT_OK) return rc;
    if (!file || (!find_min && arena <= 0) || arena < 0 || block < 0) {
        fprintf(stderr, "memcarve spm: need --trace=FILE and --arena=BYTES > 0 (or --min-arena); see --help\n");
        return MC_EXIT_USAGE;
    }
    trace t = {NULL, 0, 0, 0};
    rc = read_trace(file, &t);
    if (rc == MC_EXIT_OK) rc = validate_ids(&t, file);
    mc_spm_config cfg = {(size_t)block, deferred ? MC_SPM_DEFERRED : 0u, NULL, 0};
    size_t size = (size_t)arena;
    if (rc == MC_EXIT_OK && find_min && (rc = min_arena(&t, &cfg, &size)) != MC_EXIT_OK)
        fprintf(stderr, "memcarve spm: no arena up to 2 GiB runs '%s' without failures\n", file);
    result r;
    if (rc == MC_EXIT_OK) rc = replay(&t, size, &cfg, check, &r);
    if (rc == MC_EXIT_OK) {
        report(&t, size, &r);
        if (r.check_failed) fprintf(stderr, "memcarve spm: invariant violated at %s\n", r.check_message);
        rc = r.failed || r.check_failed ? MC_EXIT_FAIL : MC_EXIT_OK;
    }
    free(t.ops);
    return rc;
}
