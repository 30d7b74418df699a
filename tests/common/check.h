/* A minimal test harness: CHECK records a failure with file:line and keeps
 * going; mc_test_finish prints "N passed, N failed" and gives the exit code. */
#ifndef MC_TEST_CHECK_H
#define MC_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>

extern long mc_test_passed, mc_test_failed;

void mc_test_fail(const char *file, int line, const char *expression);
int mc_test_finish(const char *suite);

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) ++mc_test_passed;                                                  \
        else mc_test_fail(__FILE__, __LINE__, #cond);                                \
    } while (0)

#define CHECK_EQ_I64(a, b)                                                           \
    do {                                                                             \
        long long mc_a_ = (long long)(a), mc_b_ = (long long)(b);                    \
        if (mc_a_ == mc_b_) ++mc_test_passed;                                        \
        else {                                                                       \
            fprintf(stderr, "  %lld != %lld\n", mc_a_, mc_b_);                       \
            mc_test_fail(__FILE__, __LINE__, #a " == " #b);                          \
        }                                                                            \
    } while (0)

/* A small deterministic PRNG (splitmix64) so property tests replay exactly. */
typedef struct mc_test_rng { uint64_t state; } mc_test_rng;
uint64_t mc_test_next(mc_test_rng *rng);
/* Uniform in [lo, hi]. */
int64_t mc_test_range(mc_test_rng *rng, int64_t lo, int64_t hi);

#endif
