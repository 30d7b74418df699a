/*
 * memcarve/csv.h — problem files in MiniMalloc's CSV format.
 *
 * Format
 *   The first line is a header naming the columns in any order:
 *     id, lower, upper, size           required
 *     alignment, hint, gaps, offset    optional
 *   Aliases: begin/start -> lower; buffer/buffer_id -> id; end -> upper with
 *   an INCLUSIVE end (stored as end + 1, gap ends likewise).
 *   gaps: space-separated "lo-hi" (occupies nothing in [lo, hi)) or
 *   "lo-hi@wlo:whi" (occupies only [offset+wlo, offset+whi) in [lo, hi)),
 *   sorted, disjoint, inside the lifetime, windows inside [0, size].
 *   hint: a negative value or an empty field means no hint.
 *   offset: a fixed offset; an empty field means none.
 *   CRLF line ends, a missing final newline and trailing blank lines are
 *   accepted. Ids must be unique.
 *
 * Errors
 *   Parsing stops at the first problem, and `err` says
 *   "<file>:<line>: field '<column>': expected ..., got '...'".
 *
 * Output
 *   The input's columns and fields exactly as read, plus an `offset` column
 *   (filled in, when the input already had one), rows in input order.
 *   Files are written to a temporary name beside the target and renamed on
 *   success, so a failed run never leaves a half-written output.
 */
#ifndef MEMCARVE_CSV_H
#define MEMCARVE_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memcarve/error.h"
#include "memcarve/planner.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct mc_csv mc_csv;

/* Parses `length` bytes of `text` (need not be NUL-terminated); `name` is
 * used in messages. On success *out owns the parsed file. */
mc_status mc_csv_parse(const char *text, size_t length, const char *name, mc_csv **out,
                       mc_error *err);

/* Reads and parses a whole file. */
mc_status mc_csv_read_file(const char *path, mc_csv **out, mc_error *err);

void mc_csv_destroy(mc_csv *csv);

/* The parsed problem, owned by `csv`. */
const mc_problem *mc_csv_problem(const mc_csv *csv);

/* The 1-based line number in the file of buffer `index`. */
size_t mc_csv_line(const mc_csv *csv, size_t index);

/* mc_problem_check_capacity with messages that name file, line and field. */
mc_status mc_csv_check_capacity(const mc_csv *csv, int64_t capacity, mc_error *err);

/* Writes the input's rows plus offsets to a stream (LF line ends). */
mc_status mc_csv_write(const mc_csv *csv, const int64_t *offsets, FILE *out, mc_error *err);

/* Writes atomically: a temporary file in the same folder, then rename. */
mc_status mc_csv_write_file(const mc_csv *csv, const int64_t *offsets, const char *path,
                            mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_CSV_H */
