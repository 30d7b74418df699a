#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mc_status parse_string(const char *text, mc_csv **out, mc_error *err)
{
    mc_error_clear(err);
    return mc_csv_parse(text, strlen(text), "t.csv", out, err);
}

bool contains(const char *message, const char *part)
{
    if (!part || strstr(message, part)) return true;
    fprintf(stderr, "  message '%s'\n  lacks   '%s'\n", message, part);
    return false;
}

char *write_string(const mc_csv *csv, const long long *offsets)
{
    size_t count = mc_problem_count(mc_csv_problem(csv));
    int64_t *values = malloc((count + 1) * sizeof(int64_t));
    for (size_t i = 0; i < count; ++i) values[i] = offsets[i];
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    mc_error err;
    mc_status status = mc_csv_write(csv, values, out, &err);
    fclose(out);
    free(values);
    if (status != MC_OK) {
        free(text);
        return NULL;
    }
    return text;
}
