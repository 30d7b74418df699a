#include "xml.h"

#include <stdio.h>
#include <string.h>

typedef struct parser {
    const char *s;
    size_t at;
    char stack[64][32];
    int depth, roots;
    char *why;
    size_t why_size;
} parser;

static bool fail(parser *p, const char *what)
{
    snprintf(p->why, p->why_size, "offset %zu: %s", p->at, what);
    return false;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == ':' || c == '.';
}

static void skip_space(parser *p)
{
    while (p->s[p->at] == ' ' || p->s[p->at] == '\n' || p->s[p->at] == '\t' || p->s[p->at] == '\r') ++p->at;
}

static bool read_name(parser *p, char *out)
{
    size_t n = 0;
    while (name_char(p->s[p->at])) {
        if (n + 1 >= 32) return fail(p, "name too long");
        out[n++] = p->s[p->at++];
    }
    out[n] = '\0';
    return n ? true : fail(p, "expected a name");
}

/* Decodes one entity at p->at (just after '&') into *out. */
static bool entity(parser *p, char *out)
{
    static const char *const names[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    static const char chars[] = "&<>\"'";
    for (int k = 0; k < 5; ++k)
        if (!strncmp(p->s + p->at, names[k], strlen(names[k]))) {
            p->at += strlen(names[k]);
            *out = chars[k];
            return true;
        }
    if (p->s[p->at] == '#') {
        while (p->s[p->at] && p->s[p->at] != ';') ++p->at;
        if (!p->s[p->at]) return fail(p, "unterminated character reference");
        ++p->at;
        *out = '?';
        return true;
    }
    return fail(p, "unknown entity");
}

static bool read_attribute(parser *p, xml_element *e)
{
    if (e->attr_count == XML_MAX_ATTRS) return fail(p, "too many attributes");
    char *name = e->attr_name[e->attr_count], *value = e->attr_value[e->attr_count];
    if (!read_name(p, name)) return false;
    for (size_t k = 0; k < e->attr_count; ++k)
        if (!strcmp(e->attr_name[k], name)) return fail(p, "duplicate attribute");
    skip_space(p);
    if (p->s[p->at++] != '=') return fail(p, "expected '='");
    skip_space(p);
    char quote = p->s[p->at++];
    if (quote != '"' && quote != '\'') return fail(p, "expected a quoted value");
    size_t n = 0;
    for (char c; (c = p->s[p->at]) != quote; ++n) {
        if (!c || c == '<') return fail(p, "bad character in an attribute value");
        ++p->at;
        if (c == '&' && !entity(p, &c)) return false;
        if (n + 1 < 4096) value[n] = c;
    }
    value[n < 4096 ? n : 4095] = 0;
    ++p->at;
    ++e->attr_count;
    return true;
}

static bool start_tag(parser *p, xml_visit visit, void *context)
{
    xml_element e;
    e.attr_count = 0;
    if (!read_name(p, e.name)) return false;
    for (;;) {
        size_t before = p->at;
        skip_space(p);
        char c = p->s[p->at];
        if (c == '/' || c == '>') break;
        if (p->at == before) return fail(p, "expected a space before an attribute");
        if (!read_attribute(p, &e)) return false;
    }
    if (p->depth == 0 && p->roots++) return fail(p, "more than one root element");
    if (visit) visit(&e, context);
    if (p->s[p->at] == '/') {
        if (p->s[++p->at] != '>') return fail(p, "expected '>' after '/'");
        ++p->at;
        return true;
    }
    ++p->at;
    if (p->depth == 64) return fail(p, "nested too deep");
    strcpy(p->stack[p->depth++], e.name);
    return true;
}

static bool end_tag(parser *p)
{
    char name[32];
    if (!read_name(p, name)) return false;
    skip_space(p);
    if (p->s[p->at++] != '>') return fail(p, "expected '>'");
    if (p->depth == 0 || strcmp(p->stack[p->depth - 1], name)) return fail(p, "mismatched end tag");
    --p->depth;
    return true;
}

bool xml_check(const char *text, xml_visit visit, void *context, char *why, size_t why_size)
{
    parser p = {text, 0, {{0}}, 0, 0, why, why_size};
    if (!strncmp(text, "<?xml", 5)) {
        const char *end = strstr(text, "?>");
        if (!end) return fail(&p, "unterminated declaration");
        p.at = (size_t)(end - text) + 2;
    }
    while (text[p.at]) {
        char c = text[p.at];
        if (c == '<') {
            ++p.at;
            bool ok = text[p.at] == '/' ? (++p.at, end_tag(&p)) : start_tag(&p, visit, context);
            if (!ok) return false;
        } else if (c == '&') {
            ++p.at;
            char decoded;
            if (!entity(&p, &decoded)) return false;
        } else {
            bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            if (p.depth == 0 && !space) return fail(&p, "text outside the root element");
            ++p.at;
        }
    }
    if (p.depth) return fail(&p, "unclosed element");
    return p.roots == 1 ? true : fail(&p, "no root element");
}

const char *xml_attr(const xml_element *e, const char *name)
{
    for (size_t k = 0; k < e->attr_count; ++k)
        if (!strcmp(e->attr_name[k], name)) return e->attr_value[k];
    return NULL;
}
