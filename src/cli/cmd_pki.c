/* cmd_pki.c - `kizuna pki init`: the DDS Security PKI for a structure's nodes. */
#include <string.h>

#include "cli.h"
#include "kizuna/live.h"
#include "opt.h"

static const char help[] =
    "usage: kizuna pki init --structure FILE --out DIR\n\n"
    "Makes the DDS Security material for every node of the structure under DIR:\n"
    "an identity CA and a permissions CA (identity_ca.pem, permissions_ca.pem and\n"
    "their *_key.pem), the signed governance (governance.xml, governance.p7s) and,\n"
    "per node, NODE/key.pem, NODE/cert.pem and NODE/permissions.xml/.p7s. A node may\n"
    "publish and subscribe only in the partitions of the networks it belongs to.\n"
    "Run nodes with 'kizuna node --secure DIR'. DIR must not already hold a CA.\n"
    "Keep the two *_ca_key.pem files offline once the PKI is made (docs/security.md).\n";

int cmd_pki(int argc, char **argv)
{
    static const char *const subs[] = {"init"};
    const char *file = NULL, *out = NULL, *sub = NULL;
    const struct cli_opt opts[] = {CLI_STR_OPT("--structure", &file, CLI_REQUIRED),
                                   CLI_STR_OPT("--out", &out, CLI_REQUIRED), {0}};
    const struct cli_cmd cmd = {.name = "pki", .help = help, .opts = opts, .pos = &sub,
                                .maxpos = 1, .minpos = 1, .posname = "subcommand (init)"};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if (cli_choice("pki", "the subcommand", sub, subs, 1) < 0)
        return EXIT_USAGE;
    code = EXIT_OK;
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
