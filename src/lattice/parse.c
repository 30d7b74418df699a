/* Text formats (docs/lattice.md):
 *   points N            then one point per line: N integers
 *   polytope N          then one inequality per line: N integers, <= or >=, integer
 * '#' starts a comment; blank lines are ignored; integers may be separated by
 * blanks or commas. Every message names file, line and field. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lattice/lattice_internal.h"

#define MAX_FILE_BYTES ((size_t)1 << 28)

typedef struct reader {
    const char *name;
    size_t line;
    size_t n;
    bool polytope;
    int64_t *values; /* points: n per row; polytope: n coefficients + right side */
    size_t rows, cap;
    mc_error *err;
} reader;

/* Splits one line (comment removed) into tokens in place. */
static size_t tokenize(char *line, char **tokens, size_t max)
{
    char *hash = strchr(line, '#');
    if (hash) *hash = '\0';
    size_t count = 0;
    for (char *p = line; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',' || *p == '\r') ++p;
        if (!*p) break;
        if (count == max) return max + 1;
        tokens[count++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != ',' && *p != '\r') ++p;
        if (*p) *p++ = '\0';
    }
    return count;
}

static mc_status integer(reader *r, const char *token, size_t field, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(token, &end, 10);
    if (end == token || *end || errno == ERANGE)
        return mc_error_set(r->err, MC_ERR_PARSE, "%s:%zu: field %zu: expected an integer, got '%s'", r->name,
                            r->line, field, token);
    if (v > MC_LATTICE_COORD_MAX || v < -MC_LATTICE_COORD_MAX)
        return mc_error_set(r->err, MC_ERR_OVERFLOW, "%s:%zu: field %zu: %lld is beyond +-2^31", r->name, r->line,
                            field, v);
    *out = (int64_t)v;
    return MC_OK;
}

static mc_status header(reader *r, char **tok, size_t count)
{
    r->polytope = count >= 1 && !strcmp(tok[0], "polytope");
    if (count != 2 || (!r->polytope && strcmp(tok[0], "points")))
        return mc_error_set(r->err, MC_ERR_PARSE,
                            "%s:%zu: expected a header 'points N' or 'polytope N' (N = dimension)", r->name, r->line);
    int64_t n;
    mc_status st = integer(r, tok[1], 2, &n);
    if (st != MC_OK) return st;
    if (n < 1 || n > MC_LATTICE_MAX_DIM)
        return mc_error_set(r->err, MC_ERR_UNSUPPORTED, "%s:%zu: field 2: dimension %lld, expected 1 to %d",
                            r->name, r->line, (long long)n, MC_LATTICE_MAX_DIM);
    r->n = (size_t)n;
    return MC_OK;
}

static mc_status row(reader *r, char **tok, size_t count)
{
    size_t n = r->n, width = r->polytope ? n + 1 : n;
    size_t expected = r->polytope ? n + 2 : n;
    if (count != expected)
        return mc_error_set(r->err, MC_ERR_PARSE, "%s:%zu: %zu fields, expected %zu (%s)", r->name, r->line, count,
                            expected, r->polytope ? "N coefficients, <= or >=, a bound" : "N coordinates");
    if (r->rows == r->cap) {
        size_t grown = r->cap ? 2 * r->cap : 64;
        int64_t *values = realloc(r->values, grown * width * sizeof *values);
        if (!values) return mc_error_set(r->err, MC_ERR_NOMEM, "%s:%zu: out of memory", r->name, r->line);
        r->values = values, r->cap = grown;
    }
    int64_t *out = r->values + r->rows * width;
    for (size_t i = 0; i < n; ++i) {
        mc_status st = integer(r, tok[i], i + 1, &out[i]);
        if (st != MC_OK) return st;
    }
    if (r->polytope) {
        bool ge = !strcmp(tok[n], ">=");
        if (!ge && strcmp(tok[n], "<="))
            return mc_error_set(r->err, MC_ERR_PARSE, "%s:%zu: field %zu: expected <= or >=, got '%s'", r->name,
                                r->line, n + 1, tok[n]);
        mc_status st = integer(r, tok[n + 1], n + 2, &out[n]);
        if (st != MC_OK) return st;
        if (ge)
            for (size_t i = 0; i <= n; ++i) out[i] = -out[i];
    }
    ++r->rows;
    return MC_OK;
}

static mc_status build(reader *r, mc_lattice_set **out)
{
    if (r->n == 0)
        return mc_error_set(r->err, MC_ERR_PARSE, "%s: empty input, expected a 'points N' or 'polytope N' header",
                            r->name);
    if (!r->polytope) return mc_lattice_set_from_points(r->n, r->rows, r->values, out, r->err);
    size_t n = r->n;
    int64_t *a = malloc((r->rows ? r->rows : 1) * n * sizeof *a), *b = malloc((r->rows ? r->rows : 1) * sizeof *b);
    mc_status st = MC_OK;
    if (!a || !b) st = mc_error_set(r->err, MC_ERR_NOMEM, "%s: out of memory", r->name);
    for (size_t i = 0; st == MC_OK && i < r->rows; ++i) {
        memcpy(a + i * n, r->values + i * (n + 1), n * sizeof *a);
        b[i] = r->values[i * (n + 1) + n];
    }
    if (st == MC_OK) st = mc_lattice_set_from_polytope(n, r->rows, a, b, 0, out, r->err);
    if (st != MC_OK && r->err && strncmp(r->err->message, r->name, strlen(r->name)) != 0) {
        char inner[MC_ERROR_MESSAGE_MAX];
        memcpy(inner, r->err->message, sizeof inner);
        mc_error_set(r->err, st, "%s: %s", r->name, inner);
    }
    free(a);
    free(b);
    return st;
}

mc_status mc_lattice_set_parse(const char *text, size_t length, const char *name, mc_lattice_set **out,
                               mc_error *err)
{
    *out = NULL;
    reader r = {.name = name ? name : "<input>", .err = err};
    char *copy = malloc(length + 1);
    if (!copy) return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", r.name);
    memcpy(copy, text, length);
    copy[length] = '\0';
    mc_status st = MC_OK;
    if (memchr(text, '\0', length))
        st = mc_error_set(err, MC_ERR_PARSE, "%s: binary data (a NUL byte) in a text format", r.name);
    char *line = copy;
    while (st == MC_OK && line && *line) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        ++r.line;
        char *tok[MC_LAT_D + 3];
        size_t count = tokenize(line, tok, MC_LAT_D + 2);
        if (count > 0) st = r.n == 0 ? header(&r, tok, count) : row(&r, tok, count);
        line = next;
    }
    if (st == MC_OK) st = build(&r, out);
    free(copy);
    free(r.values);
    return st;
}

mc_status mc_lattice_set_load(const char *path, mc_lattice_set **out, mc_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return mc_error_set(err, MC_ERR_IO, "%s: cannot open for reading", path);
    size_t cap = 1 << 16, length = 0;
    char *text = malloc(cap);
    mc_status st = text ? MC_OK : mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", path);
    while (st == MC_OK) {
        if (length == cap) {
            char *grown = cap < MAX_FILE_BYTES ? realloc(text, cap * 2) : NULL;
            if (!grown) {
                st = mc_error_set(err, MC_ERR_NOMEM, "%s: file too large (limit 256 MiB)", path);
                break;
            }
            text = grown, cap *= 2;
        }
        size_t got = fread(text + length, 1, cap - length, f);
        length += got;
        if (got == 0) {
            if (ferror(f)) st = mc_error_set(err, MC_ERR_IO, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (st == MC_OK) st = mc_lattice_set_parse(text, length, path, out, err);
    free(text);
    return st;
}
