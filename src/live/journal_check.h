/* journal_check.h - a journal that protects itself: permissions, integrity checks, the commit
 * sidecar, and the repair path (journal_check.c). */
#ifndef KZ_JOURNAL_CHECK_H
#define KZ_JOURNAL_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sqlite3;

/* The SQLite header's application id ("KZJR") and user_version of the journals this code
 * writes: a file without them is not a kizuna journal of this format, and is never touched. */
#define JC_APP_ID 1264208466 /* 0x4b5a4a52, "KZJR" */
#define JC_FORMAT 2

/* The tables every journal has from its creation on (a missing one means lost history). */
extern const char *const jc_tables[];
/* The indexes, recreated when missing (they hold nothing that the tables do not). */
extern const char jc_indexes[];

/* What is wrong with a journal (jc_inspect); bits of jc_report.damage. */
enum jc_damage {
    JC_EMPTY = 1,     /* the file is 0 bytes */
    JC_TRUNCATED = 2, /* shorter than its header says */
    JC_TABLES = 4,    /* tables missing (dropped) */
    JC_CORRUPT = 8,   /* PRAGMA quick_check failed */
    JC_LOST = 16,     /* the sidecar counts more commits than the database holds */
    JC_SEQ = 32       /* the sidecar is garbled */
};
struct jc_report {
    unsigned damage;
    int64_t commits; /* the database's commit counter, -1 when unreadable */
    int64_t seq;     /* the sidecar's, -1 when it has none */
    char what[2048]; /* one line per problem (no trailing newline), for people */
};

/*
 * For the node: the journal's folder (created 0700, or an existing one tightened to 0700
 * when this user owns it, else refused), its files (db, -wal, -shm, .seq) 0600, the sidecar
 * opened and locked (jc_seq_open), and, when `path` does not exist, a new journal made
 * atomically (a temporary file renamed into place, so an existing NODE.db always has its
 * tables) with its sidecar reset. *fresh tells whether it was made now.
 */
int jc_prepare(const char *path, int *seq_fd, int64_t *seq, bool *fresh, char *err, size_t errlen);

/* The sidecar DIR/NODE.db.seq: opened (created 0600) and locked for this process (a second
 * node on the same journal, or a repair under a running node, is refused with KZ_ECHECK),
 * its count read into *seq (-1: empty; -2: garbled). */
int jc_seq_open(const char *path, int *fd, int64_t *seq, char *err, size_t errlen);
/* Records `n` commits in the sidecar: one pwrite, no fsync (called after every commit). */
void jc_seq_write(int fd, int64_t n);

/*
 * Checks a journal without changing it. Returns KZ_ENOTFOUND when it does not exist,
 * KZ_ECHECK when it is not a kizuna journal of this format (err says why: such a file is
 * never repaired), or 0 with *r filled (r->damage 0: healthy). `full` runs PRAGMA
 * quick_check (reads the whole file); `seq` is the sidecar's count (-1: none, -2: garbled).
 */
int jc_inspect(const char *path, int64_t seq, bool full, struct jc_report *r, char *err,
               size_t errlen);
/* The checks a reader (kizuna send, journal, the exercise director) makes on an open
 * connection: the header, the format and the tables; 0 or KZ_ECHECK with err. */
int jc_reader_ok(const char *path, struct sqlite3 *db, char *err, size_t errlen);

/* The refusal at node start for damage r: the problems and the repair command. */
void jc_refusal(const char *path, const struct jc_report *r, char *err, size_t errlen);

/*
 * Repairs a journal that jc_inspect found damaged, accepting the loss: the files are kept
 * as NODE.db.damaged-TIME (and -wal), whatever can be read is copied into a new journal,
 * roots jump ahead so no id the lost transactions used is used again, a `repaired` event
 * says what was lost, and the sidecar is reset. `done` says what was done. Refuses (with
 * err) a file that is not a kizuna journal and a journal a running node holds.
 */
int jc_repair(const char *path, char *done, size_t donelen, char *err, size_t errlen);

#endif
