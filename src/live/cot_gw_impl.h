/* cot_gw_impl.h - internal to the CoT gateway (cot_gw_*.c): clients, queues, the picture. */
#ifndef KZ_COT_GW_IMPL_H
#define KZ_COT_GW_IMPL_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "cot.h"
#include "cot_gw.h"
#include "pki_client.h"

#define GW_WBUF       (32 * 1024)         /* a client's write buffer; every encoded message fits */
#define GW_RBUF       (64 * 1024)         /* one read */
#define GW_READ_MAX   (256 * 1024)        /* read per client per step at most (fairness) */
#define GW_BAD_WIN_NS (60 * 1000000000LL) /* the malformed-input window */
#define GW_BAD_MAX    64                  /* the largest threshold kept */
#define GW_PIC_MAX    65536               /* items in the picture at most */
#define GW_SHARE_MAX  16384               /* uids waiting to go to the node at most */
#define GW_SLICE_NS   1000000LL           /* the longest wait on one side (gw_wait) */

/* One encoded message (XML, or a TAK v1 frame), shared by every queue it is in. */
struct gw_buf {
    uint32_t refs, len;
    bool alert;      /* kizuna alerts, emergencies: never dropped */
    bool superseded; /* SA whose uid has a newer item: not sent if not sent yet */
    unsigned char b[];
};

/* A queue of messages for one client, oldest first. */
struct gw_ring {
    struct gw_buf **v;
    uint32_t cap, head, n;
    uint32_t max; /* it grows up to this */
};

enum gw_state { GS_HANDSHAKE, GS_OPEN, GS_CLOSED };

struct gw_client {
    int fd;
    SSL *ssl; /* NULL: plain TCP */
    enum gw_state st;
    uint64_t serial; /* the gateway's connection number (picture items name it) */
    char peer[96];   /* ADDR:PORT */
    struct pki_client_id id;
    char self_uid[COT_UID_MAX]; /* the uid of its own PLI, for marti/dest uid= */
    bool proto;                 /* TAK protocol v1 (after t-x-takp-r) */
    struct cot_scan scan;
    struct gw_ring ctl, sa;
    unsigned char *wbuf;
    size_t woff, wlen;
    bool rd_want_write; /* SSL_read asked for POLLOUT (TLS 1.3 key update) */
    bool wr_blocked;    /* the socket took no more: wait for POLLOUT */
    bool more;          /* bytes may be left to read (budget, or SSL's buffer) */
    short revents;
    int64_t deadline_ns; /* handshake */
    char vfy[200];       /* what the verify callback found (refusals) */
    char vsubj[PKI_SUBJECT_MAX + 1];
    int64_t bad_ns[GW_BAD_MAX];
    int nbad, bad_head;
    uint32_t pic_cursor; /* the picture on connect: next slot to look at */
    uint64_t pic_upd;    /* ... of the items written before then (later ones went live) */
    bool pic_done;
    uint64_t n_in, n_out, n_drop, n_super, n_loop, n_bad;
};

/* One item of the picture: the newest event of a uid. */
struct gw_item_slot {
    uint64_t h; /* hash of uid; 0: empty (tombstones are h = 1 with uid "") */
    char uid[COT_UID_MAX];
    uint8_t cls;
    uint64_t rel;
    int64_t time_ms, stale_ms;
    uint64_t src; /* the client that sent it (serial), 0: the node */
    uint64_t seq; /* g->upd when it was last written */
    struct gw_buf *xml, *pb;
};

/* A client's report waiting to go to the node (the newest per uid). */
struct gw_share {
    uint64_t h;
    char uid[COT_UID_MAX];
    struct command c;
    char who[PKI_CALLSIGN_MAX + PKI_SUBJECT_MAX + 128];
};

struct cot_gw {
    struct live *L;
    const struct kz_model *m;
    int me;
    SSL_CTX *ctx;
    int lfd[2]; /* TLS, plain; -1: none */
    char laddr[2][96];
    struct gw_client **c;
    size_t nc, capc;
    struct pollfd *pfd;
    size_t cappfd;
    bool polled, busy;
    uint64_t serials;
    /* config */
    uint32_t msg_max, qcap;
    int clients_max, bad_max;
    int64_t hs_ns, stale_ms, share_ns;
    int plain_nation, plain_cls;
    uint64_t all_nations;
    int to[CMD_MAX_IDS], nto; /* where reports go: the members of this node's networks */
    int nproto;               /* clients speaking protobuf: encode for them too */
    /* the picture: open addressing on uid */
    struct gw_item_slot *pic;
    uint32_t piccap, picn, picused;
    uint64_t upd; /* writes to the picture so far */
    uint64_t ndel; /* deletes passed on so far: their uids */
    int64_t next_expire_ns;
    /* reports waiting for the node */
    struct gw_share *sh;
    uint32_t shcap, shn;
    int64_t next_share_ns;
    int64_t *own; /* commands queued by the gateway, not yet run */
    size_t nown, capown;
    int64_t last_cap_log_ns;
    struct gw_stats st;
    /* scratch */
    struct cot_event ev, ev2;
    unsigned char *rbuf; /* GW_RBUF */
    char *xbuf;          /* GW_WBUF: one encoded message */
};

/* cot_gw_net.c: sockets and TLS */
int gwn_listen(struct cot_gw *g, int which, const char *addr, char *err, size_t errlen);
int gwn_tls_init(struct cot_gw *g, char *err, size_t errlen);
void gwn_accept(struct cot_gw *g, int which);
void gwn_handshake(struct cot_gw *g, struct gw_client *c);
/* Reads what the client sent (at most GW_READ_MAX) and feeds gws_input. */
void gwn_read(struct cot_gw *g, struct gw_client *c);
/* Writes queued messages until the socket takes no more. */
void gwn_write(struct cot_gw *g, struct gw_client *c);
void gwn_close_socket(struct gw_client *c);

/* cot_gw_sess.c: sessions and queues */
struct gw_buf *gws_buf(const void *p, size_t n, bool alert);
void gws_unref(struct gw_buf *b);
/* Queues b for c (a reference is taken): SA drops the oldest when full; an alert or control
 * message that does not fit closes the client (journaled). */
void gws_queue(struct cot_gw *g, struct gw_client *c, struct gw_buf *b);
/* The next message to write (control first), or NULL; gws_pop takes it off. */
struct gw_buf *gws_peek(struct cot_gw *g, struct gw_client *c);
void gws_pop(struct gw_client *c);
/* An event encoded for c (XML or protobuf as it speaks), queued; false when it cannot be
 * encoded (journaled once). */
bool gws_send_event(struct cot_gw *g, struct gw_client *c, const struct cot_event *ev, bool alert);
struct gw_client *gws_new(struct cot_gw *g, int fd, SSL *ssl, const char *peer);
/* After the handshake (or at once when plain): admitted, announced, picture started. */
void gws_admit(struct cot_gw *g, struct gw_client *c);
/* Marks c closed with the reason (journaled when it had been admitted); freed by gws_reap. */
void gws_close(struct cot_gw *g, struct gw_client *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gws_reap(struct cot_gw *g);
void gws_free(struct gw_client *c);
/* Bytes from the client: split, parsed, acted on. */
void gws_input(struct cot_gw *g, struct gw_client *c, const unsigned char *p, size_t n);
/* A malformed message from c (journaled); closes c past the threshold. */
void gws_malformed(struct cot_gw *g, struct gw_client *c, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Journals a gateway event (what: "cot" or "refused") outside any root of work. */
void gws_journal(struct cot_gw *g, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int64_t gws_now_ms(void);
bool gws_visible(const struct gw_client *c, int cls, uint64_t rel);

/* cot_gw_out.c: the picture and fan-out */
uint64_t gwo_hash(const char *uid);
struct gw_item_slot *gwo_find(struct cot_gw *g, const char *uid, uint64_t h);
/* Keeps ev (marked cls/rel, from client `src` or the node) as the newest of its uid and
 * queues it for every client that may see it but `src`. 1 when kept, 0 when older than what
 * the picture holds, -1 when the picture is full, KZ_ENOMEM. */
int gwo_offer(struct cot_gw *g, const struct cot_event *ev, int cls, uint64_t rel, uint64_t src,
              bool alert);
/* Directed delivery (marti/dest): to the clients named, when they may see it. */
void gwo_direct(struct cot_gw *g, const struct cot_event *ev, int cls, uint64_t rel,
                const struct gw_client *from);
/* t-x-d-d from a client: 0 done, or a reason it was not. */
const char *gwo_delete(struct cot_gw *g, const struct cot_event *ev, const struct gw_client *from);
void gwo_expire(struct cot_gw *g, int64_t now_ms);
/* The picture on connect: queues visible items from c's cursor while its SA queue has room. */
void gwo_picture_more(struct cot_gw *g, struct gw_client *c);
void gwo_free(struct cot_gw *g);

/* cot_gw_in.c: reports in */
/* An event from client c that is no control message: marked, kept, fanned out, shared. */
void gwi_event(struct cot_gw *g, struct gw_client *c, struct cot_event *ev);
/* Hands the waiting reports to the node (commands in its journal). 0 or KZ_E. */
int gwi_flush_shares(struct cot_gw *g, bool all);

#endif
