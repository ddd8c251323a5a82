/* auth.h - message authentication on the live network: node keys, hop MACs, origin signatures. */
#ifndef KZ_AUTH_H
#define KZ_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model_impl.h"

/*
 * What a node proves and checks (docs/security.md):
 *  - hop: every sample and receipt carries an HMAC-SHA-256 under a key only its
 *    sender and receiver hold, derived by ECDH from their P-256 keys (kizuna pki)
 *    and bound to the structure's SHA-256. A member cannot write as another.
 *  - origin: a request, order, decision, approval, alert or report carries the
 *    origin's ECDSA P-256 signature, checked at every hop; a track carries an
 *    HMAC from its origin to its destination, checked there (tracks are many, a
 *    signature costs about 20 times an HMAC to check).
 *  - tickets: the holder of a decision gives approver k a ticket (an HMAC under
 *    a key only the holder has) that the approver's answer must carry back, so an
 *    answer is taken only from the approver the holder asked.
 *
 * A `struct auth` is made once at start (loading and checking every node's
 * certificate against the identity CA); it holds one HMAC context, so its
 * functions are for one thread at a time. The MAC paths allocate nothing;
 * nothing prints.
 */
struct auth;

#define AU_SIG_MAX 72 /* DER ECDSA P-256 */
#define AU_MAC     32

/*
 * Loads `pki_dir` (as kizuna pki init writes it): identity_ca.pem, every node's
 * NODE/cert.pem (checked against the CA, its subject CN the node id) and this
 * node's NODE/key.pem (which must match its certificate). `sha` is the
 * structure file's SHA-256. Returns 0 or a negative KZ_E code with err naming
 * the file and the problem.
 */
int au_open(const struct kz_model *m, int me, const char *pki_dir, const uint8_t sha[32],
            struct auth **out, char *err, size_t errlen);
void au_close(struct auth *a);

/* HMAC-SHA-256 of `data` under the key this node shares with `peer`. */
void au_hop_mac(const struct auth *a, int peer, const void *data, size_t n, uint8_t mac[AU_MAC]);
/* True when `mac` is that HMAC (constant time). */
bool au_hop_ok(const struct auth *a, int peer, const void *data, size_t n,
               const uint8_t mac[AU_MAC]);

/* The origin MAC of a track: the same, under the key for origin-to-destination proofs. */
void au_origin_mac(const struct auth *a, int peer, const void *data, size_t n,
                   uint8_t mac[AU_MAC]);
bool au_origin_mac_ok(const struct auth *a, int peer, const void *data, size_t n,
                      const uint8_t mac[AU_MAC]);

/* Signs `data` with this node's key: 0 and *len, or KZ_EIO. */
int au_sign(const struct auth *a, const void *data, size_t n, uint8_t sig[AU_SIG_MAX],
            uint8_t *len);
/* True when `sig` is node `origin`'s signature of `data`. */
bool au_verify(const struct auth *a, int origin, const void *data, size_t n, const uint8_t *sig,
               size_t len);

/* This node's ticket for `data` (an approval it asks for); only it can make or check one. */
void au_ticket(const struct auth *a, const void *data, size_t n, uint8_t t[AU_MAC]);

/* The SHA-256 of `data` (au_digest: with the digest `a` fetched once, for hot paths). */
void au_sha256(const void *data, size_t n, uint8_t out[32]);
void au_digest(const struct auth *a, const void *data, size_t n, uint8_t out[32]);

#endif
