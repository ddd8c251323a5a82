/* cmd_journal.c - `kizuna inbox`, `watch` and `journal`: what a node's journal says, as text or JSON. */
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kizuna/live.h"
#include "live_cli.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

/* The structure a journal names, loaded quietly, for the nations of markings; NULL when it
 * cannot be (markings then number the nations). */
static kz_model *model_of(const char *dir, const char *node)
{
    char path[4096], err[512];
    kz_model *m = NULL;
    kz_diags *d;
    if (kz_live_structure_of(dir, node, path, sizeof path, err, sizeof err) ||
        kz_diags_create(&d))
        return NULL;
    if (kz_model_load_file(path, &m, d)) {
        kz_model_free(m);
        m = NULL;
    }
    kz_diags_destroy(d);
    return m;
}

/* "2026-12-02T01:53:25.289Z" */
static void iso_time(int64_t ns, char *buf, size_t n)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t k = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + k, n - k, ".%03dZ", (int)(ns / 1000000 % 1000));
}

/* jansson's setters fail only when out of memory; one flag collects it. */
static void put(json_t *o, const char *k, json_t *v, bool *ok)
{
    if (!v || json_object_set_new(o, k, v))
        *ok = false;
}

static void put_str(json_t *o, const char *k, const char *v, bool *ok)
{
    if (v)
        put(o, k, json_string(v), ok);
}

/* Writes one JSON document on a line of its own; false when out of memory. */
static bool emit(json_t *o, bool ok)
{
    char *s = ok ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))
                 : NULL;
    json_decref(o);
    if (!s)
        return false;
    puts(s);
    free(s);
    return true;
}

/* One event as a JSON object (docs/json.md, "Live"). */
static json_t *event_json(const char *journal, const struct kz_journal_event *e, bool *ok)
{
    json_t *o = json_object();
    char t[40], id[24];
    iso_time(e->wall_ns, t, sizeof t);
    if (!o) {
        *ok = false;
        return NULL;
    }
    put_str(o, "journal", journal, ok);
    put(o, "seq", json_integer(e->seq), ok);
    put(o, "time", json_string(t), ok);
    put(o, "sim_s", json_real(e->sim_s), ok);
    put(o, "event", json_string(e->what), ok);
    put_str(o, "kind", e->kind, ok);
    put_str(o, "classification", e->cls, ok);
    put_str(o, "marking", e->marking, ok);
    if (e->id) {
        snprintf(id, sizeof id, "%016" PRIx64, e->id);
        put(o, "id", json_string(id), ok);
    }
    put_str(o, "node", e->node, ok);
    put_str(o, "peer", e->peer, ok);
    put_str(o, "network", e->net, ok);
    if (e->thread >= 0)
        put(o, "thread", json_integer(e->thread), ok);
    if (e->tag >= 0) {
        put(o, "tag", json_integer(e->tag), ok);
        put(o, "step", json_integer(e->step), ok);
    }
    if (e->track_id) {
        json_t *tr = json_object();
        put(tr, "id", json_string(e->track_id), ok);
        put(tr, "lat", json_real(e->lat), ok);
        put(tr, "lon", json_real(e->lon), ok);
        put(tr, "alt_m", json_real(e->alt_m), ok);
        put(o, "track", tr, ok);
    }
    put_str(o, "message", e->msg_text, ok);
    put_str(o, "text", e->text, ok);
    return o;
}

struct out {
    bool json;
    const char *journal; /* the node whose journal it is */
    bool nomem;
};

static int out_event(void *ctx, const struct kz_journal_event *e)
{
    struct out *c = ctx;
    if (!c->json) {
        char line[1024];
        kz_journal_event_text(e, line, sizeof line);
        puts(line);
        return 0;
    }
    bool ok = true;
    json_t *o = event_json(c->journal, e, &ok);
    if (!emit(o, ok))
        c->nomem = true;
    return c->nomem ? KZ_ENOMEM : 0;
}

/* The events of DIR/NODE.db (or the file `path`) after *seq that pass f. */
static int show(const char *path, const char *node, const kz_model *m,
                const struct kz_journal_filter *f, int64_t *seq, bool json, char *err,
                size_t errlen)
{
    struct out c = {json, node, false};
    int rc = kz_journal_each(path, m, f, seq, out_event, &c, err, errlen);
    if (rc == KZ_ENOMEM)
        snprintf(err, errlen, "out of memory");
    return rc;
}

/* ---- kizuna inbox ---------------------------------------------------------------------------- */

static const char inbox_help[] =
    "usage: kizuna inbox --as NODE [--journal DIR] [--json]\n\n"
    "Lists the decisions waiting for an operator at NODE: KEY, since when, what.\n"
    "Answer with kizuna decide --as NODE --key KEY approve|deny.\n"
    "  --json   one JSON document: {\"node\": NODE, \"waiting\": [{\"key\", \"since\", \"what\"}]}\n";

struct inbox_ctx {
    bool json;
    json_t *list;
    int n;
};

static int inbox_one(void *ctx, const struct kz_inbox_item *it)
{
    struct inbox_ctx *c = ctx;
    char t[40];
    c->n++;
    if (!c->json) {
        kz_wall_text(it->t_ns, t, sizeof t);
        printf("%-10" PRId64 " %s  %s\n", it->key, t, it->what);
        return 0;
    }
    bool ok = true;
    json_t *o = json_object();
    iso_time(it->t_ns, t, sizeof t);
    put(o, "key", json_integer(it->key), &ok);
    put(o, "since", json_string(t), &ok);
    put(o, "what", json_string(it->what), &ok);
    return ok && !json_array_append_new(c->list, o) ? 0 : KZ_ENOMEM;
}

int cmd_inbox(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL;
    bool json = false;
    const struct cli_opt opts[] = {CLI_STR_OPT("--as", &node, CLI_REQUIRED),
                                   CLI_STR_OPT("--journal", &dir, 0),
                                   CLI_FLAG_OPT("--json", &json), {0}};
    const struct cli_cmd cmd = {.name = "inbox", .help = inbox_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    char path[4096], err[512];
    int rc = kz_live_node_check(dir, node, NULL, err, sizeof err);
    if (rc)
        return live_bad_node("inbox", rc, err);
    snprintf(path, sizeof path, "%s/%s.db", dir, node);
    struct inbox_ctx c = {json, json ? json_array() : NULL, 0};
    if (json && !c.list)
        return EXIT_RUNTIME;
    if ((rc = kz_inbox_each(path, inbox_one, &c, err, sizeof err))) {
        json_decref(c.list);
        fprintf(stderr, "kizuna inbox: %s\n", rc == KZ_ENOMEM ? "out of memory" : err);
        return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
    }
    if (json) {
        bool ok = true;
        json_t *o = json_object();
        put(o, "node", json_string(node), &ok);
        put(o, "waiting", c.list, &ok);
        return emit(o, ok) ? EXIT_OK : EXIT_RUNTIME;
    }
    if (!c.n)
        printf("nothing waits at %s\n", node);
    return EXIT_OK;
}

/* ---- kizuna watch ---------------------------------------------------------------------------- */

#define FILTER_HELP                                                                                \
    "  --what W     only events of this kind: sent, received, refused, done, infeasible,\n"      \
    "               decided, executed, delegated, blocked, unblocked, waiting, recall, phase,\n" \
    "               outage, stream, started, stopped, repaired\n"                                \
    "  --kind K     only messages of this kind: track, alert, request, decision, order, report\n" \
    "  --thread N   only scenario thread N\n"                                                   \
    "A line gives the UTC wall time, the node's scenario time, the event, and for a message\n"    \
    "its kind, track id and position or text, marking (S//REL TO USA, JPN), sample id, nodes\n"   \
    "and network; then the event's own text (a refusal's reason).\n"

static const char watch_help[] =
    "usage: kizuna watch --as NODE [--journal DIR] [--what W] [--kind K] [--thread N]\n"
    "                    [--from-start] [--for SECONDS] [--json]\n\n"
    "Follows NODE's journal as it is written: what it sends, receives, refuses and decides.\n"
    FILTER_HELP
    "  --from-start show the journal so far first (default: only what comes next)\n"
    "  --for SECS   stop after this long (default: until SIGINT/SIGTERM)\n"
    "  --json       one JSON object per event and line (JSON lines; docs/json.md)\n";

#define FILTER_OPTS(f)                                                                             \
    CLI_CHOICE_OPT("--what", &(f).what, kz_journal_whats),                                        \
        CLI_CHOICE_OPT("--kind", &(f).kind, kz_journal_kinds),                                    \
        CLI_LONG_OPT("--thread", &thread, 0, 1000000000)

int cmd_watch(int argc, char **argv)
{
    const char *node = NULL, *dir = DEFAULT_JOURNAL;
    struct kz_journal_filter f = {NULL, NULL, -1};
    bool from_start = false, json = false;
    double for_s = 0;
    long thread = -1;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--as", &node, CLI_REQUIRED),
        CLI_STR_OPT("--journal", &dir, 0),
        CLI_FLAG_OPT("--from-start", &from_start),
        {.name = "--for", .kind = CLI_DOUBLE, .dst = &for_s, .dlo = 0, .dhi = 1e9,
         .flags = CLI_ABOVE_LO},
        CLI_FLAG_OPT("--json", &json),
        FILTER_OPTS(f),
        {0}};
    const struct cli_cmd cmd = {.name = "watch", .help = watch_help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    f.thread = (int)thread;
    char path[4096], err[512];
    int rc = kz_live_node_check(dir, node, NULL, err, sizeof err);
    if (rc)
        return live_bad_node("watch", rc, err);
    snprintf(path, sizeof path, "%s/%s.db", dir, node);
    kz_model *m = model_of(dir, node);
    int64_t seq = 0;
    struct kz_journal_filter none = {"-", NULL, -1}; /* skips everything, keeps the position */
    if (!from_start && kz_journal_each(path, m, &none, &seq, NULL, NULL, err, sizeof err)) {
        fprintf(stderr, "kizuna watch: %s\n", err);
        kz_model_free(m);
        return EXIT_INPUT;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    code = EXIT_OK;
    while (!stop_flag) {
        if ((rc = show(path, node, m, &f, &seq, json, err, sizeof err))) {
            fprintf(stderr, "kizuna watch: %s\n", err);
            code = rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
            break;
        }
        fflush(stdout);
        clock_gettime(CLOCK_MONOTONIC, &now);
        double el = (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) * 1e-9;
        if (for_s > 0 && el >= for_s)
            break;
        struct timespec nap = {0, 200 * 1000000L};
        nanosleep(&nap, NULL);
    }
    kz_model_free(m);
    return code;
}

/* ---- kizuna journal -------------------------------------------------------------------------- */

static const char journal_help[] =
    "usage: kizuna journal DIR|FILE.db [--node NODE] [--what W] [--kind K] [--thread N]\n"
    "                      [--audit] [--json]\n"
    "       kizuna journal DIR --repair NODE [--yes]\n\n"
    "Prints the journals of DIR (the audit table, then every NODE.db in node order; --node:\n"
    "that node's alone) or of one file: who sent, received, refused (with the reason) and\n"
    "decided what, when (UTC wall time, then scenario time).\n" FILTER_HELP
    "  --json       one JSON object per event and line (JSON lines; docs/json.md), each\n"
    "               naming its journal; with --audit, one object with the counts\n"
    "--audit checks the journals of DIR against each other: every sample acknowledged is\n"
    "journaled by its receiver with the same content, and nothing is kept that no journal\n"
    "here sent; exit 1 if not.\n"
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

static int audit_json(const struct kz_audit *a)
{
    bool ok = true;
    json_t *o = json_object();
    put(o, "journals", json_integer(a->journals), &ok);
    put(o, "sent", json_integer(a->sent), &ok);
    put(o, "received", json_integer(a->received), &ok);
    put(o, "refused", json_integer(a->refused), &ok);
    put(o, "unacknowledged", json_integer(a->unacked), &ok);
    put(o, "missing", json_integer(a->missing), &ok);
    put(o, "collide", json_integer(a->collide), &ok);
    put(o, "duplicated", json_integer(a->duplicated), &ok);
    put(o, "unknown", json_integer(a->unknown), &ok);
    return emit(o, ok) ? 0 : EXIT_RUNTIME;
}

/* NODE of DIR/NODE.db, and DIR, into buffers */
static void split(const char *path, char *dir, size_t dn, char *node, size_t nn)
{
    const char *sl = strrchr(path, '/');
    snprintf(dir, dn, "%.*s", sl ? (int)(sl - path) : 1, sl ? path : ".");
    const char *b = sl ? sl + 1 : path;
    snprintf(node, nn, "%.*s", (int)strlen(b) - 3, b);
}

/* Every journal of DIR (or --node's), in node order, filtered. */
static int show_dir(const char *dir, const char *only, const struct kz_journal_filter *f,
                    bool json, char *err, size_t errlen)
{
    char **nodes = NULL;
    size_t n = 0;
    int rc = kz_journal_nodes(dir, &nodes, &n, err, errlen);
    kz_model *m = n ? model_of(dir, only ? only : nodes[0]) : NULL;
    for (size_t i = 0; i < n && !rc; i++) {
        if (only && strcmp(only, nodes[i]))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.db", dir, nodes[i]);
        if (!json && !only)
            printf("\n%s:\n", path);
        int64_t seq = 0;
        rc = show(path, nodes[i], m, f, &seq, json, err, errlen);
    }
    kz_model_free(m);
    kz_journal_nodes_free(nodes, n);
    return rc;
}

int cmd_journal(int argc, char **argv)
{
    const char *target = NULL, *node = NULL, *fix = NULL;
    struct kz_journal_filter f = {NULL, NULL, -1};
    bool audit = false, yes = false, json = false;
    long thread = -1;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--node", &node, 0), CLI_STR_OPT("--repair", &fix, 0),
        CLI_FLAG_OPT("--yes", &yes),     CLI_FLAG_OPT("--audit", &audit),
        CLI_FLAG_OPT("--json", &json),   FILTER_OPTS(f),
        {0}};
    const struct cli_cmd cmd = {.name = "journal", .help = journal_help, .opts = opts,
                                .pos = &target, .maxpos = 1, .minpos = 1,
                                .posname = "the journal directory"};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    f.thread = (int)thread;
    if (fix)
        return audit || node || json ? cli_usage("journal", "--repair NODE goes alone")
                                     : repair(target, fix, yes);
    if (yes)
        return cli_usage("journal", "--yes goes with --repair NODE");
    char err[512];
    size_t tl = strlen(target);
    int rc;
    if (tl > 3 && !strcmp(target + tl - 3, ".db")) {
        char dir[4096], nd[256];
        split(target, dir, sizeof dir, nd, sizeof nd);
        kz_model *m = model_of(dir, nd);
        int64_t seq = 0;
        rc = show(target, nd, m, &f, &seq, json, err, sizeof err);
        kz_model_free(m);
        if (rc)
            fprintf(stderr, "kizuna journal: %s\n", err);
        return rc == KZ_ENOMEM ? EXIT_RUNTIME : rc ? EXIT_INPUT : EXIT_OK;
    }
    if (node && (rc = kz_live_node_check(target, node, NULL, err, sizeof err)))
        return live_bad_node("journal", rc, err);
    /* a directory: the audit table first (--audit: alone), then each node's journal */
    struct kz_audit a;
    bool table = !json && (audit || !node);
    if (kz_journal_audit(target, table ? stdout : NULL, &a, err, sizeof err)) {
        fprintf(stderr, "kizuna journal: %s\n", err);
        return EXIT_INPUT;
    }
    if (audit) {
        if (json && (code = audit_json(&a)))
            return code;
        return a.missing || a.duplicated || a.unknown ? EXIT_INPUT : EXIT_OK;
    }
    if ((rc = show_dir(target, node, &f, json, err, sizeof err))) {
        fprintf(stderr, "kizuna journal: %s\n", err);
        return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
    }
    return EXIT_OK;
}
