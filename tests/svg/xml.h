/* A small XML well-formedness checker for the SVG tests: one root, tags
 * balanced and properly nested, attributes quoted and unique, only the five
 * predefined entities (and numeric ones), no raw '<' or '&' in text. Each
 * start tag is reported with its attributes, entities decoded. */
#ifndef MC_TEST_XML_H
#define MC_TEST_XML_H

#include <stdbool.h>
#include <stddef.h>

#define XML_MAX_ATTRS 16

typedef struct xml_element {
    char name[32];
    size_t attr_count;
    char attr_name[XML_MAX_ATTRS][32];
    char attr_value[XML_MAX_ATTRS][4096];
} xml_element;

typedef void (*xml_visit)(const xml_element *element, void *context);

/* Returns true when `text` is well-formed; otherwise false and `why` says
 * where. */
bool xml_check(const char *text, xml_visit visit, void *context, char *why, size_t why_size);

/* The value of attribute `name`, or NULL. */
const char *xml_attr(const xml_element *element, const char *name);

#endif
