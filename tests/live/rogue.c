/* rogue.c - a DDS participant that skips the sender's checks: writes one crafted kz_Msg and waits
 * for the receiver's acknowledgement (for the receiver-end gates of tests/live.cmake). */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kizuna.h" /* idlc-generated: kz_Msg, kz_Ack */
#include "kizuna/kizuna.h"
#include "live/dds.h"
#include "live/wire.h"
#include "model/model_impl.h"

static const char usage[] =
    "usage: kz_rogue STRUCTURE DOMAIN track|order FROM TO NETWORK [--releasable N1,N2]\n"
    "                [--decision ID] [--id N] [--for SECONDS]\n"
    "Writes one sample as node FROM to node TO over NETWORK, bypassing the sender's gates, and\n"
    "re-writes it until TO acknowledges it. Exit 0: acknowledged; 1: not within --for (default\n"
    "20 s); 2: usage or setup error.\n";

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int index_of(const kz_model *m, int what, const char *id)
{
    size_t n = what == 0   ? m->nnodes
               : what == 1 ? m->nnetworks
               : what == 2 ? m->nnations
                           : m->ndecisions;
    for (size_t i = 0; i < n; i++) {
        const char *s = what == 0   ? m->nodes[i].id
                        : what == 1 ? m->networks[i].id
                        : what == 2 ? m->nations[i].id
                                    : m->decisions[i].id;
        if (!strcmp(s, id))
            return (int)i;
    }
    fprintf(stderr, "kz_rogue: '%s' is not in the structure\n", id);
    return -1;
}

static bool file_digest(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    bool ok = !ferror(f) && feof(f);
    fclose(f);
    *out = wire_digest(buf, n);
    return ok;
}

struct wait_ack {
    uint64_t id;
    int from;
    bool acked;
};

static void on_sample(void *ctx, enum dx_topic t, int net, const void *s)
{
    struct wait_ack *w = ctx;
    (void)net;
    if (t == DX_ACK) {
        const kz_Ack *a = s;
        if (a->id == w->id && a->to == w->from)
            w->acked = true;
    }
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fputs(usage, stderr);
        return 2;
    }
    const char *path = argv[1], *kind = argv[3], *rel = NULL, *decision = NULL;
    uint64_t id = 0;
    double for_s = 20;
    for (int i = 7; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--releasable"))
            rel = argv[i + 1];
        else if (!strcmp(argv[i], "--decision"))
            decision = argv[i + 1];
        else if (!strcmp(argv[i], "--id"))
            id = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--for"))
            for_s = strtod(argv[i + 1], NULL);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    bool order = !strcmp(kind, "order");
    if ((!order && strcmp(kind, "track")) || (order && !decision) || (argc - 7) % 2) {
        fputs(usage, stderr);
        return 2;
    }
    kz_diags *d;
    kz_model *m = NULL;
    if (kz_diags_create(&d))
        return 2;
    if (kz_model_load_file(path, &m, d)) {
        for (size_t i = 0; i < kz_diags_count(d); i++)
            kz_diag_print(kz_diags_get(d, i), stderr);
        kz_diags_destroy(d);
        return 2;
    }
    kz_diags_destroy(d);
    int rc = 2;
    struct ddsx *x = NULL;
    uint64_t digest;
    int from = index_of(m, 0, argv[4]), to = index_of(m, 0, argv[5]), net = index_of(m, 1, argv[6]);
    int dec = decision ? index_of(m, 3, decision) : -1;
    if (from < 0 || to < 0 || net < 0 || (decision && dec < 0) || !file_digest(path, &digest))
        goto out;

    /* What the sender's engine would have exported, without its release gate. */
    struct eng_wire w;
    memset(&w, 0, sizeof w);
    w.h.thread = -1;
    w.h.kind = (uint8_t)(order ? KZ_MSG_ORDER : KZ_MSG_TRACK);
    w.h.precedence = KZ_PREC_IMMEDIATE;
    w.h.classification = CL_S;
    w.h.releasable = m->nnations >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << m->nnations) - 1;
    if (rel) {
        w.h.releasable = 0;
        char buf[256];
        snprintf(buf, sizeof buf, "%s", rel);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            int k = index_of(m, 2, tok);
            if (k < 0)
                goto out;
            w.h.releasable |= (uint64_t)1 << k;
        }
    }
    w.h.origin = from;
    w.h.destination = to;
    w.dst = to;
    w.purpose = 1; /* P_ROUTE: on its way to a recipient or an executor */
    w.graph = (uint8_t)(order ? G_CMD : G_NET);
    w.opkind = (uint8_t)(order ? ENG_OPK_ORDER : ENG_OPK_SHARE);
    w.attr.thread = -1;
    w.attr.prec = KZ_PREC_IMMEDIATE;
    w.attr.cls = CL_S;
    w.attr.releasable = w.h.releasable;
    w.decision = dec;
    w.assets = w.requester = w.auth = -1;
    if (!id) /* a root no node reaches in a test: 0xfff00 and up */
        id = (uint64_t)from << 48 | (uint64_t)0xfff00u << 16 | (uint64_t)(now_ns() & 0xffff);
    struct wire_hop hop = {id, id, from, to, net, now_ns()};
    struct wire_body body;
    memset(&body, 0, sizeof body);
    snprintf(body.track_id, sizeof body.track_id, "ROGUE");
    snprintf(body.text, sizeof body.text, "crafted by kz_rogue");
    kz_Track tr;
    memset(&tr, 0, sizeof tr);
    wire_encode(digest, &w, &hop, &body, &tr.m);
    memcpy(tr.track_id, tr.m.track_id, sizeof tr.track_id);
    tr.to = tr.m.to;

    char err[512] = "";
    if (dx_open(m, from, (uint32_t)strtoul(argv[2], NULL, 10), NULL, &x, err, sizeof err)) {
        fprintf(stderr, "kz_rogue: %s\n", err);
        goto out;
    }
    struct wait_ack wa = {id, from, false};
    int64_t end = now_ns() + (int64_t)(for_s * 1e9), next = 0;
    int writes = 0;
    while (!wa.acked && now_ns() < end) {
        if (now_ns() >= next) {
            /* the receiver takes an id once and acknowledges every copy */
            if (dx_write(x, order ? DX_MSG : DX_TRACK, net,
                         order ? (const void *)&tr.m : (const void *)&tr) == 0)
                writes++;
            dx_flush(x); /* writes are batched (dds.c) */
            next = now_ns() + 300 * 1000000LL;
        }
        dx_wait(x, 50 * 1000000LL);
        if (dx_take(x, on_sample, &wa) < 0)
            break;
    }
    printf("kz_rogue: %016" PRIx64 " written %d times, %s\n", id, writes,
           wa.acked ? "acknowledged" : "not acknowledged");
    rc = wa.acked ? 0 : 1;
out:
    dx_close(x);
    kz_model_free(m);
    return rc;
}
