/* The picture: frame and axes, one rectangle per occupancy piece, the
 * capacity line, the live-size line and the barriers. Rectangles carry
 * their exact integers so that a picture can be checked, not just seen. */
#include <inttypes.h>
#include <string.h>

#include "planner/problem_internal.h"
#include "svg/svg_internal.h"

double mc_svg_x(const mc_svg_frame *f, double t)
{
    return MC_SVG_MARGIN + (t - (double)f->t_min) * MC_SVG_PLOT_WIDTH / (double)(f->t_max - f->t_min);
}

double mc_svg_y(const mc_svg_frame *f, double address)
{
    return MC_SVG_MARGIN + MC_SVG_PLOT_HEIGHT - address * MC_SVG_PLOT_HEIGHT / (double)f->a_max;
}

static void write_escaped(FILE *out, const char *text)
{
    for (; *text; ++text) {
        switch (*text) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            /* Control characters are not allowed in XML 1.0 at all. */
            if ((unsigned char)*text >= 0x20 || *text == '\t') fputc(*text, out);
            else fputc('?', out);
        }
    }
}

typedef struct piece_context {
    FILE *out;
    const mc_svg_frame *frame;
    const mc_buffer *buffer;
    int64_t offset;
    size_t index;
} piece_context;

static void write_label(const piece_context *c, double x, double y, double w, double h)
{
    /* About 5 units per character at font size 8; skip what cannot fit. */
    double text_width = 5.0 * (double)strlen(c->buffer->id);
    if (w < text_width + 2.0 || h < 9.0) return;
    fprintf(c->out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"8\" text-anchor=\"middle\" dominant-baseline=\"middle\">",
            x + w / 2.0, y + h / 2.0);
    write_escaped(c->out, c->buffer->id);
    fputs("</text>\n", c->out);
}

static void write_piece(void *context, int64_t t0, int64_t t1, int64_t w0, int64_t w1)
{
    const piece_context *c = context;
    int64_t a0 = c->offset + w0, a1 = c->offset + w1;
    double x = mc_svg_x(c->frame, (double)t0), w = mc_svg_x(c->frame, (double)t1) - x;
    double y = mc_svg_y(c->frame, (double)a1), h = mc_svg_y(c->frame, (double)a0) - y;
    /* Golden-angle hues: neighbours in input order get distinct colours. */
    double hue = (double)(c->index % 360) * 137.508;
    hue -= 360.0 * (double)(int64_t)(hue / 360.0);
    fprintf(c->out, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"hsl(%.0f,60%%,72%%)\" "
                    "stroke=\"#333\" stroke-width=\"0.3\" data-id=\"", x, y, w, h, hue);
    write_escaped(c->out, c->buffer->id);
    fprintf(c->out, "\" data-t0=\"%" PRId64 "\" data-t1=\"%" PRId64 "\" data-a0=\"%" PRId64 "\" data-a1=\"%" PRId64
                    "\"><title>", t0, t1, a0, a1);
    write_escaped(c->out, c->buffer->id);
    fprintf(c->out, ": time [%" PRId64 ", %" PRId64 "), addresses [%" PRId64 ", %" PRId64 "), size %" PRId64
                    "</title></rect>\n", t0, t1, a0, a1, c->buffer->size);
    write_label(c, x, y, w, h);
}

/* Time spans every lifetime and barrier; addresses run to the larger of
 * the capacity and the layout's height. */
static mc_status make_frame(const mc_problem *p, const int64_t *offsets, int64_t capacity, const mc_barriers *bars,
                            mc_svg_frame *f, mc_error *err)
{
    size_t n = mc_problem_count(p), nb = bars ? bars->count : 0;
    *f = (mc_svg_frame){INT64_MAX, INT64_MIN, capacity};
    for (size_t i = 0; i < n; ++i) {
        const mc_buffer *b = mc_problem_buffer(p, i);
        if (offsets[i] < 0 || offsets[i] > INT64_MAX - b->size)
            return mc_error_set(err, MC_ERR_INVALID, "svg: buffer '%s': offset %" PRId64 " is out of range", b->id,
                                offsets[i]);
        if (offsets[i] + b->size > f->a_max) f->a_max = offsets[i] + b->size;
        if (b->lower < f->t_min) f->t_min = b->lower;
        if (b->upper > f->t_max) f->t_max = b->upper;
    }
    if (nb && bars->positions[0] < f->t_min) f->t_min = bars->positions[0];
    if (nb && bars->positions[nb - 1] >= f->t_max) f->t_max = bars->positions[nb - 1] + 1;
    if (f->t_min > f->t_max) f->t_min = 0, f->t_max = 1;
    if (f->t_max == f->t_min) f->t_max = f->t_min + 1;
    return MC_OK;
}

static void write_frame(const mc_svg_frame *f, int64_t capacity, FILE *out)
{
    double width = MC_SVG_PLOT_WIDTH + 2 * MC_SVG_MARGIN, height = MC_SVG_PLOT_HEIGHT + 2 * MC_SVG_MARGIN;
    double left = MC_SVG_MARGIN, bottom = MC_SVG_MARGIN + MC_SVG_PLOT_HEIGHT;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                 "font-family=\"sans-serif\">\n<rect class=\"background\" width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    fprintf(out, "<path class=\"axes\" d=\"M%.2f %.2f V%.2f H%.2f\" fill=\"none\" stroke=\"black\"/>\n", left,
            MC_SVG_MARGIN, bottom, left + MC_SVG_PLOT_WIDTH);
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%" PRId64 "</text>\n", left,
            bottom + 14, f->t_min);
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"middle\">%" PRId64 "</text>\n",
            left + MC_SVG_PLOT_WIDTH, bottom + 14, f->t_max);
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" text-anchor=\"middle\">time</text>\n",
            left + MC_SVG_PLOT_WIDTH / 2, bottom + 30);
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"end\">0</text>\n", left - 4, bottom);
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"10\" text-anchor=\"end\">%" PRId64 "</text>\n", left - 4,
            MC_SVG_MARGIN + 4, f->a_max);
    fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" text-anchor=\"middle\" "
                 "transform=\"rotate(-90 %.2f %.2f)\">address</text>\n",
            left - 40, MC_SVG_MARGIN + MC_SVG_PLOT_HEIGHT / 2, left - 40, MC_SVG_MARGIN + MC_SVG_PLOT_HEIGHT / 2);
    double cy = mc_svg_y(f, (double)capacity);
    fprintf(out, "<line class=\"capacity\" data-capacity=\"%" PRId64 "\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
                 "y2=\"%.2f\" stroke=\"red\" stroke-dasharray=\"6 3\"><title>capacity %" PRId64 "</title></line>\n",
            capacity, left, cy, left + MC_SVG_PLOT_WIDTH, cy, capacity);
}

static void write_barriers(const mc_svg_frame *f, const mc_barriers *bars, FILE *out)
{
    for (size_t k = 0; bars && k < bars->count; ++k) {
        double x = mc_svg_x(f, (double)bars->positions[k] + 0.5);
        fprintf(out, "<line class=\"barrier\" data-position=\"%" PRId64 "\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
                     "y2=\"%.2f\" stroke=\"blue\" stroke-width=\"0.8\"><title>barrier at %" PRId64 "</title></line>\n",
                bars->positions[k], x, MC_SVG_MARGIN, x, MC_SVG_MARGIN + MC_SVG_PLOT_HEIGHT, bars->positions[k]);
    }
}

mc_status mc_svg_write(const mc_problem *problem, const int64_t *offsets, int64_t capacity,
                       const mc_barriers *barriers, FILE *out, mc_error *err)
{
    if (!problem || !offsets || !out) return mc_error_set(err, MC_ERR_INVALID, "mc_svg_write: expected a problem, offsets and a stream");
    if (capacity <= 0) return mc_error_set(err, MC_ERR_INVALID, "svg: capacity: expected a positive integer, got %" PRId64, capacity);
    mc_status status = mc_barriers_check(barriers, err);
    mc_svg_frame frame;
    if (status == MC_OK) status = make_frame(problem, offsets, capacity, barriers, &frame, err);
    if (status != MC_OK) return status;
    write_frame(&frame, capacity, out);
    fputs("<g class=\"buffers\">\n", out);
    for (size_t i = 0; i < mc_problem_count(problem); ++i) {
        piece_context c = {out, &frame, mc_problem_buffer(problem, i), offsets[i], i};
        mc_occupancy_pieces(c.buffer, write_piece, &c);
    }
    fputs("</g>\n", out);
    status = mc_svg_write_profile(problem, &frame, out, err);
    write_barriers(&frame, barriers, out);
    fputs("</svg>\n", out);
    if (status == MC_OK && ferror(out)) status = mc_error_set(err, MC_ERR_IO, "svg: writing the picture failed");
    return status;
}
