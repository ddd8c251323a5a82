/* cot_gw.c - the CoT gateway in the node's loop: opening, the poll wait, one step of I/O, closing.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cot_gw_impl.h"
#include "kizuna/error.h"
#include "kizuna/util.h"
#include "node_impl.h"
#include "wallclock.h"

/* "NATION:CLEARANCE" of --cot-plain-as into the plain clients' identity. */
static int plain_as(struct cot_gw *g, const char *s, char *err, size_t errlen)
{
    const struct kz_model *m = g->m;
    g->plain_nation = m->nodes[g->me].nation;
    g->plain_cls = CL_U;
    if (!s)
        return 0;
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    int nation = -1, cls = -1;
    for (size_t i = 0; i < m->nnations; i++)
        if (strlen(m->nations[i].id) == n && !strncmp(m->nations[i].id, s, n))
            nation = (int)i;
    for (int i = 0; colon && i < CL_COUNT; i++)
        if (!strcmp(kz_classif_names[i], colon + 1))
            cls = i;
    if (nation < 0 || cls < 0) {
        snprintf(err, errlen,
                 "--cot-plain-as '%s': want NATION:CLEARANCE, a nation of structure "
                 "'%s' and one of U, C, S, TS",
                 s, m->name);
        return KZ_EINVAL;
    }
    g->plain_nation = nation;
    g->plain_cls = cls;
    return 0;
}

/* Where a client's reports go: every other member of every network this node is on (the
 * engine routes and gates each; a far node is reached as the structure relays). */
static void destinations(struct cot_gw *g)
{
    const struct kz_model *m = g->m;
    bool seen[4096] = {false};
    for (size_t n = 0; n < m->nnetworks; n++) {
        if (!wire_member(m, (int)n, g->me))
            continue;
        const struct network *nw = &m->networks[n];
        for (size_t k = 0; k < nw->members.n && g->nto < CMD_MAX_IDS; k++) {
            int i = nw->members.v[k].idx;
            if (i != g->me && i < 4096 && !seen[i]) {
                seen[i] = true;
                g->to[g->nto++] = i;
            }
        }
    }
}

int gw_open(struct live *L, struct cot_gw **out, char *err, size_t errlen)
{
    *out = NULL;
    const struct kz_node_options *o = L->o;
    struct cot_gw *g = calloc(1, sizeof *g);
    if (!g)
        return KZ_ENOMEM;
    g->L = L;
    g->m = L->m;
    g->me = L->me;
    g->lfd[0] = g->lfd[1] = -1;
    g->msg_max = o->cot_msg_max ? o->cot_msg_max : 65536;
    if (g->msg_max < COT_CAP_MIN)
        g->msg_max = COT_CAP_MIN;
    g->qcap = o->cot_queue > 0 ? (uint32_t)o->cot_queue : 4096;
    g->clients_max = o->cot_clients_max > 0 ? o->cot_clients_max : 512;
    g->bad_max = o->cot_malformed_max > 0 ? o->cot_malformed_max : 10;
    if (g->bad_max > GW_BAD_MAX)
        g->bad_max = GW_BAD_MAX;
    g->hs_ns = (int64_t)((o->cot_handshake_s > 0 ? o->cot_handshake_s : 10) * 1e9);
    g->stale_ms = (int64_t)((o->cot_stale_s > 0 ? o->cot_stale_s : 300) * 1e3);
    g->share_ns = (int64_t)((o->cot_share_s > 0 ? o->cot_share_s : 0.2) * 1e9);
    g->all_nations = g->m->nnations >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << g->m->nnations) - 1);
    destinations(g);
    int rc = plain_as(g, o->cot_plain_as, err, errlen);
    if (rc)
        goto fail;
    g->rbuf = malloc(GW_RBUF);
    g->xbuf = malloc(GW_WBUF);
    if (!g->rbuf || !g->xbuf) {
        rc = KZ_ENOMEM;
        goto fail;
    }
    /* a client that goes away mid-write must not take the node with it (SIGPIPE) */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    if (o->cot_addr) {
        if (!o->secure_dir) {
            snprintf(err, errlen,
                     "--cot serves TLS with the node's certificate: give --secure "
                     "DIR (or --cot-plain for a lab)");
            rc = KZ_EINVAL;
            goto fail;
        }
        if ((rc = gwn_tls_init(g, err, errlen)) ||
            (rc = gwn_listen(g, 0, o->cot_addr, err, errlen)))
            goto fail;
    }
    if (o->cot_plain_addr) {
        if ((rc = gwn_listen(g, 1, o->cot_plain_addr, err, errlen)))
            goto fail;
        gws_journal(g, "cot",
                    "WARNING: plain TCP on %s: no authentication and no encryption; "
                    "every client there is taken as nation %s, clearance %s. Lab use "
                    "only.",
                    g->laddr[1], g->m->nations[g->plain_nation].id, kz_classif_names[g->plain_cls]);
    }
    *out = g;
    return 0;
fail:
    gw_close(g);
    return rc;
}

void gw_close(struct cot_gw *g)
{
    if (!g)
        return;
    if (g->L->j) /* reports still waiting go to the journal: the node takes them when it
                  * starts again */
        gwi_flush_shares(g, true);
    for (size_t i = 0; i < g->nc; i++) {
        gws_close(g, g->c[i], "the node stopped");
        gws_free(g->c[i]);
    }
    free(g->c);
    for (int k = 0; k < 2; k++)
        if (g->lfd[k] >= 0)
            close(g->lfd[k]);
    SSL_CTX_free(g->ctx);
    gwo_free(g);
    free(g->sh);
    free(g->own);
    free(g->pfd);
    free(g->rbuf);
    free(g->xbuf);
    free(g);
}

void gw_stats(const struct cot_gw *g, struct gw_stats *s)
{
    *s = g->st;
    s->picture = g->picn;
}

/* ---- the wait ----------------------------------------------------------------------------- */

/* poll() on the listeners and clients for at most ms, leaving each one's revents. */
static void poll_all(struct cot_gw *g, int ms)
{
    size_t n = 2 + g->nc;
    if (n > g->cappfd) {
        struct pollfd *v = realloc(g->pfd, n * sizeof *v);
        if (!v)
            return; /* the next step tries again */
        g->pfd = v;
        g->cappfd = n;
    }
    for (int k = 0; k < 2; k++)
        g->pfd[k] = (struct pollfd){g->lfd[k], POLLIN, 0};
    for (size_t i = 0; i < g->nc; i++) {
        struct gw_client *c = g->c[i];
        short ev = POLLIN;
        if (c->wr_blocked || c->rd_want_write)
            ev |= POLLOUT;
        g->pfd[2 + i] = (struct pollfd){c->st == GS_CLOSED ? -1 : c->fd, ev, 0};
        if (c->more)
            ms = 0;
    }
    int r = poll(g->pfd, (nfds_t)n, ms);
    for (size_t i = 0; i < g->nc; i++)
        g->c[i]->revents = r > 0 ? g->pfd[2 + i].revents : 0;
    if (r <= 0)
        g->pfd[0].revents = g->pfd[1].revents = 0;
    g->polled = true;
    g->busy = r > 0;
}

void gw_wait(struct cot_gw *g, struct ddsx *x, int64_t timeout_ns)
{
    int64_t slice = timeout_ns < GW_SLICE_NS ? timeout_ns : GW_SLICE_NS;
    int ms = slice > 0 ? (int)((slice + 999999) / 1000000) : 0;
    if (g->busy || !x) {
        poll_all(g, ms);
    } else {
        dx_wait(x, slice);
        poll_all(g, 0);
    }
}

/* ---- one step ------------------------------------------------------------------------------ */

int gw_io(struct cot_gw *g)
{
    if (!g->polled)
        poll_all(g, 0);
    g->polled = false;
    for (int k = 0; k < 2; k++)
        if (g->lfd[k] >= 0 && (g->pfd[k].revents & POLLIN))
            gwn_accept(g, k);
    int64_t now = wall_ns();
    bool any = false;
    for (size_t i = 0; i < g->nc && !g->L->err; i++) {
        struct gw_client *c = g->c[i];
        if (c->st == GS_HANDSHAKE) {
            if (c->revents)
                gwn_handshake(g, c);
            if (c->st == GS_HANDSHAKE && now > c->deadline_ns) {
                g->st.refused++;
                gws_journal(g, "refused", "cot: %s refused: no TLS handshake within %.0f s",
                            c->peer, (double)g->hs_ns * 1e-9);
                gws_close(g, c, NULL);
            }
            continue;
        }
        if (c->st != GS_OPEN)
            continue;
        if (c->more || (c->revents & (POLLIN | POLLHUP | POLLERR)) ||
            (c->rd_want_write && (c->revents & POLLOUT))) {
            any = true;
            gwn_read(g, c);
            if (c->ssl && c->st == GS_OPEN && SSL_pending(c->ssl) > 0)
                c->more = true;
        }
        c->revents &= POLLOUT; /* read: only what it says about writing is left */
    }
    g->busy = g->busy || any;
    int64_t ms = now / 1000000;
    if (now >= g->next_expire_ns) {
        g->next_expire_ns = now + 1000000000LL;
        gwo_expire(g, ms);
    }
    int rc = gwi_flush_shares(g, false);
    gws_reap(g);
    return rc ? rc : g->L->err;
}

void gw_flush(struct cot_gw *g)
{
    for (size_t i = 0; i < g->nc; i++) {
        struct gw_client *c = g->c[i];
        if (c->st != GS_OPEN || (c->wr_blocked && !(c->revents & POLLOUT)))
            continue;
        if (c->woff < c->wlen || c->ctl.n || c->sa.n || !c->pic_done)
            gwn_write(g, c);
        if (c->wr_blocked)
            c->revents &= ~POLLOUT;
    }
    gws_reap(g);
}
