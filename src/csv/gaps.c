/* The gaps field: space-separated "lo-hi" or "lo-hi@wlo:whi". Signs are
 * allowed on every number ("-5--3" is the gap [-5, -3)), which MiniMalloc's
 * split-at-'-' reader cannot express but never writes either. Each gap is
 * checked here, with its position in the list, so the message can point at
 * the exact gap rather than at the row. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "csv/csv_internal.h"

/* Reads a number, then `separator` (or the end of the text when it is 0). */
static mc_csv_number take_number(mc_csv_span *rest, char separator, int64_t *value)
{
    size_t used;
    mc_csv_number result = mc_csv_scan_i64(*rest, value, &used);
    if (result == MC_CSV_NUMBER_MALFORMED) return result;
    rest->start += used;
    rest->length -= used;
    if (separator == '\0') return rest->length == 0 ? result : MC_CSV_NUMBER_MALFORMED;
    if (rest->length == 0 || rest->start[0] != separator) return MC_CSV_NUMBER_MALFORMED;
    ++rest->start;
    --rest->length;
    return result;
}

/* Splits one token into its 2 or 4 numbers; overflow is reported only when
 * the token is otherwise well formed. */
static mc_csv_number scan_gap(mc_csv_span token, mc_gap *gap)
{
    static const char plain[] = {'-', '\0'}, windowed[] = {'-', '@', ':', '\0'};
    gap->has_window = memchr(token.start, '@', token.length) != NULL;
    const char *separators = gap->has_window ? windowed : plain;
    int64_t *targets[] = {&gap->lower, &gap->upper, &gap->window_lower, &gap->window_upper};
    mc_csv_number worst = MC_CSV_NUMBER_OK;
    for (size_t i = 0; i == 0 || separators[i - 1] != '\0'; ++i) {
        mc_csv_number result = take_number(&token, separators[i], targets[i]);
        if (result == MC_CSV_NUMBER_MALFORMED) return result;
        if (result == MC_CSV_NUMBER_OVERFLOW) worst = result;
    }
    if (!gap->has_window) gap->window_lower = gap->window_upper = 0;
    return worst;
}

typedef struct gap_context {
    const mc_buffer *buffer;
    bool inclusive_end;
    mc_csv_where where;
    const mc_csv_span *field;
    size_t number;            /* 1-based position in the list */
    mc_csv_span token;
    int64_t previous_upper;
} gap_context;

/* Checks a parsed gap against the lifetime, its predecessor and the size. */
static mc_status check_gap(gap_context *c, const mc_gap *gap, mc_error *err)
{
    char got[MC_CSV_QUOTE_MAX];
    const mc_buffer *b = c->buffer;
    mc_csv_quote(c->token, got);
    if (gap->upper <= gap->lower)
        return mc_csv_fail(err, MC_ERR_INVALID, c->where, c->field,
                           "gap %zu: expected lo %s hi, got '%s'", c->number,
                           c->inclusive_end ? "<=" : "<", got);
    if (gap->lower < b->lower || gap->upper > b->upper)
        return mc_csv_fail(err, MC_ERR_INVALID, c->where, c->field,
                           "gap %zu: expected inside the lifetime [%" PRId64 ", %" PRId64 "), got '%s'",
                           c->number, b->lower, b->upper, got);
    if (gap->lower < c->previous_upper)
        return mc_csv_fail(err, MC_ERR_INVALID, c->where, c->field,
                           "gap %zu: expected gaps sorted and disjoint, but '%s' starts before the "
                           "previous gap ends",
                           c->number, got);
    if (gap->has_window &&
        (gap->window_lower < 0 || gap->window_lower > gap->window_upper || gap->window_upper > b->size))
        return mc_csv_fail(err, MC_ERR_INVALID, c->where, c->field,
                           "gap %zu: expected a window 0 <= wlo <= whi <= size (%" PRId64 "), got '%s'",
                           c->number, b->size, got);
    c->previous_upper = gap->upper;
    return MC_OK;
}

static mc_status push_gap(mc_csv_gap_list *gaps, const mc_gap *gap, mc_error *err)
{
    if (gaps->count == gaps->capacity) {
        size_t grown = gaps->capacity ? gaps->capacity * 2 : 8;
        mc_gap *more = grown <= SIZE_MAX / sizeof(mc_gap) ? realloc(gaps->items, grown * sizeof(mc_gap)) : NULL;
        if (!more) return mc_error_set(err, MC_ERR_NOMEM, "out of memory reading gaps");
        gaps->items = more;
        gaps->capacity = grown;
    }
    gaps->items[gaps->count++] = *gap;
    return MC_OK;
}

static mc_status parse_token(gap_context *c, mc_csv_gap_list *gaps, mc_error *err)
{
    char got[MC_CSV_QUOTE_MAX];
    mc_gap gap;
    mc_csv_number scanned = scan_gap(c->token, &gap);
    if (scanned == MC_CSV_NUMBER_MALFORMED)
        return mc_csv_fail(err, MC_ERR_PARSE, c->where, c->field,
                           "gap %zu: expected 'lo-hi' or 'lo-hi@wlo:whi' (integers, gaps separated "
                           "by spaces), got '%s'",
                           c->number, mc_csv_quote(c->token, got));
    if (scanned == MC_CSV_NUMBER_OVERFLOW)
        return mc_csv_fail(err, MC_ERR_OVERFLOW, c->where, c->field,
                           "gap %zu: expected integers in the int64 range, got '%s'", c->number,
                           mc_csv_quote(c->token, got));
    if (c->inclusive_end) {
        mc_status status = mc_csv_inclusive_to_upper(gap.upper, c->where, c->field, &gap.upper, err);
        if (status != MC_OK) return status;
    }
    mc_status status = check_gap(c, &gap, err);
    return status != MC_OK ? status : push_gap(gaps, &gap, err);
}

mc_status mc_csv_parse_gaps(mc_csv_span value, const mc_buffer *buffer, bool inclusive_end,
                            mc_csv_where where, const mc_csv_span *field,
                            mc_csv_gap_list *gaps, mc_error *err)
{
    gaps->count = 0;
    gap_context c = {buffer, inclusive_end, where, field, 0, {NULL, 0}, buffer->lower};
    size_t i = 0;
    while (i < value.length) {
        if (value.start[i] == ' ') {
            ++i;
            continue;
        }
        const char *space = memchr(value.start + i, ' ', value.length - i);
        size_t stop = space ? (size_t)(space - value.start) : value.length;
        c.token = (mc_csv_span){value.start + i, stop - i};
        ++c.number;
        mc_status status = parse_token(&c, gaps, err);
        if (status != MC_OK) return status;
        i = stop;
    }
    return MC_OK;
}
