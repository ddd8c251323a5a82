/* tools_impl.h - internal to the journal readers (tools.c, journal_audit.c): names, files. */
#ifndef KZ_TOOLS_IMPL_H
#define KZ_TOOLS_IMPL_H

#include <stddef.h>

struct sqlite3;

/* The structure's ids by index as a journal keeps them (its `names` table). */
struct tl_names {
    char **node, **net;
    int nnode, nnet;
};
void tl_names_free(struct tl_names *n);
/* The name of index i ("#i" in buf when the journal has none). */
const char *tl_nm(char **v, int n, int i, char *buf, size_t len);

/* A journal opened read-only for a report, with its names (zeroed when it has none); NULL
 * with err when it cannot be opened. The caller closes it (sqlite3_close) and frees n. */
struct sqlite3 *tl_open_report(const char *path, struct tl_names *n, char *err, size_t errlen);

/* The file names of DIR's journals (every NODE.db), sorted, malloc'd: 0, KZ_ENOTFOUND (no
 * such directory) or KZ_ENOMEM. Freed with tl_strs_free. */
int tl_journal_files(const char *dir, char ***out, size_t *n);
void tl_strs_free(char **v, size_t n);

/* DIR/NODE.db */
void tl_db_path(char *buf, size_t n, const char *dir, const char *node);

#endif
