/* command.c - operators' and the exercise director's commands to a node (YAML or JSON). */
#include "command.h"

#include <string.h>

#include "cot.h"
#include "kizuna/error.h"
#include "kizuna/live.h"
#include "model/yread.h"

static const char *const kinds[] = {"share",  "request", "order", "phase",
                                    "outage", "decide",  "stop",  "load"};
static const char *const share_kinds[] = {"track", "alert", "report"};
static const char *const precs[] = {"flash", "immediate", "priority", "routine"};
static const char *const outage_kinds[] = {"node", "network", "link", "cut"};
static const char *const answers[] = {"deny", "approve"};

/* cot.h's cot_category_names and cot_affil_names, index for index (test cot_gw_unit holds them
 * to it): a copy, because the journal's tests build the command code without the CoT codec. */
const char *const kz_live_categories[] = {"unknown",  "air",    "missile", "maritime",
                                          "subsurface", "ground", NULL};
const char *const kz_live_affiliations[] = {"unknown", "pending", "assumed-friend", "friend",
                                            "neutral", "suspect", "hostile",        NULL};
_Static_assert(sizeof kz_live_categories / sizeof *kz_live_categories == COT_CAT_COUNT + 1,
               "one name per category");
_Static_assert(sizeof kz_live_affiliations / sizeof *kz_live_affiliations == COT_AFF_COUNT + 1,
               "one name per affiliation");

static int find_id(struct yread *L, const struct ynode *n, const char *what, size_t count,
                   const char *(*id)(const struct kz_model *, size_t), const struct kz_model *m)
{
    const char *s = yr_str_of(L, n, what);
    if (!s)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (!strcmp(id(m, i), s))
            return (int)i;
    yr_report(L, n, 40, "%s '%s' is not in structure '%s'", what, s, m->name);
    return -1;
}

static const char *node_id(const struct kz_model *m, size_t i) { return m->nodes[i].id; }
static const char *nation_id(const struct kz_model *m, size_t i) { return m->nations[i].id; }
static const char *decision_id(const struct kz_model *m, size_t i) { return m->decisions[i].id; }
static const char *phase_id(const struct kz_model *m, size_t i) { return m->phases[i].id; }
static const char *network_id(const struct kz_model *m, size_t i) { return m->networks[i].id; }

/* A list of ids (a sequence, or one scalar) into v[0..max). */
static int id_list(struct yread *L, const struct ynode *n, const char *what, size_t count,
                   const char *(*id)(const struct kz_model *, size_t), const struct kz_model *m,
                   int *v, int max)
{
    if (n->type == Y_SCALAR) {
        v[0] = find_id(L, n, what, count, id, m);
        return v[0] < 0 ? -1 : 1;
    }
    if (!yr_want(L, n, Y_SEQ, what))
        return -1;
    if (n->n > (size_t)max) {
        yr_report(L, n, 13, "%s: at most %d", what, max);
        return -1;
    }
    int k = 0;
    for (size_t i = 0; i < n->n; i++) {
        int x = find_id(L, n->kids[i], what, count, id, m);
        if (x < 0)
            return -1;
        v[k++] = x;
    }
    return k;
}

static uint64_t mask_of(struct yread *L, const struct ynode *n, const struct kz_model *m,
                        bool *ok)
{
    int v[64];
    int k = id_list(L, n, "nation", m->nnations, nation_id, m, v, 64);
    if (k < 0) {
        *ok = false;
        return 0;
    }
    uint64_t mask = 0;
    for (int i = 0; i < k; i++)
        mask |= (uint64_t)1 << v[i];
    return mask;
}

static void copy_text(struct yread *L, const struct ynode *n, const char *what, char *dst,
                      size_t cap)
{
    const char *s = yr_str_of(L, n, what);
    if (!s)
        return;
    if (strlen(s) >= cap) {
        yr_report(L, n, 13, "%s: at most %zu bytes", what, cap - 1);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) {
            yr_report(L, n, 12, "%s: control characters are not allowed", what);
            return;
        }
    strcpy(dst, s);
}

static void parse_share(struct yread *L, const struct ynode *root, const struct kz_model *m,
                        struct command *c)
{
    const struct ynode *n;
    double x;
    c->msg = KZ_MSG_TRACK;
    if ((n = ymap_get(root, "kind"))) {
        int s = yr_enum_of(L, n, "kind", share_kinds, 3);
        c->msg = s == 1 ? KZ_MSG_ALERT : s == 2 ? KZ_MSG_REPORT : KZ_MSG_TRACK;
    }
    if ((n = yr_required(L, root, "to", "share")))
        c->nto = id_list(L, n, "node", m->nnodes, node_id, m, c->to, CMD_MAX_IDS);
    if ((n = ymap_get(root, "track")))
        copy_text(L, n, "track", c->body.track_id, sizeof c->body.track_id);
    else if (c->msg == KZ_MSG_TRACK)
        yr_report(L, root, 6, "a track needs `track` (its id)");
    if ((n = ymap_get(root, "lat")) && yr_number_of(L, n, "lat", -90, 90, &x))
        c->body.lat = x;
    if ((n = ymap_get(root, "lon")) && yr_number_of(L, n, "lon", -180, 180, &x))
        c->body.lon = x;
    if ((n = ymap_get(root, "alt")) && yr_number_of(L, n, "alt", -1e4, 1e7, &x))
        c->body.alt_m = x;
    const struct ynode *cat = ymap_get(root, "category"), *aff = ymap_get(root, "affiliation");
    int e;
    if ((cat || aff) && c->msg != KZ_MSG_TRACK)
        yr_report(L, cat ? cat : aff, 12, "only a track has a category and an affiliation");
    else if (cat && (e = yr_enum_of(L, cat, "category", kz_live_categories, COT_CAT_COUNT)) >= 0)
        c->category = (uint8_t)e;
    if (aff && c->msg == KZ_MSG_TRACK &&
        (e = yr_enum_of(L, aff, "affiliation", kz_live_affiliations, COT_AFF_COUNT)) >= 0)
        c->affil = (uint8_t)e;
    c->repeat = 1;
    if ((n = ymap_get(root, "repeat")) && yr_number_of(L, n, "repeat", 1, 1e9, &x))
        c->repeat = (long)x;
    if ((n = ymap_get(root, "rate")) && yr_number_of(L, n, "rate", 0, 1e7, &x))
        c->rate = x;
    if ((n = ymap_get(root, "update")))
        yr_bool_of(L, n, "update", &c->update);
    if (c->repeat > 1 && !c->update && strlen(c->body.track_id) + 11 > sizeof c->body.track_id)
        yr_report(L, ymap_get(root, "track"), 13,
                  "a repeated track's id is at most %zu bytes (a -N suffix is added)",
                  sizeof c->body.track_id - 12);
}

static void parse_decision(struct yread *L, const struct ynode *root, const struct kz_model *m,
                           struct command *c)
{
    const struct ynode *n;
    if ((n = yr_required(L, root, "decision", kinds[c->kind])))
        c->decision = find_id(L, n, "decision", m->ndecisions, decision_id, m);
    if ((n = ymap_get(root, "assets")))
        c->assets = find_id(L, n, "nation", m->nnations, nation_id, m);
    if (c->kind == C_ORDER && (n = yr_required(L, root, "to", "order")))
        c->nto = id_list(L, n, "node", m->nnodes, node_id, m, c->to, CMD_MAX_IDS);
}

static void parse_phase(struct yread *L, const struct ynode *root, const struct kz_model *m,
                        struct command *c)
{
    const struct ynode *n;
    if ((n = yr_required(L, root, "phase", "phase")))
        c->phase = find_id(L, n, "phase", m->nphases, phase_id, m);
}

static void parse_outage(struct yread *L, const struct ynode *root, const struct kz_model *m,
                         struct command *c)
{
    const struct ynode *n;
    double x;
    if ((n = yr_required(L, root, "id", "outage")) && yr_number_of(L, n, "id", 0, 63, &x))
        c->outage_id = (int)x;
    int ok2 = -1;
    if ((n = yr_required(L, root, "kind", "outage")))
        ok2 = yr_enum_of(L, n, "kind", outage_kinds, 4);
    if (ok2 >= 0) {
        c->okind = (enum outage_kind)ok2;
        if ((n = yr_required(L, root, "ids", "outage")))
            c->nids = c->okind == OUT_NETWORK
                          ? id_list(L, n, "network", m->nnetworks, network_id, m, c->ids,
                                    CMD_MAX_IDS)
                          : id_list(L, n, "node", m->nnodes, node_id, m, c->ids,
                                    CMD_MAX_IDS);
        if (c->okind == OUT_LINK && c->nids != 2 && n)
            yr_report(L, n, 12, "a link outage names its two nodes");
    }
    c->down = true;
    if ((n = ymap_get(root, "down")))
        yr_bool_of(L, n, "down", &c->down);
}

static void parse_decide(struct yread *L, const struct ynode *root, struct command *c)
{
    const struct ynode *n;
    double x;
    if ((n = yr_required(L, root, "key", "decide")) &&
        yr_number_of(L, n, "key", 1, 9.0e15, &x))
        c->key = (int64_t)x;
    if ((n = yr_required(L, root, "answer", "decide"))) {
        int a = yr_enum_of(L, n, "answer", answers, 2);
        c->approve = a == 1;
    }
}

static void parse_load(struct yread *L, const struct ynode *root, struct command *c)
{
    const struct ynode *n;
    if ((n = yr_required(L, root, "action", "load")))
        c->action = yr_enum_of(L, n, "action", kz_action_names, ACT_COUNT);
}

int cmd_parse(const struct kz_model *m, const char *file, const char *text, size_t len,
              struct command *c, kz_diags *d)
{
    struct ydoc doc;
    int rc = ydoc_parse(file, text, len, &doc, d);
    if (rc)
        return rc;
    struct yread L = {file, d, &doc.arena, 0};
    const struct ynode *root = doc.root;
    memset(c, 0, sizeof *c);
    c->decision = c->assets = c->phase = -1;
    c->attr.thread = -1;
    c->attr.prec = KZ_PREC_IMMEDIATE;
    c->attr.cls = CL_S;
    c->attr.releasable = m->nnations >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << m->nnations) - 1);
    if (!root) {
        kz_diags_add(d, file, 1, 1, KZ_SEV_ERROR, 6, "empty command");
        ydoc_free(&doc);
        return KZ_ECHECK;
    }
    if (!yr_want(&L, root, Y_MAP, "command"))
        goto out;
    static const char *const keys[] = {
        "cmd",          "kind",   "to",         "track",       "lat",      "lon",
        "alt",          "text",   "precedence", "classification", "releasable", "disclosable",
        "decision",     "assets", "phase",      "id",          "ids",      "down",
        "key",          "answer", "tag",        "aux",         "thread",   "repeat",
        "rate",         "action", "update",     "category",    "affiliation", NULL};
    yr_check_keys(&L, root, keys, "command");
    const struct ynode *k = yr_required(&L, root, "cmd", "command");
    if (!k)
        goto out;
    int kind = yr_enum_of(&L, k, "cmd", kinds, sizeof kinds / sizeof *kinds);
    if (kind < 0)
        goto out;
    c->kind = (enum cmd_kind)kind;
    const struct ynode *n;
    double x;
    if ((n = ymap_get(root, "precedence"))) {
        int p = yr_enum_of(&L, n, "precedence", precs, KZ_PREC_COUNT);
        if (p >= 0)
            c->attr.prec = (enum kz_precedence)p;
    }
    if ((n = ymap_get(root, "classification"))) {
        int p = yr_enum_of(&L, n, "classification", kz_classif_names, CL_COUNT);
        if (p >= 0)
            c->attr.cls = (enum classif)p;
    }
    bool ok = true;
    if ((n = ymap_get(root, "releasable")))
        c->attr.releasable = mask_of(&L, n, m, &ok);
    if ((n = ymap_get(root, "disclosable")))
        c->attr.disclosable = mask_of(&L, n, m, &ok);
    if ((n = ymap_get(root, "tag")) && yr_number_of(&L, n, "tag", 0, 4294967295.0, &x))
        c->tag = (uint32_t)x;
    if ((n = ymap_get(root, "aux")) && yr_number_of(&L, n, "aux", 0, 4294967295.0, &x))
        c->aux = (uint32_t)x;
    if ((n = ymap_get(root, "thread")) && yr_number_of(&L, n, "thread", -1, 1e9, &x))
        c->attr.thread = (int32_t)x;
    if ((n = ymap_get(root, "text")))
        copy_text(&L, n, "text", c->body.text, sizeof c->body.text);
    switch (c->kind) {
    case C_SHARE:
        parse_share(&L, root, m, c);
        break;
    case C_REQUEST:
    case C_ORDER:
        parse_decision(&L, root, m, c);
        break;
    case C_PHASE:
        parse_phase(&L, root, m, c);
        break;
    case C_OUTAGE:
        parse_outage(&L, root, m, c);
        break;
    case C_DECIDE:
        parse_decide(&L, root, c);
        break;
    case C_STOP:
        break;
    case C_LOAD:
        parse_load(&L, root, c);
        break;
    }
    (void)ok;
out:
    rc = L.err ? L.err : 0;
    ydoc_free(&doc);
    return rc;
}
