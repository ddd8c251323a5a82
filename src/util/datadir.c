/* datadir.c - kz_data_path: shipped data found from the environment, the binary or the build. */
#include "kizuna/data.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kizuna/error.h"
#include "kizuna/util.h"

/* Both come from CMake for this file alone (CMakeLists.txt, the install block). */
#ifndef KZ_INSTALL_DATADIR
#define KZ_INSTALL_DATADIR "/usr/local/share/kizuna"
#endif
#ifndef KZ_SOURCE_DATADIR
#define KZ_SOURCE_DATADIR ""
#endif

#define PATH_BYTES 4096

/* `rel` stays inside the data directory: relative, no ".." component. */
static bool rel_ok(const char *rel)
{
    if (rel[0] == '/')
        return false;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        p += *p == '/';
    }
    return true;
}

/*
 * A variant's name in the last component of `rel`: "structures/jfhq@bmd.yaml" or
 * "structures/jfhq.yaml@bmd" is the file "structures/jfhq.yaml" (into base) with
 * "@bmd" (into suffix). False when there is no '@' with text after it, or it does not fit.
 */
static bool split_variant(const char *rel, char *base, size_t blen, char *suffix, size_t slen)
{
    const char *last = strrchr(rel, '/');
    last = last ? last + 1 : rel;
    const char *at = strrchr(last, '@');
    if (!at || !at[1] || at == last)
        return false;
    size_t head = (size_t)(at - rel);
    /* NAME@VARIANT.EXT: the extension moves before the '@'; NAME.EXT@VARIANT stays */
    const char *ext = memchr(last, '.', (size_t)(at - last)) ? NULL : strrchr(at, '.');
    size_t vlen = ext ? (size_t)(ext - at) : strlen(at);
    if (!ext)
        ext = "";
    if (vlen < 2 || head + strlen(ext) >= blen || vlen >= slen)
        return false;
    snprintf(base, blen, "%.*s%s", (int)head, rel, ext);
    snprintf(suffix, slen, "%.*s", (int)vlen, at);
    return true;
}

/* dir + '/' + rel into buf when it exists; 1 found, 0 not there, KZ_ELIMIT too long. A
 * variant of a file ("structures/jfhq@bmd.yaml") is found as the file, and buf is then
 * "DIR/structures/jfhq.yaml@bmd", as kz_model_load_file takes it. */
static int try_dir(const char *dir, const char *rel, char *buf, size_t len)
{
    int w = *rel ? snprintf(buf, len, "%s/%s", dir, rel) : snprintf(buf, len, "%s", dir);
    if (w < 0 || (size_t)w >= len)
        return KZ_ELIMIT;
    struct stat st;
    if (stat(buf, &st) == 0)
        return 1;
    char base[PATH_BYTES], suffix[256];
    if (!split_variant(rel, base, sizeof base, suffix, sizeof suffix))
        return 0;
    w = snprintf(buf, len, "%s/%s", dir, base);
    if (w < 0 || (size_t)w >= len)
        return KZ_ELIMIT;
    if (stat(buf, &st) != 0 || S_ISDIR(st.st_mode))
        return 0;
    if ((size_t)w + strlen(suffix) >= len)
        return KZ_ELIMIT;
    strcat(buf, suffix);
    return 1;
}

/* <exe>/../share/kizuna, or "" when /proc/self/exe cannot be read. */
static void exe_datadir(char *out, size_t len)
{
    char exe[PATH_BYTES];
    out[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0'; /* the binary's directory, normally <prefix>/bin */
    slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0'; /* <prefix>; "" for a binary in / */
    int w = snprintf(out, len, "%s/share/kizuna", exe);
    if (w < 0 || (size_t)w >= len)
        out[0] = '\0';
}

int kz_data_path(const char *rel, char *buf, size_t len, char *err, size_t errlen)
{
    if (!rel || !buf || !len || !rel_ok(rel)) {
        kz_set_err(err, errlen, "invalid data path '%s'", rel ? rel : "(null)");
        return KZ_EINVAL;
    }
    buf[0] = '\0';
    const char *env = getenv(KZ_DATA_ENV);
    if (env && *env) {
        int rc = try_dir(env, rel, buf, len);
        if (rc == 1)
            return 0;
        kz_set_err(err, errlen, "'%s' is not in %s=%s", *rel ? rel : ".", KZ_DATA_ENV, env);
        buf[0] = '\0';
        return rc == KZ_ELIMIT ? KZ_ELIMIT : KZ_ENOTFOUND;
    }
    char exedir[PATH_BYTES];
    exe_datadir(exedir, sizeof exedir);
    const char *dirs[] = {exedir, KZ_INSTALL_DATADIR, KZ_SOURCE_DATADIR};
    bool too_long = false;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (!dirs[i][0])
            continue;
        int rc = try_dir(dirs[i], rel, buf, len);
        if (rc == 1)
            return 0;
        too_long |= rc == KZ_ELIMIT;
    }
    buf[0] = '\0';
    kz_set_err(err, errlen, "'%s' is in none of %s%s%s%s%s (set %s to the data directory)",
            *rel ? rel : ".", exedir, exedir[0] ? ", " : "", KZ_INSTALL_DATADIR,
            KZ_SOURCE_DATADIR[0] ? ", " : "", KZ_SOURCE_DATADIR, KZ_DATA_ENV);
    return too_long ? KZ_ELIMIT : KZ_ENOTFOUND;
}
