/* route.c - routes under the release gate: next hops towards a destination, cached per world state. */
#include "route.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "kizuna/util.h"

#define CACHE_SETS  128
#define CACHE_WAYS  8
#define CACHE_SLOTS (CACHE_SETS * CACHE_WAYS)
#define KM_MATRIX_MAX 2048 /* nodes up to which distances are tabulated */
#define LIGHT_KM_S  200000.0 /* light in fibre, km/s */

/* A REL/CMD hop. NET hops are not stored: see node_nets. */
struct redge {
    int32_t from; /* the hop is from -> (the node whose list this is) */
    int32_t rel;  /* the relation */
    uint32_t nets_off, nnets; /* common networks, fastest first */
};

struct rlist {
    struct redge *v;
    size_t n, cap;
};

struct slot {
    bool used, structural;
    uint8_t graph, cls;
    int32_t dst, phase;
    uint64_t rel, disc, outages;
    struct hop *table;
};

struct router {
    const struct kz_model *m;
    size_t n;
    struct rlist *radj[G_COUNT]; /* [node]: REL/CMD edges arriving at node; NULL for NET */
    /*
     * The NET graph implicitly: the networks each node is on, ascending. Any two members of
     * a mesh are one hop apart, so storing the hops would take members squared edges (over
     * 4 GB for a 10,000-member mesh); the search walks the network's member list instead.
     */
    uint32_t *node_nets_off;     /* [node + 1] into node_nets */
    int32_t *node_nets;
    uint8_t *hub_on;             /* [network]: a hub network whose hub is a member */
    int32_t *nets;               /* common-network lists of REL/CMD edges */
    double *nets_cost;           /* mean hop time over each of them */
    size_t nnets, capnets;
    float *km;                   /* [a * n + b] great-circle km, or NULL for big structures */
    nation_mask *net_nations;
    double *net_overhead_mean;
    double *gw_mean; /* [network]: an automatic network's mean gateway time; NAN: manual */
    double *relay_mean, *order_mean, *review_mean; /* [node] */
    struct slot cache[CACHE_SLOTS];
    /* Dijkstra scratch */
    double *dist;
    uint8_t *fixed;
};

static int push_edge(struct rlist *l, struct redge e)
{
    struct redge *v = kz_grow(l->v, &l->cap, l->n + 1, sizeof *v);
    if (!v)
        return KZ_ENOMEM;
    l->v = v;
    l->v[l->n++] = e;
    return 0;
}

static bool on_net(const struct router *r, int node, int net)
{
    for (uint32_t i = r->node_nets_off[node]; i < r->node_nets_off[node + 1]; i++)
        if (r->node_nets[i] == net)
            return true;
    return false;
}

static double hop_mean(const struct router *r, int a, int b, int net)
{
    return router_prop_s(r, a, b, net) + r->net_overhead_mean[net];
}

/* Appends the networks joining a and b, fastest first, for a REL/CMD edge. */
static int common_nets(struct router *r, int a, int b, uint32_t *off, uint32_t *cnt)
{
    *off = (uint32_t)r->nnets;
    *cnt = 0;
    /* a's networks in ascending order: the same order as a scan of all networks */
    for (uint32_t ai = r->node_nets_off[a]; ai < r->node_nets_off[a + 1]; ai++) {
        int k = r->node_nets[ai];
        const struct network *nw = &r->m->networks[k];
        if (!on_net(r, b, k))
            continue;
        if (nw->topology == TOPO_HUB && nw->hub != a && nw->hub != b)
            continue; /* spokes talk through the hub, not to each other */
        size_t c1 = r->capnets, c2 = r->capnets; /* two arrays, one capacity */
        int32_t *v = kz_grow(r->nets, &c1, r->nnets + 1, sizeof *v);
        if (!v)
            return KZ_ENOMEM;
        r->nets = v;
        double *c = kz_grow(r->nets_cost, &c2, r->nnets + 1, sizeof *c);
        if (!c)
            return KZ_ENOMEM;
        r->nets_cost = c;
        r->capnets = c1;
        /* insertion by mean hop time */
        size_t i = r->nnets++;
        double t = hop_mean(r, a, b, k);
        while (i > *off && r->nets_cost[i - 1] > t) {
            r->nets[i] = r->nets[i - 1];
            r->nets_cost[i] = r->nets_cost[i - 1];
            i--;
        }
        r->nets[i] = k;
        r->nets_cost[i] = t;
        (*cnt)++;
    }
    return 0;
}

/* Lists the networks each node is on, ascending and once each: the NET graph, linear in members. */
static int build_memberships(struct router *r)
{
    const struct kz_model *m = r->m;
    size_t n = r->n, total = 0;
    int32_t *last = malloc((n ? n : 1) * sizeof *last);
    r->node_nets_off = calloc(n + 1, sizeof *r->node_nets_off);
    r->hub_on = calloc(m->nnetworks ? m->nnetworks : 1, 1);
    if (!last || !r->node_nets_off || !r->hub_on) {
        free(last);
        return KZ_ENOMEM;
    }
    /* two passes (count, fill); `last` drops a node listed twice on one network */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++)
            last[i] = -1;
        for (size_t k = 0; k < m->nnetworks; k++) {
            const struct network *nw = &m->networks[k];
            for (size_t i = 0; i < nw->members.n; i++) {
                int u = nw->members.v[i].idx;
                if (last[u] == (int32_t)k)
                    continue;
                last[u] = (int32_t)k;
                if (pass == 0) {
                    r->node_nets_off[u + 1]++;
                    total++;
                } else {
                    r->node_nets[r->node_nets_off[u]++] = (int32_t)k;
                }
                if (nw->topology == TOPO_HUB && u == nw->hub)
                    r->hub_on[k] = 1;
            }
        }
        if (pass == 0) {
            if (total > UINT32_MAX) {
                free(last);
                return KZ_ELIMIT;
            }
            for (size_t i = 0; i < n; i++)
                r->node_nets_off[i + 1] += r->node_nets_off[i];
            if (!(r->node_nets = malloc((total ? total : 1) * sizeof *r->node_nets))) {
                free(last);
                return KZ_ENOMEM;
            }
        }
    }
    /* the fill used node_nets_off[u] as u's cursor, leaving it at u + 1's start */
    for (size_t i = n; i > 0; i--)
        r->node_nets_off[i] = r->node_nets_off[i - 1];
    r->node_nets_off[0] = 0;
    free(last);
    return 0;
}

int router_create(const struct kz_model *m, struct router **out)
{
    *out = NULL;
    struct router *r = calloc(1, sizeof *r);
    if (!r)
        return KZ_ENOMEM;
    r->m = m;
    r->n = m->nnodes;
    size_t n = m->nnodes, nn = m->nnetworks ? m->nnetworks : 1;
    int rc = KZ_ENOMEM;
    for (int g = G_REL; g <= G_CMD; g++)
        if (!(r->radj[g] = calloc(n ? n : 1, sizeof *r->radj[g])))
            goto fail;
    r->net_nations = calloc(nn, sizeof *r->net_nations);
    r->net_overhead_mean = calloc(nn, sizeof *r->net_overhead_mean);
    r->gw_mean = calloc(nn, sizeof *r->gw_mean);
    r->relay_mean = calloc(n + 1, sizeof(double));
    r->order_mean = calloc(n + 1, sizeof(double));
    r->review_mean = calloc(n + 1, sizeof(double));
    r->dist = calloc(2 * n + 2, sizeof *r->dist);
    r->fixed = calloc(2 * n + 2, 1);
    if (!r->net_nations || !r->net_overhead_mean || !r->gw_mean || !r->relay_mean || !r->order_mean ||
        !r->review_mean || !r->dist || !r->fixed)
        goto fail;
    if ((rc = build_memberships(r)))
        goto fail;
    rc = KZ_ENOMEM;
    if (n <= KM_MATRIX_MAX) {
        if (!(r->km = malloc(n * n * sizeof *r->km + 1)))
            goto fail;
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++)
                r->km[a * n + b] = (float)kz_geo_km(m->nodes[a].lat, m->nodes[a].lon,
                                                    m->nodes[b].lat, m->nodes[b].lon);
    }
    for (size_t i = 0; i < n; i++) {
        r->relay_mean[i] = kz_dist_mean(&m->nodes[i].proc[ACT_RELAY]);
        r->order_mean[i] = kz_dist_mean(&m->nodes[i].proc[ACT_ORDER]);
        r->review_mean[i] = kz_dist_mean(&m->nodes[i].proc[ACT_REVIEW]);
    }
    for (size_t k = 0; k < m->nnetworks; k++) {
        const struct network *nw = &m->networks[k];
        r->net_overhead_mean[k] = kz_dist_mean(&nw->overhead);
        r->gw_mean[k] = nw->automatic ? kz_dist_mean(&nw->gateway) : NAN;
        for (size_t i = 0; i < nw->members.n; i++) {
            const struct node *nd = &m->nodes[nw->members.v[i].idx];
            r->net_nations[k] |= ((nation_mask)1 << nd->nation) | nd->combined;
        }
    }
    for (size_t k = 0; k < m->nrelations; k++) {
        const struct relation *rl = &m->relations[k];
        struct redge e = {rl->from, (int32_t)k, 0, 0};
        if (common_nets(r, rl->from, rl->to, &e.nets_off, &e.nnets))
            goto fail;
        /* requests go both ways along every relation */
        if (push_edge(&r->radj[G_REL][rl->to], e))
            goto fail;
        struct redge back = e;
        back.from = rl->to;
        if (push_edge(&r->radj[G_REL][rl->from], back))
            goto fail;
        if (rel_is_command(rl->type) && push_edge(&r->radj[G_CMD][rl->to], e))
            goto fail;
    }
    *out = r;
    return 0;
fail:
    router_free(r);
    return rc;
}

void router_free(struct router *r)
{
    if (!r)
        return;
    for (int g = 0; g < G_COUNT; g++) {
        if (!r->radj[g])
            continue;
        for (size_t i = 0; i < r->n; i++)
            free(r->radj[g][i].v);
        free(r->radj[g]);
    }
    for (int i = 0; i < CACHE_SLOTS; i++)
        free(r->cache[i].table);
    free(r->node_nets_off);
    free(r->node_nets);
    free(r->hub_on);
    free(r->nets);
    free(r->nets_cost);
    free(r->km);
    free(r->net_nations);
    free(r->net_overhead_mean);
    free(r->gw_mean);
    free(r->relay_mean);
    free(r->order_mean);
    free(r->review_mean);
    free(r->dist);
    free(r->fixed);
    free(r);
}

double router_prop_s(const struct router *r, int a, int b, int net)
{
    double pf = r->m->networks[net].path_factor;
    double km;
    if (r->km) {
        km = r->km[(size_t)a * r->n + (size_t)b];
    } else {
        const struct node *x = &r->m->nodes[a], *y = &r->m->nodes[b];
        km = kz_geo_km(x->lat, x->lon, y->lat, y->lon);
    }
    return km * (pf > 0 ? pf : 1.0) / LIGHT_KM_S;
}

nation_mask router_net_nations(const struct router *r, int net) { return r->net_nations[net]; }

size_t router_edges(const struct router *r)
{
    size_t e = 0;
    for (int g = 0; g < G_COUNT; g++)
        for (size_t i = 0; r->radj[g] && i < r->n; i++)
            e += r->radj[g][i].n;
    return e;
}

size_t router_bytes(const struct router *r)
{
    size_t n = r->n, nn = r->m->nnetworks ? r->m->nnetworks : 1;
    size_t b = sizeof *r;
    for (int g = 0; g < G_COUNT; g++) {
        if (!r->radj[g])
            continue;
        b += (n ? n : 1) * sizeof *r->radj[g];
        for (size_t i = 0; i < n; i++)
            b += r->radj[g][i].cap * sizeof(struct redge);
    }
    b += (n + 1) * sizeof *r->node_nets_off + r->node_nets_off[n] * sizeof *r->node_nets + nn;
    b += r->capnets * (sizeof *r->nets + sizeof *r->nets_cost);
    if (r->km)
        b += n * n * sizeof *r->km + 1;
    b += nn * (sizeof *r->net_nations + sizeof *r->net_overhead_mean);
    b += 3 * (n + 1) * sizeof(double) + (2 * n + 2) * (sizeof *r->dist + 1);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (r->cache[i].table)
            b += 2 * n * sizeof(struct hop) + 1;
    return b;
}

static bool node_ok(const struct world *w, int v, bool structural)
{
    return structural || !w->node_down[v];
}

static bool link_ok(const struct world *w, int a, int b, bool structural)
{
    if (structural)
        return true;
    if ((w->cutmask[a] ^ w->cutmask[b]) & w->active_cuts)
        return false;
    for (int i = 0; i < w->nlinks; i++)
        if ((w->links[i][0] == a && w->links[i][1] == b) ||
            (w->links[i][0] == b && w->links[i][1] == a))
            return false;
    return true;
}

/* The release gate and the network's own state. */
static bool net_ok(const struct router *r, int net, enum classif cls, nation_mask rel,
                   const struct world *w, bool structural)
{
    const struct network *nw = &r->m->networks[net];
    if (!(nw->phases & (1u << w->phase)))
        return false;
    if (!structural && w->net_down[net])
        return false;
    return (enum classif)nw->ceiling >= cls && (r->net_nations[net] & ~rel) == 0;
}

static uint64_t slot_hash(int g, int dst, int cls, uint64_t rel, uint64_t disc, int phase,
                          uint64_t outages, bool structural)
{
    uint64_t h = 0xcbf29ce484222325ull;
    uint64_t parts[] = {(uint64_t)g, (uint64_t)dst, (uint64_t)cls, rel, disc,
                        (uint64_t)phase, outages, structural};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        h ^= parts[i];
        h *= 0x100000001b3ull;
        h ^= h >> 29;
    }
    return h;
}

/* One settled state of the backward search: where it relaxes from and what it carries. */
struct settle {
    struct hop *t;
    int v, f;           /* the settled node and review state */
    double base;        /* its distance plus its processing: the cost before the hop */
    double base_auto;   /* the same when a hop in over an automatic network is relayed on by
                           machine (its next hop is over one too: docs/scenario.md); NAN: no */
    enum classif cls;
    nation_mask set;    /* releasable set in this review state */
    const struct world *w;
    bool structural;
};

/* A hop u -> v over `net` costing `hop`: taken if it improves u's distance (the first of
 * equal offers wins, so the order of offers is the tie-break). */
static void offer(struct router *r, const struct settle *st, int u, int net, double hop)
{
    size_t su = 2 * (size_t)u + (size_t)st->f;
    double c = (isnan(st->base_auto) || isnan(r->gw_mean[net]) ? st->base : st->base_auto) + hop;
    if (c < r->dist[su]) {
        r->dist[su] = c;
        st->t[su] = (struct hop){st->v, net};
    }
}

/* Relaxes the NET hops into v: every member of each mesh v is on, the hub of each hub network
 * v is a spoke of, every member of each hub network v is the hub of. Networks go in ascending
 * order, as the stored edges went, so equal offers resolve as they did. */
static void relax_net(struct router *r, const struct settle *st)
{
    const struct kz_model *m = r->m;
    int v = st->v;
    for (uint32_t i = r->node_nets_off[v]; i < r->node_nets_off[v + 1]; i++) {
        int k = r->node_nets[i];
        if (!net_ok(r, k, st->cls, st->set, st->w, st->structural))
            continue;
        const struct network *nw = &m->networks[k];
        /*
         * A hop costs its propagation (>= 0, or NaN) plus the overhead, so no hop over k
         * offers less than base + overhead: a node already as close is skipped before its
         * propagation is computed. Rounding is monotonic, so the skip is exact.
         */
        double least = (isnan(st->base_auto) || isnan(r->gw_mean[k]) ? st->base : st->base_auto) +
                       r->net_overhead_mean[k];
        bool spoke = nw->topology == TOPO_HUB && nw->hub != v;
        size_t nu = spoke ? (r->hub_on[k] ? 1 : 0) : nw->members.n;
        for (size_t j = 0; j < nu; j++) {
            int u = spoke ? nw->hub : nw->members.v[j].idx;
            size_t su = 2 * (size_t)u + (size_t)st->f;
            if (u == v || r->fixed[su] || !(least < r->dist[su]))
                continue;
            if (!node_ok(st->w, u, st->structural) || !link_ok(st->w, u, v, st->structural))
                continue;
            offer(r, st, u, k, hop_mean(r, u, v, k));
        }
    }
}

/* Relaxes the REL or CMD edges into v, each over the fastest common network that passes. */
static void relax_rel(struct router *r, const struct settle *st, enum graph g)
{
    const struct kz_model *m = r->m;
    const struct rlist *l = &r->radj[g][st->v];
    for (size_t i = 0; i < l->n; i++) {
        const struct redge *e = &l->v[i];
        int u = e->from;
        size_t su = 2 * (size_t)u + (size_t)st->f;
        if (r->fixed[su] || !node_ok(st->w, u, st->structural) ||
            !link_ok(st->w, u, st->v, st->structural))
            continue;
        if (!(m->relations[e->rel].phases & (1u << st->w->phase)))
            continue;
        for (uint32_t k = 0; k < e->nnets; k++)
            if (net_ok(r, r->nets[e->nets_off + k], st->cls, st->set, st->w, st->structural)) {
                offer(r, st, u, r->nets[e->nets_off + k], r->nets_cost[e->nets_off + k]);
                break;
            }
    }
}

static void compute(struct router *r, struct hop *t, enum graph g, int dst, enum classif cls,
                    nation_mask rel, nation_mask disc, const struct world *w, bool structural)
{
    const struct kz_model *m = r->m;
    size_t n = r->n, ns = 2 * n;
    nation_mask set[2] = {rel, rel | disc};
    for (size_t s = 0; s < ns; s++) {
        r->dist[s] = INFINITY;
        r->fixed[s] = 0;
        t[s] = (struct hop){HOP_NONE, -1};
    }
    if (node_ok(w, dst, structural))
        for (int f = 0; f < 2; f++)
            if (set[f] & ((nation_mask)1 << m->nodes[dst].nation))
                r->dist[2 * (size_t)dst + (size_t)f] = 0;
    for (;;) {
        size_t best = ns;
        double bd = INFINITY;
        for (size_t s = 0; s < ns; s++)
            if (!r->fixed[s] && r->dist[s] < bd) {
                bd = r->dist[s];
                best = s;
            }
        if (best == ns)
            break;
        r->fixed[best] = 1;
        int v = (int)(best / 2), f = (int)(best % 2);
        /* review transition (u,0) -> (u,1) at the same node */
        if (f == 1 && disc && !r->fixed[best - 1]) {
            const struct node *nd = &m->nodes[v];
            if ((nd->caps & CAP_FOREIGN_DISCLOSURE) && (rel & ((nation_mask)1 << nd->nation)) &&
                node_ok(w, v, structural)) {
                double c = bd + r->review_mean[v];
                if (c < r->dist[best - 1]) {
                    r->dist[best - 1] = c;
                    t[best - 1] = (struct hop){HOP_REVIEW, -1};
                }
            }
        }
        if (!node_ok(w, v, structural))
            continue;
        double proc = v == dst ? 0 : (g == G_CMD ? r->order_mean[v] : r->relay_mean[v]);
        double base_auto = NAN; /* tracks, alerts and reports only: people re-issue the rest */
        if (g == G_NET && v != dst && t[best].next >= 0 && !isnan(r->gw_mean[t[best].net]))
            base_auto = bd + r->gw_mean[t[best].net];
        struct settle st = {t, v, f, bd + proc, base_auto, cls, set[f], w, structural};
        if (g == G_NET)
            relax_net(r, &st);
        else
            relax_rel(r, &st, g);
    }
}

const struct hop *router_table(struct router *r, enum graph g, int dst, enum classif cls,
                               nation_mask rel, nation_mask disc, const struct world *w,
                               bool structural)
{
    uint64_t outages = structural ? 0 : w->outages;
    uint64_t h = slot_hash(g, dst, cls, rel, disc, w->phase, outages, structural);
    struct slot *set = &r->cache[(h % CACHE_SETS) * CACHE_WAYS], *s = NULL;
    for (int i = 0; i < CACHE_WAYS; i++) {
        struct slot *x = &set[i];
        if (!x->used) {
            if (!s)
                s = x;
            continue;
        }
        if (x->graph == g && x->dst == dst && x->cls == cls && x->rel == rel && x->disc == disc &&
            x->phase == w->phase && x->outages == outages && x->structural == structural)
            return x->table;
    }
    if (!s) /* a full set: evict a way chosen by the key, so runs stay reproducible */
        s = &set[(h >> 32) % CACHE_WAYS];
    if (!s->table && !(s->table = malloc(2 * r->n * sizeof *s->table + 1)))
        return NULL;
    compute(r, s->table, g, dst, cls, rel, disc, w, structural);
    s->used = true;
    s->structural = structural;
    s->graph = (uint8_t)g;
    s->dst = dst;
    s->cls = (uint8_t)cls;
    s->rel = rel;
    s->disc = disc;
    s->phase = w->phase;
    s->outages = outages;
    return s->table;
}
