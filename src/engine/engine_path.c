/* engine_path.c - critical-path records and the nodes' own random streams. */
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "kizuna/error.h"

const char *const kz_cause_names[KZ_CAUSE_COUNT] = {
    "processing", "queue", "off-hours", "review", "link", "legal", "propagation", "delegation",
    "external"};

int engi_seg_grow(struct engine *e)
{
    if (e->nsegs >= (uint32_t)INT32_MAX)
        return KZ_ENOMEM;
    return engi_grow((void **)&e->segs, &e->capsegs, sizeof *e->segs, e->nsegs + 1);
}

int32_t eng_done_path(const struct engine *e) { return e->done_seg; }

void eng_record_paths(struct engine *e, bool on) { e->paths = on; }

void eng_path_sum(const struct engine *e, int32_t path, int64_t *cause_us, int64_t *node_us)
{
    int node, cause;
    int64_t us;
    while (eng_path_next(e, &path, &node, &cause, &us)) {
        cause_us[cause] += us;
        if (node_us && node >= 0)
            node_us[(size_t)node * KZ_CAUSE_COUNT + (size_t)cause] += us;
    }
}

bool eng_path_next(const struct engine *e, int32_t *path, int *node, int *cause, int64_t *us)
{
    if (*path < 0 || (uint32_t)*path >= e->nsegs)
        return false;
    const struct seg *s = &e->segs[*path];
    *node = s->node;
    *cause = s->cause;
    *us = s->us;
    *path = s->prev < *path ? s->prev : -1; /* a lineage only points back */
    return true;
}

/* FNV-1a: a stream key from an id, so a node keeps its stream from one structure to the next. */
static uint64_t key_of(const char *prefix, const char *id)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const char *p = prefix; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    for (const char *p = id; p && *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    return h;
}

int engi_streams_create(struct engine *e)
{
    const struct kz_model *m = e->m;
    size_t n = m->nnodes ? m->nnodes : 1, k = m->nnetworks ? m->nnetworks : 1;
    e->nrng = calloc(n, sizeof *e->nrng);
    e->netrng = calloc(k, sizeof *e->netrng);
    e->node_key = calloc(n, sizeof *e->node_key);
    e->net_key = calloc(k, sizeof *e->net_key);
    if (!e->nrng || !e->netrng || !e->node_key || !e->net_key)
        return KZ_ENOMEM;
    for (size_t i = 0; i < m->nnodes; i++)
        e->node_key[i] = key_of("node:", m->nodes[i].id);
    for (size_t i = 0; i < m->nnetworks; i++)
        e->net_key[i] = key_of("network:", m->networks[i].id);
    e->done_seg = -1;
    return 0;
}

void engi_streams_free(struct engine *e)
{
    free(e->nrng);
    free(e->netrng);
    free(e->node_key);
    free(e->net_key);
    free(e->segs);
}

void eng_seed(struct engine *e, uint64_t seed, uint64_t run)
{
    for (size_t i = 0; i < e->m->nnodes; i++)
        rng_seed(&e->nrng[i], seed ^ e->node_key[i], run);
    for (size_t i = 0; i < e->m->nnetworks; i++)
        rng_seed(&e->netrng[i], seed ^ e->net_key[i], run);
}

struct rng *eng_net_rng(struct engine *e, int net) { return &e->netrng[net]; }
