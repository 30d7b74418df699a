/* Helpers shared by the sync module's files: barrier-set arithmetic. */
#ifndef MC_SYNC_INTERNAL_H
#define MC_SYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memcarve/sync.h"

/* Index of the first barrier >= t (count when none). O(log b). */
size_t mc_sync_first_at_or_after(const mc_barriers *barriers, int64_t t);

/* Whether some barrier p has lo <= p <= hi. */
bool mc_sync_any_in(const mc_barriers *barriers, int64_t lo, int64_t hi);

/* *out = the sorted union of `barriers` (may be NULL) and `extra` (any
 * order, duplicates allowed). */
mc_status mc_sync_union(const mc_barriers *barriers, const int64_t *extra, size_t extra_count, mc_barriers *out,
                        mc_error *err);

/* The time after which no buffer is alive: max upper (0 when empty). */
int64_t mc_sync_end(const mc_problem *problem);

/* Writes a file atomically (see atomic_file.c) by calling `write` on a
 * stream; "-" is stdout. */
typedef mc_status (*mc_sync_writer)(FILE *out, const void *context, mc_error *err);
mc_status mc_sync_write_atomic(const char *path, mc_sync_writer write, const void *context, mc_error *err);

#endif
