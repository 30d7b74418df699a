/* The trace CSV: event,op,id,size,alignment,device. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "memcarve/cache.h"

mc_status mc_trace_write(const mc_trace_event *events, size_t count, FILE *out, mc_error *err)
{
    int rc = fprintf(out, "event,op,id,size,alignment,device\n");
    for (size_t i = 0; i < count && rc >= 0; ++i) {
        const mc_trace_event *e = &events[i];
        rc = fprintf(out, "%zu,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%d\n", i,
                     e->is_free ? "free" : "alloc", e->id, e->size, e->alignment, e->device);
    }
    if (rc < 0) return mc_error_set(err, MC_ERR_IO, "trace: write failed: %s", strerror(errno));
    return MC_OK;
}

enum { COL_OP, COL_ID, COL_SIZE, COL_ALIGNMENT, COL_DEVICE, COL_COUNT };
static const char *const column_names[COL_COUNT] = {"op", "id", "size", "alignment", "device"};
#define MAX_COLUMNS 32

typedef struct reader {
    const char *name;
    size_t line;
    int where[COL_COUNT]; /* field index of each known column, -1 if absent */
    const char *field[MAX_COLUMNS];
    size_t length[MAX_COLUMNS];
    size_t fields;
} reader;

/* Splits [text, end) at commas into r->field; a trailing CR is dropped. */
static void split(reader *r, const char *text, const char *end)
{
    if (end > text && end[-1] == '\r') --end;
    r->fields = 0;
    for (const char *start = text;; ++text) {
        if (text == end || *text == ',') {
            if (r->fields < MAX_COLUMNS) {
                r->field[r->fields] = start;
                r->length[r->fields++] = (size_t)(text - start);
            }
            if (text == end) return;
            start = text + 1;
        }
    }
}

static bool field_is(const reader *r, size_t i, const char *word)
{
    return r->length[i] == strlen(word) && !memcmp(r->field[i], word, r->length[i]);
}

static mc_status read_header(reader *r, mc_error *err)
{
    for (int c = 0; c < COL_COUNT; ++c) {
        r->where[c] = -1;
        for (size_t i = 0; i < r->fields; ++i)
            if (field_is(r, i, column_names[c])) r->where[c] = (int)i;
    }
    for (int c = COL_OP; c <= COL_SIZE; ++c)
        if (r->where[c] < 0)
            return mc_error_set(err, MC_ERR_PARSE,
                                "%s:1: header: expected columns op,id,size (and optionally "
                                "event,alignment,device), missing '%s'",
                                r->name, column_names[c]);
    return MC_OK;
}

static mc_status number(const reader *r, int column, uint64_t fallback, uint64_t max, uint64_t *out,
                        mc_error *err)
{
    if (r->where[column] < 0) {
        *out = fallback;
        return MC_OK;
    }
    size_t i = (size_t)r->where[column];
    char buf[32];
    const char *text = i < r->fields ? r->field[i] : "";
    size_t len = i < r->fields ? r->length[i] : 0;
    bool ok = len > 0 && len < sizeof buf;
    for (size_t k = 0; ok && k < len; ++k) ok = text[k] >= '0' && text[k] <= '9';
    if (ok) {
        memcpy(buf, text, len);
        buf[len] = '\0';
        errno = 0;
        unsigned long long v = strtoull(buf, NULL, 10);
        ok = errno == 0 && v <= max;
        *out = v;
    }
    if (ok) return MC_OK;
    return mc_error_set(err, MC_ERR_PARSE,
                        "%s:%zu: field '%s': expected an integer 0..%" PRIu64 ", got '%.*s'",
                        r->name, r->line, column_names[column], max, (int)(len > 40 ? 40 : len),
                        text);
}

static mc_status read_event(reader *r, mc_trace_event *e, mc_error *err)
{
    size_t op = (size_t)r->where[COL_OP];
    bool is_alloc = op < r->fields && field_is(r, op, "alloc");
    bool is_free = op < r->fields && field_is(r, op, "free");
    if (!is_alloc && !is_free)
        return mc_error_set(err, MC_ERR_PARSE, "%s:%zu: field 'op': expected 'alloc' or 'free', got '%.*s'",
                            r->name, r->line, op < r->fields ? (int)r->length[op] : 0,
                            op < r->fields ? r->field[op] : "");
    uint64_t device = 0;
    mc_status st = number(r, COL_ID, 0, UINT64_MAX - 1, &e->id, err);
    if (st == MC_OK) st = number(r, COL_SIZE, 0, UINT64_C(1) << 56, &e->size, err);
    if (st == MC_OK) st = number(r, COL_ALIGNMENT, 1, UINT64_C(1) << 32, &e->alignment, err);
    if (st == MC_OK) st = number(r, COL_DEVICE, 0, 1023, &device, err);
    if (st != MC_OK) return st;
    if (e->alignment & (e->alignment - 1))
        return mc_error_set(err, MC_ERR_PARSE,
                            "%s:%zu: field 'alignment': expected 0 or a power of two, got %" PRIu64,
                            r->name, r->line, e->alignment);
    if (is_alloc && e->size == 0)
        return mc_error_set(err, MC_ERR_PARSE, "%s:%zu: field 'size': expected >= 1 for an alloc",
                            r->name, r->line);
    e->device = (int)device;
    e->is_free = is_free;
    return MC_OK;
}

static bool blank(const char *s, const char *end)
{
    for (; s < end; ++s)
        if (*s != ' ' && *s != '\r' && *s != '\t') return false;
    return true;
}

static bool grow_events(mc_trace_event **events, size_t *cap)
{
    size_t bigger = *cap ? *cap * 2 : 256;
    mc_trace_event *grown = realloc(*events, bigger * sizeof *grown);
    if (!grown) return false;
    *events = grown;
    *cap = bigger;
    return true;
}

mc_status mc_trace_parse(const char *text, size_t length, const char *name, mc_trace_event **out,
                         size_t *count, mc_error *err)
{
    *out = NULL;
    *count = 0;
    reader r = {.name = name ? name : "<trace>"};
    mc_trace_event *events = NULL;
    size_t n = 0, cap = 0;
    mc_status st = MC_OK;
    const char *end = text + length;
    bool header = true;
    for (const char *line = text; line < end && st == MC_OK;) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) eol = end;
        ++r.line;
        if (!blank(line, eol)) {
            split(&r, line, eol);
            if (header) st = read_header(&r, err), header = false;
            else if (n == cap && !grow_events(&events, &cap))
                st = mc_error_set(err, MC_ERR_NOMEM, "%s: out of host memory", r.name);
            else st = read_event(&r, &events[n++], err);
        }
        line = eol + 1;
    }
    if (st == MC_OK && header)
        st = mc_error_set(err, MC_ERR_PARSE, "%s:1: expected a header line, got an empty file", r.name);
    if (st != MC_OK) {
        free(events);
        return st;
    }
    *out = events;
    *count = n;
    return MC_OK;
}
