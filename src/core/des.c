/* des.c - allocation for the event set; the hot operations are inline in des.h. */
#include "core/des.h"

#include "kizuna/util.h"

#include <stdlib.h>

int des_init(struct des *q, size_t cap)
{
    *q = (struct des){0};
    if (cap < 16)
        cap = 16;
    q->h = malloc(cap * sizeof *q->h);
    if (!q->h)
        return -1;
    q->cap = cap;
    return 0;
}

void des_free(struct des *q)
{
    free(q->h);
    *q = (struct des){0};
}

void des_reset(struct des *q)
{
    q->n = 0;
    q->seq = 0;
    q->now = 0;
}

int des_grow(struct des *q)
{
    struct des_ev *h = kz_grow(q->h, &q->cap, q->cap + 1, sizeof *h);
    if (!h)
        return -1;
    q->h = h;
    return 0;
}
