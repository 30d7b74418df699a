#include "check.h"

long mc_test_passed, mc_test_failed;

void mc_test_fail(const char *file, int line, const char *expression)
{
    ++mc_test_failed;
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expression);
}

int mc_test_finish(const char *suite)
{
    printf("%s: %ld passed, %ld failed\n", suite, mc_test_passed, mc_test_failed);
    return mc_test_failed == 0 && mc_test_passed > 0 ? 0 : 1;
}

uint64_t mc_test_next(mc_test_rng *rng)
{
    uint64_t z = (rng->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

int64_t mc_test_range(mc_test_rng *rng, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(mc_test_next(rng) % (uint64_t)(hi - lo + 1));
}
