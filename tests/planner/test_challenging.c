/* MiniMalloc's challenging set A-K (capacity 1048576), read from the shared
 * benchmark folder given as argv[1]: every instance fits and validates,
 * and minimization proves the optimum where it is known to finish quickly
 * (all but D and J, whose best layouts are checked without a proof).
 * Exits 77 (skipped) when the folder is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "memcarve/csv.h"
#include "memcarve/planner.h"

#define CAPACITY 1048576

static void run(const char *dir, char name, bool provable)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%c.1048576.csv", dir, name);
    mc_csv *csv = NULL;
    CHECK(mc_csv_read_file(path, &csv, NULL) == MC_OK);
    if (!csv) return;
    const mc_problem *p = mc_csv_problem(csv);
    int64_t *offsets = malloc(mc_problem_count(p) * sizeof(int64_t));
    mc_solve_options o;
    mc_solve_options_init(&o);
    o.capacity = CAPACITY;
    o.timeout_seconds = 60;
    mc_report r;
    CHECK(mc_solve(p, &o, offsets, &r, NULL) == MC_OK);
    CHECK(r.outcome == MC_OUTCOME_SOLVED);
    CHECK(mc_validate(p, CAPACITY, offsets, NULL, NULL) == MC_OK);

    o.minimize = true;
    o.timeout_seconds = provable ? 60 : 2;
    CHECK(mc_solve(p, &o, offsets, &r, NULL) == MC_OK);
    int64_t height = -1;
    CHECK(r.outcome == MC_OUTCOME_SOLVED && mc_validate(p, CAPACITY, offsets, &height, NULL) == MC_OK);
    CHECK_EQ_I64(height, r.height);
    if (provable) {
        CHECK(r.proven_optimal);
        CHECK_EQ_I64(r.height, r.load); /* all of these are LOAD-tight */
    }
    printf("%c: %zu buffers, height %lld, LOAD %lld, %s, %llu nodes, %.3f s\n", name, mc_problem_count(p),
           (long long)r.height, (long long)r.load, r.proven_optimal ? "proven" : "not proven",
           (unsigned long long)r.nodes, r.seconds);
    free(offsets);
    mc_csv_destroy(csv);
}

int main(int argc, char **argv)
{
    if (argc < 2 || access(argv[1], R_OK) != 0) {
        printf("planner_challenging: %s not found, skipped\n", argc < 2 ? "(no folder)" : argv[1]);
        return 77;
    }
    for (char name = 'A'; name <= 'K'; ++name) run(argv[1], name, name != 'D' && name != 'J');
    return mc_test_finish("planner_challenging");
}
