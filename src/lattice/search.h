/* The state of the exact search (exact.c) and its preparation
 * (search_setup.c): DS points grouped by their last nonzero coordinate,
 * sorted into runs of equal |x_k|, with their distinct prefixes interned. */
#ifndef MC_LATTICE_SEARCH_H
#define MC_LATTICE_SEARCH_H

#include <stdlib.h>
#include <string.h>

#include "lattice/lattice_internal.h"

/* Last-level points (top coordinate n-1, signs flipped so x_{n-1} > 0)
 * sharing x_{n-1} = top and x_{n-2} = c; their first n-2 coordinates are
 * interned prefixes of the tail (see tail.c). */
typedef struct tail_group {
    int64_t top, c;
    size_t first, end; /* their prefix ids: tail.member[first..end) */
} tail_group;

/* The groups of tail.c sharing x_{n-1} = top. */
typedef struct tail_run {
    int64_t top;
    size_t first, end; /* groups [first, end) */
} tail_run;

/* An element of G = Z_e0 x Z_e1 (tail.c): a row (mod e0), a column (mod e1). */
typedef struct tail_elem {
    int64_t a, b;
} tail_elem;

/* How tail.c turns top w + x in B into a translation of a table: x = top u
 * + rho with rho = (x.a mod g0, x.b mod g1) one of g0 g1 classes. */
typedef struct tail_split {
    int64_t g0, g1;   /* gcd(top, e0), gcd(top, e1) */
    int64_t h0, h1;   /* 1 / (top / g) mod (e / g) */
    size_t base;      /* first table of the run in tail.scaled; SIZE_MAX: none */
} tail_split;

/* A translation and, for split runs, the class whose table it moves. */
typedef struct tail_shift {
    tail_elem by;
    size_t klass;
} tail_shift;

/* The bit tables of tail.c. The groups are fixed by setup; the rest
 * describes G = Z^{n-2} / L_{n-2} in Smith form and is rebuilt whenever
 * that prefix lattice changes (stamp = the visit of level n-2). */
typedef struct tail {
    size_t group_count, prefix_count, run_count;
    tail_group *groups;    /* sorted by (top, c) */
    tail_run *runs;        /* by increasing top */
    tail_split *split;     /* per run, for the current L_k */
    size_t *member;
    int64_t *prefixes;     /* n wide, first n-2 coordinates used */
    int64_t cmin, cmax;    /* range of x_{n-2} over the groups */
    uint64_t stamp;
    bool usable, have_hnf;
    int64_t e0, e1;        /* G = Z_e0 x Z_e1, e0 | e1 (e0 = 1: cyclic) */
    int64_t u0[MC_LAT_D], u1[MC_LAT_D]; /* x -> (u0 x mod e0, u1 x mod e1) */
    int64_t order;         /* |G| = e0 e1 */
    size_t words, dwords;  /* per row: e1 bits, and twice that padded */
    tail_elem *img;        /* per prefix */
    uint64_t *bits;        /* per group: e0 rows x dwords, each row twice over */
    uint64_t *scaled;      /* per run, group and class: {u : top u + rho in B} */
    uint64_t *forbidden;   /* e0 rows x words */
    int64_t *hnf_of;       /* a e1 + b -> Hermite coset index */
    int64_t *found;        /* admissible columns of one call */
    tail_elem *qv;         /* multiples of column n-2 in G, for one call */
    tail_shift *decomp;    /* per split run and element x of G: x = top u + rho */
    tail_elem *cand;       /* candidate columns w of one j, each with m w */
    tail_elem *part;       /* scratch of the split tables: u per prefix */
    size_t *klass;         /* and the class of rho */
    unsigned char *built;  /* per run: plain (1), split (2), decomp (4) built */
    size_t split_cap, built_cap, decomp_cap, part_cap, klass_cap, img_cap, bits_cap;
    size_t forbidden_cap, hnf_cap, found_cap, qv_cap, cand_cap;
} tail;

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
    bool fast_tail;  /* last level through tail.c where it applies */
    tail tail;
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

/* The admissible columns (v, d) of the last level for the prefix lattice
 * in s->h (columns 0..n-2 fixed), i.e. those putting no DS point into the
 * lattice, as coset indices of v in increasing order (*found, *count).
 * Word-parallel over the cosets of L_{n-2}; false when it does not apply
 * (n < 3, tables too large, overflow): the caller then classifies the
 * points one by one. */
bool mc_lat_tail_columns(search *s, int64_t d, const int64_t **found, size_t *count);

/* mc_lattice_exact with the last-level tables of tail.c on or off: the two
 * must agree on everything, nodes included (the tests compare them). */
mc_status mc_lat_exact_run(const mc_lattice_set *set, const mc_lattice_exact_options *options, bool fast_tail,
                           mc_lattice_result *result, mc_error *err);

/* Frees everything setup and the search allocated. */
void mc_lat_search_teardown(search *s);

/* Grows the malloc'ed array whose pointer is stored at `slot` (the address
 * of any object pointer) to at least `bytes`, *cap holding its size; the
 * pointer is read and written with memcpy, so no pointer type is punned.
 * False when memory is out (the array is kept as it was). Inline: the
 * exact search asks at every level visit, and almost always has room. */
static inline bool mc_lat_grow(void *slot, size_t *cap, size_t bytes)
{
    if (bytes <= *cap) return true;
    void *buffer;
    memcpy(&buffer, slot, sizeof buffer);
    void *grown = realloc(buffer, bytes);
    if (!grown) return false;
    memcpy(slot, &grown, sizeof grown);
    *cap = bytes;
    return true;
}

#endif
