/* cot_gw_in.c - reports in: a TAK client's events marked, kept, fanned out and shared by the node.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cot_gw_impl.h"
#include "kizuna/error.h"
#include "kizuna/util.h"
#include "node_impl.h"
#include "wallclock.h"

/* ---- the marking ------------------------------------------------------------------------ */

/*
 * The marking of what client c sends: its certificate's clearance as the classification and
 * every nation of the structure as the releasable set (the defaults of an operator's share),
 * then only narrowed by the event: <__kizuna releasable=> and TAK's releasableTo= can only
 * take nations away, and a classification above the client's clearance is refused (one below
 * it stays at the clearance: lowering it would release the event to clients the certificate's
 * holder may not write for). Disclosability is never given: no review may widen it.
 * 0, or -1 with why.
 */
static int marking(struct cot_gw *g, const struct gw_client *c, const struct cot_event *ev,
                   int *cls, uint64_t *rel, char *why, size_t whylen)
{
    *cls = (int)c->id.clearance;
    *rel = g->all_nations;
    uint64_t mask;
    if (ev->mark.present) {
        if (ev->mark.cls > (int)c->id.clearance) {
            snprintf(why, whylen, "marked %s, above the client's clearance %s",
                     kz_classif_names[ev->mark.cls], kz_classif_names[c->id.clearance]);
            return -1;
        }
        /* an empty list is no list: the parser cannot tell it from one not given */
        if (ev->mark.releasable[0]) {
            if (cot_nations_mask(g->m, ev->mark.releasable, &mask, why, whylen))
                return -1;
            *rel &= mask;
        }
    }
    if (ev->releasable_to[0]) {
        char list[COT_LIST_MAX];
        snprintf(list, sizeof list, "%s", ev->releasable_to);
        for (char *p = list; *p; p++)
            if (*p == ',' || *p == ';')
                *p = ' ';
        if (cot_nations_mask(g->m, list, &mask, why, whylen))
            return -1;
        *rel &= mask;
    }
    return 0;
}

/* ---- what it becomes in kizuna ------------------------------------------------------------ */

/* A uid as a kizuna track id (31 bytes, no control characters): itself when it is one, else
 * "tak-" and 27 hex digits of its SHA-256. */
static void track_id_of(const char *uid, char out[32])
{
    size_t n = strlen(uid);
    bool ok = n > 0 && n < 32;
    for (const unsigned char *p = (const unsigned char *)uid; ok && *p; p++)
        ok = *p >= 0x20 && *p != 0x7f;
    if (ok) {
        memcpy(out, uid, n + 1);
        return;
    }
    uint8_t sha[32];
    au_sha256(uid, n, sha);
    memcpy(out, "tak-", 4);
    for (int i = 0; i < 27; i++)
        out[4 + i] = "0123456789abcdef"[(sha[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[31] = '\0';
}

/* Free text as a command's text: controls become spaces, cut to fit at a UTF-8 boundary. */
static void text_of(char *dst, size_t cap, const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n + 1 < cap; p++)
        dst[n++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
    if (s[n]) { /* cut: drop a character the cut left incomplete */
        size_t k = n;
        while (k > 0 && ((unsigned char)dst[k - 1] & 0xC0) == 0x80)
            k--;
        unsigned char lead = k > 0 ? (unsigned char)dst[k - 1] : 0;
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (lead >= 0xC0 && n - (k - 1) < want)
            n = k - 1;
    }
    dst[n] = '\0';
}

/* The kind of kizuna message a client's event becomes: KZ_MSG_TRACK for an atom (PLI,
 * tracks, units), KZ_MSG_ALERT for an emergency, KZ_MSG_REPORT for other bits (markers, spot
 * reports, CASEVAC), -1 for what stays with this node's TAK clients (chat, drawings, tasking,
 * replies). */
static int kind_of(const struct cot_event *ev, enum cot_category *cat, enum cot_affil *aff)
{
    *cat = COT_CAT_UNKNOWN;
    *aff = COT_AFF_UNKNOWN;
    if (ev->emergency || ev->emergency_cancel)
        return KZ_MSG_ALERT;
    if (cot_type_parse(ev->type, cat, aff))
        return KZ_MSG_TRACK;
    if (!strncmp(ev->type, "b-", 2) && strncmp(ev->type, "b-t-", 4))
        return KZ_MSG_REPORT;
    return -1;
}

/* The command a share of ev is, marked cls/rel. */
static void command_of(struct cot_gw *g, const struct cot_event *ev, int kind,
                       enum cot_category cat, enum cot_affil aff, int cls, uint64_t rel,
                       struct command *c)
{
    memset(c, 0, sizeof *c);
    c->kind = C_SHARE;
    c->msg = (enum kz_msg_kind)kind;
    memcpy(c->to, g->to, sizeof c->to);
    c->nto = g->nto;
    c->decision = c->assets = c->phase = -1;
    c->attr.thread = -1;
    c->attr.prec = kind == KZ_MSG_ALERT ? KZ_PREC_FLASH : KZ_PREC_IMMEDIATE;
    c->attr.cls = (enum classif)cls;
    c->attr.releasable = rel;
    c->repeat = 1;
    track_id_of(ev->uid, c->body.track_id);
    c->body.lat = ev->lat;
    c->body.lon = ev->lon;
    /* 9999999 is CoT's "unknown" height */
    c->body.alt_m = ev->hae > -1e4 && ev->hae < 9999999 ? ev->hae : 0;
    if (kind == KZ_MSG_TRACK) {
        c->category = (uint8_t)cat;
        c->affil = (uint8_t)aff;
    }
    char text[COT_TYPE_MAX + COT_CALLSIGN_MAX + COT_UID_MAX + COT_REMARKS_MAX + 40];
    if (kind == KZ_MSG_TRACK)
        snprintf(text, sizeof text, "%s", ev->callsign);
    else if (kind == KZ_MSG_ALERT)
        snprintf(text, sizeof text, "%s %s: %s",
                 ev->emergency_cancel ? "EMERGENCY CANCELLED" : "EMERGENCY", ev->callsign,
                 ev->remarks[0] ? ev->remarks : ev->type);
    else
        snprintf(text, sizeof text, "%s %s: %s", ev->type, ev->callsign,
                 ev->remarks[0] ? ev->remarks : ev->uid);
    text_of(c->body.text, sizeof c->body.text, text);
}

/* Queues one share at the node, as an operator's command with the client's name. */
static int put_command(struct cot_gw *g, const struct command *c, const char *who)
{
    char *text = NULL, err[300];
    int rc = cmd_encode(g->m, c, &text, err, sizeof err);
    if (rc)
        return rc == KZ_ENOMEM ? rc : 0; /* cannot happen: every field was made in range */
    int64_t seq = 0;
    rc = jr_cmd_put(g->L->j, who, text, wall_ns(), &seq);
    free(text);
    if (rc)
        return rc;
    int64_t *v = kz_grow(g->own, &g->capown, g->nown + 1, sizeof *v);
    if (!v)
        return KZ_ENOMEM;
    g->own = v;
    if (g->nown == 65536) { /* the node is not taking commands: forget the oldest */
        memmove(g->own, g->own + 1, (g->nown - 1) * sizeof *g->own);
        g->nown--;
    }
    g->own[g->nown++] = seq;
    g->st.shared++;
    return 0;
}

bool gw_own_command(struct cot_gw *g, int64_t seq)
{
    for (size_t i = 0; i < g->nown; i++)
        if (g->own[i] == seq) {
            memmove(g->own + i, g->own + i + 1, (g->nown - i - 1) * sizeof *g->own);
            g->nown--;
            return true;
        }
    return false;
}

/* ---- waiting shares: the newest per uid ---------------------------------------------------- */

static struct gw_share *share_slot(struct cot_gw *g, const char *uid, uint64_t h)
{
    if ((g->shn + 1) * 2 > g->shcap) {
        uint32_t cap = g->shcap ? g->shcap * 2 : 256;
        struct gw_share *v = calloc(cap, sizeof *v);
        if (!v)
            return NULL;
        for (uint32_t i = 0; i < g->shcap; i++)
            if (g->sh[i].h) {
                uint32_t k = (uint32_t)g->sh[i].h & (cap - 1);
                while (v[k].h)
                    k = (k + 1) & (cap - 1);
                v[k] = g->sh[i];
            }
        free(g->sh);
        g->sh = v;
        g->shcap = cap;
    }
    uint32_t i = (uint32_t)h & (g->shcap - 1);
    while (g->sh[i].h && !(g->sh[i].h == h && !strcmp(g->sh[i].uid, uid)))
        i = (i + 1) & (g->shcap - 1);
    if (!g->sh[i].h) {
        g->sh[i].h = h;
        snprintf(g->sh[i].uid, sizeof g->sh[i].uid, "%s", uid);
        g->shn++;
    }
    return &g->sh[i];
}

int gwi_flush_shares(struct cot_gw *g, bool all)
{
    int64_t now = wall_ns();
    if (!g->shn || (!all && now < g->next_share_ns && g->shn < GW_SHARE_MAX))
        return 0;
    g->next_share_ns = now + g->share_ns;
    int rc = 0;
    for (uint32_t i = 0; i < g->shcap; i++) {
        struct gw_share *s = &g->sh[i];
        if (s->h && !rc)
            rc = put_command(g, &s->c, s->who);
        s->h = 0;
    }
    g->shn = 0;
    return rc;
}

/* ---- an event from a client ----------------------------------------------------------------- */

static void refuse(struct cot_gw *g, const struct gw_client *c, const struct cot_event *ev,
                   const char *why)
{
    gws_journal(g, "refused", "cot: event '%s' (%s) from %s (%s) refused: %s", ev->uid, ev->type,
                c->id.callsign[0] ? c->id.callsign : c->peer, c->id.subject, why);
}

void gwi_event(struct cot_gw *g, struct gw_client *c, struct cot_event *ev)
{
    if (ev->flow_kizuna) {
        /* it went through a kizuna node already (ours or another's): it is in the alliance
         * network, and taking it again would loop */
        c->n_loop++;
        g->st.looped++;
        return;
    }
    /* a plain client is known by its PLI's callsign; anyone's own uid by its PLI */
    if (!c->ssl && !c->id.callsign[0] && ev->callsign[0] && !strncmp(ev->type, "a-", 2))
        snprintf(c->id.callsign, sizeof c->id.callsign, "%s", ev->callsign);
    if (!c->self_uid[0] && ev->callsign[0] && !strcmp(ev->callsign, c->id.callsign))
        snprintf(c->self_uid, sizeof c->self_uid, "%s", ev->uid);
    int cls;
    uint64_t rel;
    char why[300];
    if (marking(g, c, ev, &cls, &rel, why, sizeof why)) {
        refuse(g, c, ev, why);
        return;
    }
    enum cot_category cat;
    enum cot_affil aff;
    int kind = kind_of(ev, &cat, &aff);
    const char *me = g->m->nodes[g->me].id;
    /* as it goes out: the marking it now has, and our flow tag */
    ev->mark.present = true;
    ev->mark.cls = cls;
    cot_nations_list(g->m, rel, ev->mark.releasable, sizeof ev->mark.releasable);
    ev->mark.disclosable[0] = '\0';
    snprintf(ev->mark.node, sizeof ev->mark.node, "%s", me);
    ev->mark.kind = kind == KZ_MSG_ALERT   ? COT_KIND_ALERT
                    : kind == KZ_MSG_TRACK ? COT_KIND_TRACK
                                           : COT_KIND_REPORT;
    ev->mark.track[0] = '\0';
    if (kind == KZ_MSG_TRACK)
        track_id_of(ev->uid, ev->mark.track);
    snprintf(ev->flow_add, sizeof ev->flow_add, "%s", me);
    if (ev->ndest) {
        /* directed delivery stays here: a callsign is only known at its own node */
        gwo_direct(g, ev, cls, rel, c);
        return;
    }
    struct gw_item_slot *s = gwo_find(g, ev->uid, gwo_hash(ev->uid));
    if (s && !s->src) {
        refuse(g, c, ev, "its uid is an item of the alliance network");
        return;
    }
    int rc = gwo_offer(g, ev, cls, rel, c->serial, kind == KZ_MSG_ALERT);
    if (rc == KZ_ENOMEM && !g->L->err)
        g->L->err = rc;
    if (rc == -1)
        refuse(g, c, ev, "the picture is full, or the event too large to send on");
    if (rc != 1 || kind < 0 || !g->nto)
        return;
    char who[sizeof g->sh->who];
    snprintf(who, sizeof who, "tak:%s (%s)", c->id.callsign[0] ? c->id.callsign : c->peer,
             c->id.subject);
    if (kind == KZ_MSG_ALERT) { /* every alert goes, at once */
        struct command cmd;
        command_of(g, ev, kind, cat, aff, cls, rel, &cmd);
        if ((rc = put_command(g, &cmd, who)) && !g->L->err)
            g->L->err = rc;
        return;
    }
    struct gw_share *sh = g->shn < GW_SHARE_MAX ? share_slot(g, ev->uid, gwo_hash(ev->uid)) : NULL;
    if (!sh) {
        if ((rc = gwi_flush_shares(g, true)) || !(sh = share_slot(g, ev->uid, gwo_hash(ev->uid)))) {
            if (!g->L->err)
                g->L->err = rc ? rc : KZ_ENOMEM;
            return;
        }
    }
    command_of(g, ev, kind, cat, aff, cls, rel, &sh->c);
    snprintf(sh->who, sizeof sh->who, "%s", who);
}
