/* Writing a solved problem: every input row echoed byte for byte (line ends
 * normalised to LF), with the offset put into the input's `offset` column or
 * appended as a new one. Echoing instead of re-formatting keeps columns this
 * reader ignores, the user's column names and the exact spelling of every
 * number. */
#include <inttypes.h>
#include <stdio.h>

#include "csv/csv_internal.h"

static void put_span(mc_csv_span span, FILE *out)
{
    if (span.length) fwrite(span.start, 1, span.length, out);
}

/* Writes `line` with field `column` replaced by `value`, or with `value`
 * appended as a new last field when `column` is MC_CSV_ABSENT. */
static void put_line(mc_csv_span line, size_t column, const char *value, FILE *out)
{
    if (column == MC_CSV_ABSENT) {
        put_span(line, out);
        fputc(',', out);
        fputs(value, out);
    } else {
        mc_csv_cursor cursor = mc_csv_cursor_of(line);
        mc_csv_span field;
        for (size_t i = 0; mc_csv_next_field(&cursor, &field); ++i) {
            if (i) fputc(',', out);
            if (i == column) fputs(value, out);
            else put_span(field, out);
        }
    }
    fputc('\n', out);
}

mc_status mc_csv_write(const mc_csv *csv, const int64_t *offsets, FILE *out, mc_error *err)
{
    if (!csv || !out || (!offsets && csv->row_count))
        return mc_error_set(err, MC_ERR_INVALID, "mc_csv_write: expected a file, offsets and a stream");
    size_t column = csv->header.index[MC_COL_OFFSET];
    /* Kept so that a second BOM, part of the first column's name, is not
     * taken for the first one when the output is read again. */
    if (csv->byte_order_mark) fputs("\xef\xbb\xbf", out);
    put_line(csv->header_line, column, "offset", out);
    for (size_t i = 0; i < csv->row_count; ++i) {
        char value[24];
        snprintf(value, sizeof value, "%" PRId64, offsets[i]);
        put_line(csv->rows[i].text, column, value, out);
    }
    if (ferror(out)) return mc_error_set(err, MC_ERR_IO, "writing the layout of %s failed", csv->name);
    return MC_OK;
}
