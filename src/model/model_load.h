/* model_load.h - the structure loader's state, shared by model_load.c and model_load_more.c. */
#ifndef KZ_MODEL_LOAD_H
#define KZ_MODEL_LOAD_H

#include <stdbool.h>

#include "idmap.h"
#include "model_impl.h"
#include "yread.h"
#include "ytree.h"

struct ld {
    struct yread r;
    struct kz_model *m;
    struct idmap nations, phases, decisions, nodes, networks, variants;
    const struct ynode *defaults;
    const char *want; /* the variant asked for ("FILE@VARIANT"), or NULL */
};

/*
 * The loading of issue 11's fields (model_load_more.c). Each reports what is wrong at its
 * place and lets the loader go on, as every reader of yread.h does.
 */

/* `variants:` at the top: registers the ids and resolves L->want into m->variant (K036 when
 * the file does not declare it). Runs before any element that may name a variant. */
void ld_variants(struct ld *L, const struct ynode *sec);

/* Whether the element `e` (a relation, authority, network or profile) is present in the
 * selected variant, from its `only_in` / `except_in` (K011 for an unknown variant id, K036
 * for both keys on one element). An element without either is always present. */
bool ld_present(struct ld *L, const struct ynode *e);

/* A node's `profiles:` list into x->profiles (K033 for two with one decision and precedence). */
void ld_profiles(struct ld *L, const struct ynode *list, struct node *x);

/* An authority's `standing` and `approve` keys (K034 for standing with approvals or a
 * delegate). Returns false when the authority should be left out. */
bool ld_authority_more(struct ld *L, const struct ynode *e, struct authority *x);

/* A network's `relay` and `gateway` keys (K035 for a gateway on a manual network). */
void ld_network_more(struct ld *L, const struct ynode *e, struct network *x);

/* Loads a document already read into memory, with the variant `want` (NULL: none). */
int kz__model_load(const char *name, const void *buf, size_t len, const char *want,
                   kz_model **out, kz_diags *d);

#endif
