/* Status names and message formatting shared by every module. */
#include "memcarve/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *mc_status_name(mc_status status)
{
    switch (status) {
    case MC_OK: return "ok";
    case MC_ERR_NOMEM: return "out of memory";
    case MC_ERR_INVALID: return "invalid argument";
    case MC_ERR_PARSE: return "parse error";
    case MC_ERR_OVERFLOW: return "integer overflow";
    case MC_ERR_IO: return "input/output error";
    case MC_ERR_UNSUPPORTED: return "unsupported";
    case MC_ERR_INFEASIBLE: return "infeasible";
    case MC_ERR_TIMEOUT: return "timed out";
    case MC_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

mc_status mc_error_set(mc_error *err, mc_status status, const char *format, ...)
{
    if (err) {
        va_list args;
        va_start(args, format);
        err->status = status;
        vsnprintf(err->message, sizeof err->message, format, args);
        va_end(args);
    }
    return status;
}

void mc_error_clear(mc_error *err)
{
    if (err) {
        err->status = MC_OK;
        err->message[0] = '\0';
    }
}
