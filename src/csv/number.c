/* Integers in problem files: an optional sign and decimal digits, nothing
 * else (no spaces, hex, exponents or digit separators), range-checked
 * against int64 rather than wrapped or saturated as strtoll would. */
#include <inttypes.h>

#include "csv/csv_internal.h"

mc_csv_number mc_csv_scan_i64(mc_csv_span text, int64_t *value, size_t *used)
{
    size_t i = 0;
    bool negative = false;
    *used = 0;
    if (i < text.length && (text.start[i] == '-' || text.start[i] == '+')) negative = text.start[i++] == '-';
    size_t first_digit = i;
    /* Accumulate as a negative number: its range includes INT64_MIN. */
    int64_t acc = 0;
    bool overflow = false;
    for (; i < text.length && text.start[i] >= '0' && text.start[i] <= '9'; ++i) {
        int digit = text.start[i] - '0';
        if (acc < (INT64_MIN + digit) / 10) overflow = true;
        else acc = acc * 10 - digit;
    }
    if (i == first_digit) return MC_CSV_NUMBER_MALFORMED;
    *used = i;
    if (overflow || (!negative && acc == INT64_MIN)) return MC_CSV_NUMBER_OVERFLOW;
    *value = negative ? acc : -acc;
    return MC_CSV_NUMBER_OK;
}

mc_status mc_csv_parse_i64(mc_csv_span value, mc_csv_where where, const mc_csv_span *field,
                           int64_t *out, mc_error *err)
{
    char got[MC_CSV_QUOTE_MAX];
    if (value.length == 0)
        return mc_csv_fail(err, MC_ERR_PARSE, where, field, "expected an integer, got an empty field");
    size_t used;
    mc_csv_number result = mc_csv_scan_i64(value, out, &used);
    if (result == MC_CSV_NUMBER_OK && used == value.length) return MC_OK;
    if (result == MC_CSV_NUMBER_OVERFLOW && used == value.length)
        return mc_csv_fail(err, MC_ERR_OVERFLOW, where, field,
                           "expected an integer in the int64 range [%" PRId64 ", %" PRId64 "], got '%s'",
                           INT64_MIN, INT64_MAX, mc_csv_quote(value, got));
    mc_status status = mc_csv_check_untrimmed(value, where, field, err);
    if (status != MC_OK) return status;
    return mc_csv_fail(err, MC_ERR_PARSE, where, field,
                       "expected an integer (optional sign, decimal digits), got '%s'",
                       mc_csv_quote(value, got));
}

mc_status mc_csv_inclusive_to_upper(int64_t end, mc_csv_where where, const mc_csv_span *field,
                                    int64_t *upper, mc_error *err)
{
    if (end == INT64_MAX)
        return mc_csv_fail(err, MC_ERR_OVERFLOW, where, field,
                           "expected an inclusive end below %" PRId64 " (it is stored as end + 1), got %" PRId64,
                           INT64_MAX, end);
    *upper = end + 1;
    return MC_OK;
}
