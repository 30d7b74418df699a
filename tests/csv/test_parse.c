/* What valid files mean: aliases, inclusive ends, optional columns, line
 * ends and line numbers. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "support.h"

static const mc_buffer *buffer(const mc_csv *csv, size_t i)
{
    return mc_problem_buffer(mc_csv_problem(csv), i);
}

static size_t count(const mc_csv *csv)
{
    return mc_problem_count(mc_csv_problem(csv));
}

/* Parses `text`, which must succeed; NULL (and a failed check) otherwise. */
static mc_csv *parse_ok(const char *text)
{
    mc_csv *csv = NULL;
    mc_error err;
    mc_status status = parse_string(text, &csv, &err);
    CHECK_EQ_I64(status, MC_OK);
    if (status != MC_OK) fprintf(stderr, "  %s\n", err.message);
    return csv;
}

static void check_lifetime(const mc_buffer *b, const char *id, int64_t lower, int64_t upper, int64_t size)
{
    CHECK(strcmp(b->id, id) == 0);
    CHECK_EQ_I64(b->lower, lower);
    CHECK_EQ_I64(b->upper, upper);
    CHECK_EQ_I64(b->size, size);
}

static void test_example(void)
{
    mc_csv *csv = parse_ok("id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\nb3,0,9,4\nb4,9,21,4\nb5,0,21,4");
    if (!csv) return;
    CHECK_EQ_I64(count(csv), 5);
    check_lifetime(buffer(csv, 0), "b1", 0, 3, 4);
    check_lifetime(buffer(csv, 4), "b5", 0, 21, 4);
    const mc_buffer *b = buffer(csv, 2);
    CHECK_EQ_I64(b->alignment, 1);
    CHECK_EQ_I64(b->fixed_offset, MC_NO_OFFSET);
    CHECK_EQ_I64(b->hint, MC_NO_OFFSET);
    CHECK_EQ_I64(b->gap_count, 0);
    CHECK_EQ_I64(mc_csv_line(csv, 0), 2);
    CHECK_EQ_I64(mc_csv_line(csv, 4), 6);
    CHECK_EQ_I64(mc_csv_line(csv, 5), 0);
    CHECK_EQ_I64(mc_csv_check_capacity(csv, 12, NULL), MC_OK);
    mc_csv_destroy(csv);
}

static void test_line_ends(void)
{
    static const char *texts[] = {
        "id,lower,upper,size\r\nb1,0,3,4\r\nb2,3,9,4\r\n",
        "id,lower,upper,size\r\nb1,0,3,4\r\nb2,3,9,4",
        "id,lower,upper,size\r\nb1,0,3,4\r\nb2,3,9,4\r",
        "id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\n\n\n",
        "id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\r\n \r\n\t\n  ",
        "\xef\xbb\xbfid,lower,upper,size\nb1,0,3,4\nb2,3,9,4\n",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; ++t) {
        mc_csv *csv = parse_ok(texts[t]);
        if (!csv) continue;
        CHECK_EQ_I64(count(csv), 2);
        check_lifetime(buffer(csv, 0), "b1", 0, 3, 4);
        check_lifetime(buffer(csv, 1), "b2", 3, 9, 4);
        CHECK_EQ_I64(mc_csv_line(csv, 1), 3);
        mc_csv_destroy(csv);
    }
}

static void test_aliases(void)
{
    /* end is inclusive, in the lifetime and in the gaps */
    mc_csv *csv = parse_ok("size,end,buffer,begin,gaps\n4,9,x,0,2-3 5-5@1:2\n1,0,y,0,\n");
    if (!csv) return;
    check_lifetime(buffer(csv, 0), "x", 0, 10, 4);
    check_lifetime(buffer(csv, 1), "y", 0, 1, 1);
    const mc_buffer *b = buffer(csv, 0);
    CHECK_EQ_I64(b->gap_count, 2);
    if (b->gap_count == 2) {
        CHECK_EQ_I64(b->gaps[0].lower, 2);
        CHECK_EQ_I64(b->gaps[0].upper, 4);
        CHECK(!b->gaps[0].has_window);
        CHECK_EQ_I64(b->gaps[1].lower, 5);
        CHECK_EQ_I64(b->gaps[1].upper, 6);
        CHECK(b->gaps[1].has_window);
        CHECK_EQ_I64(b->gaps[1].window_lower, 1);
        CHECK_EQ_I64(b->gaps[1].window_upper, 2);
    }
    mc_csv_destroy(csv);
    csv = parse_ok("buffer_id,start,upper,size\nq,-7,-2,3\n");
    if (csv) check_lifetime(buffer(csv, 0), "q", -7, -2, 3);
    mc_csv_destroy(csv);
}

static void test_optional_columns(void)
{
    mc_csv *csv = parse_ok("id,lower,upper,size,alignment,hint,gaps,offset,note\n"
                           "a,0,10,8,4,16,1-2 4-6@0:8,12,first\n"
                           "b,-5,5,2,,,,,\n"
                           "c,0,1,0,1,-7,,0,x y\n"
                           "d,-5,5,2,2,,-5--3 0-5@2:2,,\n");
    if (!csv) return;
    CHECK_EQ_I64(count(csv), 4);
    const mc_buffer *a = buffer(csv, 0), *b = buffer(csv, 1), *c = buffer(csv, 2), *d = buffer(csv, 3);
    CHECK_EQ_I64(a->alignment, 4);
    CHECK_EQ_I64(a->hint, 16);
    CHECK_EQ_I64(a->fixed_offset, 12);
    CHECK_EQ_I64(a->gap_count, 2);
    CHECK_EQ_I64(b->alignment, 1);
    CHECK_EQ_I64(b->hint, MC_NO_OFFSET);
    CHECK_EQ_I64(b->fixed_offset, MC_NO_OFFSET);
    CHECK_EQ_I64(b->gap_count, 0);
    CHECK_EQ_I64(c->hint, MC_NO_OFFSET);  /* any negative hint means none */
    CHECK_EQ_I64(c->fixed_offset, 0);
    CHECK_EQ_I64(c->size, 0);
    CHECK_EQ_I64(d->gap_count, 2);
    if (d->gap_count == 2) {
        CHECK_EQ_I64(d->gaps[0].lower, -5);
        CHECK_EQ_I64(d->gaps[0].upper, -3);
        CHECK_EQ_I64(d->gaps[1].window_lower, 2);
        CHECK_EQ_I64(d->gaps[1].window_upper, 2);
    }
    mc_csv_destroy(csv);
}

static void test_header_only_and_extremes(void)
{
    mc_csv *csv = parse_ok("id,lower,upper,size\n");
    if (csv) CHECK_EQ_I64(count(csv), 0);
    if (csv) CHECK_EQ_I64(mc_csv_check_capacity(csv, 1, NULL), MC_OK);
    mc_csv_destroy(csv);
    csv = parse_ok("id,lower,upper,size\nbig,-9223372036854775808,9223372036854775807,+9223372036854775807\n"
                   "z,-0,+1,0\n");
    if (!csv) return;
    check_lifetime(buffer(csv, 0), "big", INT64_MIN, INT64_MAX, INT64_MAX);
    check_lifetime(buffer(csv, 1), "z", 0, 1, 0);
    mc_csv_destroy(csv);
    /* ids are arbitrary bytes other than commas and line ends */
    csv = parse_ok("id,lower,upper,size\nx y,0,1,1\n\xc3\xa9t\xc3\xa9,0,1,1\n");
    if (csv) CHECK(strcmp(buffer(csv, 0)->id, "x y") == 0);
    if (csv) CHECK(strcmp(buffer(csv, 1)->id, "\xc3\xa9t\xc3\xa9") == 0);
    mc_csv_destroy(csv);
}

static void test_many_ids(void)
{
    /* enough rows to grow the id table several times, one duplicate last */
    enum { rows = 5000 };
    size_t room = 32 + rows * 24;
    char *text = malloc(room);
    size_t used = (size_t)snprintf(text, room, "id,lower,upper,size\n");
    for (int i = 0; i < rows; ++i) used += (size_t)snprintf(text + used, room - used, "n%d,%d,%d,1\n", i, i, i + 1);
    mc_csv *csv = parse_ok(text);
    if (csv) CHECK_EQ_I64(count(csv), rows);
    if (csv) CHECK_EQ_I64(mc_csv_line(csv, rows - 1), rows + 1);
    mc_csv_destroy(csv);
    snprintf(text + used, room - used, "n%d,0,1,1\n", rows / 2);
    mc_error err;
    csv = NULL;
    CHECK_EQ_I64(parse_string(text, &csv, &err), MC_ERR_INVALID);
    CHECK(contains(err.message, "t.csv:5002: field 'id': expected unique ids, got 'n2500' again (first on line 2502)"));
    free(text);
}

int main(void)
{
    test_example();
    test_line_ends();
    test_aliases();
    test_optional_columns();
    test_header_only_and_extremes();
    test_many_ids();
    return mc_test_finish("csv_parse");
}
