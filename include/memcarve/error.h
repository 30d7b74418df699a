/*
 * memcarve/error.h — status codes and error messages shared by every module.
 *
 * Contract
 *   Every fallible memcarve function returns an mc_status. MC_OK (0) means
 *   success; any other value means nothing observable was changed unless the
 *   function's own documentation says otherwise. Functions that can say more
 *   take an optional `mc_error *` (NULL is allowed) and fill it with one line
 *   a user can act on: where (file, line, field when known) and what was
 *   expected. The library keeps no global state: the message lives in the
 *   caller's struct, so threads never share it.
 */
#ifndef MEMCARVE_ERROR_H
#define MEMCARVE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mc_status {
    MC_OK = 0,
    MC_ERR_NOMEM,        /* an allocation failed */
    MC_ERR_INVALID,      /* an argument or a problem violates its contract */
    MC_ERR_PARSE,        /* malformed input text */
    MC_ERR_OVERFLOW,     /* an integer result does not fit its type */
    MC_ERR_IO,           /* reading or writing a file failed */
    MC_ERR_UNSUPPORTED,  /* valid request that this build/method cannot do */
    MC_ERR_INFEASIBLE,   /* proven: no solution exists */
    MC_ERR_TIMEOUT,      /* a time or node limit ended the work first */
    MC_ERR_CANCELLED     /* the caller asked to stop */
} mc_status;

/* Room for the message; longer messages are truncated, never overrun. */
#define MC_ERROR_MESSAGE_MAX 512

typedef struct mc_error {
    mc_status status;
    char message[MC_ERROR_MESSAGE_MAX];
} mc_error;

/* A short constant name for a status ("out of memory", "parse error", ...). */
const char *mc_status_name(mc_status status);

/* Records `status` and a printf-style message in `err` (if not NULL) and
 * returns `status`, so callers can write `return mc_error_set(err, ...)`. */
mc_status mc_error_set(mc_error *err, mc_status status, const char *format, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Clears `err` (if not NULL) to MC_OK with an empty message. */
void mc_error_clear(mc_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_ERROR_H */
