/* The writer: exact output text, and files that appear whole or not at all. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "support.h"

static mc_csv *parse_ok(const char *text)
{
    mc_csv *csv = NULL;
    mc_error err;
    CHECK_EQ_I64(parse_string(text, &csv, &err), MC_OK);
    return csv;
}

static void check_output(const char *input, const long long *offsets, const char *expected)
{
    mc_csv *csv = parse_ok(input);
    if (!csv) return;
    char *text = write_string(csv, offsets);
    CHECK(text && strcmp(text, expected) == 0);
    if (text && strcmp(text, expected) != 0) fprintf(stderr, "  got:\n%s  expected:\n%s", text, expected);
    free(text);
    mc_csv_destroy(csv);
}

static void test_output_text(void)
{
    static const long long offsets[] = {8, 0, 4};
    check_output("id,lower,upper,size\nb1,0,3,4\nb2,3,9,4\nb3,0,9,4", offsets,
                 "id,lower,upper,size,offset\nb1,0,3,4,8\nb2,3,9,4,0\nb3,0,9,4,4\n");
    /* CRLF becomes LF; trailing blank lines are dropped; a BOM, names,
     * spellings and unknown columns are echoed */
    check_output("\xef\xbb\xbf" "buffer,begin,end,size,note\r\nx,+0,2,04,hi there\r\ny,1,3,4,\r\nz,0,0,1,\r\n\r\n",
                 offsets, "\xef\xbb\xbf" "buffer,begin,end,size,note,offset\nx,+0,2,04,hi there,8\ny,1,3,4,,0\nz,0,0,1,,4\n");
    /* an offset column is filled in, not duplicated */
    check_output("id,offset,lower,upper,size\na,,0,1,4\nb,0,0,1,4\nc,,0,1,4\n", offsets,
                 "id,offset,lower,upper,size\na,8,0,1,4\nb,0,0,1,4\nc,4,0,1,4\n");
    check_output("id,lower,upper,size,offset\na,0,1,4,\nb,0,1,4,0\nc,0,1,4,\n", offsets,
                 "id,lower,upper,size,offset\na,0,1,4,8\nb,0,1,4,0\nc,0,1,4,4\n");
    static const long long big[] = {9223372036854775807LL};
    check_output("id,lower,upper,size\na,0,1,0\n", big, "id,lower,upper,size,offset\na,0,1,0,9223372036854775807\n");
    check_output("id,lower,upper,size\n", NULL, "id,lower,upper,size,offset\n");
}

static char *read_all(const char *path)
{
    FILE *in = fopen(path, "rb");
    if (!in) return NULL;
    char *text = calloc(1, 4096);
    size_t n = fread(text, 1, 4095, in);
    text[n] = '\0';
    fclose(in);
    return text;
}

/* Number of entries in `dir` other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d) closedir(d);
    return n;
}

static void test_files(void)
{
    char dir[] = "/tmp/mc_csv_testXXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char in_path[64], out_path[64], missing[80];
    snprintf(in_path, sizeof in_path, "%s/in.csv", dir);
    snprintf(out_path, sizeof out_path, "%s/out.csv", dir);
    snprintf(missing, sizeof missing, "%s/no/such/dir/out.csv", dir);
    FILE *f = fopen(in_path, "w");
    fputs("id,lower,upper,size\r\nb1,0,3,4\r\nb2,3,9,4", f);
    fclose(f);
    mc_csv *csv = NULL;
    mc_error err;
    CHECK_EQ_I64(mc_csv_read_file(in_path, &csv, &err), MC_OK);
    if (!csv) return;
    static const int64_t offsets[] = {0, 4};
    CHECK_EQ_I64(mc_csv_write_file(csv, offsets, out_path, &err), MC_OK);
    char *text = read_all(out_path);
    CHECK(text && strcmp(text, "id,lower,upper,size,offset\nb1,0,3,4,0\nb2,3,9,4,4\n") == 0);
    free(text);
    CHECK_EQ_I64(entries(dir), 2);  /* no temporary left behind */
    struct stat st;
    CHECK(stat(out_path, &st) == 0 && (st.st_mode & 0777) == 0644);
    /* overwriting keeps the old file's mode, and replaces it whole */
    chmod(out_path, 0640);
    static const int64_t other[] = {4, 0};
    CHECK_EQ_I64(mc_csv_write_file(csv, other, out_path, &err), MC_OK);
    CHECK(stat(out_path, &st) == 0 && (st.st_mode & 0777) == 0640);
    text = read_all(out_path);
    CHECK(text && strcmp(text, "id,lower,upper,size,offset\nb1,0,3,4,4\nb2,3,9,4,0\n") == 0);
    free(text);
    /* failures leave neither an output nor a temporary */
    CHECK_EQ_I64(mc_csv_write_file(csv, offsets, missing, &err), MC_ERR_IO);
    CHECK(contains(err.message, missing));
    CHECK(contains(err.message, "cannot create a temporary file"));
    unlink(out_path);
    CHECK_EQ_I64(mc_csv_write_file(csv, NULL, out_path, &err), MC_ERR_INVALID);
    CHECK(access(out_path, F_OK) != 0);
    CHECK_EQ_I64(entries(dir), 1);
    /* a relative path writes beside itself, in the working directory */
    char cwd[256];
    if (getcwd(cwd, sizeof cwd) && chdir(dir) == 0) {
        CHECK_EQ_I64(mc_csv_write_file(csv, offsets, "rel.csv", &err), MC_OK);
        CHECK(access("rel.csv", F_OK) == 0);
        unlink("rel.csv");
        CHECK(chdir(cwd) == 0);
    }
    mc_csv_destroy(csv);
    unlink(in_path);
    rmdir(dir);
}

static void test_misuse(void)
{
    mc_csv *csv = parse_ok("id,lower,upper,size\na,0,1,1\n");
    if (!csv) return;
    mc_error err;
    CHECK_EQ_I64(mc_csv_write(csv, NULL, stdout, &err), MC_ERR_INVALID);
    CHECK_EQ_I64(mc_csv_write(NULL, NULL, stdout, &err), MC_ERR_INVALID);
    CHECK_EQ_I64(mc_csv_write_file(csv, NULL, NULL, &err), MC_ERR_INVALID);
    mc_csv_destroy(csv);
    mc_csv_destroy(NULL);
}

int main(void)
{
    test_output_text();
    test_files();
    test_misuse();
    return mc_test_finish("csv_write");
}
