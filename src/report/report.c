/* report.c - kz_report_write: results.json, runs.csv, steps.csv and report.html into a directory;
 * checked output. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "kizuna/error.h"
#include "kizuna/util.h"
#include "report_impl.h"

/* ---- checked output ------------------------------------------------------ */

static void fail(struct rep_out *o)
{
    if (!o->failed) {
        o->failed = true;
        o->err_no = errno ? errno : EIO;
    }
}

void rep_printf(struct rep_out *o, const char *fmt, ...)
{
    if (o->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    errno = 0;
    if (vfprintf(o->f, fmt, ap) < 0)
        fail(o);
    va_end(ap);
}

void rep_write(struct rep_out *o, const char *p, size_t n)
{
    if (o->failed || n == 0)
        return;
    errno = 0;
    if (fwrite(p, 1, n, o->f) != n)
        fail(o);
}

void rep_puts(struct rep_out *o, const char *s)
{
    rep_write(o, s, strlen(s));
}

void rep_putc(struct rep_out *o, char c)
{
    rep_write(o, &c, 1);
}

void rep_html(struct rep_out *o, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (const char *p = s; *p; p++) {
        const char *rep = *p == '&'    ? "&amp;"
                          : *p == '<'  ? "&lt;"
                          : *p == '>'  ? "&gt;"
                          : *p == '"'  ? "&quot;"
                          : *p == '\'' ? "&#39;"
                                       : NULL;
        if (!rep)
            continue;
        rep_write(o, run, (size_t)(p - run));
        rep_puts(o, rep);
        run = p + 1;
    }
    rep_puts(o, run);
}

/* ---- the directory --------------------------------------------------------- */

/* dir/name in a fresh allocation, or NULL. */
static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

enum which { W_JSON, W_CSV, W_STEPS, W_HTML };

static int write_json(struct rep_out *o, const struct kz_report_group *groups, size_t ngroups,
                      const struct kz_report_options *opt)
{
    return rep_json_emit(o, ngroups == 1 ? rep_json_group(&groups[0], opt)
                                         : rep_json_groups(groups, ngroups, opt));
}

/*
 * Writes one of the three files as dir/name: first to dir/name.tmp, renamed
 * over dir/name once complete, so that a failure never leaves half a file.
 */
static int write_file(const char *dir, const char *name, enum which w,
                      const struct kz_report_group *groups, size_t ngroups,
                      const struct kz_report_options *opt, char *err, size_t errlen)
{
    bool rows = !(opt && opt->no_run_rows);
    int rc = 0;
    char *path = join(dir, name), *tmp = path ? malloc(strlen(path) + 5) : NULL;
    if (!path || !tmp) {
        kz_set_err(err, errlen, "out of memory");
        rc = KZ_ENOMEM;
        goto out_path;
    }
    snprintf(tmp, strlen(path) + 5, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        kz_set_err(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
        rc = KZ_EIO;
        goto out_path;
    }
    struct rep_out o = {.f = f};
    switch (w) {
    case W_JSON:
        if ((rc = write_json(&o, groups, ngroups, opt)))
            kz_set_err(err, errlen, "out of memory");
        break;
    case W_CSV:
        rep_csv(&o, groups, rows ? ngroups : 0);
        break;
    case W_STEPS:
        rep_steps_csv(&o, groups, rows ? ngroups : 0);
        break;
    case W_HTML:
        rc = rep_html_doc(&o, groups, ngroups, opt, err, errlen);
        break;
    }
    errno = 0;
    if (fclose(f) == EOF && !o.failed) {
        o.failed = true;
        o.err_no = errno ? errno : EIO;
    }
    if (rc == 0 && o.failed) {
        kz_set_err(err, errlen, "cannot write '%s': %s", tmp, strerror(o.err_no));
        rc = KZ_EIO;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        kz_set_err(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
        rc = KZ_EIO;
    }
    if (rc != 0)
        remove(tmp);
out_path:
    free(tmp);
    free(path);
    return rc;
}

/* mkdir -p: dir and any missing parents. 0, or -1 with errno. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    int rc = 0;
    for (char *q = p + 1; rc == 0 && *q; q++) {
        if (*q != '/' || q[-1] == '/')
            continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = -1;
        *q = '/';
    }
    if (rc == 0 && mkdir(p, 0777) != 0 && errno != EEXIST)
        rc = -1;
    int e = errno;
    free(p);
    errno = e;
    return rc;
}

int kz_report_prepare(const char *dir, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!dir || !*dir) {
        kz_set_err(err, errlen, "report: no directory");
        return KZ_EINVAL;
    }
    if (make_dirs(dir) != 0) {
        kz_set_err(err, errlen, "cannot create directory '%s': %s", dir, strerror(errno));
        return KZ_EIO;
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        kz_set_err(err, errlen, "cannot use '%s' as the report directory: %s", dir,
                   strerror(errno));
        return KZ_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        kz_set_err(err, errlen, "cannot use '%s' as the report directory: not a directory", dir);
        return KZ_EIO;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        kz_set_err(err, errlen, "cannot write into '%s': %s", dir, strerror(errno));
        return KZ_EIO;
    }
    return KZ_OK;
}

int kz_report_write(const char *dir, const struct kz_report_group *groups, size_t ngroups,
                    char *err, size_t errlen)
{
    return kz_report_write_opts(dir, groups, ngroups, NULL, err, errlen);
}

int kz_report_write_opts(const char *dir, const struct kz_report_group *groups, size_t ngroups,
                         const struct kz_report_options *opt, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!dir || !*dir || !groups || ngroups == 0) {
        kz_set_err(err, errlen, "report: no directory or no results");
        return KZ_EINVAL;
    }
    for (size_t i = 0; i < ngroups; i++) {
        if (groups[i].nresults && !groups[i].results) {
            kz_set_err(err, errlen, "report: group %zu has no results array", i);
            return KZ_EINVAL;
        }
        for (size_t j = 0; j < groups[i].nresults; j++)
            if (!groups[i].results[j]) {
                kz_set_err(err, errlen, "report: result %zu of group %zu is NULL", j, i);
                return KZ_EINVAL;
            }
    }
    int rc = kz_report_prepare(dir, err, errlen);
    if (rc == 0)
        rc = write_file(dir, "results.json", W_JSON, groups, ngroups, opt, err, errlen);
    if (rc == 0)
        rc = write_file(dir, "runs.csv", W_CSV, groups, ngroups, opt, err, errlen);
    if (rc == 0)
        rc = write_file(dir, "steps.csv", W_STEPS, groups, ngroups, opt, err, errlen);
    if (rc == 0)
        rc = write_file(dir, "report.html", W_HTML, groups, ngroups, opt, err, errlen);
    return rc;
}
