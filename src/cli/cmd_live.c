/* cmd_live.c - `kizuna node`, `send`, `watch`, `inbox`, `decide` and `journal`. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/live.h"

#define DEFAULT_JOURNAL "kizuna-journal"

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

/* "--name value" or "--name=value": the value, advancing *i; NULL when absent. */
static const char *opt(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n))
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int bad_usage(const char *cmd, const char *what)
{
    fprintf(stderr, "kizuna %s: %s (see kizuna %s --help)\n", cmd, what, cmd);
    return EXIT_USAGE;
}

/* ---- kizuna node ------------------------------------------------------------------------ */

static const char node_help[] =
    "usage: kizuna node --structure FILE --as NODE [--journal DIR] [--auto [--speed X]]\n"
    "                   [--emulate-links]\n"
    "                   (--secure DIR | --insecure [--force]) [--dds-config XML]\n"
    "                   [--domain N] [--phase P]\n"
    "                   [--epoch NS] [--week-minute M] [--seed S] [--for SECONDS] [--quiet]\n\n"
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
    "                  else loopback with multicast on (data/dds/loopback.xml)\n"
    "  --domain N      DDS domain id, 0..230 (default 0)\n"
    "  --journal DIR   journal directory (default " DEFAULT_JOURNAL ")\n"
    "  --for SECONDS   stop after this long (default: until SIGINT/SIGTERM)\n"
    "  --quiet         do not print events (they are journaled either way)\n";

int cmd_node(int argc, char **argv)
{
    const char *structure = NULL, *phase = NULL;
    struct kz_node_options o = {0};
    o.journal_dir = DEFAULT_JOURNAL;
    o.speed = 1;
    o.week_min_utc = -1;
    o.phase = -1;
    o.seed = 1;
    o.log = stdout;
    for (int i = 1; i < argc; i++) {
        const char *v;
        double d;
        if (cli_is_help(argv[i])) {
            fputs(node_help, stdout);
            return EXIT_OK;
        } else if ((v = opt(argc, argv, &i, "--structure"))) {
            structure = v;
        } else if ((v = opt(argc, argv, &i, "--as"))) {
            o.node = v;
        } else if ((v = opt(argc, argv, &i, "--journal"))) {
            o.journal_dir = v;
        } else if (!strcmp(argv[i], "--auto")) {
            o.automatic = true;
        } else if (!strcmp(argv[i], "--quiet")) {
            o.log = NULL;
        } else if (!strcmp(argv[i], "--emulate-links")) {
            o.emulate_links = true;
        } else if ((v = opt(argc, argv, &i, "--speed"))) {
            if (!cli_number(v, &o.speed) || o.speed <= 0 || o.speed > 1e6)
                return bad_usage("node", "--speed wants a number in (0, 1e6]");
        } else if ((v = opt(argc, argv, &i, "--secure"))) {
            o.secure_dir = v;
        } else if (!strcmp(argv[i], "--insecure")) {
            o.insecure = true;
        } else if (!strcmp(argv[i], "--force")) {
            o.force = true;
        } else if ((v = opt(argc, argv, &i, "--dds-config"))) {
            o.dds_config = v;
        } else if ((v = opt(argc, argv, &i, "--domain"))) {
            if (!cli_number(v, &d) || d < 0 || d > 230 || d != (int)d)
                return bad_usage("node", "--domain wants an integer 0..230");
            o.domain = (uint32_t)d;
        } else if ((v = opt(argc, argv, &i, "--phase"))) {
            phase = v;
        } else if ((v = opt(argc, argv, &i, "--epoch"))) {
            if (!cli_number(v, &d) || d < 0)
                return bad_usage("node", "--epoch wants nanoseconds since 1970");
            o.epoch_ns = (int64_t)d;
        } else if ((v = opt(argc, argv, &i, "--week-minute"))) {
            if (!cli_number(v, &d) || d < 0 || d >= 7 * 1440)
                return bad_usage("node", "--week-minute wants 0..10079");
            o.week_min_utc = (int)d;
        } else if ((v = opt(argc, argv, &i, "--seed"))) {
            if (!cli_number(v, &d) || d < 0)
                return bad_usage("node", "--seed wants a non-negative integer");
            o.seed = (uint64_t)d;
        } else if ((v = opt(argc, argv, &i, "--for"))) {
            if (!cli_number(v, &o.run_s) || o.run_s <= 0)
                return bad_usage("node", "--for wants seconds > 0");
        } else {
            fprintf(stderr, "kizuna node: unknown argument '%s'\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!structure || !o.node)
        return bad_usage("node", "--structure and --as are required");
    if (!o.secure_dir && !o.insecure)
        return bad_usage("node", "a node runs authenticated: give --secure DIR (kizuna pki "
                                 "init), or --insecure for a lab");
    if (o.secure_dir && o.insecure)
        return bad_usage("node", "--secure and --insecure exclude each other");
    if (o.insecure)
        fprintf(stderr, "kizuna node: WARNING: --insecure: nothing this node sends or receives "
                        "is authenticated; any process that reaches the DDS domain can write "
                        "as any node. Lab use only.\n");
    int code;
    kz_model *m = cli_load_checked(structure, true, &code);
    if (!m)
        return code;
    if (phase) {
        o.phase = cli_phase(m, phase);
        if (o.phase < 0) {
            kz_model_free(m);
            return EXIT_USAGE;
        }
    }
    catch_signals();
    o.stop = &stop_flag;
    char err[512] = "";
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

static const char send_help[] =
    "usage: kizuna send --as NODE [--journal DIR] [--structure FILE] --file FILE\n"
    "       kizuna send --as NODE [...] track --to IDS --track ID [--lat D --lon D --alt M]\n"
    "       kizuna send --as NODE [...] alert|report --to IDS [--text T]\n"
    "       kizuna send --as NODE [...] request --decision ID [--assets NATION]\n"
    "       kizuna send --as NODE [...] order --decision ID --to IDS\n"
    "       kizuna send --as NODE [...] phase --phase ID\n"
    "  attributes: --precedence flash|immediate|priority|routine, --classification U|C|S|TS,\n"
    "              --releasable NATIONS, --disclosable NATIONS (comma-separated ids)\n"
    "  a stream:   --repeat N [--rate PER_SECOND] (track ids get -0, -1 ... appended;\n"
    "              --update: N updates of the one track instead)\n\n"
    "Queues a command at node NODE (its journal DIR/NODE.db): the running node takes it at\n"
    "once, a stopped node when it starts. The command is checked against the structure first\n"
    "(the one the node's journal names, or --structure); a file (YAML or JSON) gets its\n"
    "errors at FILE:LINE:COL. The command format is in docs/live.md.\n";

/* Appends `"key": value` to a JSON object being built; lists are split at commas. */
static void json_add(char *buf, size_t cap, const char *key, const char *val, bool list,
                     bool quote)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%s\"%s\": ", n > 1 ? ", " : "", key);
    n = strlen(buf);
    if (list) {
        snprintf(buf + n, cap - n, "[");
        const char *p = val;
        bool first = true;
        while (*p) {
            size_t l = strcspn(p, ",");
            n = strlen(buf);
            snprintf(buf + n, cap - n, "%s\"%.*s\"", first ? "" : ", ", (int)l, p);
            first = false;
            p += l;
            if (*p == ',')
                p++;
        }
        n = strlen(buf);
        snprintf(buf + n, cap - n, "]");
        return;
    }
    if (!quote) {
        snprintf(buf + n, cap - n, "%s", val);
        return;
    }
    /* a JSON string: escape quotes and backslashes */
    buf[n++] = '"';
    for (const char *p = val; *p && n + 3 < cap; p++) {
        if (*p == '"' || *p == '\\')
            buf[n++] = '\\';
        buf[n++] = *p;
    }
    buf[n++] = '"';
    buf[n] = '\0';
}

static kz_model *model_for(const char *structure, const char *dir, const char *node, int *code)
{
    char path[4096];
    if (!structure) {
        char err[512];
        if (kz_live_structure_of(dir, node, path, sizeof path, err, sizeof err)) {
            fprintf(stderr, "kizuna: %s\n", err);
            *code = EXIT_INPUT;
            return NULL;
        }
        structure = path;
    }
    return cli_load_checked(structure, true, code);
}

static int queue(const char *cmd, kz_model *m, const char *dir, const char *node,
                 const char *file, const char *text, size_t len)
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
    printf("queued command %" PRId64 " at %s\n", seq, node);
    return EXIT_OK;
}

int cmd_send(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL, *structure = NULL, *file = NULL,
               *kind = NULL;
    char json[8192] = "{";
    static const struct {
        const char *flag, *key;
        bool list, quote;
    } flags[] = {
        {"--to", "to", true, true},           {"--track", "track", false, true},
        {"--lat", "lat", false, false},       {"--lon", "lon", false, false},
        {"--alt", "alt", false, false},       {"--text", "text", false, true},
        {"--decision", "decision", false, true}, {"--assets", "assets", false, true},
        {"--phase", "phase", false, true},    {"--precedence", "precedence", false, true},
        {"--classification", "classification", false, true},
        {"--releasable", "releasable", true, true}, {"--disclosable", "disclosable", true, true},
        {"--repeat", "repeat", false, false}, {"--rate", "rate", false, false},
    };
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(send_help, stdout);
            return EXIT_OK;
        }
        if ((v = opt(argc, argv, &i, "--as"))) {
            node = v;
            continue;
        }
        if ((v = opt(argc, argv, &i, "--journal"))) {
            dir = v;
            continue;
        }
        if ((v = opt(argc, argv, &i, "--structure"))) {
            structure = v;
            continue;
        }
        if ((v = opt(argc, argv, &i, "--file"))) {
            file = v;
            continue;
        }
        if (!strcmp(argv[i], "--update")) {
            json_add(json, sizeof json, "update", "true", false, false);
            continue;
        }
        bool found = false;
        for (size_t k = 0; k < sizeof flags / sizeof *flags && !found; k++)
            if ((v = opt(argc, argv, &i, flags[k].flag))) {
                if (flags[k].quote == false) {
                    double d;
                    if (!cli_number(v, &d)) {
                        fprintf(stderr, "kizuna send: %s wants a number\n", flags[k].flag);
                        return EXIT_USAGE;
                    }
                }
                json_add(json, sizeof json, flags[k].key, v, flags[k].list, flags[k].quote);
                found = true;
            }
        if (found)
            continue;
        if (argv[i][0] != '-' && !kind) {
            kind = argv[i];
            continue;
        }
        fprintf(stderr, "kizuna send: unknown argument '%s'\n", argv[i]);
        return EXIT_USAGE;
    }
    if (!node)
        return bad_usage("send", "--as NODE is required");
    if (!file == !kind)
        return bad_usage("send", "give either --file FILE or a kind (track, alert, ...)");
    int code;
    kz_model *m = model_for(structure, dir, node, &code);
    if (!m)
        return code;
    char *text = NULL;
    size_t len = 0;
    if (file) {
        FILE *f = fopen(file, "rb");
        if (!f) {
            fprintf(stderr, "%s:0:0: error: [K001] cannot read: %s\n", file, strerror(errno));
            kz_model_free(m);
            return EXIT_INPUT;
        }
        /* one byte more than the journal takes, to tell a file that is too long */
        text = malloc((size_t)KZ_COMMAND_MAX + 2);
        len = text ? fread(text, 1, (size_t)KZ_COMMAND_MAX + 1, f) : 0;
        fclose(f);
        if (!text || len > KZ_COMMAND_MAX) {
            fprintf(stderr, "%s:0:0: error: [K003] a command file is at most %d bytes (64 KiB)\n",
                    file, KZ_COMMAND_MAX);
            free(text);
            kz_model_free(m);
            return EXIT_INPUT;
        }
    } else {
        /* flags to a JSON command; `track` etc. are shares */
        char head[8400];
        bool share = !strcmp(kind, "track") || !strcmp(kind, "alert") || !strcmp(kind, "report");
        snprintf(head, sizeof head, "{\"cmd\": \"%s\"%s%s%s%s%s}", share ? "share" : kind,
                 share ? ", \"kind\": \"" : "", share ? kind : "", share ? "\"" : "",
                 json[1] ? ", " : "", json + 1);
        text = strdup(head);
        len = text ? strlen(text) : 0;
        file = "command";
    }
    int rc = text ? queue("send", m, dir, node, file, text, len) : EXIT_RUNTIME;
    free(text);
    kz_model_free(m);
    return rc;
}

static const char decide_help[] =
    "usage: kizuna decide --as NODE [--journal DIR] --key K approve|deny [--text WHY]\n\n"
    "Answers a decision waiting at NODE (see kizuna inbox). An approval lets the decision\n"
    "go on; a denial ends the request, journaled with WHY.\n";

int cmd_decide(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL, *key = NULL, *answer = NULL, *text = "";
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            fputs(decide_help, stdout);
            return EXIT_OK;
        } else if ((v = opt(argc, argv, &i, "--as"))) {
            node = v;
        } else if ((v = opt(argc, argv, &i, "--journal"))) {
            dir = v;
        } else if ((v = opt(argc, argv, &i, "--key"))) {
            key = v;
        } else if ((v = opt(argc, argv, &i, "--text"))) {
            text = v;
        } else if (!strcmp(argv[i], "approve") || !strcmp(argv[i], "deny")) {
            answer = argv[i];
        } else {
            fprintf(stderr, "kizuna decide: unknown argument '%s'\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    double k;
    if (!node || !key || !answer || !cli_number(key, &k))
        return bad_usage("decide", "--as NODE, --key K and approve|deny are required");
    int code;
    kz_model *m = model_for(NULL, dir, node, &code);
    if (!m)
        return code;
    char json[1024] = "{";
    json_add(json, sizeof json, "cmd", "decide", false, true);
    json_add(json, sizeof json, "key", key, false, false);
    json_add(json, sizeof json, "answer", answer, false, true);
    if (*text)
        json_add(json, sizeof json, "text", text, false, true);
    strcat(json, "}");
    int rc = queue("decide", m, dir, node, "decide", json, strlen(json));
    kz_model_free(m);
    return rc;
}

/* ---- kizuna inbox / watch / journal ---------------------------------------------------------- */

int cmd_inbox(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (cli_is_help(argv[i])) {
            puts("usage: kizuna inbox --as NODE [--journal DIR]\n\n"
                 "Lists the decisions waiting for an operator at NODE: KEY, since when, what.\n"
                 "Answer with kizuna decide --as NODE --key KEY approve|deny.");
            return EXIT_OK;
        } else if ((v = opt(argc, argv, &i, "--as"))) {
            node = v;
        } else if ((v = opt(argc, argv, &i, "--journal"))) {
            dir = v;
        } else {
            fprintf(stderr, "kizuna inbox: unknown argument '%s'\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!node)
        return bad_usage("inbox", "--as NODE is required");
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/%s.db", dir, node);
    int n;
    if (kz_inbox_print(path, stdout, &n, err, sizeof err)) {
        fprintf(stderr, "kizuna inbox: %s\n", err);
        return EXIT_INPUT;
    }
    if (!n)
        printf("nothing waits at %s\n", node);
    return EXIT_OK;
}

static const char watch_help[] =
    "usage: kizuna watch --as NODE [--journal DIR] [--what W] [--kind K] [--thread N]\n"
    "                    [--from-start] [--for SECONDS]\n\n"
    "Follows NODE's journal as it is written: what it sends, receives, refuses and decides.\n"
    "  --what W     only events of this kind: sent, received, refused, done, infeasible,\n"
    "               decided, executed, delegated, blocked, waiting, phase, outage ...\n"
    "  --kind K     only messages of this kind: track, alert, request, decision, order, report\n"
    "  --from-start show the journal so far first (default: only what comes next)\n";

static int parse_filter(int argc, char **argv, int *i, struct kz_journal_filter *f)
{
    const char *v;
    double d;
    if ((v = opt(argc, argv, i, "--what"))) {
        f->what = v;
        return 1;
    }
    if ((v = opt(argc, argv, i, "--kind"))) {
        f->kind = v;
        return 1;
    }
    if ((v = opt(argc, argv, i, "--thread"))) {
        if (!cli_number(v, &d))
            return -1;
        f->thread = (int)d;
        return 1;
    }
    return 0;
}

int cmd_watch(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL;
    struct kz_journal_filter f = {NULL, NULL, -1};
    bool from_start = false;
    double for_s = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int k;
        if (cli_is_help(argv[i])) {
            fputs(watch_help, stdout);
            return EXIT_OK;
        } else if ((v = opt(argc, argv, &i, "--as"))) {
            node = v;
        } else if ((v = opt(argc, argv, &i, "--journal"))) {
            dir = v;
        } else if (!strcmp(argv[i], "--from-start")) {
            from_start = true;
        } else if ((v = opt(argc, argv, &i, "--for"))) {
            if (!cli_number(v, &for_s) || for_s <= 0)
                return bad_usage("watch", "--for wants seconds > 0");
        } else if ((k = parse_filter(argc, argv, &i, &f)) != 0) {
            if (k < 0)
                return bad_usage("watch", "--thread wants a number");
        } else {
            fprintf(stderr, "kizuna watch: unknown argument '%s'\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!node)
        return bad_usage("watch", "--as NODE is required");
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/%s.db", dir, node);
    int64_t seq = 0;
    if (!from_start) {
        /* skip what is there: print into nothing, keep the position */
        FILE *null = fopen("/dev/null", "w");
        if (!null || kz_journal_print(path, null, NULL, &seq, err, sizeof err)) {
            if (null)
                fclose(null);
            fprintf(stderr, "kizuna watch: %s\n", err);
            return EXIT_INPUT;
        }
        fclose(null);
    }
    catch_signals();
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!stop_flag) {
        if (kz_journal_print(path, stdout, &f, &seq, err, sizeof err)) {
            fprintf(stderr, "kizuna watch: %s\n", err);
            return EXIT_INPUT;
        }
        fflush(stdout);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (for_s > 0 && (double)(now.tv_sec - t0.tv_sec) +
                                 (double)(now.tv_nsec - t0.tv_nsec) * 1e-9 >=
                             for_s)
            break;
        struct timespec nap = {0, 200 * 1000000L};
        nanosleep(&nap, NULL);
    }
    return EXIT_OK;
}

static const char journal_help[] =
    "usage: kizuna journal DIR|FILE.db [--node NODE] [--what W] [--kind K] [--thread N]\n"
    "                      [--audit]\n"
    "       kizuna journal DIR --repair NODE [--yes]\n\n"
    "Prints the journals of DIR (every NODE.db, in node order) or of one file: who sent,\n"
    "received, refused (with the reason) and decided what, when (UTC wall time, then\n"
    "scenario time). --audit checks the journals of DIR against each other: every sample\n"
    "acknowledged is journaled by its receiver with the same content, and nothing is kept\n"
    "that no journal here sent; exit 1 if not.\n"
    "--repair NODE checks DIR/NODE.db (a node refuses to start on a damaged journal) and says\n"
    "what is wrong; once the loss is accepted (asked on a terminal, or --yes) it keeps the\n"
    "damaged files aside, rebuilds the journal from what can be read, and records a\n"
    "`repaired` event (docs/live.md). Exit 0 when sound or repaired, 1 when not repaired.\n";

/* kizuna journal DIR --repair NODE: the diagnosis, then the repair once the loss is accepted
 * (--yes, or asked on a terminal). */
static int repair(const char *dir, const char *node, bool yes)
{
    char err[512];
    bool damaged;
    int rc = kz_journal_repair(dir, node, yes, false, stdout, &damaged, err, sizeof err);
    if (!rc && damaged && !yes) {
        char line[16] = "";
        if (isatty(STDIN_FILENO)) {
            printf("Accept the loss and repair %s/%s.db? [y/N] ", dir, node);
            fflush(stdout);
            if (!fgets(line, sizeof line, stdin))
                line[0] = '\0';
        }
        if (line[0] != 'y' && line[0] != 'Y') {
            printf("Nothing changed. Run again with --yes to accept the loss and repair.\n");
            return EXIT_INPUT;
        }
        rc = kz_journal_repair(dir, node, true, true, stdout, &damaged, err, sizeof err);
    }
    if (rc) {
        fprintf(stderr, "kizuna journal: %s\n", err);
        return rc == KZ_EIO || rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
    }
    return EXIT_OK;
}

int cmd_journal(int argc, char **argv)
{
    const char *target = NULL, *node = NULL;
    struct kz_journal_filter f = {NULL, NULL, -1};
    const char *fix = NULL;
    bool audit = false, yes = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int k;
        if (cli_is_help(argv[i])) {
            fputs(journal_help, stdout);
            return EXIT_OK;
        } else if ((v = opt(argc, argv, &i, "--node"))) {
            node = v;
        } else if ((v = opt(argc, argv, &i, "--repair"))) {
            fix = v;
        } else if (!strcmp(argv[i], "--yes")) {
            yes = true;
        } else if (!strcmp(argv[i], "--audit")) {
            audit = true;
        } else if ((k = parse_filter(argc, argv, &i, &f)) != 0) {
            if (k < 0)
                return bad_usage("journal", "--thread wants a number");
        } else if (argv[i][0] != '-' && !target) {
            target = argv[i];
        } else {
            fprintf(stderr, "kizuna journal: unknown argument '%s'\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!target)
        return bad_usage("journal", "give the journal directory");
    if (fix)
        return audit || node ? bad_usage("journal", "--repair NODE goes alone")
                             : repair(target, fix, yes);
    if (yes)
        return bad_usage("journal", "--yes goes with --repair NODE");
    char err[512];
    size_t tl = strlen(target);
    if (audit) {
        struct kz_audit a;
        if (kz_journal_audit(target, stdout, &a, err, sizeof err)) {
            fprintf(stderr, "kizuna journal: %s\n", err);
            return EXIT_INPUT;
        }
        return a.missing || a.duplicated || a.unknown ? EXIT_INPUT : EXIT_OK;
    }
    if (tl > 3 && !strcmp(target + tl - 3, ".db")) {
        int64_t seq = 0;
        if (kz_journal_print(target, stdout, &f, &seq, err, sizeof err)) {
            fprintf(stderr, "kizuna journal: %s\n", err);
            return EXIT_INPUT;
        }
        return EXIT_OK;
    }
    /* a directory: the audit table first, then each node's journal */
    struct kz_audit a;
    if (kz_journal_audit(target, node ? NULL : stdout, &a, err, sizeof err)) {
        fprintf(stderr, "kizuna journal: %s\n", err);
        return EXIT_INPUT;
    }
    if (node) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.db", target, node);
        int64_t seq = 0;
        if (kz_journal_print(path, stdout, &f, &seq, err, sizeof err)) {
            fprintf(stderr, "kizuna journal: %s\n", err);
            return EXIT_INPUT;
        }
    } else {
        printf("\nkizuna journal %s --node NODE prints one node's journal.\n", target);
    }
    return EXIT_OK;
}
