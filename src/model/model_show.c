/* model_show.c - a structure as text: chains of command as trees, then links, authorities,
 * networks. */
#include <stdlib.h>
#include <string.h>

#include "kizuna/error.h"
#include "model_impl.h"

struct show {
    const struct kz_model *m;
    FILE *out;
    phase_mask want;
    unsigned char *printed;
    long *primary; /* per node: the relation it is drawn under in full, or -1 */
};

/* Lower is stronger: the operative chain (OPCON) is shown in full, ADCON and support
 * lines as references, so a force appears under whoever fights it. */
static int strength(enum rel_type t)
{
    switch (t) {
    case RT_OPCON:
        return 0;
    case RT_COCOM:
        return 1;
    case RT_TACON:
        return 2;
    case RT_ADCON:
        return 3;
    default:
        return 4;
    }
}

static bool in_phase(const struct show *S, phase_mask held)
{
    return (held & S->want) != 0;
}

/* " [gray-zone, armed-attack]" when `held` is not every phase. */
static void phase_suffix(const struct kz_model *m, phase_mask held, char *buf, size_t n)
{
    buf[0] = '\0';
    if (held == phase_all(m))
        return;
    strncat(buf, " [", n - strlen(buf) - 1);
    bool first = true;
    for (size_t p = 0; p < m->nphases; p++) {
        if (!(held & (1u << p)))
            continue;
        if (!first)
            strncat(buf, ", ", n - strlen(buf) - 1);
        strncat(buf, m->phases[p].id, n - strlen(buf) - 1);
        first = false;
    }
    strncat(buf, "]", n - strlen(buf) - 1);
}

static bool is_downward(enum rel_type t)
{
    return rel_is_command(t) || t == RT_ADCON || t == RT_SUPPORT;
}

static void tree(struct show *S, int v, int depth, const struct relation *via)
{
    const struct kz_model *m = S->m;
    const struct node *nd = &m->nodes[v];
    char ph[200] = "";
    fprintf(S->out, "%*s", 2 + depth * 4, "");
    if (via) {
        phase_suffix(m, via->phases, ph, sizeof ph);
        fprintf(S->out, "%s%s -> ", kz_rel_type_names[via->type], ph);
    }
    fprintf(S->out, "%s  (%s; %s", nd->id, nd->name, kz_node_kind_names[nd->kind]);
    if (nd->grade != GR_NONE)
        fprintf(S->out, ", %s", kz_grade_names[nd->grade]);
    if (via && nd->nation != m->nodes[via->from].nation && nd->nation >= 0)
        fprintf(S->out, ", %s", m->nations[nd->nation].id);
    fputs(")", S->out);
    bool primary = !via || S->primary[v] < 0 || &m->relations[S->primary[v]] == via;
    if (S->printed[v] || !primary) {
        if (S->primary[v] >= 0 && !primary)
            fprintf(S->out, "  (see under %s)\n", m->nodes[m->relations[S->primary[v]].from].id);
        else
            fputs("  (see above)\n", S->out);
        return;
    }
    fputc('\n', S->out);
    S->printed[v] = 1;
    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        if (r->from == v && is_downward(r->type) && in_phase(S, r->phases))
            tree(S, r->to, depth + 1, r);
    }
}

static void refs_list(FILE *out, const struct kz_model *m, const struct refs *r)
{
    for (size_t i = 0; i < r->n; i++)
        fprintf(out, "%s%s", i ? ", " : "", m->nodes[r->v[i].idx].id);
}

static const char *const prec_names[] = {"flash", "immediate", "priority", "routine"};

/* "Processing profiles": per node, what each profile is for and its action times. */
static void show_profiles(const struct kz_model *m, FILE *out)
{
    bool header = false;
    for (size_t v = 0; v < m->nnodes; v++) {
        const struct node *nd = &m->nodes[v];
        for (size_t k = 0; k < nd->nprofiles; k++) {
            const struct profile *p = &nd->profiles[k];
            if (!header)
                fputs("\nProcessing profiles\n", out);
            header = true;
            fprintf(out, "  %s: %s%s%s%s%s\n", nd->id, p->decision >= 0 ? "decision " : "",
                    p->decision >= 0 ? m->decisions[p->decision].id : "",
                    p->decision >= 0 && p->prec >= 0 ? ", " : "",
                    p->prec >= 0 ? "precedence " : "", p->prec >= 0 ? prec_names[p->prec] : "");
            for (int a = 0; a < ACT_COUNT; a++) {
                if (!(p->has & (1u << a)))
                    continue;
                char d[120];
                kz_dist_format(&p->proc[a], d, sizeof d);
                fprintf(out, "      %s %s\n", kz_action_names[a], d);
            }
        }
    }
}

static void show_authority(const struct kz_model *m, const struct authority *a, FILE *out)
{
    char ph[200];
    phase_suffix(m, a->phases, ph, sizeof ph);
    fprintf(out, "  %s: held by %s for %s assets%s%s\n", m->decisions[a->decision].id,
            m->nodes[a->holder].id, m->nations[a->assets].id, ph,
            a->standing ? " - standing" : "");
    if (a->standing)
        fprintf(out, "      in force in advance: %s\n", a->instrument);
    if (a->approvals.n) {
        fprintf(out, "      approvals first%s: ", a->concurrent ? " (all at once)" : "");
        refs_list(out, m, &a->approvals);
        fputc('\n', out);
    }
    if (a->executors.n) {
        fputs("      executed by: ", out);
        refs_list(out, m, &a->executors);
        fputc('\n', out);
    }
    if (a->delegate >= 0) {
        char d[80];
        kz_dist_format(&a->delegate_after, d, sizeof d);
        fprintf(out, "      delegates to %s after %s\n", m->nodes[a->delegate].id, d);
    }
}

int kz_model_show(const kz_model *m, int phase, FILE *out)
{
    struct show S = {m, out, phase < 0 ? phase_all(m) : 1u << phase, NULL, NULL};
    S.printed = calloc(m->nnodes ? m->nnodes : 1, 1);
    S.primary = malloc((m->nnodes ? m->nnodes : 1) * sizeof *S.primary);
    if (!S.printed || !S.primary) {
        free(S.printed);
        free(S.primary);
        return KZ_ENOMEM;
    }
    for (size_t v = 0; v < m->nnodes; v++)
        S.primary[v] = -1;
    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        if (!is_downward(r->type) || !in_phase(&S, r->phases))
            continue;
        long cur = S.primary[r->to];
        if (cur < 0 || strength(r->type) < strength(m->relations[cur].type))
            S.primary[r->to] = (long)i;
    }
    char ph[200];

    fprintf(out, "%s - %s\n", m->name, m->title);
    fprintf(out, "phase: %s\n", phase < 0 ? "all" : m->phases[phase].id);
    if (m->nvariants) {
        fprintf(out, "variant: %s", m->variant >= 0 ? m->variants[m->variant].id : "none");
        if (m->variant >= 0)
            fprintf(out, " - %s", m->variants[m->variant].title);
        fputs(" (declared:", out);
        for (size_t i = 0; i < m->nvariants; i++)
            fprintf(out, " %s", m->variants[i].id);
        fputs(")\n", out);
    }

    fputs("\nChains of command\n", out);
    for (size_t nat = 0; nat < m->nnations; nat++) {
        fprintf(out, "%s - %s%s\n", m->nations[nat].id, m->nations[nat].name,
                m->nations[nat].national_command ? " (keeps national command)" : "");
        for (size_t v = 0; v < m->nnodes; v++)
            if (m->nodes[v].nation == (int)nat && m->nodes[v].kind == NK_NCA)
                tree(&S, (int)v, 0, NULL);
    }
    bool header = false;
    for (size_t v = 0; v < m->nnodes; v++) {
        if (S.printed[v])
            continue;
        if (!header)
            fputs("Not under any national command authority in this phase\n", out);
        header = true;
        tree(&S, (int)v, 0, NULL);
    }

    fputs("\nCoordination links\n", out);
    for (size_t i = 0; i < m->nrelations; i++) {
        const struct relation *r = &m->relations[i];
        if (!rel_is_peer(r->type) || !in_phase(&S, r->phases))
            continue;
        phase_suffix(m, r->phases, ph, sizeof ph);
        fprintf(out, "  %s <-%s-> %s%s\n", m->nodes[r->from].id, kz_rel_type_names[r->type],
                m->nodes[r->to].id, ph);
    }

    show_profiles(m, out);

    fputs("\nAuthorities\n", out);
    for (size_t i = 0; i < m->nauthorities; i++)
        if (in_phase(&S, m->authorities[i].phases))
            show_authority(m, &m->authorities[i], out);

    fputs("\nNetworks\n", out);
    for (size_t i = 0; i < m->nnetworks; i++) {
        const struct network *nw = &m->networks[i];
        if (!in_phase(&S, nw->phases))
            continue;
        phase_suffix(m, nw->phases, ph, sizeof ph);
        char gw[120] = "";
        if (nw->automatic && nw->gateway.kind != KZ_DIST_NONE)
            kz_dist_format(&nw->gateway, gw, sizeof gw);
        fprintf(out, "  %s (%s): ceiling %s, %s%s%s%s%s%s%s", nw->id, nw->name,
                kz_classif_names[nw->ceiling], nw->topology == TOPO_HUB ? "hub " : "mesh",
                nw->topology == TOPO_HUB ? "via " : "",
                nw->topology == TOPO_HUB ? m->nodes[nw->hub].id : "",
                nw->automatic ? ", automatic relay" : "", gw[0] ? " (gateway " : "", gw,
                gw[0] ? ")" : "");
        fputs(ph, out);
        fputc('\n', out);
        fputs("      members: ", out);
        refs_list(out, m, &nw->members);
        fputs("\n      releasable to: ", out);
        bool first = true;
        for (size_t n = 0; n < m->nnations; n++)
            if (nw->releasable & ((nation_mask)1 << n)) {
                fprintf(out, "%s%s", first ? "" : ", ", m->nations[n].id);
                first = false;
            }
        fputc('\n', out);
    }
    free(S.printed);
    free(S.primary);
    return ferror(out) ? KZ_EIO : KZ_OK;
}
