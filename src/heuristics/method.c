#include "memcarve/heuristics.h"

#include <ctype.h>
#include <stdbool.h>

static const char *const method_names[] = {
    [MC_METHOD_AUTO] = "auto",
    [MC_METHOD_EXACT] = "exact",
    [MC_METHOD_BEST_FIT] = "best-fit",
    [MC_METHOD_FIRST_FIT] = "first-fit",
    [MC_METHOD_GLOBAL_BEST_FIT] = "global-best-fit",
    [MC_METHOD_CONFLICT_GREEDY] = "conflict-greedy",
    [MC_METHOD_ONLINE_BEST_FIT] = "online",
    [MC_METHOD_STACK] = "stack",
};
enum { METHOD_COUNT = sizeof method_names / sizeof method_names[0] };

/* Command lines spell names with '-' or '_' and any case. */
static bool same_name(const char *given, const char *canonical)
{
    for (; *given && *canonical; ++given, ++canonical) {
        char g = (char)tolower((unsigned char)*given);
        if (g == '_') g = '-';
        if (g != *canonical) return false;
    }
    return *given == '\0' && *canonical == '\0';
}

mc_status mc_method_parse(const char *name, mc_method *out, mc_error *err)
{
    for (int m = 0; name && m < METHOD_COUNT; ++m) {
        if (same_name(name, method_names[m])) {
            *out = (mc_method)m;
            return MC_OK;
        }
    }
    return mc_error_set(err, MC_ERR_INVALID,
                        "method: expected one of auto, exact, best-fit, first-fit, global-best-fit, "
                        "conflict-greedy, online, stack; got '%s'",
                        name ? name : "(null)");
}

const char *mc_method_name(mc_method method)
{
    return (unsigned)method < METHOD_COUNT ? method_names[method] : "unknown";
}
