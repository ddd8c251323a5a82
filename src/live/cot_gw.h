/* cot_gw.h - the node's Cursor-on-Target gateway for TAK clients (docs/tak.md, docs/live.md). */
#ifndef KZ_COT_GW_H
#define KZ_COT_GW_H

#include <stdbool.h>
#include <stdint.h>

#include "command.h"
#include "wire.h"

/*
 * The gateway lives in the node's one thread: its listening and client sockets are
 * non-blocking and serviced from the node's loop (gw_io inside a step's transaction, gw_flush
 * after the commit, gw_wait instead of the bare DDS wait). Nothing here blocks.
 *
 *  - TLS (o->cot_addr) with mutual X.509: the structure's identity CA (o->secure_dir) is the
 *    only trust anchor, the node's own certificate and key serve; after the handshake the
 *    client certificate is mapped by pki_client_identity and only a certificate issued for this
 *    node is admitted. Refusals are journaled with the reason and the subject.
 *  - Plain TCP (o->cot_plain_addr), lab only: every client gets the fixed identity of
 *    o->cot_plain_as.
 *  - XML, and TAK protocol v1 after the t-x-takp negotiation; keep-alive; the picture on
 *    connect; last write wins per uid; expiry by stale; t-x-d-d; marti/dest; a flow tag.
 *  - Out: every track, alert and report the node receives or creates (gw_publish), filtered
 *    per client by nation and clearance against its marking.
 *  - In: a client's PLI, markers and reports become shares of this node, queued as commands
 *    in its journal (who "tak:CALLSIGN (SUBJECT)"), with the marking of its certificate,
 *    narrowed (never widened) by the event's own.
 * Every function is given the node (struct live) it belongs to at gw_open; errors that stop
 * the node (out of memory, the journal) come back as negative KZ_E codes; a client's fault
 * only ever closes that client.
 */
struct cot_gw;
struct live;
struct ddsx;

/*
 * Opens the listeners of L->o (cot_addr, cot_plain_addr; at least one is set), loads the TLS
 * credentials, journals "listening on ADDR" for each (the log line tests wait for). Ignores
 * SIGPIPE for the process (a client that goes away must not kill the node). Returns 0 with *out,
 * or KZ_EINVAL / KZ_EIO / KZ_ENOTFOUND / KZ_ENOMEM with err.
 */
int gw_open(struct live *L, struct cot_gw **out, char *err, size_t errlen);
/* Journals every client's disconnection, closes the sockets, frees everything. NULL is fine. */
void gw_close(struct cot_gw *g);

/* Inside a step's transaction: accepts, handshakes, reads and acts on what clients sent
 * (journal events, commands for the node), expires stale items, hands the coalesced reports to
 * the node. Returns 0 or a negative KZ_E code (the journal). */
int gw_io(struct cot_gw *g);
/* After the step's commit: writes what is queued, as far as each socket takes it. */
void gw_flush(struct cot_gw *g);
/* Waits at most timeout_ns for DDS (x, may be NULL) or a socket: on the side that was busy
 * for at most 1 ms, then the other without waiting (Cyclone's waitset cannot wait on a file
 * descriptor; see docs/live.md, "The CoT gateway"). */
void gw_wait(struct cot_gw *g, struct ddsx *x, int64_t timeout_ns);

/* What the node hands over: a track, alert or report it received (net >= 0) or made. */
struct gw_item {
    enum kz_msg_kind kind; /* KZ_MSG_TRACK, ALERT or REPORT; others are ignored */
    const struct wire_body *body;
    uint8_t category, affil; /* a track's */
    int cls;
    uint64_t releasable;
    int origin;   /* node index */
    int net;      /* the network it came on, -1: made here */
    uint64_t oid; /* its origin id (alerts' and reports' CoT uid), 0: made here */
    int64_t seq;  /* made here: the command, for the uid (and gw_own_command) */
    long gen;     /* made here: the share's rank in a stream, -1 for none */
};
/* Queues the item for every client that may see it and keeps it in the picture. Returns 0 or
 * KZ_ENOMEM. */
int gw_publish(struct cot_gw *g, const struct gw_item *it);
/* True when command `seq` was queued by the gateway (a client's report: already in the
 * picture, so the node does not publish it again). Forgets it. */
bool gw_own_command(struct cot_gw *g, int64_t seq);

/* Counters for tests and the benchmark. */
struct gw_stats {
    int clients;         /* connected and admitted */
    uint64_t accepted;   /* connections accepted (before the handshake) */
    uint64_t refused;    /* refused at or after the handshake, or over the cap */
    uint64_t events_in;  /* events read from clients (control included) */
    uint64_t events_out; /* events queued to clients */
    uint64_t dropped_sa; /* SA events dropped from full queues */
    uint64_t superseded; /* SA events not sent: a newer one of their uid was queued */
    uint64_t malformed;
    uint64_t looped;  /* dropped: carrying a kizuna flow tag */
    uint64_t shared;  /* reports handed to the node as commands */
    uint64_t picture; /* items in the picture now */
};
void gw_stats(const struct cot_gw *g, struct gw_stats *s);

#endif
