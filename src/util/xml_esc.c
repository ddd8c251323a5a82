/* xml_esc.c - xml_entity: the one escaping rule for the XML kizuna writes. */
#include <stddef.h>

#include "util/xml_esc.h"

const char *xml_entity(unsigned char c, bool attr)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '\r':
        return "&#13;";
    case '"':
        return attr ? "&quot;" : NULL;
    case '\'':
        return attr ? "&apos;" : NULL;
    case '\n':
        return attr ? "&#10;" : NULL;
    case '\t':
        return attr ? "&#9;" : NULL;
    default:
        return NULL;
    }
}
