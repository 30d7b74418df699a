/* The header line: which field holds which column. Names are matched
 * exactly (case-sensitive, as MiniMalloc does); unknown columns are allowed
 * and simply carried through to the output. */
#include <string.h>

#include "csv/csv_internal.h"

typedef struct column_name {
    const char *name;
    mc_csv_column column;
    bool inclusive_end;
} column_name;

static const column_name known_names[] = {
    {"id", MC_COL_ID, false},          {"buffer", MC_COL_ID, false},
    {"buffer_id", MC_COL_ID, false},   {"lower", MC_COL_LOWER, false},
    {"begin", MC_COL_LOWER, false},    {"start", MC_COL_LOWER, false},
    {"upper", MC_COL_UPPER, false},    {"end", MC_COL_UPPER, true},
    {"size", MC_COL_SIZE, false},      {"alignment", MC_COL_ALIGNMENT, false},
    {"hint", MC_COL_HINT, false},      {"gaps", MC_COL_GAPS, false},
    {"offset", MC_COL_OFFSET, false},
};

/* Canonical names, and how to spell them, for messages. */
static const char *const canonical[MC_COL_COUNT] = {
    "id", "lower", "upper", "size", "alignment", "hint", "gaps", "offset",
};
static const char *const spellings[MC_COL_COUNT] = {
    "'id' (or 'buffer', 'buffer_id')", "'lower' (or 'begin', 'start')",
    "'upper' (or 'end', inclusive)", "'size'", "'alignment'", "'hint'", "'gaps'", "'offset'",
};

static const column_name *lookup(mc_csv_span name)
{
    for (size_t i = 0; i < sizeof known_names / sizeof known_names[0]; ++i)
        if (strlen(known_names[i].name) == name.length &&
            memcmp(known_names[i].name, name.start, name.length) == 0)
            return &known_names[i];
    return NULL;
}

static mc_status add_column(mc_csv_header *header, mc_csv_span name, size_t index,
                            mc_csv_where where, mc_error *err)
{
    if (name.length == 0)
        return mc_csv_fail(err, MC_ERR_PARSE, where, NULL,
                           "column %zu: expected a column name, got an empty field", index + 1);
    mc_status status = mc_csv_check_untrimmed(name, where, &name, err);
    if (status != MC_OK) return status;
    const column_name *known = lookup(name);
    if (!known) return MC_OK;
    size_t previous = header->index[known->column];
    if (previous != MC_CSV_ABSENT) {
        char first[MC_CSV_QUOTE_MAX];
        return mc_csv_fail(err, MC_ERR_PARSE, where, &name,
                           "duplicate column: column %zu ('%s') already gives the %s; expected "
                           "each column once",
                           previous + 1, mc_csv_quote(header->name[known->column], first),
                           canonical[known->column]);
    }
    header->index[known->column] = index;
    header->name[known->column] = name;
    if (known->column == MC_COL_UPPER) header->inclusive_end = known->inclusive_end;
    return MC_OK;
}

mc_status mc_csv_parse_header(mc_csv_span line, mc_csv_where where, mc_csv_header *header,
                              mc_error *err)
{
    memset(header, 0, sizeof *header);
    for (int c = 0; c < MC_COL_COUNT; ++c) header->index[c] = MC_CSV_ABSENT;
    size_t index = 0;
    mc_csv_cursor cursor = mc_csv_cursor_of(line);
    mc_csv_span name;
    while (mc_csv_next_field(&cursor, &name)) {
        mc_status status = add_column(header, name, index, where, err);
        if (status != MC_OK) return status;
        ++index;
    }
    header->field_count = index;
    static const mc_csv_column required[] = {MC_COL_ID, MC_COL_LOWER, MC_COL_UPPER, MC_COL_SIZE};
    for (size_t r = 0; r < sizeof required / sizeof required[0]; ++r)
        if (header->index[required[r]] == MC_CSV_ABSENT)
            return mc_csv_fail(err, MC_ERR_PARSE, where, NULL,
                               "missing required column %s; expected a header naming id, lower, "
                               "upper and size",
                               spellings[required[r]]);
    return MC_OK;
}
