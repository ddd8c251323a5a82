/* fuzz_node.c - libFuzzer target: a node's whole receive path (decode, authenticate, gate,
 * journal, engine, receipt) on crafted samples, optionally sealed with valid keys. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kizuna/kizuna.h"
#include "kizuna/live.h"
#include "live/auth.h"
#include "live/node_impl.h"
#include "live/wire.h"
#include "model/model_impl.h"
#include "model/yread.h"

/*
 * Input: one flags byte, one network byte, then the bytes of a kz_Msg (or kz_Ack), zero
 * filled when short. The node under test is `hq` of tests/data/live/attack.yaml (it holds a
 * decision with an approval and a delegate, relays, and commands a shooter), acting by itself
 * at a million times real time. Flags:
 *   bits 0-1  topic: 0 kz_msg, 1 kz_track, 2 kz_ack
 *   bit 2     address it to hq with the structure's digest
 *   bit 3     number it as its sender and origin would (id, oid)
 *   bit 4     sign it (or MAC a track) with the key of the origin it names
 *   bit 5     MAC the hop with the key of the sender it names
 * Without bits 3-5 nearly everything stops at the first check; with them the engine runs on
 * what a member holding any key could send.
 */

#define STRUCT_FILE KZ_SOURCE_DIR "/tests/data/live/attack.yaml"

static kz_model *M;
static uint8_t SHA[32];
static struct auth **keys; /* every node's, as a member that holds it */
static struct live *L;
static char dir[256], journal[300];
static struct kz_node_options O;
static long runs;
static int HQ;

static void drop(void *ctx, enum dx_topic t, int net, const void *sample)
{
    (void)ctx;
    (void)t;
    (void)net;
    (void)sample;
}

static void open_node(void)
{
    char err[512] = "";
    snprintf(journal, sizeof journal, "%s/j%ld", dir, runs);
    O.journal_dir = journal;
    if (nd_open(M, STRUCT_FILE, &O, false, &L, err, sizeof err)) {
        fprintf(stderr, "fuzz_node: %s\n", err);
        abort();
    }
    L->tap = drop;
}

static void cleanup(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz_node: could not remove %s\n", dir);
}

/* A plausible sample for the seeds: a step of the `strike` chain or a share, from -> hq. */
static kz_Msg seed_msg(int from, int origin, int kind, int purpose, int opdst)
{
    struct eng_wire w;
    memset(&w, 0, sizeof w);
    w.h.thread = 3;
    w.h.kind = (uint8_t)kind;
    w.h.precedence = KZ_PREC_FLASH;
    w.h.classification = CL_S;
    w.h.releasable = 1;
    w.h.origin = origin;
    w.h.created.us = 1000;
    w.dst = HQ;
    w.purpose = (uint8_t)purpose;
    w.aux = opdst;
    bool req = kind == KZ_MSG_REQUEST || kind == KZ_MSG_DECISION;
    w.graph = kind == KZ_MSG_ORDER ? G_CMD : req ? G_REL : G_NET;
    w.opkind = (uint8_t)(kind == KZ_MSG_ORDER ? ENG_OPK_ORDER : req ? ENG_OPK_REQUEST
                                                                   : ENG_OPK_SHARE);
    w.attr = (struct eng_attr){3, KZ_PREC_FLASH, CL_S, 1, 0};
    w.decision = req || kind == KZ_MSG_ORDER ? 0 : -1;
    w.assets = req ? 0 : -1;
    w.requester = req ? 0 : -1;
    w.auth = req ? 0 : -1;
    struct wire_hop hop = {(uint64_t)from << 48 | 5u << 16, (uint64_t)origin << 48 | 9, from, HQ,
                           0, 1, (uint64_t)origin << 48 | 5u << 16};
    struct wire_body b = {"T-1", 35.5, 139.5, 1000, "seed"};
    kz_Msg m;
    wire_encode(wire_digest(SHA), &w, &hop, &b, &m);
    return m;
}

static void write_seeds(const char *out)
{
    struct {
        const char *name;
        unsigned flags;
        kz_Msg m;
    } seeds[] = {
        {"order", 4 | 8 | 16 | 32, seed_msg(0, 0, KZ_MSG_ORDER, 1, 0)},
        {"request", 4 | 8 | 16 | 32, seed_msg(0, 0, KZ_MSG_REQUEST, 3, 0)},
        {"answer", 4 | 8 | 16 | 32, seed_msg(2, 2, KZ_MSG_DECISION, 5, 0)},
        {"track", 1 | 4 | 8 | 16 | 32, seed_msg(0, 0, KZ_MSG_TRACK, 1, 0)},
        {"alert", 4 | 8 | 16 | 32, seed_msg(0, 0, KZ_MSG_ALERT, 1, 0)},
        {"alert-unsealed", 4, seed_msg(0, 0, KZ_MSG_ALERT, 1, 0)},
        {"ack", 2 | 4 | 32, seed_msg(4, 4, KZ_MSG_TRACK, 1, 0)},
    };
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", out, seeds[i].name);
        FILE *f = fopen(path, "wb");
        if (!f)
            abort();
        uint8_t head[2] = {(uint8_t)seeds[i].flags, 0};
        fwrite(head, 1, 2, f);
        if ((seeds[i].flags & 3) == 2) {
            kz_Ack a = {seeds[i].m.id, seeds[i].m.digest, 4, (int16_t)HQ, 0, {0}};
            fwrite(&a, sizeof a, 1, f);
        } else {
            fwrite(&seeds[i].m, sizeof seeds[i].m, 1, f);
        }
        fclose(f);
    }
}

static void init(void)
{
    kz_diags *d;
    char *buf = NULL;
    size_t len = 0;
    if (kz_diags_create(&d) || kz_model_load_file(STRUCT_FILE, &M, d) ||
        yr_read_file(STRUCT_FILE, (size_t)1 << 20, &buf, &len, d))
        abort();
    kz_diags_destroy(d);
    au_sha256(buf, len, SHA);
    free(buf);
    snprintf(dir, sizeof dir, "/tmp/kz_fuzz_node.%d", (int)getpid());
    atexit(cleanup);
    char pki[300], err[512] = "";
    snprintf(pki, sizeof pki, "%s/pki", dir);
    if (kz_pki_init(M, pki, err, sizeof err)) {
        fprintf(stderr, "fuzz_node: %s\n", err);
        abort();
    }
    keys = calloc(M->nnodes, sizeof *keys);
    for (size_t i = 0; i < M->nnodes; i++)
        if (!keys || au_open(M, (int)i, pki, SHA, &keys[i], err, sizeof err))
            abort();
    HQ = 1; /* cmd, hq, ap, dl, shooter, jp */
    O.node = M->nodes[HQ].id;
    O.automatic = true;
    O.speed = 1e6;
    O.secure_dir = strdup(pki);
    O.week_min_utc = 0;
    O.phase = 0;
    O.seed = 1;
    const char *seeds = getenv("KZ_FUZZ_NODE_SEEDS");
    if (seeds)
        write_seeds(seeds);
    open_node();
}

static void seal(kz_Msg *s, unsigned flags)
{
    bool from_ok = s->from >= 0 && (size_t)s->from < M->nnodes;
    bool origin_ok = s->origin >= 0 && (size_t)s->origin < M->nnodes;
    if (flags & 8) {
        if (from_ok)
            s->id = (uint64_t)(uint16_t)s->from << 48 | (s->id & 0xffffffffffffu);
        if (origin_ok)
            s->oid = (uint64_t)(uint16_t)s->origin << 48 | (s->oid & 0xffffffffffffu) | 1;
    }
    uint8_t buf[WIRE_HOP_MAX];
    if ((flags & 16) && origin_ok) {
        s->sigkind = s->kind == KZ_MSG_TRACK ? 2 : 1;
        if (s->kind == KZ_MSG_TRACK)
            s->siglen = 0;
        size_t n = wire_origin_bytes(s, SHA, buf);
        if (s->kind == KZ_MSG_TRACK) {
            if (s->dst >= 0 && (size_t)s->dst < M->nnodes)
                au_origin_mac(keys[s->origin], s->dst, buf, wire_origin_bytes(s, SHA, buf),
                              s->sig);
        } else {
            if (au_sign(keys[s->origin], buf, n, s->sig, &s->siglen))
                abort();
        }
    }
    if ((flags & 32) && from_ok && s->to >= 0 && (size_t)s->to < M->nnodes)
        au_hop_mac(keys[s->from], s->to, buf, wire_hop_bytes(s, buf), s->mac);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!M)
        init();
    if (size < 2)
        return 0;
    unsigned flags = data[0];
    int net = data[1] % (int)M->nnetworks;
    data += 2;
    size -= 2;
    enum dx_topic t = (enum dx_topic)((flags & 3) % 3);
    union {
        kz_Msg m;
        kz_Track tr;
        kz_Ack a;
    } u;
    memset(&u, 0, sizeof u);
    if (t == DX_ACK) {
        memcpy(&u.a, data, size < sizeof u.a ? size : sizeof u.a);
        if (flags & 4) {
            u.a.to = (int16_t)HQ;
            u.a.digest = wire_digest(SHA);
        }
        if ((flags & 32) && u.a.from >= 0 && (size_t)u.a.from < M->nnodes) {
            uint8_t buf[WIRE_ACK_MAX];
            au_hop_mac(keys[u.a.from], HQ, buf, wire_ack_bytes(&u.a, buf), u.a.mac);
        }
    } else {
        kz_Msg *s = t == DX_TRACK ? &u.tr.m : &u.m;
        memcpy(s, data, size < sizeof *s ? size : sizeof *s);
        if (flags & 4) {
            s->to = (int16_t)HQ;
            s->digest = wire_digest(SHA);
        }
        seal(s, flags);
        if (t == DX_TRACK) {
            memcpy(u.tr.track_id, s->track_id, sizeof u.tr.track_id);
            u.tr.to = s->to;
        }
    }
    if (nd_deliver(L, t, net, &u))
        abort();
    for (int k = 0; k < 3; k++) {
        L->last_poll = 0;
        int rc = nd_step(L);
        if (rc && rc != KZ_ENOMEM) {
            /* the receive path must never fail the node on what a peer sent */
            fprintf(stderr, "fuzz_node: step failed: %d (%s)\n", rc, jr_errmsg(L->j));
            abort();
        }
    }
    if (++runs % 20000 == 0) { /* keep the journal small: a fresh node now and then */
        nd_close(L);
        open_node();
    }
    return 0;
}
