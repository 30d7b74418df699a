/* Pictures: parsed back with an independent XML checker, the rectangles
 * must be exactly the layout's occupancy pieces (computed here from the
 * definition), at the right place on the canvas; barriers and capacity are
 * drawn; big inputs stay fast; files appear only when complete. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "memcarve/svg.h"
#include "xml.h"

typedef struct piece {
    char id[32];
    long long t0, t1, a0, a1;
    bool seen;
} piece;

typedef struct collected {
    piece *want;
    size_t want_count, rects, unmatched, misplaced, barriers, capacity_lines, polylines;
    double live_top;  /* smallest y on the live-size line: its peak */
    long long t_min, t_max, a_max, capacity;
} collected;

static long long num(const xml_element *e, const char *name)
{
    const char *v = xml_attr(e, name);
    return v ? atoll(v) : -999;
}

static double real(const xml_element *e, const char *name)
{
    const char *v = xml_attr(e, name);
    return v ? atof(v) : -999.0;
}

/* The canvas mapping svg.h documents: plot 1200 x 600 inside a 60 margin. */
static bool placed(const collected *c, const xml_element *e, const piece *p)
{
    double span = (double)(c->t_max - c->t_min);
    double x0 = 60 + (double)(p->t0 - c->t_min) * 1200 / span, x1 = 60 + (double)(p->t1 - c->t_min) * 1200 / span;
    double y1 = 660 - (double)p->a0 * 600 / (double)c->a_max, y0 = 660 - (double)p->a1 * 600 / (double)c->a_max;
    return fabs(real(e, "x") - x0) < 0.02 && fabs(real(e, "width") - (x1 - x0)) < 0.03 &&
           fabs(real(e, "y") - y0) < 0.02 && fabs(real(e, "height") - (y1 - y0)) < 0.03;
}

static void visit(const xml_element *e, void *context)
{
    collected *c = context;
    const char *cls = xml_attr(e, "class");
    if (!strcmp(e->name, "polyline")) {
        ++c->polylines;
        const char *points = xml_attr(e, "points");
        c->live_top = 1e9;
        for (const char *comma = points; comma && (comma = strchr(comma, ',')) != NULL; ++comma)
            if (atof(comma + 1) < c->live_top) c->live_top = atof(comma + 1);
    }
    if (cls && !strcmp(cls, "barrier")) ++c->barriers;
    if (cls && !strcmp(cls, "capacity")) ++c->capacity_lines, c->capacity = num(e, "data-capacity");
    const char *id = xml_attr(e, "data-id");
    if (strcmp(e->name, "rect") || !id) return;
    ++c->rects;
    for (size_t k = 0; k < c->want_count; ++k) {
        piece *p = &c->want[k];
        if (p->seen || strcmp(p->id, id) || p->t0 != num(e, "data-t0") || p->t1 != num(e, "data-t1") ||
            p->a0 != num(e, "data-a0") || p->a1 != num(e, "data-a1"))
            continue;
        p->seen = true;
        if (!placed(c, e, p)) ++c->misplaced;
        return;
    }
    ++c->unmatched;
}

/* Occupancy pieces straight from the model's definition. */
static size_t expected_pieces(const mc_problem *p, const int64_t *off, piece *out)
{
    size_t count = 0;
    for (size_t i = 0; i < mc_problem_count(p); ++i) {
        const mc_buffer *b = mc_problem_buffer(p, i);
        int64_t t = b->lower;
        for (size_t g = 0; g <= b->gap_count; ++g) {
            int64_t stop = g < b->gap_count ? b->gaps[g].lower : b->upper;
            if (stop > t && b->size > 0) out[count++] = (piece){"", t, stop, off[i], off[i] + b->size, false};
            if (stop > t && b->size > 0) snprintf(out[count - 1].id, sizeof out->id, "%s", b->id);
            if (g == b->gap_count) break;
            const mc_gap *gap = &b->gaps[g];
            if (gap->has_window && gap->window_upper > gap->window_lower) {
                out[count] = (piece){"", gap->lower, gap->upper, off[i] + gap->window_lower,
                                     off[i] + gap->window_upper, false};
                snprintf(out[count++].id, sizeof out->id, "%s", b->id);
            }
            t = gap->upper;
        }
    }
    return count;
}

static char *render(const mc_problem *p, const int64_t *off, int64_t capacity, const mc_barriers *bars)
{
    FILE *f = tmpfile();
    mc_error err;
    CHECK(f != NULL);
    if (!f) return NULL;
    CHECK(mc_svg_write(p, off, capacity, bars, f, &err) == MC_OK);
    long size = ftell(f);
    rewind(f);
    char *text = malloc((size_t)size + 1);
    if (text && fread(text, 1, (size_t)size, f) == (size_t)size) text[size] = '\0';
    fclose(f);
    return text;
}

static void small_layout(void)
{
    mc_error err;
    mc_problem *p = mc_problem_create();
    mc_gap gaps[] = {{2, 4, false, 0, 0}, {5, 7, true, 1, 3}};
    mc_buffer a = mc_buffer_make("a<&\"'>", 0, 9, 4), b = mc_buffer_make("b", 2, 4, 3),
              c = mc_buffer_make("zero", 1, 3, 0), d = mc_buffer_make("d", 9, 12, 6);
    a.gaps = gaps;
    a.gap_count = 2;
    CHECK(mc_problem_add(p, &a, &err) == MC_OK && mc_problem_add(p, &b, &err) == MC_OK);
    CHECK(mc_problem_add(p, &c, &err) == MC_OK && mc_problem_add(p, &d, &err) == MC_OK);
    int64_t off[] = {0, 1, 0, 2}, at[] = {1, 8};
    mc_barriers bars = {at, 2};
    CHECK(mc_validate(p, 10, off, NULL, &err) == MC_OK);
    char *text = render(p, off, 10, &bars);
    piece want[16];
    collected got = {want, expected_pieces(p, off, want), 0, 0, 0, 0, 0, 0, 0.0, 0, 12, 10, 0};
    char why[128] = "";
    bool ok = text && xml_check(text, visit, &got, why, sizeof why);
    if (!ok) fprintf(stderr, "  not well-formed: %s\n", why);
    CHECK(ok);
    CHECK_EQ_I64(got.want_count, 6); /* a: 3 full pieces + 1 window; b; d; zero: none */
    CHECK_EQ_I64(got.rects, 6);
    CHECK_EQ_I64(got.unmatched, 0);
    CHECK_EQ_I64(got.misplaced, 0);
    for (size_t k = 0; k < got.want_count; ++k) CHECK(want[k].seen);
    CHECK_EQ_I64(got.barriers, 2);
    CHECK_EQ_I64(got.capacity_lines, 1);
    CHECK_EQ_I64(got.capacity, 10);
    CHECK_EQ_I64(got.polylines, 1);
    /* The live-size line peaks at LOAD (6: d alone at the end). */
    double load_y = 660.0 - (double)mc_problem_load(p) * 600.0 / 10.0;
    if (fabs(got.live_top - load_y) >= 0.02) fprintf(stderr, "  live top %.2f, LOAD at %.2f\n", got.live_top, load_y);
    CHECK(fabs(got.live_top - load_y) < 0.02);
    CHECK(text && strstr(text, ">b</text>") != NULL); /* labelled: wide enough */
    free(text);
    /* The checker itself must reject what is not well-formed. */
    CHECK(!xml_check("<svg><rect></svg>", NULL, NULL, why, sizeof why));
    CHECK(!xml_check("<svg a=\"1\" a=\"2\"/>", NULL, NULL, why, sizeof why));
    CHECK(!xml_check("<svg>&bogus;</svg>", NULL, NULL, why, sizeof why));
    CHECK(!xml_check("<svg/><svg/>", NULL, NULL, why, sizeof why));
    mc_problem_destroy(p);
}

/* 100k buffers: every rectangle present, labels dropped, quick. */
static void large_layout(void)
{
    enum { N = 100000 };
    mc_problem *p = mc_problem_create();
    int64_t *off = malloc(N * sizeof(int64_t));
    mc_error err;
    uint64_t s = 1;
    for (int i = 0; i < N; ++i) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        int64_t lower = (int64_t)(s >> 44) % 50000, len = 1 + (int64_t)(s >> 20) % 200;
        char id[16];
        snprintf(id, sizeof id, "n%d", i);
        mc_buffer b = mc_buffer_make(id, lower, lower + len, 1 + (int64_t)(s >> 33) % 64);
        CHECK(mc_problem_add(p, &b, &err) == MC_OK);
        off[i] = (int64_t)(s >> 12) % 100000; /* a wrong layout still draws */
    }
    clock_t start = clock();
    char *text = render(p, off, 50000, NULL);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    collected got = {NULL, 0, 0, 0, 0, 0, 0, 0, 0.0, 0, 0, 0, 0};
    char why[128] = "";
    CHECK(text && xml_check(text, visit, &got, why, sizeof why));
    CHECK_EQ_I64(got.rects, N);
    CHECK(text && strstr(text, "</text>\n<rect") == NULL); /* too small for labels */
    printf("100k buffers: %.2f s, %.1f MB\n", seconds, text ? (double)strlen(text) / 1e6 : 0.0);
    CHECK(seconds < 10.0);
    free(text);
    free(off);
    mc_problem_destroy(p);
}

static void files_and_misuse(void)
{
    mc_error err;
    mc_problem *p = mc_problem_create();
    mc_buffer b = mc_buffer_make("x", 0, 2, 4);
    CHECK(mc_problem_add(p, &b, &err) == MC_OK);
    int64_t off[] = {0}, bad[] = {-4};
    char dir[] = "/tmp/mc_svg_test_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64], other[64];
    snprintf(path, sizeof path, "%s/out.svg", dir);
    snprintf(other, sizeof other, "%s/missing/out.svg", dir);
    CHECK(mc_svg_write_file(p, off, 8, NULL, path, &err) == MC_OK);
    CHECK(access(path, R_OK) == 0);
    /* A failed write leaves the previous picture and no temporary behind. */
    CHECK(mc_svg_write_file(p, bad, 8, NULL, path, &err) == MC_ERR_INVALID);
    CHECK(strstr(err.message, "'x'") != NULL);
    FILE *f = fopen(path, "r");
    char head[6] = "";
    CHECK(f && fread(head, 1, 5, f) == 5 && !strcmp(head, "<?xml"));
    if (f) fclose(f);
    CHECK(mc_svg_write_file(p, off, 8, NULL, other, &err) == MC_ERR_IO);
    CHECK(strstr(err.message, "missing/out.svg") != NULL);
    CHECK(mc_svg_write(p, off, 0, NULL, stdout, &err) == MC_ERR_INVALID);
    int64_t unsorted[] = {3, 2};
    CHECK(mc_svg_write(p, off, 8, &(mc_barriers){unsorted, 2}, stdout, &err) == MC_ERR_INVALID);
    remove(path);
    CHECK(rmdir(dir) == 0); /* empty: no temporary left over */
    mc_problem_destroy(p);
}

int main(void)
{
    small_layout();
    large_layout();
    files_and_misuse();
    return mc_test_finish("svg");
}
