/* cmd_live.c - `kizuna node`, `send` and `decide`: a headquarters live, and commands to it. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/live.h"
#include "live_cli.h"
#include "opt.h"


static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- kizuna node ------------------------------------------------------------------------ */

#define KZ_COT_DEFAULT "0.0.0.0:8089"
#define KZ_COT_PLAIN_DEFAULT "127.0.0.1:8087"

static const char node_help[] =
    "usage: kizuna node --structure FILE --as NODE [--journal DIR] [--auto [--speed X]]\n"
    "                   [--emulate-links]\n"
    "                   (--secure DIR | --insecure [--force]) [--dds-config XML]\n"
    "                   [--domain N] [--phase P]\n"
    "                   [--epoch NS] [--week-minute M] [--seed S] [--for SECONDS] [--quiet]\n"
    "                   [--cot [ADDR]] [--cot-plain [ADDR] [--cot-plain-as NATION:CLEARANCE]]\n"
    "                   [--cot-max-message BYTES] [--cot-max-clients N] [--cot-queue N]\n"
    "                   [--cot-malformed N] [--cot-handshake SECS] [--cot-stale SECS]\n"
    "                   [--cot-share SECS]\n\n"
    "Runs one headquarters of the structure live over Eclipse Cyclone DDS: the simulator's\n"
    "engine with the real clock. Every network the node is on is a DDS partition; what it\n"
    "sends passes the release gate, what it receives is checked again (release gate, and\n"
    "command authority for orders) and dropped with the reason when it fails. Everything\n"
    "sent, received and dropped is journaled in DIR/NODE.db (SQLite, WAL) before it is\n"
    "acted on; unacknowledged samples are re-sent; a restarted node resumes its work.\n\n"
    "  --auto          act with the modelled processing times (else decisions wait for an\n"
    "                  operator: kizuna inbox / kizuna decide; other actions are immediate)\n"
    "  --speed X       scenario seconds per wall second (default 1)\n"
    "  --emulate-links a received message also waits out its network's modelled latency\n"
    "                  (propagation and overhead) less its real transit (kizuna exercise)\n"
    "  --secure DIR    the PKI of kizuna pki init: DDS Security, and every message signed by\n"
    "                  its origin and MAC'd per hop (docs/security.md); required, unless:\n"
    "  --insecure      lab only: nothing is authenticated, any process on the network can\n"
    "                  write as any node; refused above UNCLASSIFIED unless --force\n"
    "  --dds-config X  Cyclone DDS XML (file://... or inline); default $CYCLONEDDS_URI,\n"
    "                  else loopback with multicast on (DATA/dds/loopback.xml, docs/architecture.md)\n"
    "  --domain N      DDS domain id, 0..230 (default 0)\n"
    "  --journal DIR   journal directory (default " DEFAULT_JOURNAL ")\n"
    "  --for SECONDS   stop after this long (default: until SIGINT/SIGTERM)\n"
    "  --quiet         do not print events (they are journaled either way)\n\n"
    "The CoT gateway for TAK clients (ATAK, WinTAK, iTAK; docs/tak.md):\n"
    "  --cot [ADDR]    serve Cursor-on-Target over TLS with mutual X.509 on ADDR (default\n"
    "                  " KZ_COT_DEFAULT "): the structure's CA is the only trust anchor, and\n"
    "                  only certificates of kizuna pki client for this node are admitted\n"
    "  --cot-plain [ADDR]  plain TCP on ADDR (default " KZ_COT_PLAIN_DEFAULT "), LAB ONLY:\n"
    "                  nothing is authenticated or encrypted\n"
    "  --cot-plain-as NATION:CLEARANCE  who every plain client is taken to be (default: the\n"
    "                  node's nation, U)\n"
    "  --cot-max-message BYTES  the largest CoT message taken (default 65536)\n"
    "  --cot-max-clients N  connections at once (default 512)\n"
    "  --cot-queue N   events queued per client (default 4096): beyond it the oldest SA\n"
    "                  (tracks, PLI) goes; alerts are never dropped: a client that cannot\n"
    "                  take one more is disconnected, and that is journaled\n"
    "  --cot-malformed N  malformed messages within a minute that disconnect (default 10)\n"
    "  --cot-handshake SECS  time a client has for its TLS handshake (default 10)\n"
    "  --cot-stale SECS  stale time of the node's items as CoT (default 300)\n"
    "  --cot-share SECS  a client's reports go to the alliance at most this often per uid,\n"
    "                  the newest (default 0.2)\n";

/* --cot and --cot-plain take an optional address: "--cot" alone, "--cot ADDR" (ADDR not
 * starting with '-') and "--cot=ADDR" become "--cot=ADDR" for the option parser, which knows
 * only options with a value or without. *out is a malloc'd argv; the strings it adds are in
 * *keep (freed with it). */
static char **optional_addrs(int argc, char **argv, char ***keep, int *nargc)
{
    char **v = calloc((size_t)argc + 1, sizeof *v), **k = calloc((size_t)argc + 1, sizeof *k);
    if (!v || !k) {
        free(v);
        free(k);
        return NULL;
    }
    int n = 0, nk = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool tls = !strcmp(a, "--cot"), plain = !strcmp(a, "--cot-plain");
        if (!tls && !plain) {
            v[n++] = argv[i];
            if (!strcmp(a, "--"))
                while (++i < argc)
                    v[n++] = argv[i];
            continue;
        }
        const char *addr = tls ? KZ_COT_DEFAULT : KZ_COT_PLAIN_DEFAULT;
        if (i + 1 < argc && argv[i + 1][0] && argv[i + 1][0] != '-')
            addr = argv[++i];
        size_t len = strlen(a) + strlen(addr) + 2;
        if (!(k[nk] = malloc(len)))
            break;
        snprintf(k[nk], len, "%s=%s", a, addr);
        v[n++] = k[nk++];
    }
    *keep = k;
    *nargc = n;
    return v;
}

static void free_args(char **v, char **keep)
{
    for (size_t i = 0; keep && keep[i]; i++)
        free(keep[i]);
    free(keep);
    free(v);
}

static int node_main(int argc, char **argv);

int cmd_node(int argc, char **argv)
{
    char **keep = NULL;
    int n = 0;
    char **v = optional_addrs(argc, argv, &keep, &n);
    if (!v)
        return EXIT_RUNTIME;
    int rc = node_main(n, v);
    free_args(v, keep);
    return rc;
}

static int node_main(int argc, char **argv)
{
    const char *structure = NULL, *phase = NULL;
    struct kz_node_options o = {0};
    o.journal_dir = DEFAULT_JOURNAL;
    o.speed = 1;
    o.week_min_utc = -1;
    o.phase = -1;
    o.seed = 1;
    o.log = stdout;
    bool quiet = false;
    long domain = 0, week = -1, seed = 1;
    double epoch = 0;
    long cot_msg = 0, cot_clients = 0, cot_queue = 0, cot_bad = 0;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--structure", &structure, CLI_REQUIRED),
        CLI_STR_OPT("--as", &o.node, CLI_REQUIRED),
        CLI_STR_OPT("--journal", &o.journal_dir, 0),
        CLI_FLAG_OPT("--auto", &o.automatic),
        CLI_FLAG_OPT("--quiet", &quiet),
        CLI_FLAG_OPT("--emulate-links", &o.emulate_links),
        {.name = "--speed", .kind = CLI_DOUBLE, .dst = &o.speed, .dlo = 0, .dhi = 1e6,
         .flags = CLI_ABOVE_LO},
        CLI_STR_OPT("--secure", &o.secure_dir, 0),
        CLI_FLAG_OPT("--insecure", &o.insecure),
        CLI_FLAG_OPT("--force", &o.force),
        CLI_STR_OPT("--dds-config", &o.dds_config, 0),
        CLI_LONG_OPT("--domain", &domain, 0, 230),
        CLI_STR_OPT("--phase", &phase, 0),
        CLI_DOUBLE_OPT("--epoch", &epoch, 0, 9.2e18),
        CLI_LONG_OPT("--week-minute", &week, 0, 7 * 1440 - 1),
        CLI_LONG_OPT("--seed", &seed, 0, LONG_MAX),
        {.name = "--for", .kind = CLI_DOUBLE, .dst = &o.run_s, .dlo = 0, .dhi = 1e9,
         .flags = CLI_ABOVE_LO},
        {.name = "--cot", .kind = CLI_STR, .dst = &o.cot_addr, .meta = "[ADDR]"},
        {.name = "--cot-plain", .kind = CLI_STR, .dst = &o.cot_plain_addr, .meta = "[ADDR]"},
        CLI_STR_OPT("--cot-plain-as", &o.cot_plain_as, 0),
        CLI_LONG_OPT("--cot-max-message", &cot_msg, 256, 16 << 20),
        CLI_LONG_OPT("--cot-max-clients", &cot_clients, 1, 100000),
        CLI_LONG_OPT("--cot-queue", &cot_queue, 16, 1 << 20),
        CLI_LONG_OPT("--cot-malformed", &cot_bad, 1, 64),
        {.name = "--cot-handshake", .kind = CLI_DOUBLE, .dst = &o.cot_handshake_s, .dlo = 0,
         .dhi = 3600, .flags = CLI_ABOVE_LO},
        {.name = "--cot-stale", .kind = CLI_DOUBLE, .dst = &o.cot_stale_s, .dlo = 0,
         .dhi = 1e7, .flags = CLI_ABOVE_LO},
        {.name = "--cot-share", .kind = CLI_DOUBLE, .dst = &o.cot_share_s, .dlo = 0, .dhi = 3600,
         .flags = CLI_ABOVE_LO},
        {0}};
    const struct cli_cmd cmd = {.name = "node", .help = node_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if (quiet)
        o.log = NULL;
    o.domain = (uint32_t)domain;
    o.week_min_utc = (int)week;
    o.seed = (uint64_t)seed;
    o.epoch_ns = (int64_t)epoch;
    o.cot_msg_max = (uint32_t)cot_msg;
    o.cot_clients_max = (int)cot_clients;
    o.cot_queue = (int)cot_queue;
    o.cot_malformed_max = (int)cot_bad;
    if (o.cot_addr && !o.secure_dir)
        return cli_usage("node", "--cot serves TLS with the node's certificate: give --secure "
                                 "DIR (kizuna pki init), or --cot-plain for a lab");
    if (o.cot_plain_as && !o.cot_plain_addr)
        return cli_usage("node", "--cot-plain-as is for --cot-plain");
    if (o.cot_plain_addr)
        fprintf(stderr, "kizuna node: WARNING: --cot-plain %s: TAK clients there are neither "
                        "authenticated nor encrypted; every one of them is taken to be %s. "
                        "Lab use only.\n", o.cot_plain_addr,
                o.cot_plain_as ? o.cot_plain_as : "of the node's nation, cleared for U");
    if (!o.secure_dir && !o.insecure)
        return cli_usage("node", "a node runs authenticated: give --secure DIR (kizuna pki "
                                 "init), or --insecure for a lab");
    if (o.secure_dir && o.insecure)
        return cli_usage("node", "--secure and --insecure exclude each other");
    if (o.insecure)
        fprintf(stderr, "kizuna node: WARNING: --insecure: nothing this node sends or receives "
                        "is authenticated; any process that reaches the DDS domain can write "
                        "as any node. Lab use only.\n");
    kz_model *m = cli_load_checked(structure, true, &code);
    if (!m)
        return code;
    char err[512] = "";
    if (kz_live_node_check(o.journal_dir, o.node, m, err, sizeof err) == KZ_EINVAL) {
        kz_model_free(m);
        return cli_usage("node", "%s", err);
    }
    if (phase) {
        o.phase = cli_phase_for("node", m, phase, false); /* a node starts in one phase */
        if (o.phase < 0) {
            kz_model_free(m);
            return EXIT_USAGE;
        }
    }
    catch_signals();
    o.stop = &stop_flag;
    int rc = kz_node_run(m, structure, &o, err, sizeof err);
    kz_model_free(m);
    if (rc) {
        fprintf(stderr, "kizuna node: %s\n", err[0] ? err : kz_strerror(rc));
        /* a bad option value, a missing file, a damaged journal: the input, not the run */
        return rc == KZ_ENOTFOUND || rc == KZ_EINVAL || rc == KZ_ECHECK ? EXIT_INPUT
                                                                        : EXIT_RUNTIME;
    }
    return EXIT_OK;
}

/* ---- kizuna send / decide ------------------------------------------------------------------- */

#define WAIT_HELP                                                                                  \
    "  --wait SECS  wait at most this long for the node's verdict (default 5)\n"                \
    "  --no-wait    queue it and return at once: nothing is known of the verdict yet\n"         \
    "  --json       the verdict as one JSON document: {\"node\", \"command\", \"verdict\":\n"       \
    "               accepted|refused|queued|not taken|taken, \"reason\"} (docs/json.md)\n\n"      \
    "The node gives its verdict in the step that takes the command (it looks every 5 ms):\n"     \
    "refused, with the reason, when it cannot carry the command out as it takes it (a key\n"     \
    "nothing waits under, an order to a node it has no command over, no route past the\n"      \
    "release gate, a decision the phase does not permit), else accepted. What happens later\n"  \
    "(a far node's refusal, an operator's denial, --auto's modelled times) is in the journal:\n" \
    "kizuna watch --as NODE.\n\n"                                                               \
    "Exit status:\n"                                                                            \
    "  0  the node accepted the command (with --no-wait: it is queued)\n"                      \
    "  1  not accepted: the command is invalid, or the node refused it (the reason on stderr)\n" \
    "  2  usage error (an unknown option, value or node)\n"                                     \
    "  3  runtime failure (the journal cannot be read or written)\n"                           \
    "  4  queued, but the node did not take it within the wait (is it running?); it stays\n"  \
    "     queued and a node takes it when it starts\n"

static const char send_help[] =
    "usage: kizuna send --as NODE [--journal DIR] [--structure FILE] [--wait SECS | --no-wait]\n"
    "                   --file FILE\n"
    "       kizuna send --as NODE [...] track --to IDS --track ID [--lat D --lon D --alt M]\n"
    "                   [--category air|missile|maritime|subsurface|ground|unknown]\n"
    "                   [--affiliation friend|hostile|neutral|suspect|assumed-friend|pending|\n"
    "                                  unknown]\n"
    "       kizuna send --as NODE [...] alert|report --to IDS [--text T]\n"
    "       kizuna send --as NODE [...] request --decision ID [--assets NATION]\n"
    "       kizuna send --as NODE [...] order --decision ID --to IDS\n"
    "       kizuna send --as NODE [...] phase --phase ID\n"
    "  attributes: --precedence flash|immediate|priority|routine, --classification U|C|S|TS,\n"
    "              --releasable NATIONS, --disclosable NATIONS (comma-separated ids)\n"
    "  a stream:   --repeat N [--rate PER_SECOND] (track ids get -0, -1 ... appended;\n"
    "              --update: N updates of the one track instead)\n\n"
    "Queues a command at node NODE (its journal DIR/NODE.db) and waits for the node's\n"
    "verdict. The command is checked against the structure first (the one the node's journal\n"
    "names, or --structure); a file (YAML or JSON) gets its errors at FILE:LINE:COL. The\n"
    "command format is in docs/live.md.\n" WAIT_HELP;

static const char decide_help[] =
    "usage: kizuna decide --as NODE [--journal DIR] [--wait SECS | --no-wait] --key K\n"
    "                     approve|deny [--text WHY]\n\n"
    "Answers a decision waiting at NODE (see kizuna inbox) and waits for the node's verdict.\n"
    "An approval lets the decision go on; a denial ends the request, journaled with WHY.\n"
    "A key nothing waits under is refused.\n" WAIT_HELP;

/* The structure of node `node`: --structure, else the one its journal names. An unknown node
 * is a usage error with the closest id. */
static kz_model *model_for(const char *cmd, const char *structure, const char *dir,
                           const char *node, int *code)
{
    char path[4096], err[512];
    kz_model *m = NULL;
    if (structure && !(m = cli_load_checked(structure, true, code)))
        return NULL;
    int rc = kz_live_node_check(dir, node, m, err, sizeof err);
    if (rc) {
        kz_model_free(m);
        *code = live_bad_node(cmd, rc, err);
        return NULL;
    }
    if (m)
        return m;
    if (kz_live_structure_of(dir, node, path, sizeof path, err, sizeof err)) {
        fprintf(stderr, "kizuna %s: %s\n", cmd, err);
        *code = EXIT_INPUT;
        return NULL;
    }
    return cli_load_checked(path, true, code);
}

struct waiting {
    double secs;
    bool none, json;
};

/* send/decide --json: {"node", "command", "verdict", "reason"} (docs/json.md). */
static int verdict_json(const char *node, int64_t seq, const char *verdict, const char *reason,
                        int code)
{
    bool ok = true;
    json_t *o = json_object();
    kz_json_set(o, "node", kz_json_str(node), &ok);
    kz_json_set(o, "command", json_integer(seq), &ok);
    kz_json_set(o, "verdict", json_string(verdict), &ok);
    kz_json_set(o, "reason", kz_json_str(reason), &ok);
    return live_json_emit(o, ok, false) ? code : EXIT_RUNTIME;
}

/* Queues the command text at the node, then waits for its verdict (see WAIT_HELP). */
static int queue(const char *cmd, kz_model *m, const char *dir, const char *node,
                 const char *file, const char *text, size_t len, const struct waiting *w)
{
    kz_diags *d;
    if (kz_diags_create(&d))
        return EXIT_RUNTIME;
    char err[512] = "", who[128];
    snprintf(who, sizeof who, "kizuna %s (uid %d)", cmd, (int)getuid());
    int64_t seq = 0;
    int rc = kz_live_command(m, dir, node, who, file, text, len, d, &seq, err, sizeof err);
    cli_print_diags(d, stderr, true);
    kz_diags_destroy(d);
    if (rc) {
        fprintf(stderr, "kizuna %s: %s\n", cmd, err);
        return rc == KZ_ECHECK || rc == KZ_EPARSE ? EXIT_INPUT : EXIT_RUNTIME;
    }
    if (w->none) {
        if (w->json)
            return verdict_json(node, seq, "queued", NULL, EXIT_OK);
        printf("queued command %" PRId64 " at %s (not yet taken by the node)\n", seq, node);
        return EXIT_OK;
    }
    struct kz_verdict v;
    if (kz_live_wait(dir, node, seq, w->secs, &v, err, sizeof err)) {
        fprintf(stderr, "kizuna %s: queued command %" PRId64 " at %s, but its verdict cannot "
                        "be read: %s\n", cmd, seq, node, err);
        return EXIT_RUNTIME;
    }
    if (w->json) {
        static const char *const names[] = {"not taken", "taken", "accepted", "refused"};
        static const int codes[] = {EXIT_TIMEOUT, EXIT_OK, EXIT_OK, EXIT_INPUT};
        return verdict_json(node, seq, names[v.state],
                            v.state == KZ_VERDICT_REFUSED ? v.reason : NULL, codes[v.state]);
    }
    switch (v.state) {
    case KZ_VERDICT_QUEUED:
        fprintf(stderr, "kizuna %s: queued command %" PRId64 "; node %s has not taken it within "
                        "%g s: is it running? (It stays queued: %s takes it when it starts.)\n",
                cmd, seq, node, w->secs, node);
        return EXIT_TIMEOUT;
    case KZ_VERDICT_REFUSED:
        fprintf(stderr, "kizuna %s: %s refused command %" PRId64 ": %s\n", cmd, node, seq,
                v.reason);
        return EXIT_INPUT;
    case KZ_VERDICT_TAKEN:
        printf("%s took command %" PRId64 " (its kizuna records no verdict: kizuna watch --as %s "
               "shows what follows)\n", node, seq, node);
        return EXIT_OK;
    case KZ_VERDICT_ACCEPTED:
        break;
    }
    printf("%s accepted command %" PRId64 "\n", node, seq);
    return EXIT_OK;
}

/* Reads a command file whole (at most the journal's bound): 0, or an exit code after saying
 * why. */
static int read_command(const char *file, char **text, size_t *len)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(stderr, "%s:0:0: error: [K001] cannot read: %s\n", file, strerror(errno));
        return EXIT_INPUT;
    }
    /* one byte more than the journal takes, to tell a file that is too long */
    *text = malloc((size_t)KZ_COMMAND_MAX + 2);
    *len = *text ? fread(*text, 1, (size_t)KZ_COMMAND_MAX + 1, f) : 0;
    fclose(f);
    if (!*text || *len > KZ_COMMAND_MAX) {
        fprintf(stderr, "%s:0:0: error: [K003] a command file is at most %d bytes (64 KiB)\n",
                file, KZ_COMMAND_MAX);
        free(*text);
        *text = NULL;
        return EXIT_INPUT;
    }
    return 0;
}

static const char *const send_kinds[] = {"track", "alert", "report", "request", "order",
                                         "phase", NULL};

int cmd_send(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL, *structure = NULL, *file = NULL,
               *kind = NULL;
    struct kz_command_args a = {0};
    struct waiting w = {5, false, false};
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--as", &node, CLI_REQUIRED),
        CLI_STR_OPT("--journal", &dir, 0),
        CLI_STR_OPT("--structure", &structure, 0),
        CLI_STR_OPT("--file", &file, 0),
        CLI_DOUBLE_OPT("--wait", &w.secs, 0, 3600),
        CLI_FLAG_OPT("--no-wait", &w.none),
        CLI_FLAG_OPT("--json", &w.json),
        CLI_STR_OPT("--to", &a.to, 0),
        CLI_STR_OPT("--track", &a.track, 0),
        CLI_DOUBLE_OPT("--lat", &a.lat, -90, 90),
        CLI_DOUBLE_OPT("--lon", &a.lon, -180, 180),
        CLI_DOUBLE_OPT("--alt", &a.alt, -1e4, 1e7),
        CLI_STR_OPT("--text", &a.text, 0),
        CLI_STR_OPT("--decision", &a.decision, 0),
        CLI_STR_OPT("--assets", &a.assets, 0),
        CLI_STR_OPT("--phase", &a.phase, 0),
        CLI_CHOICE_OPT("--precedence", &a.precedence, kz_live_precedences),
        CLI_CHOICE_OPT("--classification", &a.classification, kz_live_classifications),
        CLI_STR_OPT("--releasable", &a.releasable, 0),
        CLI_STR_OPT("--disclosable", &a.disclosable, 0),
        CLI_LONG_OPT("--repeat", &a.repeat, 1, 1000000000),
        CLI_DOUBLE_OPT("--rate", &a.rate, 0, 1e7),
        CLI_FLAG_OPT("--update", &a.update),
        CLI_CHOICE_OPT("--category", &a.category, kz_live_categories),
        CLI_CHOICE_OPT("--affiliation", &a.affiliation, kz_live_affiliations),
        {0}};
    const struct cli_cmd cmd = {.name = "send", .help = send_help, .opts = opts, .pos = &kind,
                                .maxpos = 1, .posname = "kind"};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    if (!file == !kind)
        return cli_usage("send", "give either --file FILE or a kind (track, alert, ...)");
    if (kind && cli_choice("send", "the kind", kind, send_kinds, 6) < 0)
        return EXIT_USAGE;
    char *text = NULL, err[512] = "";
    size_t len = 0;
    if (file && (code = read_command(file, &text, &len)))
        return code;
    kz_model *m = model_for("send", structure, dir, node, &code);
    if (!m) {
        free(text);
        return code;
    }
    if (!file) {
        a.kind = kind;
        int rc = kz_live_command_text(m, &a, &text, err, sizeof err);
        code = rc == KZ_EINVAL ? cli_usage("send", "%s", err) : rc ? EXIT_RUNTIME : 0;
        len = text ? strlen(text) : 0;
        file = "command";
    } else {
        code = 0;
    }
    if (!code)
        code = queue("send", m, dir, node, file, text, len, &w);
    free(text);
    kz_model_free(m);
    return code;
}

int cmd_decide(int argc, char **argv)
{
    static const char *const answers[] = {"approve", "deny", NULL};
    const char *node = NULL, *dir = DEFAULT_JOURNAL, *answer = NULL;
    struct kz_command_args a = {.kind = "decide"};
    struct waiting w = {5, false, false};
    long key = 0;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--as", &node, CLI_REQUIRED),
        CLI_STR_OPT("--journal", &dir, 0),
        {.name = "--key", .kind = CLI_LONG, .dst = &key, .lo = 0, .hi = LONG_MAX,
         .flags = CLI_REQUIRED},
        CLI_STR_OPT("--text", &a.text, 0),
        CLI_DOUBLE_OPT("--wait", &w.secs, 0, 3600),
        CLI_FLAG_OPT("--no-wait", &w.none),
        CLI_FLAG_OPT("--json", &w.json),
        {0}};
    const struct cli_cmd cmd = {.name = "decide", .help = decide_help, .opts = opts,
                                .pos = &answer, .maxpos = 1, .minpos = 1,
                                .posname = "approve|deny"};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    int k = cli_choice("decide", "the answer", answer, answers, 2);
    if (k < 0)
        return EXIT_USAGE;
    a.key = key;
    a.approve = k == 0;
    kz_model *m = model_for("decide", NULL, dir, node, &code);
    if (!m)
        return code;
    char *text = NULL, err[512] = "";
    int rc = kz_live_command_text(m, &a, &text, err, sizeof err);
    if (rc)
        fprintf(stderr, "kizuna decide: %s\n", err);
    else
        code = queue("decide", m, dir, node, "decide", text, strlen(text), &w);
    free(text);
    kz_model_free(m);
    return rc ? EXIT_RUNTIME : code;
}
