/* model_load.c - reads a structure file (docs/structure.md) into a kz_model, reporting every format
 * error with its place. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kizuna/error.h"
#include "model_load.h"

const char *const kz_node_kind_names[NK_COUNT] = {"national-command-authority",
                                                  "ministry",
                                                  "combatant-command",
                                                  "joint-headquarters",
                                                  "component",
                                                  "force",
                                                  "sensor",
                                                  "shooter",
                                                  "coordination-centre",
                                                  "agency"};
const char *const kz_grade_names[GR_COUNT] = {"none",   "civilian", "O-6",   "1-star",
                                              "2-star", "3-star",   "4-star"};
const char *const kz_action_names[ACT_COUNT] = {"relay", "review",  "decide", "approve",
                                                "order", "execute", "report"};
const char *const kz_rel_type_names[RT_COUNT] = {"COCOM",   "OPCON",        "TACON",   "ADCON",
                                                 "support", "coordination", "liaison", "DIRLAUTH"};
const char *const kz_classif_names[CL_COUNT] = {"U", "C", "S", "TS"};

static const char *const cap_names[] = {"foreign-disclosure", "fusion"};
static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* Resolves a reference to an element of a section. */
static int ref_of(struct ld *L, const struct idmap *map, const struct ynode *n, const char *kind)
{
    const char *s = yr_str_of(&L->r, n, kind);
    if (!s)
        return -1;
    int i = idmap_get(map, s);
    if (i < 0)
        yr_report(&L->r, n, 11, "unknown %s '%.64s'", kind, s);
    return i;
}

static bool refs_of(struct ld *L, const struct idmap *map, const struct ynode *n, const char *kind,
                    const char *what, struct refs *out)
{
    if (!yr_want(&L->r, n, Y_SEQ, what))
        return false;
    out->v = n->n ? yr_lalloc(&L->r, n->n * sizeof *out->v) : NULL;
    if (n->n && !out->v)
        return false;
    out->n = 0;
    for (size_t i = 0; i < n->n; i++) {
        int idx = ref_of(L, map, n->kids[i], kind);
        if (idx >= 0)
            out->v[out->n++] = (struct ref){idx, {n->kids[i]->line, n->kids[i]->col}};
    }
    return out->n == n->n;
}

static phase_mask phases_of(struct ld *L, const struct ynode *n)
{
    if (!n)
        return phase_all(L->m);
    if (n->type == Y_SCALAR && strcmp(n->str, "all") == 0)
        return phase_all(L->m);
    if (n->type == Y_SCALAR && !ynode_is_null(n)) {
        /* A single phase id written without brackets. */
        int i = idmap_get(&L->phases, n->str);
        if (i < 0)
            yr_report(&L->r, n, 17, "phase '%.64s' is not defined in 'phases'", n->str);
        return i < 0 ? 0 : 1u << i;
    }
    if (!yr_want(&L->r, n, Y_SEQ, "phases"))
        return 0;
    phase_mask mask = 0;
    for (size_t i = 0; i < n->n; i++) {
        const char *s = yr_str_of(&L->r, n->kids[i], "phase");
        if (!s)
            continue;
        int p = idmap_get(&L->phases, s);
        if (p < 0)
            yr_report(&L->r, n->kids[i], 17, "phase '%.64s' is not defined in 'phases'", s);
        else
            mask |= 1u << p;
    }
    return mask;
}

static nation_mask nations_of(struct ld *L, const struct ynode *n, const char *what)
{
    if (!yr_want(&L->r, n, Y_SEQ, what))
        return 0;
    nation_mask mask = 0;
    for (size_t i = 0; i < n->n; i++) {
        int x = ref_of(L, &L->nations, n->kids[i], "nation");
        if (x >= 0)
            mask |= (nation_mask)1 << x;
    }
    return mask;
}

/* ---- clock values ------------------------------------------------------- */

static bool utc_offset_of(struct ld *L, const struct ynode *n, int *minutes)
{
    if (!yr_want(&L->r, n, Y_SCALAR, "utc_offset"))
        return false;
    const char *s = n->str;
    if (!strncmp(s, "UTC", 3))
        s += 3;
    int sign = 1, h = 0, m = 0;
    char tail;
    if ((s[0] == '+' || s[0] == '-') && sscanf(s + 1, "%2d:%2d%c", &h, &m, &tail) == 2 &&
        strlen(s) == 6) {
        sign = s[0] == '-' ? -1 : 1;
        if (m >= 60) {
            yr_report(&L->r, n, 13, "utc_offset minutes must be below 60");
            return false;
        }
    } else {
        char *end;
        double v = strtod(s, &end);
        if (end == s || *end || !isfinite(v)) {
            yr_report(&L->r, n, 4, "utc_offset must be hours (9, -10, 5.5) or \"+09:00\", not '%.40s'",
                   n->str);
            return false;
        }
        if (v < -12 || v > 14) {
            yr_report(&L->r, n, 13, "utc_offset %g is out of range [-12, +14]", v);
            return false;
        }
        *minutes = (int)lround(v * 60);
        return true;
    }
    int total = sign * (h * 60 + m);
    if (total < -12 * 60 || total > 14 * 60) {
        yr_report(&L->r, n, 13, "utc_offset %s is out of range [-12:00, +14:00]", n->str);
        return false;
    }
    *minutes = total;
    return true;
}

static bool hours_of(struct ld *L, const struct ynode *n, struct node *nd)
{
    if (!yr_want(&L->r, n, Y_SCALAR, "hours"))
        return false;
    if (!strcmp(n->str, "24/7") || !strcmp(n->str, "always")) {
        nd->always = true;
        return true;
    }
    int h1, m1, h2, m2;
    char tail;
    if (sscanf(n->str, "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 < 0 || h1 > 24 ||
        h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 || h1 * 60 + m1 > 1440 ||
        h2 * 60 + m2 > 1440) {
        yr_report(&L->r, n, 18, "hours '%.40s' must be \"HH:MM-HH:MM\" (local time) or \"24/7\"", n->str);
        return false;
    }
    nd->always = false;
    nd->day_start_min = h1 * 60 + m1;
    nd->day_end_min = h2 * 60 + m2;
    if (nd->day_start_min == nd->day_end_min) {
        yr_report(&L->r, n, 18, "hours '%s' is an empty interval", n->str);
        return false;
    }
    return true;
}

static int day_index(const char *s)
{
    for (int i = 0; i < 7; i++)
        if (!strcmp(s, day_names[i]))
            return i;
    return -1;
}

static bool days_of(struct ld *L, const struct ynode *n, uint8_t *days)
{
    if (n->type == Y_SCALAR && !ynode_is_null(n)) {
        if (!strcmp(n->str, "daily")) {
            *days = 0x7f;
            return true;
        }
        char a[8], b[8], tail;
        if (sscanf(n->str, "%3s-%3s%c", a, b, &tail) == 2) {
            int i = day_index(a), j = day_index(b);
            if (i >= 0 && j >= 0) {
                *days = 0;
                for (int k = i;; k = (k + 1) % 7) {
                    *days = (uint8_t)(*days | (1u << k));
                    if (k == j)
                        break;
                }
                return true;
            }
        }
        yr_report(&L->r, n, 18, "days '%.40s' must be 'daily', a range like 'mon-fri', or a list", n->str);
        return false;
    }
    if (!yr_want(&L->r, n, Y_SEQ, "days"))
        return false;
    *days = 0;
    for (size_t i = 0; i < n->n; i++) {
        int k = n->kids[i]->type == Y_SCALAR ? day_index(n->kids[i]->str) : -1;
        if (k < 0) {
            yr_report(&L->r, n->kids[i], 18, "a day must be one of mon, tue, wed, thu, fri, sat, sun");
            return false;
        }
        *days = (uint8_t)(*days | (1u << k));
    }
    if (!*days) {
        yr_report(&L->r, n, 18, "days must name at least one day");
        return false;
    }
    return true;
}

/* ---- sections ----------------------------------------------------------- */

/* Checks that `n` is a list and allocates `*out` for its items. */
static size_t section(struct ld *L, const struct ynode *n, const char *what, size_t elem,
                      void **out)
{
    *out = NULL;
    if (!n || !yr_want(&L->r, n, Y_SEQ, what))
        return 0;
    if (n->n > KZ_MAX_ITEMS) {
        yr_report(&L->r, n, 13, "%s has %zu entries; at most %d are supported", what, n->n, KZ_MAX_ITEMS);
        return 0;
    }
    if (!n->n)
        return 0;
    *out = yr_lalloc(&L->r, n->n * elem);
    return *out ? n->n : 0;
}

/* Registers an id; reports K010 when it repeats. */
static bool register_id(struct ld *L, struct idmap *map, const char *id, int idx,
                        const struct ynode *at, const char *kind)
{
    int prev;
    int r = idmap_put(map, id, idx, &prev);
    if (r < 0) {
        L->r.err = KZ_ENOMEM;
        return false;
    }
    if (r == 1) {
        const struct ynode *idn = ymap_get(at, "id");
        yr_report(&L->r, idn ? idn : at, 10, "duplicate %s id '%s'", kind, id);
        return false;
    }
    return true;
}

static const char *name_of(struct ld *L, const struct ynode *map, const char *fallback)
{
    const struct ynode *n = ymap_get(map, "name");
    const char *s = n ? yr_str_of(&L->r, n, "name") : NULL;
    return s ? s : fallback;
}

static void load_nations(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {
        "id", "name", "national_command", "source", "assumption", "range", "notes", NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "nations", sizeof *m->nations, (void **)&m->nations);
    if (n > KZ_MAX_NATIONS) {
        yr_report(&L->r, sec, 13, "at most %d nations are supported", KZ_MAX_NATIONS);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a nation"))
            continue;
        yr_check_keys(&L->r, e, keys, "a nation");
        struct nation *x = &m->nations[m->nnations];
        const char *id = yr_id_of(&L->r, e, "a nation");
        if (!id)
            continue;
        if (strlen(id) != 3 || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z' ||
            id[2] < 'A' || id[2] > 'Z') {
            yr_report(&L->r, ymap_get(e, "id"), 12,
                   "nation id '%s' must be an ISO 3166 alpha-3 code (three capital letters)", id);
            continue;
        }
        if (!register_id(L, &L->nations, id, (int)m->nnations, e, "nation"))
            continue;
        x->id = id;
        x->name = name_of(L, e, id);
        const struct ynode *nc = ymap_get(e, "national_command");
        if (nc)
            yr_bool_of(&L->r, nc, "national_command", &x->national_command);
        yr_meta_of(&L->r, e, &x->meta);
        m->nnations++;
    }
}

static void load_phase_ids(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"id",         "name",  "requires", "description", "source",
                                       "assumption", "range", "notes",    NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "phases", sizeof *m->phases, (void **)&m->phases);
    if (n > KZ_MAX_PHASES) {
        yr_report(&L->r, sec, 13, "at most %d phases are supported", KZ_MAX_PHASES);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a phase"))
            continue;
        yr_check_keys(&L->r, e, keys, "a phase");
        const char *id = yr_id_of(&L->r, e, "a phase");
        if (!id || !register_id(L, &L->phases, id, (int)m->nphases, e, "phase"))
            continue;
        struct phase *p = &m->phases[m->nphases++];
        p->id = id;
        p->name = name_of(L, e, id);
        yr_meta_of(&L->r, e, &p->meta);
    }
}

/* Second pass over phases, once decisions are known. */
static void load_phase_requires(struct ld *L, const struct ynode *sec)
{
    struct kz_model *m = L->m;
    if (!sec || sec->type != Y_SEQ)
        return;
    for (size_t i = 0; i < sec->n; i++) {
        const struct ynode *e = sec->kids[i];
        const struct ynode *idn = e->type == Y_MAP ? ymap_get(e, "id") : NULL;
        const struct ynode *req = e->type == Y_MAP ? ymap_get(e, "requires") : NULL;
        int p = idn && idn->type == Y_SCALAR ? idmap_get(&L->phases, idn->str) : -1;
        if (p < 0 || !req)
            continue;
        /* Only the first definition of a duplicated id owns the phase. */
        if (m->phases[p].meta.pos.line != e->line || m->phases[p].meta.pos.col != e->col)
            continue;
        refs_of(L, &L->decisions, req, "decision", "requires", &m->phases[p].requires);
    }
}

static void load_decisions(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"id",     "name",       "phases", "principal", "description",
                                       "source", "assumption", "range",  "notes",     NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "decisions", sizeof *m->decisions, (void **)&m->decisions);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a decision"))
            continue;
        yr_check_keys(&L->r, e, keys, "a decision");
        const char *id = yr_id_of(&L->r, e, "a decision");
        if (!id || !register_id(L, &L->decisions, id, (int)m->ndecisions, e, "decision"))
            continue;
        struct decision *x = &m->decisions[m->ndecisions++];
        x->id = id;
        x->name = name_of(L, e, id);
        x->legal = phases_of(L, ymap_get(e, "phases"));
        const struct ynode *pr = ymap_get(e, "principal");
        if (pr)
            yr_bool_of(&L->r, pr, "principal", &x->principal);
        yr_meta_of(&L->r, e, &x->meta);
    }
}

static const char *const node_keys[] = {
    "id",         "name",       "nation", "combined", "kind",   "grade",      "location",
    "utc_offset", "cells",      "hours",  "days",     "recall", "processing", "capabilities",
    "profiles",   "source",     "assumption", "range", "notes", NULL};

static void load_processing(struct ld *L, const struct ynode *p, struct kz_dist *proc)
{
    if (!yr_want(&L->r, p, Y_MAP, "processing"))
        return;
    for (size_t i = 0; i < p->n; i++) {
        const struct ynode *k = p->kids[2 * i], *v = p->kids[2 * i + 1];
        int a = yr_enum_of(&L->r, k, "action", kz_action_names, ACT_COUNT);
        if (a >= 0) {
            char what[40];
            snprintf(what, sizeof what, "processing.%s", kz_action_names[a]);
            yr_dist_of(&L->r, v, what, &proc[a]);
        }
    }
}

/* The node template: built-in values overlaid with `defaults:`; a node's own values win. */
static void node_template(struct ld *L, struct node *t)
{
    static const char *const keys[] = {"cells", "hours", "days", "recall", "processing", NULL};
    memset(t, 0, sizeof *t);
    t->cells = 1;
    t->always = true;
    t->days = 0x7f;
    t->nation = -1;
    const struct ynode *d = L->defaults, *v;
    if (!d || !yr_want(&L->r, d, Y_MAP, "defaults"))
        return;
    yr_check_keys(&L->r, d, keys, "defaults");
    double cells;
    if ((v = ymap_get(d, "cells")) && yr_number_of(&L->r, v, "cells", 1, 1000, &cells))
        t->cells = (int)cells;
    if ((v = ymap_get(d, "hours")))
        hours_of(L, v, t);
    if ((v = ymap_get(d, "days")))
        days_of(L, v, &t->days);
    if ((v = ymap_get(d, "recall")))
        yr_dist_of(&L->r, v, "recall", &t->recall);
    if ((v = ymap_get(d, "processing")))
        load_processing(L, v, t->proc);
}

static void load_nodes(struct ld *L, const struct ynode *sec)
{
    struct kz_model *m = L->m;
    struct node tmpl;
    node_template(L, &tmpl);
    size_t n = section(L, sec, "nodes", sizeof *m->nodes, (void **)&m->nodes);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a node"))
            continue;
        yr_check_keys(&L->r, e, node_keys, "a node");
        const char *id = yr_id_of(&L->r, e, "a node");
        if (!id || !register_id(L, &L->nodes, id, (int)m->nnodes, e, "node"))
            continue;
        struct node *x = &m->nodes[m->nnodes++];
        *x = tmpl;
        x->id = id;
        x->name = name_of(L, e, id);
        const struct ynode *v;
        if ((v = yr_required(&L->r, e, "nation", "a node"))) {
            x->nation = ref_of(L, &L->nations, v, "nation");
            x->nation_pos = (struct pos){v->line, v->col};
        }
        if ((v = ymap_get(e, "combined")))
            x->combined = nations_of(L, v, "combined");
        if ((v = yr_required(&L->r, e, "kind", "a node"))) {
            int k = yr_enum_of(&L->r, v, "kind", kz_node_kind_names, NK_COUNT);
            x->kind = k < 0 ? NK_FORCE : (enum node_kind)k;
        }
        if ((v = ymap_get(e, "grade"))) {
            int g = yr_enum_of(&L->r, v, "grade", kz_grade_names, GR_COUNT);
            x->grade = g < 0 ? GR_NONE : (enum grade)g;
        }
        if ((v = yr_required(&L->r, e, "location", "a node"))) {
            const struct ynode *la = NULL, *lo = NULL;
            if (v->type == Y_SEQ && v->n == 2) {
                la = v->kids[0];
                lo = v->kids[1];
            } else if (v->type == Y_MAP) {
                static const char *const lk[] = {"lat",   "lon",   "source", "assumption",
                                                 "range", "notes", NULL};
                yr_check_keys(&L->r, v, lk, "a location");
                la = yr_required(&L->r, v, "lat", "location");
                lo = yr_required(&L->r, v, "lon", "location");
            } else {
                yr_report(&L->r, v, 4, "location must be {lat: .., lon: ..} or [lat, lon]");
            }
            if (la)
                yr_number_of(&L->r, la, "latitude", -90, 90, &x->lat);
            if (lo)
                yr_number_of(&L->r, lo, "longitude", -180, 180, &x->lon);
            const struct rg_field lf[] = {{"location", RG_U_DEGREES, false, true, 0},
                                          {"lat", RG_U_DEGREES, true, false, x->lat},
                                          {"lon", RG_U_DEGREES, true, false, x->lon}};
            const struct rg_target lt = {"a location", lf, 3, -1};
            if (v->type == Y_MAP) /* its meta is not kept: checked here */
                yr_meta_checked(&L->r, v, "a location", &lt);
        }
        if ((v = yr_required(&L->r, e, "utc_offset", "a node")))
            utc_offset_of(L, v, &x->utc_offset_min);
        double cells;
        if ((v = ymap_get(e, "cells")) && yr_number_of(&L->r, v, "cells", 1, 1000, &cells)) {
            if (cells != floor(cells))
                yr_report(&L->r, v, 13, "cells must be a whole number");
            x->cells = (int)cells;
        }
        if ((v = ymap_get(e, "hours")))
            hours_of(L, v, x);
        if ((v = ymap_get(e, "days")))
            days_of(L, v, &x->days);
        if ((v = ymap_get(e, "recall")))
            yr_dist_of(&L->r, v, "recall", &x->recall);
        if ((v = ymap_get(e, "processing")))
            load_processing(L, v, x->proc);
        if ((v = ymap_get(e, "profiles")))
            ld_profiles(L, v, x);
        if ((v = ymap_get(e, "capabilities")) && yr_want(&L->r, v, Y_SEQ, "capabilities")) {
            for (size_t c = 0; c < v->n; c++) {
                int cap = yr_enum_of(&L->r, v->kids[c], "capability", cap_names, 2);
                if (cap >= 0)
                    x->caps |= 1u << cap;
            }
        }
        yr_meta_of(&L->r, e, &x->meta);
    }
}

static void load_relations(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {"type",  "from",  "to",      "phases",    "source", "assumption",
                                       "range", "notes", "only_in", "except_in", NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "relations", sizeof *m->relations, (void **)&m->relations);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a relation"))
            continue;
        yr_check_keys(&L->r, e, keys, "a relation");
        const struct ynode *t = yr_required(&L->r, e, "type", "a relation");
        const struct ynode *f = yr_required(&L->r, e, "from", "a relation");
        const struct ynode *to = yr_required(&L->r, e, "to", "a relation");
        int type = t ? yr_enum_of(&L->r, t, "relation type", kz_rel_type_names, RT_COUNT) : -1;
        int a = f ? ref_of(L, &L->nodes, f, "node") : -1;
        int b = to ? ref_of(L, &L->nodes, to, "node") : -1;
        const struct ynode *ph = ymap_get(e, "phases");
        phase_mask mask = phases_of(L, ph);
        if (!ld_present(L, e) || type < 0 || a < 0 || b < 0)
            continue;
        if (a == b) {
            yr_report(&L->r, to, 29, "relation from node '%s' to itself", m->nodes[a].id);
            continue;
        }
        struct relation *r = &m->relations[m->nrelations++];
        r->type = (enum rel_type)type;
        r->from = a;
        r->to = b;
        r->phases = mask;
        r->from_pos = (struct pos){f->line, f->col};
        r->to_pos = (struct pos){to->line, to->col};
        r->phases_pos = ph ? (struct pos){ph->line, ph->col} : (struct pos){e->line, e->col};
        yr_meta_of(&L->r, e, &r->meta);
    }
}

static void load_authorities(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {
        "decision", "holder",     "assets", "executors", "phases",  "approvals", "approve",
        "delegate", "standing",   "source", "assumption", "range",  "notes",     "only_in",
        "except_in", NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "authorities", sizeof *m->authorities, (void **)&m->authorities);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "an authority"))
            continue;
        yr_check_keys(&L->r, e, keys, "an authority");
        struct authority x;
        memset(&x, 0, sizeof x);
        x.delegate = -1;
        const struct ynode *v;
        bool ok = true;
        x.decision = (v = yr_required(&L->r, e, "decision", "an authority"))
                         ? ref_of(L, &L->decisions, v, "decision")
                         : -1;
        x.holder =
            (v = yr_required(&L->r, e, "holder", "an authority")) ? ref_of(L, &L->nodes, v, "node") : -1;
        if (v)
            x.holder_pos = (struct pos){v->line, v->col};
        x.assets = (v = yr_required(&L->r, e, "assets", "an authority"))
                       ? ref_of(L, &L->nations, v, "nation")
                       : -1;
        ok = x.decision >= 0 && x.holder >= 0 && x.assets >= 0;
        if ((v = ymap_get(e, "executors")))
            ok = refs_of(L, &L->nodes, v, "node", "executors", &x.executors) && ok;
        if ((v = ymap_get(e, "approvals")))
            ok = refs_of(L, &L->nodes, v, "node", "approvals", &x.approvals) && ok;
        v = ymap_get(e, "phases");
        x.phases = phases_of(L, v);
        x.phases_pos = v ? (struct pos){v->line, v->col} : (struct pos){e->line, e->col};
        if ((v = ymap_get(e, "delegate")) && yr_want(&L->r, v, Y_MAP, "delegate")) {
            static const char *const dk[] = {"to", "after", NULL};
            yr_check_keys(&L->r, v, dk, "delegate");
            const struct ynode *to = yr_required(&L->r, v, "to", "delegate");
            const struct ynode *after = yr_required(&L->r, v, "after", "delegate");
            x.delegate = to ? ref_of(L, &L->nodes, to, "node") : -1;
            if (!after || !yr_dist_of(&L->r, after, "delegate.after", &x.delegate_after) || x.delegate < 0)
                ok = false;
            else if (x.delegate == x.holder) {
                yr_report(&L->r, to, 29, "authority delegates to its own holder '%s'",
                       m->nodes[x.holder].id);
                ok = false;
            }
        }
        ok = ld_authority_more(L, e, &x) && ok;
        if (!ld_present(L, e) || !ok)
            continue;
        yr_meta_of(&L->r, e, &x.meta);
        m->authorities[m->nauthorities++] = x;
    }
}

static void load_networks(struct ld *L, const struct ynode *sec)
{
    static const char *const keys[] = {
        "id",      "name",   "classification", "members",    "releasable_to", "topology", "hub",
        "latency", "phases", "relay",          "gateway",    "source",        "assumption",
        "range",   "notes",  "only_in",        "except_in",  NULL};
    struct kz_model *m = L->m;
    size_t n = section(L, sec, "networks", sizeof *m->networks, (void **)&m->networks);
    for (size_t i = 0; i < n; i++) {
        const struct ynode *e = sec->kids[i];
        if (!yr_want(&L->r, e, Y_MAP, "a network"))
            continue;
        yr_check_keys(&L->r, e, keys, "a network");
        const char *id = yr_id_of(&L->r, e, "a network");
        /* A network left out of the variant is read (its errors count) but takes no id and
         * no place: another network may have the id in another variant. */
        bool present = ld_present(L, e);
        if (!id || (present && !register_id(L, &L->networks, id, (int)m->nnetworks, e, "network")))
            continue;
        struct network *x = &m->networks[m->nnetworks];
        memset(x, 0, sizeof *x);
        x->id = id;
        x->name = name_of(L, e, id);
        x->hub = -1;
        x->path_factor = 1.0;
        const struct ynode *v;
        if ((v = yr_required(&L->r, e, "classification", "a network"))) {
            int c = yr_enum_of(&L->r, v, "classification", kz_classif_names, CL_COUNT);
            x->ceiling = c < 0 ? CL_U : (enum classif)c;
        }
        if ((v = yr_required(&L->r, e, "members", "a network")))
            refs_of(L, &L->nodes, v, "node", "members", &x->members);
        if ((v = yr_required(&L->r, e, "releasable_to", "a network"))) {
            x->releasable = nations_of(L, v, "releasable_to");
            x->releasable_pos = (struct pos){v->line, v->col};
        }
        if ((v = ymap_get(e, "topology"))) {
            static const char *const topo[] = {"mesh", "hub"};
            int t = yr_enum_of(&L->r, v, "topology", topo, 2);
            x->topology = t == 1 ? TOPO_HUB : TOPO_MESH;
        }
        const struct ynode *hub = ymap_get(e, "hub");
        if (hub)
            x->hub = ref_of(L, &L->nodes, hub, "node");
        if (x->topology == TOPO_HUB && !hub)
            yr_report(&L->r, e, 6, "a network with topology 'hub' needs a 'hub' node");
        if (hub && x->topology != TOPO_HUB)
            yr_report(&L->r, hub, 32, "'hub' is given but topology is not 'hub'");
        if (x->hub >= 0) {
            bool member = false;
            for (size_t k = 0; k < x->members.n; k++)
                member = member || x->members.v[k].idx == x->hub;
            if (!member)
                yr_report(&L->r, hub, 32, "hub '%s' is not a member of network '%s'", m->nodes[x->hub].id,
                       id);
        }
        if ((v = ymap_get(e, "latency")) && yr_want(&L->r, v, Y_MAP, "latency")) {
            static const char *const lk[] = {"overhead", "path_factor", NULL};
            yr_check_keys(&L->r, v, lk, "latency");
            const struct ynode *o = ymap_get(v, "overhead");
            if (o)
                yr_dist_of(&L->r, o, "latency.overhead", &x->overhead);
            const struct ynode *pf = ymap_get(v, "path_factor");
            if (pf)
                yr_number_of(&L->r, pf, "path_factor", 1.0, 10.0, &x->path_factor);
        }
        ld_network_more(L, e, x);
        x->phases = phases_of(L, ymap_get(e, "phases"));
        yr_meta_of(&L->r, e, &x->meta);
        m->nnetworks += present;
    }
}

static void load_root(struct ld *L, const struct ynode *root)
{
    static const char *const keys[] = {
        "kizuna", "name",      "title",       "description", "source",    "assumption",
        "range",  "notes",     "nations",     "phases",      "decisions", "defaults",
        "nodes",  "relations", "authorities", "networks",    "variants",  NULL};
    struct kz_model *m = L->m;
    if (!yr_want(&L->r, root, Y_MAP, "a structure file"))
        return;
    yr_check_keys(&L->r, root, keys, "the structure");
    const struct ynode *v;
    double version;
    /* Only format version 1 exists; number_of reports anything else (K013). */
    if ((v = yr_required(&L->r, root, "kizuna", "the structure")))
        (void)yr_number_of(&L->r, v, "format version 'kizuna'", 1, 1, &version);
    if ((v = yr_required(&L->r, root, "name", "the structure")))
        m->name = yr_str_of(&L->r, v, "name");
    if ((v = ymap_get(root, "title")))
        m->title = yr_str_of(&L->r, v, "title");
    if ((v = ymap_get(root, "description")))
        m->description = yr_str_of(&L->r, v, "description");
    yr_meta_of(&L->r, root, &m->meta);
    L->defaults = ymap_get(root, "defaults");
    ld_variants(L, ymap_get(root, "variants"));

    load_nations(L, yr_required(&L->r, root, "nations", "the structure"));
    const struct ynode *phases = yr_required(&L->r, root, "phases", "the structure");
    load_phase_ids(L, phases);
    load_decisions(L, ymap_get(root, "decisions"));
    load_phase_requires(L, phases);
    load_nodes(L, yr_required(&L->r, root, "nodes", "the structure"));
    load_relations(L, ymap_get(root, "relations"));
    load_authorities(L, ymap_get(root, "authorities"));
    load_networks(L, ymap_get(root, "networks"));
}

/* The maps of one load, freed on every way out. */
static void ld_free(struct ld *L)
{
    idmap_free(&L->nations);
    idmap_free(&L->phases);
    idmap_free(&L->decisions);
    idmap_free(&L->nodes);
    idmap_free(&L->networks);
    idmap_free(&L->variants);
}

int kz__model_load(const char *name, const void *buf, size_t len, const char *want,
                   kz_model **out, kz_diags *d)
{
    struct ydoc doc;
    int rc;
    *out = NULL;
    if (len > KZ_MODEL_MAX_BYTES) {
        return kz_diags_add(d, name, 0, 0, KZ_SEV_ERROR, 1,
                            "file is %zu bytes; structure files are limited to %u bytes", len,
                            KZ_MODEL_MAX_BYTES)
                   ? KZ_ENOMEM
                   : KZ_ELIMIT;
    }
    rc = ydoc_parse(name, buf, len, &doc, d);
    if (rc)
        return rc;

    struct kz_model *m = calloc(1, sizeof *m);
    if (!m) {
        rc = KZ_ENOMEM;
        goto out_doc;
    }
    m->variant = -1;
    struct ld L = {.r = {.file = name, .d = d, .arena = &m->arena}, .m = m, .want = want};
    m->file = arena_strdup(&m->arena, name);
    if (!m->file) {
        rc = KZ_ENOMEM;
        goto out_model;
    }
    load_root(&L, doc.root);
    if (!L.r.err && !m->name)
        m->name = "";
    if (!L.r.err && m->variant >= 0) {
        /* "NAME@VARIANT": reports and comparisons tell the variants apart */
        const char *v = m->variants[m->variant].id;
        size_t n = strlen(m->name) + strlen(v) + 2;
        char *full = yr_lalloc(&L.r, n);
        if (full)
            snprintf(full, n, "%s@%s", m->name, v);
        m->name = full;
    }
    if (L.r.err) {
        rc = L.r.err;
        goto out_maps;
    }
    if (!m->title)
        m->title = m->name;
    /* The model's strings point into the YAML tree: keep the tree's memory by
     * adopting its arena rather than copying every string. */
    arena_adopt(&m->arena, &doc.arena);
    ld_free(&L);
    ydoc_free(&doc);
    *out = m;
    return KZ_OK;

out_maps:
    ld_free(&L);
out_model:
    kz_model_free(m);
out_doc:
    ydoc_free(&doc);
    return rc;
}

int kz_model_load_mem(const char *name, const void *buf, size_t len, kz_model **out, kz_diags *d)
{
    return kz__model_load(name, buf, len, NULL, out, d);
}
