/* kizuna/data.h - where kizuna finds the data it ships: structures, scenarios, DDS configs. */
#ifndef KIZUNA_DATA_H
#define KIZUNA_DATA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The environment variable that names the data directory, overriding every other place. */
#define KZ_DATA_ENV "KIZUNA_DATA"

/*
 * The shipped data is the source tree's data/ directory (structures/,
 * scenarios/, dds/); `cmake --install` puts it in <prefix>/share/kizuna.
 * kz_data_path finds `rel` (a path relative to that directory, e.g.
 * "structures/jfhq.yaml"; "" for the directory itself) in the first of these
 * that holds it:
 *
 *   1. $KIZUNA_DATA, when set and not empty. It is then the only place looked
 *      in: a directory the user names is not second-guessed.
 *   2. <exe>/../share/kizuna, where <exe> is the running binary's directory
 *      (readlink of /proc/self/exe): an installed tree, wherever it was
 *      installed or moved to.
 *   3. The install prefix compiled in (CMAKE_INSTALL_FULL_DATADIR/kizuna).
 *   4. The source tree's data/ compiled in: a binary run from its build
 *      directory.
 *
 * A variant of a shipped file is found as that file: "structures/jfhq@bmd.yaml"
 * (or "structures/jfhq.yaml@bmd"), when no file has that name itself, gives
 * "DIR/structures/jfhq.yaml@bmd" - the "FILE@VARIANT" kz_model_load_file loads
 * (docs/structure.md, "variants").
 *
 * On success writes the path (directory, '/', rel) to buf[0..len) and returns
 * 0. Returns KZ_ENOTFOUND when no place holds it, with the places tried in
 * err[0..errlen) (caller-owned; may be NULL); KZ_ELIMIT when a path does not
 * fit in `len` bytes; KZ_EINVAL for NULL arguments or a `rel` that is absolute
 * or climbs out with "..". Thread-safe; allocates nothing.
 */
int kz_data_path(const char *rel, char *buf, size_t len, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
