/* dds.h - the node's Cyclone DDS endpoints: one partition per network, three topics. */
#ifndef KZ_DDS_H
#define KZ_DDS_H

#include <stdint.h>

#include "kizuna.h"
#include "model/model_impl.h"

/*
 * For every network `me` is a member of: a publisher and a subscriber in
 * partition "kizuna.<network id>", with a writer and a reader per topic:
 *   kz_msg, kz_track, kz_ack: keyless, reliable, keep-all, volatile (the journal re-sends
 *   until acknowledged, and keeps only the newest unacknowledged update of a track)
 */
struct ddsx;

enum dx_topic { DX_MSG, DX_TRACK, DX_ACK, DX_NTOPICS };

/* The default configuration: this machine only, loopback with multicast forced on (so a
 * dozen and more node processes find each other without the 10-process unicast limit). */
extern const char dx_loopback_config[];

/*
 * Opens a domain with `config` (Cyclone XML, file:// URIs or fragments, comma-separated)
 * and creates the endpoints. Returns 0 or a negative KZ_E code with err filled; a DDS
 * Security refusal names the partition.
 */
int dx_open(const struct kz_model *m, int me, uint32_t domain, const char *config,
            struct ddsx **out, char *err, size_t errlen);
void dx_close(struct ddsx *x);

/* Writes on network `net` (me must be a member). Returns 0 or KZ_EIO. */
int dx_write(struct ddsx *x, enum dx_topic t, int net, const void *sample);

/* Sends what dx_write batched (writes are batched per step; batching never flushes alone). */
void dx_flush(struct ddsx *x);

/* Waits until a sample may be there or `timeout_ns` passes. */
void dx_wait(struct ddsx *x, int64_t timeout_ns);

/* Takes what has arrived and calls fn per valid sample; returns samples taken or KZ_EIO. */
int dx_take(struct ddsx *x, void (*fn)(void *ctx, enum dx_topic t, int net, const void *s),
            void *ctx);

/* Readers matched on every topic of every network of this node (for start-up waits). */
int dx_matched(struct ddsx *x);

#endif
