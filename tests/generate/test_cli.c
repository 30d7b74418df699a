/* `memcarve gen` in-process: exit statuses, the file it writes (read back
 * with the CSV reader and compared with mc_generate), atomic output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "memcarve/csv.h"
#include "memcarve/generate.h"

int mc_cmd_gen(int argc, char **argv);

static int run(const char *a1, const char *a2, const char *a3, const char *a4)
{
    char *argv[6] = {"gen", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL};
    int argc = 1;
    while (argc < 5 && argv[argc]) ++argc;
    fflush(stdout);
    return mc_cmd_gen(argc, argv);
}

static void test_writes_file(const char *dir)
{
    char path[1024], opt[1100];
    snprintf(path, sizeof path, "%s/gen_cnn.csv", dir);
    snprintf(opt, sizeof opt, "--output=%s", path);
    unlink(path);
    CHECK_EQ_I64(run("--kind=cnn", "--buffers=250", "--seed=7", opt), 0);
    mc_csv *csv = NULL;
    mc_error err;
    CHECK(mc_csv_read_file(path, &csv, &err) == MC_OK);
    mc_gen_options o = {MC_GEN_CNN, 250, 7, 0};
    mc_problem *p;
    CHECK(mc_generate(&o, &p, NULL, NULL) == MC_OK);
    if (csv) {
        const mc_problem *q = mc_csv_problem(csv);
        CHECK_EQ_I64(mc_problem_count(q), 250);
        bool same = true;
        for (size_t i = 0; i < 250 && mc_problem_count(q) == 250; ++i) {
            const mc_buffer *x = mc_problem_buffer(p, i), *y = mc_problem_buffer(q, i);
            same = same && !strcmp(x->id, y->id) && x->lower == y->lower && x->upper == y->upper &&
                   x->size == y->size;
        }
        CHECK(same);
        mc_csv_destroy(csv);
    }
    mc_problem_destroy(p);
    /* '_' spelling and a tiling capacity */
    CHECK_EQ_I64(run("--kind", "tiling", "--buffers=30", opt), 0);
    CHECK(mc_csv_read_file(path, &csv, NULL) == MC_OK);
    if (csv) {
        CHECK_EQ_I64(mc_problem_load(mc_csv_problem(csv)), 1048576);
        mc_csv_destroy(csv);
    }
    unlink(path);
}

static void test_usage_errors(const char *dir)
{
    CHECK_EQ_I64(run("--help", NULL, NULL, NULL), 0);
    CHECK_EQ_I64(run("--kind=lstm", "--buffers=5", NULL, NULL), 2);
    CHECK_EQ_I64(run("--kind=cnn", NULL, NULL, NULL), 2);
    CHECK_EQ_I64(run("--buffers=5", NULL, NULL, NULL), 2);
    CHECK_EQ_I64(run("--kind=cnn", "--buffers=0", NULL, NULL), 2);
    CHECK_EQ_I64(run("--kind=cnn", "--buffers=-3", NULL, NULL), 2);
    CHECK_EQ_I64(run("--kind=cnn", "--buffers=abc", NULL, NULL), 2);
    CHECK_EQ_I64(run("--kind=tiling", "--buffers=5", "--capacity=0", NULL), 2);
    CHECK_EQ_I64(run("--kind=cnn", "--buffers=5", "--bogus=1", NULL), 2);
    /* An unwritable target: exit 1 and nothing left behind. */
    char path[1024], opt[1100];
    snprintf(path, sizeof path, "%s/no-such-dir/out.csv", dir);
    snprintf(opt, sizeof opt, "--output=%s", path);
    CHECK_EQ_I64(run("--kind=random", "--buffers=5", opt, NULL), 1);
    CHECK(access(path, F_OK) != 0);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    test_writes_file(dir);
    test_usage_errors(dir);
    return mc_test_finish("generate_cli");
}
