/* arena.c - chunked bump allocator used for parsed documents and models. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN 16384u

struct arena_chunk {
    struct arena_chunk *next;
    size_t cap, off;
    alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
    const size_t al = alignof(max_align_t);
    size = (size + al - 1) & ~(al - 1);
    if (size == 0)
        size = al;
    struct arena_chunk *c = a->head;
    if (!c || c->cap - c->off < size) {
        size_t cap = size > CHUNK_MIN ? size : CHUNK_MIN;
        if (cap > SIZE_MAX - sizeof *c)
            return NULL;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->off = 0;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->off;
    c->off += size;
    a->used += size;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

void arena_adopt(struct arena *dst, struct arena *src)
{
    if (!src->head)
        return;
    /* Append src's chunks behind dst's newest one, so dst keeps bumping its own. */
    struct arena_chunk *tail = src->head;
    while (tail->next)
        tail = tail->next;
    if (dst->head) {
        tail->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    dst->used += src->used;
    src->head = NULL;
    src->used = 0;
}

void arena_free(struct arena *a)
{
    struct arena_chunk *c = a->head;
    while (c) {
        struct arena_chunk *n = c->next;
        free(c);
        c = n;
    }
    a->head = NULL;
    a->used = 0;
}
