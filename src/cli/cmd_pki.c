/* cmd_pki.c - `kizuna pki init`: the DDS Security PKI for a structure's nodes. */
#include <string.h>

#include "cli.h"
#include "kizuna/live.h"

static void usage(FILE *out)
{
    fputs("usage: kizuna pki init --structure FILE --out DIR\n\n"
          "Makes the DDS Security material for every node of the structure under DIR:\n"
          "an identity CA and a permissions CA (identity_ca.pem, permissions_ca.pem and\n"
          "their *_key.pem), the signed governance (governance.xml, governance.p7s) and,\n"
          "per node, NODE/key.pem, NODE/cert.pem and NODE/permissions.xml/.p7s. A node may\n"
          "publish and subscribe only in the partitions of the networks it belongs to.\n"
          "Run nodes with 'kizuna node --secure DIR'. DIR must not already hold a CA.\n"
          "Keep the two *_ca_key.pem files offline once the PKI is made (docs/security.md).\n",
          out);
}

/* Parses `init --structure F --out D`. Returns -1 on usage error, 1 on --help. */
static int parse(int argc, char **argv, const char **file, const char **out)
{
    int i = 1;
    if (i < argc && cli_is_help(argv[i]))
        return 1;
    if (i >= argc || strcmp(argv[i], "init") != 0) {
        fprintf(stderr, "kizuna pki: %s\n",
                i < argc ? "unknown subcommand (only 'init')" : "missing subcommand 'init'");
        return -1;
    }
    for (i++; i < argc; i++) {
        if (cli_is_help(argv[i]))
            return 1;
        if (!strcmp(argv[i], "--structure") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "kizuna pki: %s needs a value\n", argv[i]);
                return -1;
            }
            *(argv[i][2] == 's' ? file : out) = argv[i + 1];
            i++;
        } else {
            fprintf(stderr, "kizuna pki: unexpected argument '%s'\n", argv[i]);
            return -1;
        }
    }
    if (!*file || !*out) {
        fprintf(stderr, "kizuna pki init: %s is required\n", !*file ? "--structure" : "--out");
        return -1;
    }
    return 0;
}

int cmd_pki(int argc, char **argv)
{
    const char *file = NULL, *out = NULL;
    int r = parse(argc, argv, &file, &out);
    if (r) {
        usage(r > 0 ? stdout : stderr);
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    }
    int code = EXIT_OK;
    /* Not strict: the PKI depends only on node ids and network membership, which loading
     * already guarantees; a structure with check errors can still be run to show them. */
    kz_model *m = cli_load_checked(file, false, &code);
    if (!m)
        return code;
    char err[512];
    int rc = kz_pki_init(m, out, err, sizeof err);
    if (rc != KZ_OK) {
        fprintf(stderr, "kizuna pki: %s\n", err);
        code = rc == KZ_ECHECK ? EXIT_INPUT : EXIT_RUNTIME;
    } else {
        struct kz_model_counts c;
        kz_model_counts(m, &c);
        printf("kizuna pki: %s: identity and permissions CAs, governance, %zu node identities\n",
               out, c.nodes);
    }
    kz_model_free(m);
    return code;
}
