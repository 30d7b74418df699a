/* The syncs-file parser: accepted forms, and every kind of bad input with
 * the file:line it must name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static mc_status parse(const char *text, mc_barriers *out, mc_error *err)
{
    return mc_barriers_parse(text, strlen(text), "s.syncs", out, err);
}

static void accepted(void)
{
    mc_barriers b;
    mc_error err;
    CHECK(parse("# syncs\n3\n\n  7  # after the reduction\r\n12", &b, &err) == MC_OK);
    CHECK_EQ_I64(b.count, 3);
    CHECK(b.count == 3 && b.positions[0] == 3 && b.positions[1] == 7 && b.positions[2] == 12);
    mc_barriers_free(&b);
    CHECK(b.positions == NULL && b.count == 0);
    CHECK(parse("", &b, &err) == MC_OK);
    CHECK_EQ_I64(b.count, 0);
    mc_barriers_free(&b);
    CHECK(parse("0\n9223372036854775807\n", &b, &err) == MC_OK);
    CHECK_EQ_I64(b.count, 2);
    mc_barriers_free(&b);
    mc_barriers_free(NULL);
}

/* Each bad input fails with MC_ERR_PARSE, an empty result and a message
 * containing `where` and `what`. */
static void refused(const char *text, const char *where, const char *what)
{
    mc_barriers b = {NULL, 7};
    mc_error err;
    mc_error_clear(&err);
    CHECK(parse(text, &b, &err) == MC_ERR_PARSE);
    CHECK(b.positions == NULL && b.count == 0);
    bool named = strstr(err.message, where) && strstr(err.message, what);
    if (!named) fprintf(stderr, "  message: %s\n", err.message);
    CHECK(named);
}

static void rejected(void)
{
    refused("1\n2\n2\n", "s.syncs:3:", "duplicate barrier position 2 (already on line 2)");
    refused("1\n5\n# c\n4\n", "s.syncs:4:", "increasing order, got 4 after 5");
    refused("-3\n", "s.syncs:1:", "non-negative");
    refused("1\n2.5\n", "s.syncs:2:", "got '2.5'");
    refused("x\n", "s.syncs:1:", "got 'x'");
    refused("1 2\n", "s.syncs:1:", "got '1 2'");
    refused("99999999999999999999\n", "s.syncs:1:", "below 2^63");
    refused("9223372036854775808\n", "s.syncs:1:", "below 2^63");
    refused("+4\n", "s.syncs:1:", "got '+4'");
}

static void files(void)
{
    mc_barriers b;
    mc_error err;
    CHECK(mc_barriers_read_file("/nonexistent/dir/x.syncs", &b, &err) == MC_ERR_IO);
    CHECK(strstr(err.message, "/nonexistent/dir/x.syncs") != NULL);
    char path[] = "/tmp/mc_sync_test_XXXXXX";
    FILE *f = fdopen(mkstemp(path), "w");
    CHECK(f != NULL);
    if (!f) return;
    for (int i = 0; i < 5000; ++i) fprintf(f, "%d\n", 2 * i + 1); /* more than one read buffer */
    fclose(f);
    CHECK(mc_barriers_read_file(path, &b, &err) == MC_OK);
    CHECK_EQ_I64(b.count, 5000);
    CHECK(b.count == 5000 && b.positions[4999] == 9999);
    mc_barriers_free(&b);
    remove(path);
}

static void checks(void)
{
    mc_error err;
    int64_t ok[] = {0, 4, 9}, dup[] = {1, 1}, neg[] = {-2, 1};
    CHECK(mc_barriers_check(NULL, &err) == MC_OK);
    CHECK(mc_barriers_check(&(mc_barriers){ok, 3}, &err) == MC_OK);
    CHECK(mc_barriers_check(&(mc_barriers){dup, 2}, &err) == MC_ERR_INVALID);
    CHECK(mc_barriers_check(&(mc_barriers){neg, 2}, &err) == MC_ERR_INVALID);
    CHECK(mc_barriers_check(&(mc_barriers){NULL, 2}, &err) == MC_ERR_INVALID);
}

int main(void)
{
    accepted();
    rejected();
    files();
    checks();
    return mc_test_finish("sync_barriers");
}
