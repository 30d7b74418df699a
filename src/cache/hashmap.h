/* An open-addressing map from nonzero 64-bit keys to pointers: linear probing
 * with backward-shift deletion, so lookups never wade through tombstones and
 * a map that churns keys (pointers, layouts) stays as fast as a fresh one. */
#ifndef MC_CACHE_HASHMAP_H
#define MC_CACHE_HASHMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mc_hmap {
    uint64_t *keys;  /* 0 marks an empty slot */
    void **values;
    size_t mask;     /* capacity - 1; capacity is a power of two */
    size_t count;
} mc_hmap;

/* Returns false when memory is exhausted. */
bool mc_hmap_init(mc_hmap *map, size_t capacity);
void mc_hmap_free(mc_hmap *map);

/* NULL when absent. */
void *mc_hmap_get(const mc_hmap *map, uint64_t key);
/* Inserts or replaces; grows at half load. False (map unchanged) on NOMEM. */
bool mc_hmap_put(mc_hmap *map, uint64_t key, void *value);
/* Removes the key and returns its value, or NULL when absent. */
void *mc_hmap_take(mc_hmap *map, uint64_t key);

/* Calls visit for every entry; the map must not change meanwhile. */
void mc_hmap_each(const mc_hmap *map, void (*visit)(uint64_t key, void *value, void *context),
                  void *context);

#endif
