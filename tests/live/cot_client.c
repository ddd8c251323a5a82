/* cot_client.c - a TAK client for the gateway's tests and benchmark (see cot_client.h). */
#include "cot_client.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <openssl/err.h>

#include "live/takproto.h"

enum { RBUF = 64 * 1024, WBUF = 64 * 1024 };

int cc_rcvbuf;

long long cc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ssl_err(struct cc *c, const char *what)
{
    unsigned long e = ERR_get_error();
    snprintf(c->err, sizeof c->err, "%s: %s", what,
             e ? ERR_reason_error_string(e) : strerror(errno));
    ERR_clear_error();
}

int cc_connect(struct cc *c, int port, const char *cert, const char *key, const char *ca)
{
    memset(c, 0, sizeof *c);
    c->fd = -1;
    if (cot_scan_init(&c->scan, 1 << 20) || !(c->rbuf = malloc(RBUF))) {
        snprintf(c->err, sizeof c->err, "out of memory");
        return -1;
    }
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0 && cc_rcvbuf)
        setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &cc_rcvbuf, sizeof cc_rcvbuf);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&a, sizeof a)) {
        snprintf(c->err, sizeof c->err, "connect: %s", strerror(errno));
        return -1;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (!ca)
        return 0;
    c->ctx = SSL_CTX_new(TLS_client_method());
    if (!c->ctx || SSL_CTX_load_verify_locations(c->ctx, ca, NULL) != 1) {
        ssl_err(c, "CA");
        return -1;
    }
    SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
    if (cert && (SSL_CTX_use_certificate_file(c->ctx, cert, SSL_FILETYPE_PEM) != 1 ||
                 SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM) != 1)) {
        ssl_err(c, "client certificate");
        return -1;
    }
    c->ssl = SSL_new(c->ctx);
    if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) {
        ssl_err(c, "SSL");
        return -1;
    }
    struct timeval tv = {10, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (SSL_connect(c->ssl) != 1) {
        ssl_err(c, "handshake");
        return -1;
    }
    return 0;
}

void cc_close(struct cc *c)
{
    if (c->ssl)
        SSL_free(c->ssl);
    SSL_CTX_free(c->ctx);
    if (c->fd >= 0)
        close(c->fd);
    cot_scan_free(&c->scan);
    free(c->rbuf);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

int cc_write(struct cc *c, const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        long w = c->ssl ? SSL_write(c->ssl, p, (int)n) : send(c->fd, p, n, MSG_NOSIGNAL);
        if (w <= 0) {
            snprintf(c->err, sizeof c->err, "write failed");
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cc_send(struct cc *c, const struct cot_event *ev)
{
    static char buf[WBUF];
    size_t len = 0;
    int rc = c->proto ? takp_encode_frame(ev, (uint8_t *)buf, sizeof buf, &len)
                      : cot_write(ev, buf, sizeof buf, &len);
    return rc ? -1 : cc_write(c, buf, len);
}

int cc_next(struct cc *c, struct cot_event *ev, int timeout_ms)
{
    long long end = cc_now_ms() + timeout_ms;
    for (;;) {
        const unsigned char *msg;
        size_t len;
        enum cot_scan_item it;
        while ((it = cot_scan_next(&c->scan, &msg, &len)) != COT_SCAN_NEED) {
            if (it != COT_SCAN_EVENT)
                continue;
            char why[300];
            int rc = c->proto ? takp_decode(msg, len, ev, NULL, NULL, why, sizeof why)
                              : cot_parse((const char *)msg, len, ev, why, sizeof why);
            if (!rc)
                return 1;
        }
        long long left = end - cc_now_ms();
        if (left <= 0)
            return 0;
        if (!c->ssl || !SSL_pending(c->ssl)) {
            struct pollfd p = {c->fd, POLLIN, 0};
            int r = poll(&p, 1, (int)left);
            if (r == 0)
                return 0;
            if (r < 0)
                continue;
        }
        long n = c->ssl ? SSL_read(c->ssl, c->rbuf, RBUF) : recv(c->fd, c->rbuf, RBUF, 0);
        if (n <= 0) {
            if (c->ssl)
                ssl_err(c, "read");
            else
                snprintf(c->err, sizeof c->err, "closed");
            return -1;
        }
        if (cot_scan_feed(&c->scan, c->rbuf, (size_t)n))
            return -1;
    }
}

bool cc_negotiate(struct cc *c, int timeout_ms)
{
    struct cot_event ev;
    takp_request("protouid", TAKP_VERSION, cc_now_ms(), &ev);
    if (cc_send(c, &ev))
        return false;
    long long end = cc_now_ms() + timeout_ms;
    while (cc_now_ms() < end) {
        int r = cc_next(c, &ev, (int)(end - cc_now_ms()));
        if (r <= 0)
            return false;
        if (ev.ctl == COT_CTL_TAKP_R) {
            if (ev.takp_status) {
                c->proto = true;
                cot_scan_set_mode(&c->scan, COT_SCAN_PROTO);
            }
            return ev.takp_status;
        }
    }
    return false;
}

void cc_event(struct cot_event *ev, const char *uid, const char *type, double lat, double lon,
              double stale_s)
{
    cot_event_init(ev);
    snprintf(ev->uid, sizeof ev->uid, "%s", uid);
    snprintf(ev->type, sizeof ev->type, "%s", type);
    snprintf(ev->how, sizeof ev->how, "m-g");
    ev->time_ms = ev->start_ms = cc_now_ms();
    ev->stale_ms = ev->time_ms + (long long)(stale_s * 1000);
    ev->lat = lat;
    ev->lon = lon;
    ev->hae = 10;
    cot_event_classify(ev);
}
