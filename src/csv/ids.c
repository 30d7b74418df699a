/* Duplicate-id detection in expected O(1) per row: an open-addressing table
 * of buffer indices, hashing the ids the problem already owns, so no id is
 * stored twice. */
#include <stdlib.h>
#include <string.h>

#include "csv/csv_internal.h"

/* FNV-1a: ids are short and this needs no state beyond the string. */
static size_t hash_id(const char *id)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (const unsigned char *p = (const unsigned char *)id; *p; ++p) h = (h ^ *p) * UINT64_C(1099511628211);
    return (size_t)(h ^ (h >> 32));
}

static const char *id_at(const mc_problem *problem, size_t index)
{
    return mc_problem_buffer(problem, index)->id;
}

size_t mc_csv_id_find(const mc_csv_id_set *set, const mc_problem *problem, const char *id)
{
    if (!set->slots) return MC_CSV_ABSENT;
    for (size_t i = hash_id(id) & set->mask;; i = (i + 1) & set->mask) {
        size_t slot = set->slots[i];
        if (slot == 0) return MC_CSV_ABSENT;
        if (strcmp(id_at(problem, slot - 1), id) == 0) return slot - 1;
    }
}

static void place(size_t *slots, size_t mask, const mc_problem *problem, size_t index)
{
    size_t i = hash_id(id_at(problem, index)) & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = index + 1;
}

/* Keeps the table at most half full so probes stay short. */
static mc_status grow(mc_csv_id_set *set, const mc_problem *problem)
{
    size_t capacity = set->slots ? (set->mask + 1) * 2 : 64;
    if (capacity > SIZE_MAX / sizeof(size_t)) return MC_ERR_NOMEM;
    size_t *slots = calloc(capacity, sizeof(size_t));
    if (!slots) return MC_ERR_NOMEM;
    if (set->slots)
        for (size_t i = 0; i <= set->mask; ++i)
            if (set->slots[i]) place(slots, capacity - 1, problem, set->slots[i] - 1);
    free(set->slots);
    set->slots = slots;
    set->mask = capacity - 1;
    return MC_OK;
}

mc_status mc_csv_id_insert(mc_csv_id_set *set, const mc_problem *problem, size_t index)
{
    if (!set->slots || (set->count + 1) * 2 > set->mask + 1) {
        mc_status status = grow(set, problem);
        if (status != MC_OK) return status;
    }
    place(set->slots, set->mask, problem, index);
    ++set->count;
    return MC_OK;
}

void mc_csv_id_free(mc_csv_id_set *set)
{
    free(set->slots);
    set->slots = NULL;
    set->mask = set->count = 0;
}
