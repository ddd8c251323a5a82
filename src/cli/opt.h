/* opt.h - the one option parser of every kizuna command: a table per command, one wording. */
#ifndef KZ_CLI_OPT_H
#define KZ_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A command declares its options in a table and calls cli_parse once:
 *
 *     const char *structs[8], *scen = NULL, *file = NULL;
 *     struct cli_strs st = {structs, 0, 8};
 *     long runs = 0;
 *     bool json = false, has_seed = false;
 *     static const char *const whats[] = {"sent", "received", NULL};
 *     const char *what = NULL;
 *     const struct cli_opt opts[] = {
 *         CLI_STRS_OPT("--structure", &st, CLI_REQUIRED),  // repeatable, at most st.max
 *         CLI_STR_OPT("--scenario", &scen, CLI_REQUIRED),
 *         CLI_LONG_OPT("--runs", &runs, 1, 100000000),      // whole number in [1, 1e8]
 *         CLI_FLAG_OPT("--json", &json),
 *         CLI_CHOICE_OPT("--what", &what, whats),           // one of whats[], did-you-mean if not
 *         {.name = "--seed", .kind = CLI_LONG, .dst = &seed, .lo = 0, .hi = LONG_MAX,
 *          .given = &has_seed},                              // .given: true when it was used
 *         {.name = "--out", .alias = "-o", .kind = CLI_STR, .dst = &out},
 *         {0}                                                // the end
 *     };
 *     const struct cli_cmd cmd = {.name = "sim", .help = SIM_HELP, .opts = opts,
 *                                 .pos = &file, .maxpos = 1, .minpos = 1, .posname = "FILE"};
 *     int rc = cli_parse(&cmd, argc, argv);   // argv[0] is the command's name
 *     if (rc != CLI_GO)
 *         return rc;   // EXIT_OK after --help, EXIT_USAGE after a usage error (printed)
 *
 * Syntax: "--name VALUE" or "--name=VALUE"; the value of an option that takes
 * one is the next argument whatever it looks like (so "--lat -33.5" works);
 * "-h"/"--help" anywhere prints cmd.help to stdout; "--" ends the options.
 * Other arguments are positional, collected in order into cmd.pos.
 *
 * Every usage error is one line on stderr, in one wording, and exit status 2:
 *
 *     kizuna sim: unknown option '--run'; did you mean '--runs'? (kizuna sim --help)
 *
 * Errors found after parsing (a value known only once a file is loaded, a
 * combination of options) go through cli_usage, cli_bad_value or cli_choice
 * so that they read the same.
 */

/* cli_parse's result when the command should go on. */
#define CLI_GO (-1)

enum cli_opt_kind {
    CLI_FLAG,   /* bool *dst set to true; takes no value */
    CLI_STR,    /* const char **dst: the value (the last one when repeated) */
    CLI_STRS,   /* struct cli_strs *dst: each use appends; more than max is a usage error */
    CLI_LONG,   /* long *dst: a whole number in [lo, hi] */
    CLI_DOUBLE, /* double *dst: a number in [dlo, dhi] ((dlo, dhi] with CLI_ABOVE_LO) */
    CLI_CHOICE, /* const char **dst: the value, which must be one of choices[] */
    CLI_CALL    /* fn(opt, value, ctx): anything else; value NULL with CLI_NOVALUE */
};

enum cli_opt_flags {
    CLI_REQUIRED = 1 << 0, /* missing is a usage error */
    CLI_ABOVE_LO = 1 << 1, /* CLI_DOUBLE: the value must be greater than dlo, not equal */
    CLI_NOVALUE = 1 << 2   /* CLI_CALL: a flag, fn gets value NULL */
};

/* Repeated string values (CLI_STRS): v[0..n), room for max. */
struct cli_strs {
    const char **v;
    size_t n, max;
};

struct cli_opt;
/* A CLI_CALL handler: 0 to go on, or an exit code (print the error with cli_usage first). */
typedef int (*cli_opt_fn)(const struct cli_opt *o, const char *value, void *ctx);

struct cli_opt {
    const char *name;  /* "--runs"; NULL ends the table */
    const char *alias; /* another spelling ("-o", "-q"), or NULL */
    enum cli_opt_kind kind;
    void *dst;           /* where the value goes (see the kinds); the handler's data for CLI_CALL */
    long lo, hi;         /* CLI_LONG's range */
    double dlo, dhi;     /* CLI_DOUBLE's range */
    const char *const *choices; /* CLI_CHOICE's values, NULL-terminated */
    cli_opt_fn fn;       /* CLI_CALL */
    unsigned flags;      /* enum cli_opt_flags */
    bool *given;         /* if not NULL, set true when the option is used */
    const char *meta;    /* the value's name in messages ("N", "DIR"); optional */
};

#define CLI_FLAG_OPT(n, p) {.name = (n), .kind = CLI_FLAG, .dst = (p)}
#define CLI_STR_OPT(n, p, f) {.name = (n), .kind = CLI_STR, .dst = (p), .flags = (f)}
#define CLI_STRS_OPT(n, p, f) {.name = (n), .kind = CLI_STRS, .dst = (p), .flags = (f)}
#define CLI_LONG_OPT(n, p, l, h) {.name = (n), .kind = CLI_LONG, .dst = (p), .lo = (l), .hi = (h)}
#define CLI_DOUBLE_OPT(n, p, l, h) \
    {.name = (n), .kind = CLI_DOUBLE, .dst = (p), .dlo = (l), .dhi = (h)}
#define CLI_CHOICE_OPT(n, p, c) {.name = (n), .kind = CLI_CHOICE, .dst = (p), .choices = (c)}

struct cli_cmd {
    const char *name;           /* "sim", "pki init": messages read "kizuna sim: ..." */
    const char *help;           /* printed as is to stdout for --help */
    const struct cli_opt *opts; /* ended by an entry whose name is NULL */
    const char **pos;           /* positional arguments, in order; NULL: none allowed */
    size_t *npos;               /* if not NULL, how many there were */
    size_t maxpos, minpos;      /* how many positional arguments the command takes */
    const char *posname;        /* their name in messages ("FILE"); default "argument" */
    void *ctx;                  /* passed to CLI_CALL handlers */
};

/*
 * Parses argv[1..argc) against cmd (argv[0] is the command's name). Returns
 * CLI_GO when the command should go on, EXIT_OK when --help was printed, or
 * EXIT_USAGE after printing the one-line error.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv);

/*
 * Prints "kizuna CMD: MESSAGE (kizuna CMD --help)" to stderr and returns
 * EXIT_USAGE; cmd NULL means the top level ("kizuna: ... (kizuna --help)").
 */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * An unknown value of `opt` (or of a positional argument named so, e.g.
 * "node id"), cands[0..n) the valid ones: prints "kizuna CMD: unknown value
 * 'recieved' for --what; did you mean 'received'? (...)", listing the valid
 * values when there are few, and returns EXIT_USAGE.
 */
int cli_bad_value(const char *cmd, const char *opt, const char *value, const char *const *cands,
                  size_t n);

/* The index of `value` in cands[0..n), or -1 after cli_bad_value. */
int cli_choice(const char *cmd, const char *opt, const char *value, const char *const *cands,
               size_t n);

/*
 * The one number parsers of the command line: the whole of `s` in [lo, hi].
 * On failure they print "kizuna CMD: bad value 'x' for --runs: expected a
 * whole number from 1 to 100000000 (...)" and return false.
 */
bool cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi, long *out);
bool cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi,
                double *out);

#endif
