/* model_check.c - the semantic rules of docs/checks.md (K020-K031, K038) over a loaded structure.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "model_impl.h"

struct ck {
    const struct kz_model *m;
    kz_diags *d;
    int err;
    /* Outgoing relations per node (CSR over m->relations, by `from`), and incoming (by `to`). */
    size_t *out_start, *out_rel;
    size_t *in_start, *in_rel;
    int *queue;
    unsigned char *seen;
};

static void say(struct ck *C, struct pos p, enum kz_severity sev, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void say(struct ck *C, struct pos p, enum kz_severity sev, int code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (kz_diags_add(C->d, C->m->file, p.line, p.col, sev, code, "%s", msg) != KZ_OK)
        C->err = KZ_ENOMEM;
    else if (sev == KZ_SEV_ERROR && C->err == KZ_OK)
        C->err = KZ_ECHECK;
}

static const char *phase_name(const struct kz_model *m, int p)
{
    return m->phases[p].id;
}

static int build_index(struct ck *C)
{
    const struct kz_model *m = C->m;
    size_t n = m->nnodes, r = m->nrelations;
    C->out_start = calloc(n + 1, sizeof *C->out_start);
    C->in_start = calloc(n + 1, sizeof *C->in_start);
    C->out_rel = calloc(r ? r : 1, sizeof *C->out_rel);
    C->in_rel = calloc(r ? r : 1, sizeof *C->in_rel);
    C->queue = calloc(n ? n : 1, sizeof *C->queue);
    C->seen = calloc(n ? n : 1, 1);
    if (!C->out_start || !C->in_start || !C->out_rel || !C->in_rel || !C->queue || !C->seen)
        return KZ_ENOMEM;
    for (size_t i = 0; i < r; i++) {
        C->out_start[m->relations[i].from + 1]++;
        C->in_start[m->relations[i].to + 1]++;
    }
    for (size_t i = 0; i < n; i++) {
        C->out_start[i + 1] += C->out_start[i];
        C->in_start[i + 1] += C->in_start[i];
    }
    size_t *oi = calloc(n ? n : 1, sizeof *oi), *ii = calloc(n ? n : 1, sizeof *ii);
    if (!oi || !ii) {
        free(oi);
        free(ii);
        return KZ_ENOMEM;
    }
    for (size_t i = 0; i < r; i++) {
        int f = m->relations[i].from, t = m->relations[i].to;
        C->out_rel[C->out_start[f] + oi[f]++] = i;
        C->in_rel[C->in_start[t] + ii[t]++] = i;
    }
    free(oi);
    free(ii);
    return KZ_OK;
}

static void free_index(struct ck *C)
{
    free(C->out_start);
    free(C->in_start);
    free(C->out_rel);
    free(C->in_rel);
    free(C->queue);
    free(C->seen);
}

/* ---- K020: cycles in the chain of command, per phase ------------------- */

/* Iterative DFS colouring over command edges holding in phase p. */
static void check_cycles(struct ck *C)
{
    const struct kz_model *m = C->m;
    size_t n = m->nnodes;
    unsigned char *colour = calloc(n ? n : 1, 1);
    size_t *stack_node = calloc(n ? n : 1, sizeof *stack_node);
    size_t *stack_edge = calloc(n ? n : 1, sizeof *stack_edge);
    unsigned char *reported = calloc(m->nrelations ? m->nrelations : 1, 1);
    if (!colour || !stack_node || !stack_edge || !reported) {
        C->err = KZ_ENOMEM;
        goto out;
    }
    for (size_t p = 0; p < m->nphases; p++) {
        memset(colour, 0, n);
        for (size_t s = 0; s < n; s++) {
            if (colour[s])
                continue;
            size_t sp = 0;
            stack_node[sp] = s;
            stack_edge[sp] = C->out_start[s];
            colour[s] = 1;
            sp++;
            while (sp) {
                size_t u = stack_node[sp - 1];
                size_t *ei = &stack_edge[sp - 1];
                if (*ei == C->out_start[u + 1]) {
                    colour[u] = 2;
                    sp--;
                    continue;
                }
                size_t ri = C->out_rel[(*ei)++];
                const struct relation *r = &m->relations[ri];
                if (!rel_is_command(r->type) || !(r->phases & (1u << p)))
                    continue;
                size_t v = (size_t)r->to;
                if (colour[v] == 1) {
                    if (!reported[ri]) {
                        reported[ri] = 1;
                        /* Name the cycle: the stack from v up to u, then back to v. */
                        char path[400] = "";
                        size_t k = 0;
                        while (k < sp && stack_node[k] != v)
                            k++;
                        for (; k < sp; k++) {
                            strncat(path, m->nodes[stack_node[k]].id,
                                    sizeof path - strlen(path) - 1);
                            strncat(path, " -> ", sizeof path - strlen(path) - 1);
                        }
                        strncat(path, m->nodes[v].id, sizeof path - strlen(path) - 1);
                        say(C, r->to_pos, KZ_SEV_ERROR, 20,
                            "cycle in the chain of command in phase '%s': %s",
                            phase_name(m, (int)p), path);
                    }
                } else if (colour[v] == 0) {
                    colour[v] = 1;
                    stack_node[sp] = v;
                    stack_edge[sp] = C->out_start[v];
                    sp++;
                }
            }
        }
    }
out:
    free(colour);
    free(stack_node);
    free(stack_edge);
    free(reported);
}

/* ---- K021: two OPCON or two COCOM superiors in one phase ---------------- */

static void check_superiors(struct ck *C)
{
    const struct kz_model *m = C->m;
    for (size_t v = 0; v < m->nnodes; v++) {
        for (size_t a = C->in_start[v]; a < C->in_start[v + 1]; a++) {
            const struct relation *ra = &m->relations[C->in_rel[a]];
            if (ra->type != RT_OPCON && ra->type != RT_COCOM)
                continue;
            for (size_t b = a + 1; b < C->in_start[v + 1]; b++) {
                const struct relation *rb = &m->relations[C->in_rel[b]];
                phase_mask both = ra->phases & rb->phases;
                if (rb->type != ra->type || !both || ra->from == rb->from)
                    continue;
                int p = __builtin_ctz(both);
                say(C, rb->from_pos, KZ_SEV_ERROR, 21,
                    "node '%s' has two %s superiors in phase '%s': '%s' and '%s'", m->nodes[v].id,
                    kz_rel_type_names[ra->type], phase_name(m, p), m->nodes[ra->from].id,
                    m->nodes[rb->from].id);
            }
        }
    }
}

/* ---- K022: foreign OPCON/TACON over a nation that keeps national command -- */

static bool node_includes_nation(const struct node *n, int nation)
{
    return n->nation == nation || (n->combined & ((nation_mask)1 << nation));
}

static void check_national_command(struct ck *C)
{
    const struct kz_model *m = C->m;
    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        if (r->type != RT_OPCON && r->type != RT_TACON)
            continue;
        const struct node *sup = &m->nodes[r->from], *sub = &m->nodes[r->to];
        if (sub->nation < 0 || !m->nations[sub->nation].national_command)
            continue;
        if (node_includes_nation(sup, sub->nation))
            continue;
        say(C, r->from_pos, KZ_SEV_ERROR, 22,
            "'%s' (%s) is placed under %s of '%s' (%s), but %s keeps national command", sub->id,
            m->nations[sub->nation].id, kz_rel_type_names[r->type], sup->id,
            sup->nation >= 0 ? m->nations[sup->nation].id : "?", m->nations[sub->nation].id);
    }
}

/* ---- K023, K027: decisions and the phases that need and permit them ----- */

static void check_decisions(struct ck *C)
{
    const struct kz_model *m = C->m;
    for (size_t p = 0; p < m->nphases; p++) {
        const struct phase *ph = &m->phases[p];
        for (size_t k = 0; k < ph->requires.n; k++) {
            int dec = ph->requires.v[k].idx;
            bool held = false;
            for (size_t a = 0; a < m->nauthorities && !held; a++)
                held = m->authorities[a].decision == dec && (m->authorities[a].phases & (1u << p));
            if (!held)
                say(C, ph->requires.v[k].pos, KZ_SEV_ERROR, 23,
                    "phase '%s' requires decision '%s', but no authority holds it in that phase",
                    ph->id, m->decisions[dec].id);
        }
    }
    for (size_t a = 0; a < m->nauthorities; a++) {
        const struct authority *au = &m->authorities[a];
        const struct decision *dec = &m->decisions[au->decision];
        phase_mask bad = au->phases & ~dec->legal;
        if (bad)
            say(C, au->phases_pos, KZ_SEV_ERROR, 27,
                "'%s' holds '%s' in phase '%s', where the decision is not permitted",
                m->nodes[au->holder].id, dec->id, phase_name(m, __builtin_ctz(bad)));
    }
}

/* ---- K024: authority holder without a command path to its assets -------- */

/* Marks in C->seen every node reachable from `from` by command edges in phase p. */
static void command_reach(struct ck *C, int from, int p)
{
    const struct kz_model *m = C->m;
    memset(C->seen, 0, m->nnodes);
    size_t head = 0, tail = 0;
    C->queue[tail++] = from;
    C->seen[from] = 1;
    while (head < tail) {
        int u = C->queue[head++];
        for (size_t e = C->out_start[u]; e < C->out_start[u + 1]; e++) {
            const struct relation *r = &m->relations[C->out_rel[e]];
            if (!rel_is_command(r->type) || !(r->phases & (1u << p)) || C->seen[r->to])
                continue;
            C->seen[r->to] = 1;
            C->queue[tail++] = r->to;
        }
    }
}

static bool is_asset_kind(enum node_kind k)
{
    return k == NK_FORCE || k == NK_SHOOTER || k == NK_SENSOR || k == NK_COMPONENT;
}

static void check_command_paths(struct ck *C)
{
    const struct kz_model *m = C->m;
    for (size_t a = 0; a < m->nauthorities; a++) {
        const struct authority *au = &m->authorities[a];
        for (size_t p = 0; p < m->nphases; p++) {
            if (!(au->phases & (1u << p)))
                continue;
            command_reach(C, au->holder, (int)p);
            if (au->executors.n) {
                for (size_t k = 0; k < au->executors.n; k++) {
                    int x = au->executors.v[k].idx;
                    if (!C->seen[x]) {
                        say(C, au->executors.v[k].pos, KZ_SEV_ERROR, 24,
                            "'%s' holds '%s' but has no command path to executor '%s' in "
                            "phase '%s'",
                            m->nodes[au->holder].id, m->decisions[au->decision].id, m->nodes[x].id,
                            phase_name(m, (int)p));
                        goto next_authority;
                    }
                }
            } else {
                bool any = false;
                for (size_t v = 0; v < m->nnodes && !any; v++)
                    any = C->seen[v] && m->nodes[v].nation == au->assets &&
                          is_asset_kind(m->nodes[v].kind);
                if (!any) {
                    say(C, au->holder_pos, KZ_SEV_ERROR, 24,
                        "'%s' holds '%s' for %s assets but commands none of them in phase '%s'",
                        m->nodes[au->holder].id, m->decisions[au->decision].id,
                        m->nations[au->assets].id, phase_name(m, (int)p));
                    goto next_authority;
                }
            }
        }
    next_authority:;
    }
}

/* ---- K025, K028: every node reachable from its national command authority */

static void check_reachability(struct ck *C)
{
    const struct kz_model *m = C->m;
    for (size_t nat = 0; nat < m->nnations; nat++) {
        memset(C->seen, 0, m->nnodes);
        size_t head = 0, tail = 0;
        bool members = false;
        for (size_t v = 0; v < m->nnodes; v++) {
            if (!node_includes_nation(&m->nodes[v], (int)nat))
                continue;
            members = true;
            if (m->nodes[v].kind == NK_NCA && m->nodes[v].nation == (int)nat) {
                C->seen[v] = 1;
                C->queue[tail++] = (int)v;
            }
        }
        if (!members)
            continue;
        if (!tail) {
            say(C, m->nations[nat].meta.pos, KZ_SEV_WARNING, 28,
                "nation %s has nodes but no national-command-authority node", m->nations[nat].id);
            continue;
        }
        while (head < tail) {
            int u = C->queue[head++];
            /* Superior-to-subordinate relations run one way; peer links run both ways. */
            for (size_t e = C->out_start[u]; e < C->out_start[u + 1]; e++) {
                int v = m->relations[C->out_rel[e]].to;
                if (!C->seen[v]) {
                    C->seen[v] = 1;
                    C->queue[tail++] = v;
                }
            }
            for (size_t e = C->in_start[u]; e < C->in_start[u + 1]; e++) {
                const struct relation *r = &m->relations[C->in_rel[e]];
                if (rel_is_peer(r->type) && !C->seen[r->from]) {
                    C->seen[r->from] = 1;
                    C->queue[tail++] = r->from;
                }
            }
        }
        for (size_t v = 0; v < m->nnodes; v++) {
            const struct node *nd = &m->nodes[v];
            /* A combined node needs to hang from its lead nation; partners are optional. */
            if (nd->nation == (int)nat && !C->seen[v])
                say(C, nd->meta.pos, KZ_SEV_ERROR, 25,
                    "node '%s' cannot be reached from any %s national command authority", nd->id,
                    m->nations[nat].id);
        }
    }
}

/* ---- K026: network members and releasability ---------------------------- */

static void check_networks(struct ck *C)
{
    const struct kz_model *m = C->m;
    for (size_t i = 0; i < m->nnetworks; i++) {
        const struct network *nw = &m->networks[i];
        for (size_t k = 0; k < nw->members.n; k++) {
            const struct node *nd = &m->nodes[nw->members.v[k].idx];
            if (nd->nation >= 0 && !(nw->releasable & ((nation_mask)1 << nd->nation)))
                say(C, nw->members.v[k].pos, KZ_SEV_ERROR, 26,
                    "member '%s' is of nation %s, which is not in releasable_to of network '%s'",
                    nd->id, m->nations[nd->nation].id, nw->id);
        }
    }
}

/* ---- K038: a range against its element ---------------------------------- */

struct ck_at {
    struct ck *C;
    const struct meta *mt;
};

static void range_report(void *ctx, int col, const char *msg)
{
    struct ck_at *A = ctx;
    say(A->C, (struct pos){A->mt->range_pos.line, A->mt->range_pos.col + col - 1}, KZ_SEV_ERROR, 38,
        "%s", msg);
}

static void check_range(struct ck *C, const struct meta *mt, const struct rg_target *t)
{
    struct ck_at A = {C, mt};
    if (mt->rng)
        rg_check(mt->rng, t, range_report, &A);
}

/* An element with no field of its own: only `alternatives:` fits it. */
static void check_range_plain(struct ck *C, const struct meta *mt, const char *what)
{
    check_range(C, mt, &(struct rg_target){what, NULL, 0, -1});
}

static void check_node_range(struct ck *C, const struct node *nd)
{
    const struct rg_field f[] = {
        {"location", RG_U_DEGREES, false, true, 0},
        {"lat", RG_U_DEGREES, true, false, nd->lat},
        {"lon", RG_U_DEGREES, true, false, nd->lon},
        {"utc_offset", RG_U_NUMBER, true, false, nd->utc_offset_min / 60.0},
        {"cells", RG_U_COUNT, true, false, nd->cells},
    };
    check_range(C, &nd->meta, &(struct rg_target){"a node", f, sizeof f / sizeof *f, -1});
}

/* A profile's fields are its actions: the median of each time it gives. */
static void check_profile_range(struct ck *C, const struct profile *p)
{
    struct rg_field f[ACT_COUNT];
    size_t n = 0;
    for (int a = 0; a < ACT_COUNT; a++)
        if (p->has & (1u << a))
            f[n++] = (struct rg_field){kz_action_names[a], RG_U_DURATION, true, false,
                                       kz_dist_median(&p->proc[a])};
    check_range(C, &p->meta, &(struct rg_target){"a profile", f, n, -1});
}

/* By the place the range is written (aliases of one YAML node are equal metas at one place),
 * then by the meta's own place (metas without a range). */
static int cmp_dist_meta(const void *a, const void *b)
{
    const struct meta *x = (*(const struct kz_dist *const *)a)->meta;
    const struct meta *y = (*(const struct kz_dist *const *)b)->meta;
    int k[4] = {x->range_pos.line - y->range_pos.line, x->range_pos.col - y->range_pos.col,
                x->pos.line - y->pos.line, x->pos.col - y->pos.col};
    for (int i = 0; i < 4; i++)
        if (k[i])
            return k[i] < 0 ? -1 : 1;
    return 0;
}

static void add_dist(const struct kz_dist ***v, size_t *n, size_t *cap, const struct kz_dist *d,
                     int *err)
{
    if (!d->meta || d->kind == KZ_DIST_NONE || *err)
        return;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        const struct kz_dist **nv = realloc(*v, nc * sizeof *nv);
        if (!nv) {
            *err = KZ_ENOMEM;
            return;
        }
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = d;
}

/* Every distribution that carries a meta, each written meta once (copies share one, aliases
 * have equal ones at the same place): K031 for an assumption without a range, K038 for its
 * range. */
static void check_dist_ranges(struct ck *C)
{
    const struct kz_model *m = C->m;
    const struct kz_dist **v = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    for (size_t i = 0; i < m->nnodes; i++) {
        const struct node *nd = &m->nodes[i];
        add_dist(&v, &n, &cap, &nd->recall, &err);
        for (int a = 0; a < ACT_COUNT; a++)
            add_dist(&v, &n, &cap, &nd->proc[a], &err);
        for (size_t k = 0; k < nd->nprofiles; k++)
            for (int a = 0; a < ACT_COUNT; a++)
                if (nd->profiles[k].has & (1u << a))
                    add_dist(&v, &n, &cap, &nd->profiles[k].proc[a], &err);
    }
    for (size_t i = 0; i < m->nauthorities; i++)
        add_dist(&v, &n, &cap, &m->authorities[i].delegate_after, &err);
    for (size_t i = 0; i < m->nnetworks; i++) {
        add_dist(&v, &n, &cap, &m->networks[i].overhead, &err);
        add_dist(&v, &n, &cap, &m->networks[i].gateway, &err);
    }
    if (err) {
        C->err = err;
        free(v);
        return;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_dist_meta);
    for (size_t i = 0; i < n; i++) {
        const struct meta *mt = v[i]->meta;
        if (i && !cmp_dist_meta(&v[i], &v[i - 1]))
            continue;
        if (mt->assumption && !mt->range)
            say(C, mt->pos, KZ_SEV_WARNING, 31,
                "the distribution is an assumption without a 'range'");
        struct rg_field f[RG_DIST_FIELDS];
        struct rg_target t;
        rg_dist_target(v[i], f, &t);
        check_range(C, mt, &t);
    }
    free(v);
}

/* ---- K030, K031: sources and assumptions -------------------------------- */

static void check_meta(struct ck *C, const struct meta *mt, const char *what, const char *id)
{
    if (!mt->source && !mt->assumption)
        say(C, mt->pos, KZ_SEV_WARNING, 30,
            "%s%s%s has no 'source' and is not marked 'assumption: true'", what, id ? " " : "",
            id ? id : "");
    if (mt->assumption && !mt->range)
        say(C, mt->pos, KZ_SEV_WARNING, 31, "%s%s%s is an assumption without a 'range'", what,
            id ? " " : "", id ? id : "");
}

static void check_sources(struct ck *C)
{
    const struct kz_model *m = C->m;
    char buf[160];
    check_range_plain(C, &m->meta, "the structure");
    for (size_t i = 0; i < m->nnations; i++) {
        check_meta(C, &m->nations[i].meta, "nation", m->nations[i].id);
        check_range_plain(C, &m->nations[i].meta, "a nation");
    }
    for (size_t i = 0; i < m->nphases; i++) {
        check_meta(C, &m->phases[i].meta, "phase", m->phases[i].id);
        check_range_plain(C, &m->phases[i].meta, "a phase");
    }
    for (size_t i = 0; i < m->ndecisions; i++) {
        check_meta(C, &m->decisions[i].meta, "decision", m->decisions[i].id);
        check_range_plain(C, &m->decisions[i].meta, "a decision");
    }
    for (size_t i = 0; i < m->nvariants; i++) {
        check_meta(C, &m->variants[i].meta, "variant", m->variants[i].id);
        check_range_plain(C, &m->variants[i].meta, "a variant");
    }
    for (size_t i = 0; i < m->nnodes; i++) {
        check_meta(C, &m->nodes[i].meta, "node", m->nodes[i].id);
        check_node_range(C, &m->nodes[i]);
        for (size_t k = 0; k < m->nodes[i].nprofiles; k++) {
            snprintf(buf, sizeof buf, "%zu of node %s", k + 1, m->nodes[i].id);
            check_meta(C, &m->nodes[i].profiles[k].meta, "profile", buf);
            check_profile_range(C, &m->nodes[i].profiles[k]);
        }
    }
    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        snprintf(buf, sizeof buf, "%s -> %s", m->nodes[r->from].id, m->nodes[r->to].id);
        check_meta(C, &r->meta, kz_rel_type_names[r->type], buf);
        check_range_plain(C, &r->meta, "a relation");
    }
    for (size_t i = 0; i < m->nauthorities; i++) {
        const struct authority *a = &m->authorities[i];
        snprintf(buf, sizeof buf, "'%s' held by '%s'", m->decisions[a->decision].id,
                 m->nodes[a->holder].id);
        check_meta(C, &a->meta, "authority", buf);
        check_range_plain(C, &a->meta, "an authority");
        if (a->standing) {
            check_meta(C, &a->standing_meta, "the standing instrument of authority", buf);
            check_range_plain(C, &a->standing_meta, "a standing instrument");
        }
    }
    for (size_t i = 0; i < m->nnetworks; i++) {
        const struct network *nw = &m->networks[i];
        const struct rg_field f[] = {{"path_factor", RG_U_NUMBER, true, false, nw->path_factor}};
        check_meta(C, &nw->meta, "network", nw->id);
        check_range(C, &nw->meta, &(struct rg_target){"a network", f, 1, -1});
    }
    check_dist_ranges(C);
}

int kz_model_check(const kz_model *m, kz_diags *d)
{
    struct ck C = {.m = m, .d = d};
    int rc = build_index(&C);
    if (rc == KZ_OK) {
        check_cycles(&C);
        check_superiors(&C);
        check_national_command(&C);
        check_decisions(&C);
        check_command_paths(&C);
        check_reachability(&C);
        check_networks(&C);
        check_sources(&C);
        rc = C.err;
    }
    free_index(&C);
    return rc;
}
