/* Seeded property tests: random problems, written as text by an independent
 * serializer with random column orders, aliases and number spellings, must
 * parse back equal; the writer's output must parse back with the offsets as
 * fixed offsets; and random corruptions of valid files must either parse or
 * fail with a located one-line message, never crash. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support.h"

enum { MAX_BUFFERS = 8, MAX_GAPS = 3, ITERATIONS = 1500 };

typedef struct generated {
    mc_buffer buffers[MAX_BUFFERS];
    mc_gap gaps[MAX_BUFFERS][MAX_GAPS];
    char ids[MAX_BUFFERS][24];
    size_t count;
    int order[9];           /* column kinds in file order */
    size_t columns;
    bool inclusive;
} generated;

enum { C_ID, C_LOWER, C_UPPER, C_SIZE, C_ALIGN, C_HINT, C_GAPS, C_OFFSET, C_NOTE };

static int64_t pick(mc_test_rng *rng, int64_t lo, int64_t hi)
{
    return mc_test_range(rng, lo, hi);
}

static void make_gaps(mc_test_rng *rng, generated *g, size_t i)
{
    mc_buffer *b = &g->buffers[i];
    int64_t t = b->lower;
    size_t n = (size_t)pick(rng, 0, MAX_GAPS);
    b->gaps = g->gaps[i];
    for (size_t k = 0; k < n; ++k) {
        mc_gap gap = {.lower = t + pick(rng, 0, 3)};
        gap.upper = gap.lower + pick(rng, 1, 3);
        if (gap.upper > b->upper) break;
        gap.has_window = b->size <= 1000 && pick(rng, 0, 1);
        if (gap.has_window) {
            gap.window_lower = pick(rng, 0, b->size);
            gap.window_upper = pick(rng, gap.window_lower, b->size);
        }
        g->gaps[i][b->gap_count++] = gap;
        t = gap.upper;
    }
}

static void make_buffer(mc_test_rng *rng, generated *g, size_t i)
{
    mc_buffer *b = &g->buffers[i];
    static const char odd[] = " @-:+\xc3\xa9x";
    int n = snprintf(g->ids[i], sizeof g->ids[i], "b%zu", i);
    for (int k = (int)pick(rng, 0, 4); k > 0; --k) g->ids[i][n++] = odd[pick(rng, 0, sizeof odd - 2)];
    g->ids[i][n++] = 'z';  /* never ends in a space */
    g->ids[i][n] = '\0';
    bool extreme = pick(rng, 0, 9) == 0;
    *b = mc_buffer_make(g->ids[i], 0, 1, 0);
    b->lower = extreme ? INT64_MIN + pick(rng, 0, 3) : pick(rng, -50, 50);
    b->upper = extreme ? INT64_MAX - pick(rng, 0, 3) : b->lower + pick(rng, 1, 30);
    b->size = extreme && pick(rng, 0, 1) ? INT64_MAX : pick(rng, 0, 1000);
    b->alignment = (int64_t)1 << pick(rng, 0, 6);
    b->hint = pick(rng, 0, 1) ? pick(rng, 0, 1000) : MC_NO_OFFSET;
    if (b->size < INT64_MAX / 2 && pick(rng, 0, 2) == 0) b->fixed_offset = b->alignment * pick(rng, 0, 10);
    if (!extreme) make_gaps(rng, g, i);
}

static void generate(mc_test_rng *rng, generated *g)
{
    memset(g, 0, sizeof *g);
    g->count = (size_t)pick(rng, 0, MAX_BUFFERS);
    for (size_t i = 0; i < g->count; ++i) make_buffer(rng, g, i);
    g->inclusive = pick(rng, 0, 1);
    g->columns = 0;
    for (int c = C_ID; c <= C_NOTE; ++c)
        if (c <= C_SIZE || pick(rng, 0, 1)) g->order[g->columns++] = c;
    for (size_t i = g->columns; i > 1; --i) {  /* Fisher-Yates */
        size_t j = (size_t)pick(rng, 0, (int64_t)i - 1);
        int t = g->order[i - 1];
        g->order[i - 1] = g->order[j];
        g->order[j] = t;
    }
}

/* Writes a number the way a person might: sometimes "+7" or "007". */
static void put_number(mc_test_rng *rng, char **p, int64_t v)
{
    int style = (int)pick(rng, 0, 7);
    const char *prefix = v >= 0 && style == 0 ? "+" : v >= 0 && style == 1 ? "00" : "";
    *p += sprintf(*p, "%s%" PRId64, prefix, v);
}

static void put_gaps(mc_test_rng *rng, char **p, const mc_buffer *b, bool inclusive)
{
    for (size_t k = 0; k < b->gap_count; ++k) {
        const mc_gap *gap = &b->gaps[k];
        if (k) *(*p)++ = ' ';
        put_number(rng, p, gap->lower);
        *(*p)++ = '-';
        put_number(rng, p, gap->upper - inclusive);
        if (gap->has_window) *p += sprintf(*p, "@%" PRId64 ":%" PRId64, gap->window_lower, gap->window_upper);
    }
}

static void put_field(mc_test_rng *rng, char **p, const generated *g, const mc_buffer *b, int column)
{
    switch (column) {
    case C_ID: *p += sprintf(*p, "%s", b->id); break;
    case C_LOWER: put_number(rng, p, b->lower); break;
    case C_UPPER: put_number(rng, p, b->upper - g->inclusive); break;
    case C_SIZE: put_number(rng, p, b->size); break;
    case C_ALIGN: if (b->alignment > 1 || pick(rng, 0, 1)) put_number(rng, p, b->alignment); break;
    case C_HINT: if (b->hint >= 0 || pick(rng, 0, 1)) put_number(rng, p, b->hint >= 0 ? b->hint : -pick(rng, 1, 9)); break;
    case C_GAPS: put_gaps(rng, p, b, g->inclusive); break;
    case C_OFFSET: if (b->fixed_offset >= 0) put_number(rng, p, b->fixed_offset); break;
    default: *p += sprintf(*p, "note %d", (int)pick(rng, 0, 99)); break;
    }
}

static char *serialize(mc_test_rng *rng, const generated *g)
{
    static const char *const names[][3] = {
        {"id", "buffer", "buffer_id"}, {"lower", "begin", "start"}, {"upper", "upper", "upper"},
        {"size", "size", "size"}, {"alignment", "alignment", "alignment"}, {"hint", "hint", "hint"},
        {"gaps", "gaps", "gaps"}, {"offset", "offset", "offset"}, {"note", "note", "note"},
    };
    char *text = malloc(64 + (g->count + 1) * 512), *p = text;
    for (size_t c = 0; c < g->columns; ++c) {
        int column = g->order[c];
        const char *name = column == C_UPPER && g->inclusive ? "end" : names[column][pick(rng, 0, 2)];
        p += sprintf(p, "%s%s", c ? "," : "", name);
    }
    const char *eol = pick(rng, 0, 1) ? "\r\n" : "\n";
    for (size_t i = 0; i < g->count; ++i) {
        p += sprintf(p, "%s", eol);
        for (size_t c = 0; c < g->columns; ++c) {
            if (c) *p++ = ',';
            put_field(rng, &p, g, &g->buffers[i], g->order[c]);
        }
    }
    p += sprintf(p, "%s", pick(rng, 0, 1) ? eol : "");
    *p = '\0';
    return text;
}

static bool has_column(const generated *g, int column)
{
    for (size_t c = 0; c < g->columns; ++c)
        if (g->order[c] == column) return true;
    return false;
}

/* Compares what the file could express: absent columns read as defaults. */
static void check_equal(const generated *g, const mc_buffer *want, const mc_buffer *got, int64_t fixed)
{
    CHECK(strcmp(want->id, got->id) == 0);
    CHECK_EQ_I64(want->lower, got->lower);
    CHECK_EQ_I64(want->upper, got->upper);
    CHECK_EQ_I64(want->size, got->size);
    CHECK_EQ_I64(has_column(g, C_ALIGN) ? want->alignment : 1, got->alignment);
    CHECK_EQ_I64(has_column(g, C_HINT) ? want->hint : MC_NO_OFFSET, got->hint);
    CHECK_EQ_I64(fixed, got->fixed_offset);
    size_t gaps = has_column(g, C_GAPS) ? want->gap_count : 0;
    CHECK_EQ_I64(gaps, got->gap_count);
    for (size_t k = 0; k < gaps && k < got->gap_count; ++k) {
        const mc_gap *a = &want->gaps[k], *b = &got->gaps[k];
        CHECK(a->lower == b->lower && a->upper == b->upper && a->has_window == b->has_window);
        CHECK(!a->has_window || (a->window_lower == b->window_lower && a->window_upper == b->window_upper));
    }
}

/* The writer's output read back: same buffers, offsets now fixed. */
static void check_rewrite(mc_test_rng *rng, const generated *g, const mc_csv *csv)
{
    long long offsets[MAX_BUFFERS];
    for (size_t i = 0; i < g->count; ++i)
        offsets[i] = g->buffers[i].size > INT64_MAX / 2 ? 0 : g->buffers[i].alignment * pick(rng, 0, 20);
    char *text = write_string(csv, offsets);
    CHECK(text != NULL);
    if (!text) return;
    mc_csv *again = NULL;
    mc_error err;
    CHECK_EQ_I64(parse_string(text, &again, &err), MC_OK);
    for (size_t i = 0; again && i < g->count; ++i)
        check_equal(g, &g->buffers[i], mc_problem_buffer(mc_csv_problem(again), i), offsets[i]);
    mc_csv_destroy(again);
    free(text);
}

/* Corrupts a few bytes; the parse may succeed or fail, but a failure must be
 * located on a line of the file and fit on one line. */
static void check_corruption(mc_test_rng *rng, const char *text)
{
    static const char bytes[] = ",-@:\n\r 09+ax\0";
    size_t length = strlen(text);
    char *copy = malloc(length + 1);
    memcpy(copy, text, length + 1);
    for (int k = (int)pick(rng, 1, 3); k > 0 && length; --k)
        copy[pick(rng, 0, (int64_t)length - 1)] = bytes[pick(rng, 0, sizeof bytes - 2)];
    mc_csv *csv = NULL;
    mc_error err;
    mc_error_clear(&err);
    mc_status status = mc_csv_parse(copy, length, "t.csv", &csv, &err);
    if (status == MC_OK) {
        CHECK(csv != NULL);
    } else {
        CHECK(csv == NULL);
        CHECK(status == MC_ERR_PARSE || status == MC_ERR_INVALID || status == MC_ERR_OVERFLOW);
        CHECK(strncmp(err.message, "t.csv:", 6) == 0);
        CHECK(strchr(err.message, '\n') == NULL);
    }
    mc_csv_destroy(csv);
    free(copy);
}

int main(void)
{
    mc_test_rng rng = {20261121};
    generated g;
    for (int iteration = 0; iteration < ITERATIONS; ++iteration) {
        generate(&rng, &g);
        char *text = serialize(&rng, &g);
        mc_csv *csv = NULL;
        mc_error err;
        mc_status status = parse_string(text, &csv, &err);
        CHECK_EQ_I64(status, MC_OK);
        if (status != MC_OK) fprintf(stderr, "  %s\n%s\n", err.message, text);
        for (size_t i = 0; csv && i < g.count; ++i) {
            const mc_buffer *want = &g.buffers[i];
            int64_t fixed = has_column(&g, C_OFFSET) ? want->fixed_offset : MC_NO_OFFSET;
            check_equal(&g, want, mc_problem_buffer(mc_csv_problem(csv), i), fixed);
        }
        if (csv) check_rewrite(&rng, &g, csv);
        mc_csv_destroy(csv);
        check_corruption(&rng, text);
        free(text);
    }
    return mc_test_finish("csv_roundtrip");
}
