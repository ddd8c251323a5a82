/* cot_load.c - a CoT load generator for bench/cot.sh: TLS senders and receivers against one node's
 * gateway; events/s sent and received, send->receive latency. One thread, non-blocking sockets. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <openssl/ssl.h>

#include "cot_client.h"
#include "sim/stats.h"

static const char usage[] =
    "usage: kz_bench_cot --port P --ca CA --tx CERT,KEY --rx CERT,KEY [--senders S]\n"
    "                    [--receivers N] [--rate EVENTS_PER_S] [--seconds T] [--warmup W]\n"
    "                    [--uids U]\n"
    "S senders (default 4) write CoT PLIs at RATE in all (default 20000), U uids each (default\n"
    "10), for T seconds (default 10); N receivers (default 1) read. Every client reads (TAK\n"
    "clients get the SA of the others). Prints one line of key=value figures; latency counts\n"
    "events sent after the first W seconds (default 1).\n";

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* One connection: TLS set non-blocking after a blocking handshake. */
struct conn {
    struct cc c;
    bool sender;
    int id;
    char *out; /* a sender's batch not yet written whole */
    size_t olen, ooff;
    long long sent; /* events written (senders) */
    long long got;  /* load events read */
    char carry[65536 + 1024];
    size_t nc; /* bytes of an event split across reads */
};

static double *lat; /* latency samples, ms */
static size_t nlat, caplat;
static int64_t measure_from;

static void sample(double ms)
{
    if (nlat == caplat) {
        size_t cap = caplat ? caplat * 2 : 1 << 20;
        double *v = realloc(lat, cap * sizeof *v);
        if (!v)
            return;
        lat = v;
        caplat = cap;
    }
    lat[nlat++] = ms;
}

static const char *find(const char *p, size_t n, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= n; i++)
        if (p[i] == s[0] && !memcmp(p + i, s, k))
            return p + i;
    return NULL;
}

/* Whole events in the carry buffer: load events (remarks ns=...) are counted and timed. */
static void consume(struct conn *k, int64_t t)
{
    size_t start = 0;
    for (;;) {
        const char *e = find(k->carry + start, k->nc - start, "</event>");
        if (!e)
            break;
        size_t end = (size_t)(e - k->carry) + 8;
        const char *r = find(k->carry + start, end - start, "<remarks>ns=");
        if (r) {
            int64_t ns = strtoll(r + 12, NULL, 10);
            k->got++;
            if (ns >= measure_from)
                sample((double)(t - ns) * 1e-6);
        }
        start = end;
    }
    memmove(k->carry, k->carry + start, k->nc - start);
    k->nc -= start;
    if (k->nc > sizeof k->carry - 17000)
        k->nc = 0; /* no event is this long: lost sync, start again */
}

static void drain(struct conn *k)
{
    for (int loops = 0; loops < 64; loops++) {
        size_t room = sizeof k->carry - k->nc;
        if (room > 16384)
            room = 16384;
        int n = SSL_read(k->c.ssl, k->carry + k->nc, (int)room);
        if (n <= 0)
            return;
        k->nc += (size_t)n;
        consume(k, now_ns());
    }
}

/* A sender's due events into one batch, then as much of it as the socket takes. */
static void pump(struct conn *k, long long due, int uids, char *ev_buf)
{
    while (k->olen == 0 && k->sent < due) {
        size_t len = 0;
        char *b = k->out;
        long long n = 0;
        while (k->sent + n < due && len + 2048 < 65536) {
            struct cot_event ev;
            char uid[64];
            snprintf(uid, sizeof uid, "LOAD-%d-%lld", k->id, (k->sent + n) % uids);
            cc_event(&ev, uid, "a-f-G-U-C", 35 + (double)(n % 100) * 1e-3, 139.5, 60);
            snprintf(ev.callsign, sizeof ev.callsign, "load-%d", k->id);
            snprintf(ev.remarks, sizeof ev.remarks, "ns=%" PRId64, now_ns());
            size_t l = 0;
            if (cot_write(&ev, ev_buf, 4096, &l))
                break;
            memcpy(b + len, ev_buf, l);
            len += l;
            n++;
        }
        k->olen = len;
        k->ooff = 0;
        k->sent += n;
        if (!n)
            break;
    }
    while (k->ooff < k->olen) {
        int w = SSL_write(k->c.ssl, k->out + k->ooff, (int)(k->olen - k->ooff));
        if (w <= 0)
            return; /* the gateway is not taking more now: back-pressure */
        k->ooff += (size_t)w;
    }
    k->olen = k->ooff = 0;
}

/* CPU seconds this process has used (user and system). */
static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static bool split_pair(char *s, char **a, char **b)
{
    char *c = strchr(s, ',');
    if (!c)
        return false;
    *c = '\0';
    *a = s;
    *b = c + 1;
    return true;
}

int main(int argc, char **argv)
{
    int port = 0, ns = 4, nr = 1, uids = 10;
    double rate = 20000, secs = 10, warm = 1;
    char *ca = NULL, *txc = NULL, *txk = NULL, *rxc = NULL, *rxk = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *o = argv[i];
        char *v = argv[i + 1];
        if (!strcmp(o, "--port"))
            port = atoi(v);
        else if (!strcmp(o, "--ca"))
            ca = v;
        else if (!strcmp(o, "--tx") && split_pair(v, &txc, &txk))
            continue;
        else if (!strcmp(o, "--rx") && split_pair(v, &rxc, &rxk))
            continue;
        else if (!strcmp(o, "--senders"))
            ns = atoi(v);
        else if (!strcmp(o, "--receivers"))
            nr = atoi(v);
        else if (!strcmp(o, "--rate"))
            rate = atof(v);
        else if (!strcmp(o, "--seconds"))
            secs = atof(v);
        else if (!strcmp(o, "--warmup"))
            warm = atof(v);
        else if (!strcmp(o, "--uids"))
            uids = atoi(v);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!port || !ca || !txc || !rxc || ns < 1 || nr < 0 || uids < 1 || rate <= 0) {
        fputs(usage, stderr);
        return 2;
    }
    int n = ns + nr;
    struct conn *k = calloc((size_t)n, sizeof *k);
    struct pollfd *p = calloc((size_t)n, sizeof *p);
    char *ev_buf = malloc(4096);
    if (!k || !p || !ev_buf)
        return 3;
    for (int i = 0; i < n; i++) {
        k[i].sender = i < ns;
        k[i].id = i;
        const char *cert = k[i].sender ? txc : rxc, *key = k[i].sender ? txk : rxk;
        if (cc_connect(&k[i].c, port, cert, key, ca)) {
            fprintf(stderr, "kz_bench_cot: client %d: %s\n", i, k[i].c.err);
            return 1;
        }
        if (k[i].sender && !(k[i].out = malloc(65536)))
            return 3;
        int fl = fcntl(k[i].c.fd, F_GETFL);
        fcntl(k[i].c.fd, F_SETFL, fl | O_NONBLOCK);
        p[i] = (struct pollfd){k[i].c.fd, POLLIN, 0};
    }
    /* the picture and the announcements first */
    int64_t t0 = now_ns() + 500000000LL;
    while (now_ns() < t0) {
        poll(p, (nfds_t)n, 10);
        for (int i = 0; i < n; i++)
            if (p[i].revents & POLLIN)
                drain(&k[i]);
    }
    for (int i = 0; i < n; i++)
        k[i].got = 0;
    t0 = now_ns();
    measure_from = t0 + (int64_t)(warm * 1e9);
    int64_t t_end = t0 + (int64_t)(secs * 1e9), t_drain = t_end + 2000000000LL;
    for (;;) {
        int64_t t = now_ns();
        if (t >= t_drain)
            break;
        for (int i = 0; i < ns && t < t_end; i++) {
            long long due = (long long)((double)(t - t0) * 1e-9 * rate / ns);
            pump(&k[i], due, uids, ev_buf);
            p[i].events = POLLIN | (k[i].olen ? POLLOUT : 0);
        }
        poll(p, (nfds_t)n, 1);
        for (int i = 0; i < n; i++)
            if (p[i].revents & POLLIN)
                drain(&k[i]);
    }
    long long sent = 0, got_rx = 0, got_all = 0, rx_min = -1;
    for (int i = 0; i < n; i++) {
        if (k[i].sender)
            sent += k[i].sent;
        else {
            got_rx += k[i].got;
            if (rx_min < 0 || k[i].got < rx_min)
                rx_min = k[i].got;
        }
        got_all += k[i].got;
    }
    stats_sort(lat, nlat);
    double p50 = nlat ? lat[(size_t)(0.50 * (double)(nlat - 1))] : -1;
    double p99 = nlat ? lat[(size_t)(0.99 * (double)(nlat - 1))] : -1;
    double mx = nlat ? lat[nlat - 1] : -1;
    /* what every client would have had: each event goes to every client but its sender */
    double want = (double)sent * (double)(n - 1);
    printf("clients=%d senders=%d receivers=%d offered_per_s=%.0f sent=%lld sent_per_s=%.0f "
           "delivered=%lld delivered_per_s=%.0f delivered_share=%.4f rx_min=%lld "
           "lat_samples=%zu lat_p50_ms=%.3f lat_p99_ms=%.3f lat_max_ms=%.3f gen_cpu_s=%.3f\n",
           n, ns, nr, rate, sent, (double)sent / secs, got_all, (double)got_all / secs,
           want > 0 ? (double)got_all / want : 0, rx_min, nlat, p50, p99, mx, cpu_s());
    for (int i = 0; i < n; i++) {
        cc_close(&k[i].c);
        free(k[i].out);
    }
    free(k);
    free(p);
    free(ev_buf);
    free(lat);
    return 0;
}
