/* kizuna/model.h - the alliance command structure: load a structure file, check it, show it, draw
 * it. */
#ifndef KIZUNA_MODEL_H
#define KIZUNA_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include "kizuna/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A loaded structure: nations, phases, decision types, nodes (headquarters,
 * ministries, sensors, shooters ...), command and coordination relations,
 * authorities and networks. Opaque and immutable once loaded; one allocation
 * tree, owned by the caller and freed by kz_model_free; every string an
 * accessor returns lives as long as the model. The format is docs/structure.md; the rules
 * kz_model_check applies are docs/checks.md.
 */
typedef struct kz_model kz_model;

/* Largest accepted structure file; larger ones are refused with [K001]. */
#define KZ_MODEL_MAX_BYTES (16u * 1024u * 1024u)

/*
 * Loads a structure file. Every problem found while reading (the file cannot
 * be read, YAML syntax, wrong types, unknown keys, bad values, unknown or
 * duplicate ids) is added to `d` with its line and column.
 * Returns 0 and the model in *out; KZ_EIO when the file cannot be read,
 * KZ_EPARSE when the YAML is malformed, KZ_ECHECK when the document breaks
 * the format (no model is returned in these cases: *out is NULL), KZ_ENOMEM.
 *
 * "PATH@VARIANT" selects one of the file's `variants:` (docs/structure.md): it
 * is split at the last '@' of the file name unless PATH@VARIANT is itself a
 * file. The model then holds the elements of that variant, its name is
 * "NAME@VARIANT", and the diagnostics name PATH. A variant the file does not
 * declare is [K036], with the ones it does. Without a selection, elements
 * marked `only_in` are left out.
 */
int kz_model_load_file(const char *path, kz_model **out, kz_diags *d);

/* The same from memory, with no variant selected; `name` is the file name used in
 * diagnostics. */
int kz_model_load_mem(const char *name, const void *buf, size_t len, kz_model **out, kz_diags *d);

/* Frees the model. NULL is accepted. */
void kz_model_free(kz_model *m);

/*
 * Applies the semantic rules (cycles, double superiors, national command,
 * decisions nobody holds, command paths, reachability, releasability, sources)
 * and adds what it finds to `d`. Returns 0 when it found no error (warnings
 * allowed), KZ_ECHECK when it found at least one, KZ_ENOMEM.
 */
int kz_model_check(const kz_model *m, kz_diags *d);

/* The structure's `name` and `title` fields; never NULL. */
const char *kz_model_name(const kz_model *m);
const char *kz_model_title(const kz_model *m);

/* The selected variant's id ("FILE@VARIANT"), or NULL when none was selected. */
const char *kz_model_variant(const kz_model *m);
/* How many variants the file declares, and the id of the i-th (NULL when out of range):
 * every one of them, whichever is selected. */
size_t kz_model_nvariants(const kz_model *m);
const char *kz_model_variant_id(const kz_model *m, size_t i);

/* Counts of what the model holds, for summaries. */
struct kz_model_counts {
    size_t nations, phases, decisions, nodes, relations, authorities, networks;
};
void kz_model_counts(const kz_model *m, struct kz_model_counts *out);

/* Index of the phase with this id, or -1. Phases are numbered in file order. */
int kz_model_phase_find(const kz_model *m, const char *id);
/* Id of phase i, or NULL when i is out of range. */
const char *kz_model_phase_id(const kz_model *m, int i);

/*
 * Writes a text description to `out`: each nation's chain of command as an
 * indented tree, then coordination links, authorities and networks.
 * `phase` restricts relations, authorities and networks to one phase (-1: all).
 * Returns 0 or KZ_EIO when writing failed.
 */
int kz_model_show(const kz_model *m, int phase, FILE *out);

/*
 * Writes the structure as JSON (docs/json.md, "show") to `out`, followed by a
 * newline: name, title, file, phase (null for all), nations, phases, nodes,
 * and the relations, authorities and networks that hold in `phase` (-1: all).
 * Returns 0, KZ_EINVAL (NULL argument, phase out of range), KZ_ENOMEM or
 * KZ_EIO when writing failed.
 */
int kz_model_json(const kz_model *m, int phase, FILE *out);

/*
 * Draws the structure as an org chart with Graphviz (dot layout): a cluster
 * per nation, one edge style per relation type, networks, a legend. `format`
 * is "svg" or "png". `phase` as for kz_model_show. On failure writes a
 * message to err[0..errlen) and returns KZ_EINVAL (bad format), KZ_EGRAPH or
 * KZ_EIO. Not thread-safe: Graphviz keeps global state, so draw from one thread.
 */
int kz_model_draw(const kz_model *m, int phase, const char *path, const char *format, char *err,
                  size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
