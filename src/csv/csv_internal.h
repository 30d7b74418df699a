/* The representation behind mc_csv and the helpers shared by the reader's
 * files. A parsed file keeps its own copy of the text so the writer can echo
 * every field byte for byte, including columns the planner ignores. */
#ifndef MC_CSV_INTERNAL_H
#define MC_CSV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memcarve/csv.h"

/* The columns the reader understands; any other column is kept and echoed. */
typedef enum mc_csv_column {
    MC_COL_ID,
    MC_COL_LOWER,
    MC_COL_UPPER,
    MC_COL_SIZE,
    MC_COL_ALIGNMENT,
    MC_COL_HINT,
    MC_COL_GAPS,
    MC_COL_OFFSET,
    MC_COL_COUNT
} mc_csv_column;

#define MC_CSV_ABSENT SIZE_MAX

/* A byte range of the file's text (not NUL-terminated). */
typedef struct mc_csv_span {
    const char *start;
    size_t length;
} mc_csv_span;

/* What the header says: where each known column is and how it is spelled,
 * so messages use the user's own names ('end', 'begin', ...). */
typedef struct mc_csv_header {
    size_t field_count;
    size_t index[MC_COL_COUNT];       /* field index or MC_CSV_ABSENT */
    mc_csv_span name[MC_COL_COUNT];   /* as spelled in the header     */
    bool inclusive_end;               /* upper given as 'end'         */
} mc_csv_header;

/* Where a message points: file name and 1-based line. */
typedef struct mc_csv_where {
    const char *file;
    size_t line;
} mc_csv_where;

/* A data row as read: its text without the line end, and where it was. */
typedef struct mc_csv_row {
    mc_csv_span text;
    size_t line;             /* 1-based */
} mc_csv_row;

struct mc_csv {
    char *name;              /* for messages                          */
    char *text;              /* owned copy of the input               */
    mc_csv_span header_line; /* without the line end (or a BOM)       */
    bool byte_order_mark;    /* the file began with a UTF-8 BOM       */
    mc_csv_header header;
    mc_csv_row *rows;        /* row i is buffer i of the problem      */
    size_t row_count, row_capacity;
    mc_problem *problem;
};

/* ------------------------------------------------------------ messages */

/* Sets `err` to "<file>:<line>: field '<field>': <message>" (the field part
 * only when `field` is not NULL) and returns `status`. */
mc_status mc_csv_fail(mc_error *err, mc_status status, mc_csv_where where,
                      const mc_csv_span *field, const char *format, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* Room for a quoted field: long fields are cut and marked with "...". */
#define MC_CSV_QUOTE_MAX 48
/* Copies `text` into `out` for a message: bytes outside printable ASCII as
 * \xNN, cut to fit. Returns `out`. */
const char *mc_csv_quote(mc_csv_span text, char out[MC_CSV_QUOTE_MAX]);

/* --------------------------------------------------------------- fields */

/* Walks the comma-separated fields of a line: a line of n commas has n + 1
 * fields, the empty line included. */
typedef struct mc_csv_cursor {
    const char *next, *end;
    bool done;
} mc_csv_cursor;

mc_csv_cursor mc_csv_cursor_of(mc_csv_span line);
/* Stores the next field in *field; false once every field was returned. */
bool mc_csv_next_field(mc_csv_cursor *cursor, mc_csv_span *field);

/* Splits `line` at commas into exactly `count` spans; returns the number of
 * fields the line actually has (writing at most `count` of them). */
size_t mc_csv_split(mc_csv_span line, mc_csv_span *fields, size_t count);

/* True for a line holding nothing but spaces, tabs and CRs. */
bool mc_csv_blank(mc_csv_span line);

/* Fails unless `value` has no space or tab at either end (fields are not
 * trimmed: a padded number would otherwise be read differently by other
 * tools). */
mc_status mc_csv_check_untrimmed(mc_csv_span value, mc_csv_where where,
                                 const mc_csv_span *field, mc_error *err);

/* -------------------------------------------------------------- numbers */

typedef enum mc_csv_number {
    MC_CSV_NUMBER_OK,
    MC_CSV_NUMBER_MALFORMED,  /* not [+-]digits                  */
    MC_CSV_NUMBER_OVERFLOW    /* digits, but outside int64        */
} mc_csv_number;

/* Reads an optional sign and decimal digits from the start of `text`.
 * *used receives the bytes consumed (0 when malformed). */
mc_csv_number mc_csv_scan_i64(mc_csv_span text, int64_t *value, size_t *used);

/* Parses the whole field as an integer, with a message naming the field. */
mc_status mc_csv_parse_i64(mc_csv_span value, mc_csv_where where, const mc_csv_span *field,
                           int64_t *out, mc_error *err);

/* Turns an inclusive end into an exclusive upper bound, failing on overflow. */
mc_status mc_csv_inclusive_to_upper(int64_t end, mc_csv_where where, const mc_csv_span *field,
                                    int64_t *upper, mc_error *err);

/* --------------------------------------------------------------- header */

mc_status mc_csv_parse_header(mc_csv_span line, mc_csv_where where, mc_csv_header *header,
                              mc_error *err);

/* ----------------------------------------------------------------- gaps */

/* A growable array of gaps reused from row to row. */
typedef struct mc_csv_gap_list {
    mc_gap *items;
    size_t count, capacity;
} mc_csv_gap_list;

/* Parses and checks a gaps field against the buffer's lifetime and size
 * (which must already be valid). */
mc_status mc_csv_parse_gaps(mc_csv_span value, const mc_buffer *buffer, bool inclusive_end,
                            mc_csv_where where, const mc_csv_span *field,
                            mc_csv_gap_list *gaps, mc_error *err);

/* ------------------------------------------------------------------ row */

/* Scratch space shared by every row of one parse. */
typedef struct mc_csv_row_scratch {
    mc_csv_span *fields;     /* header.field_count of them */
    char *id;                /* NUL-terminated copy of the id */
    size_t id_capacity;
    mc_csv_gap_list gaps;
} mc_csv_row_scratch;

/* Turns one row's fields into a buffer; the buffer's id and gaps point into
 * `scratch` and stay valid until the next call. */
mc_status mc_csv_parse_row(const mc_csv_header *header, mc_csv_where where,
                           mc_csv_row_scratch *scratch, mc_buffer *buffer, mc_error *err);

/* ------------------------------------------------------------------ ids */

/* An open-addressing set of the ids seen so far, keyed by buffer index. */
typedef struct mc_csv_id_set {
    size_t *slots;           /* buffer index + 1, 0 for empty */
    size_t mask;             /* capacity - 1 (a power of two) */
    size_t count;
} mc_csv_id_set;

/* Looks `id` up among the problem's buffers; returns the index of the
 * buffer that already has it, or MC_CSV_ABSENT. */
size_t mc_csv_id_find(const mc_csv_id_set *set, const mc_problem *problem, const char *id);
/* Records buffer `index` (whose id must not be present yet). */
mc_status mc_csv_id_insert(mc_csv_id_set *set, const mc_problem *problem, size_t index);
void mc_csv_id_free(mc_csv_id_set *set);

#endif
