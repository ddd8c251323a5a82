/* cmd_pki.c - `kizuna pki init` (the DDS Security PKI) and `kizuna pki client` (TAK clients). */
#include <string.h>

#include "cli.h"
#include "kizuna/live.h"
#include "kizuna/pki.h"
#include "opt.h"

#define INIT_USAGE "usage: kizuna pki init --structure FILE --out DIR [--san [NODE=]NAMES]...\n"
#define CLIENT_USAGE                                                                               \
    "usage: kizuna pki client --structure FILE --pki DIR --node N --name CALLSIGN --out DIR\n"     \
    "                         [--nation X] [--clearance U|C|S|TS] [--host HOST] [--port P]\n"      \
    "                         [--p12-password PW]\n"

static const char init_help[] =
    INIT_USAGE "\n"
               "Makes the DDS Security material for every node of the structure under DIR:\n"
               "an identity CA and a permissions CA (identity_ca.pem, permissions_ca.pem and\n"
               "their *_key.pem), the signed governance (governance.xml, governance.p7s) and,\n"
               "per node, NODE/key.pem, NODE/cert.pem and NODE/permissions.xml/.p7s. A node may\n"
               "publish and subscribe only in the partitions of the networks it belongs to.\n"
               "Run nodes with 'kizuna node --secure DIR'. DIR must not already hold a CA.\n\n"
               "A node's certificate also serves TLS to TAK clients (kizuna node --cot), which\n"
               "check the host name they connect to against its subjectAltName: --san NAMES sets\n"
               "it for every node, --san NODE=NAMES for one (repeatable); NAMES is a list such as\n"
               "DNS:hq.example,IP:10.0.0.5. Default: " KZ_PKI_SAN_DEFAULT ".\n"
               "Keep the two *_ca_key.pem files offline once the PKI is made (docs/security.md);\n"
               "kizuna pki client needs the identity CA's key to issue TAK client certificates.\n";

static const char client_help[] = CLIENT_USAGE
    "\n"
    "Issues a certificate for a TAK client (ATAK, WinTAK, iTAK, node-tak) that may\n"
    "connect to node N's CoT gateway, and only to it, signed by the identity CA of\n"
    "--pki DIR (kizuna pki init's directory, with identity_ca_key.pem). The subject\n"
    "is CN=CALLSIGN, OU=N, O=nation; the clearance rides in an X.509 extension\n"
    "(docs/tak.md). The gateway filters what the client sees by its nation and\n"
    "clearance, and marks what it reports with them.\n\n"
    "  --nation X        a nation of the structure (default: N's nation)\n"
    "  --clearance S     U, C, S or TS, at most the highest classification N's\n"
    "                    networks carry (default: that classification)\n"
    "  --host HOST       the address the client connects to (default: the first name\n"
    "                    of N's certificate's subjectAltName)\n"
    "  --port P          default 8089\n"
    "  --p12-password PW the .p12 password (default: 16 random characters, printed)\n\n"
    "Writes into the --out DIR: CALLSIGN.pem, CALLSIGN.key (0600), ca.pem,\n"
    "CALLSIGN.p12 (key, certificate and CA; 0600) and CALLSIGN.zip (0600), a TAK data\n"
    "package with the .p12 files and the connection HOST:P:ssl, to import in ATAK or\n"
    "WinTAK. The package and the .p12 hold the private key: hand them over as such.\n";

static const char help[] =
    "usage: kizuna pki init --structure FILE --out DIR [--san [NODE=]NAMES]...\n"
    "       kizuna pki client --structure FILE --pki DIR --node N --name CALLSIGN --out DIR ...\n\n"
    "init    the DDS Security PKI of a structure's nodes (kizuna pki init --help)\n"
    "client  a TAK client's certificate and data package (kizuna pki client --help)\n";

static int pki_init(int argc, char **argv)
{
    const char *file = NULL, *out = NULL, *sans_v[64];
    struct cli_strs sans = {sans_v, 0, 64};
    const struct cli_opt opts[] = {CLI_STR_OPT("--structure", &file, CLI_REQUIRED),
                                   CLI_STR_OPT("--out", &out, CLI_REQUIRED),
                                   CLI_STRS_OPT("--san", &sans, 0),
                                   {0}};
    const struct cli_cmd cmd = {.name = "pki init", .help = init_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    struct kz_pki_san san[64];
    char ids[64][128]; /* NODE of NODE=NAMES: checked against the structure once it is loaded */
    for (size_t i = 0; i < sans.n; i++) {
        const char *eq = strchr(sans.v[i], '='), *names = eq ? eq + 1 : sans.v[i];
        char err[320];
        if (kz_pki_san_check(names, err, sizeof err) != 0)
            return cli_usage("pki init", "bad value '%s' for --san: %s", sans.v[i], err);
        san[i].node = NULL;
        san[i].names = names;
        if (eq) {
            snprintf(ids[i], sizeof ids[i], "%.*s", (int)(eq - sans.v[i]), sans.v[i]);
            san[i].node = ids[i];
        }
    }
    code = EXIT_OK;
    /* Not strict: the PKI depends only on node ids and network membership, which loading
     * already guarantees; a structure with check errors can still be run to show them. */
    kz_model *m = cli_load_checked(file, false, &code);
    if (!m)
        return code;
    char err[512];
    int rc = kz_pki_init_san(m, out, san, sans.n, err, sizeof err);
    if (rc == KZ_EINVAL) {
        code = cli_usage("pki init", "%s", err);
    } else if (rc != KZ_OK) {
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

static int pki_client(int argc, char **argv)
{
    struct kz_pki_client_options o = {0};
    const char *file = NULL;
    long port = 8089;
    static const char *const clearances[] = {"U", "C", "S", "TS", NULL};
    const struct cli_opt opts[] = {CLI_STR_OPT("--structure", &file, CLI_REQUIRED),
                                   CLI_STR_OPT("--pki", &o.pki_dir, CLI_REQUIRED),
                                   CLI_STR_OPT("--node", &o.node, CLI_REQUIRED),
                                   CLI_STR_OPT("--name", &o.callsign, CLI_REQUIRED),
                                   CLI_STR_OPT("--out", &o.out_dir, CLI_REQUIRED),
                                   CLI_STR_OPT("--nation", &o.nation, 0),
                                   CLI_CHOICE_OPT("--clearance", &o.clearance, clearances),
                                   CLI_STR_OPT("--host", &o.host, 0),
                                   CLI_LONG_OPT("--port", &port, 1, 65535),
                                   CLI_STR_OPT("--p12-password", &o.password, 0),
                                   {0}};
    const struct cli_cmd cmd = {.name = "pki client", .help = client_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    o.port = (int)port;
    code = EXIT_OK;
    kz_model *m = cli_load_checked(file, false, &code);
    if (!m)
        return code;
    char err[640];
    struct kz_pki_client_result r;
    int rc = kz_pki_client(m, &o, &r, err, sizeof err);
    if (rc != KZ_OK) {
        fprintf(stderr, "kizuna pki client: %s\n", err);
        code = rc == KZ_ECHECK || rc == KZ_ENOTFOUND ? EXIT_INPUT : EXIT_RUNTIME;
    } else {
        printf("kizuna pki client: %s/%s.{pem,key,p12}, ca.pem, %s: '%s' for node %s, nation %s, "
               "clearance %s, connecting to %s\n",
               o.out_dir, o.callsign, r.package, o.callsign, o.node, r.nation, r.clearance,
               r.connect);
        if (!o.password) /* shown once: it is nowhere else but inside the package */
            printf("p12 password: %s\n", r.password);
    }
    memset(r.password, 0, sizeof r.password);
    kz_model_free(m);
    return code;
}

int cmd_pki(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "init"))
        return pki_init(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "client"))
        return pki_client(argc - 1, argv + 1);
    static const char *const subs[] = {"init", "client"};
    const char *sub = NULL;
    const struct cli_opt opts[] = {{0}};
    const struct cli_cmd cmd = {.name = "pki",
                                .help = help,
                                .opts = opts,
                                .pos = &sub,
                                .maxpos = 1,
                                .minpos = 1,
                                .posname = "subcommand (init, client)"};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    cli_choice("pki", "the subcommand", sub, subs, 2); /* not init or client: say which */
    return EXIT_USAGE;
}
