/* rogue.c - an attacker's DDS participant: writes crafted samples that skip the sender's checks,
 * as a member holding one node's certificate and key, and counts the receipts it gets back. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kizuna.h" /* idlc-generated: kz_Msg, kz_Ack */
#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "live/auth.h"
#include "live/dds.h"
#include "live/wire.h"
#include "model/model_impl.h"

static const char usage[] =
    "usage: kz_rogue STRUCTURE DOMAIN track|order FROM TO NETWORK [--releasable N1,N2]\n"
    "                [--decision ID] [--id N] [--count N] [--net-field N] [--for SECONDS]\n"
    "                [--as NODE --secure PKI]\n"
    "Writes --count samples (default 1, ids from --id on) claiming to come from node FROM, to\n"
    "node TO over NETWORK, bypassing the sender's gates, and re-writes them until TO\n"
    "acknowledges them. With --as NODE --secure PKI it is a member holding NODE's certificate\n"
    "and key: it joins under NODE's DDS Security identity and seals each sample with NODE's\n"
    "key (whatever FROM says). --net-field writes N in the sample's network field. Prints how\n"
    "many were acknowledged. Exit 0: all; 1: not all within --for (default 20 s); 2: usage or\n"
    "setup error.\n";

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

static bool file_digest(const char *path, uint64_t *out, uint8_t sha[32])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    bool ok = !ferror(f) && feof(f);
    fclose(f);
    au_sha256(buf, n, sha);
    *out = wire_digest(sha);
    return ok;
}

struct wait_ack {
    uint64_t id;
    int from, count, nacked;
    bool *acked;
};

static void on_sample(void *ctx, enum dx_topic t, int net, const void *s)
{
    struct wait_ack *w = ctx;
    (void)net;
    if (t == DX_ACK) {
        const kz_Ack *a = s;
        if (a->to == w->from && a->id >= w->id && a->id < w->id + (uint64_t)w->count &&
            !w->acked[a->id - w->id]) {
            w->acked[a->id - w->id] = true;
            w->nacked++;
        }
    }
}

/* Seals as a member holding `a` (node `as`): signed and MAC'd with its key. */
static void seal(const struct auth *a, const uint8_t sha[32], kz_Msg *s)
{
    uint8_t buf[WIRE_HOP_MAX];
    s->sigkind = s->kind == KZ_MSG_TRACK ? 2 : 1; /* the origin proves its kind of proof too */
    size_t n = wire_origin_bytes(s, sha, buf);
    if (s->kind == KZ_MSG_TRACK) {
        au_origin_mac(a, s->dst, buf, n, s->sig);
    } else {
        if (au_sign(a, buf, n, s->sig, &s->siglen))
            s->siglen = 0;
    }
    au_hop_mac(a, s->to, buf, wire_hop_bytes(s, buf), s->mac);
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fputs(usage, stderr);
        return 2;
    }
    const char *path = argv[1], *kind = argv[3], *rel = NULL, *decision = NULL, *as_id = NULL,
               *pki = NULL;
    uint64_t id = 0;
    double for_s = 20;
    int count = 1;
    long net_field = -100000;
    for (int i = 7; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--releasable"))
            rel = argv[i + 1];
        else if (!strcmp(argv[i], "--decision"))
            decision = argv[i + 1];
        else if (!strcmp(argv[i], "--id"))
            id = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--for"))
            for_s = strtod(argv[i + 1], NULL);
        else if (!strcmp(argv[i], "--count"))
            count = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--net-field"))
            net_field = strtol(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--as"))
            as_id = argv[i + 1];
        else if (!strcmp(argv[i], "--secure"))
            pki = argv[i + 1];
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    bool order = !strcmp(kind, "order");
    if ((!order && strcmp(kind, "track")) || (order && !decision) || (argc - 7) % 2 ||
        count < 1 || count > 100000 || (!as_id != !pki)) {
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
    uint8_t sha[32];
    struct auth *au = NULL;
    bool *acked = NULL;
    char *cfg = NULL;
    int from = index_of(m, 0, argv[4]), to = index_of(m, 0, argv[5]), net = index_of(m, 1, argv[6]);
    int dec = decision ? index_of(m, 3, decision) : -1;
    int as = as_id ? index_of(m, 0, as_id) : from;
    if (from < 0 || to < 0 || net < 0 || as < 0 || (decision && dec < 0) ||
        !file_digest(path, &digest, sha))
        goto out;
    char err[512] = "";
    if (pki && au_open(m, as, pki, sha, &au, err, sizeof err)) {
        fprintf(stderr, "kz_rogue: %s\n", err);
        goto out;
    }

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
    struct wire_hop hop = {id, id, from, to, net, now_ns(), id};
    struct wire_body body;
    memset(&body, 0, sizeof body);
    snprintf(body.track_id, sizeof body.track_id, "ROGUE");
    snprintf(body.text, sizeof body.text, "crafted by kz_rogue");
    kz_Track *tr = calloc((size_t)count, sizeof *tr);
    acked = calloc((size_t)count, sizeof *acked);
    if (!tr || !acked) {
        free(tr);
        goto out;
    }
    for (int k = 0; k < count; k++) {
        hop.id = hop.oid = id + (uint64_t)k;
        wire_encode(digest, &w, &hop, &body, &tr[k].m);
        if (net_field != -100000)
            tr[k].m.net = (int16_t)net_field;
        if (au)
            seal(au, sha, &tr[k].m);
        memcpy(tr[k].track_id, tr[k].m.track_id, sizeof tr[k].track_id);
        tr[k].to = tr[k].m.to;
    }

    const char *dds = NULL;
    if (pki) { /* join under the member's own DDS Security identity */
        size_t cap = 16384;
        cfg = malloc(cap);
        if (!cfg)
            goto out_tr;
        int k = snprintf(cfg, cap, "%s,<CycloneDDS><Domain Id=\"any\">", dx_loopback_config);
        if (kz_pki_security_xml(pki, as_id, cfg + k, cap - (size_t)k - 64, err, sizeof err)) {
            fprintf(stderr, "kz_rogue: %s\n", err);
            goto out_tr;
        }
        size_t used = strlen(cfg);
        snprintf(cfg + used, cap - used, "</Domain></CycloneDDS>");
        dds = cfg;
    }
    if (dx_open(m, as, (uint32_t)strtoul(argv[2], NULL, 10), dds, &x, err, sizeof err)) {
        fprintf(stderr, "kz_rogue: %s\n", err);
        goto out_tr;
    }
    struct wait_ack wa = {id, from, count, 0, acked};
    /* Writes before the receiver's reader is matched (after the DDS Security handshake) are
     * lost on a volatile topic: wait for a match first (at most 10 s, not counted in --for). */
    for (int64_t stop = now_ns() + 10 * 1000000000LL; !dx_matched(x) && now_ns() < stop;)
        dx_wait(x, 20 * 1000000LL);
    int64_t end = now_ns() + (int64_t)(for_s * 1e9), next = 0;
    int writes = 0;
    while (wa.nacked < count && now_ns() < end) {
        if (now_ns() >= next) {
            /* the receiver takes an id once and acknowledges every copy it keeps */
            for (int k = 0; k < count; k++)
                if (!acked[k] && dx_write(x, order ? DX_MSG : DX_TRACK, net,
                                          order ? (const void *)&tr[k].m
                                                : (const void *)&tr[k]) == 0)
                    writes++;
            dx_flush(x); /* writes are batched (dds.c) */
            next = now_ns() + 300 * 1000000LL;
        }
        dx_wait(x, 50 * 1000000LL);
        if (dx_take(x, on_sample, &wa) < 0)
            break;
    }
    printf("kz_rogue: %d of %d acknowledged (ids from %016" PRIx64 ", %d writes)\n", wa.nacked,
           count, id, writes);
    rc = wa.nacked == count ? 0 : 1;
out_tr:
    free(tr);
out:
    dx_close(x);
    au_close(au);
    free(acked);
    free(cfg);
    kz_model_free(m);
    return rc;
}
