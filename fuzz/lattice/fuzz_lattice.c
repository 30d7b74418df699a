/* Differential fuzzing of the lattice module. The input is a lattice file
 * ("points N" or "polytope N", docs/lattice.md). A refused input gets one
 * located line. On an accepted set every heuristic's lattice must pass
 * mc_lattice_validate and be no smaller than the proven lower bound; on
 * small sets the exact search must prove the same optimum as the tests'
 * plain enumeration (tests/lattice/reference.c), written independently.
 * Any disagreement aborts, leaving the input as reproducer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz_check.h"
#include "memcarve/lattice.h"
#include "reference.h"

/* Heuristics are linear in |DS| (linearization: 2^n n! |DS| n); beyond this
 * an input would only slow the fuzzer down. */
enum { HEURISTIC_MAX_POINTS = 4000, ORACLE_MAX_POINTS = 64 };
/* The oracle tests every HNF lattice up to this determinant (about d^(n-1)
 * of them per determinant): microseconds at n <= 3. */
#define ORACLE_MAX_DET 24

static int64_t checked_method(const mc_lattice_set *set,
                              mc_status (*method)(const mc_lattice_set *, mc_lattice_result *, mc_error *),
                              int64_t lower)
{
    mc_lattice_result r;
    mc_error err;
    mc_status status = method(set, &r, &err);
    if (status == MC_ERR_UNSUPPORTED || status == MC_ERR_OVERFLOW) return 0;
    if (status != MC_OK) fprintf(stderr, "%s\n", err.message);
    fuzz_require(status == MC_OK, "a heuristic answers every parsed set");
    fuzz_require(mc_lattice_validate(set, &r, &err) == MC_OK, "heuristic lattice is valid");
    fuzz_require(r.size >= lower, "heuristic size >= lower bound");
    return r.size;
}

static void check_against_oracle(const mc_lattice_set *set, int64_t lower, int64_t best)
{
    size_t n = mc_lattice_set_dim(set), half = (mc_lattice_set_size(set) - 1) / 2;
    if (n > 3 || half > ORACLE_MAX_POINTS || best > ORACLE_MAX_DET) return;
    int64_t points[ORACLE_MAX_POINTS * 3];
    for (size_t i = 0; i < half; ++i) mc_lattice_set_half_point(set, i, points + i * n);
    ref_result ref = ref_optimum(n, half, points, best);
    fuzz_require(ref.optimum > 0, "the oracle finds the heuristics' size or better");

    mc_lattice_exact_options options = {.time_limit = 5.0, .count_optimal = true};
    mc_lattice_result r;
    mc_error err;
    mc_status status = mc_lattice_exact(set, &options, &r, &err);
    if (status == MC_ERR_TIMEOUT) return;
    if (status != MC_OK) fprintf(stderr, "%s\n", err.message);
    fuzz_require(status == MC_OK && r.proven_optimal, "exact search proves an optimum");
    fuzz_require(r.size == ref.optimum, "exact optimum equals plain enumeration");
    fuzz_require(r.optimal_count == ref.count, "same number of optimal lattices");
    fuzz_require(lower <= r.size, "lower bound <= optimum");
    fuzz_require(mc_lattice_validate(set, &r, &err) == MC_OK, "exact lattice is valid");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_lattice_set *set = NULL;
    mc_error err;
    mc_error_clear(&err);
    mc_status status = mc_lattice_set_parse((const char *)data, size, "fuzz.txt", &set, &err);
    if (status != MC_OK) {
        fuzz_check_refusal(status, &err, "fuzz.txt");
        fuzz_require(set == NULL, "no set on failure");
        return 0;
    }
    if (mc_lattice_set_size(set) <= HEURISTIC_MAX_POINTS) {
        int64_t lower = mc_lattice_lower_bound(set);
        fuzz_require(lower >= 1, "lower bound >= 1");
        int64_t best = INT64_MAX;
        mc_status (*methods[])(const mc_lattice_set *, mc_lattice_result *, mc_error *) = {
            mc_lattice_modulo, mc_lattice_linear, mc_lattice_lll};
        for (size_t k = 0; k < sizeof methods / sizeof methods[0]; ++k) {
            int64_t got = checked_method(set, methods[k], lower);
            if (got > 0 && got < best) best = got;
        }
        if (best != INT64_MAX) check_against_oracle(set, lower, best);
    }
    mc_lattice_set_free(set);
    return 0;
}
