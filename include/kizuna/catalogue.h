/* kizuna/catalogue.h - the shipped data: which structure and scenario files a data directory
 * holds, and in which order they are compared. */
#ifndef KIZUNA_CATALOGUE_H
#define KIZUNA_CATALOGUE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The files of a data directory DIR: every DIR/structures/NAME.yaml and
 * DIR/scenarios/NAME.yaml, as paths ("DIR/structures/jfhq.yaml"). The catalogue
 * owns every string; kz_catalogue_free releases them.
 */
struct kz_catalogue {
    char **structures; /* in the order of DIR/structures/ORDER, unlisted files after, by name;
                        * a variant ORDER names is "DIR/structures/NAME.yaml@VARIANT" */
    size_t nstructures;
    char **scenarios; /* by name */
    size_t nscenarios;
};

/*
 * Fills *c from `dir`. DIR/structures/ORDER, if present, lists structure
 * names (file names without ".yaml") one per line, oldest first; empty lines
 * and lines starting with '#' are skipped. A line "NAME@VARIANT" adds the
 * variant of NAME.yaml as one more structure, "DIR/structures/NAME.yaml@VARIANT"
 * (the form kz_model_load_file takes), at that place in the order. Returns 0, KZ_EINVAL (NULL
 * argument), KZ_ENOTFOUND (no structure or no scenario file under dir) or
 * KZ_ENOMEM, with a message in err[0..errlen) on failure; *c is then empty.
 */
int kz_catalogue_load(const char *dir, struct kz_catalogue *c, char *err, size_t errlen);

/* Frees what kz_catalogue_load filled and empties *c; NULL or empty is fine. */
void kz_catalogue_free(struct kz_catalogue *c);

#ifdef __cplusplus
}
#endif
#endif
