/* libFuzzer harness for the barrier-file reader (mc_barriers_parse). A
 * refused input gets one located line; an accepted one satisfies the
 * invariant mc_barriers_check states and reads back the same from the
 * canonical form (one decimal position per line). */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz_check.h"
#include "memcarve/sync.h"

static void check_reread(const mc_barriers *b)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    fuzz_require(out != NULL, "allocation");
    for (size_t i = 0; i < b->count; ++i) fprintf(out, "%" PRId64 "\n", b->positions[i]);
    fclose(out);
    mc_barriers again = {0};
    mc_error err;
    fuzz_require(mc_barriers_parse(text, length, "again.syncs", &again, &err) == MC_OK, "canonical form parses");
    fuzz_require(again.count == b->count, "same count");
    for (size_t i = 0; i < b->count; ++i) fuzz_require(again.positions[i] == b->positions[i], "same positions");
    mc_barriers_free(&again);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_barriers b = {0};
    mc_error err;
    mc_error_clear(&err);
    mc_status status = mc_barriers_parse((const char *)data, size, "fuzz.syncs", &b, &err);
    if (status != MC_OK) {
        fuzz_check_refusal(status, &err, "fuzz.syncs");
        fuzz_require(b.count == 0, "empty set on failure");
        return 0;
    }
    fuzz_require(mc_barriers_check(&b, &err) == MC_OK, "accepted set keeps the invariant");
    check_reread(&b);
    mc_barriers_free(&b);
    return 0;
}
