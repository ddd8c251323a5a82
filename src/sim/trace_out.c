/* trace_out.c - kizuna trace's text: one line per engine record and director note. */
#include "trace_out.h"

#include <stdarg.h>

#include "kizuna/util.h"

/* ---- trace output ---------------------------------------------------------------- */

static void fmt_t(int64_t us, char *buf, size_t n)
{
    int64_t s = us / 1000000, ms = (us % 1000000) / 1000;
    snprintf(buf, n, "%3lld:%02lld:%02lld.%03lld", (long long)(s / 3600), (long long)(s / 60 % 60),
             (long long)(s % 60), (long long)ms);
}


static const char *nid(const struct trace_out *w, int i)
{
    return i >= 0 && (size_t)i < w->p->m->nnodes ? w->p->m->nodes[i].id : "-";
}

void trout_line(struct trace_out *w, const char *fmt, ...)
{
    char t[32];
    fmt_t(w->q->now, t, sizeof t);
    fprintf(w->f, "%s  ", t);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(w->f, fmt, ap);
    va_end(ap);
    fputc('\n', w->f);
}

static const char *thread_label(const struct trace_out *w, int32_t th)
{
    return th >= 0 && th < w->p->nthreads ? w->p->threads[th].src->id : "background";
}

void trout_rec(void *ctx, const struct trace_rec *r)
{
    struct trace_out *w = ctx;
    const struct kz_model *m = w->p->m;
    const char *act = r->action >= 0 ? kz_action_names[r->action] : "";
    char msg[96] = "", a[32], b[32];
    if (r->hdr)
        snprintf(msg, sizeof msg, "#%u %s %s", (unsigned)r->msg, thread_label(w, r->hdr->thread),
                 eng_msg_kind_names[r->hdr->kind]);
    switch (r->what) {
    case TR_CREATE:
        trout_line(w, "%-28s created at %s%s%s", msg, nid(w, r->node), r->peer >= 0 ? " for " : "",
                r->peer >= 0 ? nid(w, r->peer) : "");
        break;
    case TR_QUEUE:
        break; /* TR_START says how long it queued */
    case TR_START:
        kz_fmt_dur(r->dur_s, KZ_DUR_TABLE, b, sizeof b);
        if (r->wait_s > 0) {
            kz_fmt_dur(r->wait_s, KZ_DUR_TABLE, a, sizeof a);
            trout_line(w, "%-28s %s starts %s (%s), after waiting %s in queue", msg, nid(w, r->node),
                    act, b, a);
        } else {
            trout_line(w, "%-28s %s starts %s (%s)%s", msg, nid(w, r->node), act, b,
                    r->action == ACT_REVIEW ? " - foreign-disclosure review" : "");
        }
        break;
    case TR_RECALL:
        kz_fmt_dur(r->dur_s, KZ_DUR_TABLE, b, sizeof b);
        trout_line(w, "%-28s %s off-hours: recalling the principal to %s (%s)", msg, nid(w, r->node),
                act, b);
        break;
    case TR_DONE:
        break;
    case TR_SEND:
        trout_line(w, "%-28s %s -> %s over %s", msg, nid(w, r->node), nid(w, r->peer),
                m->networks[r->network].id);
        break;
    case TR_ARRIVE:
        trout_line(w, "%-28s arrives at %s", msg, nid(w, r->node));
        break;
    case TR_BLOCKED:
        trout_line(w, "%-28s %s has no route now (outage): waits for the link", msg, nid(w, r->node));
        break;
    case TR_UNBLOCKED:
        kz_fmt_dur(r->wait_s, KZ_DUR_TABLE, a, sizeof a);
        trout_line(w, "%-28s %s route open again after %s (link wait)", msg, nid(w, r->node), a);
        break;
    case TR_REFUSED:
        trout_line(w, "%-28s %s -> %s refused: %s", msg, nid(w, r->node), nid(w, r->peer), r->text);
        break;
    case TR_DELEGATE:
        trout_line(w, "%-28s %s takes the decision from %s: %s", "delegation", nid(w, r->node),
                nid(w, r->peer), r->text);
        break;
    case TR_DECIDED:
        trout_line(w, "%-28s %s decided%s%s", msg, nid(w, r->node), r->text ? " " : "",
                r->text ? r->text : "");
        break;
    case TR_EXECUTED:
        trout_line(w, "%-28s %s executed the order", msg, nid(w, r->node));
        break;
    case TR_GATEWAY:
        kz_fmt_dur(r->dur_s, KZ_DUR_TABLE, b, sizeof b);
        trout_line(w, "%-28s %s relays it on by machine (gateway %s)", msg, nid(w, r->node), b);
        break;
    case TR_CANCELLED:
        trout_line(w, "%-28s %s stops %s: %s", msg, nid(w, r->node), act, r->text);
        break;
    }
}

