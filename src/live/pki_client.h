/* pki_client.h - TAK client identities: what a verified client certificate says about its holder.
 */
#ifndef KZ_PKI_CLIENT_H
#define KZ_PKI_CLIENT_H

#include <stddef.h>

#include <openssl/x509.h>

#include "kizuna/model.h"
#include "kizuna/ports.h"

/*
 * A TAK client certificate (issued by `kizuna pki client`, docs/tak.md "Certificates") is an
 * end-entity certificate signed by the structure's identity CA (the one DDS Security uses) with
 *   subject   CN=<callsign>, OU=<node id>, O=<nation id>
 *   extendedKeyUsage  clientAuth (only): it cannot serve TLS, and a node's identity
 *                     certificate (extendedKeyUsage serverAuth, subject O=kizuna) cannot pose
 *                     as a client;
 *   the clearance     a non-critical X.509v3 extension, OID PKI_CLIENT_CLEARANCE_OID, whose value
 *                     is a DER UTF8String "U", "C", "S" or "TS".
 * DDS cannot use such a certificate either: no permissions grant names its subject.
 */
#define PKI_CLIENT_CLEARANCE_OID "2.25.249958029790308440198229500066314044472"

#define PKI_CALLSIGN_MAX 64  /* X.509's ub-common-name */
#define PKI_SUBJECT_MAX  320 /* the RFC 2253 subject, truncated to this if longer */

/* Who is on the other end of a TAK connection. */
struct pki_client_id {
    char callsign[PKI_CALLSIGN_MAX + 1]; /* the subject CN */
    int node;                            /* index of the node it was issued for (== me) */
    int nation;                          /* nation index in the structure */
    enum kz_classification clearance;
    char subject[PKI_SUBJECT_MAX + 1]; /* RFC 2253, for the journal */
};

/*
 * Maps `peer`, a certificate OpenSSL has ALREADY verified against the structure's identity CA
 * (the chain, the validity period and the signature are not checked again here), to the client
 * identity it carries, for a connection to node `me` (an index into m's nodes).
 *
 * Returns 0 with *id filled, or KZ_ECHECK with `reason` saying why the client must be refused,
 * in words fit for the journal and the refused client's log, e.g.
 *   "certificate 'CN=usfj,OU=jfhq,O=kizuna' is not a kizuna client certificate (no clientAuth)"
 *   "certificate for 'Viper 1' was issued for node 'jjoc', not 'usfj'"
 *   "certificate for 'Viper 1' names nation 'fr', which is not in structure 'jfhq'"
 *   "certificate for 'Viper 1' carries no kizuna clearance"
 * KZ_EINVAL when an argument is NULL or `me` is out of range. Never allocates anything the
 * caller must free; `peer` is only read; OpenSSL's error queue is left empty. Thread-safe (no
 * shared state).
 */
int pki_client_identity(const kz_model *m, int me, X509 *peer, struct pki_client_id *id,
                        char *reason, size_t reasonlen);

#endif
