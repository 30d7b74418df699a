/* memcarve gen: writes a generated planning problem as MiniMalloc CSV
 * (id,lower,upper,size). With --output the file appears complete under its
 * name or not at all (temporary beside it, then rename). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "memcarve/generate.h"
#include "options.h"


typedef struct gen_args {
    const char *kind, *output;
    int64_t buffers, seed, capacity;
} gen_args;

static const char gen_usage[] =
    "usage: memcarve gen --kind=transformer|cnn|tiling|random --buffers=N [--seed=S] [--capacity=H]\n"
    "                    [--output=FILE]\n\n"
    "Writes a synthetic planning problem (MiniMalloc CSV: id,lower,upper,size) to FILE or stdout.\n"
    "transformer, cnn: forward + backward pass of a model (saved activations live until their\n"
    "backward op); tiling: a perfect tiling whose optimum height is H (default 1048576), printed\n"
    "on stderr; random: short lifetimes, about 32 buffers alive at once. Same seed, same file.\n"
    "Exit status: 0 written, 1 could not write, 2 usage error.";

static int usage_error(const char *message)
{
    fprintf(stderr, "memcarve gen: %s (see --help)\n", message);
    return MC_EXIT_USAGE;
}

static int parse_gen_args(int argc, char **argv, gen_args *a, mc_gen_options *g)
{
    mc_opt opts[] = {
        {"kind", MC_OPT_STRING, &a->kind, "transformer, cnn, tiling or random (required)", false},
        {"buffers", MC_OPT_INT, &a->buffers, "number of buffers, 1 to 100000000 (required)", false},
        {"seed", MC_OPT_INT, &a->seed, "random seed (default 1)", false},
        {"capacity", MC_OPT_INT, &a->capacity, "tiling: the optimum height (default 1048576)", false},
        {"output", MC_OPT_STRING, &a->output, "file to write ('-' or absent: stdout)", false},
    };
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], NULL, 0, NULL, gen_usage);
    if (rc != MC_EXIT_OK) return rc;
    mc_error err;
    if (!a->kind) return usage_error("--kind is required");
    if (mc_gen_kind_parse(a->kind, &g->kind, &err) != MC_OK) {
        fprintf(stderr, "memcarve gen: --%s\n", err.message);
        return MC_EXIT_USAGE;
    }
    if (!opts[1].seen) return usage_error("--buffers=N is required");
    if (a->buffers < 1 || a->buffers > 100000000)
        return usage_error("--buffers: expected an integer from 1 to 100000000");
    if (opts[3].seen && a->capacity < 1) return usage_error("--capacity: expected a positive integer");
    g->buffers = (size_t)a->buffers;
    g->seed = (uint64_t)a->seed;
    g->capacity = a->capacity;
    return MC_EXIT_OK;
}

static int write_rows(const mc_problem *p, FILE *out)
{
    fputs("id,lower,upper,size\n", out);
    for (size_t i = 0; i < mc_problem_count(p); ++i) {
        const mc_buffer *b = mc_problem_buffer(p, i);
        fprintf(out, "%s,%" PRId64 ",%" PRId64 ",%" PRId64 "\n", b->id, b->lower, b->upper, b->size);
    }
    return ferror(out) ? -1 : 0;
}

/* Temporary beside the target so that rename stays on one file system. */
static int write_file(const mc_problem *p, const char *path)
{
    size_t length = strlen(path) + 16;
    char *temp = malloc(length);
    if (!temp) return MC_EXIT_FAIL;
    snprintf(temp, length, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(temp);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    int ok = out && write_rows(p, out) == 0;
    if (out) ok = fclose(out) == 0 && ok;
    else if (fd >= 0) close(fd);
    if (ok) ok = rename(temp, path) == 0;
    if (!ok) {
        fprintf(stderr, "memcarve gen: %s: cannot write: %s\n", path, strerror(errno));
        if (fd >= 0) unlink(temp);
    }
    free(temp);
    return ok ? MC_EXIT_OK : MC_EXIT_FAIL;
}

int mc_cmd_gen(int argc, char **argv)
{
    gen_args a = {NULL, NULL, 0, 1, 0};
    mc_gen_options g = {MC_GEN_RANDOM, 0, 1, 0};
    int rc = parse_gen_args(argc, argv, &a, &g);
    if (rc != MC_EXIT_OK) return rc == MC_EXIT_HELP ? MC_EXIT_OK : rc;
    mc_problem *p;
    int64_t optimum;
    mc_error err;
    mc_status st = mc_generate(&g, &p, &optimum, &err);
    if (st != MC_OK) {
        fprintf(stderr, "memcarve gen: %s\n", err.message);
        return st == MC_ERR_INVALID ? MC_EXIT_USAGE : MC_EXIT_FAIL;
    }
    if (optimum >= 0) fprintf(stderr, "memcarve gen: optimum height %" PRId64 "\n", optimum);
    if (a.output && strcmp(a.output, "-") != 0) rc = write_file(p, a.output);
    else rc = write_rows(p, stdout) == 0 && fflush(stdout) == 0 ? MC_EXIT_OK : MC_EXIT_FAIL;
    mc_problem_destroy(p);
    return rc;
}
