/* Reading a problem file: lines, then the header, then one buffer per row.
 * Parsing stops at the first error so the user gets exactly one message,
 * and nothing partial escapes: on failure the caller receives no mc_csv. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csv/csv_internal.h"

/* State of one parse; freed whether it succeeds or not. */
typedef struct parse_state {
    mc_csv *csv;
    mc_csv_where where;
    mc_csv_row_scratch scratch;
    mc_csv_id_set ids;
} parse_state;

/* Takes the next line off *p (without "\n" or "\r\n"). */
static mc_csv_span next_line(const char **p, const char *end)
{
    const char *newline = memchr(*p, '\n', (size_t)(end - *p));
    const char *stop = newline ? newline : end;
    mc_csv_span line = {*p, (size_t)(stop - *p)};
    *p = newline ? newline + 1 : end;
    if (line.length && line.start[line.length - 1] == '\r') --line.length;
    return line;
}

static bool only_whitespace(const char *text, size_t length)
{
    for (size_t i = 0; i < length; ++i)
        if (!strchr(" \t\r\n", text[i])) return false;
    return true;
}

static size_t line_of(const char *text, const char *at)
{
    size_t line = 1;
    for (const char *p = text; p < at; ++p) line += *p == '\n';
    return line;
}

/* A CR that does not end a line (or the file). Lines are cut at LF and lose
 * one CR before it, so a field ending in a stray CR would come back without
 * it once the layout is written with LF line ends; and a file with old-Mac
 * CR-only line ends would read as one long line. Both are refused. */
static const char *stray_carriage_return(const char *text, size_t length)
{
    for (const char *p = memchr(text, '\r', length); p; ) {
        size_t rest = length - (size_t)(p - text) - 1;
        if (rest && p[1] != '\n') return p;
        p = rest ? memchr(p + 1, '\r', rest) : NULL;
    }
    return NULL;
}

/* Rejects what no line-by-line check would notice: no text at all, NUL
 * bytes (they would silently cut an id short) and stray CRs. */
static mc_status check_text(const char *text, size_t length, const char *name, mc_error *err)
{
    if (only_whitespace(text, length))
        return mc_csv_fail(err, MC_ERR_PARSE, (mc_csv_where){name, 1}, NULL,
                           "empty file; expected a header line such as 'id,lower,upper,size' and one "
                           "row per buffer");
    const char *nul = memchr(text, '\0', length);
    if (nul)
        return mc_csv_fail(err, MC_ERR_PARSE, (mc_csv_where){name, line_of(text, nul)}, NULL,
                           "unexpected NUL byte; expected a text file");
    const char *cr = stray_carriage_return(text, length);
    if (cr)
        return mc_csv_fail(err, MC_ERR_PARSE, (mc_csv_where){name, line_of(text, cr)}, NULL,
                           "carriage return inside a line; expected lines ending in LF or CRLF");
    return MC_OK;
}

static mc_status push_row(mc_csv *csv, mc_csv_span text, size_t line, mc_error *err)
{
    if (csv->row_count == csv->row_capacity) {
        size_t grown = csv->row_capacity ? csv->row_capacity * 2 : 64;
        mc_csv_row *more =
            grown <= SIZE_MAX / sizeof(mc_csv_row) ? realloc(csv->rows, grown * sizeof(mc_csv_row)) : NULL;
        if (!more) return mc_error_set(err, MC_ERR_NOMEM, "%s:%zu: out of memory", csv->name, line);
        csv->rows = more;
        csv->row_capacity = grown;
    }
    csv->rows[csv->row_count++] = (mc_csv_row){text, line};
    return MC_OK;
}

/* Adds the parsed buffer, after the one check a single row cannot make. */
static mc_status add_buffer(parse_state *s, const mc_buffer *buffer, mc_error *err)
{
    mc_csv *csv = s->csv;
    size_t first = mc_csv_id_find(&s->ids, csv->problem, buffer->id);
    if (first != MC_CSV_ABSENT) {
        char id[MC_CSV_QUOTE_MAX];
        mc_csv_quote((mc_csv_span){buffer->id, strlen(buffer->id)}, id);
        return mc_csv_fail(err, MC_ERR_INVALID, s->where, &csv->header.name[MC_COL_ID],
                           "expected unique ids, got '%s' again (first on line %zu)", id,
                           csv->rows[first].line);
    }
    mc_error inner;
    mc_error_clear(&inner);
    mc_status status = mc_problem_add(csv->problem, buffer, &inner);
    if (status != MC_OK)  /* the checks in row.c should make this unreachable */
        return mc_csv_fail(err, status, s->where, NULL, "%s", inner.message);
    status = mc_csv_id_insert(&s->ids, csv->problem, mc_problem_count(csv->problem) - 1);
    if (status != MC_OK) return mc_error_set(err, status, "%s:%zu: out of memory", csv->name, s->where.line);
    return MC_OK;
}

static mc_status parse_row(parse_state *s, mc_csv_span line, mc_error *err)
{
    const mc_csv_header *header = &s->csv->header;
    size_t count = mc_csv_split(line, s->scratch.fields, header->field_count);
    if (count != header->field_count)
        return mc_csv_fail(err, MC_ERR_PARSE, s->where, NULL,
                           "expected %zu comma-separated fields as in the header, got %zu",
                           header->field_count, count);
    mc_buffer buffer;
    mc_status status = mc_csv_parse_row(header, s->where, &s->scratch, &buffer, err);
    if (status == MC_OK) status = push_row(s->csv, line, s->where.line, err);
    if (status == MC_OK) status = add_buffer(s, &buffer, err);
    return status;
}

static mc_status parse_header(parse_state *s, const char **p, const char *end, mc_error *err)
{
    mc_csv *csv = s->csv;
    s->where.line = 1;
    csv->header_line = next_line(p, end);
    if (mc_csv_blank(csv->header_line))
        return mc_csv_fail(err, MC_ERR_PARSE, s->where, NULL,
                           "expected a header line such as 'id,lower,upper,size', got an empty line");
    mc_status status = mc_csv_parse_header(csv->header_line, s->where, &csv->header, err);
    if (status != MC_OK) return status;
    s->scratch.fields = malloc(csv->header.field_count * sizeof(mc_csv_span));
    if (!s->scratch.fields) return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", csv->name);
    return MC_OK;
}

static mc_status parse_text(parse_state *s, size_t length, mc_error *err)
{
    mc_csv *csv = s->csv;
    mc_status status = check_text(csv->text, length, csv->name, err);
    if (status != MC_OK) return status;
    const char *p = csv->text, *end = csv->text + length;
    /* A UTF-8 byte-order mark is an encoding artefact, not part of the name
     * of the first column. */
    csv->byte_order_mark = length >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0;
    if (csv->byte_order_mark) p += 3;
    status = parse_header(s, &p, end, err);
    size_t blank_line = 0;
    while (status == MC_OK && p < end) {
        ++s->where.line;
        mc_csv_span line = next_line(&p, end);
        if (mc_csv_blank(line)) {
            if (!blank_line) blank_line = s->where.line;
            continue;
        }
        if (blank_line)
            return mc_csv_fail(err, MC_ERR_PARSE, (mc_csv_where){csv->name, blank_line}, NULL,
                               "empty line before the row on line %zu; expected no blank lines "
                               "between rows",
                               s->where.line);
        status = parse_row(s, line, err);
    }
    return status;
}

void mc_csv_destroy(mc_csv *csv)
{
    if (!csv) return;
    mc_problem_destroy(csv->problem);
    free(csv->rows);
    free(csv->text);
    free(csv->name);
    free(csv);
}

static char *copy_string(const char *text)
{
    size_t length = strlen(text) + 1;
    char *copy = malloc(length);
    if (copy) memcpy(copy, text, length);
    return copy;
}

/* Parses `text` (malloc'd, NUL-terminated at `length`), taking ownership. */
static mc_status parse_owned(char *text, size_t length, const char *name, mc_csv **out, mc_error *err)
{
    mc_csv *csv = calloc(1, sizeof *csv);
    if (csv) {
        csv->text = text;
        csv->name = copy_string(name);
        csv->problem = mc_problem_create();
    } else {
        free(text);
    }
    if (!csv || !csv->name || !csv->problem) {
        mc_csv_destroy(csv);
        return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", name);
    }
    parse_state s = {csv, {csv->name, 0}, {NULL, NULL, 0, {NULL, 0, 0}}, {NULL, 0, 0}};
    mc_status status = parse_text(&s, length, err);
    free(s.scratch.fields);
    free(s.scratch.id);
    free(s.scratch.gaps.items);
    mc_csv_id_free(&s.ids);
    if (status != MC_OK) {
        mc_csv_destroy(csv);
        return status;
    }
    *out = csv;
    return MC_OK;
}

mc_status mc_csv_parse(const char *text, size_t length, const char *name, mc_csv **out, mc_error *err)
{
    if (!out || (!text && length))
        return mc_error_set(err, MC_ERR_INVALID, "mc_csv_parse: expected text and out, got NULL");
    *out = NULL;
    if (!name) name = "<input>";
    char *copy = length < SIZE_MAX ? malloc(length + 1) : NULL;
    if (!copy) return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", name);
    if (length) memcpy(copy, text, length);
    copy[length] = '\0';
    return parse_owned(copy, length, name, out, err);
}

const mc_problem *mc_csv_problem(const mc_csv *csv)
{
    return csv->problem;
}

size_t mc_csv_line(const mc_csv *csv, size_t index)
{
    return index < csv->row_count ? csv->rows[index].line : 0;
}
