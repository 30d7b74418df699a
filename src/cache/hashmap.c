#include "cache/hashmap.h"

#include <stdlib.h>

/* Fibonacci hashing spreads aligned pointers, whose low bits are all zero. */
static size_t slot_of(const mc_hmap *map, uint64_t key)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 20) & map->mask;
}

bool mc_hmap_init(mc_hmap *map, size_t capacity)
{
    size_t cap = 16;
    while (cap < capacity) cap <<= 1;
    map->keys = calloc(cap, sizeof *map->keys);
    map->values = calloc(cap, sizeof *map->values);
    map->mask = cap - 1;
    map->count = 0;
    if (map->keys && map->values) return true;
    mc_hmap_free(map);
    return false;
}

void mc_hmap_free(mc_hmap *map)
{
    free(map->keys);
    free(map->values);
    map->keys = NULL;
    map->values = NULL;
    map->count = 0;
}

void *mc_hmap_get(const mc_hmap *map, uint64_t key)
{
    for (size_t i = slot_of(map, key);; i = (i + 1) & map->mask) {
        if (map->keys[i] == key) return map->values[i];
        if (map->keys[i] == 0) return NULL;
    }
}

static void place(mc_hmap *map, uint64_t key, void *value)
{
    size_t i = slot_of(map, key);
    while (map->keys[i] != 0 && map->keys[i] != key) i = (i + 1) & map->mask;
    if (map->keys[i] == 0) ++map->count;
    map->keys[i] = key;
    map->values[i] = value;
}

static bool grow(mc_hmap *map)
{
    mc_hmap bigger;
    if (!mc_hmap_init(&bigger, (map->mask + 1) * 2)) return false;
    for (size_t i = 0; i <= map->mask; ++i)
        if (map->keys[i]) place(&bigger, map->keys[i], map->values[i]);
    mc_hmap_free(map);
    *map = bigger;
    return true;
}

bool mc_hmap_put(mc_hmap *map, uint64_t key, void *value)
{
    if ((map->count + 1) * 2 > map->mask + 1 && !grow(map)) return false;
    place(map, key, value);
    return true;
}

void *mc_hmap_take(mc_hmap *map, uint64_t key)
{
    size_t i = slot_of(map, key);
    while (map->keys[i] != key) {
        if (map->keys[i] == 0) return NULL;
        i = (i + 1) & map->mask;
    }
    void *value = map->values[i];
    /* Backward shift: pull later entries of the probe run into the hole
     * unless that would move them before their home slot. */
    for (size_t j = (i + 1) & map->mask; map->keys[j] != 0; j = (j + 1) & map->mask) {
        size_t home = slot_of(map, map->keys[j]);
        if (((j - home) & map->mask) >= ((j - i) & map->mask)) {
            map->keys[i] = map->keys[j];
            map->values[i] = map->values[j];
            i = j;
        }
    }
    map->keys[i] = 0;
    map->values[i] = NULL;
    --map->count;
    return value;
}

void mc_hmap_each(const mc_hmap *map, void (*visit)(uint64_t key, void *value, void *context),
                  void *context)
{
    for (size_t i = 0; i <= map->mask; ++i)
        if (map->keys[i]) visit(map->keys[i], map->values[i], context);
}
