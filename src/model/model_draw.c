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

/* How each relation type is drawn, and how the legend shows and explains it. */
struct edge_style {
    const char *style, *color, *arrow, *dir, *penwidth;
    const char *glyph;   /* the line as legend text (HTML entities) */
    const char *meaning; /* the legend's explanation */
};

/* One look per relation type; command solid, control lighter, peers without arrows. */
static const struct edge_style rel_style[RT_COUNT] = {
    [RT_COCOM] = {"solid", "black", "normal", "forward", "2.5", "&#9473;&#9473;&#9473;&#9654;",
                  "command (national / combatant)"},
    [RT_OPCON] = {"solid", "#1f4e9c", "normal", "forward", "1.8", "&#9472;&#9472;&#9472;&#9654;",
                  "operational control"},
    [RT_TACON] = {"dashed", "#1f4e9c", "normal", "forward", "1.4", "&#9588; &#9588; &#9588;&#9654;",
                  "tactical control"},
    [RT_ADCON] = {"dotted", "#666666", "normal", "forward", "1.2",
                  "&#183;&#183;&#183;&#183;&#183;&#9654;", "administrative control"},
    [RT_SUPPORT] = {"solid", "#2e8b57", "empty", "forward", "1.4", "&#9472;&#9472;&#9472;&#9655;",
                    "support (supported to supporting)"},
    [RT_COORDINATION] = {"dashed", "#d2691e", "none", "none", "1.6", "&#9588; &#9588; &#9588; ",
                         "peers coordinate, no command"},
    [RT_LIAISON] = {"dotted", "#8a2be2", "none", "none", "1.6",
                    "&#183;&#183;&#183;&#183;&#183;&#183;", "liaison officers exchanged"},
    [RT_DIRLAUTH] = {"dashed", "#8b4513", "none", "none", "1.2", "&#9588; &#9588; &#9588; ",
                     "direct liaison authorized"},
};

/* How each node kind is drawn, and the shape's name for the legend. */
static const struct {
    const char *shape, *style, *penwidth, *words;
} kind_look[NK_COUNT] = {
    [NK_NCA] = {"doubleoctagon", "filled", "1", "double octagon"},
    [NK_MINISTRY] = {"tab", "filled", "1", "tab"},
    [NK_COMBATANT_COMMAND] = {"box", "filled", "2", "bold box"},
    [NK_JOINT_HQ] = {"box", "filled", "2", "bold box"},
    [NK_COMPONENT] = {"box", "rounded,filled", "1", "rounded box"},
    [NK_FORCE] = {"ellipse", "filled", "1", "ellipse"},
    [NK_SENSOR] = {"invhouse", "filled", "1", "inverted house"},
    [NK_SHOOTER] = {"house", "filled", "1", "house"},
    [NK_COORDINATION] = {"hexagon", "filled", "1", "hexagon"},
    [NK_AGENCY] = {"component", "filled", "1", "component box"},
};

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

/* Networks as one table rather than a line per member: with a dozen networks the lines
 * cross the whole chart and hide the chain of command. */
static void networks_table(Agraph_t *g, const struct kz_model *m, phase_mask want)
{
    /* A row holds at most name 200 + members 1400 + releasable 200 + route 120 bytes plus
     * markup, well inside the 4096 reserved per network; truncation is still checked. */
    size_t cap = 1024 + m->nnetworks * 4096, w = 0;
    char *html = malloc(cap);
    if (!html)
        return;
    w = (size_t)snprintf(html, cap,
                         "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                         "CELLPADDING=\"3\"><TR><TD COLSPAN=\"5\"><B>Networks</B></TD></TR>"
                         "<TR><TD><B>network</B></TD><TD><B>ceiling</B></TD>"
                         "<TD><B>routing</B></TD><TD><B>members</B></TD>"
                         "<TD><B>releasable to</B></TD></TR>");
    for (size_t i = 0; i < m->nnetworks; i++) {
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
        int r = snprintf(html + w, cap - w,
                         "<TR><TD ALIGN=\"LEFT\">%s</TD><TD>%s</TD><TD>%s</TD>"
                         "<TD ALIGN=\"LEFT\">%s</TD><TD>%s</TD></TR>",
                         name, kz_classif_names[nw->ceiling], route, members, rel);
        if (r < 0 || (size_t)r >= cap - w - 16)
            goto out; /* cannot happen with the sizes above; never emit broken markup */
        w += (size_t)r;
    }
    snprintf(html + w, cap - w, "</TABLE>");
    html_node(g, "networks", html);
out:
    free(html);
}

/* The legend: line styles and node shapes with what they mean. */
static void legend_table(Agraph_t *g)
{
    char legend[8192];
    size_t w = (size_t)snprintf(legend, sizeof legend,
                                "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" "
                                "CELLPADDING=\"3\"><TR><TD COLSPAN=\"2\"><B>Legend</B></TD></TR>");
    /* Rows are under 300 bytes and there are 18 of them: the buffer cannot overflow. */
    for (int t = 0; t < RT_COUNT; t++)
        w += (size_t)snprintf(legend + w, sizeof legend - w,
                              "<TR><TD><FONT COLOR=\"%s\">%s</FONT></TD>"
                              "<TD ALIGN=\"LEFT\">%s: %s</TD></TR>",
                              rel_style[t].color, rel_style[t].glyph, kz_rel_type_names[t],
                              rel_style[t].meaning);
    for (int k = 0; k < NK_COUNT; k++)
        w += (size_t)snprintf(legend + w, sizeof legend - w,
                              "<TR><TD>%s</TD><TD ALIGN=\"LEFT\">%s</TD></TR>", kind_look[k].words,
                              kz_node_kind_names[k]);
    snprintf(legend + w, sizeof legend - w, "</TABLE>");
    html_node(g, "legend", legend);
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
            /* a decision this node holds in force in advance (a standing authority) */
            char standing[120] = "";
            for (size_t k = 0; k < m->nauthorities; k++) {
                const struct authority *au = &m->authorities[k];
                if (au->standing && au->holder == (int)v && (au->phases & want) &&
                    strlen(standing) + strlen(m->decisions[au->decision].id) + 12 < sizeof standing) {
                    strcat(standing, "\nstanding: ");
                    strcat(standing, m->decisions[au->decision].id);
                }
            }
            snprintf(buf, sizeof buf, "%s%s%s%s", nd->name, grade, comb, standing);
            set(gv[v], "label", buf);
            set(gv[v], "shape", kind_look[nd->kind].shape);
            set(gv[v], "style", kind_look[nd->kind].style);
            set(gv[v], "penwidth", kind_look[nd->kind].penwidth);
            set(gv[v], "fillcolor", "white");
            set(gv[v], "fontname", "Helvetica");
            set(gv[v], "fontsize", "10");
            set(gv[v], "tooltip", nd->id);
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

    if (m->nnetworks)
        networks_table(g, m, want);
    legend_table(g);
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
