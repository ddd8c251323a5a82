/* arena.h - a bump allocator: many small allocations freed in one call. */
#ifndef KZ_ARENA_H
#define KZ_ARENA_H

#include <stddef.h>

struct arena_chunk;

/* Zero-initialise to start; every allocation lives until arena_free. */
struct arena {
    struct arena_chunk *head;
    size_t used; /* bytes handed out, for limits and tests */
};

/* Returns zeroed memory aligned for any type, or NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t size);
/* Copies n bytes of s and a terminating NUL; NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
/* Moves every allocation of `src` into `dst`; `src` is left empty. */
void arena_adopt(struct arena *dst, struct arena *src);
void arena_free(struct arena *a);

#endif
