/* One data row to one mc_buffer. Every rule of planner.h's buffer contract
 * is checked here first, so the user's message names the file, line and
 * column as spelled in the header instead of the planner's field names. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/checked.h"
#include "csv/csv_internal.h"

typedef struct row_context {
    const mc_csv_header *header;
    const mc_csv_span *fields;
    mc_csv_where where;
} row_context;

static bool has(const row_context *r, mc_csv_column column)
{
    return r->header->index[column] != MC_CSV_ABSENT;
}

static mc_csv_span value_of(const row_context *r, mc_csv_column column)
{
    return r->fields[r->header->index[column]];
}

static const mc_csv_span *name_of(const row_context *r, mc_csv_column column)
{
    return &r->header->name[column];
}

static mc_status required_int(const row_context *r, mc_csv_column column, int64_t *out, mc_error *err)
{
    return mc_csv_parse_i64(value_of(r, column), r->where, name_of(r, column), out, err);
}

/* An absent column or an empty field gives `fallback`. */
static mc_status optional_int(const row_context *r, mc_csv_column column, int64_t fallback, int64_t *out,
                              mc_error *err)
{
    *out = fallback;
    if (!has(r, column) || value_of(r, column).length == 0) return MC_OK;
    return required_int(r, column, out, err);
}

static mc_status invalid(const row_context *r, mc_csv_column column, mc_error *err, const char *expected,
                         int64_t got)
{
    return mc_csv_fail(err, MC_ERR_INVALID, r->where, name_of(r, column), "expected %s, got %" PRId64,
                       expected, got);
}

static mc_status parse_id(const row_context *r, mc_csv_row_scratch *scratch, mc_error *err)
{
    mc_csv_span id = value_of(r, MC_COL_ID);
    if (id.length == 0)
        return mc_csv_fail(err, MC_ERR_PARSE, r->where, name_of(r, MC_COL_ID),
                           "expected a non-empty buffer id, got an empty field");
    mc_status status = mc_csv_check_untrimmed(id, r->where, name_of(r, MC_COL_ID), err);
    if (status != MC_OK) return status;
    /* Control characters (a stray CR above all) would not survive being
     * written and read back, and cannot be seen in a message. */
    for (size_t i = 0; i < id.length; ++i) {
        unsigned char c = (unsigned char)id.start[i];
        if (c < 0x20 || c == 0x7f) {
            char got[MC_CSV_QUOTE_MAX];
            return mc_csv_fail(err, MC_ERR_PARSE, r->where, name_of(r, MC_COL_ID),
                               "expected an id without control characters, got '%s'", mc_csv_quote(id, got));
        }
    }
    if (id.length >= scratch->id_capacity) {
        char *more = realloc(scratch->id, id.length + 1);
        if (!more) return mc_error_set(err, MC_ERR_NOMEM, "out of memory reading an id");
        scratch->id = more;
        scratch->id_capacity = id.length + 1;
    }
    memcpy(scratch->id, id.start, id.length);
    scratch->id[id.length] = '\0';
    return MC_OK;
}

static mc_status parse_lifetime(const row_context *r, mc_buffer *b, mc_error *err)
{
    mc_status status = required_int(r, MC_COL_LOWER, &b->lower, err);
    if (status == MC_OK) status = required_int(r, MC_COL_UPPER, &b->upper, err);
    if (status == MC_OK && r->header->inclusive_end)
        status = mc_csv_inclusive_to_upper(b->upper, r->where, name_of(r, MC_COL_UPPER), &b->upper, err);
    if (status != MC_OK) return status;
    if (b->upper <= b->lower) {
        char lower_name[MC_CSV_QUOTE_MAX];
        mc_csv_quote(*name_of(r, MC_COL_LOWER), lower_name);
        return mc_csv_fail(err, MC_ERR_INVALID, r->where, name_of(r, MC_COL_UPPER),
                           "expected a value %s %s (%" PRId64 "), got %" PRId64,
                           r->header->inclusive_end ? ">=" : ">", lower_name, b->lower,
                           b->upper - (r->header->inclusive_end ? 1 : 0));
    }
    return MC_OK;
}

static mc_status parse_fixed_offset(const row_context *r, mc_buffer *b, mc_error *err)
{
    mc_status status = optional_int(r, MC_COL_OFFSET, MC_NO_OFFSET, &b->fixed_offset, err);
    if (status != MC_OK || !has(r, MC_COL_OFFSET) || value_of(r, MC_COL_OFFSET).length == 0) return status;
    if (b->fixed_offset < 0)
        return invalid(r, MC_COL_OFFSET, err, "a fixed offset >= 0 (or an empty field for none)",
                       b->fixed_offset);
    if (b->fixed_offset % b->alignment != 0)
        return mc_csv_fail(err, MC_ERR_INVALID, r->where, name_of(r, MC_COL_OFFSET),
                           "expected a multiple of the alignment %" PRId64 ", got %" PRId64, b->alignment,
                           b->fixed_offset);
    int64_t end;
    if (!mc_add_i64(b->fixed_offset, b->size, &end))
        return mc_csv_fail(err, MC_ERR_OVERFLOW, r->where, name_of(r, MC_COL_OFFSET),
                           "expected offset + size to fit in int64, got %" PRId64 " + %" PRId64,
                           b->fixed_offset, b->size);
    return MC_OK;
}

static mc_status parse_numbers(const row_context *r, mc_buffer *b, mc_error *err)
{
    mc_status status = parse_lifetime(r, b, err);
    if (status == MC_OK) status = required_int(r, MC_COL_SIZE, &b->size, err);
    if (status != MC_OK) return status;
    if (b->size < 0) return invalid(r, MC_COL_SIZE, err, "a size >= 0", b->size);
    status = optional_int(r, MC_COL_ALIGNMENT, 1, &b->alignment, err);
    if (status != MC_OK) return status;
    if (b->alignment < 1) return invalid(r, MC_COL_ALIGNMENT, err, "an alignment >= 1", b->alignment);
    status = optional_int(r, MC_COL_HINT, MC_NO_OFFSET, &b->hint, err);
    if (status != MC_OK) return status;
    /* A negative hint means "none", whatever its value. */
    if (b->hint < 0) b->hint = MC_NO_OFFSET;
    return parse_fixed_offset(r, b, err);
}

static mc_status parse_gaps(const row_context *r, mc_csv_row_scratch *scratch, mc_buffer *b, mc_error *err)
{
    scratch->gaps.count = 0;
    if (has(r, MC_COL_GAPS)) {
        mc_csv_span value = value_of(r, MC_COL_GAPS);
        mc_status status = mc_csv_check_untrimmed(value, r->where, name_of(r, MC_COL_GAPS), err);
        if (status == MC_OK)
            status = mc_csv_parse_gaps(value, b, r->header->inclusive_end, r->where, name_of(r, MC_COL_GAPS),
                                       &scratch->gaps, err);
        if (status != MC_OK) return status;
    }
    b->gaps = scratch->gaps.items;
    b->gap_count = scratch->gaps.count;
    return MC_OK;
}

mc_status mc_csv_parse_row(const mc_csv_header *header, mc_csv_where where,
                           mc_csv_row_scratch *scratch, mc_buffer *buffer, mc_error *err)
{
    row_context r = {header, scratch->fields, where};
    *buffer = mc_buffer_make(NULL, 0, 1, 0);
    mc_status status = parse_id(&r, scratch, err);
    if (status != MC_OK) return status;
    buffer->id = scratch->id;
    status = parse_numbers(&r, buffer, err);
    return status != MC_OK ? status : parse_gaps(&r, scratch, buffer, err);
}
