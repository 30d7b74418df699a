/* Input handling and deliberate misuse: every bad input is refused with the
 * right status and a message naming where and what was expected; limits
 * (dimension, magnitudes, search bound, time) are errors, never wrong answers. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "memcarve/lattice.h"
#include "reference.h"

static mc_status parse(const char *text, mc_error *err)
{
    mc_lattice_set *set = NULL;
    mc_error_clear(err);
    mc_status st = mc_lattice_set_parse(text, strlen(text), "in.txt", &set, err);
    CHECK((st == MC_OK) == (set != NULL));
    mc_lattice_set_free(set);
    return st;
}

/* The status and a fragment the message must contain. */
static void refused(const char *text, mc_status status, const char *fragment)
{
    mc_error err;
    mc_status st = parse(text, &err);
    CHECK_EQ_I64(st, status);
    bool found = strstr(err.message, fragment) != NULL;
    CHECK(found);
    if (!found) fprintf(stderr, "  message '%s' lacks '%s'\n", err.message, fragment);
}

static void formats(void)
{
    mc_error err;
    CHECK(parse("# comment\npoints 2\n0 1 # trailing\n\n1,-7\n", &err) == MC_OK);
    CHECK(parse("polytope 1\n1 <= 3\n-1 <= 3\n", &err) == MC_OK);
    CHECK(parse("polytope 1\n1 <= 3\n1 >= -3\n", &err) == MC_OK);
    refused("", MC_ERR_PARSE, "empty input");
    refused("# only a comment\n", MC_ERR_PARSE, "header");
    refused("pts 2\n", MC_ERR_PARSE, "in.txt:1");
    refused("points\n", MC_ERR_PARSE, "header");
    refused("points 0\n", MC_ERR_UNSUPPORTED, "dimension 0");
    refused("points 9\n", MC_ERR_UNSUPPORTED, "expected 1 to 8");
    refused("points x\n", MC_ERR_PARSE, "field 2");
    refused("points 2\n0 1\n1 2 3\n", MC_ERR_PARSE, "in.txt:3: 3 fields, expected 2");
    refused("points 2\n0 1\n1 z\n", MC_ERR_PARSE, "in.txt:3: field 2: expected an integer, got 'z'");
    refused("points 2\n0 99999999999999999999\n", MC_ERR_PARSE, "field 2");
    refused("points 2\n0 4294967296\n", MC_ERR_OVERFLOW, "in.txt:2: field 2");
    refused("polytope 2\n1 0 < 3\n", MC_ERR_PARSE, "in.txt:2: field 3: expected <= or >=");
    refused("polytope 2\n1 0 <=\n", MC_ERR_PARSE, "in.txt:2: 3 fields, expected 4");
    refused("polytope 2\n1 0 <= 3\n-1 0 <= 3\n0 1 <= 2\n", MC_ERR_INVALID, "unbounded along coordinate 2");
    refused("polytope 2\n1 0 <= 3\n-1 0 <= 3\n", MC_ERR_INVALID, "unbounded");
    refused("polytope 1\n1 <= -1\n", MC_ERR_INVALID, "inequality 1: right side -1 < 0");
    refused("polytope 1\n", MC_ERR_INVALID, "unbounded");
}

static void binary(void)
{
    mc_lattice_set *set = NULL;
    mc_error err;
    const char text[] = "points 1\n1\0\n";
    CHECK(mc_lattice_set_parse(text, sizeof text - 1, "bin", &set, &err) == MC_ERR_PARSE);
    CHECK(set == NULL);
    CHECK(strstr(err.message, "NUL") != NULL);
    CHECK(mc_lattice_set_load("/nonexistent/lattice.txt", &set, &err) == MC_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/lattice.txt") != NULL);
}

static void limits(void)
{
    mc_lattice_set *set = NULL;
    mc_error err;
    int64_t big[] = {(int64_t)1 << 40};
    CHECK(mc_lattice_set_from_points(1, 1, big, &set, &err) == MC_ERR_OVERFLOW);
    CHECK(mc_lattice_set_from_points(9, 0, NULL, &set, &err) == MC_ERR_UNSUPPORTED);
    /* Polytope with too many points for the cap. */
    int64_t a[] = {1, -1}, b[] = {1000, 1000};
    CHECK(mc_lattice_set_from_polytope(1, 2, a, b, 100, &set, &err) == MC_ERR_UNSUPPORTED);
    /* Eight axes of extent 2^31: strides overflow, successive modulo does not
     * fit either (2^32^8), so both are overflow errors, not wrong sizes. */
    int64_t wide[8 * 8] = {0};
    for (int i = 0; i < 8; ++i) wide[i * 8 + i] = MC_LATTICE_COORD_MAX;
    CHECK(mc_lattice_set_from_points(8, 8, wide, &set, &err) == MC_OK);
    mc_lattice_result r;
    CHECK(mc_lattice_modulo(set, &r, &err) == MC_ERR_OVERFLOW);
    CHECK(mc_lattice_linear(set, &r, &err) != MC_OK);
    /* ... yet the optimum is 3 (2^31 is even, 2^31 = 2 mod 3): the exact
     * search, given only an upper bound beyond its 2^26 reach, finds it. */
    mc_lattice_exact_options opt = {NULL, (int64_t)1 << 40, 10.0, false};
    CHECK(mc_lattice_exact(set, &opt, &r, &err) == MC_OK);
    CHECK_EQ_I64(r.size, 3);
    mc_lattice_set_free(set);
    /* Heuristics far above 2^26, optimum tiny: still found and proven. */
    int64_t spread[] = {1, 0, 0, 0, 100000, 0, 0, 0, 100000};
    CHECK(mc_lattice_set_from_points(3, 3, spread, &set, &err) == MC_OK);
    CHECK(mc_lattice_linear(set, &r, NULL) == MC_OK && r.size > ((int64_t)1 << 26));
    opt = (mc_lattice_exact_options){NULL, 0, 10.0, false};
    CHECK(mc_lattice_exact(set, &opt, &r, &err) == MC_OK);
    CHECK(r.proven_optimal);
    CHECK_EQ_I64(r.size, ref_optimum(3, 3, spread, 8).optimum); /* 3: 100000 is even */
    CHECK_EQ_I64(r.size, 3);
    mc_lattice_set_free(set);
    /* A 4-D box needing a long proof: a tiny time limit stops it cleanly,
     * keeping the heuristic answer, flagged unproven. */
    int64_t pa[] = {1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0, 0, 0, -1,
                    1, 1, 1, 1, -1, -1, -1, -1};
    int64_t pb[] = {3, 3, 3, 3, 3, 3, 3, 3, 7, 7};
    CHECK(mc_lattice_set_from_polytope(4, 10, pa, pb, 0, &set, &err) == MC_OK);
    opt = (mc_lattice_exact_options){NULL, 0, 1e-6, false};
    mc_status st = mc_lattice_exact(set, &opt, &r, &err);
    CHECK(st == MC_ERR_TIMEOUT || st == MC_OK);
    if (st == MC_ERR_TIMEOUT) CHECK(!r.proven_optimal && mc_lattice_validate(set, &r, NULL) == MC_OK);
    /* A wrong lattice is refused by validation. */
    int64_t ident[MC_LATTICE_MAX_DIM * MC_LATTICE_MAX_DIM] = {0};
    for (int i = 0; i < 4; ++i) ident[i * MC_LATTICE_MAX_DIM + i] = 1;
    CHECK(mc_lattice_from_basis(4, ident, &r, NULL) == MC_OK);
    CHECK(mc_lattice_validate(set, &r, &err) == MC_ERR_INFEASIBLE);
    CHECK(strstr(err.message, "is in the kernel") != NULL);
    /* Tampering with sigma is caught even if the Hermite basis is right. */
    CHECK(mc_lattice_modulo(set, &r, NULL) == MC_OK);
    r.u[0] += 1;
    CHECK(mc_lattice_validate(set, &r, NULL) != MC_OK);
    CHECK(mc_lattice_modulo(set, &r, NULL) == MC_OK);
    r.size += 1;
    CHECK(mc_lattice_validate(set, &r, NULL) == MC_ERR_INVALID);
    /* Singular bases have no lattice of full rank. */
    int64_t singular[MC_LATTICE_MAX_DIM * MC_LATTICE_MAX_DIM] = {0};
    singular[0] = 2, singular[1] = 4, singular[MC_LATTICE_MAX_DIM] = 1, singular[MC_LATTICE_MAX_DIM + 1] = 2;
    CHECK(mc_lattice_from_basis(2, singular, &r, &err) == MC_ERR_INVALID);
    CHECK(mc_lattice_emit_c(&r, "3bad", stdout, &err) == MC_ERR_INVALID);
    mc_lattice_set_free(set);
}

int main(void)
{
    formats();
    binary();
    limits();
    return mc_test_finish("lattice_input");
}
