/* Helpers shared by the CSV tests. */
#ifndef MC_TEST_CSV_SUPPORT_H
#define MC_TEST_CSV_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "memcarve/csv.h"

/* Parses a NUL-terminated string as file "t.csv". */
mc_status parse_string(const char *text, mc_csv **out, mc_error *err);

/* True when `message` contains `part` (an empty or NULL part always does);
 * prints the message when it does not, so failures are readable. */
bool contains(const char *message, const char *part);

/* Writes `csv` with `offsets` to a malloc'd string (open_memstream). */
char *write_string(const mc_csv *csv, const long long *offsets);

#endif
