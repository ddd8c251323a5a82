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

/* dir + '/' + rel into buf when it exists; 1 found, 0 not there, KZ_ELIMIT too long. */
static int try_dir(const char *dir, const char *rel, char *buf, size_t len)
{
    int w = *rel ? snprintf(buf, len, "%s/%s", dir, rel) : snprintf(buf, len, "%s", dir);
    if (w < 0 || (size_t)w >= len)
        return KZ_ELIMIT;
    struct stat st;
    return stat(buf, &st) == 0 ? 1 : 0;
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
