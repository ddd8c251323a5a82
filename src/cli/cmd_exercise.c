/* cmd_exercise.c - `kizuna exercise`: a scenario live over DDS, beside the simulator's answer. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/live.h"
#include "kizuna/util.h"
#include "live_cli.h"
#include "opt.h"

static const char help[] =
    "usage: kizuna exercise --structure FILE --scenario FILE [--speed X] [--journal DIR]\n"
    "                       [--runs N] [--seed S] [--domain N] [--secure PKI | --insecure]\n"
    "                       [--timeout SECONDS] [--quiet] [--json]\n\n"
    "Starts one `kizuna node --auto` process per headquarters of the structure on this\n"
    "machine, plays the scenario in real time x X (default 60) as the exercise director,\n"
    "and prints each thread's live time beside the simulator's distribution for the same\n"
    "structure and scenario (N replications, default 1000). The nodes' journals stay in\n"
    "DIR (default kizuna-exercise/SCENARIO-STRUCTURE); `kizuna journal DIR` reads them.\n"
    "The nodes run secure: by default the exercise makes a PKI for the run in DIR/pki\n"
    "(kizuna pki init; remade each run) and starts every node with --secure DIR/pki;\n"
    "the scenario begins once every pair of nodes has had time to authenticate (about\n"
    "45 s for 40 nodes, a few seconds for a handful).\n"
    "  --secure PKI   use this PKI instead (kizuna pki init --structure FILE --out PKI)\n"
    "  --insecure     lab only: the nodes run --insecure --force, with no authentication\n"
    "                 at all, whatever the networks' classification\n"
    "  --timeout S    stop after S wall seconds of scenario (default: the horizon)\n"
    "  --json         the results as one JSON document (docs/json.md, \"exercise\"); the\n"
    "                 progress lines then go to stderr\n";

/* exercise --json: the exercise document of docs/json.md. */
static int result_json(const kz_model *m, const kz_scenario *s, double speed, const char *dir,
                       const struct kz_exercise_result *live, const kz_sim_result *sim)
{
    bool ok = true;
    json_t *o = json_object(), *th = json_array();
    kz_json_set(o, "structure", kz_json_str(kz_model_name(m)), &ok);
    kz_json_set(o, "scenario", kz_json_str(kz_scenario_name(s)), &ok);
    kz_json_set(o, "speed", kz_json_num(speed), &ok);
    kz_json_set(o, "nodes", json_integer(live->nnodes), &ok);
    kz_json_set(o, "commands", json_integer(live->commands), &ok);
    kz_json_set(o, "wall_s", kz_json_num(live->wall_s), &ok);
    kz_json_set(o, "scenario_s", kz_json_num(live->scenario_s), &ok);
    kz_json_set(o, "startup_s", kz_json_num(live->startup_s), &ok);
    for (int t = 0; ok && t < live->nthreads; t++) {
        const struct kz_exercise_thread *lt = &live->threads[t];
        const struct kz_thread_stats *st = kz_sim_result_thread(sim, (size_t)t);
        json_t *x = json_object(), *sm = json_object();
        bool done = lt->took_s >= 0;
        kz_json_set(x, "name", kz_json_str(lt->name), &ok);
        kz_json_set(x, "took_s", done ? kz_json_num(lt->took_s) : json_null(), &ok);
        kz_json_set(x, "deadline_s", kz_json_num(lt->deadline_s), &ok);
        kz_json_set(x, "met", json_boolean(lt->met), &ok);
        kz_json_set(x, "stopped_step",
                      lt->stopped_step >= 0 ? json_integer(lt->stopped_step) : json_null(), &ok);
        kz_json_set(x, "why", kz_json_str(lt->why), &ok);
        kz_json_set(x, "legal_s", kz_json_num(lt->legal_s), &ok);
        kz_json_set(x, "legal_node", kz_json_str(lt->legal_node), &ok);
        kz_json_set(sm, "p50_s", kz_json_num(st->p50_s), &ok);
        kz_json_set(sm, "p90_s", kz_json_num(st->p90_s), &ok);
        kz_json_set(sm, "p99_s", kz_json_num(st->p99_s), &ok);
        kz_json_set(sm, "deadline_met", kz_json_num(st->deadline_met), &ok);
        kz_json_set(x, "sim", sm, &ok);
        kz_json_set(x, "percentile",
                      kz_json_num(kz_live_percentile(sim, (size_t)t, lt->took_s)), &ok);
        ok = ok && !json_array_append_new(th, x);
    }
    kz_json_set(o, "threads", th, &ok);
    kz_json_set(o, "audit", live_audit_json(dir, &live->audit), &ok);
    return live_json_emit(o, ok, false) ? EXIT_OK : EXIT_RUNTIME;
}

static void result_text(const kz_model *m, const kz_scenario *s, double speed, long runs,
                        const char *dir, const struct kz_exercise_result *live,
                        const kz_sim_result *sim)
{
    printf("\nexercise %s on %s: %d node processes, speed %gx, %.1f s of scenario in %.1f s "
           "(start-up %.1f s)\n",
           kz_scenario_name(s), kz_model_name(m), live->nnodes, speed, live->scenario_s,
           live->wall_s, live->startup_s);
    printf("journals %s: %lld samples sent, %lld received, %lld missing, %lld duplicated, "
           "%lld unacknowledged, %lld refused\n\n",
           dir, (long long)live->audit.sent, (long long)live->audit.received,
           (long long)live->audit.missing, (long long)live->audit.duplicated,
           (long long)live->audit.unacked, (long long)live->audit.refused);
    printf("%-24s %10s %9s %5s   %10s %10s %10s %9s %9s\n", "thread", "live", "deadline", "met",
           "sim p50", "sim p90", "sim p99", "sim met", "live pct");
    for (int t = 0; t < live->nthreads; t++) {
        const struct kz_exercise_thread *lt = &live->threads[t];
        const struct kz_thread_stats *st = kz_sim_result_thread(sim, (size_t)t);
        char a[32], b[32], c[32], e[32], f[32], pct[16] = "-";
        if (lt->took_s >= 0)
            kz_fmt_dur(lt->took_s, KZ_DUR_TABLE, a, sizeof a);
        else
            snprintf(a, sizeof a, "n/c");
        kz_fmt_dur(lt->deadline_s, KZ_DUR_TABLE, b, sizeof b);
        kz_fmt_dur(st->p50_s, KZ_DUR_TABLE, c, sizeof c);
        kz_fmt_dur(st->p90_s, KZ_DUR_TABLE, e, sizeof e);
        kz_fmt_dur(st->p99_s, KZ_DUR_TABLE, f, sizeof f);
        double q = kz_live_percentile(sim, (size_t)t, lt->took_s);
        if (q == q)
            snprintf(pct, sizeof pct, "%.0f%%", q * 100);
        printf("%-24s %10s %9s %5s   %10s %10s %10s %8.1f%% %9s\n", lt->name, a, b,
               lt->met ? "yes" : "no", c, e, f, st->deadline_met * 100, pct);
        if (lt->why)
            printf("%-24s stopped: %s\n", "", lt->why);
    }
    printf("\nlive: one replication in real time x %g over DDS; sim: %ld replications. "
           "`live pct` is where the live time falls in the simulated distribution.\n",
           speed, runs);
}

int cmd_exercise(int argc, char **argv)
{
    const char *structure = NULL, *scenario = NULL, *dir = NULL;
    struct kz_exercise_options o = {0};
    o.speed = 60;
    bool quiet = false, json = false;
    long runs = 1000, seed = 1, domain = 0;
    const struct cli_opt opts[] = {
        CLI_STR_OPT("--structure", &structure, CLI_REQUIRED),
        CLI_STR_OPT("--scenario", &scenario, CLI_REQUIRED),
        CLI_STR_OPT("--journal", &dir, 0),
        CLI_STR_OPT("--secure", &o.secure_dir, 0),
        CLI_FLAG_OPT("--insecure", &o.insecure),
        {.name = "--speed", .kind = CLI_DOUBLE, .dst = &o.speed, .dlo = 0, .dhi = 1e5,
         .flags = CLI_ABOVE_LO},
        CLI_LONG_OPT("--runs", &runs, 1, 10000000),
        CLI_LONG_OPT("--seed", &seed, 0, LONG_MAX),
        CLI_LONG_OPT("--domain", &domain, 0, 230),
        {.name = "--timeout", .kind = CLI_DOUBLE, .dst = &o.timeout_s, .dlo = 0, .dhi = 1e9,
         .flags = CLI_ABOVE_LO},
        CLI_FLAG_OPT("--quiet", &quiet),
        CLI_FLAG_OPT("--json", &json),
        {0}};
    const struct cli_cmd cmd = {.name = "exercise", .help = help, .opts = opts};
    int code = cli_parse(&cmd, argc, argv);
    if (code != CLI_GO)
        return code;
    o.seed = (uint64_t)seed;
    o.domain = (uint32_t)domain;
    o.progress = quiet ? NULL : json ? stderr : stdout;
    if (o.insecure && o.secure_dir)
        return cli_usage("exercise", "--secure and --insecure exclude each other");
    if (o.insecure)
        fprintf(stderr,
                "kizuna exercise: WARNING: --insecure: every node runs --insecure --force.\n"
                "  Nothing the nodes send or receive is authenticated or encrypted, whatever\n"
                "  the classification of their networks: any process that reaches the DDS\n"
                "  domain can read everything and write as any headquarters. Lab use only.\n");
    kz_model *m = cli_load_checked(structure, true, &code);
    if (!m)
        return code;
    kz_scenario *s = cli_load_scenario(scenario, &code);
    if (!s) {
        kz_model_free(m);
        return code;
    }
    if (!cli_fits(s, m, &code)) {
        kz_scenario_free(s);
        kz_model_free(m);
        return code;
    }
    char dbuf[1024];
    if (!dir) {
        snprintf(dbuf, sizeof dbuf, "kizuna-exercise/%s-%s", kz_scenario_name(s),
                 kz_model_name(m));
        mkdir("kizuna-exercise", 0755); /* the journal directory is made below it */
        dir = dbuf;
    }
    o.journal_dir = dir;
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fprintf(stderr, "kizuna exercise: cannot find the kizuna binary\n");
        kz_scenario_free(s);
        kz_model_free(m);
        return EXIT_RUNTIME;
    }
    exe[n] = '\0';
    o.node_exe = exe;

    char err[1024] = "";
    struct kz_exercise_result *live = NULL;
    int rc = kz_exercise_run(m, structure, s, &o, &live, err, sizeof err);
    if (rc) {
        fprintf(stderr, "kizuna exercise: %s\n", err[0] ? err : kz_strerror(rc));
        kz_scenario_free(s);
        kz_model_free(m);
        return rc == KZ_ENOTFOUND ? EXIT_INPUT : EXIT_RUNTIME; /* e.g. --secure: no such PKI */
    }
    struct kz_sim_options so = {0};
    so.runs = runs;
    so.seed = o.seed;
    so.has_seed = true;
    kz_sim_result *sim = NULL;
    rc = kz_sim_run(m, s, &so, &sim, err, sizeof err);
    if (rc) {
        fprintf(stderr, "kizuna exercise: simulation: %s\n", err);
        code = EXIT_RUNTIME;
    } else if (json) {
        code = result_json(m, s, o.speed, dir, live, sim);
    } else {
        result_text(m, s, o.speed, so.runs, dir, live, sim);
        code = EXIT_OK;
    }
    kz_sim_result_free(sim);
    kz_exercise_result_free(live);
    kz_scenario_free(s);
    kz_model_free(m);
    return code;
}
