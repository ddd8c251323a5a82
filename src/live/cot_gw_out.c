/* cot_gw_out.c - the CoT gateway's picture (newest per uid) and its fan-out, filtered per client.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cot_gw_impl.h"
#include "kizuna/error.h"
#include "node_impl.h"
#include "takproto.h"

/* A kizuna report as a TAK item: ATAK's spot map marker (ATAK, goatak and pytak use
 * b-m-p-s-m for a marked point), its text as remarks. */
#define REPORT_TYPE "b-m-p-s-m"

uint64_t gwo_hash(const char *uid)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)uid; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h < 2 ? h + 2 : h; /* 0 empty, 1 deleted */
}

struct gw_item_slot *gwo_find(struct cot_gw *g, const char *uid, uint64_t h)
{
    if (!g->piccap)
        return NULL;
    for (uint32_t i = (uint32_t)h & (g->piccap - 1);; i = (i + 1) & (g->piccap - 1)) {
        struct gw_item_slot *s = &g->pic[i];
        if (!s->h)
            return NULL;
        if (s->h == h && !strcmp(s->uid, uid))
            return s;
    }
}

/* What clients have queued of item s and not yet been sent is not sent (alerts always are). */
static void supersede(struct gw_item_slot *s)
{
    for (int k = 0; k < 2; k++) {
        struct gw_buf *old = k ? s->pb : s->xml;
        if (old && !old->alert)
            old->superseded = true;
    }
}

static void slot_clear(struct cot_gw *g, struct gw_item_slot *s)
{
    gws_unref(s->xml);
    gws_unref(s->pb);
    s->xml = s->pb = NULL;
    s->h = 1; /* a tombstone: probes go on past it */
    s->uid[0] = '\0';
    g->picn--;
}

/* Room for one more uid: the table rehashed to twice its size when 70 % of it is in use
 * (tombstones count). A client's picture cursor restarts (it may see an item twice). */
static int grow(struct cot_gw *g)
{
    if (g->piccap && (g->picused + 1) * 10 < g->piccap * 7)
        return 0;
    uint32_t cap = g->piccap ? g->piccap : 1024;
    while ((g->picn + 1) * 10 >= cap * 7 / 2)
        cap *= 2;
    struct gw_item_slot *v = calloc(cap, sizeof *v);
    if (!v)
        return KZ_ENOMEM;
    for (uint32_t i = 0; i < g->piccap; i++) {
        struct gw_item_slot *s = &g->pic[i];
        if (s->h < 2)
            continue;
        uint32_t k = (uint32_t)s->h & (cap - 1);
        while (v[k].h)
            k = (k + 1) & (cap - 1);
        v[k] = *s;
    }
    free(g->pic);
    g->pic = v;
    g->piccap = cap;
    g->picused = g->picn;
    for (size_t i = 0; i < g->nc; i++) /* still being sent the picture: from the start */
        if (!g->c[i]->pic_done)
            g->c[i]->pic_cursor = 0;
    return 0;
}

static struct gw_item_slot *slot_add(struct cot_gw *g, const char *uid, uint64_t h)
{
    if (grow(g))
        return NULL;
    uint32_t i = (uint32_t)h & (g->piccap - 1);
    while (g->pic[i].h >= 2)
        i = (i + 1) & (g->piccap - 1);
    struct gw_item_slot *s = &g->pic[i];
    if (!s->h)
        g->picused++;
    memset(s, 0, sizeof *s);
    s->h = h;
    snprintf(s->uid, sizeof s->uid, "%s", uid);
    g->picn++;
    return s;
}

/* An event encoded once per format; NULL when it does not fit (it is not sent at all). */
static struct gw_buf *encode(struct cot_gw *g, const struct cot_event *ev, bool proto, bool alert)
{
    size_t len = 0;
    int rc = proto ? takp_encode_frame(ev, (uint8_t *)g->xbuf, GW_WBUF, &len)
                   : cot_write(ev, g->xbuf, GW_WBUF, &len);
    return rc ? NULL : gws_buf(g->xbuf, len, alert);
}

/* The protobuf form of a picture item made while no client spoke protobuf: read back from its
 * XML (the writer's output parses back to the same event). */
static struct gw_buf *slot_pb(struct cot_gw *g, struct gw_item_slot *s)
{
    if (!s->pb && s->xml) {
        char why[200];
        const char *x = (const char *)s->xml->b;
        if (!cot_parse(x, s->xml->len, &g->ev2, why, sizeof why))
            s->pb = encode(g, &g->ev2, true, s->xml->alert);
    }
    return s->pb;
}

int gwo_offer(struct cot_gw *g, const struct cot_event *ev, int cls, uint64_t rel, uint64_t src,
              bool alert)
{
    uint64_t h = gwo_hash(ev->uid);
    struct gw_item_slot *s = gwo_find(g, ev->uid, h);
    if (s && ev->time_ms < s->time_ms)
        return 0; /* last write wins, by the event's own time */
    if (!s && g->picn >= GW_PIC_MAX) {
        gwo_expire(g, gws_now_ms());
        if (g->picn >= GW_PIC_MAX)
            return -1;
    }
    struct gw_buf *xml = encode(g, ev, false, alert);
    struct gw_buf *pb = g->nproto ? encode(g, ev, true, alert) : NULL;
    if (!xml || (g->nproto && !pb)) {
        gws_unref(xml);
        gws_unref(pb);
        return -1;
    }
    if (!s && !(s = slot_add(g, ev->uid, h))) {
        gws_unref(xml);
        gws_unref(pb);
        return KZ_ENOMEM;
    }
    /* what clients have queued of the older item and not yet been sent, they are not sent:
     * the newer one is queued behind it (alerts are never superseded) */
    supersede(s);
    gws_unref(s->xml);
    gws_unref(s->pb);
    s->xml = xml;
    s->pb = pb;
    s->cls = (uint8_t)cls;
    s->rel = rel;
    s->time_ms = ev->time_ms;
    s->stale_ms = ev->stale_ms;
    s->src = src;
    s->seq = ++g->upd;
    for (size_t i = 0; i < g->nc; i++) {
        struct gw_client *c = g->c[i];
        if (c->serial != src && gws_visible(c, cls, rel))
            gws_queue(g, c, c->proto ? pb : xml);
    }
    return 1;
}

/* True when client c is one that marti/dest entry d names. */
static bool named(const struct gw_client *c, const struct cot_dest *d)
{
    return (d->callsign[0] && !strcmp(d->callsign, c->id.callsign)) ||
           (d->uid[0] && c->self_uid[0] && !strcmp(d->uid, c->self_uid));
}

void gwo_direct(struct cot_gw *g, const struct cot_event *ev, int cls, uint64_t rel,
                const struct gw_client *from)
{
    struct gw_buf *b[2] = {NULL, NULL};
    for (size_t i = 0; i < g->nc; i++) {
        struct gw_client *c = g->c[i];
        if (c == from || !gws_visible(c, cls, rel))
            continue;
        bool hit = false;
        for (int k = 0; k < ev->ndest && !hit; k++)
            hit = named(c, &ev->dest[k]);
        if (!hit)
            continue;
        if (!b[c->proto] && !(b[c->proto] = encode(g, ev, c->proto, false)))
            continue;
        gws_queue(g, c, b[c->proto]);
    }
    gws_unref(b[0]);
    gws_unref(b[1]);
}

const char *gwo_delete(struct cot_gw *g, const struct cot_event *ev, const struct gw_client *from)
{
    struct gw_item_slot *s = gwo_find(g, ev->link_uid, gwo_hash(ev->link_uid));
    if (!s)
        return NULL; /* gone already (expired, or deleted by another): nothing to do */
    if (!s->src)
        return "an item of the alliance network: a TAK client cannot delete it";
    if (!gws_visible(from, s->cls, s->rel))
        return "an item this client may not see";
    /* the delete goes where the item went, and is never dropped: a client that kept the
     * item would show it until its stale time. It is the gateway's own t-x-d-d, naming only
     * the item: nothing of what the client sent with it (its uid, remarks, detail, marking)
     * travels on, since it was never put through the marking rule and the item's readers
     * are not the sender's. */
    const char *me = g->m->nodes[g->me].id;
    char uid[COT_UID_MAX];
    snprintf(uid, sizeof uid, "kizuna-%s-delete-%" PRIu64, me, ++g->ndel);
    struct cot_event *d = &g->ev2;
    cot_delete(uid, ev->link_uid, gws_now_ms(), d);
    snprintf(d->flow_add, sizeof d->flow_add, "%s", me);
    /* copies of the item queued and not yet written are not written: the delete, queued as
     * control, would otherwise overtake them and the item stay on the map until stale */
    supersede(s);
    struct gw_buf *b[2] = {NULL, NULL};
    for (size_t i = 0; i < g->nc; i++) {
        struct gw_client *c = g->c[i];
        if (c == from || !gws_visible(c, s->cls, s->rel))
            continue;
        if (!b[c->proto] && !(b[c->proto] = encode(g, d, c->proto, true)))
            continue;
        gws_queue(g, c, b[c->proto]);
    }
    gws_unref(b[0]);
    gws_unref(b[1]);
    slot_clear(g, s);
    return NULL;
}

void gwo_expire(struct cot_gw *g, int64_t now_ms)
{
    for (uint32_t i = 0; i < g->piccap; i++)
        if (g->pic[i].h >= 2 && g->pic[i].stale_ms < now_ms)
            slot_clear(g, &g->pic[i]);
}

void gwo_picture_more(struct cot_gw *g, struct gw_client *c)
{
    int64_t now = gws_now_ms();
    while (c->st == GS_OPEN && c->sa.n < c->sa.max / 2 && c->pic_cursor < g->piccap) {
        struct gw_item_slot *s = &g->pic[c->pic_cursor++];
        /* an item written since the client came went to it then, if it may see it */
        if (s->h < 2 || s->seq > c->pic_upd || s->stale_ms < now || s->src == c->serial ||
            !gws_visible(c, s->cls, s->rel))
            continue;
        struct gw_buf *b = c->proto ? slot_pb(g, s) : s->xml;
        if (b)
            gws_queue(g, c, b);
    }
    if (c->pic_cursor >= g->piccap)
        c->pic_done = true;
}

void gwo_free(struct cot_gw *g)
{
    for (uint32_t i = 0; i < g->piccap; i++) {
        gws_unref(g->pic[i].xml);
        gws_unref(g->pic[i].pb);
    }
    free(g->pic);
    g->pic = NULL;
    g->piccap = g->picn = g->picused = 0;
}

/* ---- what the node hands over ------------------------------------------------------------ */

int gw_publish(struct cot_gw *g, const struct gw_item *it)
{
    if (it->kind != KZ_MSG_TRACK && it->kind != KZ_MSG_ALERT && it->kind != KZ_MSG_REPORT)
        return 0;
    const struct kz_model *m = g->m;
    const struct wire_body *b = it->body;
    struct cot_event *ev = &g->ev2;
    cot_event_init(ev);
    const char *origin = m->nodes[it->origin].id;
    /* a track is its id (the alliance's key for it, as on the wire); an alert or report is
     * one message: its origin's id for it where it arrived, the command here */
    if (it->kind == KZ_MSG_TRACK)
        snprintf(ev->uid, sizeof ev->uid, "%s", b->track_id);
    else if (it->oid)
        snprintf(ev->uid, sizeof ev->uid, "kizuna-%s-%016" PRIx64, origin, it->oid);
    else
        snprintf(ev->uid, sizeof ev->uid, "kizuna-%s-c%" PRId64 "-%ld", origin, it->seq, it->gen);
    if (!ev->uid[0])
        return 0;
    if (it->kind == KZ_MSG_TRACK)
        cot_type_for((enum cot_category)it->category, (enum cot_affil)it->affil, ev->type,
                     sizeof ev->type);
    else
        snprintf(ev->type, sizeof ev->type, "%s",
                 it->kind == KZ_MSG_ALERT ? cot_alert_type() : REPORT_TYPE);
    /* over an automatic network the position came by data link (m-r-t-j); from another
     * headquarters a fused picture (m-f); entered here by an operator (h-e) */
    enum cot_source src = it->net >= 0 && m->networks[it->net].automatic ? COT_SRC_DATALINK
                          : it->net >= 0                                 ? COT_SRC_FUSED
                                                                         : COT_SRC_MANUAL;
    snprintf(ev->how, sizeof ev->how, "%s", cot_how_for(src));
    ev->time_ms = ev->start_ms = gws_now_ms();
    ev->stale_ms = ev->time_ms + g->stale_ms;
    ev->lat = b->lat;
    ev->lon = b->lon;
    ev->hae = b->alt_m;
    snprintf(ev->callsign, sizeof ev->callsign, "%s",
             it->kind == KZ_MSG_TRACK ? b->track_id : origin);
    snprintf(ev->remarks, sizeof ev->remarks, "%s", b->text);
    ev->mark.present = true;
    ev->mark.cls = it->cls;
    cot_nations_list(m, it->releasable, ev->mark.releasable, sizeof ev->mark.releasable);
    snprintf(ev->mark.node, sizeof ev->mark.node, "%s", origin);
    snprintf(ev->mark.track, sizeof ev->mark.track, "%s", b->track_id);
    ev->mark.kind = it->kind == KZ_MSG_TRACK   ? COT_KIND_TRACK
                    : it->kind == KZ_MSG_ALERT ? COT_KIND_ALERT
                                               : COT_KIND_REPORT;
    snprintf(ev->flow_add, sizeof ev->flow_add, "%s", m->nodes[g->me].id);
    int rc = gwo_offer(g, ev, it->cls, it->releasable, 0, it->kind == KZ_MSG_ALERT);
    return rc == KZ_ENOMEM ? rc : 0;
}
