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

/* One event as a JSON object (docs/json.md, "Journal event"); `journal`: its node. */
static json_t *event_json(const char *journal, const struct kz_journal_event *e, bool *ok)
{
    json_t *o = json_object();
    char t[40], id[24];
    if (!o) {
        *ok = false;
        return NULL;
    }
    kz_wall_text(e->wall_ns, t, sizeof t);
    snprintf(id, sizeof id, "%016" PRIx64, e->id);
    kz_json_set(o, "seq", json_integer(e->seq), ok);
    kz_json_set(o, "wall_ns", json_integer(e->wall_ns), ok);
    kz_json_set(o, "wall", json_string(t), ok);
    kz_json_set(o, "sim_s", kz_json_num(e->sim_s), ok);
    kz_json_set(o, "node", kz_json_str(journal ? journal : e->node), ok);
    kz_json_set(o, "what", json_string(e->what), ok);
    kz_json_set(o, "kind", kz_json_str(e->kind), ok);
    kz_json_set(o, "id", kz_json_str(e->id ? id : NULL), ok);
    kz_json_set(o, "peer", kz_json_str(e->peer), ok);
    kz_json_set(o, "net", kz_json_str(e->net), ok);
    kz_json_set(o, "thread", e->thread >= 0 ? json_integer(e->thread) : json_null(), ok);
    kz_json_set(o, "step", e->step >= 0 ? json_integer(e->step) : json_null(), ok);
    kz_json_set(o, "tag", e->tag >= 0 ? json_integer(e->tag) : json_null(), ok);
    kz_json_set(o, "classification", kz_json_str(e->cls), ok);
    kz_json_set(o, "marking", kz_json_str(e->marking), ok);
    kz_json_set(o, "text", kz_json_str(e->text), ok);
    json_t *tr = json_null();
    if (e->track_id) {
        tr = json_object();
        kz_json_set(tr, "id", kz_json_str(e->track_id), ok);
        kz_json_set(tr, "lat", kz_json_num(e->lat), ok);
        kz_json_set(tr, "lon", kz_json_num(e->lon), ok);
        kz_json_set(tr, "alt_m", kz_json_num(e->alt_m), ok);
    }
    kz_json_set(o, "track", tr, ok);
    kz_json_set(o, "message_text", kz_json_str(e->msg_text), ok);
    return o;
}

struct out {
    bool json;
    const char *journal; /* the node whose journal it is */
    json_t *events;      /* journal --json: collected, else each is a JSON line */
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
    if (c->events)
        return ok && !json_array_append_new(c->events, o) ? 0 : KZ_ENOMEM;
    if (!live_json_emit(o, ok, true))
        return KZ_ENOMEM;
    fflush(stdout); /* watch --json: each line as its event comes */
    return 0;
}

/* The events of DIR/NODE.db (or the file `path`) after *seq that pass f: printed, or added
 * to `events` (JSON). */
static int show(const char *path, const char *node, const kz_model *m,
                const struct kz_journal_filter *f, int64_t *seq, bool json, json_t *events,
                char *err, size_t errlen)
{
    struct out c = {json, node, events};
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
    "  --json   one JSON document: {\"node\": NODE, \"waiting\": [{\"key\", \"wall_ns\", \"wall\",\n"
    "           \"what\"}]} (docs/json.md)\n";

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
    kz_wall_text(it->t_ns, t, sizeof t);
    kz_json_set(o, "key", json_integer(it->key), &ok);
    kz_json_set(o, "wall_ns", json_integer(it->t_ns), &ok);
    kz_json_set(o, "wall", json_string(t), &ok);
    kz_json_set(o, "what", kz_json_str(it->what), &ok);
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
        kz_json_set(o, "node", kz_json_str(node), &ok);
        kz_json_set(o, "waiting", c.list, &ok);
        return live_json_emit(o, ok, false) ? EXIT_OK : EXIT_RUNTIME;
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
        if ((rc = show(path, node, m, &f, &seq, json, NULL, err, sizeof err))) {
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
    "  --json       one JSON document (docs/json.md): {\"journal\": DIR, \"events\": [...]},\n"
    "               every selected node's events in time order; with --audit, the counts\n"
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

json_t *live_audit_json(const char *dir, const struct kz_audit *a)
{
    bool ok = true;
    json_t *o = json_object();
    kz_json_set(o, "journal", kz_json_str(dir), &ok);
    kz_json_set(o, "journals", json_integer(a->journals), &ok);
    kz_json_set(o, "sent", json_integer(a->sent), &ok);
    kz_json_set(o, "received", json_integer(a->received), &ok);
    kz_json_set(o, "refused", json_integer(a->refused), &ok);
    kz_json_set(o, "unacked", json_integer(a->unacked), &ok);
    kz_json_set(o, "missing", json_integer(a->missing), &ok);
    kz_json_set(o, "collide", json_integer(a->collide), &ok);
    kz_json_set(o, "duplicated", json_integer(a->duplicated), &ok);
    kz_json_set(o, "unknown", json_integer(a->unknown), &ok);
    kz_json_set(o, "clean", json_boolean(!a->missing && !a->duplicated && !a->unknown), &ok);
    if (!ok)
        json_decref(o);
    return ok ? o : NULL;
}

/* Events of several journals in time order (stable: a journal's own order is kept). */
static int by_wall(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    json_int_t p = json_integer_value(json_object_get(x, "wall_ns")),
               q = json_integer_value(json_object_get(y, "wall_ns"));
    if (p != q)
        return p < q ? -1 : 1;
    return x < y ? -1 : x > y; /* never equal objects: the order they were added in */
}

/* journal --json: {"journal": DIR, "events": [...]}, every node's in time order. */
static int events_json(const char *dir, json_t *events)
{
    size_t n = json_array_size(events);
    json_t **v = malloc((n ? n : 1) * sizeof *v), *sorted = json_array();
    bool ok = v && sorted;
    for (size_t i = 0; ok && i < n; i++)
        v[i] = json_array_get(events, i);
    if (ok)
        qsort(v, n, sizeof *v, by_wall);
    for (size_t i = 0; ok && i < n; i++)
        ok = !json_array_append(sorted, v[i]);
    free(v);
    json_decref(events);
    json_t *o = json_object();
    kz_json_set(o, "journal", kz_json_str(dir), &ok);
    kz_json_set(o, "events", sorted, &ok);
    return live_json_emit(o, ok, false) ? 0 : EXIT_RUNTIME;
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
                    json_t *events, char *err, size_t errlen)
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
        if (!events && !only)
            printf("\n%s:\n", path);
        int64_t seq = 0;
        rc = show(path, nodes[i], m, f, &seq, events != NULL, events, err, errlen);
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
        if ((rc = kz_live_node_check(dir, nd, NULL, err, sizeof err)))
            return live_bad_node("journal", rc, err);
        kz_model *m = model_of(dir, nd);
        int64_t seq = 0;
        json_t *ev = json ? json_array() : NULL;
        rc = json && !ev ? KZ_ENOMEM : show(target, nd, m, &f, &seq, json, ev, err, sizeof err);
        kz_model_free(m);
        if (rc) {
            json_decref(ev);
            fprintf(stderr, "kizuna journal: %s\n", err);
            return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
        }
        return json ? events_json(target, ev) : EXIT_OK;
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
        if (json && !live_json_emit(live_audit_json(target, &a), true, false))
            return EXIT_RUNTIME;
        return a.missing || a.duplicated || a.unknown ? EXIT_INPUT : EXIT_OK;
    }
    json_t *ev = json ? json_array() : NULL;
    if (json && !ev)
        return EXIT_RUNTIME;
    if ((rc = show_dir(target, node, &f, ev, err, sizeof err))) {
        json_decref(ev);
        fprintf(stderr, "kizuna journal: %s\n", err);
        return rc == KZ_ENOMEM ? EXIT_RUNTIME : EXIT_INPUT;
    }
    return json ? events_json(target, ev) : EXIT_OK;
}
