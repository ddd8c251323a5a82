/* scenario_check.c - a scenario's own references (step ids, an order's decider); file sniffing. */
#include "scenario/scenario_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/scenario.h"
#include "model/yread.h"
#include "model/ytree.h"

#define SNIFF_MAX_BYTES (4u * 1024u * 1024u)

struct chk {
    const struct kz_scenario *s;
    kz_diags *d;
    int err;
};

static void report(struct chk *C, struct pos pos, int code, const char *msg)
{
    if (kz_diags_add(C->d, C->s->file, pos.line, pos.col, KZ_SEV_ERROR, code, "%s", msg))
        C->err = KZ_ENOMEM;
    else if (!C->err)
        C->err = KZ_ECHECK;
}

static bool has_decision(const struct kz_model *m, const char *id)
{
    for (size_t i = 0; i < m->ndecisions; i++)
        if (!strcmp(m->decisions[i].id, id))
            return true;
    return false;
}

/* "; the thread's earlier decide steps take 'a' (line 104), 'b' (line 120)", or "". */
static void earlier_decisions(const struct sthread *t, size_t upto, char *buf, size_t n)
{
    size_t used = 0;
    int k = 0;
    buf[0] = '\0';
    for (size_t j = 0; j < upto && used < n; j++) {
        const struct sstep *st = &t->steps[j];
        if (st->kind != ST_DECIDE || !st->decision.id)
            continue;
        int w = snprintf(buf + used, n - used, "%s'%.64s' (line %d)",
                         k++ ? ", " : "; the thread's earlier decide steps take ", st->decision.id,
                         st->decision.pos.line);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    if (used >= n && n > 4)
        memcpy(buf + n - 4, "...", 4);
}

/* The line of a decide step after step `i` that takes `decision`, or 0. */
static int later_decide(const struct sthread *t, size_t i, const char *decision)
{
    for (size_t j = i + 1; j < t->nsteps; j++)
        if (t->steps[j].kind == ST_DECIDE && t->steps[j].decision.id &&
            !strcmp(t->steps[j].decision.id, decision))
            return t->steps[j].decision.pos.line;
    return 0;
}

static void check_thread(struct chk *C, const struct sthread *t, const struct kz_model *m)
{
    for (size_t i = 0; i < t->nsteps; i++)
        for (size_t j = 0; t->steps[i].id && j < i; j++)
            if (t->steps[j].id && !strcmp(t->steps[i].id, t->steps[j].id)) {
                char msg[200];
                snprintf(msg, sizeof msg, "duplicate step id '%.64s' in thread '%.64s'",
                         t->steps[i].id, t->id ? t->id : "?");
                report(C, t->steps[i].pos, 10, msg);
                break;
            }
    for (size_t i = 0; i < t->nsteps; i++) {
        const struct sstep *st = &t->steps[i];
        if (st->kind != ST_ORDER || st->by.id || !st->decision.id)
            continue;
        bool found = false, unknown = false;
        for (size_t j = 0; j < i; j++) {
            const struct sstep *dj = &t->steps[j];
            if (dj->kind != ST_DECIDE || !dj->decision.id)
                continue;
            found |= !strcmp(dj->decision.id, st->decision.id);
            unknown |= m && !has_decision(m, dj->decision.id);
        }
        /* Bound: an unknown decision on either side has its K040 at the wrong id. */
        if (found || (m && (unknown || !has_decision(m, st->decision.id))))
            continue;
        char also[400], msg[600];
        int later = later_decide(t, i, st->decision.id);
        if (later > 0)
            snprintf(also, sizeof also, "; the decide step that takes it (line %d) comes after it",
                     later);
        else
            earlier_decisions(t, i, also, sizeof also);
        snprintf(msg, sizeof msg,
                 "order '%.64s' has no 'by' and no earlier decide step for that decision%s",
                 st->decision.id, also);
        report(C, st->decision.pos, 41, msg);
    }
}

int sc_check_refs(const struct kz_scenario *s, const struct kz_model *m, kz_diags *d)
{
    struct chk C = {s, d, 0};
    for (size_t i = 0; i < s->nthreads && C.err != KZ_ENOMEM; i++)
        check_thread(&C, &s->threads[i], m);
    return C.err;
}

int kz_scenario_check(const kz_scenario *s, kz_diags *d)
{
    return sc_check_refs(s, NULL, d);
}

/* A line that starts with `kizuna-scenario:` (for a file YAML cannot parse). */
static bool has_key_line(const char *buf, size_t len)
{
    static const char key[] = "kizuna-scenario:";
    const size_t k = sizeof key - 1;
    for (size_t i = 0; i + k <= len; i++)
        if ((i == 0 || buf[i - 1] == '\n') && !memcmp(buf + i, key, k))
            return true;
    return false;
}

int kz_scenario_file_is(const char *path, bool *is_scenario)
{
    *is_scenario = false;
    kz_diags *scratch;
    if (kz_diags_create(&scratch))
        return KZ_ENOMEM;
    char *buf = NULL;
    size_t len = 0;
    int rc = yr_read_file(path, SNIFF_MAX_BYTES, &buf, &len, scratch);
    if (rc)
        goto out; /* unreadable: the loader that follows says why */
    struct ydoc doc;
    rc = ydoc_parse(path, buf, len, &doc, scratch);
    if (rc == KZ_ENOMEM)
        goto out;
    if (rc == 0) {
        *is_scenario = doc.root && doc.root->type == Y_MAP && ymap_get(doc.root, "kizuna-scenario");
        ydoc_free(&doc);
    } else {
        *is_scenario = has_key_line(buf, len);
    }
    rc = 0;
out:
    free(buf);
    kz_diags_destroy(scratch);
    return rc == KZ_ENOMEM ? KZ_ENOMEM : 0;
}
