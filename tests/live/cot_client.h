/* cot_client.h - a TAK client for the gateway's tests and benchmark: TLS (OpenSSL) or plain TCP,
 * CoT XML or TAK protocol v1, blocking with timeouts. */
#ifndef KZ_COT_CLIENT_H
#define KZ_COT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/ssl.h>

#include "live/cot.h"

struct cc {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl; /* NULL: plain TCP */
    struct cot_scan scan;
    bool proto; /* after a true t-x-takp-r */
    char err[300];
    unsigned char *rbuf;
};

/*
 * Connects to 127.0.0.1:port. With ca set, over TLS: the server's certificate is checked
 * against ca (chain only: the test nodes' names are not checked here), the client shows
 * cert/key when given (NULL: no certificate). 0, or -1 with c->err. The TLS handshake may end
 * on the client's side before the server has judged the client's certificate (TLS 1.3): a
 * refusal then shows as the connection closing at the first read.
 */
int cc_connect(struct cc *c, int port, const char *cert, const char *key, const char *ca);
/* The receive buffer the next cc_connect asks for (SO_RCVBUF, before connecting); 0: the
 * system's. A small one makes a slow reader's backlog reach the server quickly. */
extern int cc_rcvbuf;
void cc_close(struct cc *c);
/* Writes all of buf (blocking). 0 or -1. */
int cc_write(struct cc *c, const void *buf, size_t n);
/* An event as the connection speaks (XML, or a v1 frame after negotiation). 0 or -1. */
int cc_send(struct cc *c, const struct cot_event *ev);
/* The next event within timeout_ms: 1 (parsed into *ev), 0 (time is up), -1 (closed or an
 * error; c->err says which). */
int cc_next(struct cc *c, struct cot_event *ev, int timeout_ms);
/* Asks for TAK protocol v1 (t-x-takp-q) and waits for the answer; true when it switched. */
bool cc_negotiate(struct cc *c, int timeout_ms);

/* A minimal valid event: uid, type, position, times now .. now + stale_s. */
void cc_event(struct cot_event *ev, const char *uid, const char *type, double lat, double lon,
              double stale_s);
long long cc_now_ms(void);

#endif
