/* libFuzzer harness for the allocation-trace reader (mc_trace_parse) and
 * what the command line does with a trace. A refused input gets one located
 * line. An accepted one survives the writer (written and read back, the same
 * events); turned into planning rows and placed, the layout passes
 * mc_trace_rows_check at the reported height, which is at least LOAD. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz_check.h"
#include "memcarve/cache.h"

static void check_rewrite(const mc_trace_event *e, size_t n)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    fuzz_require(out != NULL, "allocation");
    fuzz_require(mc_trace_write(e, n, out, NULL) == MC_OK, "write succeeds");
    fclose(out);
    mc_trace_event *again = NULL;
    size_t m = 0;
    mc_error err;
    mc_status status = mc_trace_parse(text, length, "again.csv", &again, &m, &err);
    if (status != MC_OK) fprintf(stderr, "%s\n", err.message);
    fuzz_require(status == MC_OK, "the writer's output parses");
    fuzz_require(m == n, "same event count");
    for (size_t i = 0; i < n; ++i) {
        fuzz_require(again[i].id == e[i].id && again[i].is_free == e[i].is_free, "same id and op");
        fuzz_require(again[i].device == e[i].device, "same device");
        fuzz_require(again[i].size == e[i].size && again[i].alignment == e[i].alignment, "same size and alignment");
    }
    free(again);
    free(text);
}

/* Placement is O(n^2 log n): keep the harness fast. */
enum { PLACE_MAX_ROWS = 400 };

static void check_placement(const mc_trace_event *e, size_t n)
{
    mc_trace_row *rows = NULL;
    size_t count = 0;
    mc_error err;
    mc_status status = mc_trace_to_rows(e, n, -1, &rows, &count, &err);
    if (status != MC_OK) {
        fuzz_require(err.status == status && err.message[0] != 0, "a refusal says why");
        fuzz_require(strchr(err.message, '\n') == NULL, "message is one line");
        return;
    }
    if (count > 0 && count <= PLACE_MAX_ROWS) {
        int64_t *offsets = calloc(count, sizeof *offsets), height = -1, checked = -1;
        fuzz_require(offsets != NULL, "allocation");
        status = mc_trace_rows_place(rows, count, offsets, &height, &err);
        if (status == MC_OK) {
            fuzz_require(mc_trace_rows_check(rows, count, offsets, &checked, &err) == MC_OK, "placement is valid");
            fuzz_require(checked == height, "reported height is the layout's");
            fuzz_require(height >= mc_trace_rows_load(rows, count), "height >= LOAD");
        } else {
            fuzz_require(status == MC_ERR_OVERFLOW || status == MC_ERR_NOMEM, "placement fails only on overflow");
        }
        free(offsets);
    }
    free(rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mc_trace_event *events = NULL;
    size_t n = 0;
    mc_error err;
    mc_error_clear(&err);
    mc_status status = mc_trace_parse((const char *)data, size, "fuzz.csv", &events, &n, &err);
    if (status != MC_OK) {
        fuzz_check_refusal(status, &err, "fuzz.csv");
        return 0;
    }
    check_rewrite(events, n);
    check_placement(events, n);
    free(events);
    return 0;
}
