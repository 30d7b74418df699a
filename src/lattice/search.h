/* The state of the exact search (exact.c) and its preparation
 * (search_setup.c): DS points grouped by their last nonzero coordinate,
 * sorted into runs of equal |x_k|, with their distinct prefixes interned. */
#ifndef MC_LATTICE_SEARCH_H
#define MC_LATTICE_SEARCH_H

#include "lattice/lattice_internal.h"

typedef struct search {
    size_t n;
    int64_t *pts[MC_LAT_D];     /* points (permuted axes) by top coordinate,  */
    size_t count[MC_LAT_D];     /* sorted by |x_k| ...                        */
    size_t *bucket_start[MC_LAT_D]; /* ... into runs of equal |x_k|          */
    size_t bucket_count[MC_LAT_D];
    /* Points of a level share few distinct prefixes x' (coordinates before
     * the top one); their coset indices are computed once per search node,
     * not once per point and candidate d. */
    size_t *prefix_of[MC_LAT_D];   /* point -> distinct prefix              */
    int64_t *prefixes[MC_LAT_D];   /* distinct prefixes, n wide             */
    size_t prefix_count[MC_LAT_D];
    int64_t *prefix_index[MC_LAT_D]; /* 2 per prefix: index of +x', -x'    */
    uint64_t *prefix_stamp[MC_LAT_D]; /* 2 per prefix: visit they are for    */
    uint64_t visit;                   /* increments on every level entry     */
    uint64_t level_visit[MC_LAT_D];
    int64_t *hard;              /* scratch: targets of one run, |x_k/d_k| > 1 */
    unsigned char *scratch;     /* coset table for one group of them          */
    size_t scratch_cap;
    unsigned char *mark[MC_LAT_D]; /* per level: coset marks, grown on demand */
    size_t mark_cap[MC_LAT_D];
    int64_t h[MC_LAT_D * MC_LAT_D];
    int64_t bound;              /* largest determinant still of interest      */
    int64_t target;             /* the determinant being searched now         */
    int64_t divisors[4096];     /* of target, increasing (2^26 has fewer)     */
    size_t divisor_count;
    int64_t lower;              /* proven: no valid lattice below it          */
    bool count_all;
    int64_t best;               /* det of the best lattice found, 0 if none   */
    uint64_t best_count, nodes;
    size_t listed;
    int64_t list[MC_LATTICE_MAX_LISTED][MC_LAT_D * MC_LAT_D];
    double deadline;
    uint64_t ticks;
    uint64_t node_limit;        /* 0 or the node count that ends a probe      */
    bool timed_out, overflow, nomem, probe_spent;
    /* Symmetry breaking (symmetry.c), off when all optimal lattices are
     * counted: period_j <= period[l] for every bit l of leaders[j], and
     * 2 H[0][1] <= d_0 under flip01. period[] holds the current path's
     * periods of the axes that lead some other (leads[]). */
    unsigned leaders[MC_LAT_D];
    bool leads[MC_LAT_D], flip01;
    int64_t period[MC_LAT_D];
} search;

/* Axis order: greedily first the axes that make the most DS points
 * checkable earliest (points supported on the chosen axes). */
void mc_lat_choose_axes(const mc_lattice_set *set, size_t *axis);

/* The symmetries of DS the search may break, in searched axes (see
 * symmetry.c): bit l of leaders[j] when period_j <= period_l may be
 * required, flip01 when 2 H[0][1] <= d_0 may be. */
void mc_lat_symmetry(const mc_lattice_set *set, const size_t *axis, unsigned *leaders, bool *flip01);

/* Fills the point tables of s from set, axes permuted by axis (searched
 * coordinate i is set coordinate axis[i]). s->n must be set and the rest
 * zeroed. On failure, mc_lat_search_teardown still releases what was made. */
mc_status mc_lat_search_setup(search *s, const mc_lattice_set *set, const size_t *axis, mc_error *err);

/* Frees everything setup and the search allocated. */
void mc_lat_search_teardown(search *s);

#endif
