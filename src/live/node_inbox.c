/* node_inbox.c - the operators' inbox: decide and approve jobs held for kizuna decide. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "node_impl.h"
#include "wallclock.h"
#include "kizuna/util.h"

/* What the inbox says of a decision's approvals: a decision is reached only after answer k
 * of approver k, signed by it and carrying this holder's ticket, for every k in order. */
static void approvals_text(const struct live *L, const struct eng_wire *w, enum action a,
                           char *buf, size_t n)
{
    if (!n || w->auth < 0)
        return;
    const struct authority *au = &L->m->authorities[w->auth];
    if (a != ACT_DECIDE) {
        snprintf(buf, n, "; asked by the holder %s, signature verified",
                 L->m->nodes[au->holder].id);
        return;
    }
    if (w->delegated) {
        snprintf(buf, n, "; handed over by the holder %s (its timer ran out), signature verified",
                 L->m->nodes[au->holder].id);
        return;
    }
    if (!au->approvals.n) {
        snprintf(buf, n, "; no approvals required");
        return;
    }
    size_t k = (size_t)snprintf(buf, n, "; approvals present and verified:");
    for (size_t i = 0; i < au->approvals.n && k < n; i++) {
        int c = snprintf(buf + k, n - k, " %zu. %s", i + 1,
                         L->m->nodes[au->approvals.v[i].idx].id);
        k += c > 0 ? (size_t)c : 0;
    }
    if (!L->auth && k < n)
        snprintf(buf + k, n - k, " (--insecure: not authenticated)");
}

/* The engine's operator hook: a decide or approve job waits in the inbox (kizuna inbox,
 * kizuna decide) until an operator answers; node_cmd.c's decide ends it. */
int nd_hold(void *ctx, uint32_t mi, enum action a, int node)
{
    struct live *L = ctx;
    (void)node;
    if (nd_adopt(L))
        return KZ_ENOMEM;
    int64_t root = mi < L->seen_msgs ? L->msg_root[mi] : L->cur_root;
    struct root *r = root ? nd_root_find(L, root) : NULL;
    /* A key is never given twice while its root lives: each hold of a root takes the next
     * number (an approval and the decision after it at the same node get different keys, and
     * an answer repeated after the first was taken finds nothing). A restart replays the
     * root's work in order, so a held job gets the key it had. */
    uint32_t *n = r ? &r->holds : &L->holds0;
    if (*n >= 255)
        return KZ_ELIMIT; /* 255 operator jobs from one command: the keys would run into the next */
    int64_t key = r ? root * 256 + *n : 1 + *n;
    struct pend *v = kz_grow(L->pend, &L->cappend, L->npend + 1, sizeof *v);
    if (!v)
        return KZ_ENOMEM;
    L->pend = v;
    const struct kz_msg_header *h = eng_msg_header(L->eng, mi);
    int32_t op = eng_msg_op(L->eng, mi);
    struct eng_wire w;
    char what[400];
    if (eng_export(L->eng, mi, &w) == 0 && w.decision >= 0) {
        const struct kz_model *m = L->m;
        int len = snprintf(what, sizeof what, "%s %s%s%s%s%s (thread %d, operation %016" PRIx64 ")",
                           a == ACT_DECIDE ? "decide" : "approve", m->decisions[w.decision].id,
                           w.assets >= 0 ? " for " : "",
                           w.assets >= 0 ? m->nations[w.assets].id : "",
                           w.requester >= 0 ? ", requested by " : "",
                           w.requester >= 0 ? m->nodes[w.requester].id : "", w.h.thread,
                           op >= 0 && (uint32_t)op < L->seen_ops ? L->op_gid[op] : 0);
        size_t used = len < 0 ? 0 : (size_t)len < sizeof what ? (size_t)len : sizeof what;
        approvals_text(L, &w, a, what + used, sizeof what - used);
    } else {
        snprintf(what, sizeof what, "%s %s", a == ACT_DECIDE ? "decide" : "approve",
                 h ? eng_msg_kind_names[h->kind] : "?");
    }
    int rc = jr_pending_add(L->j, key, wall_ns(), what);
    if (rc)
        return rc;
    L->pend[L->npend++] = (struct pend){key, root, mi};
    (*n)++;
    if (r)
        r->jobs++; /* the root stays open while the job waits */
    nd_event(L, "waiting", 0, h, 0, 0, L->me, -1, -1, "%s: kizuna decide --key %" PRId64, what,
             key);
    return 1;
}

