/* main.c - the `kizuna` command: dispatches to subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kizuna/util.h"
#include "opt.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"check", cmd_check, "validate structure files (FILE:LINE:COL: error: [Knnn] ...)"},
    {"show", cmd_show, "print a structure: chains of command, links, authorities, networks"},
    {"draw", cmd_draw, "draw a structure as an org chart (SVG or PNG, Graphviz)"},
    {"sim", cmd_sim, "run a crisis scenario over structures, Monte Carlo (table, JSON, report)"},
    {"trace", cmd_trace, "one replication, message by message, every wait explained"},
    {"compare", cmd_compare, "every shipped structure on every shipped scenario, one report"},
    {"node", cmd_node, "run one headquarters live over DDS (journal, enforcement, --auto)"},
    {"send", cmd_send, "queue a track, alert, request or order at a running node"},
    {"watch", cmd_watch, "follow a node's journal live, filtered"},
    {"inbox", cmd_inbox, "decisions waiting for an operator at a node"},
    {"decide", cmd_decide, "approve or deny a decision waiting at a node"},
    {"journal", cmd_journal, "who saw what, when, and what was refused and why"},
    {"exercise", cmd_exercise, "every headquarters a node process; a scenario in accelerated time"},
    {"pki", cmd_pki, "make a CA, node identities and DDS Security documents from a structure"},
    {"validate", cmd_validate, "the model beside observed public events: each case pass or FAIL"},
    {"export", cmd_export, "a structure and a node's tracks as a map: GeoJSON or KML"},
    {"sweep", cmd_sweep, "every assumption over its range: intervals, tornado, PRCC (MPI optional)"},
};

static void usage(FILE *out)
{
    fputs("usage: kizuna COMMAND [ARGS...]\n\n"
          "kizuna holds alliance command structures as checked data and measures how fast\n"
          "they decide in simulated crises.\n\ncommands:\n",
          out);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun 'kizuna COMMAND --help' (or 'kizuna help COMMAND') for a command's options;\n"
          "--json on the commands that report is described in docs/json.md.\n"
          "Exit status: 0 success, 1 invalid input, 2 usage error, 3 runtime failure.\n",
          out);
}

bool cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* "kizuna: unknown command 'smi'; did you mean 'sim'? (kizuna --help)" */
static int unknown_command(const char *name)
{
    const char *names[sizeof commands / sizeof commands[0] + 1];
    size_t n = 0;
    for (; n < sizeof commands / sizeof commands[0]; n++)
        names[n] = commands[n].name;
    names[n++] = "help";
    const char *s = kz_suggest(name, names, n);
    if (s)
        return cli_usage(NULL, "unknown command '%s'; did you mean '%s'?", name, s);
    return cli_usage(NULL, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "help") && argc > 2) { /* kizuna help CMD: kizuna CMD --help */
        char help[] = "--help", *args[] = {argv[2], help, NULL};
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            if (!strcmp(argv[2], commands[i].name))
                return commands[i].fn(2, args);
        return unknown_command(argv[2]);
    }
    if (cli_is_help(argv[1]) || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kizuna %s\n", KZ_VERSION_STRING);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    if (argv[1][0] == '-') {
        static const char *const top[] = {"--help", "--version"};
        const char *s = kz_suggest(argv[1], top, 2);
        if (s)
            return cli_usage(NULL, "unknown option '%s'; did you mean '%s'?", argv[1], s);
        return cli_usage(NULL, "unknown option '%s'; give a command first", argv[1]);
    }
    return unknown_command(argv[1]);
}
