/* fuzz_gateway.c - libFuzzer target: what a TAK client sends to a headquarters node, through the
 * CoT gateway's real receive path and the node behind it, with no sockets and no DDS. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "live/cot.h"
#include "live/cot_gw_impl.h"
#include "live/node_impl.h"
#include "live/takproto.h"
#include "live/wallclock.h"
#include "model/model_impl.h"

/*
 * The node is us1 of tests/data/live/bilateral.yaml (nations USA and JPN; its reports go to
 * us2, us3 and jp1), opened in-process without DDS: what it would publish goes to a tap. Each
 * input gets a fresh gateway (gw_open with no address: no listener), in which the node has put
 * a track and an alert, and an observer is connected: the other nation, clearance (the
 * client's + 3) % 4, a certificate client "Observer" whose PLI had uid OBSERVER-1.
 *
 * Input: one settings byte, then the bytes the client sends.
 *   bits 0-1  the client's clearance: U, C, S, TS
 *   bit 2     its nation: USA, JPN
 *   bit 3     a certificate client (an SSL object that never handshakes, with the identity
 *             pki_client_identity gives "Viper 1"), else a plain one (--cot-plain-as)
 *   bit 4     the observer speaks TAK protocol v1 (negotiated first through its own input)
 *   bits 5-7  seed of the chunk sizes (1 to 1024 bytes, each one gws_input), of when the
 *             client's queue is read and of when the node steps between chunks; an odd seed
 *             makes the client a slow reader whose whole stream is read in one step (its
 *             queue is read only at the end)
 * After the stream: the waiting shares handed to the node, the node stepped until it ran
 * every command the gateway put, the client closed and reaped, the gateway closed.
 *
 * Invariants, beyond ASan, UBSan and LeakSanitizer:
 *  - a client is closed only for a stated reason, read from the journal's line: bad_max
 *    malformed messages within a minute (and exactly bad_max were counted), an alert that
 *    found its queue full (it is), out of memory; while open it has fewer than bad_max;
 *  - every sample the node publishes carries the client's clearance as its classification
 *    (the gateway never lowers it), releasable and rel0 within the structure's nations, no
 *    disclosability, origin us1, and is a track, alert or report; so do the client's items in
 *    the picture and its shares waiting for the node;
 *  - everything queued to either client parses (XML, or a TAK v1 frame), and its marking is
 *    one gws_visible lets that client see: every item carries one; a t-x-d-d (the gateway's
 *    own, since its sender's content never travels) goes to a client only for a uid it was
 *    sent, and any marking it carries must pass gws_visible too;
 *  - the node runs every command the gateway put within STEPS_MAX steps, and its steps queue
 *    nothing to the clients (a client's report is not published back to them: gw_own_command).
 * Re-sends are held off (they would be earlier inputs' samples, of other clearances); a fresh
 * node now and then keeps the journal small.
 */

#define STRUCT_FILE KZ_SOURCE_DIR "/tests/data/live/bilateral.yaml"
#define PEER_CLIENT "192.0.2.1:4242"
#define PEER_OBS    "192.0.2.2:4242"
#define LOG_MAX     (1 << 20) /* the node's log of one gws_input */
#define SEEN_MAX    512       /* uids one client was sent in one input */
#define STEPS_MAX   32
#define REOPEN      5000 /* inputs per node */

static kz_model *M;
static struct kz_node_options O;
static struct live *L;
static SSL_CTX *CTX; /* for the certificate clients' SSL objects (never connected) */
static char dir[256], journal[300];
static char logbuf[LOG_MAX + 1];
static FILE *LOG;
static long runs;
static uint64_t ALL;
static int tap_cls = -1; /* what every published sample must carry; -1: not checking */
static long published;   /* samples the tap saw in this input */
static bool verbose;     /* KZ_FUZZ_GATEWAY_VERBOSE set: one line per input on stderr */

/* What one client was sent in this input: item uids (for deletes) and deletes to check. */
static struct seen {
    char uid[SEEN_MAX][COT_UID_MAX];
    int n;
    char del[SEEN_MAX][COT_UID_MAX];
    int ndel;
    bool over;
} seen[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* An invariant broke: says which, and aborts (a finding). */
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fuzz_gateway: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

/* ---- the node ---------------------------------------------------------------------------- */

/* What the node would publish: in an input, only shares of the client (no one else sends). */
static void tap(void *ctx, enum dx_topic t, int net, const void *sample)
{
    (void)ctx;
    (void)net;
    if (tap_cls < 0 || t == DX_ACK)
        return;
    const kz_Msg *s = t == DX_TRACK ? &((const kz_Track *)sample)->m : sample;
    if (s->cls != tap_cls)
        die("sample '%.127s' published as class %d, not the client's clearance %d", s->text, s->cls,
            tap_cls);
    if ((s->releasable | s->rel0) & ~ALL)
        die("sample '%.127s' releasable outside the nations: %#llx, %#llx", s->text,
            (unsigned long long)s->releasable, (unsigned long long)s->rel0);
    if (s->disclosable)
        die("sample '%.127s' disclosable %#llx: the gateway never gives it", s->text,
            (unsigned long long)s->disclosable);
    if (s->origin != L->me ||
        (s->kind != KZ_MSG_TRACK && s->kind != KZ_MSG_ALERT && s->kind != KZ_MSG_REPORT))
        die("sample '%.127s' of kind %d from %d is no share of this node", s->text, s->kind,
            s->origin);
    published++;
}

static void open_node(void)
{
    char err[512] = "";
    snprintf(journal, sizeof journal, "%s/j%ld", dir, runs);
    O.journal_dir = journal;
    tap_cls = -1;
    if (nd_open(M, STRUCT_FILE, &O, false, &L, err, sizeof err))
        die("%s", err);
    L->tap = tap;
}

static void remove_tree(const char *path)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_gateway: could not remove %s\n", path);
}

static void cleanup(void)
{
    tap_cls = -1;
    nd_close(L);
    L = NULL;
    kz_model_free(M);
    SSL_CTX_free(CTX);
    if (LOG)
        fclose(LOG);
    remove_tree(dir);
}

static void init(void)
{
    kz_diags *d;
    if (kz_diags_create(&d) || kz_model_load_file(STRUCT_FILE, &M, d))
        abort();
    kz_diags_destroy(d);
    ALL = M->nnations >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << M->nnations) - 1;
    snprintf(dir, sizeof dir, "/tmp/kz_fuzz_gateway.%d", (int)getpid());
    LOG = fmemopen(logbuf, LOG_MAX, "w");
    CTX = SSL_CTX_new(TLS_server_method());
    if (!LOG || !CTX)
        abort();
    atexit(cleanup);
    O.node = "us1";
    O.automatic = true;
    O.speed = 1e6;
    O.insecure = true; /* the gateway is under test, not the samples' proofs */
    O.force = true;
    O.week_min_utc = 0;
    O.phase = 0;
    O.seed = 1;
    O.log = LOG;          /* a client's disconnection, with its reason */
    O.cot_queue = 16;     /* queues fill, SA is dropped, alerts close a slow reader */
    O.cot_msg_max = 4096; /* messages over it are reachable */
    verbose = getenv("KZ_FUZZ_GATEWAY_VERBOSE") != NULL;
    open_node();
}

/* One step of the node as its loop runs it, commands looked for at once; no re-sends. */
static void step(void)
{
    L->last_poll = 0;
    L->last_resend = wall_ns();
    int rc = nd_step(L);
    if (rc)
        die("a step failed: %s (%d)", jr_errmsg(L->j), rc);
}

static void begin(void)
{
    if (jr_begin(L->j))
        die("%s", jr_errmsg(L->j));
}

static void commit(void)
{
    if (jr_commit(L->j))
        die("%s", jr_errmsg(L->j));
}

/* ---- the clients --------------------------------------------------------------------------- */

/* A client admitted as gwn_accept and gwn_handshake would (fd -1: no socket). */
static struct gw_client *admit(struct cot_gw *g, bool cert, int nation, int cls, const char *name,
                               const char *peer)
{
    SSL *ssl = NULL;
    if (cert && !(ssl = SSL_new(CTX)))
        abort();
    g->plain_nation = nation; /* as --cot-plain-as NATION:CLEARANCE */
    g->plain_cls = cls;
    struct gw_client *c = gws_new(g, -1, ssl, peer);
    if (!c)
        abort();
    if (cert) { /* what pki_client_identity finds in a certificate issued for us1 */
        c->id.node = g->me;
        c->id.nation = nation;
        c->id.clearance = (enum kz_classification)cls;
        snprintf(c->id.callsign, sizeof c->id.callsign, "%s", name);
        snprintf(c->id.subject, sizeof c->id.subject, "CN=%s,OU=us1,O=%s", name,
                 M->nations[nation].id);
    }
    gws_admit(g, c);
    return c;
}

static struct gw_client *find(struct cot_gw *g, uint64_t serial)
{
    for (size_t i = 0; i < g->nc; i++)
        if (g->c[i]->serial == serial)
            return g->c[i];
    return NULL;
}

static bool was_seen(const struct seen *s, const char *uid)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->uid[i], uid))
            return true;
    return false;
}

/* A message queued for c, decoded as c would (XML, or a TAK v1 frame): it must parse. */
static void decode(const struct gw_client *c, const struct gw_buf *b, struct cot_event *ev)
{
    char why[300];
    int rc;
    if (b->len && b->b[0] == TAKP_MAGIC) {
        uint64_t n = 0;
        int h = takp_varint_get(b->b + 1, b->len - 1, &n);
        if (h <= 0 || 1 + (uint64_t)h + n != b->len)
            die("a frame queued for %s has a bad header (%u bytes)", c->peer, b->len);
        rc = takp_decode(b->b + 1 + h, (size_t)n, ev, NULL, NULL, why, sizeof why);
    } else {
        rc = cot_parse((const char *)b->b, b->len, ev, why, sizeof why);
    }
    if (rc) {
        fprintf(stderr, "%.*s\n", (int)b->len, (const char *)b->b);
        die("a message queued for %s does not parse: %s (%d)", c->peer, why, rc);
    }
}

/* The marking of a message queued for c lets c see it (gws_visible's rule). An item must
 * carry one; a delete carries its sender's, if any, where an empty list is none (the
 * gateway's own reading, cot_gw_in.c). */
static void check_marking(const struct gw_client *c, const struct cot_event *ev, bool item)
{
    const char *what = item ? "item" : "delete";
    char why[300];
    uint64_t rel = 0;
    if (!ev->mark.present) {
        if (item)
            die("item '%s' queued to %s without a marking", ev->uid, c->peer);
        return;
    }
    if (ev->mark.cls > (int)c->id.clearance)
        die("%s '%s' marked %d queued to %s, cleared %d", what, ev->uid, ev->mark.cls, c->peer,
            (int)c->id.clearance);
    if ((item || ev->mark.releasable[0]) &&
        (cot_nations_mask(M, ev->mark.releasable, &rel, why, sizeof why) ||
         !((rel >> c->id.nation) & 1)))
        die("%s '%s' releasable to '%s' queued to %s of nation %d", what, ev->uid,
            ev->mark.releasable, c->peer, c->id.nation);
}

/* One message queued for c: it parses and c may see it; a delete's item is checked once the
 * queue is read (it may come after it: control messages go first). */
static void check_msg(const struct gw_client *c, struct seen *s, const struct gw_buf *b)
{
    static struct cot_event ev;
    decode(c, b, &ev);
    if (ev.ctl != COT_CTL_NONE && ev.ctl != COT_CTL_DELETE)
        return; /* pong, t-x-takp-v, t-x-takp-r */
    bool item = ev.ctl == COT_CTL_NONE;
    check_marking(c, &ev, item);
    if (item && s->n < SEEN_MAX)
        snprintf(s->uid[s->n++], COT_UID_MAX, "%s", ev.uid);
    else if (!item && s->ndel < SEEN_MAX)
        snprintf(s->del[s->ndel++], COT_UID_MAX, "%s", ev.link_uid);
    else
        s->over = true;
}

/* Reads c's queues as gw_flush would write them (the picture on connect included). */
static void drain(struct cot_gw *g, struct gw_client *c, struct seen *s)
{
    struct gw_buf *b;
    while (c->st == GS_OPEN && (b = gws_peek(g, c))) {
        check_msg(c, s, b);
        gws_pop(c);
    }
    for (int i = 0; i < s->ndel && !s->over; i++)
        if (!was_seen(s, s->del[i]))
            die("a delete of '%s' queued to %s, which was not sent it", s->del[i], c->peer);
    s->ndel = 0;
}

/* After gws_input: c is open with fewer than bad_max malformed messages, or was closed just
 * now for a reason the journal states. */
static void check_close(const struct cot_gw *g, const struct gw_client *c, const char *peer,
                        int64_t t0)
{
    if (c->st == GS_OPEN) {
        if (c->n_bad >= (uint64_t)g->bad_max && wall_ns() - t0 < 50 * 1000000000LL)
            die("%s still open after %llu malformed messages", peer, (unsigned long long)c->n_bad);
        return;
    }
    fflush(LOG);
    long n = ftell(LOG);
    logbuf[n > 0 && n <= LOG_MAX ? n : 0] = '\0';
    char key[128], bad[64];
    snprintf(key, sizeof key, ") from %s: ", peer);
    const char *why = NULL, *p = strstr(logbuf, "disconnected ");
    for (p = p ? strstr(p, key) : NULL; p; p = strstr(p + 1, key))
        why = p + strlen(key);
    if (!why)
        die("%s closed without its disconnection journaled", peer);
    snprintf(bad, sizeof bad, "%d malformed messages within a minute;", g->bad_max);
    const char *full = "an alert could not be queued: ";
    bool ok = (!strncmp(why, bad, strlen(bad)) && c->n_bad == (uint64_t)g->bad_max) ||
              (!strncmp(why, full, strlen(full)) && c->ctl.cap == c->ctl.max) ||
              !strncmp(why, "out of memory;", 14);
    if (!ok) {
        fprintf(stderr, "%s\n", logbuf);
        die("%s closed for no stated reason (malformed %llu)", peer, (unsigned long long)c->n_bad);
    }
}

/* The client's items in the picture and its shares waiting for the node: its clearance,
 * nations of the structure, nothing disclosable. */
static void check_items(const struct cot_gw *g, uint64_t serial, int cls)
{
    for (uint32_t i = 0; i < g->piccap; i++) {
        const struct gw_item_slot *s = &g->pic[i];
        if (s->h >= 2 && s->src == serial && (s->cls != cls || (s->rel & ~ALL)))
            die("picture item '%s' marked class %d, not %d", s->uid, s->cls, cls);
    }
    for (uint32_t i = 0; i < g->shcap; i++) {
        const struct gw_share *s = &g->sh[i];
        if (s->h &&
            ((int)s->c.attr.cls != cls || (s->c.attr.releasable & ~ALL) || s->c.attr.disclosable))
            die("share '%s' marked class %d, not %d", s->uid, (int)s->c.attr.cls, cls);
    }
}

/* ---- one input ----------------------------------------------------------------------------- */

/* The node's own items, in the picture before anyone sent anything. */
static void node_items(struct cot_gw *g)
{
    struct wire_body t = {"T-NODE-1", 35.5, 139.5, 1000, "node track"};
    struct wire_body a = {"", 35.6, 139.6, 0, "missile warning"};
    struct gw_item it[2] = {
        {KZ_MSG_TRACK, &t, COT_CAT_AIR, COT_AFF_HOSTILE, CL_S, ALL, 3, 0, 0, 0, -1},
        {KZ_MSG_ALERT, &a, 0, 0, CL_C, 1, 3, 0, 77, 0, -1},
    };
    for (int i = 0; i < 2; i++)
        if (gw_publish(g, &it[i]))
            abort();
}

/* The observer asks for TAK protocol v1 as a client does (it is accepted). */
static void observer_protobuf(struct cot_gw *g, struct gw_client *c)
{
    static struct cot_event q;
    static char x[2048];
    size_t n = 0;
    takp_request("OBSERVER-1", TAKP_VERSION, gws_now_ms(), &q);
    if (cot_write(&q, x, sizeof x, &n))
        abort();
    gws_input(g, c, (const unsigned char *)x, n);
    if (!c->proto)
        die("the observer's t-x-takp-q was not accepted");
}

/* The node runs what the gateway put (all: until it ran all of it and its engine is idle):
 * both queues are read before (gw_flush would write them to the fd, which is none), and after
 * each step the clients are still there. */
static void run_node(struct cot_gw *g, uint64_t cs, uint64_t os, bool all)
{
    struct gw_client *c = find(g, cs), *o = find(g, os);
    if (c)
        drain(g, c, &seen[0]);
    drain(g, o, &seen[1]);
    bool open = c && c->st == GS_OPEN;
    for (int n = 0; n == 0 || (all && (g->nown || L->q.n) && n < STEPS_MAX); n++) {
        commit();
        step();
        begin();
        if (!(o = find(g, os)) || o->st != GS_OPEN || (open && !(c = find(g, cs))) ||
            (open && c->st != GS_OPEN))
            die("a client was closed in a step (something was queued to it)");
    }
    if (all && g->nown)
        die("the node did not run %zu of the gateway's commands", g->nown);
    if (all && L->q.n) /* they would publish in the next input, under another clearance */
        die("the node's engine still has %zu events after %d steps", L->q.n, STEPS_MAX);
}

/* The client's bytes in chunks, each one read (gws_input), checked; the queues read and the
 * node stepped now and then, as the settings byte's seed draws. */
static void feed(struct cot_gw *g, uint64_t cs, uint64_t os, uint8_t set, const uint8_t *data,
                 size_t size)
{
    int cls = set & 3;
    bool slow = (set >> 5) & 1;
    uint32_t rnd = (uint32_t)(set >> 5) * 2654435761u + 1;
    int64_t t0 = wall_ns();
    struct gw_client *c = find(g, cs), *o = find(g, os);
    for (size_t i = 0; i < size && c && c->st == GS_OPEN;) {
        rnd = rnd * 1103515245u + 12345u;
        size_t chunk = 1 + (rnd >> 16) % 1024;
        if (chunk > size - i)
            chunk = size - i;
        rewind(LOG);
        clearerr(LOG);
        gws_input(g, c, data + i, chunk);
        i += chunk;
        check_close(g, c, PEER_CLIENT, t0);
        check_items(g, cs, cls);
        if (o->st != GS_OPEN)
            die("the observer was closed by the client's input");
        drain(g, o, &seen[1]);
        if (slow)
            continue;
        if ((rnd >> 20) % 4)
            drain(g, c, &seen[0]);
        if ((rnd >> 24) % 8 == 0) { /* the stream spread over steps */
            if (gwi_flush_shares(g, (rnd >> 28) & 1))
                die("flushing the shares failed");
            run_node(g, cs, os, false);
            c = find(g, cs);
            o = find(g, os);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!M)
        init();
    if (size < 1)
        return 0;
    uint8_t set = data[0];
    int cls = set & 3, nation = (set >> 2 & 1) % (int)M->nnations;
    bool cert = set & 8;
    for (int k = 0; k < 2; k++)
        seen[k].n = seen[k].ndel = 0, seen[k].over = false;

    char err[512] = "";
    struct cot_gw *g;
    begin();
    if (gw_open(L, &g, err, sizeof err))
        die("gw_open: %s", err);
    L->gw = g;
    node_items(g);
    struct gw_client *o =
        admit(g, true, (nation + 1) % (int)M->nnations, (cls + 3) % 4, "Observer", PEER_OBS);
    snprintf(o->self_uid, sizeof o->self_uid, "OBSERVER-1");
    if (set & 16)
        observer_protobuf(g, o);
    struct gw_client *c = admit(g, cert, nation, cls, "Viper 1", PEER_CLIENT);
    uint64_t cs = c->serial, os = o->serial;
    tap_cls = cls;
    published = 0;

    feed(g, cs, os, set, data + 1, size - 1);
    if (gwi_flush_shares(g, true))
        die("flushing the shares failed");
    check_items(g, cs, cls);
    run_node(g, cs, os, true);

    c = find(g, cs);
    if (verbose)
        fprintf(stderr,
                "fuzz_gateway: %s %s:%s: in %llu, malformed %llu, looped %llu, shared %llu, "
                "picture %llu, published %ld, observer got %d items; client %s\n",
                cert ? "certificate" : "plain", M->nations[nation].id, kz_classif_names[cls],
                (unsigned long long)g->st.events_in, (unsigned long long)g->st.malformed,
                (unsigned long long)g->st.looped, (unsigned long long)g->st.shared,
                (unsigned long long)g->picn, published, seen[1].n,
                c && c->st == GS_OPEN ? "open" : "closed");
    if (c)
        gws_close(g, c, "the input ended");
    gws_reap(g);
    if (find(g, cs))
        die("the closed client was not reaped");
    gw_close(g);
    L->gw = NULL;
    tap_cls = -1;
    commit();
    if (++runs % REOPEN == 0) { /* keep the journal small: a fresh node */
        char old[300];
        snprintf(old, sizeof old, "%s", journal);
        nd_close(L);
        remove_tree(old);
        open_node();
    }
    return 0;
}
