/* export_map.h - internal to the map export (export_map.c, export_geojson.c, export_kml.c). */
#ifndef KZ_EXPORT_MAP_H
#define KZ_EXPORT_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kizuna/export.h"
#include "model/model_impl.h"

/* What one map shows; the writers read the model for nodes and relations. */
struct map {
    const struct kz_model *m;
    const char *as;                     /* the node whose tracks these are, or NULL */
    const struct kz_map_tracks *tracks; /* NULL: none */
};

/* The phase ids of `mask`, comma-separated, into buf ("" for none). */
void map_phases(const struct kz_model *m, phase_mask mask, char *buf, size_t n);
/* A wall time as ISO 8601 UTC, "2026-01-01T12:00:00.250Z". */
void map_time(int64_t ns, char *buf, size_t n);
/* The grade's name, or NULL for none. */
const char *map_grade(const struct node *nd);

/* The documents, written to f; 0, KZ_ENOMEM or KZ_EIO with err. */
int map_geojson(const struct map *p, FILE *f, char *err, size_t errlen);
int map_kml(const struct map *p, FILE *f, char *err, size_t errlen);

#endif
