/* export_kml.c - the map as a KML 2.2 document, through libxml2's xmlTextWriter. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "export_map.h"
#include "kizuna/error.h"
#include "kizuna/util.h"

/* The writer with a sticky failure: the document is written whole, then checked once. */
struct kw {
    xmlTextWriterPtr w;
    bool bad;
};

static void start(struct kw *k, const char *el)
{
    k->bad = k->bad || xmlTextWriterStartElement(k->w, BAD_CAST el) < 0;
}

static void end(struct kw *k)
{
    k->bad = k->bad || xmlTextWriterEndElement(k->w) < 0;
}

/* <el>text</el>; the writer escapes the text. */
static void text_el(struct kw *k, const char *el, const char *text)
{
    k->bad = k->bad || xmlTextWriterWriteElement(k->w, BAD_CAST el, BAD_CAST(text ? text : "")) < 0;
}

/* <Data name="..."><value>v</value></Data>, the KML way to carry properties. */
static void data(struct kw *k, const char *name, const char *v)
{
    start(k, "Data");
    k->bad = k->bad || xmlTextWriterWriteAttribute(k->w, BAD_CAST "name", BAD_CAST name) < 0;
    text_el(k, "value", v);
    end(k);
}

/* KML coordinates are lon,lat[,alt]. */
static void coord(char *buf, size_t n, double lat, double lon, const double *alt)
{
    if (alt)
        snprintf(buf, n, "%.6f,%.6f,%.1f", lon, lat, *alt);
    else
        snprintf(buf, n, "%.6f,%.6f", lon, lat);
}

static void node_placemark(struct kw *k, const struct kz_model *m, const struct node *nd)
{
    char c[80];
    coord(c, sizeof c, nd->lat, nd->lon, NULL);
    start(k, "Placemark");
    text_el(k, "name", nd->id);
    text_el(k, "description", nd->name);
    start(k, "ExtendedData");
    data(k, "feature", "node");
    data(k, "kind", kz_node_kind_names[nd->kind]);
    data(k, "nation", m->nations[nd->nation].id);
    data(k, "grade", map_grade(nd) ? map_grade(nd) : "");
    end(k);
    start(k, "Point");
    text_el(k, "coordinates", c);
    end(k);
    end(k);
}

static void relation_placemark(struct kw *k, const struct kz_model *m, const struct relation *r)
{
    const struct node *a = &m->nodes[r->from], *b = &m->nodes[r->to];
    char c1[80], c2[80], line[170], name[200], ph[1024];
    coord(c1, sizeof c1, a->lat, a->lon, NULL);
    coord(c2, sizeof c2, b->lat, b->lon, NULL);
    snprintf(line, sizeof line, "%s %s", c1, c2);
    snprintf(name, sizeof name, "%s %s -> %s", kz_rel_type_names[r->type], a->id, b->id);
    map_phases(m, r->phases, ph, sizeof ph);
    start(k, "Placemark");
    text_el(k, "name", name);
    start(k, "ExtendedData");
    data(k, "feature", "relation");
    data(k, "type", kz_rel_type_names[r->type]);
    data(k, "from", a->id);
    data(k, "to", b->id);
    data(k, "phases", ph);
    end(k);
    start(k, "LineString");
    text_el(k, "tessellate", "1");
    text_el(k, "coordinates", line);
    end(k);
    end(k);
}

static void track_placemark(struct kw *k, const char *as, const struct kz_map_track *t)
{
    char c[100], when[40];
    coord(c, sizeof c, t->lat, t->lon, &t->alt_m);
    map_time(t->wall_ns, when, sizeof when);
    start(k, "Placemark");
    text_el(k, "name", t->id);
    text_el(k, "description", t->marking);
    start(k, "TimeStamp");
    text_el(k, "when", when);
    end(k);
    start(k, "ExtendedData");
    data(k, "feature", "track");
    data(k, "classification", t->cls);
    data(k, "releasable", t->releasable);
    data(k, "marking", t->marking);
    data(k, "held_by", as);
    data(k, "from", t->from);
    end(k);
    start(k, "Point");
    text_el(k, "altitudeMode", "absolute");
    text_el(k, "coordinates", c);
    end(k);
    end(k);
}

static void folder(struct kw *k, const char *name)
{
    start(k, "Folder");
    text_el(k, "name", name);
}

int map_kml(const struct map *p, FILE *f, char *err, size_t errlen)
{
    const struct kz_model *m = p->m;
    xmlBufferPtr buf = xmlBufferCreate();
    struct kw k = {buf ? xmlNewTextWriterMemory(buf, 0) : NULL, false};
    if (!k.w) {
        xmlBufferFree(buf);
        kz_set_err(err, errlen, "out of memory");
        return KZ_ENOMEM;
    }
    k.bad = xmlTextWriterSetIndent(k.w, 1) < 0 ||
            xmlTextWriterStartDocument(k.w, NULL, "UTF-8", NULL) < 0;
    start(&k, "kml");
    k.bad = k.bad || xmlTextWriterWriteAttribute(k.w, BAD_CAST "xmlns",
                                                 BAD_CAST "http://www.opengis.net/kml/2.2") < 0;
    start(&k, "Document");
    text_el(&k, "name", m->name);
    if (m->title)
        text_el(&k, "description", m->title);
    folder(&k, "Headquarters");
    for (size_t i = 0; i < m->nnodes; i++)
        node_placemark(&k, m, &m->nodes[i]);
    end(&k);
    folder(&k, "Relations");
    for (size_t i = 0; i < m->nrelations; i++)
        relation_placemark(&k, m, &m->relations[i]);
    end(&k);
    if (p->tracks) {
        char name[160];
        snprintf(name, sizeof name, "Tracks held by %s", p->as ? p->as : "");
        folder(&k, name);
        for (size_t i = 0; i < p->tracks->n; i++)
            track_placemark(&k, p->as, &p->tracks->v[i]);
        end(&k);
    }
    k.bad = k.bad || xmlTextWriterEndDocument(k.w) < 0; /* closes Document and kml */
    xmlFreeTextWriter(k.w);                             /* flushes into buf */
    int rc = 0;
    if (k.bad) {
        kz_set_err(err, errlen, "libxml2 could not write the KML");
        rc = KZ_ENOMEM;
    } else if (fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f) !=
               (size_t)xmlBufferLength(buf)) {
        kz_set_err(err, errlen, "cannot write the KML: %s", strerror(errno));
        rc = KZ_EIO;
    }
    xmlBufferFree(buf);
    return rc;
}
