/* Output files that appear only when complete: written to a hidden
 * temporary beside the target (same file system, so rename is atomic) and
 * renamed on success; "-" writes to stdout. Shared by the syncs writer and
 * the SVG writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync/sync_internal.h"

static mc_status io_fail(mc_error *err, const char *path, const char *what, int code)
{
    char reason[128];
    if (strerror_r(code, reason, sizeof reason) != 0) snprintf(reason, sizeof reason, "error %d", code);
    return mc_error_set(err, MC_ERR_IO, "%s: cannot %s: %s", path, what, reason);
}

/* Runs `write` on `out`, then flushes; a stream error becomes MC_ERR_IO. */
static mc_status write_and_flush(FILE *out, const char *path, mc_sync_writer write, const void *context,
                                 mc_error *err)
{
    mc_status status = write(out, context, err);
    errno = 0;
    if (status == MC_OK && (fflush(out) != 0 || ferror(out)))
        status = io_fail(err, path, "write the output", errno ? errno : EIO);
    return status;
}

static mc_status fill_temporary(int fd, const char *path, mc_sync_writer write, const void *context, mc_error *err)
{
    (void)fchmod(fd, 0644);
    FILE *out = fdopen(fd, "w");
    if (!out) {
        int code = errno;
        close(fd);
        return io_fail(err, path, "write the output", code);
    }
    mc_status status = write_and_flush(out, path, write, context, err);
    if (fclose(out) != 0 && status == MC_OK) status = io_fail(err, path, "write the output", errno);
    return status;
}

mc_status mc_sync_write_atomic(const char *path, mc_sync_writer write, const void *context, mc_error *err)
{
    if (!path) return mc_error_set(err, MC_ERR_INVALID, "expected an output path");
    if (strcmp(path, "-") == 0) return write_and_flush(stdout, "<stdout>", write, context, err);
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path) + 1 : 0;
    size_t length = strlen(path) + 16;
    char *temporary = malloc(length);
    if (!temporary) return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", path);
    snprintf(temporary, length, "%.*s.%s.XXXXXX", dir, path, path + dir);
    int fd = mkstemp(temporary);
    mc_status status = fd < 0 ? io_fail(err, path, "create a temporary file beside the output", errno)
                              : fill_temporary(fd, path, write, context, err);
    if (status == MC_OK && rename(temporary, path) != 0) status = io_fail(err, path, "rename the output into place", errno);
    if (status != MC_OK && fd >= 0) unlink(temporary);
    free(temporary);
    return status;
}

static mc_status write_positions(FILE *out, const void *context, mc_error *err)
{
    (void)err;
    const mc_barriers *b = context;
    for (size_t k = 0; k < b->count; ++k) fprintf(out, "%lld\n", (long long)b->positions[k]);
    return MC_OK;
}

mc_status mc_barriers_write_file(const mc_barriers *barriers, const char *path, mc_error *err)
{
    mc_barriers none = {NULL, 0};
    mc_status status = mc_barriers_check(barriers, err);
    if (status != MC_OK) return status;
    return mc_sync_write_atomic(path, write_positions, barriers ? barriers : &none, err);
}
