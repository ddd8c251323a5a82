/* journal_tracks.c - the tracks a node holds, from its journal, for the map export (export.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/export.h"
#include "kizuna/live.h"
#include "kizuna/util.h"

/* Open addressing on the track id: a journal holds many updates of few tracks. */
struct held {
    struct kz_map_track *v;
    size_t n, cap; /* cap is a power of two; at most half full */
    bool oom;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct kz_map_track *slot(struct held *H, const char *id)
{
    for (size_t i = (size_t)fnv1a(id) & (H->cap - 1);; i = (i + 1) & (H->cap - 1))
        if (!H->v[i].id[0] || !strcmp(H->v[i].id, id))
            return &H->v[i];
}

static bool grow(struct held *H)
{
    size_t cap = H->cap ? H->cap * 2 : 64;
    struct kz_map_track *old = H->v;
    size_t oldcap = H->cap;
    if (!(H->v = calloc(cap, sizeof *H->v))) {
        H->v = old;
        return false;
    }
    H->cap = cap;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id[0])
            *slot(H, old[i].id) = old[i];
    free(old);
    return true;
}

/* "S//REL TO USA, JPN" -> "USA,JPN"; "S" -> "". */
static void releasable_of(const char *marking, char *out, size_t n)
{
    const char *p = marking ? strstr(marking, "//REL TO ") : NULL;
    size_t k = 0;
    for (p = p ? p + 9 : ""; *p && k + 1 < n; p++)
        if (*p != ' ')
            out[k++] = *p;
    out[k] = '\0';
}

static int on_event(void *ctx, const struct kz_journal_event *e)
{
    struct held *H = ctx;
    bool got = !strcmp(e->what, "received");
    if (!e->track_id || !*e->track_id || !e->kind || strcmp(e->kind, "track") ||
        (!got && strcmp(e->what, "sent")))
        return 0;
    if ((H->n + 1) * 2 > H->cap && !grow(H)) {
        H->oom = true;
        return 1;
    }
    struct kz_map_track *t = slot(H, e->track_id);
    if (!t->id[0])
        H->n++;
    snprintf(t->id, sizeof t->id, "%s", e->track_id);
    t->lat = e->lat;
    t->lon = e->lon;
    t->alt_m = e->alt_m;
    snprintf(t->cls, sizeof t->cls, "%s", e->cls ? e->cls : "");
    snprintf(t->marking, sizeof t->marking, "%s", e->marking ? e->marking : t->cls);
    releasable_of(e->marking, t->releasable, sizeof t->releasable);
    snprintf(t->from, sizeof t->from, "%s", got && e->peer ? e->peer : "");
    t->wall_ns = e->wall_ns;
    t->seq = e->seq;
    return 0;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const struct kz_map_track *)a)->id, ((const struct kz_map_track *)b)->id);
}

int kz_journal_tracks(const char *journal_dir, const char *node, const kz_model *m,
                      struct kz_map_tracks *out, char *err, size_t errlen)
{
    if (!journal_dir || !node || !m || !out) {
        kz_set_err(err, errlen, "kz_journal_tracks: no journal directory, node or structure");
        return KZ_EINVAL;
    }
    out->v = NULL;
    out->n = 0;
    int rc = kz_live_node_check(journal_dir, node, m, err, errlen);
    if (rc != 0)
        return rc;
    size_t plen = strlen(journal_dir) + strlen(node) + 5;
    char *path = malloc(plen);
    if (!path) {
        kz_set_err(err, errlen, "out of memory");
        return KZ_ENOMEM;
    }
    snprintf(path, plen, "%s/%s.db", journal_dir, node);
    struct held H = {0};
    int64_t last = 0;
    rc = grow(&H) ? kz_journal_each(path, m, NULL, &last, on_event, &H, err, errlen) : 1;
    free(path);
    if (rc == 1 || H.oom) {
        kz_set_err(err, errlen, "out of memory");
        rc = KZ_ENOMEM;
    }
    if (rc != 0) {
        free(H.v);
        return rc;
    }
    /* Packed and in id order, so the map lists them the same way every time. */
    size_t k = 0;
    for (size_t i = 0; i < H.cap; i++)
        if (H.v[i].id[0])
            H.v[k++] = H.v[i];
    qsort(H.v, k, sizeof *H.v, by_id);
    out->v = H.v;
    out->n = k;
    return 0;
}

void kz_map_tracks_free(struct kz_map_tracks *t)
{
    if (!t)
        return;
    free(t->v);
    t->v = NULL;
    t->n = 0;
}
