/* cot_gw_net.c - the CoT gateway's sockets: listeners, TLS with mutual X.509, non-blocking I/O. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "cot_gw_impl.h"
#include "kizuna/error.h"
#include "node_impl.h"
#include "wallclock.h"

/* numeric hosts and ports only (NI_NUMERICHOST): an IPv6 address is at most 45 characters */
enum { GW_HOST_MAX = 64, GW_SERV_MAX = 16 };

static const char *const which_name[] = {"TLS, mutual X.509", "PLAIN TCP"};

static bool nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 &&
           fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" into host and port (host NULL: every address). */
static bool split_addr(const char *addr, char *host, size_t hn, char *port, size_t pn)
{
    const char *colon = strrchr(addr, ':');
    if (!colon || !colon[1] || strlen(colon + 1) >= pn)
        return false;
    snprintf(port, pn, "%s", colon + 1);
    for (const char *p = port; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    const char *h = addr;
    size_t len = (size_t)(colon - addr);
    if (len >= 2 && h[0] == '[' && h[len - 1] == ']') {
        h++;
        len -= 2;
    }
    if (len >= hn)
        return false;
    memcpy(host, h, len);
    host[len] = '\0';
    return true;
}

int gwn_listen(struct cot_gw *g, int which, const char *addr, char *err, size_t errlen)
{
    char host[256], port[16];
    if (!split_addr(addr, host, sizeof host, port, sizeof port)) {
        snprintf(err, errlen, "cot: '%s' is not HOST:PORT", addr);
        return KZ_EINVAL;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int e = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (e) {
        snprintf(err, errlen, "cot: cannot listen on '%s': %s", addr, gai_strerror(e));
        return KZ_EINVAL;
    }
    int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol), one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 128) || !nonblock(fd)) {
        snprintf(err, errlen, "cot: cannot listen on '%s': %s", addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return KZ_EIO;
    }
    freeaddrinfo(res);
    /* the address as bound (port 0 asks for any free port: tests read it from the log) */
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char h[GW_HOST_MAX] = "?", p[GW_SERV_MAX] = "?";
    if (!getsockname(fd, (struct sockaddr *)&ss, &sl))
        getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV);
    snprintf(g->laddr[which], sizeof g->laddr[which], "%s%s%s:%s", strchr(h, ':') ? "[" : "", h,
             strchr(h, ':') ? "]" : "", p);
    g->lfd[which] = fd;
    gws_journal(g, "cot", "listening on %s (%s)", g->laddr[which], which_name[which]);
    return 0;
}

/* ---- TLS ------------------------------------------------------------------------------- */

static int ex_client = -1; /* SSL ex_data index: the gw_client of a connection */

/* Keeps what the chain's verification found, for the refusal's journal entry: the subject of
 * the client's certificate and the first error. The verdict is OpenSSL's. */
static int verify_cb(int ok, X509_STORE_CTX *x)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct gw_client *c = ssl ? SSL_get_ex_data(ssl, ex_client) : NULL;
    if (!c)
        return ok;
    X509 *cert = X509_STORE_CTX_get_current_cert(x);
    if (cert && X509_STORE_CTX_get_error_depth(x) == 0 && !c->vsubj[0]) {
        BIO *b = BIO_new(BIO_s_mem());
        if (b && X509_NAME_print_ex(b, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253) >= 0) {
            int n = BIO_read(b, c->vsubj, (int)sizeof c->vsubj - 1);
            c->vsubj[n > 0 ? n : 0] = '\0';
        }
        BIO_free(b);
    }
    if (!ok && !c->vfy[0])
        snprintf(c->vfy, sizeof c->vfy, "certificate not accepted: %s (depth %d)",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(x)),
                 X509_STORE_CTX_get_error_depth(x));
    return ok;
}

int gwn_tls_init(struct cot_gw *g, char *err, size_t errlen)
{
    const char *dir = g->L->o->secure_dir;
    const char *id = g->m->nodes[g->me].id;
    char ca[4096], cert[4096], key[4096];
    snprintf(ca, sizeof ca, "%s/identity_ca.pem", dir);
    snprintf(cert, sizeof cert, "%s/%s/cert.pem", dir, id);
    snprintf(key, sizeof key, "%s/%s/key.pem", dir, id);
    if (ex_client < 0)
        ex_client = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    const char *bad = !ctx                                                           ? "OpenSSL"
                      : !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)          ? "TLS 1.2"
                      : SSL_CTX_use_certificate_chain_file(ctx, cert) != 1           ? cert
                      : SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ? key
                      : SSL_CTX_check_private_key(ctx) != 1                          ? key
                      : SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1            ? ca
                                                                                     : NULL;
    if (bad) {
        unsigned long e = ERR_get_error();
        snprintf(err, errlen, "cot: cannot set up TLS with %s: %s", bad,
                 e ? ERR_reason_error_string(e) : "failed");
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return bad == ca || bad == cert || bad == key ? KZ_ENOTFOUND : KZ_EIO;
    }
    /* the structure's identity CA is the one trust anchor; a client must show a certificate,
     * and one made for client authentication (pki_client_identity checks the rest) */
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca);
    if (names)
        SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_cb);
    SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    g->ctx = ctx;
    return 0;
}

/* ---- connections ------------------------------------------------------------------------ */

void gwn_accept(struct cot_gw *g, int which)
{
    for (int k = 0; k < 64; k++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept(g->lfd[which], (struct sockaddr *)&ss, &sl);
        if (fd < 0)
            return; /* EAGAIN, or a connection that went away before we took it */
        char h[GW_HOST_MAX] = "?", p[GW_SERV_MAX] = "?", peer[96];
        getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, p, sizeof p,
                    NI_NUMERICHOST | NI_NUMERICSERV);
        snprintf(peer, sizeof peer, "%s:%s", h, p);
        g->st.accepted++;
        if ((int)g->nc >= g->clients_max) {
            g->st.refused++;
            close(fd);
            int64_t now = wall_ns();
            if (now - g->last_cap_log_ns >= 1000000000LL) { /* one line a second at most */
                g->last_cap_log_ns = now;
                gws_journal(g, "refused",
                            "cot: connection from %s refused: already %d "
                            "connections (--cot-max-clients)",
                            peer, (int)g->nc);
            }
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        SSL *ssl = NULL;
        if (!nonblock(fd) || (which == 0 && !(ssl = SSL_new(g->ctx))) ||
            (ssl && !SSL_set_fd(ssl, fd))) {
            SSL_free(ssl);
            close(fd);
            g->st.refused++;
            continue;
        }
        struct gw_client *c = gws_new(g, fd, ssl, peer);
        if (!c) {
            SSL_free(ssl);
            close(fd);
            g->st.refused++;
            continue;
        }
        if (!ssl) {
            gws_admit(g, c);
            continue;
        }
        SSL_set_ex_data(ssl, ex_client, c);
        SSL_set_accept_state(ssl);
        c->deadline_ns = wall_ns() + g->hs_ns;
        gwn_handshake(g, c);
    }
}

/* The reason in the error queue (or errno) after a failed SSL call. */
static void ssl_reason(int e, char *buf, size_t n)
{
    unsigned long q = ERR_get_error();
    if (q)
        snprintf(buf, n, "%s", ERR_reason_error_string(q) ? ERR_reason_error_string(q) : "TLS");
    else if (e == SSL_ERROR_SYSCALL && errno)
        snprintf(buf, n, "%s", strerror(errno));
    else
        snprintf(buf, n, "the connection closed");
    ERR_clear_error();
}

void gwn_handshake(struct cot_gw *g, struct gw_client *c)
{
    ERR_clear_error();
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        X509 *peer = SSL_get0_peer_certificate(c->ssl);
        char why[300];
        if (!peer) { /* cannot happen with FAIL_IF_NO_PEER_CERT; refuse all the same */
            g->st.refused++;
            gws_journal(g, "refused", "cot: %s refused at the handshake: no client certificate",
                        c->peer);
            gws_close(g, c, NULL);
            return;
        }
        if (pki_client_identity(g->m, g->me, peer, &c->id, why, sizeof why)) {
            g->st.refused++;
            gws_journal(g, "refused", "cot: %s refused after the handshake: %s (subject %s)",
                        c->peer, why, c->vsubj[0] ? c->vsubj : "?");
            gws_close(g, c, NULL);
            return;
        }
        gws_admit(g, c);
        return;
    }
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        c->wr_blocked = e == SSL_ERROR_WANT_WRITE;
        return; /* gw_io times it out */
    }
    char why[200];
    ssl_reason(e, why, sizeof why);
    g->st.refused++;
    gws_journal(g, "refused", "cot: %s refused at the handshake: %s%s%s%s", c->peer,
                c->vfy[0] ? c->vfy : why, c->vsubj[0] ? " (subject " : " (no certificate",
                c->vsubj[0] ? c->vsubj : "", ")");
    gws_close(g, c, NULL);
}

void gwn_read(struct cot_gw *g, struct gw_client *c)
{
    size_t got = 0;
    c->more = false;
    c->rd_want_write = false;
    while (got < GW_READ_MAX && c->st == GS_OPEN) {
        size_t want = GW_READ_MAX - got < GW_RBUF ? GW_READ_MAX - got : GW_RBUF;
        long n;
        if (c->ssl) {
            ERR_clear_error();
            int r = SSL_read(c->ssl, g->rbuf, (int)want);
            if (r <= 0) {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ)
                    return;
                if (e == SSL_ERROR_WANT_WRITE) {
                    c->rd_want_write = true;
                    return;
                }
                char why[200];
                if (e == SSL_ERROR_ZERO_RETURN)
                    snprintf(why, sizeof why, "the client closed the connection");
                else
                    ssl_reason(e, why, sizeof why);
                gws_close(g, c, "%s", why);
                return;
            }
            n = r;
        } else {
            n = recv(c->fd, g->rbuf, want, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                return;
            if (n <= 0) {
                gws_close(g, c, "%s",
                          n == 0 ? "the client closed the connection" : strerror(errno));
                return;
            }
        }
        got += (size_t)n;
        gws_input(g, c, g->rbuf, (size_t)n);
    }
    /* the budget is spent: come back next step even if poll has nothing new to say */
    c->more = c->st == GS_OPEN;
}

void gwn_write(struct cot_gw *g, struct gw_client *c)
{
    c->wr_blocked = false;
    while (c->st == GS_OPEN) {
        if (c->woff == c->wlen) {
            /* refill only once the last write went out whole: a write that waits for the
             * socket must be repeated with the same bytes (SSL_write's rule) */
            c->woff = c->wlen = 0;
            struct gw_buf *b;
            while ((b = gws_peek(g, c)) && c->wlen + b->len <= GW_WBUF) {
                if (b->superseded) { /* last write wins: the newer one is queued after it */
                    gws_pop(c);
                    c->n_super++;
                    g->st.superseded++;
                    continue;
                }
                memcpy(c->wbuf + c->wlen, b->b, b->len);
                c->wlen += b->len;
                gws_pop(c);
            }
            if (!c->wlen)
                return;
        }
        size_t n = c->wlen - c->woff;
        long w;
        if (c->ssl) {
            ERR_clear_error();
            int r = SSL_write(c->ssl, c->wbuf + c->woff, (int)n);
            if (r <= 0) {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
                    c->wr_blocked = true;
                    return;
                }
                char why[200];
                ssl_reason(e, why, sizeof why);
                gws_close(g, c, "writing: %s", why);
                return;
            }
            w = r;
        } else {
            w = send(c->fd, c->wbuf + c->woff, n, MSG_NOSIGNAL);
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                c->wr_blocked = true;
                return;
            }
            if (w < 0) {
                gws_close(g, c, "writing: %s", strerror(errno));
                return;
            }
        }
        c->woff += (size_t)w;
    }
}

void gwn_close_socket(struct gw_client *c)
{
    if (c->ssl) {
        if (c->st == GS_OPEN)
            SSL_shutdown(c->ssl); /* one try: a close_notify if the socket takes it */
        SSL_free(c->ssl);
        c->ssl = NULL;
        ERR_clear_error();
    }
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
