/* Every error path of the reader: the status, and a message that names the
 * file, the line, the field and what was expected. */
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "support.h"

#define H "id,lower,upper,size\n"
#define HG "id,lower,upper,size,gaps\n"
#define HO "id,lower,upper,size,alignment,offset\n"

typedef struct error_case {
    const char *text;
    mc_status status;
    const char *where;   /* "t.csv:<line>: " or with the field */
    const char *what;    /* a phrase saying what was expected */
} error_case;

static const error_case cases[] = {
    /* empty files */
    {"", MC_ERR_PARSE, "t.csv:1: ", "empty file"},
    {" \n\r\n\t\n", MC_ERR_PARSE, "t.csv:1: ", "empty file"},
    {"\n" H, MC_ERR_PARSE, "t.csv:1: ", "expected a header line"},
    /* header */
    {"id,lower,size\nb,0,1\n", MC_ERR_PARSE, "t.csv:1: ", "missing required column 'upper'"},
    {"id,lower,upper\n", MC_ERR_PARSE, "t.csv:1: ", "missing required column 'size'"},
    {"lower,upper,size\n", MC_ERR_PARSE, "t.csv:1: ", "missing required column 'id'"},
    {"id,upper,size\n", MC_ERR_PARSE, "t.csv:1: ", "missing required column 'lower'"},
    {"ID,lower,upper,size\n", MC_ERR_PARSE, "t.csv:1: ", "missing required column 'id'"},
    {"id,lower,begin,upper,size\n", MC_ERR_PARSE, "t.csv:1: field 'begin': ",
     "duplicate column: column 2 ('lower')"},
    {"id,lower,upper,size,start\n", MC_ERR_PARSE, "t.csv:1: field 'start': ", "duplicate column"},
    {"buffer_id,buffer,lower,upper,size\n", MC_ERR_PARSE, "t.csv:1: field 'buffer': ",
     "column 1 ('buffer_id') already gives the id"},
    {"id,upper,lower,end,size\n", MC_ERR_PARSE, "t.csv:1: field 'end': ", "duplicate column"},
    {"id,lower,upper,size,size\n", MC_ERR_PARSE, "t.csv:1: field 'size': ", "duplicate column"},
    {"id,lower,upper,size,gaps,gaps\n", MC_ERR_PARSE, "t.csv:1: field 'gaps': ", "duplicate"},
    {"id,lower,,upper,size\n", MC_ERR_PARSE, "t.csv:1: ", "column 3: expected a column name"},
    {"id, lower,upper,size\n", MC_ERR_PARSE, "t.csv:1: field ' lower': ", "expected no spaces"},
    /* field counts and blank lines */
    {H "b1,0,1\n", MC_ERR_PARSE, "t.csv:2: ", "expected 4 comma-separated fields as in the header, got 3"},
    {H "b1,0,1,2,3\n", MC_ERR_PARSE, "t.csv:2: ", "got 5"},
    {H "b1,0,1,1\nb2\n", MC_ERR_PARSE, "t.csv:3: ", "got 1"},
    {H "b1,0,1,1\n\nb2,0,1,1\n", MC_ERR_PARSE, "t.csv:3: ", "empty line before the row on line 4"},
    {H "b1,0,1,1\n \r\n\n\nb2,0,1,1", MC_ERR_PARSE, "t.csv:3: ", "on line 6"},
    /* ids */
    {H "b1,0,1,2\nb1,1,2,3\n", MC_ERR_INVALID, "t.csv:3: field 'id': ",
     "expected unique ids, got 'b1' again (first on line 2)"},
    {"buffer,lower,upper,size\nx,0,1,2\ny,0,1,2\nx,5,6,1\n", MC_ERR_INVALID, "t.csv:4: field 'buffer': ",
     "first on line 2"},
    {H ",0,1,1\n", MC_ERR_PARSE, "t.csv:2: field 'id': ", "expected a non-empty buffer id"},
    {H "b1 ,0,1,1\n", MC_ERR_PARSE, "t.csv:2: field 'id': ", "expected no spaces"},
    {"size,upper,lower,id\n1,1,0,b\r\r\n", MC_ERR_PARSE, "t.csv:2: ", "carriage return inside a line"},
    {H "b1,0,1,1,\rnote\n", MC_ERR_PARSE, "t.csv:2: ", "carriage return inside a line"},
    {H "a\tb,0,1,1\n", MC_ERR_PARSE, "t.csv:2: field 'id': ", "without control characters"},
    /* numbers */
    {H "b1,x,1,2\n", MC_ERR_PARSE, "t.csv:2: field 'lower': ", "expected an integer"},
    {H "b1,0,1,2.5\n", MC_ERR_PARSE, "t.csv:2: field 'size': ", "got '2.5'"},
    {H "b1,0,1,\n", MC_ERR_PARSE, "t.csv:2: field 'size': ", "got an empty field"},
    {H "b1,0,0x10,1\n", MC_ERR_PARSE, "t.csv:2: field 'upper': ", "decimal digits"},
    {H "b1,0,1,1e3\n", MC_ERR_PARSE, "t.csv:2: field 'size': ", "got '1e3'"},
    {H "b1,+,1,1\n", MC_ERR_PARSE, "t.csv:2: field 'lower': ", "expected an integer"},
    {H "b1,--1,1,1\n", MC_ERR_PARSE, "t.csv:2: field 'lower': ", "expected an integer"},
    {H "b1, 0,1,1\n", MC_ERR_PARSE, "t.csv:2: field 'lower': ", "expected no spaces"},
    {H "b1,0,1 ,1\n", MC_ERR_PARSE, "t.csv:2: field 'upper': ", "fields are not trimmed"},
    {H "b1,0,1,1\r\r\n", MC_ERR_PARSE, "t.csv:2: ", "carriage return inside a line"},
    {H "b1,0,9223372036854775808,1\n", MC_ERR_OVERFLOW, "t.csv:2: field 'upper': ", "int64 range"},
    {H "b1,-9223372036854775809,1,1\n", MC_ERR_OVERFLOW, "t.csv:2: field 'lower': ", "int64 range"},
    {H "b1,0,1,99999999999999999999999\n", MC_ERR_OVERFLOW, "t.csv:2: field 'size': ", "int64 range"},
    {"id,lower,upper,size,hint\nb1,0,1,1,abc\n", MC_ERR_PARSE, "t.csv:2: field 'hint': ",
     "expected an integer"},
    {"id,lower,upper,size,alignment\nb1,0,1,1,four\n", MC_ERR_PARSE, "t.csv:2: field 'alignment': ",
     "expected an integer"},
    /* buffer contract */
    {H "b1,0,1,-4\n", MC_ERR_INVALID, "t.csv:2: field 'size': ", "expected a size >= 0, got -4"},
    {H "b1,5,5,1\n", MC_ERR_INVALID, "t.csv:2: field 'upper': ", "expected a value > lower (5), got 5"},
    {H "b1,5,2,1\n", MC_ERR_INVALID, "t.csv:2: field 'upper': ", "got 2"},
    {"id,begin,end,size\nb1,5,4,1\n", MC_ERR_INVALID, "t.csv:2: field 'end': ",
     "expected a value >= begin (5), got 4"},
    {"id,begin,end,size\nb1,0,9223372036854775807,1\n", MC_ERR_OVERFLOW, "t.csv:2: field 'end': ",
     "inclusive end"},
    {"id,lower,upper,size,alignment\nb1,0,1,1,0\n", MC_ERR_INVALID, "t.csv:2: field 'alignment': ",
     "expected an alignment >= 1, got 0"},
    {"id,lower,upper,size,alignment\nb1,0,1,1,-8\n", MC_ERR_INVALID, "t.csv:2: field 'alignment': ",
     "got -8"},
    /* gaps */
    {HG "b1,0,10,4,8-12\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ",
     "gap 1: expected inside the lifetime [0, 10), got '8-12'"},
    {HG "b1,5,10,4,3-6\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "inside the lifetime"},
    {HG "b1,0,10,4,1-5 4-6\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ",
     "gap 2: expected gaps sorted and disjoint"},
    {HG "b1,0,10,4,1-3 3-4 4-8 7-9\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "gap 4: expected gaps sorted"},
    {HG "b1,0,10,4,5-6 1-2\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "gap 2: expected gaps sorted"},
    {HG "b1,0,10,4,3-3\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "gap 1: expected lo < hi"},
    {"id,begin,end,size,gaps\nb1,0,9,4,3-2\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "expected lo <= hi"},
    {"id,begin,end,size,gaps\nb1,0,9,4,3-10\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "inside the lifetime"},
    {HG "b1,0,10,4,1-\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "gap 1: expected 'lo-hi' or 'lo-hi@wlo:whi'"},
    {HG "b1,0,10,4,1-2 a-b\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "gap 2: expected 'lo-hi'"},
    {HG "b1,0,10,4,1-2@3\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "got '1-2@3'"},
    {HG "b1,0,10,4,1-2@1:2:3\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "expected 'lo-hi'"},
    {HG "b1,0,10,4,1-2@1:2@\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "expected 'lo-hi'"},
    {HG "b1,0,10,4,1:2\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "expected 'lo-hi'"},
    {HG "b1,0,10,4,1-2;3-4\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "gaps separated by spaces"},
    {HG "b1,0,10,4, 1-2\n", MC_ERR_PARSE, "t.csv:2: field 'gaps': ", "expected no spaces"},
    {HG "b1,0,10,4,1-99999999999999999999\n", MC_ERR_OVERFLOW, "t.csv:2: field 'gaps': ", "int64 range"},
    {HG "b1,0,10,4,2-4@0:5\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ",
     "gap 1: expected a window 0 <= wlo <= whi <= size (4), got '2-4@0:5'"},
    {HG "b1,0,10,4,2-4@-1:2\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "expected a window"},
    {HG "b1,0,10,4,2-4@3:2\n", MC_ERR_INVALID, "t.csv:2: field 'gaps': ", "expected a window"},
    /* fixed offsets */
    {HO "b1,0,1,4,8,4\n", MC_ERR_INVALID, "t.csv:2: field 'offset': ",
     "expected a multiple of the alignment 8, got 4"},
    {HO "b1,0,1,4,1,-2\n", MC_ERR_INVALID, "t.csv:2: field 'offset': ", "expected a fixed offset >= 0"},
    {HO "b1,0,1,100,1,9223372036854775800\n", MC_ERR_OVERFLOW, "t.csv:2: field 'offset': ",
     "expected offset + size to fit in int64"},
    {HO "b1,0,1,4,1,x\n", MC_ERR_PARSE, "t.csv:2: field 'offset': ", "expected an integer"},
    /* line numbers survive CRLF and a missing final newline */
    {"id,lower,upper,size\r\nb1,0,1,1\r\nb2,0,x,1", MC_ERR_PARSE, "t.csv:3: field 'upper': ", "got 'x'"},
    /* a long field is cut in the message, not overrun */
    {H "b1,0,1,123456789012345678901234567890123456789012345678901234567890x\n", MC_ERR_PARSE,
     "t.csv:2: field 'size': ", "...'"},
};

static void check_case(const error_case *c)
{
    mc_csv *csv = (mc_csv *)&csv;  /* must be reset to NULL on failure */
    mc_error err;
    mc_error_clear(&err);
    mc_status status = mc_csv_parse(c->text, strlen(c->text), "t.csv", &csv, &err);
    CHECK_EQ_I64(status, c->status);
    CHECK_EQ_I64(err.status, c->status);
    CHECK(csv == NULL);
    bool located = strncmp(err.message, c->where, strlen(c->where)) == 0;
    CHECK(located);
    if (!located) fprintf(stderr, "  message '%s'\n  expected to start with '%s'\n", err.message, c->where);
    CHECK(contains(err.message, c->what));
    CHECK(strchr(err.message, '\n') == NULL);
    if (status == MC_OK) mc_csv_destroy(csv);
}

/* A NUL byte would silently cut an id short, so it is an error. */
static void test_nul_byte(void)
{
    static const char text[] = H "b1,0,1,1\nb2,0,1\0,1\n";
    mc_csv *csv = NULL;
    mc_error err;
    CHECK_EQ_I64(mc_csv_parse(text, sizeof text - 1, "t.csv", &csv, &err), MC_ERR_PARSE);
    CHECK(contains(err.message, "t.csv:3: unexpected NUL byte"));
    CHECK(csv == NULL);
}

static void test_capacity(void)
{
    mc_csv *csv = NULL;
    mc_error err;
    CHECK_EQ_I64(parse_string(HO "a,0,4,4,4,\nb,0,4,8,4,8\nc,2,3,16,1,\n", &csv, &err), MC_OK);
    if (!csv) return;
    CHECK_EQ_I64(mc_csv_check_capacity(csv, 0, &err), MC_ERR_INVALID);
    CHECK(contains(err.message, "capacity: expected a positive integer, got 0"));
    CHECK_EQ_I64(mc_csv_check_capacity(csv, -5, &err), MC_ERR_INVALID);
    CHECK(contains(err.message, "got -5"));
    CHECK_EQ_I64(mc_csv_check_capacity(csv, 15, &err), MC_ERR_INVALID);
    CHECK(contains(err.message, "t.csv:3: field 'offset': expected fixed offset + size <= capacity 15, got 8 + 8"));
    CHECK_EQ_I64(mc_csv_check_capacity(csv, 16, &err), MC_OK);
    mc_csv_destroy(csv);
    CHECK_EQ_I64(parse_string(H "a,0,4,4\n\n", &csv, &err), MC_OK);
    if (!csv) return;
    CHECK_EQ_I64(mc_csv_check_capacity(csv, 3, &err), MC_ERR_INFEASIBLE);
    CHECK(contains(err.message, "t.csv:2: field 'size': size 4 exceeds the capacity 3"));
    CHECK_EQ_I64(mc_csv_check_capacity(csv, 4, &err), MC_OK);
    mc_csv_destroy(csv);
}

static void test_null_arguments(void)
{
    mc_error err;
    mc_csv *csv = NULL;
    CHECK_EQ_I64(mc_csv_parse(NULL, 3, "t.csv", &csv, &err), MC_ERR_INVALID);
    CHECK_EQ_I64(mc_csv_parse("id", 2, "t.csv", NULL, &err), MC_ERR_INVALID);
    /* NULL err is allowed everywhere */
    CHECK_EQ_I64(mc_csv_parse("", 0, NULL, &csv, NULL), MC_ERR_PARSE);
    CHECK(csv == NULL);
    CHECK_EQ_I64(mc_csv_parse("", 0, NULL, &csv, &err), MC_ERR_PARSE);
    CHECK(contains(err.message, "<input>:1: empty file"));
}

static void test_read_file_errors(void)
{
    mc_error err;
    mc_csv *csv = (mc_csv *)&csv;
    CHECK_EQ_I64(mc_csv_read_file("/nonexistent/dir/p.csv", &csv, &err), MC_ERR_IO);
    CHECK(csv == NULL);
    CHECK(contains(err.message, "/nonexistent/dir/p.csv: cannot open the problem file: "));
    CHECK_EQ_I64(mc_csv_read_file("/", &csv, &err), MC_ERR_IO);
    CHECK(contains(err.message, "/: cannot read the problem file"));
    CHECK_EQ_I64(mc_csv_read_file(NULL, &csv, &err), MC_ERR_INVALID);
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        size_t failed = (size_t)mc_test_failed;
        check_case(&cases[i]);
        if ((size_t)mc_test_failed != failed) fprintf(stderr, "  in case %zu: %s\n", i, cases[i].text);
    }
    test_nul_byte();
    test_capacity();
    test_null_arguments();
    test_read_file_errors();
    return mc_test_finish("csv_errors");
}
