/* fuzz_pki_client.c - libFuzzer target: a DER certificate through pki_client_identity, and the
 * input as text through kz_pki_san_check (kizuna pki init --san, kizuna pki client --host). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "kizuna/kizuna.h"
#include "kizuna/pki.h"
#include "live/pki_client.h"

#ifndef KZ_SOURCE_DIR
#define KZ_SOURCE_DIR "."
#endif

/*
 * The certificate is any DER the input holds: OpenSSL decodes it, pki_client_identity reads
 * its extensions and names. (At the gateway only certificates OpenSSL verified against the
 * structure's CA get there; decoding anything at all is a superset.) Invariants, beyond ASan
 * and UBSan: an admitted identity has a callsign, this node, a nation of the structure and a
 * clearance 0..3; a refusal always says why; OpenSSL's error queue is left empty.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kz_model *example(void)
{
    static kz_model *m;
    if (!m) {
        kz_diags *d;
        if (kz_diags_create(&d) != KZ_OK ||
            kz_model_load_file(KZ_SOURCE_DIR "/tests/data/example.yaml", &m, d) != KZ_OK)
            abort();
        kz_diags_destroy(d);
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kz_model *m = example();
    const unsigned char *p = data;
    X509 *x = d2i_X509(NULL, &p, (long)size);
    ERR_clear_error();
    if (x) {
        struct pki_client_id id;
        char why[512] = "";
        int rc = pki_client_identity(m, 5, x, &id, why, sizeof why); /* usfj */
        if (rc == 0 && (!id.callsign[0] || id.node != 5 || id.nation < 0 ||
                        (int)id.clearance < 0 || (int)id.clearance > 3))
            abort();
        if (rc != 0 && (rc != KZ_ECHECK || !why[0]))
            abort();
        if (ERR_peek_error() != 0)
            abort();
        X509_free(x);
    }
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    char err[400] = "";
    if (kz_pki_san_check(s, err, sizeof err) != 0 && !err[0])
        abort();
    free(s);
    return 0;
}
