/* xml_esc.h - the one rule for escaping text kizuna writes into XML (CoT events, DDS Security
 * governance and permissions documents). */
#ifndef KZ_XML_ESC_H
#define KZ_XML_ESC_H

#include <stdbool.h>

/* What byte c becomes in XML, or NULL when it is written as itself. Always: & < > and CR (a
 * reader would turn a bare CR into LF). In an attribute value (attr) also " and ', and LF and
 * TAB, which a reader would otherwise normalise to spaces. Bytes from 0x80 up are NULL:
 * checking UTF-8 is the caller's. */
const char *xml_entity(unsigned char c, bool attr);

#endif
