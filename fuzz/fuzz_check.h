/* What every libFuzzer harness of memcarve checks. A harness aborts on a
 * violated property, so libFuzzer keeps the input as a reproducer. */
#ifndef MC_FUZZ_CHECK_H
#define MC_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memcarve/error.h"

static inline void fuzz_require(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz: property violated: %s\n", what);
        abort();
    }
}

/* A reader's refusal: the status is recorded in err, and the message is one
 * line that starts with the input's name (so a user knows which file). */
static inline void fuzz_check_refusal(mc_status status, const mc_error *err, const char *name)
{
    fuzz_require(err->status == status, "err matches the status");
    fuzz_require(status == MC_ERR_NOMEM || strncmp(err->message, name, strlen(name)) == 0,
                 "message names the input");
    fuzz_require(strchr(err->message, '\n') == NULL, "message is one line");
}

#endif
