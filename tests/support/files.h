/* files.h - what tests that touch files share: a temporary directory under $TMPDIR, its removal,
 * a whole file read, bounded path formatting, and counting a substring. */
#ifndef KZ_TEST_FILES_H
#define KZ_TEST_FILES_H

#include <stddef.h>

/* Makes a fresh directory $TMPDIR/kz-NAME.XXXXXX (/tmp when TMPDIR is unset or empty) and
 * writes its path to buf. 0, or -1 when it does not fit or mkdtemp fails (errno set); callable
 * from a setup function, which must not fail the test itself. */
int ts_tempdir(char *buf, size_t n, const char *name);
/* Removes dir and everything under it (symbolic links are not followed); 0 or -1. With the
 * environment variable KZ_KEEP set, keeps it and returns 0, so a failed test can be inspected. */
int ts_rmtree(const char *dir);

/* The whole file as a malloc'd NUL-terminated string, its length in *len when len is not NULL;
 * a file that cannot be opened or read fails the test. */
char *ts_slurp(const char *path, size_t *len);
/* snprintf into buf; output that would not fit fails the test. */
void ts_pathf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* How many times needle occurs in hay (overlapping occurrences counted). */
size_t ts_count(const char *hay, const char *needle);

#endif
