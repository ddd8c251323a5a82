/* fuzz_wire.c - libFuzzer target: an untrusted kz_Msg through the receiver's checks and, when it
 * passes them, into one engine per node, as a live network would run it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "kizuna/kizuna.h"
#include "live/auth.h"
#include "live/wire.h"
#include "core/des.h"
#include "core/rng.h"

/*
 * Input: the bytes of one kz_Msg (shorter input is zero-filled), then three bytes: the structure
 * (index into `files`), the legal phase, and flags (bit 0: keep the input's digest; otherwise
 * the structure's is put in, so the fuzzer gets past the first check; bit 1: a network is down
 * (the phase byte's high nibble picks it) while the sample is taken in, then comes back; bit 2:
 * the next phase begins after it, as `kizuna send phase` would make it).
 *
 * A sample that passes wire_decode and wire_receive_ok is imported into the engine of its
 * receiver and delivered; what that engine sends is exported, encoded, decoded and checked by
 * the next receiver exactly as node.c does, until nothing is left or a bound is reached.
 * Invariants, beyond ASan and UBSan:
 *  - a sample a node's engine sends passes the decoder (encoder and decoder agree);
 *  - an engine only ever works, sends and decides at its own node: a sample must not make one
 *    headquarters act for another;
 *  - every index a hook is given is in range.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const files[] = {
    KZ_SOURCE_DIR "/tests/data/sim/line.yaml",
    KZ_SOURCE_DIR "/tests/data/live/bilateral.yaml",
    KZ_SOURCE_DIR "/tests/data/example.yaml",
    KZ_SOURCE_DIR "/data/structures/cfc-korea.yaml",
};
#define NFILES (sizeof files / sizeof *files)

#define MAX_EVENTS 20000 /* engine events per input */
#define MAX_HOPS   256   /* samples carried per input */

struct net;

/* One headquarters: its own engine and event queue, as a live node has. */
struct hq {
    struct net *N;
    int me;
    struct engine *eng;
    struct des q;
};

struct arrival {
    int to, net;
    kz_Msg s;
};

struct net {
    const struct kz_model *m;
    uint64_t digest;
    int phase;
    struct hq *hq;
    struct rng rng;
    int64_t *busy, *wait, *jobs;
    struct eng_stats est;
    int64_t now;
    struct arrival *in; /* samples on their way, FIFO */
    size_t nin, head;
    uint64_t next_id;
    size_t hops;
};

static struct net nets[NFILES];

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_wire: %s:%d: invariant failed: %s\n", __FILE__, __LINE__,        \
                    #cond);                                                                        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- the engine's clock, transport and hooks, per headquarters ------------------------------ */

static kz_time clk_now(void *ctx)
{
    struct hq *h = ctx;
    return (kz_time){h->N->now};
}

static int clk_at(void *ctx, kz_time t, unsigned kind, uint32_t arg)
{
    struct hq *h = ctx;
    CHECK(t.us >= h->N->now);
    return des_push(&h->q, t.us, kind, arg) ? -1 : 0;
}

static int tr_send(void *ctx, uint32_t mi, int from, int to, int net)
{
    struct hq *h = ctx;
    struct net *N = h->N;
    const struct kz_model *m = N->m;
    CHECK(from == h->me);
    CHECK(to >= 0 && (size_t)to < m->nnodes && net >= 0 && (size_t)net < m->nnetworks);
    struct eng_wire w;
    CHECK(eng_export(h->eng, mi, &w) == 0);
    char why[300];
    /* the sender's gates (node.c tr_send): a sample that fails them is journaled, not sent */
    if (!wire_release_ok(m, net, w.h.classification, w.h.releasable, N->phase, why, sizeof why) ||
        !wire_member(m, net, to) || !wire_member(m, net, from))
        return 0;
    if (N->hops >= MAX_HOPS)
        return 0;
    if (N->nin % 64 == 0) {
        struct arrival *v = realloc(N->in, (N->nin + 64) * sizeof *v);
        if (!v)
            return -1;
        N->in = v;
    }
    uint64_t id = (uint64_t)from << 48 | ++N->next_id;
    struct wire_hop hop = {id, 1, from, to, net, 0, (uint64_t)w.h.origin << 48 | 1};
    struct wire_body body;
    memset(&body, 0, sizeof body);
    snprintf(body.track_id, sizeof body.track_id, "T%u", (unsigned)mi);
    struct arrival *a = &N->in[N->nin++];
    a->to = to;
    a->net = net;
    wire_encode(N->digest, &w, &hop, &body, &a->s);
    N->hops++;
    /* what one engine sends, the next one's decoder takes */
    struct eng_wire w2;
    struct wire_hop hop2;
    struct wire_body b2;
    if (wire_decode(m, N->digest, &a->s, &w2, &hop2, &b2, why, sizeof why)) {
        fprintf(stderr, "fuzz_wire: an engine sent what the decoder rejects: %s\n", why);
        abort();
    }
    return 0;
}

static void on_done(void *ctx, uint32_t tag, uint32_t aux, enum eng_status st, int node,
                    const char *why)
{
    struct hq *h = ctx;
    (void)tag;
    (void)aux;
    CHECK(st == ENG_OK || st == ENG_INFEASIBLE);
    CHECK(node >= 0 && (size_t)node < h->N->m->nnodes);
    if (why)
        CHECK(strlen(why) < 1000);
}

static void on_trace(void *ctx, const struct trace_rec *t)
{
    struct hq *h = ctx;
    const struct kz_model *m = h->N->m;
    /* node.c prints these by index */
    CHECK(t->node >= -1 && t->node < (int)m->nnodes);
    CHECK(t->peer >= -1 && t->peer < (int)m->nnodes);
    CHECK(t->network >= -1 && t->network < (int)m->nnetworks);
    CHECK(!t->hdr || t->hdr->kind < KZ_MSG_KIND_COUNT);
    switch (t->what) {
    case TR_QUEUE:
    case TR_START:
    case TR_DONE:
    case TR_SEND:
    case TR_DECIDED:
    case TR_EXECUTED:
        /* staff work, sending and deciding happen at the node whose engine this is */
        CHECK(t->node == h->me);
        break;
    default:
        break;
    }
}

/* ---- set-up, once per structure -------------------------------------------------------------- */

static struct net *net_for(size_t k)
{
    struct net *N = &nets[k];
    if (N->m)
        return N;
    kz_diags *d;
    kz_model *m = NULL;
    if (kz_diags_create(&d))
        abort();
    if (kz_model_load_file(files[k], &m, d)) {
        fprintf(stderr, "fuzz_wire: cannot load %s\n", files[k]);
        abort();
    }
    kz_diags_destroy(d);
    FILE *f = fopen(files[k], "rb");
    if (!f)
        abort();
    static unsigned char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    uint8_t sha[32];
    au_sha256(buf, n, sha);
    N->digest = wire_digest(sha);
    N->m = m;
    N->hq = calloc(m->nnodes, sizeof *N->hq);
    N->busy = calloc(m->nnodes, sizeof(int64_t));
    N->wait = calloc(m->nnodes, sizeof(int64_t));
    N->jobs = calloc(m->nnodes, sizeof(int64_t));
    if (!N->hq || !N->busy || !N->wait || !N->jobs)
        abort();
    N->est = (struct eng_stats){N->busy, N->wait, N->jobs, NULL, 0};
    for (size_t i = 0; i < m->nnodes; i++) {
        struct hq *h = &N->hq[i];
        h->N = N;
        h->me = (int)i;
        if (eng_create(m, &h->eng) || des_init(&h->q, 64))
            abort();
        struct kz_clock clock = {h, clk_now, clk_at};
        struct kz_transport tr = {h, tr_send};
        struct eng_hooks hooks = {h, on_done, on_trace, NULL, false};
        eng_bind(h->eng, &clock, &tr, &hooks, &N->rng, &N->est);
    }
    return N;
}

/* ---- one input ------------------------------------------------------------------------------- */

/* A sample reaches node `to` over `net` (node.c on_sample and take_in). */
static int take_in(struct net *N, int to, int net, const kz_Msg *s)
{
    const struct kz_model *m = N->m;
    if (s->to != to)
        return 0;
    struct eng_wire w;
    struct wire_hop hop;
    struct wire_body body;
    char why[300] = "";
    if (wire_decode(m, N->digest, s, &w, &hop, &body, why, sizeof why) || hop.net != net ||
        !wire_receive_ok(m, to, N->phase, &w, &hop, why, sizeof why)) {
        CHECK(strlen(why) < sizeof why);
        return 0;
    }
    CHECK(hop.to == to && hop.from >= 0 && (size_t)hop.from < m->nnodes);
    CHECK(wire_member(m, net, to) && wire_member(m, net, hop.from));
    struct hq *h = &N->hq[to];
    uint32_t mi;
    int rc = eng_import(h->eng, &w, &mi);
    if (rc)
        return rc;
    return eng_deliver(h->eng, mi, to);
}

/* Runs the network until nothing is left to do or the bounds are reached. */
static void run(struct net *N)
{
    for (int ev = 0; ev < MAX_EVENTS; ev++) {
        if (N->head < N->nin) {
            struct arrival a = N->in[N->head++];
            if (take_in(N, a.to, a.net, &a.s))
                return;
            continue;
        }
        struct hq *next = NULL;
        for (size_t i = 0; i < N->m->nnodes; i++) {
            struct hq *h = &N->hq[i];
            if (h->q.n && (!next || h->q.h[0].t < next->q.h[0].t))
                next = h;
        }
        if (!next)
            return;
        unsigned kind = 0;
        uint32_t arg = 0;
        des_pop(&next->q, &kind, &arg);
        CHECK(next->q.now >= N->now);
        N->now = next->q.now;
        if (eng_fire(next->eng, kind, arg))
            return;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kz_Msg s;
    uint8_t extra[3] = {0, 0, 0};
    memset(&s, 0, sizeof s);
    memcpy(&s, data, size < sizeof s ? size : sizeof s);
    if (size > sizeof s)
        memcpy(extra, data + sizeof s, size - sizeof s < 3 ? size - sizeof s : 3);
    struct net *N = net_for(extra[0] % NFILES);
    const struct kz_model *m = N->m;
    if (!(extra[2] & 1))
        s.digest = N->digest;
    N->phase = (int)(extra[1] % m->nphases);
    N->now = 0;
    N->nin = N->head = N->hops = 0;
    N->next_id = 0;
    rng_seed(&N->rng, 1, 0);
    for (size_t i = 0; i < m->nnodes; i++) {
        eng_reset(N->hq[i].eng, N->phase, 0);
        des_reset(&N->hq[i].q);
    }
    /* the receiver is whoever the sample names; the network is the one it says it came on
     * (a node takes only from the partitions of its own networks: node.c checks hop.net) */
    int down = (int)((extra[1] >> 4) % m->nnetworks);
    if (extra[2] & 2)
        for (size_t i = 0; i < m->nnodes; i++)
            CHECK(eng_outage(N->hq[i].eng, 0, OUT_NETWORK, &down, 1, true) == 0);
    if (s.to >= 0 && (size_t)s.to < m->nnodes && s.net >= 0 && (size_t)s.net < m->nnetworks)
        (void)take_in(N, s.to, s.net, &s);
    else {
        /* still exercise the decoder's range checks */
        struct eng_wire w;
        struct wire_hop hop;
        struct wire_body body;
        char why[300];
        CHECK(wire_decode(m, N->digest, &s, &w, &hop, &body, why, sizeof why) != 0);
    }
    run(N);
    if (extra[2] & 2) {
        for (size_t i = 0; i < m->nnodes; i++)
            if (eng_outage(N->hq[i].eng, 0, OUT_NETWORK, &down, 1, false))
                return 0;
        run(N);
    }
    if (extra[2] & 4) {
        N->phase = (N->phase + 1) % (int)m->nphases;
        for (size_t i = 0; i < m->nnodes; i++)
            if (eng_set_phase(N->hq[i].eng, N->phase))
                return 0;
        run(N);
    }
    return 0;
}
