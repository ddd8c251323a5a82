/* node_roots.c - crash-safe work accounting: each command (a root) is handled once all it started ended. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "node_impl.h"

/* ---- roots ----------------------------------------------------------------------------- */

static size_t root_slot(const struct live *L, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9e3779b97f4a7c15u;
    return (size_t)(h >> 20) & (L->cap_roots - 1);
}

struct root *nd_root_find(struct live *L, int64_t id)
{
    for (size_t i = root_slot(L, id);; i = (i + 1) & (L->cap_roots - 1)) {
        if (L->roots[i].id == id)
            return &L->roots[i];
        if (L->roots[i].id == 0)
            return NULL;
    }
}

struct root *nd_root_add(struct live *L, int64_t id)
{
    struct root *r = nd_root_find(L, id);
    if (r)
        return r;
    if ((L->nroots + 1) * 2 > L->cap_roots) {
        size_t cap = L->cap_roots * 2;
        struct root *old = L->roots, *v = calloc(cap, sizeof *v);
        if (!v)
            return NULL;
        size_t oldcap = L->cap_roots;
        L->roots = v;
        L->cap_roots = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].id) {
                size_t k = root_slot(L, old[i].id);
                while (v[k].id)
                    k = (k + 1) & (cap - 1);
                v[k] = old[i];
            }
        free(old);
    }
    size_t i = root_slot(L, id);
    while (L->roots[i].id)
        i = (i + 1) & (L->cap_roots - 1);
    memset(&L->roots[i], 0, sizeof L->roots[i]);
    L->roots[i].id = id;
    L->nroots++;
    return &L->roots[i];
}

/* A root is done when it reached an end (sent, delivered, decided, refused) and no job or
 * timer of its own is left: it is marked handled in the transaction that holds its outputs.
 * It stays in the table (its outputs' numbering goes on) until the engine is idle. */
void nd_root_check(struct live *L, int64_t id)
{
    struct root *r = id ? nd_root_find(L, id) : NULL;
    if (!r || r->handled || !r->terminal || r->jobs > 0)
        return;
    r->handled = true;
    int rc = jr_work_handled(L->j, id);
    if (rc && !L->err)
        L->err = rc;
}

/* New engine messages and operations belong to the root being worked on. */
int nd_adopt(struct live *L)
{
    uint32_t nm = eng_nmsgs(L->eng), no = eng_nops(L->eng);
    /* parallel arrays: the first sets the capacity, the others follow it */
    if (nm > L->cap_msg) {
        size_t c = L->cap_msg;
        int64_t *v = kz_grow(L->msg_root, &c, nm, sizeof *v);
        if (!v)
            return KZ_ENOMEM;
        L->msg_root = v;
        struct msg_auth *a = realloc(L->msg_auth, c * sizeof *a);
        if (!a)
            return KZ_ENOMEM;
        L->msg_auth = a;
        L->cap_msg = c;
    }
    if (no > L->cap_op) {
        size_t c = L->cap_op;
        uint64_t *g = kz_grow(L->op_gid, &c, no, sizeof *g);
        if (!g)
            return KZ_ENOMEM;
        L->op_gid = g;
        int64_t *r = realloc(L->op_root, c * sizeof *r);
        if (!r)
            return KZ_ENOMEM;
        L->op_root = r;
        uint8_t(*t)[32] = realloc(L->op_ticket, c * sizeof *t);
        if (!t)
            return KZ_ENOMEM;
        L->op_ticket = t;
        L->cap_op = c;
    }
    for (uint32_t i = L->seen_msgs; i < nm; i++) {
        L->msg_root[i] = L->cur_root;
        memset(&L->msg_auth[i], 0, sizeof L->msg_auth[i]); /* made here until told otherwise */
    }
    for (uint32_t i = L->seen_ops; i < no; i++) {
        L->op_root[i] = L->cur_root;
        L->op_gid[i] = L->cur_gid;
        memset(L->op_ticket[i], 0, sizeof L->op_ticket[i]);
    }
    L->seen_msgs = nm;
    L->seen_ops = no;
    return 0;
}

int nd_after_call(struct live *L, int rc)
{
    int a = nd_adopt(L);
    if (!rc)
        rc = a;
    if (!rc)
        rc = L->err;
    int64_t root = L->cur_root;
    L->cur_root = 0;
    nd_root_check(L, root);
    return rc ? rc : L->err;
}

