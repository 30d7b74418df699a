/* memcarve lattice: smallest modular mapping for array contraction. Reads a
 * difference set (points or polytope), runs the requested methods, prints a
 * report or a C address function. Output goes to a temporary file renamed
 * into place, so a failed run never leaves half a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "memcarve/lattice.h"
#include "options.h"

static const char usage[] =
    "usage: memcarve lattice [options] FILE\n"
    "Finds sigma(x) = (U x) mod s, valid when its kernel meets the difference set DS only in 0,\n"
    "of smallest size prod(s). FILE starts with 'points N' or 'polytope N' (docs/lattice.md).\n"
    "Exit status: 0 done, 1 exact search hit --time-limit (best size printed, not proven),\n"
    "2 bad usage or input.";

typedef struct config {
    const char *method, *output, *function_name;
    bool emit_c, count_optimal;
    double time_limit;
} config;

typedef mc_status (*heuristic_fn)(const mc_lattice_set *, mc_lattice_result *, mc_error *);

static const struct {
    const char *name;
    heuristic_fn run;
} heuristics[] = {{"modulo", mc_lattice_modulo}, {"linear", mc_lattice_linear}, {"lll", mc_lattice_lll}};

#define HEURISTICS (sizeof heuristics / sizeof heuristics[0])

static void print_matrix(FILE *out, const char *title, size_t n, const int64_t *m)
{
    fprintf(out, "%s\n", title);
    for (size_t i = 0; i < n; ++i) {
        fprintf(out, "  [");
        for (size_t j = 0; j < n; ++j) fprintf(out, " %6lld", (long long)m[i * MC_LATTICE_MAX_DIM + j]);
        fprintf(out, " ]\n");
    }
}

static void print_sigma(FILE *out, const mc_lattice_result *r)
{
    fprintf(out, "sigma(x) = (");
    bool any = false;
    for (size_t i = 0; i < r->n; ++i) {
        if (r->s[i] == 1) continue;
        int64_t c[MC_LATTICE_MAX_DIM];
        mc_lattice_sigma_row(r, i, c);
        fprintf(out, "%s(", any ? ", " : " ");
        bool first = true;
        for (size_t j = 0; j < r->n; ++j) {
            if (c[j] == 0) continue;
            if (c[j] == 1) fprintf(out, "%sx%zu", first ? "" : " + ", j + 1);
            else fprintf(out, "%s%lld*x%zu", first ? "" : " + ", (long long)c[j], j + 1);
            first = false;
        }
        fprintf(out, "%s) mod %lld", first ? "0" : "", (long long)r->s[i]);
        any = true;
    }
    fprintf(out, "%s)\n", any ? " " : " 0 ");
}

static void print_report(FILE *out, const char *path, const mc_lattice_set *set, int64_t lower,
                         const mc_lattice_result *best)
{
    size_t n = best->n;
    fprintf(out, "best: %s, size %lld, lower bound %lld, %s\n", mc_lattice_method_name(best->method),
            (long long)best->size, (long long)lower,
            best->proven_optimal ? "proven optimal" : "not proven optimal");
    fprintf(out, "input: %s (n = %zu, |DS| = %zu)\n", path, n, mc_lattice_set_size(set));
    print_matrix(out, "kernel basis, Hermite normal form (columns):", n, best->hnf);
    print_matrix(out, "U (unimodular):", n, best->u);
    fprintf(out, "s:");
    for (size_t i = 0; i < n; ++i) fprintf(out, " %lld", (long long)best->s[i]);
    fprintf(out, "\n");
    print_sigma(out, best);
    if (best->method == MC_LATTICE_EXACT && best->proven_optimal)
        fprintf(out, "optimal lattices found: %llu%s\n", (unsigned long long)best->optimal_count,
                best->optimal_count > 1 ? "" : " (run --count-optimal to enumerate all)");
}

/* Writes through a temporary file renamed over `path` on success. */
static int deliver(const char *path, const char *text, size_t length)
{
    if (!path) return fwrite(text, 1, length, stdout) == length ? MC_EXIT_OK : MC_EXIT_FAIL;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) return MC_EXIT_FAIL;
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f && fwrite(text, 1, length, f) == length;
    if (f) ok = fclose(f) == 0 && ok;
    else if (fd >= 0) close(fd);
    if (ok) ok = rename(tmp, path) == 0;
    if (!ok) {
        if (fd >= 0) remove(tmp);
        fprintf(stderr, "memcarve lattice: %s: cannot write the output file\n", path);
    }
    free(tmp);
    return ok ? MC_EXIT_OK : MC_EXIT_USAGE;
}

static bool method_wanted(const config *cfg, const char *name)
{
    return !strcmp(cfg->method, "all") || !strcmp(cfg->method, name);
}

/* Runs the heuristics the method asks for; the best lands in *best. */
static int run_heuristics(const config *cfg, const mc_lattice_set *set, FILE *log, mc_lattice_result *best,
                          bool *have)
{
    for (size_t i = 0; i < HEURISTICS; ++i) {
        if (!method_wanted(cfg, heuristics[i].name)) continue;
        mc_lattice_result r;
        mc_error err;
        mc_error_clear(&err);
        mc_status st = heuristics[i].run(set, &r, &err);
        if (st != MC_OK) {
            fprintf(log, "%-18s skipped: %s\n", heuristics[i].name, err.message);
            if (!strcmp(cfg->method, heuristics[i].name)) {
                fprintf(stderr, "memcarve lattice: %s\n", err.message);
                return MC_EXIT_USAGE;
            }
            continue;
        }
        fprintf(log, "%-18s size %-10lld %.6f s\n", mc_lattice_method_name(r.method), (long long)r.size, r.seconds);
        if (!*have || r.size < best->size) *best = r, *have = true;
    }
    return MC_EXIT_OK;
}

static int run_exact(const config *cfg, const mc_lattice_set *set, FILE *log, mc_lattice_result *best, bool *have)
{
    mc_lattice_exact_options opt = {*have ? best : NULL, 0, cfg->time_limit, cfg->count_optimal};
    mc_lattice_result r;
    mc_error err;
    mc_error_clear(&err);
    mc_status st = mc_lattice_exact(set, &opt, &r, &err);
    /* With --method=all the heuristics' answer still stands. */
    if ((st == MC_ERR_UNSUPPORTED || st == MC_ERR_OVERFLOW) && *have) {
        fprintf(log, "%-18s skipped: %s\n", "exact", err.message);
        return MC_EXIT_OK;
    }
    if (st != MC_OK && st != MC_ERR_TIMEOUT) {
        fprintf(stderr, "memcarve lattice: %s\n", err.message);
        return MC_EXIT_USAGE;
    }
    fprintf(log, "%-18s size %-10lld %.6f s, %llu nodes, %s\n", "exact", (long long)r.size, r.seconds,
            (unsigned long long)r.nodes, st == MC_OK ? "proven optimal" : "time limit: not proven");
    for (size_t l = 0; l < r.listed && cfg->count_optimal; ++l) {
        char title[64];
        snprintf(title, sizeof title, "optimal lattice %zu of %llu:", l + 1, (unsigned long long)r.optimal_count);
        print_matrix(log, title, r.n, r.optimal_hnf[l]);
    }
    *best = r, *have = true;
    return st == MC_OK ? MC_EXIT_OK : MC_EXIT_FAIL;
}

static int run(const config *cfg, const char *path)
{
    mc_lattice_set *set;
    mc_error err;
    mc_error_clear(&err);
    if (mc_lattice_set_load(path, &set, &err) != MC_OK) {
        fprintf(stderr, "memcarve lattice: %s\n", err.message);
        return MC_EXIT_USAGE;
    }
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out) {
        mc_lattice_set_free(set);
        return MC_EXIT_FAIL;
    }
    mc_lattice_result best;
    bool have = false;
    FILE *log = cfg->emit_c ? stderr : out;
    int rc = run_heuristics(cfg, set, log, &best, &have);
    if (rc == MC_EXIT_OK && method_wanted(cfg, "exact")) rc = run_exact(cfg, set, log, &best, &have);
    if (rc != MC_EXIT_USAGE && have) {
        if (cfg->emit_c) {
            if (mc_lattice_emit_c(&best, cfg->function_name, out, &err) != MC_OK) {
                fprintf(stderr, "memcarve lattice: %s\n", err.message);
                rc = MC_EXIT_USAGE;
            }
        } else {
            int64_t lower = best.method == MC_LATTICE_EXACT ? best.lower_bound : mc_lattice_lower_bound(set);
            print_report(out, path, set, lower, &best);
        }
    }
    fclose(out);
    if (rc != MC_EXIT_USAGE) {
        int wrc = deliver(cfg->output, text, length);
        if (wrc != MC_EXIT_OK) rc = wrc;
    }
    free(text);
    mc_lattice_set_free(set);
    return rc;
}

int mc_cmd_lattice(int argc, char **argv)
{
    config cfg = {"all", NULL, "mc_address", false, false, 60.0};
    mc_opt opts[] = {
        {"method", MC_OPT_STRING, &cfg.method, "all (default), exact, modulo, linear or lll", false},
        {"emit-c", MC_OPT_FLAG, &cfg.emit_c, "print a C function computing the address", false},
        {"function-name", MC_OPT_STRING, &cfg.function_name, "name of the --emit-c function (mc_address)", false},
        {"output", MC_OPT_STRING, &cfg.output, "write to this file instead of stdout", false},
        {"time-limit", MC_OPT_DOUBLE, &cfg.time_limit, "seconds for the exact search (60; 0 = none)", false},
        {"count-optimal", MC_OPT_FLAG, &cfg.count_optimal, "enumerate every optimal lattice (lists 8)", false},
    };
    const char *positional[1];
    size_t npos = 0;
    int rc = mc_parse_options(argc, argv, 1, opts, sizeof opts / sizeof opts[0], positional, 1, &npos, usage);
    if (rc == MC_EXIT_HELP) return MC_EXIT_OK;
    if (rc != MC_EXIT_OK) return rc;
    static const char *const methods[] = {"all", "exact", "modulo", "linear", "lll"};
    bool known = false;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; ++i) known = known || !strcmp(cfg.method, methods[i]);
    if (!known) {
        fprintf(stderr, "memcarve lattice: --method: expected all, exact, modulo, linear or lll, got '%s'\n",
                cfg.method);
        return MC_EXIT_USAGE;
    }
    if (npos != 1) {
        fprintf(stderr, "memcarve lattice: expected one input FILE (see --help)\n");
        return MC_EXIT_USAGE;
    }
    if (cfg.time_limit < 0) {
        fprintf(stderr, "memcarve lattice: --time-limit: expected seconds >= 0\n");
        return MC_EXIT_USAGE;
    }
    return run(&cfg, positional[0]);
}
