/* xml_esc.h - the one rule for escaping text kizuna writes into XML (CoT events, DDS Security
 * governance and permissions documents). Inline: the CoT writer calls it for every byte. */
#ifndef KZ_XML_ESC_H
#define KZ_XML_ESC_H

#include <stdbool.h>
#include <stddef.h>

/* What byte c becomes in XML, or NULL when it is written as itself. Always: & < > and CR (a
 * reader would turn a bare CR into LF). In an attribute value (attr) also " and ', and LF and
 * TAB, which a reader would otherwise normalise to spaces. Bytes from 0x80 up are NULL:
 * checking UTF-8 is the caller's. */
static inline const char *xml_entity(unsigned char c, bool attr)
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

#endif
