/* libFuzzer harness for the problem-file reader. Beyond "no crash, no
 * leak, no undefined behaviour" it checks two properties on every input:
 * a rejected input gets one located line of message, and an accepted one
 * survives the writer: written with offsets 0 and read back, it gives the
 * same buffers with fixed offset 0. Any violation aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../fuzz_check.h"
#include "memcarve/csv.h"

static int same_gaps(const mc_buffer *a, const mc_buffer *b)
{
    if (a->gap_count != b->gap_count) return 0;
    for (size_t k = 0; k < a->gap_count; ++k) {
        const mc_gap *x = &a->gaps[k], *y = &b->gaps[k];
        if (x->lower != y->lower || x->upper != y->upper || x->has_window != y->has_window) return 0;
        if (x->has_window && (x->window_lower != y->window_lower || x->window_upper != y->window_upper)) return 0;
    }
    return 1;
}

static void check_rewrite(const mc_csv *csv)
{
    const mc_problem *problem = mc_csv_problem(csv);
    size_t n = mc_problem_count(problem);
    int64_t *zeros = calloc(n + 1, sizeof(int64_t));
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    fuzz_require(out && zeros, "allocation");
    fuzz_require(mc_csv_write(csv, zeros, out, NULL) == MC_OK, "write succeeds");
    fclose(out);
    mc_csv *again = NULL;
    mc_error err;
    mc_status status = mc_csv_parse(text, length, "rewritten.csv", &again, &err);
    if (status != MC_OK) fprintf(stderr, "%s\n", err.message);
    fuzz_require(status == MC_OK, "the writer's output parses");
    const mc_problem *reread = mc_csv_problem(again);
    fuzz_require(mc_problem_count(reread) == n, "same buffer count");
    for (size_t i = 0; i < n; ++i) {
        const mc_buffer *a = mc_problem_buffer(problem, i), *b = mc_problem_buffer(reread, i);
        fuzz_require(strcmp(a->id, b->id) == 0, "same id");
        fuzz_require(a->lower == b->lower && a->upper == b->upper && a->size == b->size, "same lifetime and size");
        fuzz_require(a->alignment == b->alignment && a->hint == b->hint, "same alignment and hint");
        fuzz_require(b->fixed_offset == 0, "offset written");
        fuzz_require(same_gaps(a, b), "same gaps");
        fuzz_require(mc_csv_line(again, i) == i + 2, "rewritten rows are consecutive");
    }
    mc_csv_destroy(again);
    free(text);
    free(zeros);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_csv *csv = NULL;
    mc_error err;
    mc_error_clear(&err);
    mc_status status = mc_csv_parse((const char *)data, size, "fuzz.csv", &csv, &err);
    if (status != MC_OK) {
        fuzz_require(csv == NULL, "no result on failure");
        fuzz_check_refusal(status, &err, "fuzz.csv:");
        return 0;
    }
    check_rewrite(csv);
    mc_status capacity = mc_csv_check_capacity(csv, INT64_C(1) << 20, &err);
    fuzz_require(capacity == MC_OK || strncmp(err.message, "fuzz.csv:", 9) == 0, "capacity message names the file");
    mc_csv_destroy(csv);
    return 0;
}
