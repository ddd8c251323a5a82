/* cot_gw_sess.c - CoT gateway sessions: per-client queues, input split and dispatched, closing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cot_gw_impl.h"
#include "kizuna/error.h"
#include "kizuna/util.h"
#include "node_impl.h"
#include "takproto.h"
#include "wallclock.h"

int64_t gws_now_ms(void)
{
    return wall_ns() / 1000000;
}

void gws_journal(struct cot_gw *g, const char *what, const char *fmt, ...)
{
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    /* never on a command's account: a refusal journaled while a command's root runs would be
     * that command's verdict */
    int64_t root = g->L->cur_root;
    g->L->cur_root = 0;
    nd_event(g->L, what, 0, NULL, 0, 0, g->me, -1, -1, "%s", text);
    g->L->cur_root = root;
}

bool gws_visible(const struct gw_client *c, int cls, uint64_t rel)
{
    return c->st == GS_OPEN && cls <= (int)c->id.clearance && ((rel >> c->id.nation) & 1);
}

/* ---- buffers and queues ----------------------------------------------------------------- */

struct gw_buf *gws_buf(const void *p, size_t n, bool alert)
{
    struct gw_buf *b = malloc(sizeof *b + n);
    if (!b)
        return NULL;
    b->refs = 1;
    b->len = (uint32_t)n;
    b->alert = alert;
    b->superseded = false;
    memcpy(b->b, p, n);
    return b;
}

void gws_unref(struct gw_buf *b)
{
    if (b && --b->refs == 0)
        free(b);
}

/* A ring grows as it fills, up to its bound `max`: an idle client costs little. */
static bool ring_init(struct gw_ring *r, uint32_t max)
{
    r->max = max;
    r->cap = max < 64 ? max : 64;
    r->head = r->n = 0;
    r->v = calloc(r->cap, sizeof *r->v);
    return r->v != NULL;
}

static bool ring_grow(struct gw_ring *r)
{
    uint32_t cap = r->cap * 2 > r->max ? r->max : r->cap * 2;
    struct gw_buf **v = calloc(cap, sizeof *v);
    if (!v)
        return false;
    for (uint32_t i = 0; i < r->n; i++)
        v[i] = r->v[(r->head + i) % r->cap];
    free(r->v);
    r->v = v;
    r->cap = cap;
    r->head = 0;
    return true;
}

static struct gw_buf *ring_pop(struct gw_ring *r)
{
    struct gw_buf *b = r->v[r->head];
    r->v[r->head] = NULL;
    r->head = (r->head + 1) % r->cap;
    r->n--;
    return b;
}

static void ring_clear(struct gw_ring *r)
{
    while (r->v && r->n)
        gws_unref(ring_pop(r));
}

void gws_queue(struct cot_gw *g, struct gw_client *c, struct gw_buf *b)
{
    if (c->st != GS_OPEN)
        return;
    struct gw_ring *r = b->alert ? &c->ctl : &c->sa;
    if (r->n == r->cap && r->cap < r->max && !ring_grow(r)) {
        gws_close(g, c, "out of memory");
        return;
    }
    if (r->n == r->cap) {
        if (b->alert) {
            /* an alert is never dropped: a client that cannot take one more is let go, and
             * the journal says so, rather than losing it without a word */
            gws_close(g, c,
                      "an alert could not be queued: %u alerts and control messages "
                      "wait already (the client reads too slowly)",
                      r->n);
            return;
        }
        gws_unref(ring_pop(r)); /* SA: the oldest goes */
        c->n_drop++;
        g->st.dropped_sa++;
    }
    b->refs++;
    r->v[(r->head + r->n) % r->cap] = b;
    r->n++;
    c->n_out++;
    g->st.events_out++;
}

struct gw_buf *gws_peek(struct cot_gw *g, struct gw_client *c)
{
    if (!c->ctl.n && !c->sa.n && !c->pic_done)
        gwo_picture_more(g, c); /* it may queue alerts as well as SA */
    /* gws_pop takes from the same queue: control and alerts first */
    return c->ctl.n ? c->ctl.v[c->ctl.head] : c->sa.n ? c->sa.v[c->sa.head] : NULL;
}

void gws_pop(struct gw_client *c)
{
    gws_unref(ring_pop(c->ctl.n ? &c->ctl : &c->sa));
}

bool gws_send_event(struct cot_gw *g, struct gw_client *c, const struct cot_event *ev, bool alert)
{
    size_t len = 0;
    int rc = c->proto ? takp_encode_frame(ev, (uint8_t *)g->xbuf, GW_WBUF, &len)
                      : cot_write(ev, g->xbuf, GW_WBUF, &len);
    if (rc)
        return false;
    struct gw_buf *b = gws_buf(g->xbuf, len, alert);
    if (!b)
        return false;
    gws_queue(g, c, b);
    gws_unref(b);
    return true;
}

/* ---- sessions --------------------------------------------------------------------------- */

struct gw_client *gws_new(struct cot_gw *g, int fd, SSL *ssl, const char *peer)
{
    struct gw_client **v = kz_grow(g->c, &g->capc, g->nc + 1, sizeof *v);
    if (!v)
        return NULL;
    g->c = v;
    struct gw_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = fd;
    c->ssl = ssl;
    c->st = GS_HANDSHAKE;
    c->serial = ++g->serials;
    snprintf(c->peer, sizeof c->peer, "%s", peer);
    c->wbuf = malloc(GW_WBUF);
    if (!c->wbuf || cot_scan_init(&c->scan, g->msg_max) || !ring_init(&c->ctl, g->qcap) ||
        !ring_init(&c->sa, g->qcap)) {
        c->fd = -1;
        c->ssl = NULL; /* the caller closes them */
        gws_free(c);
        return NULL;
    }
    if (!ssl) { /* plain TCP: the fixed identity of --cot-plain-as */
        c->id.node = g->me;
        c->id.nation = g->plain_nation;
        c->id.clearance = (enum kz_classification)g->plain_cls;
        snprintf(c->id.subject, sizeof c->id.subject, "plain TCP from %s", peer);
    }
    g->c[g->nc++] = c;
    return c;
}

void gws_admit(struct cot_gw *g, struct gw_client *c)
{
    c->st = GS_OPEN;
    c->wr_blocked = false;
    g->st.clients++;
    const struct kz_model *m = g->m;
    if (c->ssl)
        gws_journal(g, "cot", "connected %s (%s) from %s: nation %s, clearance %s, %s",
                    c->id.callsign, c->id.subject, c->peer, m->nations[c->id.nation].id,
                    kz_classif_names[c->id.clearance], SSL_get_version(c->ssl));
    else
        gws_journal(g, "cot",
                    "connected a PLAIN client from %s, taken as nation %s, "
                    "clearance %s (--cot-plain-as)",
                    c->peer, m->nations[c->id.nation].id, kz_classif_names[c->id.clearance]);
    /* TAK protocol v1 is on offer (tak-cot.md §2.5); the picture follows as the queue drains */
    takp_announce(gws_now_ms(), &g->ev2);
    gws_send_event(g, c, &g->ev2, true);
    c->pic_upd = g->upd;
}

void gws_close(struct cot_gw *g, struct gw_client *c, const char *fmt, ...)
{
    if (c->st == GS_CLOSED)
        return;
    if (c->st == GS_OPEN) {
        g->st.clients--;
        char why[300] = "closed";
        if (fmt) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(why, sizeof why, fmt, ap);
            va_end(ap);
        }
        gws_journal(g, "cot",
                    "disconnected %s (%s) from %s: %s; events in %llu, out %llu, SA "
                    "dropped %llu, superseded %llu, looped back %llu, malformed %llu",
                    c->id.callsign[0] ? c->id.callsign : "-", c->id.subject, c->peer, why,
                    (unsigned long long)c->n_in, (unsigned long long)c->n_out,
                    (unsigned long long)c->n_drop, (unsigned long long)c->n_super,
                    (unsigned long long)c->n_loop, (unsigned long long)c->n_bad);
    }
    if (c->proto)
        g->nproto--;
    gwn_close_socket(c);
    c->st = GS_CLOSED;
    ring_clear(&c->ctl);
    ring_clear(&c->sa);
}

void gws_free(struct gw_client *c)
{
    if (!c)
        return;
    gwn_close_socket(c);
    ring_clear(&c->ctl);
    ring_clear(&c->sa);
    free(c->ctl.v);
    free(c->sa.v);
    cot_scan_free(&c->scan);
    free(c->wbuf);
    free(c);
}

void gws_reap(struct cot_gw *g)
{
    size_t k = 0;
    for (size_t i = 0; i < g->nc; i++) {
        if (g->c[i]->st == GS_CLOSED)
            gws_free(g->c[i]);
        else
            g->c[k++] = g->c[i];
    }
    g->nc = k;
}

/* ---- input ------------------------------------------------------------------------------ */

void gws_malformed(struct cot_gw *g, struct gw_client *c, const char *fmt, ...)
{
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    c->n_bad++;
    g->st.malformed++;
    gws_journal(g, "refused", "cot: malformed input from %s (%s): %s",
                c->id.callsign[0] ? c->id.callsign : c->peer, c->id.subject, why);
    /* a ring of the last bad_max times: the threshold is reached when the oldest of them is
     * still within the window */
    int64_t now = wall_ns();
    c->bad_ns[c->bad_head] = now;
    c->bad_head = (c->bad_head + 1) % g->bad_max;
    if (c->nbad < g->bad_max)
        c->nbad++;
    if (c->nbad == g->bad_max && now - c->bad_ns[c->bad_head] < GW_BAD_WIN_NS)
        gws_close(g, c, "%d malformed messages within a minute", g->bad_max);
}

/* The client asks for TAK protocol v1 (t-x-takp-q): the answer goes in XML, then both sides
 * speak protobuf. SA already queued in XML is dropped and the picture sent again. */
static void negotiate(struct cot_gw *g, struct gw_client *c, const struct cot_event *q)
{
    bool ok = !c->proto && takp_accept(q);
    takp_response(ok, gws_now_ms(), &g->ev2);
    gws_send_event(g, c, &g->ev2, true);
    if (!ok || c->st != GS_OPEN)
        return;
    c->proto = true;
    g->nproto++;
    cot_scan_set_mode(&c->scan, COT_SCAN_PROTO);
    ring_clear(&c->sa);
    c->pic_cursor = 0;
    c->pic_upd = g->upd;
    c->pic_done = false;
}

static void dispatch(struct cot_gw *g, struct gw_client *c, struct cot_event *ev)
{
    c->n_in++;
    g->st.events_in++;
    switch (ev->ctl) {
    case COT_CTL_PING:
        cot_pong(gws_now_ms(), &g->ev2);
        gws_send_event(g, c, &g->ev2, true);
        return;
    case COT_CTL_TAKP_Q:
        negotiate(g, c, ev);
        return;
    case COT_CTL_DELETE: {
        const char *why = gwo_delete(g, ev, c);
        if (why)
            gws_journal(g, "refused", "cot: delete of '%s' from %s (%s) not done: %s", ev->link_uid,
                        c->id.callsign[0] ? c->id.callsign : c->peer, c->id.subject, why);
        return;
    }
    case COT_CTL_PONG:
    case COT_CTL_TAKP_V:
    case COT_CTL_TAKP_R:
        return; /* a server's messages: nothing to do with them here */
    case COT_CTL_NONE:
        break;
    }
    gwi_event(g, c, ev);
}

void gws_input(struct cot_gw *g, struct gw_client *c, const unsigned char *p, size_t n)
{
    if (cot_scan_feed(&c->scan, p, n)) {
        gws_close(g, c, "out of memory");
        return;
    }
    bool junk = false;
    const unsigned char *msg;
    size_t len;
    enum cot_scan_item it;
    while (c->st == GS_OPEN && (it = cot_scan_next(&c->scan, &msg, &len)) != COT_SCAN_NEED) {
        char why[300] = "";
        int rc = 0;
        switch (it) {
        case COT_SCAN_EVENT:
            if (c->proto) {
                rc = takp_decode(msg, len, &g->ev, NULL, NULL, why, sizeof why);
                if (rc == KZ_ENOTFOUND)
                    continue; /* a TakControl alone: nothing to act on */
            } else {
                rc = cot_parse((const char *)msg, len, &g->ev, why, sizeof why);
            }
            if (rc)
                gws_malformed(g, c, "%s", why);
            else
                dispatch(g, c, &g->ev);
            break;
        case COT_SCAN_TOO_BIG:
            gws_malformed(g, c, "a message over %u bytes (--cot-max-message)", g->msg_max);
            break;
        case COT_SCAN_JUNK:
            if (!junk) /* once per read: a run of junk may come in many pieces */
                gws_malformed(g, c, "bytes that are no CoT %s", c->proto ? "frame" : "event");
            junk = true;
            break;
        case COT_SCAN_NEED:
            break;
        }
    }
}
