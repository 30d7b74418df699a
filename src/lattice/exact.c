/* Exact search: every full-rank sublattice of Z^n has exactly one basis in
 * upper-triangular Hermite form H (columns; H[i][i] = d_i > 0, 0 <= H[i][j]
 * < d_i for j > i), and det = prod d_i. Columns 0..k-1 span exactly the
 * lattice points supported on the first k coordinates, so the search fixes
 * H column by column and drops a prefix the moment that sublattice meets DS.
 * Column k is (v, d_k) with v a coset of Z^k / L_k (L_k: the prefix lattice);
 * a DS point x with top coordinate k lies in the new lattice iff
 * d_k | x_k and m v = x' (mod L_k), m = x_k / d_k. For m = +-1 that forbids a
 * single coset, marked in a table; points sharing a larger |m| are handled
 * together by one sweep over the cosets.
 * Determinants are tried in increasing order from a proven lower bound; for
 * a target D every d_k must divide what is left of D, which prunes hardest.
 * The first D with a surviving basis is the optimum: all smaller ones were
 * exhausted, which is the proof. */
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "lattice/search.h"

#define MAX_UPPER_BOUND ((int64_t)1 << 26)
#define CLOCK_EVERY 1024
/* The descent below the heuristic (improve) gives each size a thousand
 * nodes, a quarter of the time limit, and stops after a run of failures
 * (tuned on the 4-D boxes of the benchmark: 300 to 16000 nodes tried). */
#define PROBE_NODES 1000
#define PROBE_FAILURES 8
#define PROBE_SHARE 0.25

/* Reduces scale * x (k coordinates) to its coset representative mod L_k:
 * 0 <= rep_i < d_i. False on overflow. */
static bool coset_reduce(const search *s, size_t k, const int64_t *x, int64_t scale, int64_t *rep)
{
    /* int64 with checked products: __int128 division is several times slower
     * and this is the innermost loop of the search. */
    for (size_t i = 0; i < k; ++i)
        if (__builtin_mul_overflow(scale, x[i], &rep[i])) return false;
    for (size_t i = k; i-- > 0;) {
        /* DS coordinates are usually small next to d: skip the division. */
        int64_t d = s->h[MC_LAT_AT(i, i)], q, t;
        if (rep[i] >= 0 && rep[i] < d) q = 0;
        else if (rep[i] < 0 && rep[i] >= -d) q = -1;
        else q = rep[i] / d - (rep[i] % d < 0);
        rep[i] -= q * d;
        if (q != 0)
            for (size_t j = 0; j < i; ++j)
                if (__builtin_mul_overflow(q, s->h[MC_LAT_AT(j, i)], &t) || __builtin_sub_overflow(rep[j], t, &rep[j]))
                    return false;
    }
    return true;
}

/* Mixed-radix index of a representative, coordinate 0 fastest. */
static int64_t rep_index(const search *s, size_t k, const int64_t *rep)
{
    int64_t index = 0;
    for (size_t i = k; i-- > 0;) index = index * s->h[MC_LAT_AT(i, i)] + rep[i];
    return index;
}

/* a += b for two representatives, renormalized without division: each
 * coordinate is off by a few multiples of d_i at most. */
static void add_reps(const search *s, size_t k, int64_t *a, const int64_t *b)
{
    for (size_t i = 0; i < k; ++i) a[i] += b[i];
    for (size_t i = k; i-- > 0;) {
        int64_t d = s->h[MC_LAT_AT(i, i)];
        while (a[i] >= d) {
            a[i] -= d;
            for (size_t j = 0; j < i; ++j) a[j] -= s->h[MC_LAT_AT(j, i)];
        }
        while (a[i] < 0) {
            a[i] += d;
            for (size_t j = 0; j < i; ++j) a[j] += s->h[MC_LAT_AT(j, i)];
        }
    }
}

/* Sets mark[index], counting the cosets newly excluded. */
static void exclude(unsigned char *mark, int64_t index, int64_t *marked)
{
    if (!mark[index]) mark[index] = 1, ++*marked;
}

/* Marks every coset v with m v = target (mod L_k) for a group of targets
 * sharing the multiplier m: the targets go into a scratch table, then one
 * sweep over the cosets in index order tracks m v incrementally (one
 * addition per step). */
static bool mark_group(search *s, size_t k, int64_t m, size_t count, int64_t cosets, unsigned char *mark,
                       int64_t *marked)
{
    unsigned char *target = s->scratch;
    memset(target, 0, (size_t)cosets);
    for (size_t g = 0; g < count; ++g) target[s->hard[g]] = 1;
    /* step[i] = m e_i reduced; base[i] = m (v_i e_i + ... + v_{k-1} e_{k-1}). */
    int64_t step[MC_LAT_D][MC_LAT_D], base[MC_LAT_D][MC_LAT_D] = {{0}}, v[MC_LAT_D] = {0};
    for (size_t i = 0; i < k; ++i) {
        int64_t e[MC_LAT_D] = {0};
        e[i] = 1;
        if (!coset_reduce(s, k, e, m, step[i])) return false;
    }
    for (int64_t index = 0; index < cosets && *marked < cosets; ++index) {
        if (target[rep_index(s, k, base[0])]) exclude(mark, index, marked);
        size_t i = 0;
        while (i < k && ++v[i] == s->h[MC_LAT_AT(i, i)]) v[i++] = 0;
        if (i == k) break;
        add_reps(s, k, base[i], step[i]);
        for (size_t j = 0; j < i; ++j) memcpy(base[j], base[i], k * sizeof base[i][0]);
    }
    return true;
}

/* Coset index of sign * x' for prefix q of level k, computed at most once
 * per visit of the level (the prefix lattice changes between visits) and
 * only for the signs that occur: a run rarely needs both; -1 on overflow. */
static int64_t prefix_target(search *s, size_t k, size_t q, bool negative)
{
    size_t slot = 2 * q + negative;
    if (s->prefix_stamp[k][slot] != s->level_visit[k]) {
        int64_t rep[MC_LAT_D];
        if (!coset_reduce(s, k, s->prefixes[k] + q * s->n, negative ? -1 : 1, rep)) return -1;
        s->prefix_index[k][slot] = rep_index(s, k, rep);
        s->prefix_stamp[k][slot] = s->level_visit[k];
    }
    return s->prefix_index[k][slot];
}

/* Marks the cosets v for which column k = (v, d) puts a DS point into the
 * lattice. Runs of equal |x_k| that d divides share m = |x_k| / d, and they
 * come in increasing order, so the cheap m = 1 run is first. Returns false as
 * soon as every coset is excluded (or d alone meets DS, k == 0), and on
 * overflow. */
static bool classify(search *s, size_t k, int64_t d, int64_t cosets, unsigned char *mark)
{
    int64_t marked = 0;
    for (size_t b = 0; b < s->bucket_count[k]; ++b) {
        size_t first = s->bucket_start[k][b], end = s->bucket_start[k][b + 1];
        int64_t top = s->pts[k][first * s->n + k];
        int64_t m = (top < 0 ? -top : top) / d;
        if (m * d != (top < 0 ? -top : top)) continue;
        if (k == 0) return false;
        /* x' - (x_k / d) v in L_k  <=>  m v = sign(x_k) x' (mod L_k). */
        for (size_t p = first; p < end; ++p) {
            int64_t target = prefix_target(s, k, s->prefix_of[k][p], s->pts[k][p * s->n + k] < 0);
            if (target < 0) return s->overflow = true, false;
            if (m > 1) s->hard[p - first] = target;
            else if (exclude(mark, target, &marked), marked == cosets) return false; /* proof done early */
        }
        if (m > 1 && !mark_group(s, k, m, end - first, cosets, mark, &marked)) return s->overflow = true, false;
        if (marked == cosets) return false;
    }
    return true;
}

static void record(search *s, int64_t det)
{
    s->best = det;
    ++s->best_count;
    if (s->listed < MC_LATTICE_MAX_LISTED) memcpy(s->list[s->listed++], s->h, sizeof s->h);
}

/* Enough found for this target: one lattice, or all when counting. */
static bool done(const search *s) { return s->best != 0 && !s->count_all; }

static bool out_of_time(search *s)
{
    if (s->timed_out || s->overflow || s->nomem || s->probe_spent) return true;
    if (s->node_limit && s->nodes >= s->node_limit) return s->probe_spent = true;
    if (s->deadline > 0 && ++s->ticks % CLOCK_EVERY == 0 && mc_clock_seconds() > s->deadline)
        s->timed_out = true;
    return s->timed_out;
}

/* Next v in the box prod [0, d_i) in index order (coordinate 0 fastest). */
static void next_coset(search *s, size_t k)
{
    for (size_t i = 0; i < k; ++i) {
        if (++s->h[MC_LAT_AT(i, k)] < s->h[MC_LAT_AT(i, i)]) return;
        s->h[MC_LAT_AT(i, k)] = 0;
    }
}

/* The coset table of level k, at least `size` bytes; NULL when memory is out. */
static unsigned char *marks(search *s, size_t k, int64_t size)
{
    if (!mc_lat_grow(&s->mark[k], &s->mark_cap[k], (size_t)size) ||
        !mc_lat_grow(&s->scratch, &s->scratch_cap, (size_t)size))
        return s->nomem = true, NULL;
    return s->mark[k];
}

/* The order of v (the first k entries of column k) in Z^k / L_k, or
 * limit + 1 once it exceeds limit, or 0 (unknown) on overflow: clears the
 * top coordinate with the smallest multiple that d_i divides, subtracts
 * that multiple of column i, and goes down. */
static int64_t coset_order(const search *s, size_t k, int64_t limit)
{
    int64_t x[MC_LAT_D], order = 1;
    for (size_t i = 0; i < k; ++i) x[i] = s->h[MC_LAT_AT(i, k)];
    for (size_t i = k; i-- > 0;) {
        int64_t d = s->h[MC_LAT_AT(i, i)], r = x[i] % d, g = d, t, u;
        for (r = r < 0 ? -r : r; r;) t = g % r, g = r, r = t;
        int64_t scale = d / g;
        if (__builtin_mul_overflow(order, scale, &order)) return 0;
        if (order > limit) return limit + 1;
        int64_t q; /* x[i] scale / d, exact, without forming x[i] scale */
        if (__builtin_mul_overflow(x[i] / d, scale, &q)) return 0;
        q += x[i] % d * scale / d;
        for (size_t j = 0; j < i; ++j)
            if (__builtin_mul_overflow(x[j], scale, &t) || __builtin_mul_overflow(q, s->h[MC_LAT_AT(j, i)], &u) ||
                __builtin_sub_overflow(t, u, &x[j]))
                return 0;
    }
    return order;
}

/* The smallest period among axis k's leaders (INT64_MAX - 1 if none). */
static int64_t leading_period(const search *s, size_t k)
{
    int64_t least = INT64_MAX - 1;
    for (size_t l = 0; l < k; ++l)
        if (s->leaders[k] >> l & 1 && s->period[l] < least) least = s->period[l];
    return least;
}

/* Symmetry breaking (symmetry.c) for column k = (v, d): refuses it when its
 * axis period d ord(v) exceeds its leader's, or under flip01 when H[0][1] >
 * d_0 / 2; records the period when a later axis compares with it (unknown,
 * after an overflow: then nothing is compared with it). */
static bool breaks_symmetry(search *s, size_t k, int64_t d)
{
    if (k == 1 && s->flip01 && 2 * s->h[MC_LAT_AT(0, 1)] > s->h[0]) return true;
    if (!s->leaders[k] && !s->leads[k]) return false;
    int64_t limit = leading_period(s, k) / d;
    int64_t order = coset_order(s, k, limit);
    if (order > limit) return true;
    s->period[k] = order == 0 ? INT64_MAX : d * order;
    return false;
}

/* Coset index -> the upper part of column k (mixed radix, coordinate 0
 * fastest, as next_coset counts). */
static void set_column(search *s, size_t k, int64_t index)
{
    for (size_t i = 0; i < k; ++i) {
        int64_t d = s->h[MC_LAT_AT(i, i)];
        s->h[MC_LAT_AT(i, k)] = index % d, index /= d;
    }
}

/* The last level from tail.c's admissible columns, with the same order,
 * checks and node counts as the loop over the coset table in level(), so
 * both paths find the same lattices. False when tail.c does not apply. */
static bool last_level_fast(search *s, size_t k, int64_t d)
{
    const int64_t *found;
    size_t count;
    if (!s->fast_tail || !mc_lat_tail_columns(s, d, &found, &count)) return false;
    for (size_t i = 0; i < count && !done(s); ++i) {
        set_column(s, k, found[i]);
        if (out_of_time(s) || breaks_symmetry(s, k, d)) continue;
        ++s->nodes;
        record(s, s->target);
    }
    return true;
}

static void level(search *s, size_t k, int64_t prefix)
{
    unsigned char *mark = marks(s, k, prefix);
    if (!mark) return;
    s->level_visit[k] = ++s->visit;
    int64_t rest = s->target / prefix;
    for (size_t t = 0; t < s->divisor_count && !done(s) && !out_of_time(s); ++t) {
        int64_t d = s->divisors[t];
        if (d > rest) break;
        /* The last diagonal entry is whatever is left of the target. */
        if (rest % d != 0 || (k + 1 == s->n && d != rest)) continue;
        if (d > leading_period(s, k)) continue; /* period_k >= d */
        s->h[MC_LAT_AT(k, k)] = d;
        if (k + 1 == s->n && last_level_fast(s, k, d)) continue;
        memset(mark, 0, (size_t)prefix);
        if (!classify(s, k, d, prefix, mark)) continue;
        for (size_t i = 0; i < k; ++i) s->h[MC_LAT_AT(i, k)] = 0;
        for (int64_t index = 0; index < prefix && !done(s); ++index, next_coset(s, k)) {
            if (mark[index] || out_of_time(s) || breaks_symmetry(s, k, d)) continue;
            ++s->nodes;
            if (k + 1 == s->n) record(s, s->target);
            else level(s, k + 1, prefix * d);
        }
    }
    s->h[MC_LAT_AT(k, k)] = 0;
}

static void set_target(search *s, int64_t target)
{
    size_t low = 0, high = 0;
    int64_t upper[4096];
    for (int64_t d = 1; d * d <= target; ++d)
        if (target % d == 0) {
            s->divisors[low++] = d;
            if (d * d != target) upper[high++] = target / d;
        }
    while (high > 0) s->divisors[low++] = upper[--high];
    s->divisor_count = low;
    s->target = target;
}

/* Determinants from the lower bound up: the first that admits a lattice is
 * the optimum. */
static void deepen(search *s)
{
    for (int64_t target = s->lower; target <= s->bound && s->best == 0 && !out_of_time(s); ++target) {
        set_target(s, target);
        level(s, 0, 1);
    }
}

/* Lattices are plentiful just below the heuristic's size, so a budgeted
 * search of size upper - 1, upper - 2, ... finds smaller ones fast. Only a
 * better answer when the proof runs out of time; the proof still climbs
 * from the lower bound. Returns the size of the best lattice found (its
 * basis in s->list[0]), 0 if none. */
static int64_t improve(search *s, double t0, double time_limit)
{
    double stop = time_limit > 0 ? t0 + PROBE_SHARE * time_limit : 0;
    int64_t found = 0, current = s->bound + 1, step = 1, target = current - 1, failures = 0;
    int64_t basis[MC_LAT_D * MC_LAT_D];
    while (target >= s->lower && failures < PROBE_FAILURES) {
        if (s->timed_out || s->overflow || s->nomem || (stop > 0 && mc_clock_seconds() > stop)) break;
        s->best = 0, s->best_count = 0, s->listed = 0, s->probe_spent = false;
        s->node_limit = s->nodes + PROBE_NODES;
        set_target(s, target);
        level(s, 0, 1);
        /* Steps double while sizes keep being found and halve on a miss;
         * at step 1 a miss moves on to the next smaller size. */
        if (s->best) {
            found = current = target, step *= 2, failures = 0;
            memcpy(basis, s->list[0], sizeof basis);
        } else if (step > 1) {
            step /= 2;
        } else {
            ++failures, --current;
        }
        target = current - step < s->lower ? s->lower : current - step;
        if (target == current) break;
    }
    /* The descent is optional: an overflow in a size the proof may never
     * visit must not fail the call. */
    s->overflow = false;
    s->best = 0, s->best_count = 0, s->listed = 0, s->probe_spent = false, s->node_limit = 0;
    if (found) memcpy(s->list[0], basis, sizeof basis);
    return found;
}

/* Undoes the axis permutation: basis row axis[i] is searched row i. */
static void unpermute(size_t n, const size_t *axis, const int64_t *h, int64_t *basis)
{
    memset(basis, 0, MC_LAT_D * MC_LAT_D * sizeof *basis);
    for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) basis[MC_LAT_AT(axis[i], j)] = h[MC_LAT_AT(i, j)];
}

/* Copies the optimal lattices found into the result, each in Hermite form
 * of the original axes. */
static mc_status publish(const search *s, const mc_lattice_set *set, const size_t *axis,
                         mc_lattice_result *result, mc_error *err)
{
    result->optimal_count = s->best_count;
    result->listed = s->listed;
    for (size_t l = 0; l < s->listed; ++l) {
        int64_t basis[MC_LAT_D * MC_LAT_D];
        unpermute(s->n, axis, s->list[l], basis);
        mc_lattice_result check;
        mc_status st = mc_lattice_from_basis(s->n, basis, &check, err);
        if (st == MC_OK) st = mc_lattice_validate(set, &check, err);
        if (st != MC_OK) return st;
        memcpy(result->optimal_hnf[l], check.hnf, sizeof check.hnf);
    }
    return MC_OK;
}

static mc_status best_heuristic(const mc_lattice_set *set, mc_lattice_result *best, mc_error *err)
{
    mc_status (*const methods[])(const mc_lattice_set *, mc_lattice_result *, mc_error *) = {
        mc_lattice_modulo, mc_lattice_linear, mc_lattice_lll};
    bool have = false;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; ++i) {
        mc_lattice_result r;
        if (methods[i](set, &r, NULL) != MC_OK) continue;
        if (!have || r.size < best->size) *best = r, have = true;
    }
    if (!have)
        return mc_error_set(err, MC_ERR_OVERFLOW, "exact search: no heuristic gives an upper bound");
    return MC_OK;
}

/* A lattice found by improve replaces the heuristic incumbent (validated
 * like every result) and lowers the sizes the proof must exhaust. */
static mc_status adopt_improvement(const mc_lattice_set *set, search *s, const size_t *axis, int64_t found,
                                   double t0, mc_lattice_result *incumbent, mc_error *err)
{
    if (found == 0) return MC_OK;
    int64_t basis[MC_LAT_D * MC_LAT_D];
    unpermute(s->n, axis, s->list[0], basis);
    mc_status st = mc_lat_finish(set, basis, MC_LATTICE_EXACT, t0, incumbent, err);
    if (st == MC_OK) s->bound = found - 1;
    return st;
}

static mc_status run_search(search *s, mc_error *err)
{
    deepen(s);
    if (s->nomem) return mc_error_set(err, MC_ERR_NOMEM, "exact search: out of memory");
    if (s->overflow) return mc_error_set(err, MC_ERR_OVERFLOW, "exact search: coset arithmetic overflows int64");
    return MC_OK;
}

mc_status mc_lattice_exact(const mc_lattice_set *set, const mc_lattice_exact_options *options,
                           mc_lattice_result *result, mc_error *err)
{
    return mc_lat_exact_run(set, options, true, result, err);
}

mc_status mc_lat_exact_run(const mc_lattice_set *set, const mc_lattice_exact_options *options, bool fast_tail,
                           mc_lattice_result *result, mc_error *err)
{
    double t0 = mc_clock_seconds();
    mc_lattice_exact_options none = {NULL, 0, 0, false};
    if (!options) options = &none;
    mc_lattice_result heuristic;
    bool have_heuristic = options->incumbent || options->upper_bound <= 0;
    mc_status st = MC_OK;
    if (options->incumbent) {
        heuristic = *options->incumbent;
        if ((st = mc_lattice_validate(set, &heuristic, err)) != MC_OK) return st;
    } else if (have_heuristic && (st = best_heuristic(set, &heuristic, err)) != MC_OK) {
        return st;
    }
    int64_t upper = have_heuristic ? heuristic.size : options->upper_bound;
    search *s = calloc(1, sizeof *s);
    if (!s) return mc_error_set(err, MC_ERR_NOMEM, "exact search: out of memory");
    s->n = set->n;
    s->count_all = options->count_optimal;
    s->fast_tail = fast_tail;
    /* A heuristic lattice of size `upper` is in hand, so only strictly
     * smaller ones matter unless all optimal lattices are wanted. Sizes
     * beyond 2^26 are out of reach: search below, prove only what is found. */
    bool capped = upper > MAX_UPPER_BOUND;
    s->bound = capped ? MAX_UPPER_BOUND : have_heuristic && !s->count_all ? upper - 1 : upper;
    s->lower = mc_lattice_lower_bound(set);
    s->deadline = options->time_limit > 0 ? t0 + options->time_limit : 0;
    size_t axis[MC_LAT_D];
    mc_lat_choose_axes(set, axis);
    if (!s->count_all) mc_lat_symmetry(set, axis, s->leaders, &s->flip01);
    for (size_t j = 0; j < set->n; ++j)
        for (size_t l = 0; l < j; ++l) s->leads[l] |= s->leaders[j] >> l & 1;
    if (s->bound >= 1) st = mc_lat_search_setup(s, set, axis, err);
    if (st == MC_OK && s->bound >= 1 && have_heuristic && !s->count_all && !capped && s->bound > s->lower)
        st = adopt_improvement(set, s, axis, improve(s, t0, options->time_limit), t0, &heuristic, err);
    if (st == MC_OK && s->bound >= 1) st = run_search(s, err);
    bool unproven = s->timed_out || (capped && s->best == 0);
    if (st == MC_OK && s->best == 0 && !have_heuristic)
        st = s->timed_out ? mc_error_set(err, MC_ERR_TIMEOUT, "exact search: time limit before any lattice was found")
             : capped     ? mc_error_set(err, MC_ERR_UNSUPPORTED, "exact search: no lattice of size <= 2^26")
                          : mc_error_set(err, MC_ERR_INFEASIBLE, "no strictly admissible lattice of size <= %lld",
                                         (long long)upper);
    if (st == MC_OK && s->best != 0) {
        int64_t basis[MC_LAT_D * MC_LAT_D];
        unpermute(set->n, axis, s->list[0], basis);
        st = mc_lat_finish(set, basis, MC_LATTICE_EXACT, t0, result, err);
    } else if (st == MC_OK) {
        *result = heuristic;
        result->method = MC_LATTICE_EXACT;
        if (!unproven) s->best_count = 1, s->listed = 1, memcpy(s->list[0], heuristic.hnf, sizeof s->h);
        for (size_t i = 0; i < MC_LAT_D; ++i) axis[i] = i; /* heuristic.hnf is unpermuted */
    }
    if (st == MC_OK) st = publish(s, set, axis, result, err);
    if (st == MC_OK) {
        result->nodes = s->nodes;
        result->lower_bound = s->lower;
        result->proven_optimal = !unproven;
        result->seconds = mc_clock_seconds() - t0;
        if (unproven)
            st = mc_error_set(err, s->timed_out ? MC_ERR_TIMEOUT : MC_ERR_UNSUPPORTED,
                              "exact search: %s; best size %lld not proven optimal",
                              s->timed_out ? "time limit reached" : "no lattice of size <= 2^26 (the search limit)",
                              (long long)result->size);
    }
    mc_lat_search_teardown(s);
    free(s);
    return st;
}
