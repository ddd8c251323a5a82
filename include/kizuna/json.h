/* kizuna/json.h - the values every JSON document of kizuna is built from (jansson; docs/json.md). */
#ifndef KIZUNA_JSON_H
#define KIZUNA_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One copy of the small rules docs/json.md states once: a number that is not
 * finite is null (JSON has no NaN or infinity), a whole number below 1e9 is
 * written without a fraction; a missing string is null; text that is not
 * UTF-8 (from the network) keeps its ASCII and shows '?' for the rest.
 * Every function returns a new reference, NULL only when out of memory.
 */
json_t *kz_json_num(double v);
json_t *kz_json_str(const char *s);

/* o[key] = v and a[] += v, taking v's reference (also when they fail). False when o, a or v
 * is NULL or out of memory, so a document is built with `ok = kz_json_put(...) && ok`. */
bool kz_json_put(json_t *o, const char *key, json_t *v);
bool kz_json_push(json_t *a, json_t *v);
/* kz_json_put that clears *ok when it fails (a document built field by field, checked once). */
void kz_json_set(json_t *o, const char *key, json_t *v, bool *ok);

/* Writes `doc` (its reference taken; NULL: out of memory) to `out` with jansson's `flags` and a
 * newline. Returns 0, KZ_ENOMEM or KZ_EIO (errno says why). */
int kz_json_write(FILE *out, json_t *doc, size_t flags);

#ifdef __cplusplus
}
#endif
#endif
