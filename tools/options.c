#include "options.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compares option names treating '_' and '-' as the same character. */
static bool names_match(const char *spelled, size_t length, const char *name)
{
    size_t i = 0;
    for (; i < length && name[i]; ++i) {
        char a = spelled[i] == '_' ? '-' : spelled[i];
        if (a != name[i]) return false;
    }
    return i == length && name[i] == '\0';
}

static int set_value(mc_opt *opt, const char *value)
{
    char *end = NULL;
    errno = 0;
    switch (opt->kind) {
    case MC_OPT_FLAG:
        if (!value || !strcmp(value, "true") || !strcmp(value, "1")) *(bool *)opt->target = true;
        else if (!strcmp(value, "false") || !strcmp(value, "0")) *(bool *)opt->target = false;
        else goto bad;
        return MC_EXIT_OK;
    case MC_OPT_INT: {
        long long v = strtoll(value, &end, 10);
        if (end == value || *end || errno == ERANGE) goto bad;
        *(int64_t *)opt->target = (int64_t)v;
        return MC_EXIT_OK;
    }
    case MC_OPT_DOUBLE: {
        double v = strtod(value, &end);
        /* Accept MiniMalloc's absl durations such as "30s" as seconds too. */
        if (end != value && *end == 's' && end[1] == '\0') ++end;
        if (end == value || *end || errno == ERANGE || !isfinite(v)) goto bad;
        *(double *)opt->target = v;
        return MC_EXIT_OK;
    }
    case MC_OPT_STRING:
        *(const char **)opt->target = value;
        return MC_EXIT_OK;
    }
bad:
    fprintf(stderr, "memcarve: option --%s: expected %s, got '%s'\n", opt->name,
            opt->kind == MC_OPT_FLAG ? "true or false"
            : opt->kind == MC_OPT_INT ? "an integer"
                                      : "a number of seconds",
            value ? value : "");
    return MC_EXIT_USAGE;
}

int mc_parse_options(int argc, char **argv, int first, mc_opt *opts, size_t opt_count,
                     const char **positional, size_t max_positional, size_t *positional_count,
                     const char *usage)
{
    size_t npos = 0;
    for (int i = first; i < argc; ++i) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            mc_print_help(usage, opts, opt_count);
            return MC_EXIT_HELP;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (npos == max_positional) {
                fprintf(stderr, "memcarve: unexpected argument '%s' (see --help)\n", arg);
                return MC_EXIT_USAGE;
            }
            positional[npos++] = arg;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t length = eq ? (size_t)(eq - name) : strlen(name);
        mc_opt *opt = NULL;
        for (size_t k = 0; k < opt_count && !opt; ++k)
            if (names_match(name, length, opts[k].name)) opt = &opts[k];
        if (!opt) {
            fprintf(stderr, "memcarve: unknown option '%.*s' (see --help)\n", (int)(length + 2), arg);
            return MC_EXIT_USAGE;
        }
        const char *value = eq ? eq + 1 : NULL;
        if (!value && opt->kind != MC_OPT_FLAG) {
            if (i + 1 == argc) {
                fprintf(stderr, "memcarve: option --%s needs a value\n", opt->name);
                return MC_EXIT_USAGE;
            }
            value = argv[++i];
        }
        opt->seen = true;
        int rc = set_value(opt, value);
        if (rc != MC_EXIT_OK) return rc;
    }
    if (positional_count) *positional_count = npos;
    return MC_EXIT_OK;
}

void mc_print_help(const char *usage, const mc_opt *opts, size_t opt_count)
{
    printf("%s\n\nOptions:\n", usage);
    for (size_t k = 0; k < opt_count; ++k) {
        const char *arg = opts[k].kind == MC_OPT_FLAG     ? ""
                          : opts[k].kind == MC_OPT_INT    ? "=N"
                          : opts[k].kind == MC_OPT_DOUBLE ? "=SECONDS"
                                                          : "=VALUE";
        char left[64];
        snprintf(left, sizeof left, "--%s%s", opts[k].name, arg);
        printf("  %-28s %s\n", left, opts[k].help);
    }
    printf("  %-28s %s\n", "--help", "show this help");
}
