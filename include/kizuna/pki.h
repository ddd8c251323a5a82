/* kizuna/pki.h - certificates for TAK clients and the names a node serves TLS under (docs/tak.md).
 */
#ifndef KIZUNA_PKI_H
#define KIZUNA_PKI_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The subjectAltName of node identity certificates when none is given: a TAK client checks
 * the name it connected to against it (a node on this host, the lab and the tests). */
#define KZ_PKI_SAN_DEFAULT "DNS:localhost,IP:127.0.0.1"

/* The names one node's identity certificate carries (node NULL: every node not named in
 * another entry). `names` is a list as KZ_PKI_SAN_DEFAULT: DNS:NAME and IP:ADDRESS entries,
 * comma-separated. */
struct kz_pki_san {
    const char *node;
    const char *names;
};

/*
 * Checks a `names` list: 0, or KZ_EINVAL with err saying which entry is wrong ("'URI:x': only
 * DNS:NAME and IP:ADDRESS entries", "'IP:1.2.3': not an IPv4 or IPv6 address", "'DNS:a b': a DNS
 * name has letters, digits, '-' and '.'", "empty entry").
 */
int kz_pki_san_check(const char *names, char *err, size_t errlen);

/*
 * kz_pki_init (kizuna/live.h) with the subjectAltName of each node's certificate given by
 * sans[0..nsans) (KZ_PKI_SAN_DEFAULT for a node no entry covers). Every node certificate also
 * says extendedKeyUsage serverAuth: it serves TLS to TAK clients and is never taken for a
 * client. KZ_EINVAL when an entry names no node of the structure or its names are bad (err
 * says which), else as kz_pki_init.
 */
int kz_pki_init_san(const kz_model *m, const char *out_dir, const struct kz_pki_san *sans,
                    size_t nsans, char *err, size_t errlen);

/* What `kizuna pki client` issues. Strings are the caller's; NULL takes the default. */
struct kz_pki_client_options {
    const char *pki_dir;   /* kizuna pki init's output: identity_ca.pem and identity_ca_key.pem */
    const char *node;      /* the node (id) the client may connect to, and only it */
    const char *callsign;  /* the subject CN and the files' names: letters, digits, - _ . */
    const char *nation;    /* a nation id of the structure; NULL: the node's nation */
    const char *clearance; /* U, C, S or TS, at most the highest ceiling of the node's networks;
                              NULL: that ceiling */
    const char *out_dir;   /* created (0700) when missing; must not hold this callsign's files */
    const char *password;  /* of the .p12 files; NULL: 16 random characters */
    const char *host;      /* in the data package's connection; NULL: the first name of the
                              node certificate's subjectAltName */
    int port;              /* 0: 8089 */
};

/* What was issued (for the command to print). */
struct kz_pki_client_result {
    char password[80]; /* the .p12 password (the generated one when none was given) */
    char nation[72];   /* the nation id and the clearance the certificate carries */
    char clearance[4];
    char connect[300]; /* host:port:ssl, as in the data package */
    char package[300]; /* the data package's file name (CALLSIGN.zip) */
};

/*
 * Issues a TAK client certificate signed by the structure's identity CA (the certificate's
 * contents: src/live/pki_client.h) and writes into out_dir: CALLSIGN.pem (the certificate),
 * CALLSIGN.key (its EC P-256 key, 0600), ca.pem (the identity CA), CALLSIGN.p12 (key,
 * certificate and CA, 0600), truststore.p12 (the CA alone) and CALLSIGN.zip (0600), a TAK data
 * package: MANIFEST/manifest.xml, certs/CALLSIGN.p12, certs/truststore.p12 and certs/CALLSIGN.pref
 * with the connection HOST:PORT:ssl and the passwords.
 * Returns 0 with *r filled; KZ_ECHECK when the request breaks a rule (an unknown node or
 * nation, with the closest id; a clearance above what the node's networks carry; a bad
 * callsign; files already there), KZ_ENOTFOUND when pki_dir holds no CA or CA key, KZ_EIO
 * when a file cannot be read or written or OpenSSL or libzip fails; err says what.
 */
int kz_pki_client(const kz_model *m, const struct kz_pki_client_options *o,
                  struct kz_pki_client_result *r, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
