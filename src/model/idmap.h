/* idmap.h - id string to index lookup (open addressing), for resolving references while loading. */
#ifndef KZ_IDMAP_H
#define KZ_IDMAP_H

#include <stddef.h>

struct idmap {
    const char **keys;
    int *vals;
    size_t cap, n;
};

/* Inserts key -> val. Returns 0, 1 when the key exists (*prev gets its index), -1 on ENOMEM.
 * The key string is borrowed and must outlive the map. */
int idmap_put(struct idmap *m, const char *key, int val, int *prev);
/* Returns the index for key, or -1. */
int idmap_get(const struct idmap *m, const char *key);
void idmap_free(struct idmap *m);

#endif
