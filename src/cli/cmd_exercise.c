/* cmd_exercise.c - `kizuna exercise`: a scenario live over DDS, beside the simulator's answer. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kizuna/live.h"

static const char help[] =
    "usage: kizuna exercise --structure FILE --scenario FILE [--speed X] [--journal DIR]\n"
    "                       [--runs N] [--seed S] [--domain N] [--secure PKI | --insecure]\n"
    "                       [--timeout SECONDS] [--quiet]\n\n"
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
    "  --timeout S    stop after S wall seconds of scenario (default: the horizon)\n";

int cmd_exercise(int argc, char **argv)
{
    const char *structure = NULL, *scenario = NULL, *dir = NULL;
    struct kz_exercise_options o = {0};
    o.speed = 60;
    o.seed = 1;
    o.progress = stdout;
    double runs = 1000, d;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (cli_is_help(a)) {
            fputs(help, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "--quiet")) {
            o.progress = NULL;
            continue;
        } else if (!strcmp(a, "--insecure")) {
            o.insecure = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "kizuna exercise: %s needs a value\n", a);
            return EXIT_USAGE;
        }
        i++;
        if (!strcmp(a, "--structure")) {
            structure = v;
        } else if (!strcmp(a, "--scenario")) {
            scenario = v;
        } else if (!strcmp(a, "--journal")) {
            dir = v;
        } else if (!strcmp(a, "--secure")) {
            o.secure_dir = v;
        } else if (!strcmp(a, "--speed") && cli_number(v, &o.speed) && o.speed > 0 && o.speed <= 1e5) {
        } else if (!strcmp(a, "--runs") && cli_number(v, &runs) && runs >= 1 && runs <= 1e7) {
        } else if (!strcmp(a, "--seed") && cli_number(v, &d) && d >= 0) {
            o.seed = (uint64_t)d;
        } else if (!strcmp(a, "--domain") && cli_number(v, &d) && d >= 0 && d <= 230 && d == (int)d) {
            o.domain = (uint32_t)d;
        } else if (!strcmp(a, "--timeout") && cli_number(v, &o.timeout_s) && o.timeout_s > 0) {
        } else {
            fprintf(stderr, "kizuna exercise: bad argument %s %s (see --help)\n", a, v);
            return EXIT_USAGE;
        }
    }
    if (!structure || !scenario) {
        fprintf(stderr, "kizuna exercise: --structure and --scenario are required\n");
        return EXIT_USAGE;
    }
    if (o.insecure && o.secure_dir) {
        fprintf(stderr, "kizuna exercise: --secure and --insecure exclude each other\n");
        return EXIT_USAGE;
    }
    if (o.insecure)
        fprintf(stderr,
                "kizuna exercise: WARNING: --insecure: every node runs --insecure --force.\n"
                "  Nothing the nodes send or receive is authenticated or encrypted, whatever\n"
                "  the classification of their networks: any process that reaches the DDS\n"
                "  domain can read everything and write as any headquarters. Lab use only.\n");
    int code;
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
    so.runs = (long)runs;
    so.seed = o.seed;
    so.has_seed = true;
    kz_sim_result *sim = NULL;
    rc = kz_sim_run(m, s, &so, &sim, err, sizeof err);
    if (rc) {
        fprintf(stderr, "kizuna exercise: simulation: %s\n", err);
        kz_exercise_result_free(live);
        kz_scenario_free(s);
        kz_model_free(m);
        return EXIT_RUNTIME;
    }
    printf("\nexercise %s on %s: %d node processes, speed %gx, %.1f s of scenario in %.1f s "
           "(start-up %.1f s)\n",
           kz_scenario_name(s), kz_model_name(m), live->nnodes, o.speed, live->scenario_s,
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
        char a[32], b[32], c[32], e[32], f[32];
        if (lt->took_s >= 0)
            cli_fmt_s(lt->took_s, a, sizeof a);
        else
            snprintf(a, sizeof a, "n/c");
        cli_fmt_s(lt->deadline_s, b, sizeof b);
        cli_fmt_s(st->p50_s, c, sizeof c);
        cli_fmt_s(st->p90_s, e, sizeof e);
        cli_fmt_s(st->p99_s, f, sizeof f);
        /* where the live time falls in the simulated distribution */
        char pct[16] = "-";
        if (lt->took_s >= 0) {
            static double xs[1024], fr[1024];
            size_t k = kz_sim_result_cdf(sim, (size_t)t, xs, fr, 1024);
            double q = 1.0;
            for (size_t i = 0; i < k; i++)
                if (xs[i] >= lt->took_s) {
                    q = fr[i];
                    break;
                }
            snprintf(pct, sizeof pct, "%.0f%%", q * 100);
        }
        printf("%-24s %10s %9s %5s   %10s %10s %10s %8.1f%% %9s\n", lt->name, a, b,
               lt->met ? "yes" : "no", c, e, f, st->deadline_met * 100, pct);
        if (lt->why)
            printf("%-24s stopped: %s\n", "", lt->why);
    }
    printf("\nlive: one replication in real time x %g over DDS; sim: %ld replications. "
           "`live pct` is where the live time falls in the simulated distribution.\n",
           o.speed, so.runs);
    kz_sim_result_free(sim);
    kz_exercise_result_free(live);
    kz_scenario_free(s);
    kz_model_free(m);
    return EXIT_OK;
}
