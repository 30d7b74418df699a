/* Placement orders: which buffer the greedy places first. Every order is a
 * total order (ties broken by index), so runs are deterministic. */
#ifndef MC_HEURISTICS_ORDER_H
#define MC_HEURISTICS_ORDER_H

#include <stddef.h>
#include <stdint.h>

#include "memcarve/planner.h"

typedef enum mc_order_kind {
    MC_ORDER_SIZE,      /* size desc, then lifetime desc (TFLite, XLA spatial) */
    MC_ORDER_LIFETIME,  /* lifetime desc, then size desc (XLA temporal)         */
    MC_ORDER_AREA,      /* size x lifetime desc                                 */
    MC_ORDER_CONFLICTS, /* buffers alive together desc, then size (TVM USMP)    */
    MC_ORDER_START,     /* execution order: start asc (ONNX Runtime)            */
    MC_ORDER_COUNT
} mc_order_kind;

/* Writes a permutation of 0..n-1 into order. MC_ERR_NOMEM only. */
mc_status mc_order_make(const mc_problem *problem, mc_order_kind kind, int32_t *order);

#endif
