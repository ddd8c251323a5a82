/* export_geojson.c - the map as one GeoJSON FeatureCollection (RFC 7946), through jansson. */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "export_map.h"
#include "kizuna/error.h"
#include "kizuna/json.h"
#include "kizuna/util.h"

/* [lon, lat] or [lon, lat, alt]: RFC 7946 puts longitude first. */
static json_t *position(double lat, double lon, const double *alt)
{
    json_t *a = json_array();
    bool ok = kz_json_push(a, kz_json_num(lon)) && kz_json_push(a, kz_json_num(lat));
    if (ok && alt)
        ok = kz_json_push(a, kz_json_num(*alt));
    if (!ok) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *feature(json_t *geometry, json_t *props)
{
    json_t *f = json_object();
    bool ok = true;
    kz_json_set(f, "type", json_string("Feature"), &ok);
    kz_json_set(f, "geometry", geometry, &ok);
    kz_json_set(f, "properties", props, &ok);
    if (!ok) {
        json_decref(f);
        return NULL;
    }
    return f;
}

static json_t *geometry(const char *type, json_t *coordinates)
{
    json_t *g = json_object();
    bool ok = true;
    kz_json_set(g, "type", json_string(type), &ok);
    kz_json_set(g, "coordinates", coordinates, &ok);
    if (!ok) {
        json_decref(g);
        return NULL;
    }
    return g;
}

/* "a,b" -> ["a", "b"]; "" -> []. */
static json_t *list(const char *csv)
{
    json_t *a = json_array();
    for (const char *p = csv; a && *p;) {
        size_t n = strcspn(p, ",");
        if (!kz_json_push(a, json_stringn(p, n))) {
            json_decref(a);
            return NULL;
        }
        p += n + (p[n] == ',');
    }
    return a;
}

static json_t *node_feature(const struct kz_model *m, const struct node *nd)
{
    json_t *pr = json_object();
    bool ok = true;
    kz_json_set(pr, "feature", json_string("node"), &ok);
    kz_json_set(pr, "id", kz_json_str(nd->id), &ok);
    kz_json_set(pr, "name", kz_json_str(nd->name), &ok);
    kz_json_set(pr, "kind", kz_json_str(kz_node_kind_names[nd->kind]), &ok);
    kz_json_set(pr, "nation", kz_json_str(m->nations[nd->nation].id), &ok);
    kz_json_set(pr, "grade", kz_json_str(map_grade(nd)), &ok);
    if (!ok) {
        json_decref(pr);
        return NULL;
    }
    return feature(geometry("Point", position(nd->lat, nd->lon, NULL)), pr);
}

static json_t *relation_feature(const struct kz_model *m, const struct relation *r)
{
    const struct node *a = &m->nodes[r->from], *b = &m->nodes[r->to];
    char ph[1024];
    map_phases(m, r->phases, ph, sizeof ph);
    json_t *line = json_array(), *pr = json_object();
    bool ok = kz_json_push(line, position(a->lat, a->lon, NULL)) &&
              kz_json_push(line, position(b->lat, b->lon, NULL));
    kz_json_set(pr, "feature", json_string("relation"), &ok);
    kz_json_set(pr, "type", kz_json_str(kz_rel_type_names[r->type]), &ok);
    kz_json_set(pr, "from", kz_json_str(a->id), &ok);
    kz_json_set(pr, "to", kz_json_str(b->id), &ok);
    kz_json_set(pr, "phases", list(ph), &ok);
    if (!ok) {
        json_decref(line);
        json_decref(pr);
        return NULL;
    }
    return feature(geometry("LineString", line), pr);
}

static json_t *track_feature(const char *as, const struct kz_map_track *t)
{
    char when[40];
    map_time(t->wall_ns, when, sizeof when);
    json_t *pr = json_object();
    bool ok = true;
    kz_json_set(pr, "feature", json_string("track"), &ok);
    kz_json_set(pr, "id", kz_json_str(t->id), &ok);
    kz_json_set(pr, "classification", kz_json_str(t->cls), &ok);
    kz_json_set(pr, "releasable", list(t->releasable), &ok);
    kz_json_set(pr, "marking", kz_json_str(t->marking), &ok);
    kz_json_set(pr, "held_by", kz_json_str(as), &ok);
    kz_json_set(pr, "from", t->from[0] ? kz_json_str(t->from) : json_null(), &ok);
    kz_json_set(pr, "time", kz_json_str(when), &ok);
    if (!ok) {
        json_decref(pr);
        return NULL;
    }
    return feature(geometry("Point", position(t->lat, t->lon, &t->alt_m)), pr);
}

int map_geojson(const struct map *p, FILE *f, char *err, size_t errlen)
{
    const struct kz_model *m = p->m;
    json_t *doc = json_object(), *fs = json_array();
    bool ok = true;
    kz_json_set(doc, "type", json_string("FeatureCollection"), &ok);
    kz_json_set(doc, "name", kz_json_str(m->name), &ok);
    for (size_t i = 0; ok && i < m->nnodes; i++)
        ok = kz_json_push(fs, node_feature(m, &m->nodes[i]));
    for (size_t i = 0; ok && i < m->nrelations; i++)
        ok = kz_json_push(fs, relation_feature(m, &m->relations[i]));
    for (size_t i = 0; ok && p->tracks && i < p->tracks->n; i++)
        ok = kz_json_push(fs, track_feature(p->as, &p->tracks->v[i]));
    kz_json_set(doc, "features", fs, &ok);
    if (!ok) {
        json_decref(doc);
        kz_set_err(err, errlen, "out of memory");
        return KZ_ENOMEM;
    }
    int rc = kz_json_write(f, doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (rc == KZ_EIO)
        kz_set_err(err, errlen, "cannot write the GeoJSON: %s", strerror(errno));
    else if (rc)
        kz_set_err(err, errlen, "out of memory");
    return rc;
}
