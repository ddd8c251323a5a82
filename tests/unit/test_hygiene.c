/* test_hygiene.c - option hygiene: a node that several shipped structures share is staffed and
 * timed the same in each, unless the structure says in the node's notes that the option
 * changes it ("option:"), so that a difference between options is never a data artefact. */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "kizuna/kizuna.h"
#include "model/model_impl.h"
#include "support.h"

static const char *const files[] = {"legacy", "jjoc-2025", "jfhq", "jfhq-4star", "cjtf",
                                    "cfc-korea"};
#define NF (sizeof files / sizeof *files)

static bool same_dist(const struct kz_dist *a, const struct kz_dist *b)
{
    return a->kind == b->kind && a->p[0] == b->p[0] && a->p[1] == b->p[1] &&
           a->p[2] == b->p[2] && a->max == b->max;
}

/* The node says the option changes it: its notes carry "option:". */
static bool declared(const struct node *n)
{
    const char *s = n->meta.notes;
    for (; s && *s; s++)
        if (!strncasecmp(s, "option:", 7))
            return true;
    return false;
}

/* What differs between two copies of one node, or NULL. */
static const char *differs(const struct node *a, const struct node *b)
{
    if (a->always != b->always || a->day_start_min != b->day_start_min ||
        a->day_end_min != b->day_end_min || a->days != b->days)
        return "working hours";
    if (!same_dist(&a->recall, &b->recall))
        return "recall";
    for (int k = 0; k < ACT_COUNT; k++)
        if (!same_dist(&a->proc[k], &b->proc[k]))
            return kz_action_names[k];
    if (a->nprofiles != b->nprofiles)
        return "profiles";
    for (size_t i = 0; i < a->nprofiles; i++) {
        const struct profile *p = &a->profiles[i], *q = &b->profiles[i];
        if (p->prec != q->prec || p->has != q->has)
            return "profiles";
        for (int k = 0; k < ACT_COUNT; k++)
            if ((p->has & (1u << k)) && !same_dist(&p->proc[k], &q->proc[k]))
                return "profiles";
    }
    if (a->cells != b->cells)
        return "cells";
    return NULL;
}

static void shared_nodes_alike(void **state)
{
    (void)state;
    kz_model *m[NF];
    for (size_t f = 0; f < NF; f++) {
        char path[512];
        snprintf(path, sizeof path, "%s/data/structures/%s.yaml", KZ_SOURCE_DIR, files[f]);
        m[f] = ts_model_file(path);
    }
    int bad = 0, compared = 0;
    for (size_t f = 0; f < NF; f++)
        for (size_t i = 0; i < m[f]->nnodes; i++) {
            const struct node *a = &m[f]->nodes[i];
            for (size_t g = f + 1; g < NF; g++)
                for (size_t j = 0; j < m[g]->nnodes; j++) {
                    const struct node *b = &m[g]->nodes[j];
                    if (strcmp(a->id, b->id))
                        continue;
                    compared++;
                    const char *what = differs(a, b);
                    if (what && !declared(a) && !declared(b)) {
                        fprintf(stderr, "%s: %s differs between %s and %s, and neither says "
                                        "why (notes: \"option: ...\")\n",
                                a->id, what, files[f], files[g]);
                        bad++;
                    }
                }
        }
    fprintf(stderr, "%d shared node pairs compared\n", compared);
    assert_true(compared > 100);
    assert_int_equal(bad, 0);
    for (size_t f = 0; f < NF; f++)
        kz_model_free(m[f]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(shared_nodes_alike)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
