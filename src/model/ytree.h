/* ytree.h - a YAML document as a small tree of nodes that remember their line and column. */
#ifndef KZ_YTREE_H
#define KZ_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "kizuna/diag.h"
#include "../util/arena.h"

/*
 * libfyaml 0.7.12 gives positions only for scalars, so kizuna builds its own tree
 * from the parser's events: every node, mapping and sequence alike, then carries
 * the place a diagnostic should point at. Aliases share the anchored node (no copy);
 * the total size they would expand to is bounded (YTREE_MAX_WEIGHT), so a
 * "billion laughs" document is refused rather than walked.
 */
enum ytype { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
    enum ytype type;
    int line, col;       /* 1-based position of the node's first character */
    const char *str;     /* scalar text, NUL-terminated (NULL for containers) */
    size_t len;          /* scalar length in bytes (may contain NUL) */
    bool plain;          /* scalar was unquoted: `~`, `null` and empty mean null */
    struct ynode **kids; /* sequence: n items; mapping: key0, value0, key1, value1 ... */
    size_t n;            /* items in a sequence, pairs in a mapping */
    size_t weight;       /* nodes in the subtree, counting alias expansion */
};

#define YTREE_MAX_DEPTH   64
#define YTREE_MAX_WEIGHT  1000000u
#define YTREE_MAX_ANCHORS 4096
#define YTREE_MAX_BYTES   (16u * 1024u * 1024u)

struct ydoc {
    struct arena arena;
    struct ynode *root; /* NULL when the document is empty */
};

/*
 * Parses buf[0..len) (need not be NUL-terminated) as one YAML document.
 * Problems are added to `d` as [K002] syntax and [K003] limit errors, and
 * duplicate mapping keys as [K007], located in `file`.
 * Returns 0, KZ_EPARSE (the tree is then freed) or KZ_ENOMEM. On success the
 * caller frees the tree with ydoc_free.
 */
int ydoc_parse(const char *file, const char *buf, size_t len, struct ydoc *out, kz_diags *d);
void ydoc_free(struct ydoc *doc);

/* True when a scalar is YAML null: plain `~`, `null`, `Null`, `NULL` or empty. */
bool ynode_is_null(const struct ynode *n);
/* The value for `key` in a mapping, or NULL. */
struct ynode *ymap_get(const struct ynode *map, const char *key);

#endif
