/* Files: reading a whole problem file, and writing a layout atomically so a
 * failed or interrupted run never leaves a half-written output behind (the
 * output is complete under its final name, or absent). "-" means stdin or
 * stdout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv/csv_internal.h"

static const char *describe(int code, char *buffer, size_t size)
{
    /* The XSI strerror_r: thread-safe, unlike strerror. */
    if (strerror_r(code, buffer, size) != 0) snprintf(buffer, size, "error %d", code);
    return buffer;
}

static mc_status io_fail(mc_error *err, const char *path, const char *what, int code)
{
    char reason[128];
    return mc_error_set(err, MC_ERR_IO, "%s: cannot %s: %s", path, what, describe(code, reason, sizeof reason));
}

/* Reads all of `in` into a malloc'd, NUL-terminated buffer. */
static mc_status slurp(FILE *in, const char *path, char **text, size_t *length, mc_error *err)
{
    size_t used = 0, capacity = 1 << 16;
    char *buffer = malloc(capacity);
    while (buffer) {
        used += fread(buffer + used, 1, capacity - used - 1, in);
        if (ferror(in)) {
            int code = errno;
            free(buffer);
            return io_fail(err, path, "read the problem file", code);
        }
        if (feof(in)) {
            buffer[used] = '\0';
            *text = buffer;
            *length = used;
            return MC_OK;
        }
        char *more = capacity <= SIZE_MAX / 2 ? realloc(buffer, capacity * 2) : NULL;
        if (!more) free(buffer);
        buffer = more;
        capacity *= 2;
    }
    return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory reading the problem file", path);
}

mc_status mc_csv_read_file(const char *path, mc_csv **out, mc_error *err)
{
    if (!path || !out) return mc_error_set(err, MC_ERR_INVALID, "mc_csv_read_file: expected a path and out");
    *out = NULL;
    bool from_stdin = strcmp(path, "-") == 0;
    const char *name = from_stdin ? "<stdin>" : path;
    FILE *in = from_stdin ? stdin : fopen(path, "rb");
    if (!in) return io_fail(err, name, "open the problem file", errno);
    char *text = NULL;
    size_t length = 0;
    mc_status status = slurp(in, name, &text, &length, err);
    if (!from_stdin) fclose(in);
    if (status != MC_OK) return status;
    mc_status parsed = mc_csv_parse(text, length, name, out, err);
    free(text);
    return parsed;
}

/* "<dir>/.<base>.XXXXXX": a hidden temporary beside the target, so the final
 * rename stays within one file system and is atomic. */
static char *temporary_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dir_length = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_length;
    size_t length = dir_length + 1 + strlen(base) + 8 + 1;
    char *name = malloc(length);
    if (name) snprintf(name, length, "%.*s.%s.XXXXXX", (int)dir_length, path, base);
    return name;
}

/* mkstemp creates 0600; give the result the target's mode if it exists,
 * else the usual 0644. */
static void set_mode(int fd, const char *path)
{
    struct stat existing;
    mode_t mode = stat(path, &existing) == 0 ? existing.st_mode & 0777 : 0644;
    (void)fchmod(fd, mode);
}

static mc_status write_to_temporary(const mc_csv *csv, const int64_t *offsets, const char *path,
                                    char *temporary, bool *created, mc_error *err)
{
    int fd = mkstemp(temporary);
    if (fd < 0) return io_fail(err, path, "create a temporary file beside the output", errno);
    *created = true;
    set_mode(fd, path);
    FILE *out = fdopen(fd, "w");
    if (!out) {
        int code = errno;
        close(fd);
        return io_fail(err, path, "write the output", code);
    }
    mc_status status = mc_csv_write(csv, offsets, out, err);
    errno = 0;
    bool flushed = fflush(out) == 0 && !ferror(out);
    int code = errno ? errno : EIO;
    bool closed = fclose(out) == 0;
    if (status == MC_OK && (!flushed || !closed)) return io_fail(err, path, "write the output", code);
    return status;
}

static mc_status write_stdout(const mc_csv *csv, const int64_t *offsets, mc_error *err)
{
    mc_status status = mc_csv_write(csv, offsets, stdout, err);
    if (status == MC_OK && fflush(stdout) != 0) return io_fail(err, "<stdout>", "write the output", errno);
    return status;
}

mc_status mc_csv_write_file(const mc_csv *csv, const int64_t *offsets, const char *path, mc_error *err)
{
    if (!csv || !path)
        return mc_error_set(err, MC_ERR_INVALID, "mc_csv_write_file: expected a file and a path");
    if (strcmp(path, "-") == 0) return write_stdout(csv, offsets, err);
    char *temporary = temporary_template(path);
    if (!temporary) return mc_error_set(err, MC_ERR_NOMEM, "%s: out of memory", path);
    bool created = false;
    mc_status status = write_to_temporary(csv, offsets, path, temporary, &created, err);
    if (status == MC_OK && rename(temporary, path) != 0)
        status = io_fail(err, path, "rename the output into place", errno);
    /* Only a name mkstemp created is ours to remove; after a successful
     * rename it no longer exists. */
    if (status != MC_OK && created) unlink(temporary);
    free(temporary);
    return status;
}
