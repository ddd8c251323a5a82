/* scenario.c - reads a scenario file (docs/scenario.md), reporting every problem at its place. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "engine/engine.h"
#include "model/yread.h"
#include "scenario/scenario_impl.h"

#define SCENARIO_MAX_BYTES (4u * 1024u * 1024u)
#define MAX_THREADS        64
#define MAX_STEPS          64
#define MAX_COPIES         64
#define MAX_OUTAGES        64
#define MAX_BG_JOBS        1e6 /* expected jobs of one background stream per replication */

static const char *const prec_names[] = {"flash", "immediate", "priority", "routine"};

struct sl {
    struct yread r;
    struct kz_scenario *s;
};

static void *salloc(struct sl *L, size_t n) { return yr_lalloc(&L->r, n); }

/* A distribution, its own range checked as it loads (K031, K038; its meta stays with it). */
static bool dist_of(struct sl *L, const struct ynode *n, const char *what, struct kz_dist *out)
{
    if (!yr_dist_of(&L->r, n, what, out))
        return false;
    yr_dist_range_check(&L->r, out);
    return true;
}

/* The meta of an element the scenario does not keep one for: its range is checked here, the
 * element's fields `f` (none: only `alternatives:` fits), `bare` the one a clause without a
 * field means (or -1). */
static void meta_checked(struct sl *L, const struct ynode *map, const char *name,
                         const char *what, const struct rg_field *f, size_t n, int bare)
{
    const struct rg_target t = {what, f, n, bare};
    yr_meta_checked(&L->r, map, name, &t);
}

static bool sref_of(struct sl *L, const struct ynode *n, const char *what, struct sref *out)
{
    const char *s = yr_str_of(&L->r, n, what);
    if (!s)
        return false;
    *out = (struct sref){s, {n->line, n->col}};
    return true;
}

/* A list of ids; a single id without brackets is accepted too. */
static bool srefs_of(struct sl *L, const struct ynode *n, const char *what, struct srefs *out)
{
    out->n = 0;
    if (n->type == Y_SCALAR) {
        out->v = salloc(L, sizeof *out->v);
        if (!out->v || !sref_of(L, n, what, &out->v[0]))
            return false;
        out->n = 1;
        return true;
    }
    if (!yr_want(&L->r, n, Y_SEQ, what))
        return false;
    out->v = salloc(L, (n->n ? n->n : 1) * sizeof *out->v);
    if (!out->v)
        return false;
    for (size_t i = 0; i < n->n; i++)
        if (sref_of(L, n->kids[i], what, &out->v[out->n]))
            out->n++;
    return out->n == n->n;
}

static const struct ynode *seq_of(struct sl *L, const struct ynode *n, const char *what,
                                  size_t max)
{
    if (!n)
        return NULL;
    if (!yr_want(&L->r, n, Y_SEQ, what))
        return NULL;
    if (n->n > max) {
        yr_report(&L->r, n, 13, "%s has %zu items; at most %zu are allowed", what, n->n, max);
        return NULL;
    }
    return n;
}

static bool attr_of(struct sl *L, const struct ynode *map, struct sattr *a)
{
    const struct ynode *v;
    bool ok = true;
    a->prec = a->cls = -1;
    if ((v = ymap_get(map, "precedence")))
        ok &= (a->prec = yr_enum_of(&L->r, v, "precedence", prec_names, 4)) >= 0;
    if ((v = ymap_get(map, "classification")))
        ok &= (a->cls = yr_enum_of(&L->r, v, "classification", kz_classif_names, CL_COUNT)) >= 0;
    if ((v = ymap_get(map, "releasable"))) {
        a->has_rel = true;
        ok &= srefs_of(L, v, "releasable", &a->rel);
    }
    if ((v = ymap_get(map, "disclosable"))) {
        a->has_disc = true;
        ok &= srefs_of(L, v, "disclosable", &a->disc);
    }
    return ok;
}

/* `rate: 12/h` (also /m, /d, /s) into events per second. */
static bool rate_of(struct sl *L, const struct ynode *n, double *per_s)
{
    const char *s = yr_str_of(&L->r, n, "rate");
    if (!s)
        return false;
    char *end;
    double v = strtod(s, &end);
    double unit = 0;
    if (end != s && *end == '/' && end[2] == '\0') {
        unit = end[1] == 's' ? 1 : end[1] == 'm' ? 60 : end[1] == 'h' ? 3600 : end[1] == 'd' ? 86400 : 0;
    }
    if (unit == 0 || !(v > 0) || !isfinite(v)) {
        yr_report(&L->r, n, 14, "rate '%.40s' must be a positive number per unit, e.g. 12/h", s);
        return false;
    }
    *per_s = v / unit;
    return true;
}

/* `start: "sat 02:30 UTC+9"` or `any` (the day and time: kz_scenario_parse_start, one rule). */
static bool start_of(struct sl *L, const struct ynode *n)
{
    const char *s = yr_str_of(&L->r, n, "start");
    if (!s)
        return false;
    if (!strcmp(s, "any"))
        return true;
    int week;
    if (kz_scenario_parse_start(s, &week) != KZ_OK) {
        yr_report(&L->r, n, 12,
                  "start '%.40s' must be 'any' or a day, a time and an offset, e.g. 'sat 02:30 "
                  "UTC+9'",
                  s);
        return false;
    }
    L->s->start_any = false;
    L->s->start_week_min_utc = week;
    return true;
}

static const char *const step_keys[] = {
    "id",          "share",      "report", "decide",     "order",      "delay",
    "from",        "to",         "by",     "assets",     "until",      "precedence",
    "classification", "releasable", "disclosable", "source", "assumption", "range",
    "notes",       NULL};

static void load_step(struct sl *L, const struct ynode *n, struct sstep *st)
{
    yr_check_keys(&L->r, n, step_keys, "a step");
    st->pos = (struct pos){n->line, n->col};
    const struct ynode *v;
    static const char *const kinds[] = {"share", "report", "decide", "order", "delay"};
    int found = -1, count = 0;
    for (int k = 0; k < 5; k++)
        if (ymap_get(n, kinds[k])) {
            found = k;
            count++;
        }
    if (count != 1) {
        yr_report(&L->r, n, 6, "a step needs exactly one of share, report, decide, order, delay");
        return;
    }
    st->kind = (enum step_kind)found;
    if ((v = ymap_get(n, "id")))
        st->id = yr_str_of(&L->r, v, "id");
    attr_of(L, n, &st->attr);
    switch (st->kind) {
    case ST_SHARE: {
        static const char *const mk[] = {"track", "alert"};
        int k = yr_enum_of(&L->r, ymap_get(n, "share"), "share", mk, 2);
        st->msg = k == 1 ? KZ_MSG_ALERT : KZ_MSG_TRACK;
    }
        /* fall through */
    case ST_REPORT:
        if (st->kind == ST_REPORT) {
            st->msg = KZ_MSG_REPORT;
            (void)yr_str_of(&L->r, ymap_get(n, "report"), "report");
        }
        if ((v = yr_required(&L->r, n, "from", "a share or report step")))
            sref_of(L, v, "from", &st->from);
        if ((v = yr_required(&L->r, n, "to", "a share or report step")))
            srefs_of(L, v, "to", &st->to);
        break;
    case ST_DECIDE:
        sref_of(L, ymap_get(n, "decide"), "decide", &st->decision);
        if ((v = yr_required(&L->r, n, "by", "a decide step")))
            sref_of(L, v, "by", &st->by);
        if ((v = ymap_get(n, "assets")))
            sref_of(L, v, "assets", &st->assets);
        break;
    case ST_ORDER:
        sref_of(L, ymap_get(n, "order"), "order", &st->decision);
        if ((v = ymap_get(n, "to")))
            srefs_of(L, v, "to", &st->to);
        if ((v = ymap_get(n, "by")))
            sref_of(L, v, "by", &st->by);
        break;
    case ST_DELAY:
        dist_of(L, ymap_get(n, "delay"), "delay", &st->delay);
        break;
    }
    if ((v = ymap_get(n, "until"))) {
        static const char *const u[] = {"all", "first"};
        st->until_first = yr_enum_of(&L->r, v, "until", u, 2) == 1;
        if (st->kind == ST_DECIDE || st->kind == ST_DELAY)
            yr_report(&L->r, v, 5, "'until' applies to share, report and order steps");
    }
    if (st->kind != ST_DECIDE && st->kind != ST_ORDER && ymap_get(n, "by"))
        yr_report(&L->r, ymap_get(n, "by"), 5, "'by' applies to decide and order steps");
    char name[100];
    snprintf(name, sizeof name, "step '%.64s'", st->id ? st->id : "?");
    meta_checked(L, n, name, "a step", NULL, 0, -1);
}

static const char *const thread_keys[] = {
    "id",         "name",        "start",    "copies",      "spacing",        "precedence",
    "classification", "releasable", "disclosable", "deadline", "deadline_at", "deadline_per",
    "steps", "source",     "assumption",  "range",    "notes",       NULL};

static void load_thread(struct sl *L, const struct ynode *n, struct sthread *t)
{
    if (!yr_want(&L->r, n, Y_MAP, "a thread"))
        return;
    yr_check_keys(&L->r, n, thread_keys, "a thread");
    t->pos = (struct pos){n->line, n->col};
    t->id = yr_id_of(&L->r, n, "a thread");
    const struct ynode *v;
    t->name = (v = ymap_get(n, "name")) ? yr_str_of(&L->r, v, "name") : t->id;
    t->start.kind = KZ_DIST_FIXED;
    if ((v = ymap_get(n, "start")))
        dist_of(L, v, "start", &t->start);
    t->copies = 1;
    double c;
    if ((v = ymap_get(n, "copies")) && yr_number_of(&L->r, v, "copies", 1, MAX_COPIES, &c))
        t->copies = (int)c;
    if ((v = ymap_get(n, "spacing")))
        yr_duration_of(&L->r, v, "spacing", &t->spacing);
    const struct rg_field tf[] = {{"copies", RG_U_COUNT, true, false, t->copies},
                                  {"spacing", RG_U_DURATION, true, false, t->spacing}};
    char name[100];
    snprintf(name, sizeof name, "thread '%.64s'", t->id ? t->id : "?");
    meta_checked(L, n, name, "a thread", tf, 2, -1);
    attr_of(L, n, &t->attr);
    if ((v = yr_required(&L->r, n, "deadline", "a thread")))
        dist_of(L, v, "deadline", &t->deadline);
    if ((v = ymap_get(n, "deadline_per"))) {
        /* the copies of a salvo face one engagement window unless the file says otherwise */
        static const char *const per[] = {"salvo", "copy"};
        t->deadline_each = yr_enum_of(&L->r, v, "deadline_per", per, 2) == 1;
    }
    const struct ynode *steps = seq_of(L, yr_required(&L->r, n, "steps", "a thread"), "steps",
                                       MAX_STEPS);
    if (!steps)
        return;
    if (steps->n == 0) {
        yr_report(&L->r, steps, 6, "a thread needs at least one step");
        return;
    }
    t->steps = salloc(L, steps->n * sizeof *t->steps);
    if (!t->steps)
        return;
    t->nsteps = steps->n;
    for (size_t i = 0; i < steps->n; i++)
        if (yr_want(&L->r, steps->kids[i], Y_MAP, "a step"))
            load_step(L, steps->kids[i], &t->steps[i]);
    t->deadline_at = (int)t->nsteps - 1;
    if ((v = ymap_get(n, "deadline_at"))) {
        const char *s = yr_str_of(&L->r, v, "deadline_at");
        int found = -1;
        for (size_t i = 0; s && i < t->nsteps; i++)
            if (t->steps[i].id && !strcmp(t->steps[i].id, s))
                found = (int)i;
        if (s && found < 0)
            yr_report(&L->r, v, 41, "deadline_at '%.64s' names no step of this thread", s);
        if (found >= 0)
            t->deadline_at = found;
    }
    /* an order's decider and duplicate step ids: scenario_check.c, alone or bound */
}

static void load_background(struct sl *L, const struct ynode *n, struct sbackground *b)
{
    static const char *const keys[] = {"node", "action", "precedence", "rate", "at", "from",
                                       "until", "source", "assumption", "range", "notes", NULL};
    if (!yr_want(&L->r, n, Y_MAP, "a background item"))
        return;
    yr_check_keys(&L->r, n, keys, "a background item");
    b->pos = (struct pos){n->line, n->col};
    const struct ynode *v;
    if ((v = yr_required(&L->r, n, "node", "a background item")))
        sref_of(L, v, "node", &b->node);
    b->action = ACT_REVIEW;
    if ((v = ymap_get(n, "action")))
        b->action = yr_enum_of(&L->r, v, "action", kz_action_names, ACT_COUNT);
    b->prec = KZ_PREC_ROUTINE;
    if ((v = ymap_get(n, "precedence")))
        b->prec = yr_enum_of(&L->r, v, "precedence", prec_names, 4);
    const struct ynode *rate = ymap_get(n, "rate"), *at = ymap_get(n, "at");
    if (!!rate == !!at)
        yr_report(&L->r, n, 6, "a background item needs exactly one of 'rate' and 'at'");
    else if (rate)
        rate_of(L, rate, &b->rate_per_s);
    else if (yr_want(&L->r, at, Y_SEQ, "at")) {
        b->at = salloc(L, (at->n ? at->n : 1) * sizeof *b->at);
        for (size_t i = 0; b->at && i < at->n; i++)
            if (yr_duration_of(&L->r, at->kids[i], "at", &b->at[b->nat]))
                b->nat++;
    }
    b->until = -1;
    if ((v = ymap_get(n, "from")))
        yr_duration_of(&L->r, v, "from", &b->from);
    if ((v = ymap_get(n, "until")))
        yr_duration_of(&L->r, v, "until", &b->until);
    /* A stream must not turn one replication into an endless run. */
    double span = (b->until >= 0 ? b->until : L->s->horizon) - b->from;
    if (rate && b->rate_per_s * span > MAX_BG_JOBS)
        yr_report(&L->r, rate, 13,
                  "rate gives %.3g jobs per replication; at most %g are allowed (lower the rate "
                  "or the horizon)",
                  b->rate_per_s * span, MAX_BG_JOBS);
    const struct rg_field bf[] = {{"rate", RG_U_RATE, true, false, b->rate_per_s}};
    meta_checked(L, n, "the background item", "a background item", bf, rate ? 1 : 0,
                 rate ? 0 : -1);
}

static void load_outage(struct sl *L, const struct ynode *n, struct soutage *o)
{
    static const char *const keys[] = {"node", "network", "link", "cut", "at", "for", "source",
                                       "assumption", "range", "notes", NULL};
    static const char *const kinds[] = {"node", "network", "link", "cut"};
    if (!yr_want(&L->r, n, Y_MAP, "an outage"))
        return;
    yr_check_keys(&L->r, n, keys, "an outage");
    o->pos = (struct pos){n->line, n->col};
    int count = 0;
    for (int k = 0; k < 4; k++) {
        const struct ynode *v = ymap_get(n, kinds[k]);
        if (!v)
            continue;
        count++;
        o->kind = k; /* enum outage_kind has the same order */
        srefs_of(L, v, kinds[k], &o->ids);
        if (k == OUT_LINK && o->ids.n != 2)
            yr_report(&L->r, v, 12, "link must name exactly two nodes");
    }
    if (count != 1)
        yr_report(&L->r, n, 6, "an outage needs exactly one of node, network, link, cut");
    o->at.kind = KZ_DIST_FIXED;
    const struct ynode *v;
    if ((v = ymap_get(n, "at")))
        dist_of(L, v, "at", &o->at);
    if ((v = ymap_get(n, "for")))
        o->has_dur = dist_of(L, v, "for", &o->dur);
    meta_checked(L, n, "the outage", "an outage", NULL, 0, -1);
}

static void load_root(struct sl *L, const struct ynode *root)
{
    static const char *const keys[] = {
        "kizuna-scenario", "name",    "title",   "description", "source",  "assumption",
        "range",           "notes",   "start",   "phase",       "phase_changes", "horizon",
        "runs",            "seed",    "background", "outages",  "threads", NULL};
    struct kz_scenario *s = L->s;
    if (!yr_want(&L->r, root, Y_MAP, "a scenario file"))
        return;
    yr_check_keys(&L->r, root, keys, "the scenario");
    meta_checked(L, root, "the scenario", "the scenario", NULL, 0, -1);
    const struct ynode *v;
    double x;
    if ((v = yr_required(&L->r, root, "kizuna-scenario", "the scenario")))
        (void)yr_number_of(&L->r, v, "format version 'kizuna-scenario'", 1, 1, &x);
    if ((v = yr_required(&L->r, root, "name", "the scenario")))
        s->name = yr_str_of(&L->r, v, "name");
    if ((v = ymap_get(root, "title")))
        s->title = yr_str_of(&L->r, v, "title");
    if ((v = ymap_get(root, "description")))
        s->description = yr_str_of(&L->r, v, "description");
    s->start_any = true; /* start_of clears it for a fixed start */
    if ((v = ymap_get(root, "start")))
        start_of(L, v);
    if ((v = yr_required(&L->r, root, "phase", "the scenario")))
        sref_of(L, v, "phase", &s->phase);
    s->horizon = 48 * 3600.0;
    if ((v = ymap_get(root, "horizon")) && yr_duration_of(&L->r, v, "horizon", &x)) {
        if (x <= 0 || x > 365 * 86400.0)
            yr_report(&L->r, v, 13, "horizon must be above 0 and at most 365d");
        else
            s->horizon = x;
    }
    s->runs = 1000;
    if ((v = ymap_get(root, "runs")) && yr_number_of(&L->r, v, "runs", 1, 1e8, &x))
        s->runs = (long)x;
    s->seed = 1;
    if ((v = ymap_get(root, "seed")) && yr_number_of(&L->r, v, "seed", 0, 9007199254740991.0, &x))
        s->seed = (uint64_t)x;

    const struct ynode *sec;
    if ((sec = seq_of(L, ymap_get(root, "phase_changes"), "phase_changes", 32))) {
        s->changes = salloc(L, (sec->n ? sec->n : 1) * sizeof *s->changes);
        for (size_t i = 0; s->changes && i < sec->n; i++) {
            const struct ynode *e = sec->kids[i];
            static const char *const ck[] = {"at", "phase", "source", "assumption", "range",
                                             "notes", NULL};
            if (!yr_want(&L->r, e, Y_MAP, "a phase change"))
                continue;
            yr_check_keys(&L->r, e, ck, "a phase change");
            struct sphase_change *c = &s->changes[s->nchanges];
            const struct ynode *at = yr_required(&L->r, e, "at", "a phase change");
            const struct ynode *ph = yr_required(&L->r, e, "phase", "a phase change");
            if (at && ph && yr_duration_of(&L->r, at, "at", &c->at) &&
                sref_of(L, ph, "phase", &c->phase)) {
                if (s->nchanges && c->at < s->changes[s->nchanges - 1].at)
                    yr_report(&L->r, at, 41, "phase changes must be in time order");
                s->nchanges++;
            }
            const struct rg_field cf[] = {{"at", RG_U_DURATION, true, false, c->at}};
            meta_checked(L, e, "the phase change", "a phase change", cf, 1, 0);
        }
    }
    if ((sec = seq_of(L, ymap_get(root, "background"), "background", 256))) {
        s->bg = salloc(L, (sec->n ? sec->n : 1) * sizeof *s->bg);
        for (size_t i = 0; s->bg && i < sec->n; i++)
            load_background(L, sec->kids[i], &s->bg[s->nbg++]);
    }
    if ((sec = seq_of(L, ymap_get(root, "outages"), "outages", MAX_OUTAGES))) {
        s->outages = salloc(L, (sec->n ? sec->n : 1) * sizeof *s->outages);
        for (size_t i = 0; s->outages && i < sec->n; i++)
            load_outage(L, sec->kids[i], &s->outages[s->noutages++]);
    }
    if ((sec = seq_of(L, yr_required(&L->r, root, "threads", "the scenario"), "threads",
                      MAX_THREADS))) {
        if (sec->n == 0)
            yr_report(&L->r, sec, 6, "a scenario needs at least one thread");
        s->threads = salloc(L, (sec->n ? sec->n : 1) * sizeof *s->threads);
        for (size_t i = 0; s->threads && i < sec->n; i++) {
            load_thread(L, sec->kids[i], &s->threads[s->nthreads]);
            for (size_t j = 0; j < s->nthreads; j++)
                if (s->threads[s->nthreads].id && s->threads[j].id &&
                    !strcmp(s->threads[j].id, s->threads[s->nthreads].id))
                    yr_report(&L->r, sec->kids[i], 10, "duplicate thread id '%s'",
                              s->threads[j].id);
            s->nthreads++;
        }
    }
}

int kz_scenario_load_mem(const char *name, const void *buf, size_t len, kz_scenario **out,
                         kz_diags *d)
{
    *out = NULL;
    if (len > SCENARIO_MAX_BYTES)
        return kz_diags_add(d, name, 0, 0, KZ_SEV_ERROR, 1,
                            "file is %zu bytes; scenario files are limited to %u bytes", len,
                            SCENARIO_MAX_BYTES)
                   ? KZ_ENOMEM
                   : KZ_ELIMIT;
    struct ydoc doc;
    int rc = ydoc_parse(name, buf, len, &doc, d);
    if (rc)
        return rc;
    struct kz_scenario *s = calloc(1, sizeof *s);
    if (!s) {
        ydoc_free(&doc);
        return KZ_ENOMEM;
    }
    struct sl L = {.r = {.file = name, .d = d, .arena = &s->arena}, .s = s};
    s->file = arena_strdup(&s->arena, name);
    if (!s->file)
        L.r.err = KZ_ENOMEM;
    else if (!doc.root)
        yr_report(&L.r, NULL, 6, "the scenario file is empty");
    else
        load_root(&L, doc.root);
    if (L.r.err) {
        rc = L.r.err;
        kz_scenario_free(s);
        ydoc_free(&doc);
        return rc;
    }
    if (!s->title)
        s->title = s->name;
    arena_adopt(&s->arena, &doc.arena); /* strings point into the tree */
    ydoc_free(&doc);
    *out = s;
    return 0;
}

int kz_scenario_load_file(const char *path, kz_scenario **out, kz_diags *d)
{
    *out = NULL;
    char *buf;
    size_t len;
    int rc = yr_read_file(path, SCENARIO_MAX_BYTES, &buf, &len, d);
    if (rc == 0)
        rc = kz_scenario_load_mem(path, buf, len, out, d);
    free(buf);
    return rc;
}

void kz_scenario_free(kz_scenario *s)
{
    if (!s)
        return;
    arena_free(&s->arena);
    free(s);
}

const char *kz_scenario_name(const kz_scenario *s) { return s->name ? s->name : ""; }
const char *kz_scenario_title(const kz_scenario *s) { return s->title ? s->title : ""; }
long kz_scenario_runs(const kz_scenario *s) { return s->runs; }
uint64_t kz_scenario_seed(const kz_scenario *s) { return s->seed; }
