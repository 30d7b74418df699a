/* The last level of the exact search, word-parallel over cosets.
 *
 * Most last-level visits of a 4-D proof end with every coset of the prefix
 * lattice hit by some DS point; classifying the points one by one costs a
 * coset reduction per point. Here the work that depends only on L_k, the
 * lattice of the first k = n-2 columns, is done once per visit of level k
 * and shared by all its descendants (about a hundred per L_k in a proof).
 *
 * Let G = Z^k / L_k, column n-2 = (v, dk) and column n-1 = (w, j, d), with
 * w a coset of L_k and 0 <= j < dk. A last-level point x = (p, c, t), t > 0,
 * lies in the lattice iff d | t and, with m = t / d, dk | c - m j and
 *     m w + q v = p  in G,  q = (c - m j) / dk.
 * The points sharing (t, c) form a group, and a bit table over G holds
 * their images p (the group's "plain" table B).
 *
 * - m = 1: the group forbids exactly B translated by -q v.
 * - m >= 2 and d = 1 ("split" runs): write q v = m u + rho, rho one of the
 *   g0 g1 classes of G / mG (g = gcd(m, e)). Then m w + q v in B iff
 *   w + u lies in P_rho = {z : m z + rho in B}: again a translated table,
 *   one per class, built from B (b = m u' + rho' puts u' plus the
 *   solutions of m z = 0 into P_rho'). For m a unit of G, P = B / m.
 *   The decomposition of every x in G is tabulated per L_k.
 * - m >= 2 and d > 1 (rare): the cosets left free by the translations are
 *   filtered one by one, one lookup of m w per group run.
 * So the free cosets w are the zeros of an OR of translated tables, a
 * machine word at a time, stopping as soon as every coset is forbidden.
 *
 * G is kept in Smith form Z_e0 x Z_e1 (e0 | e1; tables have e0 rows of e1
 * bits), so a translation is a row permutation and one cyclic rotation per
 * row; rows are stored twice over, so a rotation is a single shifted read.
 * Tables are built on first use: many prefix lattices have few
 * descendants, and those are often settled by the first runs. Prefix
 * lattices whose G has three or more invariant factors (possible from n = 5
 * on) or is too large are left to the point-by-point classification. */
#include <stdlib.h>
#include <string.h>

#include "lattice/search.h"

__extension__ typedef __int128 i128;

/* Tables beyond this many 64-bit words (32 MiB) or cosets are not built;
 * the point-by-point classification needs no memory per coset. */
#define TAIL_MAX_WORDS ((size_t)1 << 22)
#define TAIL_MAX_ORDER ((int64_t)1 << 20)
/* Columns of one call (dk cosets of L_{n-1} per coset of L_k): a guard
 * on the j loop, which clears and scans a table dk times. */
#define TAIL_MAX_COLUMNS ((int64_t)1 << 24)
/* Entries of the decomposition tables (24 bytes each: 48 MiB). */
#define TAIL_MAX_DECOMP ((int64_t)1 << 21)
/* Multipliers q of v a call may need (a box needs about 2 max |x_{n-2}|). */
#define TAIL_MAX_SPAN ((int64_t)1 << 16)

typedef tail_elem elem;

static int64_t mod(int64_t a, int64_t m)
{
    int64_t r = a % m;
    return r < 0 ? r + m : r;
}

/* (u x) mod e for one row u; products in 128 bits (|u| < 2^63, |x| <= 2^31,
 * at most 8 terms). */
static int64_t reduce_dot(const int64_t *u, const int64_t *x, size_t k, int64_t e)
{
    i128 acc = 0;
    for (size_t j = 0; j < k; ++j) acc += (i128)u[j] * x[j];
    int64_t r = (int64_t)(acc % e);
    return r < 0 ? r + e : r;
}

/* The element of G that x (its first k coordinates) stands for. */
static elem image(const tail *t, size_t k, const int64_t *x)
{
    return (elem){reduce_dot(t->u0, x, k, t->e0), reduce_dot(t->u1, x, k, t->e1)};
}

static elem plus(const tail *t, elem x, elem y)
{
    x.a += y.a, x.b += y.b;
    if (x.a >= t->e0) x.a -= t->e0;
    if (x.b >= t->e1) x.b -= t->e1;
    return x;
}

/* q y for any q; the factors are at most TAIL_MAX_ORDER (2^20), so no
 * product overflows. */
static elem times(const tail *t, int64_t q, elem y)
{
    return (elem){mod(q, t->e0) * y.a % t->e0, mod(q, t->e1) * y.b % t->e1};
}

static elem negative(const tail *t, elem y)
{
    return (elem){y.a ? t->e0 - y.a : 0, y.b ? t->e1 - y.b : 0};
}

static size_t group_words(const tail *t) { return (size_t)t->e0 * t->dwords; }

/* Smith form of L_k: G = Z_e0 x Z_e1 and the rows of u mapping onto it.
 * False when it overflows, G has more than two invariant factors, or G is
 * too large for the tables. */
static bool smith_of_prefix(search *s, tail *t)
{
    size_t k = s->n - 2, r = 0;
    int64_t u[MC_LAT_D * MC_LAT_D], sv[MC_LAT_D], order = 1;
    if (mc_lat_smith(k, s->h, u, sv, NULL) != MC_OK) return false;
    t->e0 = t->e1 = 1;
    memset(t->u0, 0, sizeof t->u0), memset(t->u1, 0, sizeof t->u1);
    for (size_t i = 0; i < k; ++i) {
        if (sv[i] <= 0 || __builtin_mul_overflow(order, sv[i], &order) || order > TAIL_MAX_ORDER) return false;
        if (sv[i] == 1) continue;
        if (++r > 2) return false;
        /* The factors come in divisibility order: the last is the largest. */
        t->e0 = t->e1, memcpy(t->u0, t->u1, sizeof t->u0);
        t->e1 = sv[i];
        for (size_t j = 0; j < k; ++j) t->u1[j] = u[MC_LAT_AT(i, j)];
    }
    t->order = order;
    t->words = (size_t)(t->e1 + 63) / 64;
    t->dwords = 2 * t->words + 1; /* a shifted read touches one word past 2 e1 */
    return true;
}

/* Sets an element's bit in a table, in both copies of its row. */
static void set_twice(const tail *t, uint64_t *table, elem y)
{
    uint64_t *line = table + (size_t)y.a * t->dwords;
    for (int64_t b = y.b; b < 2 * t->e1; b += t->e1) line[b >> 6] |= (uint64_t)1 << (b & 63);
}

/* 1/a mod m for gcd(a, m) = 1 (0 for m = 1). */
static int64_t inverse_mod(int64_t a, int64_t m)
{
    int64_t r0 = m, r1 = mod(a, m), s0 = 0, s1 = 1;
    while (r1 != 0) {
        int64_t q = r0 / r1, t = r0 - q * r1;
        r0 = r1, r1 = t;
        t = s0 - q * s1, s0 = s1, s1 = t;
    }
    return mod(s0, m);
}

static int64_t gcd(int64_t a, int64_t b)
{
    while (b) {
        int64_t t = a % b;
        a = b, b = t;
    }
    return a;
}

static size_t classes(const tail_split *p) { return (size_t)(p->g0 * p->g1); }

/* x = top u + rho: returns the class of rho, u through *u. */
static size_t split_elem(const tail *t, const tail_split *p, elem x, elem *u)
{
    int64_t ra = x.a % p->g0, rb = x.b % p->g1;
    u->a = (x.a - ra) / p->g0 * p->h0 % t->e0;
    u->b = (x.b - rb) / p->g1 * p->h1 % t->e1;
    return (size_t)(ra * p->g1 + rb);
}

/* The split of a run with top >= 2, its tables placed from *next on; runs
 * with more than MAX_CLASSES classes are left to candidate filtering. */
#define MAX_CLASSES 64
static void plan_split(tail *t, size_t run, bool decomposable, size_t *next)
{
    tail_split *p = &t->split[run];
    int64_t top = t->runs[run].top;
    p->base = SIZE_MAX;
    if (top < 2 || !decomposable) return;
    p->g0 = gcd(top, t->e0), p->g1 = gcd(top, t->e1);
    if (classes(p) > MAX_CLASSES) return;
    p->h0 = inverse_mod(top / p->g0, t->e0 / p->g0);
    p->h1 = inverse_mod(top / p->g1, t->e1 / p->g1);
    p->base = *next;
    *next += (t->runs[run].end - t->runs[run].first) * classes(p);
}

/* The plain tables of a run: each group's images B. Built on first use
 * for the current L_k: many prefix lattices have few descendants, and
 * these get far with the first run or two. */
static void plain_tables(tail *t, size_t run)
{
    const tail_run *r = &t->runs[run];
    size_t per_group = group_words(t);
    if (t->built[run] & 1) return;
    t->built[run] |= 1;
    memset(t->bits + r->first * per_group, 0, (r->end - r->first) * per_group * sizeof *t->bits);
    for (size_t g = r->first; g < r->end; ++g)
        for (size_t m = t->groups[g].first; m < t->groups[g].end; ++m)
            set_twice(t, t->bits + g * per_group, t->img[t->member[m]]);
}

/* The split tables of a run with top >= 2, where top w + x in B must become
 * a translation: with x = top u + rho, it says w + u in {z : top z + rho in
 * B}, one table per class rho; a point b = top u' + rho' of B puts u' +
 * (the solutions of top z = 0) into the table of rho'. (For top a unit of
 * G: one class, and the table is B / top.) The splits are computed per
 * prefix (a box has far fewer prefixes than points), with t->part and
 * t->klass as scratch; built on first use like the plain tables. */
static void split_tables(tail *t, size_t run)
{
    const tail_run *r = &t->runs[run];
    const tail_split *p = &t->split[run];
    size_t per_group = group_words(t);
    if (t->built[run] & 2) return;
    t->built[run] |= 2;
    memset(t->scaled + p->base * per_group, 0, (r->end - r->first) * classes(p) * per_group * sizeof *t->bits);
    for (size_t q = 0; q < t->prefix_count; ++q) t->klass[q] = split_elem(t, p, t->img[q], &t->part[q]);
    for (size_t g = r->first; g < r->end; ++g)
        for (size_t m = t->groups[g].first; m < t->groups[g].end; ++m) {
            size_t q = t->member[m];
            uint64_t *table = t->scaled + (p->base + (g - r->first) * classes(p) + t->klass[q]) * per_group;
            for (int64_t i = 0; i < p->g0; ++i)
                for (int64_t j = 0; j < p->g1; ++j)
                    set_twice(t, table, plus(t, t->part[q], (elem){i * (t->e0 / p->g0), j * (t->e1 / p->g1)}));
        }
}

/* The images of the prefixes and the group tables for the current L_k. */
static bool prepare(search *s)
{
    tail *t = &s->tail;
    t->have_hnf = false;
    if (!smith_of_prefix(s, t)) return false;
    if (!mc_lat_grow(&t->split, &t->split_cap, (t->run_count + 1) * sizeof *t->split) ||
        !mc_lat_grow(&t->built, &t->built_cap, (t->run_count + 1) * sizeof *t->built))
        return false;
    size_t per_group = group_words(t), tables = t->group_count, total;
    /* Without room for the decompositions every run with top >= 2 is left
     * to candidate filtering. */
    bool decomposable = (int64_t)t->run_count * t->order <= TAIL_MAX_DECOMP;
    for (size_t run = 0; run < t->run_count; ++run) plan_split(t, run, decomposable, &tables);
    for (size_t run = 0; run < t->run_count; ++run)
        if (t->split[run].base != SIZE_MAX) t->split[run].base -= t->group_count;
    if (__builtin_mul_overflow(per_group, tables, &total) || total > TAIL_MAX_WORDS) return false;
    if (!mc_lat_grow(&t->bits, &t->bits_cap, (total ? total : 1) * sizeof *t->bits) ||
        !mc_lat_grow(&t->img, &t->img_cap, (t->prefix_count + 1) * sizeof *t->img) ||
        !mc_lat_grow(&t->part, &t->part_cap, (t->prefix_count + 1) * sizeof *t->part) ||
        !mc_lat_grow(&t->klass, &t->klass_cap, (t->prefix_count + 1) * sizeof *t->klass) ||
        (decomposable &&
         !mc_lat_grow(&t->decomp, &t->decomp_cap, t->run_count * (size_t)t->order * sizeof *t->decomp)) ||
        !mc_lat_grow(&t->forbidden, &t->forbidden_cap, (size_t)t->e0 * t->words * sizeof *t->forbidden))
        return false;
    for (size_t q = 0; q < t->prefix_count; ++q) t->img[q] = image(t, s->n - 2, t->prefixes + q * s->n);
    t->scaled = t->bits + t->group_count * per_group;
    memset(t->built, 0, t->run_count * sizeof *t->built);
    return true;
}

/* Hermite coset index of every element of G (lazily: only calls that find
 * admissible columns need it). Walks the Hermite representatives in index
 * order, coordinate 0 fastest, adding the image of e_i at each step. */
static bool index_table(search *s)
{
    tail *t = &s->tail;
    if (t->have_hnf) return true;
    if (!mc_lat_grow(&t->hnf_of, &t->hnf_cap, (size_t)t->order * sizeof *t->hnf_of)) return false;
    size_t k = s->n - 2;
    elem unit[MC_LAT_D], back[MC_LAT_D], y = {0, 0};
    int64_t digit[MC_LAT_D] = {0};
    for (size_t i = 0; i < k; ++i) {
        int64_t e[MC_LAT_D] = {0};
        e[i] = 1;
        unit[i] = image(t, k, e);
        back[i] = negative(t, times(t, s->h[MC_LAT_AT(i, i)] - 1, unit[i]));
    }
    for (int64_t index = 0; index < t->order; ++index) {
        t->hnf_of[y.a * t->e1 + y.b] = index;
        size_t i = 0;
        while (i < k && ++digit[i] == s->h[MC_LAT_AT(i, i)]) y = plus(t, y, back[i]), digit[i++] = 0;
        if (i < k) y = plus(t, y, unit[i]);
    }
    return t->have_hnf = true;
}

/* dst |= the e1-bit row at src rotated: bit b of dst gets bit b - shift
 * (cyclically), read from the doubled row at offset e1 - shift. Bits past
 * e1 in the last word of dst are junk that every reader masks off. */
static inline void or_rotated(const tail *t, const uint64_t *src, int64_t shift, uint64_t *dst)
{
    size_t offset = (size_t)(t->e1 - shift), bit = offset & 63;
    src += offset >> 6;
    if (bit == 0) {
        for (size_t w = 0; w < t->words; ++w) dst[w] |= src[w];
    } else {
        for (size_t w = 0; w < t->words; ++w) dst[w] |= src[w] >> bit | src[w + 1] << (64 - bit);
    }
}

/* forbidden |= table translated by `by`. */
static inline void or_translated(tail *t, const uint64_t *table, elem by)
{
    if (t->e0 == 1) { /* cyclic G, the common case: one row */
        or_rotated(t, table, by.b, t->forbidden);
        return;
    }
    for (int64_t row = 0; row < t->e0; ++row) {
        int64_t dest = row + by.a >= t->e0 ? row + by.a - t->e0 : row + by.a;
        or_rotated(t, table + (size_t)row * t->dwords, by.b, t->forbidden + (size_t)dest * t->words);
    }
}

/* One call: column n-2 = (v, dk), the last diagonal entry d, and the
 * multiples q v (q in [qlow, qlow + span)) that translations need. */
typedef struct call {
    int64_t d, dk, qlow, span;
    elem v;
} call;

/* A run translates (its forbidden cosets are a union of translated
 * tables) when m = top / d is 1, or, for d = 1, when it was split. */
static bool translates(const tail *t, const call *c, size_t run)
{
    return t->runs[run].top == c->d || (c->d == 1 && t->split[run].base != SIZE_MAX);
}

/* The decomposition x = top u + rho of every x in G for a split run, as
 * the translation -u and the class of rho (built on first use per L_k):
 * walks u over G with top u kept by additions and records top u + rho
 * for each class representative rho. */
static void decompose(tail *t, size_t run)
{
    const tail_split *p = &t->split[run];
    tail_shift *out = t->decomp + run * (size_t)t->order;
    if (t->built[run] & 4) return;
    t->built[run] |= 4;
    int64_t top = t->runs[run].top;
    elem tu = {0, 0}, ta = {mod(top, t->e0), 0}, tb = {0, mod(top, t->e1)};
    for (int64_t a = 0; a < t->e0; ++a, tu = plus(t, tu, ta)) {
        elem x = tu;
        for (int64_t b = 0; b < t->e1; ++b, x = plus(t, x, tb))
            for (int64_t i = 0; i < p->g0; ++i)
                for (int64_t j = 0; j < p->g1; ++j) {
                    elem y = plus(t, x, (elem){i, j});
                    out[y.a * t->e1 + y.b] = (tail_shift){negative(t, (elem){a, b}), (size_t)(i * p->g1 + j)};
                }
    }
}

/* The range of q = (c - m j) / dk a call can meet, and q v for each, by
 * additions. False when the range is too wide for a table (far-flung
 * point lists). */
static bool plan_multiples(tail *t, call *c)
{
    int64_t mmax = t->runs[t->run_count - 1].top / c->d, reach;
    if (__builtin_mul_overflow(mmax, c->dk - 1, &reach)) return false;
    int64_t low = (t->cmin - reach) / c->dk - 1, high = t->cmax / c->dk + 1;
    if (high - low >= TAIL_MAX_SPAN) return false;
    c->qlow = low, c->span = high - low + 1;
    if (!mc_lat_grow(&t->qv, &t->qv_cap, (size_t)c->span * sizeof *t->qv)) return false;
    /* From q = 0 when the range holds it (the usual case): no division. */
    int64_t q0 = low > 0 ? low : high < 0 ? high : 0, i0 = q0 - low;
    elem x0 = q0 ? times(t, q0, c->v) : (elem){0, 0}, x = x0, back = negative(t, c->v);
    for (int64_t i = i0; i < c->span; ++i, x = plus(t, x, c->v)) t->qv[i] = x;
    x = x0;
    for (int64_t i = i0 - 1; i >= 0; --i) x = plus(t, x, back), t->qv[i] = x;
    return true;
}

/* forbidden |= the tables of the run's groups, translated (see the top);
 * false when no group applies to this j (dk must divide c - m j). */
static bool forbid(tail *t, const call *c, size_t run, bool split, int64_t j)
{
    bool any = false;
    const tail_run *r = &t->runs[run];
    const tail_split *p = &t->split[run];
    int64_t m = r->top / c->d;
    size_t per_group = group_words(t);
    if (split) split_tables(t, run), decompose(t, run);
    else plain_tables(t, run);
    const tail_shift *parts = t->decomp + run * (size_t)t->order;
    for (size_t g = r->first; g < r->end; ++g) {
        int64_t x = t->groups[g].c - m * j;
        if (c->dk > 1) {
            if (x % c->dk != 0) continue;
            x /= c->dk;
        }
        elem qv = t->qv[x - c->qlow];
        any = true;
        if (!split) {
            or_translated(t, t->bits + g * per_group, negative(t, qv));
        } else {
            const tail_shift *part = &parts[qv.a * t->e1 + qv.b];
            or_translated(t, t->scaled + (p->base + (g - r->first) * classes(p) + part->klass) * per_group, part->by);
        }
    }
    return any;
}

static void clear_forbidden(tail *t) { memset(t->forbidden, 0, (size_t)t->e0 * t->words * sizeof *t->forbidden); }

/* Every coset forbidden already? Then the remaining runs cannot matter. */
static bool full(const tail *t)
{
    size_t tail_bits = (size_t)(t->e1 % 64);
    uint64_t last = tail_bits ? ((uint64_t)1 << tail_bits) - 1 : ~(uint64_t)0;
    for (int64_t row = 0; row < t->e0; ++row) {
        const uint64_t *line = t->forbidden + (size_t)row * t->words;
        uint64_t all = line[t->words - 1] | ~last;
        for (size_t w = 0; w + 1 < t->words; ++w) all &= line[w];
        if (all != ~(uint64_t)0) return false;
    }
    return true;
}

/* Candidates: the cosets w left free in `forbidden`, each stored with m w
 * (for m = 1, w itself). */
static bool collect_free(tail *t, size_t *count)
{
    size_t tail_bits = (size_t)(t->e1 % 64), found = 0;
    for (int64_t row = 0; row < t->e0; ++row) {
        /* Room for a whole row: memory follows the free cosets, not |G|. */
        if (!mc_lat_grow(&t->cand, &t->cand_cap, 2 * (found + (size_t)t->e1) * sizeof *t->cand)) return false;
        elem *cand = t->cand;
        const uint64_t *line = t->forbidden + (size_t)row * t->words;
        for (size_t w = 0; w < t->words; ++w) {
            uint64_t free = ~line[w];
            if (w + 1 == t->words && tail_bits) free &= ((uint64_t)1 << tail_bits) - 1;
            for (; free; free &= free - 1, ++found) {
                elem y = {row, (int64_t)(64 * w) + __builtin_ctzll(free)};
                cand[2 * found] = cand[2 * found + 1] = y;
            }
        }
    }
    *count = found;
    return true;
}

/* Keeps the candidates w with m w outside `forbidden`; m w advances by one
 * addition when m grows by one, as it does along the groups of a box. */
static size_t keep_outside(tail *t, size_t count, int64_t m, int64_t previous)
{
    size_t kept = 0;
    elem *cand = t->cand;
    for (size_t i = 0; i < count; ++i) {
        elem w = cand[2 * i], mw = m == previous + 1 ? plus(t, cand[2 * i + 1], w) : times(t, m, w);
        if (t->forbidden[(size_t)mw.a * t->words + (size_t)(mw.b >> 6)] >> (mw.b & 63) & 1) continue;
        cand[2 * kept] = w, cand[2 * kept + 1] = mw;
        ++kept;
    }
    return kept;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Appends the admissible columns (w, j, d) for one j, in index order: the
 * translating runs leave the free cosets, word-parallel; each other run
 * with d | top then removes the candidates w with m w in its union table,
 * until none is left. */
static bool columns_for(search *s, const call *c, int64_t j, size_t *count)
{
    tail *t = &s->tail;
    size_t left;
    clear_forbidden(t);
    for (size_t run = 0; run < t->run_count; ++run)
        if (translates(t, c, run) && forbid(t, c, run, t->runs[run].top != c->d, j) && full(t)) break;
    if (!collect_free(t, &left)) return false;
    int64_t previous = 1;
    for (size_t run = 0; run < t->run_count && left > 0; ++run) {
        int64_t top = t->runs[run].top, m = top / c->d;
        if (top % c->d != 0 || m == 1 || translates(t, c, run)) continue;
        clear_forbidden(t);
        if (forbid(t, c, run, false, j)) left = keep_outside(t, left, m, previous), previous = m;
    }
    if (left > 0 && (!index_table(s) || !mc_lat_grow(&t->found, &t->found_cap, (*count + left) * sizeof *t->found)))
        return false;
    size_t start = *count;
    for (size_t i = 0; i < left; ++i) {
        elem w = t->cand[2 * i];
        t->found[(*count)++] = t->hnf_of[w.a * t->e1 + w.b] + t->order * j;
    }
    if (left > 1) qsort(t->found + start, left, sizeof *t->found, by_value);
    return true;
}

bool mc_lat_tail_columns(search *s, int64_t d, const int64_t **found, size_t *count)
{
    tail *t = &s->tail;
    size_t n = s->n;
    if (n < 3) return false;
    if (t->stamp != s->level_visit[n - 2]) t->stamp = s->level_visit[n - 2], t->usable = prepare(s);
    if (!t->usable) return false;
    call c = {.d = d, .dk = s->h[MC_LAT_AT(n - 2, n - 2)]};
    int64_t columns;
    if (__builtin_mul_overflow(c.dk, t->order, &columns) || columns > TAIL_MAX_COLUMNS) return false;
    *count = 0;
    if (t->group_count == 0) { /* no last-level point: every column */
        if (!mc_lat_grow(&t->found, &t->found_cap, (size_t)columns * sizeof *t->found)) return false;
        for (int64_t i = 0; i < columns; ++i) t->found[i] = i;
        *count = (size_t)columns, *found = t->found;
        return true;
    }
    int64_t v[MC_LAT_D];
    for (size_t i = 0; i + 2 < n; ++i) v[i] = s->h[MC_LAT_AT(i, n - 2)];
    c.v = image(t, n - 2, v);
    if (!plan_multiples(t, &c)) return false;
    for (int64_t j = 0; j < c.dk; ++j)
        if (!columns_for(s, &c, j, count)) return false;
    *found = t->found; /* grown as columns were appended */
    return true;
}
