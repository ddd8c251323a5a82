/* model_load_more.c - loading variants, processing profiles, standing authorities, concurrent
 * approvals and automatic relay (docs/structure.md); "FILE@VARIANT". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kizuna/error.h"
#include "kizuna/ports.h"
#include "kizuna/util.h"
#include "model_load.h"

static const char *const prec_names[KZ_PREC_COUNT] = {"flash", "immediate", "priority",
                                                      "routine"};

/* The key node of `key` in a mapping (for a diagnostic at the key), or NULL. */
static const struct ynode *key_of(const struct ynode *map, const char *key)
{
    for (size_t i = 0; map->type == Y_MAP && i < map->n; i++) {
        const struct ynode *k = map->kids[2 * i];
        if (k->type == Y_SCALAR && !strcmp(k->str, key))
            return k;
    }
    return NULL;
}

/* ", it declares: a, b" (or "; it declares no variants") into buf, and a did-you-mean for
 * `word` among the variants into *hint (NULL: none). */
static void variant_list(const struct kz_model *m, const char *word, char *buf, size_t n,
                         const char **hint)
{
    const char *cands[64];
    size_t nc = m->nvariants < 64 ? m->nvariants : 64;
    buf[0] = '\0';
    for (size_t i = 0; i < nc; i++)
        cands[i] = m->variants[i].id;
    *hint = kz_suggest(word, cands, nc);
    if (!m->nvariants) {
        snprintf(buf, n, "; the structure declares no variants");
        return;
    }
    strncat(buf, "; the structure declares: ", n - strlen(buf) - 1);
    for (size_t i = 0; i < m->nvariants && strlen(buf) + 8 < n; i++) {
        if (i)
            strncat(buf, ", ", n - strlen(buf) - 1);
        strncat(buf, m->variants[i].id, n - strlen(buf) - 1);
    }
}

void ld_variants(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"id",    "title", "source", "assumption",
                                       "range", "notes", NULL};
    struct kz_model *m = L->m;
    if (sec && yr_want(&L->r, sec, Y_SEQ, "variants")) {
        if (sec->n > KZ_MAX_ITEMS)
            yr_report(&L->r, sec, 13, "variants has %zu entries; at most %d are supported", sec->n,
                      KZ_MAX_ITEMS);
        else if (sec->n)
            m->variants = yr_lalloc(&L->r, sec->n * sizeof *m->variants);
    }
    for (size_t i = 0; m->variants && i < sec->n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a variant"))
            continue;
        yr_check_keys(&L->r, e, keys, "a variant");
        const char *id = yr_id_of(&L->r, e, "a variant");
        if (!id)
            continue;
        int prev, r = idmap_put(&L->variants, id, (int)m->nvariants, &prev);
        if (r < 0) {
            L->r.err = KZ_ENOMEM;
            return;
        }
        if (r == 1) {
            yr_report(&L->r, ymap_get(e, "id"), 10, "duplicate variant id '%s'", id);
            continue;
        }
        struct variant *x = &m->variants[m->nvariants++];
        x->id = id;
        const struct ynode *t = ymap_get(e, "title");
        x->title = t ? yr_str_of(&L->r, t, "title") : NULL;
        if (!x->title)
            x->title = id;
        yr_meta_of(&L->r, e, &x->meta);
    }
    if (!L->want)
        return;
    m->variant = idmap_get(&L->variants, L->want);
    if (m->variant >= 0)
        return;
    char list[400];
    const char *hint;
    variant_list(m, L->want, list, sizeof list, &hint);
    /* at the variants list, or at the whole file (0:0) when there is none */
    yr_report(&L->r, sec && sec->type == Y_SEQ ? sec : NULL, 36,
              "no variant '%.64s' to select%s%s%s%s", L->want, hint ? " (did you mean '" : "",
              hint ? hint : "", hint ? "'?)" : "", list);
}

/* Reads an only_in / except_in list (or a single id); *hit when it names the selected
 * variant. */
static void variants_in(struct ld *L, const struct ynode *v, const char *what, bool *hit)
{
    *hit = false;
    bool one = v->type == Y_SCALAR && !ynode_is_null(v);
    if (!one && !yr_want(&L->r, v, Y_SEQ, what))
        return;
    size_t n = one ? 1 : v->n;
    for (size_t i = 0; i < n; i++) {
        const struct ynode *k = v->type == Y_SEQ ? v->kids[i] : v;
        const char *s = yr_str_of(&L->r, k, "a variant id");
        if (!s)
            continue;
        int x = idmap_get(&L->variants, s);
        if (x < 0) {
            char list[400];
            const char *hint;
            variant_list(L->m, s, list, sizeof list, &hint);
            yr_report(&L->r, k, 11, "unknown variant '%.64s' in %s%s%s%s%s", s, what,
                      hint ? " (did you mean '" : "", hint ? hint : "", hint ? "'?)" : "", list);
        } else if (x == L->m->variant) {
            *hit = true;
        }
    }
}

bool ld_present(struct ld *L, const struct ynode *e)
{
    if (e->type != Y_MAP)
        return true;
    const struct ynode *only = ymap_get(e, "only_in"), *except = ymap_get(e, "except_in");
    bool in_only = false, in_except = false;
    if (only)
        variants_in(L, only, "only_in", &in_only);
    if (except)
        variants_in(L, except, "except_in", &in_except);
    if (only && except) {
        const struct ynode *a = key_of(e, "only_in"), *b = key_of(e, "except_in");
        const struct ynode *second = a->line > b->line || (a->line == b->line && a->col > b->col) ? a : b;
        yr_report(&L->r, second, 36,
                  "an element takes 'only_in' or 'except_in', not both: say where it is, or "
                  "where it is not");
    }
    return (!only || in_only) && !(except && in_except);
}

/* "decision 'x' at precedence flash" and the like, for the duplicate-profile message. */
static void profile_what(const struct kz_model *m, const struct profile *p, char *buf, size_t n)
{
    if (p->decision >= 0 && p->prec >= 0)
        snprintf(buf, n, "decision '%s' at precedence %s", m->decisions[p->decision].id,
                 prec_names[p->prec]);
    else if (p->decision >= 0)
        snprintf(buf, n, "decision '%s' (any precedence)", m->decisions[p->decision].id);
    else
        snprintf(buf, n, "precedence %s (any decision)", prec_names[p->prec]);
}

/* One profile into *p; false when it has an error (reported). */
static bool profile_of(struct ld *L, const struct ynode *e, struct profile *p)
{
    static const char *const keys[] = {
        "decision", "precedence", "relay",  "review",     "decide", "approve", "order",
        "execute",  "report",     "source", "assumption", "range",  "notes",   "only_in",
        "except_in", NULL};
    memset(p, 0, sizeof *p);
    p->decision = -1;
    p->prec = -1;
    if (!yr_want(&L->r, e, Y_MAP, "a profile"))
        return false;
    yr_check_keys(&L->r, e, keys, "a profile");
    bool ok = true, any = false;
    const struct ynode *dn = ymap_get(e, "decision"), *pn = ymap_get(e, "precedence");
    if (dn) {
        const char *s = yr_str_of(&L->r, dn, "decision");
        p->decision = s ? idmap_get(&L->decisions, s) : -1;
        if (s && p->decision < 0)
            yr_report(&L->r, dn, 11, "unknown decision '%.64s'", s);
        ok = p->decision >= 0;
    }
    if (pn) {
        p->prec = yr_enum_of(&L->r, pn, "precedence", prec_names, KZ_PREC_COUNT);
        ok = p->prec >= 0 && ok;
    }
    if (!dn && !pn) {
        yr_report(&L->r, e, 6, "a profile needs a 'decision', a 'precedence' or both");
        ok = false;
    }
    for (int a = 0; a < ACT_COUNT; a++) {
        const struct ynode *v = ymap_get(e, kz_action_names[a]);
        if (!v)
            continue;
        char what[40];
        snprintf(what, sizeof what, "profiles.%s", kz_action_names[a]);
        any = true;
        if (yr_dist_of(&L->r, v, what, &p->proc[a]))
            p->has = (uint8_t)(p->has | (1u << a));
        else
            ok = false;
    }
    if (!any) {
        yr_report(&L->r, e, 6,
                  "a profile needs at least one action time (relay, review, decide, approve, "
                  "order, execute, report)");
        ok = false;
    }
    yr_meta_of(&L->r, e, &p->meta);
    return ok;
}

void ld_profiles(struct ld *L, const struct ynode *list, struct node *x)
{
    if (!yr_want(&L->r, list, Y_SEQ, "profiles") || !list->n)
        return;
    x->profiles = yr_lalloc(&L->r, list->n * sizeof *x->profiles);
    for (size_t i = 0; x->profiles && i < list->n; i++) {
        const struct ynode *e = list->kids[i];
        struct profile p;
        bool ok = profile_of(L, e, &p);
        if (!ld_present(L, e) || !ok)
            continue;
        const struct profile *dup = NULL;
        for (size_t k = 0; k < x->nprofiles && !dup; k++)
            if (x->profiles[k].decision == p.decision && x->profiles[k].prec == p.prec)
                dup = &x->profiles[k];
        if (dup) {
            char what[160];
            profile_what(L->m, &p, what, sizeof what);
            yr_report(&L->r, e, 33, "node '%s' has a second profile for %s (the first is at line %d)",
                      x->id, what, dup->meta.pos.line);
            continue;
        }
        x->profiles[x->nprofiles++] = p;
    }
}

bool ld_authority_more(struct ld *L, const struct ynode *e, struct authority *x)
{
    static const char *const approve_names[] = {"in-order", "concurrent"};
    static const char *const keys[] = {"instrument", "source", "assumption", "range", "notes", NULL};
    bool ok = true;
    const struct ynode *v;
    if ((v = ymap_get(e, "approve"))) {
        int k = yr_enum_of(&L->r, v, "approve", approve_names, 2);
        x->concurrent = k == 1;
        ok = k >= 0;
    }
    if (!(v = ymap_get(e, "standing")))
        return ok;
    if (!yr_want(&L->r, v, Y_MAP, "standing"))
        return false;
    yr_check_keys(&L->r, v, keys, "standing");
    const struct ynode *in = yr_required(&L->r, v, "instrument", "standing");
    x->instrument = in ? yr_str_of(&L->r, in, "instrument") : NULL;
    ok = x->instrument != NULL && ok;
    x->standing = true;
    yr_meta_of(&L->r, v, &x->standing_meta);
    const char *clash = ymap_get(e, "approvals") ? "approvals"
                        : ymap_get(e, "delegate") ? "delegate"
                        : x->concurrent           ? "approve: concurrent"
                                                  : NULL;
    if (clash) {
        yr_report(&L->r, key_of(e, "standing"), 34,
                  "a standing authority takes no '%s': the decision is in force in advance, "
                  "with no approvals and no delegation",
                  clash);
        ok = false;
    }
    return ok;
}

void ld_network_more(struct ld *L, const struct ynode *e, struct network *x)
{
    static const char *const relay_names[] = {"manual", "automatic"};
    const struct ynode *v = ymap_get(e, "relay");
    int k = v ? yr_enum_of(&L->r, v, "relay", relay_names, 2) : 0;
    x->automatic = k == 1;
    const struct ynode *g = ymap_get(e, "gateway");
    if (!g)
        return; /* automatic without a gateway: KZ_DIST_NONE, a gateway of 0 */
    if (x->automatic)
        yr_dist_of(&L->r, g, "gateway", &x->gateway);
    else if (k == 0)
        yr_report(&L->r, key_of(e, "gateway"), 35,
                  "'gateway' is given but network '%s' does not relay automatically (add "
                  "'relay: automatic')",
                  x->id ? x->id : "?");
}

int kz_model_load_file(const char *path, kz_model **out, kz_diags *d)
{
    *out = NULL;
    /* "PATH@VARIANT", split at the last '@' of the file name, unless that is itself a file */
    const char *at = strrchr(path, '@'), *slash = strrchr(path, '/');
    char *file = NULL;
    const char *want = NULL;
    struct stat st;
    if (at && at[1] && (!slash || at > slash) && stat(path, &st) != 0) {
        file = malloc((size_t)(at - path) + 1);
        if (!file)
            return KZ_ENOMEM;
        memcpy(file, path, (size_t)(at - path));
        file[at - path] = '\0';
        want = at + 1;
    }
    char *buf;
    size_t len;
    int rc = yr_read_file(file ? file : path, KZ_MODEL_MAX_BYTES, &buf, &len, d);
    if (rc == KZ_OK)
        rc = kz__model_load(file ? file : path, buf, len, want, out, d);
    free(buf);
    free(file);
    return rc;
}
