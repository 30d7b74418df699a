/* The canonical depth-first search (MiniMalloc's solution space, our own
 * implementation). One search decides one capacity; the driver in solve.c
 * runs it with several preorders, node limits and capacities. */
#ifndef MC_PLANNER_SEARCH_H
#define MC_PLANNER_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "planner/model.h"

typedef enum mc_search_result {
    MC_SEARCH_FOUND,     /* offsets hold a layout                       */
    MC_SEARCH_EXHAUSTED, /* no canonical layout exists at this capacity */
    MC_SEARCH_ABORTED,   /* the node budget ran out                     */
    MC_SEARCH_STOPPED,   /* timeout or cancellation                     */
    MC_SEARCH_NOMEM
} mc_search_result;

/* Preorder keys, most significant first; see mc_solve_options.preorders. */
#define MC_PREORDER_KEYS_MAX 8
typedef struct mc_preorder {
    char keys[MC_PREORDER_KEYS_MAX + 1];
} mc_preorder;

typedef struct mc_search_limits {
    uint64_t node_budget;        /* UINT64_MAX: none                        */
    bool (*tick)(void *context); /* every 1024 nodes; true stops the search */
    void *context;
    uint64_t *nodes;             /* running total, updated                  */
} mc_search_limits;

/* Searches for a layout of height <= capacity. `offsets` (model->count
 * entries, indexed by search index) receives it on MC_SEARCH_FOUND. */
mc_search_result mc_search(const mc_model *model, int64_t capacity, const mc_preorder *preorder,
                           const mc_search_limits *limits, int64_t *offsets);

#endif
