/* Splitting lines into fields and phrasing messages about them. Fields are
 * plain: no quoting, no escapes, no trimming, exactly as MiniMalloc reads
 * them, so a file means the same thing to both tools. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "csv/csv_internal.h"

mc_status mc_csv_fail(mc_error *err, mc_status status, mc_csv_where where,
                      const mc_csv_span *field, const char *format, ...)
{
    if (!err) return status;
    char detail[MC_ERROR_MESSAGE_MAX];
    va_list args;
    va_start(args, format);
    vsnprintf(detail, sizeof detail, format, args);
    va_end(args);
    if (field) {
        char name[MC_CSV_QUOTE_MAX];
        return mc_error_set(err, status, "%s:%zu: field '%s': %s", where.file, where.line,
                            mc_csv_quote(*field, name), detail);
    }
    return mc_error_set(err, status, "%s:%zu: %s", where.file, where.line, detail);
}

const char *mc_csv_quote(mc_csv_span text, char out[MC_CSV_QUOTE_MAX])
{
    static const char hex[] = "0123456789abcdef";
    /* Leave room for one escape (4 bytes), the "..." marker and the NUL. */
    const size_t limit = MC_CSV_QUOTE_MAX - 4 - 3 - 1;
    size_t n = 0, i = 0;
    for (; i < text.length && n < limit; ++i) {
        unsigned char c = (unsigned char)text.start[i];
        if (c >= 0x20 && c < 0x7f && c != '\'') {
            out[n++] = (char)c;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    if (i < text.length) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
    return out;
}

mc_csv_cursor mc_csv_cursor_of(mc_csv_span line)
{
    return (mc_csv_cursor){line.start, line.start + line.length, false};
}

bool mc_csv_next_field(mc_csv_cursor *cursor, mc_csv_span *field)
{
    if (cursor->done) return false;
    const char *comma = memchr(cursor->next, ',', (size_t)(cursor->end - cursor->next));
    const char *stop = comma ? comma : cursor->end;
    *field = (mc_csv_span){cursor->next, (size_t)(stop - cursor->next)};
    if (comma) cursor->next = comma + 1;
    else cursor->done = true;
    return true;
}

size_t mc_csv_split(mc_csv_span line, mc_csv_span *fields, size_t count)
{
    size_t found = 0;
    mc_csv_cursor cursor = mc_csv_cursor_of(line);
    mc_csv_span field;
    while (mc_csv_next_field(&cursor, &field)) {
        if (found < count) fields[found] = field;
        ++found;
    }
    return found;
}

bool mc_csv_blank(mc_csv_span line)
{
    for (size_t i = 0; i < line.length; ++i)
        if (line.start[i] != ' ' && line.start[i] != '\t' && line.start[i] != '\r') return false;
    return true;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

mc_status mc_csv_check_untrimmed(mc_csv_span value, mc_csv_where where,
                                 const mc_csv_span *field, mc_error *err)
{
    if (value.length == 0 || (!is_space(value.start[0]) && !is_space(value.start[value.length - 1])))
        return MC_OK;
    char got[MC_CSV_QUOTE_MAX];
    return mc_csv_fail(err, MC_ERR_PARSE, where, field,
                       "expected no spaces around the value (fields are not trimmed), got '%s'",
                       mc_csv_quote(value, got));
}
