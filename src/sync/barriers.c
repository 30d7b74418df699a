/* Barrier sets: the syncs-file parser and the set arithmetic the other sync
 * files share. A set is kept sorted and duplicate-free so that "is there a
 * barrier in [lo, hi]" is one binary search. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync/sync_internal.h"

void mc_barriers_free(mc_barriers *barriers)
{
    if (!barriers) return;
    free(barriers->positions);
    barriers->positions = NULL;
    barriers->count = 0;
}

mc_status mc_barriers_check(const mc_barriers *barriers, mc_error *err)
{
    if (!barriers) return MC_OK;
    if (barriers->count && !barriers->positions)
        return mc_error_set(err, MC_ERR_INVALID, "barriers: %zu positions but no array", barriers->count);
    for (size_t i = 0; i < barriers->count; ++i) {
        int64_t p = barriers->positions[i];
        if (p < 0) return mc_error_set(err, MC_ERR_INVALID, "barrier %zu: expected a position >= 0, got %" PRId64, i, p);
        if (i && p <= barriers->positions[i - 1])
            return mc_error_set(err, MC_ERR_INVALID,
                                "barrier %zu: positions must be strictly increasing, got %" PRId64 " after %" PRId64,
                                i, p, barriers->positions[i - 1]);
    }
    return MC_OK;
}

size_t mc_sync_first_at_or_after(const mc_barriers *barriers, int64_t t)
{
    if (!barriers) return 0;
    size_t lo = 0, hi = barriers->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (barriers->positions[mid] < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bool mc_sync_any_in(const mc_barriers *barriers, int64_t lo, int64_t hi)
{
    if (!barriers || lo > hi) return false;
    size_t i = mc_sync_first_at_or_after(barriers, lo);
    return i < barriers->count && barriers->positions[i] <= hi;
}

static int compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

mc_status mc_sync_union(const mc_barriers *barriers, const int64_t *extra, size_t extra_count, mc_barriers *out,
                        mc_error *err)
{
    size_t base = barriers ? barriers->count : 0;
    int64_t *all = malloc((base + extra_count + 1) * sizeof(int64_t));
    if (!all) return mc_error_set(err, MC_ERR_NOMEM, "out of memory for %zu barriers", base + extra_count);
    if (base) memcpy(all, barriers->positions, base * sizeof(int64_t));
    if (extra_count) memcpy(all + base, extra, extra_count * sizeof(int64_t));
    qsort(all, base + extra_count, sizeof(int64_t), compare_i64);
    size_t kept = 0;
    for (size_t i = 0; i < base + extra_count; ++i)
        if (kept == 0 || all[i] != all[kept - 1]) all[kept++] = all[i];
    out->positions = all;
    out->count = kept;
    return MC_OK;
}

int64_t mc_sync_end(const mc_problem *problem)
{
    int64_t end = 0;
    for (size_t i = 0; i < mc_problem_count(problem); ++i) {
        int64_t upper = mc_problem_buffer(problem, i)->upper;
        if (upper > end) end = upper;
    }
    return end;
}

/* ------------------------------------------------------------ the parser */

typedef struct line_cursor {
    const char *name;
    size_t number;       /* 1-based                           */
    int64_t previous;    /* last position read, -1 before any */
    size_t previous_line;
} line_cursor;

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Parses one line's field (comment and blanks already stripped). */
static mc_status parse_position(const char *s, size_t n, line_cursor *at, int64_t *value, mc_error *err)
{
    int64_t v = 0;
    bool ok = n > 0 && n <= 19;
    for (size_t i = 0; ok && i < n; ++i) {
        ok = s[i] >= '0' && s[i] <= '9';
        if (ok) ok = !__builtin_mul_overflow(v, 10, &v) && !__builtin_add_overflow(v, s[i] - '0', &v);
    }
    if (!ok) {
        const char *what = n && s[0] == '-' ? "a non-negative integer (barrier positions are times >= 0)"
                                            : "a non-negative integer below 2^63";
        return mc_error_set(err, MC_ERR_PARSE, "%s:%zu: expected %s, got '%.*s'", at->name, at->number, what,
                            (int)(n > 40 ? 40 : n), s);
    }
    if (at->previous >= 0 && v == at->previous)
        return mc_error_set(err, MC_ERR_PARSE, "%s:%zu: duplicate barrier position %" PRId64 " (already on line %zu)",
                            at->name, at->number, v, at->previous_line);
    if (at->previous >= 0 && v < at->previous)
        return mc_error_set(err, MC_ERR_PARSE,
                            "%s:%zu: expected positions in increasing order, got %" PRId64 " after %" PRId64
                            " (line %zu)",
                            at->name, at->number, v, at->previous, at->previous_line);
    *value = v;
    return MC_OK;
}

static mc_status append(mc_barriers *out, size_t *room, int64_t value, const char *name, mc_error *err)
{
    if (out->count == *room) {
        size_t grown = *room ? *room * 2 : 64;
        int64_t *more = grown <= SIZE_MAX / sizeof(int64_t) ? realloc(out->positions, grown * sizeof(int64_t)) : NULL;
        if (!more) return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory for %zu barriers", name, grown);
        out->positions = more;
        *room = grown;
    }
    out->positions[out->count++] = value;
    return MC_OK;
}

mc_status mc_barriers_parse(const char *text, size_t length, const char *name, mc_barriers *out, mc_error *err)
{
    if (!out || (!text && length)) return mc_error_set(err, MC_ERR_INVALID, "mc_barriers_parse: expected text and out");
    *out = (mc_barriers){NULL, 0};
    line_cursor at = {name ? name : "<syncs>", 0, -1, 0};
    size_t room = 0, pos = 0;
    mc_status status = MC_OK;
    while (status == MC_OK && pos < length) {
        const char *line = text + pos;
        const char *newline = memchr(line, '\n', length - pos);
        size_t n = newline ? (size_t)(newline - line) : length - pos;
        pos += n + (newline ? 1 : 0);
        ++at.number;
        const char *hash = memchr(line, '#', n);
        if (hash) n = (size_t)(hash - line);
        while (n && is_space(line[0])) ++line, --n;
        while (n && is_space(line[n - 1])) --n;
        if (!n) continue;
        int64_t value = 0;
        status = parse_position(line, n, &at, &value, err);
        if (status != MC_OK) break;
        status = append(out, &room, value, at.name, err);
        at.previous = value;
        at.previous_line = at.number;
    }
    if (status != MC_OK) mc_barriers_free(out);
    return status;
}

mc_status mc_barriers_read_file(const char *path, mc_barriers *out, mc_error *err)
{
    if (!path || !out) return mc_error_set(err, MC_ERR_INVALID, "mc_barriers_read_file: expected a path and out");
    *out = (mc_barriers){NULL, 0};
    bool from_stdin = strcmp(path, "-") == 0;
    const char *name = from_stdin ? "<stdin>" : path;
    FILE *in = from_stdin ? stdin : fopen(path, "rb");
    if (!in) {
        char reason[128];
        if (strerror_r(errno, reason, sizeof reason) != 0) snprintf(reason, sizeof reason, "error %d", errno);
        return mc_error_set(err, MC_ERR_IO, "%s: cannot open the syncs file: %s", name, reason);
    }
    size_t used = 0, room = 4096;
    char *text = malloc(room);
    while (text && !feof(in) && !ferror(in)) {
        used += fread(text + used, 1, room - used, in);
        if (used == room) {
            char *more = room <= SIZE_MAX / 2 ? realloc(text, room * 2) : NULL;
            if (!more) free(text);
            text = more;
            room *= 2;
        }
    }
    mc_status status = !text ? MC_ERR_NOMEM : ferror(in) ? MC_ERR_IO : MC_OK;
    if (!from_stdin) fclose(in);
    if (status != MC_OK) {
        free(text);
        return mc_error_set(err, status, "%s: cannot read the syncs file", name);
    }
    status = mc_barriers_parse(text, used, name, out, err);
    free(text);
    return status;
}
