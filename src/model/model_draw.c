/* model_draw.c - a structure as an org chart through Graphviz's libgvc: nations as clusters, styled
 * relations, networks, legend. */
#include <gvc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "model_impl.h"

/* Graphviz takes `char *` for strings it only reads and copies; these wrappers keep
 * string literals const on our side. */
static void set(void *obj, const char *key, const char *val)
{
    char *k = strdup(key), *v = strdup(val), *empty = strdup("");
    if (k && v && empty)
        agsafeset(obj, k, v, empty);
    free(k);
    free(v);
    free(empty);
}

static Agraph_t *subgraph(Agraph_t *g, const char *name)
{
    char *n = strdup(name);
    Agraph_t *s = n ? agsubg(g, n, 1) : NULL;
    free(n);
    return s;
}

static Agnode_t *gnode(Agraph_t *g, const char *name)
{
    char *n = strdup(name);
    Agnode_t *v = n ? agnode(g, n, 1) : NULL;
    free(n);
    return v;
}

static Agedge_t *gedge(Agraph_t *g, Agnode_t *a, Agnode_t *b, const char *name)
{
    char *n = strdup(name);
    Agedge_t *e = n ? agedge(g, a, b, n, 1) : NULL;
    free(n);
    return e;
}

struct edge_style {
    const char *style, *color, *arrow, *dir, *penwidth;
};

/* One look per relation type; command solid, control lighter, peers without arrows. */
static const struct edge_style rel_style[RT_COUNT] = {
    [RT_COCOM] = {"solid", "black", "normal", "forward", "2.5"},
    [RT_OPCON] = {"solid", "#1f4e9c", "normal", "forward", "1.8"},
    [RT_TACON] = {"dashed", "#1f4e9c", "normal", "forward", "1.4"},
    [RT_ADCON] = {"dotted", "#666666", "normal", "forward", "1.2"},
    [RT_SUPPORT] = {"solid", "#2e8b57", "empty", "forward", "1.4"},
    [RT_COORDINATION] = {"dashed", "#d2691e", "none", "none", "1.6"},
    [RT_LIAISON] = {"dotted", "#8a2be2", "none", "none", "1.6"},
    [RT_DIRLAUTH] = {"dashed", "#8b4513", "none", "none", "1.2"},
};

static const char *kind_shape(enum node_kind k)
{
    switch (k) {
    case NK_NCA:
        return "doubleoctagon";
    case NK_MINISTRY:
        return "tab";
    case NK_COMBATANT_COMMAND:
    case NK_JOINT_HQ:
    case NK_COMPONENT:
        return "box";
    case NK_FORCE:
        return "ellipse";
    case NK_SENSOR:
        return "invtriangle";
    case NK_SHOOTER:
        return "triangle";
    case NK_COORDINATION:
        return "hexagon";
    case NK_AGENCY:
        return "component";
    default:
        return "box";
    }
}

static const char *nation_fill(const char *id)
{
    static const struct {
        const char *id, *fill;
    } fills[] = {{"USA", "#dbe8fb"}, {"JPN", "#fbe0e0"}, {"KOR", "#e0f4e4"},
                 {"AUS", "#fff2cc"}, {"PHL", "#f3e5f5"}, {"TWN", "#e0f7fa"}};
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++)
        if (!strcmp(fills[i].id, id))
            return fills[i].fill;
    return "#eeeeee";
}

static const char *const net_colors[] = {"#c0392b", "#16a085", "#8e44ad", "#d35400",
                                         "#2c3e50", "#27ae60", "#7f8c8d", "#b7950b"};

static void style_edge(Agedge_t *e, enum rel_type t)
{
    const struct edge_style *s = &rel_style[t];
    set(e, "style", s->style);
    set(e, "color", s->color);
    set(e, "arrowhead", s->arrow);
    set(e, "dir", s->dir);
    set(e, "penwidth", s->penwidth);
}

static void build(Agraph_t *g, const struct kz_model *m, phase_mask want, Agnode_t **gv)
{
    char buf[512];
    set(g, "rankdir", "TB");
    set(g, "fontname", "Helvetica");
    set(g, "newrank", "true");
    set(g, "nodesep", "0.25");
    set(g, "ranksep", "0.6");
    snprintf(buf, sizeof buf, "%s\n%s", m->name, m->title);
    set(g, "label", buf);
    set(g, "labelloc", "t");
    set(g, "fontsize", "20");

    for (size_t nat = 0; nat < m->nnations; nat++) {
        snprintf(buf, sizeof buf, "cluster_%s", m->nations[nat].id);
        Agraph_t *c = subgraph(g, buf);
        if (!c)
            continue;
        snprintf(buf, sizeof buf, "%s%s", m->nations[nat].name,
                 m->nations[nat].national_command ? " (keeps national command)" : "");
        set(c, "label", buf);
        set(c, "style", "rounded,filled");
        set(c, "fillcolor", nation_fill(m->nations[nat].id));
        set(c, "color", "#999999");
        set(c, "fontname", "Helvetica-Bold");
        for (size_t v = 0; v < m->nnodes; v++) {
            const struct node *nd = &m->nodes[v];
            if (nd->nation != (int)nat)
                continue;
            gv[v] = gnode(c, nd->id);
            if (!gv[v])
                continue;
            char grade[40] = "";
            if (nd->grade != GR_NONE && nd->grade != GR_CIVILIAN)
                snprintf(grade, sizeof grade, "\n%s", kz_grade_names[nd->grade]);
            char comb[80] = "";
            if (nd->combined) {
                strcpy(comb, "\ncombined with ");
                for (size_t k = 0; k < m->nnations; k++)
                    if (nd->combined & ((nation_mask)1 << k)) {
                        strncat(comb, m->nations[k].id, sizeof comb - strlen(comb) - 2);
                        strcat(comb, " ");
                    }
            }
            snprintf(buf, sizeof buf, "%s%s%s", nd->name, grade, comb);
            set(gv[v], "label", buf);
            set(gv[v], "shape", kind_shape(nd->kind));
            set(gv[v], "style", nd->kind == NK_COMPONENT ? "rounded,filled" : "filled");
            set(gv[v], "fillcolor", "white");
            set(gv[v], "fontname", "Helvetica");
            set(gv[v], "fontsize", "10");
            set(gv[v], "tooltip", nd->id);
            if (nd->kind == NK_COMBATANT_COMMAND || nd->kind == NK_JOINT_HQ)
                set(gv[v], "penwidth", "2");
        }
    }

    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        if (!(r->phases & want) || !gv[r->from] || !gv[r->to])
            continue;
        snprintf(buf, sizeof buf, "r%zu", i);
        Agedge_t *e = gedge(g, gv[r->from], gv[r->to], buf);
        if (!e)
            continue;
        style_edge(e, r->type);
        /* Peer links should not pull nodes into a hierarchy. */
        if (rel_is_peer(r->type))
            set(e, "constraint", "false");
        if (r->type != RT_COCOM && r->type != RT_OPCON) {
            set(e, "xlabel", kz_rel_type_names[r->type]);
            set(e, "fontsize", "8");
            set(e, "fontcolor", rel_style[r->type].color);
        }
    }

    Agraph_t *nets = m->nnetworks ? subgraph(g, "cluster_networks") : NULL;
    if (nets) {
        set(nets, "label", "Networks");
        set(nets, "style", "rounded,dashed");
        set(nets, "fontname", "Helvetica-Bold");
    }
    for (size_t i = 0; nets && i < m->nnetworks; i++) {
        const struct network *nw = &m->networks[i];
        if (!(nw->phases & want))
            continue;
        const char *col = net_colors[i % (sizeof net_colors / sizeof net_colors[0])];
        snprintf(buf, sizeof buf, "net:%s", nw->id);
        Agnode_t *n = gnode(nets, buf);
        if (!n)
            continue;
        snprintf(buf, sizeof buf, "%s\n%s, %s", nw->name, kz_classif_names[nw->ceiling],
                 nw->topology == TOPO_HUB ? "hub-and-spoke" : "direct");
        set(n, "label", buf);
        set(n, "shape", "cylinder");
        set(n, "style", "filled");
        set(n, "fillcolor", "white");
        set(n, "color", col);
        set(n, "fontcolor", col);
        set(n, "fontname", "Helvetica");
        set(n, "fontsize", "9");
        for (size_t k = 0; k < nw->members.n; k++) {
            int v = nw->members.v[k].idx;
            if (!gv[v])
                continue;
            snprintf(buf, sizeof buf, "n%zu.%zu", i, k);
            Agedge_t *e = gedge(g, gv[v], n, buf);
            if (!e)
                continue;
            set(e, "color", col);
            set(e, "style", v == nw->hub ? "bold" : "solid");
            set(e, "penwidth", v == nw->hub ? "2.5" : "0.6");
            set(e, "arrowhead", "none");
            set(e, "constraint", "false");
        }
    }

    /* Legend: one sample edge per relation type, side by side, and one sample node per
     * kind used; no chaining edges, so the legend stays a short band. */
    Agraph_t *lg = subgraph(g, "cluster_legend");
    if (!lg)
        return;
    set(lg, "label", "Legend");
    set(lg, "fontname", "Helvetica-Bold");
    set(lg, "style", "rounded");
    set(lg, "color", "#999999");
    /* Two same-rank rows (points above, names below) chained left to right by
     * invisible edges, so the sample edges run parallel and never cross. */
    Agraph_t *top = subgraph(lg, "legend_top"), *bottom = subgraph(lg, "legend_bottom");
    if (!top || !bottom)
        return;
    set(top, "rank", "same");
    set(bottom, "rank", "same");
    Agnode_t *pa = NULL, *pb = NULL;
    for (int t = 0; t < RT_COUNT; t++) {
        snprintf(buf, sizeof buf, "legend_a%d", t);
        Agnode_t *a = gnode(top, buf);
        snprintf(buf, sizeof buf, "legend_b%d", t);
        Agnode_t *b = gnode(bottom, buf);
        if (!a || !b)
            continue;
        set(a, "shape", "point");
        set(a, "width", "0.05");
        set(b, "shape", "plaintext");
        set(b, "label", kz_rel_type_names[t]);
        set(b, "fontname", "Helvetica");
        set(b, "fontsize", "10");
        snprintf(buf, sizeof buf, "legend_e%d", t);
        Agedge_t *e = gedge(lg, a, b, buf);
        if (e)
            style_edge(e, (enum rel_type)t);
        if (pa && pb) {
            snprintf(buf, sizeof buf, "legend_oa%d", t);
            Agedge_t *oa = gedge(top, pa, a, buf);
            snprintf(buf, sizeof buf, "legend_ob%d", t);
            Agedge_t *ob = gedge(bottom, pb, b, buf);
            if (oa)
                set(oa, "style", "invis");
            if (ob)
                set(ob, "style", "invis");
        }
        pa = a;
        pb = b;
    }
    for (int k = 0; k < NK_COUNT; k++) {
        bool used = false;
        for (size_t v = 0; v < m->nnodes && !used; v++)
            used = m->nodes[v].kind == (enum node_kind)k;
        if (!used)
            continue;
        snprintf(buf, sizeof buf, "legend_k%d", k);
        Agnode_t *a = gnode(bottom, buf);
        if (!a)
            continue;
        set(a, "shape", kind_shape((enum node_kind)k));
        set(a, "label", kz_node_kind_names[k]);
        set(a, "fontname", "Helvetica");
        set(a, "fontsize", "9");
        set(a, "style", "filled");
        set(a, "fillcolor", "white");
    }
}

static char gv_error[256];

/*
 * One Graphviz context for the whole process, never freed. Graphviz 2.43's pango
 * plugin caches a font-name pointer across contexts; gvFreeContext frees the name,
 * and the next layout in the same process then reads freed memory (found by ASan in
 * test_model). Keeping the context alive avoids that. Graphviz is not thread-safe in
 * any case, so kz_model_draw must not be called from two threads at once.
 */
static GVC_t *shared_context(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

static int capture_error(char *msg)
{
    if (!gv_error[0]) {
        snprintf(gv_error, sizeof gv_error, "%s", msg);
        size_t n = strlen(gv_error);
        while (n && (gv_error[n - 1] == '\n' || gv_error[n - 1] == ' '))
            gv_error[--n] = '\0';
    }
    return 0;
}

int kz_model_draw(const kz_model *m, int phase, const char *path, const char *format, char *err,
                  size_t errlen)
{
    if (strcmp(format, "svg") != 0 && strcmp(format, "png") != 0) {
        snprintf(err, errlen, "unsupported format '%s' (use svg or png)", format);
        return KZ_EINVAL;
    }
    int rc = KZ_OK;
    Agnode_t **gv = calloc(m->nnodes ? m->nnodes : 1, sizeof *gv);
    GVC_t *gvc = shared_context();
    char *name = strdup(m->name[0] ? m->name : "structure");
    Agraph_t *g = NULL;
    if (!gv || !gvc || !name) {
        snprintf(err, errlen, "out of memory");
        rc = KZ_ENOMEM;
        goto out;
    }
    /* Keep Graphviz from printing: collect its first message for the caller instead. */
    gv_error[0] = '\0';
    agseterr(AGERR);
    agseterrf(capture_error);
    g = agopen(name, Agdirected, NULL);
    if (!g) {
        snprintf(err, errlen, "graphviz could not create a graph");
        rc = KZ_EGRAPH;
        goto out;
    }
    build(g, m, phase < 0 ? phase_all(m) : 1u << phase, gv);
    if (gvLayout(gvc, g, "dot") != 0) {
        snprintf(err, errlen, "graphviz layout failed: %s", gv_error);
        rc = KZ_EGRAPH;
        goto out;
    }
    FILE *probe = fopen(path, "wb");
    if (!probe) {
        snprintf(err, errlen, "cannot write %s", path);
        rc = KZ_EIO;
        gvFreeLayout(gvc, g);
        goto out;
    }
    fclose(probe);
    if (gvRenderFilename(gvc, g, format, path) != 0) {
        snprintf(err, errlen, "graphviz could not render %s: %s", format, gv_error);
        rc = KZ_EGRAPH;
    }
    gvFreeLayout(gvc, g);
out:
    if (g)
        agclose(g);
    agseterrf(NULL);
    free(name);
    free(gv);
    return rc;
}
