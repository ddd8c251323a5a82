/* kizuna/export.h - a structure and the tracks a node holds, as a map: GeoJSON or KML. */
#ifndef KIZUNA_EXPORT_H
#define KIZUNA_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "kizuna/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The latest a node knows of one track, with its marking. */
struct kz_map_track {
    char id[32]; /* the track id */
    double lat, lon, alt_m;
    char cls[4];          /* U, C, S or TS */
    char releasable[256]; /* the nations it is releasable to, ids comma-separated ("" none) */
    char marking[300];    /* as `kizuna journal` prints it: "S//REL TO USA, JPN" */
    char from[64];        /* the node it was received from; "" when this node sent it */
    int64_t wall_ns;      /* when (CLOCK_REALTIME) */
    int64_t seq;          /* the journal event it comes from */
};

struct kz_map_tracks {
    struct kz_map_track *v; /* by track id */
    size_t n;
};

/*
 * The tracks node `node` holds according to its journal (DIR/NODE.db, read only): for every
 * track id it sent or received (refused ones are not held), the latest position and marking.
 * `m` names the nations. Returns 0 with *out the caller's (kz_map_tracks_free), or KZ_EINVAL
 * (no node `node` in m, err suggests one), KZ_ENOTFOUND (no journal of it in DIR), KZ_EIO (not
 * a kizuna journal, unreadable), KZ_ENOMEM; err says what.
 */
int kz_journal_tracks(const char *journal_dir, const char *node, const kz_model *m,
                      struct kz_map_tracks *out, char *err, size_t errlen);
void kz_map_tracks_free(struct kz_map_tracks *t);

enum kz_map_format { KZ_MAP_GEOJSON, KZ_MAP_KML };

/*
 * Writes the map to `path` ("-": stdout):
 *  - every node of the structure as a point at its location, with its id, name, kind,
 *    nation and grade;
 *  - every relation as a line from one node to the other, with its type and phases;
 *  - with `tracks` (may be NULL), the tracks node `as` holds, as points with their
 *    classification, releasability and marking.
 * GeoJSON (RFC 7946) is one FeatureCollection whose features say `"feature": "node"`,
 * `"relation"` or `"track"` in their properties; KML 2.2 is a Document with one Folder for
 * each (docs/tak.md, "Map exports"). Returns 0, or KZ_EIO (the file cannot be written) or
 * KZ_ENOMEM with err.
 */
int kz_export_map(const kz_model *m, const char *as, const struct kz_map_tracks *tracks,
                  enum kz_map_format format, const char *path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
