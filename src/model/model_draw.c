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
        return "invhouse";
    case NK_SHOOTER:
        return "house";
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

/* Copies s into out with the characters HTML-like labels reserve escaped. */
static void html_escape(const char *s, char *out, size_t n)
{
    size_t w = 0;
    for (; *s && w + 7 < n; s++) {
        const char *rep = *s == '&'   ? "&amp;"
                          : *s == '<' ? "&lt;"
                          : *s == '>' ? "&gt;"
                          : *s == '"' ? "&quot;"
                                      : NULL;
        if (rep) {
            memcpy(out + w, rep, strlen(rep));
            w += strlen(rep);
        } else {
            out[w++] = *s;
        }
    }
    out[w] = '\0';
}

static void style_edge(Agedge_t *e, enum rel_type t)
{
    const struct edge_style *s = &rel_style[t];
    set(e, "style", s->style);
    set(e, "color", s->color);
    set(e, "arrowhead", s->arrow);
    set(e, "dir", s->dir);
    set(e, "penwidth", s->penwidth);
}

/* A plaintext node whose label is a Graphviz HTML-like table. */
static void html_node(Agraph_t *g, const char *name, char *html)
{
    char key[] = "label", dflt[] = "\\N";
    Agnode_t *n = gnode(g, name);
    Agsym_t *sym = agattr(g, AGNODE, key, NULL);
    if (!sym)
        sym = agattr(g, AGNODE, key, dflt);
    char *h = n && sym ? agstrdup_html(g, html) : NULL;
    if (!h)
        return;
    agxset(n, sym, h);
    agstrfree(g, h);
    set(n, "shape", "plaintext");
    set(n, "fontname", "Helvetica");
    set(n, "fontsize", "10");
}

static void build(Agraph_t *g, const struct kz_model *m, phase_mask want, Agnode_t **gv)
{
    char buf[512];
    /* Left to right: a headquarters with many subordinates becomes a column, not a row. */
    set(g, "rankdir", "LR");
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

    /* Networks as one table rather than a line per member: with a dozen networks the
     * lines cross the whole chart and hide the chain of command. */
    if (m->nnetworks) {
        size_t cap = 4096 + m->nnetworks * 2048, w = 0;
        char *html = malloc(cap);
        if (!html)
            return;
        w += (size_t)snprintf(html + w, cap - w,
                              "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                              "CELLPADDING=\"3\"><TR><TD COLSPAN=\"5\"><B>Networks</B></TD></TR>"
                              "<TR><TD><B>network</B></TD><TD><B>ceiling</B></TD>"
                              "<TD><B>routing</B></TD><TD><B>members</B></TD>"
                              "<TD><B>releasable to</B></TD></TR>");
        for (size_t i = 0; i < m->nnetworks && w < cap - 1024; i++) {
            const struct network *nw = &m->networks[i];
            if (!(nw->phases & want))
                continue;
            char name[200], members[1400] = "", rel[200] = "", route[120];
            html_escape(nw->name, name, sizeof name);
            for (size_t k = 0; k < nw->members.n; k++) {
                char id[80];
                html_escape(m->nodes[nw->members.v[k].idx].id, id, sizeof id);
                if (k)
                    strncat(members, k % 6 ? ", " : ",<BR/>", sizeof members - strlen(members) - 1);
                strncat(members, id, sizeof members - strlen(members) - 1);
            }
            for (size_t n = 0; n < m->nnations; n++)
                if (nw->releasable & ((nation_mask)1 << n)) {
                    if (rel[0])
                        strncat(rel, " ", sizeof rel - strlen(rel) - 1);
                    strncat(rel, m->nations[n].id, sizeof rel - strlen(rel) - 1);
                }
            if (nw->topology == TOPO_HUB && nw->hub >= 0) {
                char hub[80];
                html_escape(m->nodes[nw->hub].id, hub, sizeof hub);
                snprintf(route, sizeof route, "via %s", hub);
            } else {
                snprintf(route, sizeof route, "direct");
            }
            w += (size_t)snprintf(html + w, cap - w,
                                  "<TR><TD ALIGN=\"LEFT\">%s</TD><TD>%s</TD><TD>%s</TD>"
                                  "<TD ALIGN=\"LEFT\">%s</TD><TD>%s</TD></TR>",
                                  name, kz_classif_names[nw->ceiling], route, members, rel);
        }
        if (w < cap - 16)
            snprintf(html + w, cap - w, "</TABLE>");
        html_node(g, "networks", html);
        free(html);
    }

    /* Legend: a table of line styles and shapes, placed like the networks table. */
    static const char *const rel_glyph[RT_COUNT] = {
        [RT_COCOM] = "&#9473;&#9473;&#9473;&#9654;",
        [RT_OPCON] = "&#9472;&#9472;&#9472;&#9654;",
        [RT_TACON] = "&#9588; &#9588; &#9588;&#9654;",
        [RT_ADCON] = "&#183;&#183;&#183;&#183;&#183;&#9654;",
        [RT_SUPPORT] = "&#9472;&#9472;&#9472;&#9655;",
        [RT_COORDINATION] = "&#9588; &#9588; &#9588; ",
        [RT_LIAISON] = "&#183;&#183;&#183;&#183;&#183;&#183;",
        [RT_DIRLAUTH] = "&#9588; &#9588; &#9588; "};
    static const char *const rel_meaning[RT_COUNT] = {
        [RT_COCOM] = "command (national / combatant)",
        [RT_OPCON] = "operational control",
        [RT_TACON] = "tactical control",
        [RT_ADCON] = "administrative control",
        [RT_SUPPORT] = "support (supported to supporting)",
        [RT_COORDINATION] = "peers coordinate, no command",
        [RT_LIAISON] = "liaison officers exchanged",
        [RT_DIRLAUTH] = "direct liaison authorized"};
    static const char *const shape_words[NK_COUNT] = {
        [NK_NCA] = "double octagon",         [NK_MINISTRY] = "tab",
        [NK_COMBATANT_COMMAND] = "bold box", [NK_JOINT_HQ] = "bold box",
        [NK_COMPONENT] = "rounded box",      [NK_FORCE] = "ellipse",
        [NK_SENSOR] = "inverted house",      [NK_SHOOTER] = "house",
        [NK_COORDINATION] = "hexagon",       [NK_AGENCY] = "component box"};
    char legend[8192];
    size_t w = (size_t)snprintf(legend, sizeof legend,
                                "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                                "CELLPADDING=\"3\"><TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>");
    for (int t = 0; t < RT_COUNT && w < sizeof legend - 400; t++)
        w += (size_t)snprintf(legend + w, sizeof legend - w,
                              "<TR><TD><FONT COLOR=\"%s\">%s</FONT></TD>"
                              "<TD ALIGN=\"LEFT\">%s: %s</TD></TR>",
                              rel_style[t].color, rel_glyph[t], kz_rel_type_names[t],
                              rel_meaning[t]);
    for (int k = 0; k < NK_COUNT && w < sizeof legend - 400; k++)
        w += (size_t)snprintf(legend + w, sizeof legend - w,
                              "<TR><TD>%s</TD><TD ALIGN=\"LEFT\">%s</TD></TR>", shape_words[k],
                              kz_node_kind_names[k]);
    if (w < sizeof legend - 16)
        snprintf(legend + w, sizeof legend - w, "</TABLE>");
    html_node(g, "legend", legend);
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
